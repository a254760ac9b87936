"""Selecting one assessment: --municipality/--number/--kind or --iri, the same on every command."""

from __future__ import annotations

from dataclasses import dataclass

from piagraph.errors import QueryError
from piagraph.queries import bind, load_query
from piagraph.store.base import Store, graphs_of_municipalities, graphs_of_subjects


@dataclass(frozen=True)
class Selection:
    municipality: str | None = None
    number: str | None = None
    kind: str | None = None
    iri: str | None = None
    affair: str | None = None

    def params(self) -> dict[str, object]:
        kind = {"全項目評価書": "全項目", "重点項目評価書": "重点", "基礎項目評価書": "基礎",
                "full": "全項目", "focused": "重点", "basic": "基礎"}.get(self.kind or "", self.kind)
        return {"municipality": self.municipality, "number": self.number, "kind": kind,
                "assessment": self.iri, "affair": self.affair}


def find_assessments(store: Store, selection: Selection | None = None) -> list[dict[str, object]]:
    """Rows of queries/assessments.rq matching the selection."""
    query = load_query("assessments")
    selection = selection or Selection()
    graphs = None
    if selection.iri:
        graphs = graphs_of_subjects(store, [selection.iri])
    elif selection.municipality:
        graphs = graphs_of_municipalities(store, [selection.municipality])
    return store.select(bind(query, selection.params()), graphs=graphs).rows


def select_one(store: Store, selection: Selection) -> dict[str, object]:
    """Exactly one assessment, or a QueryError listing the candidates."""
    if not any([selection.municipality, selection.number, selection.iri]):
        raise QueryError("name an assessment: --municipality NAME --number N [--kind 全項目|重点|基礎] or --iri IRI")
    rows = find_assessments(store, selection)
    if len(rows) == 1:
        return rows[0]
    if not rows:
        raise QueryError("no loaded assessment matches; `piagraph query assessments` lists them")
    listed = "; ".join(f"{r.get('municipality')} {r.get('kind')} No.{r.get('number')} <{r['assessment']}>"
                       for r in rows[:10])
    raise QueryError(f"{len(rows)} assessments match, add --kind or --iri: {listed}")
