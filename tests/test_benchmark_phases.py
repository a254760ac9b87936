"""The benchmark's ingest steps measured apart (`run_benchmarks.py --phases-only`) must load what the
ingest loads: the same quads in the same document graphs, whatever the batch boundaries. (The ingest
also writes the vocabulary graph and, after loading, the council review links: not part of those steps.)"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.run_benchmarks import phase_load, phase_parse
from piagraph.analyse.history import LINKS_GRAPH
from piagraph.paths import SAMPLES_DIR
from piagraph.store import EmbeddedStore
from piagraph.vocabulary import VOCABULARY_GRAPH


def _quads(path: Path, tmp_path: Path, name: str) -> set[str]:
    out = tmp_path / f"{name}.nq"
    with EmbeddedStore(path, read_only=True) as store:
        store.export(str(out), "nq")
    besides = (f"<{VOCABULARY_GRAPH}> .", f"<{LINKS_GRAPH}> .")
    return {line for line in out.read_text(encoding="utf-8").splitlines() if not line.endswith(besides)}


def test_parsing_then_loading_apart_gives_the_ingests_document_graphs(loaded_store_path, tmp_path):
    spool, store = tmp_path / "corpus.nq", tmp_path / "store"
    cwd = os.getcwd()
    os.chdir(SAMPLES_DIR.parent.parent)  # the same relative evidence paths as the ingested store's
    try:
        parsed = phase_parse(SAMPLES_DIR.relative_to(Path.cwd()), spool, workers=1)
    finally:
        os.chdir(cwd)
    assert parsed["files"] == 5 and parsed["failed"] == 0 and parsed["documents"] >= 5
    # Small batches read in small blocks: each batch must end at a line's end wherever a block ends.
    loaded = phase_load(spool, store, batch_quads=997, block_size=4093)
    assert parsed["quads"] // 1100 <= loaded["batches"] <= parsed["quads"] // 997 + 1
    assert loaded["quads"] == parsed["quads"] == spool.read_bytes().count(b"\n")
    assert _quads(store, tmp_path, "apart") == _quads(Path(loaded_store_path), tmp_path, "ingested")
