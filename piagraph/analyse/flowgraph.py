"""One assessment's flow graph, read from the store with the named queries flows.rq and connections.rq."""

from __future__ import annotations

import networkx as nx

from piagraph.analyse.flows import flow_graph_from_rows
from piagraph.queries import bind, load_query
from piagraph.store.base import Store, graphs_of_subjects


def flow_rows(store: Store, assessment: str) -> list[dict[str, object]]:
    """Rows in the shape flow_graph_from_rows expects (methods and legal bases as lists)."""
    rows = store.select(bind(load_query("flows"), {"assessment": assessment}),
                        graphs=graphs_of_subjects(store, [assessment])).rows
    out = []
    for row in rows:
        start, end = row.get("lineStart"), row.get("lineEnd")
        span = f"{start}" if start == end else f"{start}-{end}"
        out.append({
            **row,
            "methods": [m for m in str(row.get("methods") or "").split("|") if m],
            "legalBasis": [c for c in str(row.get("legalBasis") or "").split("|") if c],
            "evidence": f"{row['file']}:{span}" if row.get("file") else None,
        })
    return out


def assessment_flow_graph(store: Store, assessment: str) -> nx.MultiDiGraph:
    """Flows (入手, 委託, 提供, 移転, 別添1 steps) and Ⅰ2 connections of one assessment."""
    connections = store.select(bind(load_query("connections"), {"assessment": assessment}),
                               graphs=graphs_of_subjects(store, [assessment])).rows
    return flow_graph_from_rows(flow_rows(store, assessment), connections)
