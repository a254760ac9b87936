"""The flow graph of one or more assessments, and the questions auditors ask of it.

Input is plain rows, as the SPARQL layer returns them (see :func:`flow_graph_from_rows`), so that
the graph can be built from any store and tested without one.

Nodes are keyed by normalised name, except the national systems (中間サーバー, 情報提供ネットワークシステム,
住基ネット, VRS), which are one node each whatever they are called. Each node carries ``label``,
``kind`` (concept IRI or None), ``group`` ('resident' | 'internal' | 'national' | 'external') and
``column`` (0 住民/本人, 1 庁内 business systems and departments, 2 庁内 hubs that talk to national
systems, 3 national systems, 4 external bodies), which the diagrams use for a left-to-right layout.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, NamedTuple

import networkx as nx

KINDS_NS = "https://w3id.org/piagraph/kinds/"

# National / shared systems drawn as one node each: (node key, label, concept keys, name pattern).
NATIONAL_SYSTEMS: list[tuple[str, str, set[str], re.Pattern[str]]] = [
    ("national:IntermediateServer", "中間サーバー", {"IntermediateServer"}, re.compile(r"中間サーバ")),
    ("national:InformationProvisionNetwork", "情報提供ネットワークシステム", {"InformationProvisionNetwork"},
     re.compile(r"情報提供ネットワーク|情報提供NWS", re.I)),
    ("national:JukiNet", "住基ネット", {"JukiNet"},
     re.compile(r"住基ネット|住民基本台帳ネットワーク|市町村CS|全国サーバ|都道府県サーバ", re.I)),
    ("national:VRS", "ワクチン接種記録システム（VRS）", {"VRS"}, re.compile(r"VRS|ワクチン接種記録システム", re.I)),
]
# Other systems that are not the municipality's own (drawn in the national column, one node per name).
_OTHER_NATIONAL_KINDS = {"CertificateIssuance", "IndividualNumberCard", "GovernmentCloud", "LGWAN"}
_RESIDENT_KINDS = {"Resident"}
_HUB_KINDS = {"IntegratedAddressee", "InternalLinkage"}
_RESIDENT_NAME = re.compile(r"^(?:住民|市民|本人|対象者|申請者|届出人|保護者)|(?:本人|住民|対象者|申請者)(?:の代理人)?$")
_SYSTEM_NAME = re.compile(r"システム|サーバ|端末|ファイル|アプリ|基盤", re.I)
_DEPARTMENT_NAME = re.compile(r"(?:課|係|室|部|局|窓口|担当|部署)$|他部署|評価実施機関")

GROUP_COLUMNS = {"resident": 0, "internal": 1, "national": 3, "external": 4}


class FlowEdge(NamedTuple):
    """One edge of the graph: source node, recipient node, edge key (flow IRI) and attributes."""

    source: str
    recipient: str
    key: str
    data: dict[str, Any]


def normalise_name(name: str) -> str:
    """Node key of a printed name: NFKC, no white space, casefolded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).casefold()


def _kind_key(iri: str | None) -> tuple[str | None, str | None]:
    """('system' | 'actor', concept key) of a kinds IRI, or (None, None)."""
    if not iri or not iri.startswith(KINDS_NS):
        return None, None
    scheme, _, key = iri[len(KINDS_NS):].partition("/")
    return scheme, key or None


def _national(name: str, kind: str | None) -> tuple[str, str] | None:
    scheme, key = _kind_key(kind)
    for node, label, keys, pattern in NATIONAL_SYSTEMS:
        by_kind = scheme == "system" and key in keys
        by_name = key in (None, "other", "Other") and pattern.search(unicodedata.normalize("NFKC", name))
        if by_kind or by_name:
            return node, label
    return None


def _group(name: str, kind: str | None) -> str:
    scheme, key = _kind_key(kind)
    if scheme != "system" and _DEPARTMENT_NAME.search(name):
        return "internal"  # 「市民局窓口サービス課」 is a department, whatever word it contains
    if key in _RESIDENT_KINDS or (scheme != "system" and _RESIDENT_NAME.search(name)):
        return "resident"
    if scheme == "system":
        return "national" if key in _OTHER_NATIONAL_KINDS else "internal"
    if key == "OtherDepartment":
        return "internal"
    if scheme == "actor" and key not in (None, "other", "Other"):
        return "external"
    if _SYSTEM_NAME.search(name) or _DEPARTMENT_NAME.search(name):
        return "internal"
    return "external"


def node_for(name: str, kind: str | None = None) -> tuple[str, dict[str, Any]]:
    """(node key, attributes) for a printed name and its concept IRI."""
    national = _national(name, kind)
    if national:
        return national[0], {"label": national[1], "kind": kind, "group": "national", "names": {name}}
    group = _group(name, kind)
    return normalise_name(name), {"label": name, "kind": kind, "group": group, "names": {name}}


def _add_node(graph: nx.MultiDiGraph, name: str, kind: str | None, extra: dict[str, Any] | None = None) -> str:
    key, attrs = node_for(name, kind)
    if key in graph:
        node = graph.nodes[key]
        node["names"].add(name)
        if node.get("kind") is None and kind:
            node["kind"] = kind
    else:
        graph.add_node(key, **attrs)
    for field, value in (extra or {}).items():
        if value is not None:
            graph.nodes[key].setdefault(field, value)
    return key


def _step_label(row: dict[str, Any]) -> str:
    step = row.get("stepNumber")
    if step is None:
        return ""
    circled = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
    return circled[step - 1] if isinstance(step, int) and 1 <= step <= len(circled) else str(step)


_FLOW_TYPE_LABELS = {"Acquisition": "入手", "Entrustment": "委託", "Provision": "提供", "Transfer": "移転",
                     "FlowStep": "別添1"}


def _tooltip(row: dict[str, Any]) -> str:
    """Plain text shown on hover: what moves, why it is drawn, and where the document says so."""
    lines = []
    kind = _FLOW_TYPE_LABELS.get(row.get("flowType") or "", row.get("flowType") or "")
    step = _step_label(row)
    head = " ".join(part for part in (kind, step, row.get("section") or "") if part)
    if head:
        lines.append(head)
    lines.append(f"{row.get('sourceName') or '?'} → {row.get('recipientName') or '?'}")
    if row.get("information"):
        lines.append(f"情報: {row['information']}")
    if row.get("methods"):
        lines.append("方法: " + "、".join(row["methods"]))
    if row.get("legalBasis"):
        lines.append("根拠: " + "、".join(row["legalBasis"]))
    personal = row.get("carriesPersonalNumber")
    lines.append("特定個人情報: " + {True: "あり", False: "なし", None: "記載なし"}[personal])
    if row.get("inferred"):
        lines.append("（送信元/受信先の一方は本文に明記がなく推定）")
    if row.get("quote"):
        lines.append(f"「{row['quote']}」")
    if row.get("evidence"):
        lines.append(str(row["evidence"]))
    return "\n".join(lines)


def _as_list(value: Any) -> list[str]:
    """A list of strings from a list or a GROUP_CONCAT string ("a|b")."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part for part in value.split("|") if part]
    return [str(v) for v in value if v not in (None, "")]


def _as_bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def _method_label(value: str) -> str:
    """Method concept IRI -> its Japanese label (plain labels pass through)."""
    if not value.startswith(KINDS_NS):
        return value
    from piagraph.normalize.kinds import kind_label

    return kind_label(value) or value.rsplit("/", 1)[-1]


def normalise_row(row: dict[str, Any]) -> dict[str, Any]:
    """A flow row as SPARQL returns it (GROUP_CONCAT strings, 'true', file/lineStart/lineEnd) in the
    plain form the graph uses (lists, booleans, ints, 'file:12-15')."""
    out = dict(row)
    step = row.get("stepNumber")
    out["stepNumber"] = int(step) if isinstance(step, str) and step.strip().isdigit() else step
    out["carriesPersonalNumber"] = _as_bool(row.get("carriesPersonalNumber"))
    out["inferred"] = bool(_as_bool(row.get("inferred")))
    out["methods"] = [_method_label(m) for m in _as_list(row.get("methods"))]
    out["legalBasis"] = _as_list(row.get("legalBasis"))
    if not row.get("evidence") and row.get("file"):
        start, end = row.get("lineStart"), row.get("lineEnd")
        span = "" if start is None else f":{start}" if end in (None, start) else f":{start}-{end}"
        out["evidence"] = f"{row['file']}{span}"
    return out


def flow_graph_from_rows(
    flow_rows: Iterable[dict[str, Any]],
    connection_rows: Iterable[dict[str, Any]] = (),
    home: str | None = None,
) -> nx.MultiDiGraph:
    """Build the graph from flow rows and system-connection rows.

    flow_rows keys: flow, flowType, stepNumber, section, sourceName, sourceKind, recipientName,
    recipientKind, carriesPersonalNumber, methods, information, legalBasis, evidence, quote,
    inferred (absent keys are None; SPARQL forms are accepted too, see :func:`normalise_row`).
    A row without a source or recipient is drawn from/to ``home``
    when given (the business system), else left out and counted in ``graph.graph['unplaced']``.

    connection_rows keys: systemName, systemKind, otherName, otherKind (Ⅰ2③ 他のシステムとの接続);
    they become edges with ``connection=True`` and ``personal=False``, never counted as flows.
    """
    graph = nx.MultiDiGraph(unplaced=[])
    for number, raw in enumerate(flow_rows):
        row = normalise_row(raw)
        source, recipient = row.get("sourceName") or home, row.get("recipientName") or home
        if not source or not recipient:
            graph.graph["unplaced"].append(row)
            continue
        u = _add_node(graph, source, row.get("sourceKind"))
        v = _add_node(graph, recipient, row.get("recipientKind"))
        key = row.get("flow") or f"flow-{number}"
        information = row.get("information") or ""
        step = _step_label(row)
        graph.add_edge(
            u, v, key=key,
            label=step or _FLOW_TYPE_LABELS.get(row.get("flowType") or "", ""),
            step=row.get("stepNumber"),
            flow_type=row.get("flowType"),
            section=row.get("section"),
            information=information,
            personal=row.get("carriesPersonalNumber") is True,
            carries_personal_number=row.get("carriesPersonalNumber"),
            methods=row["methods"],
            legal_basis=row["legalBasis"],
            evidence=row.get("evidence"),
            quote=row.get("quote"),
            inferred=bool(row.get("inferred")),
            tooltip=_tooltip(row),
            flow=row.get("flow"),
            connection=False,
        )
    for number, row in enumerate(connection_rows):
        if not row.get("systemName") or not row.get("otherName"):
            continue
        u = _add_node(graph, row["systemName"], row.get("systemKind"))
        v = _add_node(graph, row["otherName"], row.get("otherKind"))
        if u == v or any(d.get("connection") for d in graph.get_edge_data(u, v, default={}).values()):
            continue
        graph.add_edge(u, v, key=f"connection-{number}", label="", step=None, flow_type=None, section=None,
                       information="", personal=False, carries_personal_number=None, methods=[], legal_basis=[],
                       evidence=None, quote=None, inferred=False,
                       tooltip=f"システム間の接続（Ⅰ2③）\n{row['systemName']} — {row['otherName']}",
                       flow=None, connection=True)
    _assign_columns(graph)
    return graph


def _assign_columns(graph: nx.MultiDiGraph) -> None:
    """Columns left to right; an internal system that sends to a national one, or a linkage system
    (宛名・番号連携, 庁内連携), is a hub in column 2, next to the national systems."""
    for node, data in graph.nodes(data=True):
        column = GROUP_COLUMNS[data["group"]]
        if data["group"] == "internal":
            _, key = _kind_key(data.get("kind"))
            sends_national = any(graph.nodes[n]["group"] == "national" for n in graph.successors(node))
            if sends_national or key in _HUB_KINDS:
                column = 2
        data["column"] = column
        data["names"] = sorted(data["names"])
        data.setdefault("tooltip", _node_tooltip(node, data))


def _node_tooltip(node: str, data: dict[str, Any]) -> str:
    group = {"resident": "住民・本人", "internal": "庁内", "national": "国・全国共通のシステム",
             "external": "外部の機関"}[data["group"]]
    lines = [data["label"], f"区分: {group}"]
    others = [n for n in data["names"] if n != data["label"]]
    if others:
        lines.append("表記: " + "、".join(others))
    if data.get("kind"):
        lines.append(f"種類: {data['kind'].rsplit('/', 1)[-1]}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Questions
# ---------------------------------------------------------------------------------------------


def find_node(graph: nx.MultiDiGraph, name: str) -> str:
    """The node for a key, a label or any printed name of it; KeyError when there is none."""
    if name in graph:
        return name
    key, _ = node_for(name)
    if key in graph:
        return key
    wanted = normalise_name(name)
    for node, data in graph.nodes(data=True):
        if normalise_name(data["label"]) == wanted or wanted in {normalise_name(n) for n in data["names"]}:
            return node
    raise KeyError(f"no node named {name!r}")


def _personal_view(graph: nx.MultiDiGraph) -> nx.DiGraph:
    view = nx.DiGraph()
    view.add_nodes_from(graph.nodes)
    view.add_edges_from((u, v) for u, v, d in graph.edges(data=True) if d.get("personal"))
    return view


def reachable_personal_number(graph: nx.MultiDiGraph, actor: str) -> set[str]:
    """Labels of the nodes that 個人番号 reaches from ``actor`` over flows carrying it."""
    start = find_node(graph, actor)
    reached = nx.descendants(_personal_view(graph), start)
    return {graph.nodes[n]["label"] for n in reached}


def paths_between(graph: nx.MultiDiGraph, a: str, b: str, personal_only: bool = False,
                  cutoff: int | None = 8) -> list[list[str]]:
    """Every simple path of flows from ``a`` to ``b`` (labels), shortest first."""
    start, end = find_node(graph, a), find_node(graph, b)
    view = _personal_view(graph) if personal_only else nx.DiGraph(
        (u, v) for u, v, d in graph.edges(data=True) if not d.get("connection"))
    if start not in view or end not in view:
        return []
    paths = nx.all_simple_paths(view, start, end, cutoff=cutoff)
    labelled = [[graph.nodes[n]["label"] for n in path] for path in paths]
    return sorted(labelled, key=lambda p: (len(p), p))


def flows_leaving(graph: nx.MultiDiGraph, municipality: str | None = None) -> list[FlowEdge]:
    """Flows from the municipality (its residents' data in its systems and departments) to national
    systems or external bodies. ``municipality`` restricts the sources to nodes whose
    ``municipality`` attribute matches, when the graph holds several municipalities."""
    out = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        if data.get("connection"):
            continue
        src, dst = graph.nodes[u], graph.nodes[v]
        if src["group"] != "internal" or dst["group"] not in ("national", "external"):
            continue
        if municipality and src.get("municipality") not in (None, municipality):
            continue
        out.append(FlowEdge(u, v, key, data))
    return sorted(out, key=lambda e: (e.data.get("step") or 0, e.source, e.recipient, e.key))


# ---------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------

COLUMN_WIDTH = 300
ROW_HEIGHT = 110


def layout_positions(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """(x, y) per node: x from the column, y ordered within the column to keep edges short.

    Rows within a column are sorted by the mean row of their neighbours in the columns already
    placed (a barycentre sweep left to right, then right to left), with the label as a tie-break,
    so the layout is deterministic.
    """
    columns: dict[int, list[str]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        columns[data.get("column", 1)].append(node)
    order = {c: sorted(nodes, key=lambda n: graph.nodes[n]["label"]) for c, nodes in columns.items()}
    row: dict[str, float] = {}
    for c in sorted(order):
        for i, node in enumerate(order[c]):
            row[node] = float(i)
    undirected = graph.to_undirected(as_view=True)

    def sweep(sequence: list[int]) -> None:
        for c in sequence:
            def barycentre(node: str, column: int = c) -> tuple[float, str]:
                others = [row[n] for n in undirected.neighbors(node) if graph.nodes[n].get("column") != column]
                mean = sum(others) / len(others) if others else row[node]
                return mean, graph.nodes[node]["label"]

            order[c].sort(key=barycentre)
            for i, node in enumerate(order[c]):
                row[node] = float(i)

    keys = sorted(order)
    for _ in range(2):
        sweep(keys)
        sweep(list(reversed(keys)))
    tallest = max((len(nodes) for nodes in order.values()), default=0)
    positions: dict[str, tuple[float, float]] = {}
    for c, nodes in order.items():
        offset = (tallest - len(nodes)) / 2  # centre shorter columns
        for i, node in enumerate(nodes):
            positions[node] = (float(c * COLUMN_WIDTH), float((i + offset) * ROW_HEIGHT))
    return positions


# ---------------------------------------------------------------------------------------------
# Rows from parsed records (no store needed)
# ---------------------------------------------------------------------------------------------


def _kind_of(name: str | None) -> str | None:
    """Concept IRI of a printed name, as the RDF layer would assign it (None when nothing matches)."""
    if not name:
        return None
    from piagraph.normalize.kinds import match_actor, match_system

    system = match_system(name)
    if system.method != "none" and system.key not in ("other", "Other"):
        return system.iri
    actor = match_actor(name)
    return actor.iri if actor.method != "none" else None


def rows_from_flows(flows: Iterable[Any], prefix: str = "flow") -> list[dict[str, Any]]:
    """Flow rows (the :func:`flow_graph_from_rows` schema) from ``piagraph.model.Flow`` records."""
    rows = []
    for number, flow in enumerate(flows):
        evidence = flow.evidence
        rows.append({
            "flow": f"{prefix}-{number}",
            "flowType": flow.kind,
            "stepNumber": flow.step_number,
            "section": flow.business_section or flow.title,
            "sourceName": flow.source,
            "sourceKind": _kind_of(flow.source),
            "recipientName": flow.recipient,
            "recipientKind": _kind_of(flow.recipient),
            "carriesPersonalNumber": flow.carries_personal_number,
            "methods": list(flow.methods),
            "information": flow.information,
            "legalBasis": [ref.raw for ref in flow.legal_basis],
            "evidence": evidence.ref() if evidence else None,
            "quote": evidence.quote if evidence else None,
            "inferred": bool(flow.source_inferred or flow.recipient_inferred),
        })
    return rows
