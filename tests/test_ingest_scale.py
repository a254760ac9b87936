"""Ingest at scale: bulk loading of new files, resume before parsing, the parser pool and its window."""

from __future__ import annotations

import os
import shutil

import pyoxigraph as ox
import pytest

import piagraph.ingest as ingest_module
from piagraph.errors import StoreError
from piagraph.ingest import file_hash, ingest, loaded_sources
from piagraph.store import EmbeddedStore
from piagraph.summary import store_statistics
from piagraph.terms import PIA, literal
from tests.conftest import SAMPLES, sample_path

VOCABULARY = "https://w3id.org/piagraph/graph/vocabulary"


def copy_samples(folder, keys=("iizuka", "tochigi", "kumagaya")):
    folder.mkdir(parents=True, exist_ok=True)
    for key in keys:
        shutil.copy(sample_path(key), folder / sample_path(key).name)
    return folder


def quads(store: EmbeddedStore, path) -> set[str]:
    """The store's quads outside the vocabulary graph (whose blank nodes differ from load to load)."""
    store.export(str(path), "nq")
    return {str(q) for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS) if VOCABULARY not in str(q)}


def test_bulk_loaded_files_equal_files_written_one_transaction_each(tmp_path):
    folder = copy_samples(tmp_path / "in")
    with EmbeddedStore(tmp_path / "bulk") as bulk:
        report = ingest([str(folder)], bulk)
        assert [f.status for f in report.files] == ["loaded"] * 3
        got = quads(bulk, tmp_path / "bulk.nq")
    with EmbeddedStore(tmp_path / "one") as one:
        one.bulk_add = None  # type: ignore[method-assign]  # no bulk loader: replace_source per file
        ingest([str(folder)], one)
        expected = quads(one, tmp_path / "one.nq")
    assert got == expected and len(got) > 1000


def test_resume_skips_unchanged_files_before_parsing_them(tmp_path, monkeypatch):
    folder = copy_samples(tmp_path / "in")
    with EmbeddedStore(tmp_path / "store") as store:
        ingest([str(folder)], store)
        before = store.quad_count()
        parsed: list[str] = []
        real = ingest_module.process_file
        monkeypatch.setattr(ingest_module, "process_file", lambda p, m: parsed.append(p) or real(p, m))
        report = ingest([str(folder)], store, skip_unchanged=True)
        assert [f.status for f in report.files] == ["unchanged"] * 3 and parsed == []
        changed = folder / sample_path("tochigi").name
        changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        report = ingest([str(folder)], store, skip_unchanged=True)
        assert parsed == [ingest_module.display_path(str(changed))]
        assert sorted(f.status for f in report.files) == ["loaded", "unchanged", "unchanged"]
        assert store.quad_count() == before
        assert loaded_sources(store)[parsed[0]] == file_hash(str(changed))


def test_resume_rebuilds_files_written_in_an_older_graph_format(tmp_path):
    """A file whose graphs lack the current pia:graphFormat (written by an older piagraph) is parsed
    again by a resumed ingest, not skipped as unchanged: the queries may rely on what it lacks."""
    folder = copy_samples(tmp_path / "in")
    with EmbeddedStore(tmp_path / "store") as store:
        ingest([str(folder)], store)
        before = quads(store, tmp_path / "before.nq")
        old = ingest_module.display_path(str(folder / sample_path("tochigi").name))
        store.update("DELETE { GRAPH ?g { ?d <%sgraphFormat> ?v } } WHERE { GRAPH ?g { "
                     "?d <%ssourceDocument> %s ; <%sgraphFormat> ?v } }"
                     % (PIA, PIA, literal(old), PIA))
        assert old not in {f for f, h in loaded_sources(store).items() if h}
        assert _outdated(store) == 1  # piagraph stats says so
        report = ingest([str(folder)], store, skip_unchanged=True)
        assert {f.path: f.status for f in report.files}[old] == "loaded"
        assert sorted(f.status for f in report.files) == ["loaded", "unchanged", "unchanged"]
        assert quads(store, tmp_path / "after.nq") == before
        assert loaded_sources(store)[old] == file_hash(old)
        assert _outdated(store) is None


def _outdated(store: EmbeddedStore) -> int | None:
    rows = {str(r["what"]): r["count"] for r in store_statistics(store)}
    return next((n for what, n in rows.items() if "older graph format" in what), None)


def test_a_failed_bulk_batch_falls_back_to_one_transaction_per_file(tmp_path):
    folder = copy_samples(tmp_path / "in")
    with EmbeddedStore(tmp_path / "ref") as ref:
        ingest([str(folder)], ref)
        expected = ref.quad_count()
    with EmbeddedStore(tmp_path / "store") as store:
        def broken(nquads: bytes, trusted: bool = False) -> None:
            store._store.bulk_load(nquads[: len(nquads) // 2].rsplit(b"\n", 1)[0] + b"\n",
                                   format=ox.RdfFormat.N_QUADS)  # half written, then the loader fails
            raise StoreError("disk full")

        store.bulk_add = broken  # type: ignore[method-assign]
        report = ingest([str(folder)], store)
        assert not report.failed and store.quad_count() == expected


def test_parser_processes_keep_input_order_and_report_bad_files(tmp_path):
    folder = copy_samples(tmp_path / "in", tuple(SAMPLES))
    (folder / "zz_bad.txt").write_bytes(b"\x00\x01" * 50)
    with EmbeddedStore(tmp_path / "store") as store:
        seen: list[str] = []
        report = ingest([str(folder)], store, workers=2, on_file=lambda r: seen.append(os.path.basename(r.path)))
    assert seen == sorted(seen) and len(seen) == 6
    assert [f.status for f in report.files].count("failed") == 1 and report.documents == 10
    assert report.documents_per_second > 0 and report.bytes > 0


def _die_on_crash(path: str, max_bytes: int):
    if "crash" in path:
        os._exit(3)  # a parser process killed (e.g. by the OOM killer)
    return _REAL_PROCESS_FILE(path, max_bytes)


_REAL_PROCESS_FILE = ingest_module.process_file


@pytest.mark.skipif(os.name != "posix", reason="needs fork: the patched parser must reach the workers")
def test_a_dead_parser_process_fails_its_file_and_the_others_go_on(tmp_path, monkeypatch):
    folder = copy_samples(tmp_path / "in")
    shutil.copy(sample_path("tochigi"), folder / "b_crash.txt")
    monkeypatch.setattr(ingest_module, "process_file", _die_on_crash)
    with EmbeddedStore(tmp_path / "store") as store:
        report = ingest([str(folder)], store, workers=2)
    statuses = {os.path.basename(f.path): f.status for f in report.files}
    assert statuses.pop("b_crash.txt") == "failed"
    assert set(statuses.values()) == {"loaded"}


def test_batches_written_in_the_background_keep_input_order(tmp_path, monkeypatch):
    """Batches of one file each, written by the writer thread while the next files are parsed, mixed
    with files already in the store (replaced one transaction each): reported in input order, and the
    store ends as if every file had been written one transaction each."""
    monkeypatch.setattr(ingest_module._BulkWriter.__init__, "__defaults__", (400_000, 1, 160_000_000))
    first = copy_samples(tmp_path / "a", keys=("iizuka", "tochigi"))
    second = copy_samples(tmp_path / "b", keys=("kumagaya", "yokohama", "takatsuki"))
    with EmbeddedStore(tmp_path / "store") as store:
        ingest([str(first)], store)
        order = [str(second / sample_path("kumagaya").name), str(first / sample_path("iizuka").name),
                 str(second / sample_path("yokohama").name), str(first / sample_path("tochigi").name),
                 str(second / sample_path("takatsuki").name)]
        report = ingest(order, store, workers=2)
        assert [f.path for f in report.files] == [ingest_module.display_path(p) for p in order]
        assert [f.status for f in report.files] == ["loaded"] * 5
        got = quads(store, tmp_path / "got.nq")
    with EmbeddedStore(tmp_path / "one") as one:
        one.bulk_add = None  # type: ignore[method-assign]
        ingest(order, one)
        assert got == quads(one, tmp_path / "one.nq")


def test_without_keep_warnings_the_report_does_not_hold_them(tmp_path):
    """The CLI prints each file's warnings as it goes (on_file) and does not keep them in the report,
    which would otherwise hold about 200 MB over a national corpus."""
    folder = copy_samples(tmp_path / "in", keys=("iizuka", "yokohama"))
    seen: dict[str, list[str]] = {}
    with EmbeddedStore(tmp_path / "kept") as store:
        kept = ingest([str(folder)], store)
    with EmbeddedStore(tmp_path / "dropped") as store:
        dropped = ingest([str(folder)], store, keep_warnings=False,
                         on_file=lambda r: seen.setdefault(os.path.basename(r.path), list(r.warnings)))
    expected = {os.path.basename(f.path): f.warnings for f in kept.files}
    assert all(expected.values()) and seen == expected  # the samples have warnings, on_file saw them all
    assert [f.warnings for f in dropped.files] == [[], []]
    assert dropped.documents == kept.documents
