"""Who receives 個人番号, and names that no canonical kind covers.

``who_receives`` runs the named query ``queries/who-receives.rq``: one row per flow (入手, 委託, 提供, 移転,
別添1 step) with the municipality, the assessment, both ends, the recipient's canonical kind, the
method, the legal basis (normalised, current and as printed), the frequency and the evidence.

``unknown_kind_names`` lists system and actor names that matched no concept of ontology/kinds.ttl
(their kind is the scheme's ``other``), so that the vocabulary can be extended.
"""

from __future__ import annotations

from collections.abc import Iterable

from piagraph.errors import QueryError
from piagraph.queries import bind, load_query
from piagraph.store.base import (
    VOCABULARY_GRAPH,
    ResultTable,
    Store,
    documents_of_municipalities,
    graphs_of_municipalities,
    graphs_of_subjects,
)
from piagraph.terms import KINDS, PIA, iri, literal

#: --item values: what a flow must carry to be listed. 特定個人情報 = every flow of the assessed files.
ITEMS = {"個人番号": False, "特定個人情報": True}
#: The columns an auditor reads first (the table view); CSV/JSON carry every column of the query.
MAIN_COLUMNS = ["municipality", "assessment", "source", "recipient", "recipientKind", "method",
                "legalBasis", "legalBasisRaw", "frequency", "evidence"]


def all_flows_for_item(item: str) -> bool:
    """``--item`` -> the query's ``all`` flag; an unknown item is a clear error."""
    if item not in ITEMS:
        raise QueryError(f"unknown --item {item!r}; use one of {', '.join(ITEMS)}")
    return ITEMS[item]


def who_receives(store: Store, municipality: str | None = None, recipient: str | None = None,
                 all_flows: bool = False, assessment: str | None = None) -> ResultTable:
    """Every flow carrying 個人番号 (``all_flows``: every flow) across the loaded assessments.

    ``recipient`` matches part of the recipient's printed name or of its kind's label.
    """
    # With a municipality (and no assessment) its documents seed the query below: the same restriction
    # as the query's municipality FILTER, so that parameter is not bound as well. Bound as a constant,
    # it made Virtuoso 7 start from every graph's pia:municipality (250 ms instead of 80 at 2,000).
    seeded = bool(municipality) and not assessment
    params: dict[str, object] = {"municipality": None if seeded else municipality, "recipient": recipient,
                                 "assessment": assessment}
    if all_flows:
        params["all"] = True
    text = bind(load_query("who-receives"), params)
    if not all_flows:
        text = text.replace("#@carries", "?flow pia:carriesPersonalNumber true .", 1)
    graphs = None
    if assessment:
        graphs = graphs_of_subjects(store, [assessment])
    elif seeded:
        # Start from the municipality's assessments (IRIs checked by ``iri``), in their graphs only:
        # the answer then costs the same in a national store as in a small one.
        # One round trip finds both: the graphs restrict the query, the IRIs seed it.
        documents = documents_of_municipalities(store, [municipality])
        graphs = [*sorted({graph for graph, _ in documents}), VOCABULARY_GRAPH]
        pairs = " ".join(f"({iri(graph)} {iri(subject)})" for graph, subject in documents)
        text = text.replace("#@documents", f"VALUES (?g ?assessment_) {{ {pairs} }}", 1)
    return store.select(text, graphs=graphs)


def who_receives_by_recipient(store: Store, municipality: str | None = None,
                              recipient: str | None = None) -> ResultTable:
    """Who receives 個人番号, one row per recipient (kind, name as printed) with the number of flows,
    assessments and municipalities: queries/who-receives-by-recipient.rq, built for a national store.

    With ``municipality`` only that municipality's graphs are read (the answer does not grow with the
    store); the query's own FILTER gives the same rows on any backend."""
    text = bind(load_query("who-receives-by-recipient"), {"municipality": municipality, "recipient": recipient})
    graphs = graphs_of_municipalities(store, [municipality]) if municipality else None
    return store.select(text, graphs=graphs)


_UNKNOWN_KINDS = """
PREFIX pia: <%(pia)s>
SELECT DISTINCT ?g ?name ?file ?line WHERE {
  GRAPH ?g {
    # Nodes with their evidence, or nodes without any: the same rows as an OPTIONAL, which Oxigraph
    # evaluated over every evidence node of the graphs read (4 s for 600 documents, not 0.1 s).
    { { ?node pia:systemKind <%(kinds)ssystem/other> } UNION { ?node pia:actorKind <%(kinds)sactor/other> }
      ?node pia:name ?name .
      ?node pia:evidence ?ev . ?ev pia:sourceFile ?file ; pia:lineStart ?line }
    UNION
    { { ?node pia:systemKind <%(kinds)ssystem/other> } UNION { ?node pia:actorKind <%(kinds)sactor/other> }
      ?node pia:name ?name .
      FILTER NOT EXISTS { ?node pia:evidence ?anyEvidence } }
  }
}
ORDER BY ?name ?file ?line
"""


_MAX_DATASET_GRAPHS = 500


def unknown_kind_names(store: Store, sources: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(name, "file:line") of every system/actor whose kind is ``other``, first occurrence per name.

    ``sources`` limits the search to documents from those files (as recorded at ingest).
    """
    chosen = sorted(set(sources)) if sources is not None else None
    if chosen == []:
        return []
    graphs = None
    if chosen:
        # The query then reads those files' graphs only. Binding the sources in it instead made Oxigraph
        # look each one up in every graph: minutes in a national store.
        values = "VALUES ?source { " + " ".join(literal(s) for s in chosen) + " }"
        found = store.select("SELECT DISTINCT ?g WHERE { %s GRAPH ?g { ?d <%ssourceDocument> ?source } }"
                             % (values, PIA))
        graphs = sorted(str(row["g"]) for row in found.rows)
        if not graphs:
            return []
    # A dataset of thousands of named graphs costs Oxigraph more than reading them all (24 s against
    # 0.7 s for 20,000): past a few hundred, the graphs are kept here instead.
    wanted = set(graphs) if graphs is not None and len(graphs) > _MAX_DATASET_GRAPHS else None
    table = store.select(_UNKNOWN_KINDS % {"pia": PIA, "kinds": KINDS}, graphs=None if wanted else graphs)
    seen: dict[str, str] = {}
    for row in table.rows:
        if wanted is not None and str(row["g"]) not in wanted:
            continue
        name = str(row["name"])
        if name not in seen:
            seen[name] = f"{row['file']}:{row['line']}" if row.get("file") else ""
    return list(seen.items())


def unknown_kinds_warning(names: list[tuple[str, str]], limit: int = 20) -> str | None:
    """The one-line warning printed after ingest, or None when every name has a kind."""
    if not names:
        return None
    shown = ", ".join(f"{name} ({where})" if where else name for name, where in names[:limit])
    more = f" … and {len(names) - limit} more" if len(names) > limit else ""
    return f"unknown system/actor names: {shown}{more}; extend ontology/kinds.ttl"
