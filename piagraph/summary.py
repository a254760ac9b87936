"""Counts of what the store holds, for `piagraph stats` and out/summary.*."""

from __future__ import annotations

from piagraph.rdf import GRAPH_FORMAT
from piagraph.store.base import Store
from piagraph.terms import PIA

_CLASSES = (
    ("Assessment", "assessments (評価書 and change logs)"),
    ("FullAssessment", "  全項目評価書"),
    ("FocusedAssessment", "  重点項目評価書"),
    ("BasicAssessment", "  基礎項目評価書"),
    ("CouncilReview", "council documents (答申/諮問)"),
    ("System", "systems"),
    ("PersonalInfoFile", "特定個人情報ファイル"),
    ("RecordItem", "record items"),
    ("Acquisition", "acquisitions (入手)"),
    ("Entrustment", "entrustments (委託)"),
    ("Provision", "provisions (提供)"),
    ("Transfer", "transfers (移転)"),
    ("FlowStep", "別添1 flow steps"),
    ("LegalProvision", "legal provisions cited"),
    ("Risk", "risk ratings"),
    ("Change", "changes (変更箇所)"),
    ("Warning", "parser warnings"),
)


def store_statistics(store: Store) -> list[dict[str, object]]:
    """One row per class with its instance count (distinct nodes across graphs), plus totals."""
    table = store.select(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c"
    )
    counts = {str(r["c"]).removeprefix(PIA): int(r["n"]) for r in table.rows}
    graphs = store.select(
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?d <%ssourceDocument> ?f } }" % PIA
    ).rows[0]["n"]
    rows: list[dict[str, object]] = [{"what": "documents (named graphs)", "count": int(graphs or 0)}]
    rows += [{"what": label, "count": counts.get(cls, 0)} for cls, label in _CLASSES]
    rows.append({"what": "quads", "count": store.quad_count()})
    outdated = store.select(
        "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { GRAPH ?g { ?d <%ssourceDocument> ?f "
        "FILTER NOT EXISTS { ?d <%sgraphFormat> %d } } }" % (PIA, PIA, GRAPH_FORMAT)
    ).rows[0]["n"]
    if outdated:  # written by an older piagraph: queries may miss what its graphs lack
        rows.append({"what": "documents in an older graph format (ingest --skip-unchanged rebuilds them)",
                     "count": int(outdated)})
    return rows
