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
    assert f"VALUES (?param_municipality) {{ ({literal(hostile)}) }}" in text
    assert text.replace(literal(hostile), '"x"').count("SELECT") == named.text.count("SELECT")


def test_absent_parameters_are_left_out_of_the_values_block(loaded_store):
    # An UNDEF column made Virtuoso 7 plan who-receives --by-recipient 200 times slower; a parameter
    # left out is unbound all the same, so its FILTER lets every row through.
    named = load_query("assessments")
    one = bind(named, {"municipality": "飯塚市"})
    assert 'VALUES (?param_municipality) { ("飯塚市") }' in one
    assert "UNDEF" not in one
    both = bind(named, {"municipality": "飯塚市", "kind": "全項目"})
    assert 'VALUES (?param_municipality ?param_kind) { ("飯塚市" "全項目") }' in both
    none = bind(named, {})
    assert "VALUES (?param_" not in none and "UNDEF" not in none
    every = loaded_store.select(none).rows
    iizuka = loaded_store.select(one).rows
    assert {r["municipality"] for r in every} == {"飯塚市", "熊谷市", "横浜市", "栃木市", "高槻市"}
    assert iizuka and {r["municipality"] for r in iizuka} == {"飯塚市"}
    assert sorted(map(str, (r["assessment"] for r in iizuka))) == sorted(
        str(r["assessment"]) for r in every if r["municipality"] == "飯塚市")


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
