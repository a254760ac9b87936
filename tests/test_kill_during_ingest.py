"""Fault injection: SIGKILL an ingest at random points; the store must open with, for each file, either
the old or the new version of its graphs, never a mix. Also: a second writer is refused."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from piagraph.ingest import process_file
from piagraph.store import EmbeddedStore
from piagraph.terms import PIA
from tests.conftest import sample_path

KILL_POINTS = 8


def versions(tmp_path):
    """Two versions of one file: the sample as published, and the same with a later 公表日."""
    text = sample_path("tochigi").read_text(encoding="utf-8")
    newer = text.replace("令和6年3月31日", "令和7年4月1日").replace("健康増進課長", "健康増進課長(改)")
    assert newer != text
    target = tmp_path / "tochigi.txt"
    expected = {}
    for version in (text, newer):
        target.write_text(version, encoding="utf-8")
        result = process_file(str(target))
        expected[result.content_hash] = sum(len(set(u.ntriples.splitlines())) for u in result.uploads)
    return target, [text, newer], expected


def state(store: EmbeddedStore, source: str) -> list[tuple[str, int]]:
    """(content hash, triple count) of every graph of ``source``."""
    rows = store.select(
        "SELECT ?g ?h (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?d <%ssourceDocument> %s ; <%scontentHash> ?h . "
        "?s ?p ?o } } GROUP BY ?g ?h" % (PIA, '"%s"' % source, PIA)
    ).rows
    return [(str(r["h"]), int(r["n"])) for r in rows]


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc: the parser processes of an ingest)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive_after(pids: list[int], seconds: float) -> list[int]:
    """The pids still running (not zombies) after waiting up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        alive = []
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                alive.append(pid)
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


@pytest.mark.slow
def test_sigkill_at_random_points_leaves_old_or_new_version(tmp_path):
    target, texts, expected = versions(tmp_path)
    store_path = tmp_path / "store"
    # Other files in the same run make the kill land at different stages of the ingest.
    extra = [str(sample_path("iizuka")), str(sample_path("kumagaya"))]
    survived = 0
    rng = random.Random(20261201)
    target.write_text(texts[0], encoding="utf-8")
    subprocess.run([sys.executable, "-m", "piagraph.cli", "ingest", "-q", "--store", str(store_path), str(target)],
                   check=True, capture_output=True)
    for point in range(KILL_POINTS):
        target.write_text(texts[(point + 1) % 2], encoding="utf-8")
        process = subprocess.Popen(
            [sys.executable, "-m", "piagraph.cli", "ingest", "-q", "--store", str(store_path), *extra, str(target)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 6.0))
        parsers = children(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        orphans = alive_after(parsers, seconds=10)
        assert not orphans, f"kill point {point}: parser processes outlived the ingest: {orphans}"
        with EmbeddedStore(store_path, wait=10) as store:  # the store opens after every kill
            found = state(store, str(target))
        assert len(found) == 1, f"kill point {point}: {found}"
        content_hash, count = found[0]
        assert content_hash in expected, f"kill point {point}: unknown version"
        assert count == expected[content_hash], f"kill point {point}: a partial graph ({count} triples)"
        survived += 1
    assert survived == KILL_POINTS


def test_second_ingest_is_refused_while_one_runs(tmp_path):
    store_path = tmp_path / "store"
    with EmbeddedStore(store_path):
        run = subprocess.run(
            [sys.executable, "-c",
             "from piagraph.store import EmbeddedStore\n"
             "from piagraph.errors import StoreError\n"
             f"try:\n    EmbeddedStore({str(store_path)!r}, wait=0.5)\nexcept StoreError as e:\n    print(e)"],
            capture_output=True, text=True, check=True)
    assert "being written by another piagraph process" in run.stdout
