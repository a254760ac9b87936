"""Named queries: parameters are bound as terms, never pasted into the query text."""

from __future__ import annotations

import pytest

from piagraph.errors import QueryError
from piagraph.queries import bind, list_queries, load_query
from piagraph.terms import literal


def test_every_named_query_parses_and_runs(loaded_store):
    yokohama = loaded_store.select(bind(load_query("assessments"), {"municipality": "横浜市"})).rows[0]["assessment"]
    for named in list_queries():
        examples = {"iri": yokohama, "date": "2020-01-01", "integer": 1, "string": "横浜市", "boolean": "true"}
        required = {p.name: examples[p.type] for p in named.params if not p.optional}
        table = loaded_store.select(bind(named, required))
        assert table.columns, named.name


def test_assessments_query_finds_iizuka_by_municipality(loaded_store):
    rows = loaded_store.select(bind(load_query("assessments"), {"municipality": "飯塚市"})).rows
    assert [(r["number"], r["kind"], r["publishedOn"]) for r in rows] == [("4", "重点", "2025-01-10")]


@pytest.mark.parametrize("hostile", [
    '飯塚市" } UNION { GRAPH ?graph { ?assessment ?p ?o } } #',
    "飯塚市' } #",
    '"""\n} } SELECT * WHERE { ?s ?p ?o }',
    "飯塚市\\\" )",
])
def test_hostile_parameter_values_do_not_change_the_query(loaded_store, hostile):
    named = load_query("assessments")
    text = bind(named, {"municipality": hostile})
    rows = loaded_store.select(text).rows
    assert rows == []  # no municipality is called that; the query's shape is unchanged
    assert f"VALUES (?param_municipality ?param_kind ?param_number ?param_affair ?param_assessment) {{ ({literal(hostile)}" in text
    assert text.replace(literal(hostile), '"x"').count("SELECT") == named.text.count("SELECT")


def test_unknown_and_missing_parameters_are_clear_errors():
    named = load_query("assessments")
    with pytest.raises(QueryError, match="has no parameter"):
        bind(named, {"nope": "x"})
    with pytest.raises(QueryError, match="unknown query"):
        load_query("no-such-query")
    with pytest.raises(QueryError, match="no query file"):
        load_query("../etc/passwd")


def test_typed_parameters_are_validated():
    from piagraph.queries import Param, term_for

    with pytest.raises(QueryError):
        term_for(Param("n", "integer", True), "1 } ")
    with pytest.raises(QueryError):
        term_for(Param("d", "date", True), "2024-13-01")
    with pytest.raises(QueryError):
        term_for(Param("i", "iri", True), "http://x> <y")
    assert term_for(Param("s", "string", True), 'a"b') == '"a\\"b"'
