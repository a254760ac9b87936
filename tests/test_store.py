"""The embedded store: idempotent re-ingest, all-or-nothing writes, locking, export."""

from __future__ import annotations

import shutil

import pytest

from piagraph.errors import StoreError
from piagraph.ingest import ingest
from piagraph.store import EmbeddedStore
from piagraph.store.base import GraphUpload
from tests.conftest import sample_path


def copy_sample(tmp_path, key: str):
    target = tmp_path / sample_path(key).name
    shutil.copy(sample_path(key), target)
    return target


def test_reingest_is_idempotent(tmp_path):
    doc = copy_sample(tmp_path, "iizuka")
    with EmbeddedStore(tmp_path / "store") as store:
        ingest([str(doc)], store)
        first = store.quad_count()
        graphs = store.named_graphs()
        ingest([str(doc)], store)
        assert store.quad_count() == first
        assert store.named_graphs() == graphs
    assert first > 500


def test_one_graph_per_document(tmp_path):
    doc = copy_sample(tmp_path, "takatsuki")
    with EmbeddedStore(tmp_path / "store") as store:
        report = ingest([str(doc)], store)
        assert len(store.graphs_of_source(str(doc))) == 6
        assert "https://w3id.org/piagraph/graph/vocabulary" in store.named_graphs()
        assert [d.kind for d in report.files[0].documents] == ["答申", "諮問", "全項目評価書", "諮問", "基礎評価書",
                                                               "全項目評価書"]


def test_failed_file_leaves_the_store_as_it_was(tmp_path):
    good = copy_sample(tmp_path, "iizuka")
    with EmbeddedStore(tmp_path / "store") as store:
        ingest([str(good)], store)
        before = store.quad_count()
        # Same name, now garbage: the parse fails and the earlier graph of this file must stay.
        good.write_bytes(b"\x00\x01" * 100)
        report = ingest([str(good)], store)
        assert report.failed and "binary" in report.failed[0].error
        assert store.quad_count() == before


def test_a_write_that_fails_half_way_changes_nothing(tmp_path):
    doc = copy_sample(tmp_path, "tochigi")
    with EmbeddedStore(tmp_path / "store") as store:
        ingest([str(doc)], store)
        before = store.quad_count()
        graphs = store.graphs_of_source(store.select(
            "SELECT ?f WHERE { GRAPH ?g { ?d <https://w3id.org/piagraph/ontology#sourceDocument> ?f } }"
        ).rows[0]["f"])
        good = GraphUpload("https://w3id.org/piagraph/graph/x/0", "<urn:a> <urn:b> <urn:c> .\n")
        broken = GraphUpload("https://w3id.org/piagraph/graph/x/1", "<urn:a> <urn:b> \"unterminated .\n")
        source = store.select(
            "SELECT ?f WHERE { GRAPH ?g { ?d <https://w3id.org/piagraph/ontology#sourceDocument> ?f } }"
        ).rows[0]["f"]
        with pytest.raises(StoreError, match="store unchanged"):
            store.replace_source(str(source), [good, broken])
        assert store.quad_count() == before
        assert store.graphs_of_source(str(source)) == graphs


def test_second_writer_is_refused_with_a_clear_message(tmp_path):
    with EmbeddedStore(tmp_path / "store"), pytest.raises(StoreError, match="being written by another"):
        EmbeddedStore(tmp_path / "store", wait=0.2)


def test_read_only_on_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        EmbeddedStore(tmp_path / "nothing", read_only=True)


@pytest.mark.parametrize("fmt", ["ttl", "nq", "trig", "jsonld"])
def test_export_round_trips_through_rdflib(tmp_path, fmt):
    import rdflib

    doc = copy_sample(tmp_path, "tochigi")
    with EmbeddedStore(tmp_path / "store") as store:
        ingest([str(doc)], store)
        out = tmp_path / f"export.{fmt}"
        store.export(str(out), fmt)
        quads = store.quad_count()
    if fmt in ("nq", "trig", "jsonld"):
        dataset = rdflib.Dataset()
        dataset.parse(str(out), format={"nq": "nquads", "trig": "trig", "jsonld": "json-ld"}[fmt])
        assert len(dataset) == quads
    else:
        graph = rdflib.Graph().parse(str(out), format="turtle")
        assert 0 < len(graph) <= quads


def test_bulk_add_checks_input_unless_it_is_the_builders_own(tmp_path):
    """The lenient (unchecked) parse is only for N-Quads piagraph's builder made: anything else gets
    Oxigraph's strict parser, and a bad IRI is refused with nothing written."""
    bad = '<https://example.org/a b> <https://example.org/p> "x" <https://example.org/g> .\n'
    good = '<https://example.org/a> <https://example.org/p> "名前" <https://example.org/g> .\n'
    with EmbeddedStore(tmp_path / "store") as store:
        with pytest.raises(SyntaxError, match="Invalid IRI"):
            store.bulk_add(bad)
        assert store.quad_count() == 0
        store.bulk_add(good)  # str
        store.bulk_add(good.encode("utf-8"), trusted=True)  # bytes, as the ingest gives them: the same quad
        rows = store.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        assert [str(row["o"]) for row in rows] == ["名前"]
