"""How municipalities differ: the same affair compared across assessments, on canonical kinds.

``compare`` builds a matrix with one column per municipality (per assessment when a municipality
has several of the affair) and one row per aspect: kind and 公表日, subject count band, system kinds,
business systems, vendors (委託先), subcontracting, 情報連携, provision/transfer recipients and methods,
legal bases (in their current numbering, so old and new citations line up), risk ratings other than
十分である, incidents and changes. A cell that differs from the row's majority is flagged; when no value
holds a strict majority, every cell of the row is flagged (they all disagree).

``comparison_graph`` merges the compared assessments' systems and flows into one network, with the
national systems (中間サーバー, 情報提供ネットワークシステム, 住基ネット, VRS) as single shared nodes.
Facts come from the named queries ``compare-facts``, ``compare-evidence`` and ``compare-network``, run for
exactly the compared assessments (their IRIs in a VALUES block at the queries' ``#@assessments`` marker).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from piagraph.analyse.flows import GROUP_COLUMNS, node_for
from piagraph.queries import bind, load_query
from piagraph.select import Selection, find_assessments
from piagraph.store.base import VOCABULARY_GRAPH, Store
from piagraph.terms import KINDS, iri

SEP = "\n"  # between the values of one cell; views join them as they see fit
BUSINESS_SYSTEM = KINDS + "system/BusinessSystem"
FLOW_LABELS = {"Acquisition": "入手", "Entrustment": "委託", "Provision": "提供", "Transfer": "移転",
               "FlowStep": "事務の流れ", "connectsTo": "接続"}

#: (key, label) of the matrix rows, in display order.
ROWS: list[tuple[str, str]] = [
    ("kind", "評価書の種類・公表日"),
    ("subjects", "対象となる本人の数"),
    ("system_kinds", "システムの種別"),
    ("business_systems", "業務システム"),
    ("vendors", "委託先"),
    ("subcontracting", "再委託"),
    ("linkage", "情報連携の実施"),
    ("provisions", "提供先（方法）"),
    ("transfers", "移転先（方法）"),
    ("use_basis", "個人番号の利用の根拠"),
    ("linkage_basis", "情報連携の根拠"),
    ("flow_basis", "提供・移転の根拠"),
    ("risks", "リスク対策（十分である以外）"),
    ("incidents", "重大事故"),
    ("changes", "変更箇所（件数・最新の変更日）"),
]
ROW_LABELS = dict(ROWS)
#: Affairs that many municipalities assess (DESIGN.md §3); the outputs compare the most shared one.
AFFAIR_KEYWORDS = ("予防接種", "住民基本台帳", "国民健康保険", "介護保険", "後期高齢者医療", "国民年金", "児童手当",
                   "児童扶養手当", "生活保護", "障害", "税", "健康管理", "母子保健", "就学", "災害")
_LEGAL_ROWS = {"個人番号の利用": "use_basis", "情報連携": "linkage_basis", "提供・移転": "flow_basis"}


@dataclass(frozen=True)
class ComparedAssessment:
    """The assessment behind one column."""

    label: str
    municipality: str
    iri: str
    graph: str
    kind: str | None = None
    number: str | None = None
    title: str | None = None
    published_on: str | None = None
    source: str | None = None


@dataclass
class ComparisonMatrix:
    """Rows of (label, cells), one cell per column; ``differs[r][c]`` flags cells off the majority."""

    columns: list[str]
    rows: list[tuple[str, list[str]]]
    differs: list[list[bool]]
    assessments: list[ComparedAssessment] = field(default_factory=list)
    evidence: list[list[list[str]]] = field(default_factory=list)  # [row][column] -> ["file:line", ...]
    affair: str | None = None
    notes: list[str] = field(default_factory=list)

    def row(self, label_or_key: str) -> list[str]:
        """The cells of a row, by its label (「委託先」) or key (``vendors``)."""
        label = ROW_LABELS.get(label_or_key, label_or_key)
        for row_label, cells in self.rows:
            if row_label == label:
                return cells
        raise KeyError(label_or_key)

    def cell(self, label_or_key: str, column: str) -> str:
        return self.row(label_or_key)[self.columns.index(column)]

    def differs_at(self, label_or_key: str, column: str) -> bool:
        label = ROW_LABELS.get(label_or_key, label_or_key)
        index = [r[0] for r in self.rows].index(label)
        return self.differs[index][self.columns.index(column)]


def majority_flags(cells: Sequence[str]) -> list[bool]:
    """True for each cell that differs from the strict majority value (all True without one)."""
    if len(cells) < 2:
        return [False] * len(cells)
    value, count = Counter(cells).most_common(1)[0]
    if count * 2 <= len(cells):
        return [len(set(cells)) > 1] * len(cells)
    return [cell != value for cell in cells]


def select_assessments(store: Store, affair: str | None = None,
                       municipalities: Iterable[str] | None = None) -> tuple[list[ComparedAssessment], list[str]]:
    """The assessments to compare (columns, ordered) and notes about documents left out."""
    wanted = list(dict.fromkeys(municipalities or []))
    if wanted:
        rows = [r for m in wanted for r in find_assessments(store, Selection(municipality=m, affair=affair))]
    else:
        rows = find_assessments(store, Selection(affair=affair))
    notes: list[str] = []
    chosen: list[dict[str, object]] = []
    for row in rows:
        municipality = str(row.get("municipality") or "?")
        if wanted and municipality not in wanted:
            continue
        if row.get("changeLogOnly") or not row.get("kind"):
            notes.append(f"{municipality}: {row.get('sourceDocument')} holds only a change log (変更箇所); "
                         "not compared")
            continue
        chosen.append(row)
    missing = [m for m in wanted if not any(str(r.get("municipality")) == m for r in rows)]
    for name in missing:
        notes.append(f"{name}: no loaded assessment" + (f" of {affair}" if affair else ""))
    order = {m: i for i, m in enumerate(wanted)}
    chosen.sort(key=lambda r: (order.get(str(r.get("municipality")), len(order)), str(r.get("municipality")),
                               str(r.get("kind")), str(r.get("number")), str(r.get("assessment"))))
    per_municipality = Counter(str(r.get("municipality") or "?") for r in chosen)
    columns = []
    for row in chosen:
        municipality = str(row.get("municipality") or "?")
        label = municipality
        if per_municipality[municipality] > 1:
            label = f"{municipality} {row.get('kind')} No.{row.get('number') or '?'}"
        columns.append(ComparedAssessment(
            label=label, municipality=municipality, iri=str(row["assessment"]), graph=str(row["graph"]),
            kind=_text(row.get("kind")), number=_text(row.get("number")), title=_text(row.get("title")),
            published_on=_text(row.get("publishedOn")), source=_text(row.get("sourceDocument"))))
    return _unique_labels(columns), notes


def most_shared_affair(store: Store, keywords: Sequence[str] = AFFAIR_KEYWORDS) -> str | None:
    """The keyword whose assessments span the most municipalities (at least two), or None."""
    best: tuple[int, str] | None = None
    rows = [r for r in find_assessments(store) if r.get("kind") and not r.get("changeLogOnly")]
    for keyword in keywords:
        places = {r.get("municipality") for r in rows
                  if keyword in str(r.get("affairName") or r.get("title") or "")}
        if len(places) >= 2 and (best is None or len(places) > best[0]):
            best = (len(places), keyword)
    return best[1] if best else None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _unique_labels(columns: list[ComparedAssessment]) -> list[ComparedAssessment]:
    """Two documents with the same municipality, kind and number still get distinct labels."""
    seen: Counter[str] = Counter()
    out = []
    for column in columns:
        seen[column.label] += 1
        if seen[column.label] > 1:
            column = ComparedAssessment(**{**column.__dict__, "label": f"{column.label} ({seen[column.label]})"})
        out.append(column)
    return out


def _for_assessments(store: Store, query_name: str, columns: list[ComparedAssessment]) -> list[dict[str, object]]:
    """Run a compare-* query for exactly these assessments: their IRIs (checked by ``iri``) go in a
    VALUES block at the query's ``#@assessments`` marker, inside its graph pattern."""
    values = "VALUES ?assessment { " + " ".join(iri(c.iri) for c in columns) + " }"
    text = bind(load_query(query_name), {}).replace("#@assessments", values, 1)
    wanted = {c.iri for c in columns}
    graphs = [*sorted({c.graph for c in columns}), VOCABULARY_GRAPH]  # only these documents' graphs
    return [r for r in store.select(text, graphs=graphs).rows if str(r["assessment"]) in wanted]


class _Cells:
    """Values and evidence (file:line of the nodes they came from) gathered for one column."""

    def __init__(self, refs: dict[str, set[str]]) -> None:
        self.refs = refs
        self.values: dict[str, set[str]] = defaultdict(set)
        self.evidence: dict[str, set[str]] = defaultdict(set)

    def add(self, key: str, value: str | None, row: dict[str, object]) -> None:
        if value:
            self.values[key].add(value)
        self.evidence[key].update(self.refs.get(str(row.get("node")), ()))


def _column_cells(column: ComparedAssessment, facts: list[dict[str, object]],
                  refs: dict[str, set[str]]) -> _Cells:
    out = _Cells(refs)
    out.values["kind"].add(f"{column.kind or '?'} {column.published_on or '（公表日なし）'}")
    by_node: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for row in facts:
        aspect, value = str(row["aspect"]), _text(row.get("value"))
        by_node[(aspect, str(row.get("node")))].append(row)
        if aspect == "subjectCount":
            out.add("subjects", value, row)
        elif aspect == "system":
            out.add("system_kinds", _text(row.get("kind")), row)
            if row.get("kindIri") == BUSINESS_SYSTEM:
                out.add("business_systems", value, row)
        elif aspect == "entrustment":
            out.add("vendors", value, row)
        elif aspect == "linkage":
            out.add("linkage", value, row)
        elif aspect == "legal":
            out.add(_LEGAL_ROWS.get(str(row.get("detail")), "flow_basis"), value, row)
    entrustments: dict[str, object] = {}
    risks: list[str] = []
    risk_count = 0
    incidents: dict[str, tuple[object, str | None]] = {}
    change_dates: list[str] = []
    change_nodes: set[str] = set()
    for (aspect, node), rows in by_node.items():
        first = rows[0]
        if aspect == "entrustment":
            entrustments[node] = first.get("flag")
        elif aspect in ("provision", "transfer"):
            recipient = next((str(r["value"]) for r in rows if r.get("value")), "（記載なし）")
            methods = sorted({str(r["kind"]) for r in rows if r.get("kind")})
            key = "provisions" if aspect == "provision" else "transfers"
            out.add(key, recipient + (f"（{'・'.join(methods)}）" if methods else ""), first)
        elif aspect == "risk":
            risk_count += 1
            rating = _text(first.get("value"))
            if rating and rating != "十分である":
                risks.append(f"{rating}: {first.get('detail') or '（リスク名なし）'}")
                out.add("risks", None, first)
        elif aspect == "incident":
            incidents[node] = (first.get("flag"), _text(first.get("detail")))
            out.add("incidents", None, first)
        elif aspect == "change":
            change_nodes.add(node)
            change_dates += [str(r["value"]) for r in rows if r.get("value")]
    flags = list(entrustments.values())
    if any(f is True for f in flags):
        out.values["subcontracting"].add("あり")
    elif flags and all(f is False for f in flags):
        out.values["subcontracting"].add("なし")
    elif flags:
        out.values["subcontracting"].add("不明")
    out.values["risks"].update(risks)
    if risk_count and not risks:
        out.values["risks"].add("すべて十分である")
    occurred = [(flag, content) for flag, content in incidents.values()]
    if any(flag is True for flag, _ in occurred):
        for flag, content in occurred:
            if flag is True:
                out.values["incidents"].add("発生あり" + (f": {content}" if content else ""))
    elif any(flag is False for flag, _ in occurred):
        out.values["incidents"].add("発生なし")
    if change_nodes:
        latest = max(change_dates) if change_dates else None
        out.values["changes"].add(f"{len(change_nodes)}件" + (f"（最新 {latest}）" if latest else ""))
    else:
        out.values["changes"].add("なし")
    return out


def compare(store: Store, affair: str | None = None,
            municipalities: Iterable[str] | None = None) -> ComparisonMatrix:
    """Compare the loaded assessments of ``affair`` (part of the affair name, e.g. 予防接種)."""
    columns, notes = select_assessments(store, affair, municipalities)
    facts = _for_assessments(store, "compare-facts", columns) if columns else []
    evidence: dict[str, set[str]] = defaultdict(set)
    for row in _for_assessments(store, "compare-evidence", columns) if columns else []:
        evidence[str(row["node"])].add(f"{row['file']}:{row['line']}")
    per_column: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in facts:
        per_column[str(row["assessment"])].append(row)
    gathered = [_column_cells(c, per_column[c.iri], evidence) for c in columns]
    rows: list[tuple[str, list[str]]] = []
    differs: list[list[bool]] = []
    refs: list[list[list[str]]] = []
    for key, label in ROWS:
        cells = [SEP.join(sorted(g.values.get(key, ()))) for g in gathered]
        rows.append((label, cells))
        differs.append(majority_flags(cells))
        refs.append([sorted(g.evidence.get(key, ()), key=_evidence_order) for g in gathered])
    return ComparisonMatrix([c.label for c in columns], rows, differs, columns, refs, affair, notes)


def _evidence_order(ref: str) -> tuple[str, int]:
    file, _, line = ref.rpartition(":")
    return (file, int(line) if line.isdigit() else 0)


# -- the merged network ---------------------------------------------------------------------------


def comparison_graph(store: Store, matrix: ComparisonMatrix) -> nx.MultiDiGraph:
    """Systems and flows of the compared assessments in one graph; national systems are shared nodes.

    Nodes follow the conventions of :mod:`piagraph.analyse.flows` (``label``, ``kind``, ``group``
    resident/internal/national/external, ``column`` for the left-to-right layout, ``tooltip``/``title``),
    so :func:`piagraph.views.diagram.render_html` draws it. A municipality's own nodes are keyed and
    labelled with its column, so equal names in two municipalities stay two nodes. Parallel flows of one
    kind between two nodes are merged into one edge (``label``, ``personal``, ``tooltip``/``title``).
    """
    graph = nx.MultiDiGraph(unplaced=[])
    if not matrix.assessments:
        return graph
    index = {a.iri: i for i, a in enumerate(matrix.assessments)}
    rows = _for_assessments(store, "compare-network", matrix.assessments)
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in rows:
        column = index[str(row["assessment"])]
        role = str(row.get("role"))
        u = _merged_node(graph, matrix, column, _text(row.get("fromName")), _text(row.get("fromKindIri")),
                         _text(row.get("fromKind")))
        if role == "system" or not row.get("to"):
            continue
        v = _merged_node(graph, matrix, column, _text(row.get("toName")), _text(row.get("toKindIri")),
                         _text(row.get("toKind")))
        if u == v:
            continue
        label = FLOW_LABELS.get(role, role)
        edge = edges.setdefault((u, v, label), {"carries": set(), "refs": set(), "methods": set(),
                                               "columns": set(), "connection": role == "connectsTo"})
        edge["carries"].add(row.get("carries"))
        edge["columns"].add(matrix.assessments[column].label)
        if row.get("method"):
            edge["methods"].add(str(row["method"]))
        if row.get("where"):
            edge["refs"].add(str(row["where"]))
    for number, ((u, v, label), data) in enumerate(sorted(edges.items())):
        methods = sorted(data["methods"])
        refs = sorted(data["refs"], key=_evidence_order)
        carries = True if True in data["carries"] else False if False in data["carries"] else None
        title = "\n".join([f"{label}: {graph.nodes[u]['label']} → {graph.nodes[v]['label']}",
                           *(["方法: " + "・".join(methods)] if methods else []),
                           "特定個人情報: " + {True: "あり", False: "なし", None: "記載なし"}[carries],
                           "、".join(sorted(data["columns"])), *refs[:10], *(["…"] if len(refs) > 10 else [])])
        graph.add_edge(
            u, v, key=f"edge-{number}", label="" if data["connection"] else label,
            personal=carries is True, carries_personal_number=carries, connection=data["connection"],
            methods=methods, section="、".join(sorted(data["columns"])), information="",
            evidence="、".join(refs), quote="", inferred=False, step=None, flow=None,
            flow_type=None if data["connection"] else label, tooltip=title, title=title)
    _assign_columns(graph)
    return graph


def _merged_node(graph: nx.MultiDiGraph, matrix: ComparisonMatrix, column: int, name: str | None,
                 kind_iri: str | None, kind_label: str | None) -> str:
    """The node of a printed name in one column: a shared national node, else the column's own."""
    name = name or "（名称なし）"
    key, attrs = node_for(name, kind_iri)
    where = matrix.assessments[column].label
    if attrs["group"] != "national" or not key.startswith("national:"):
        key = f"{column}:{key}"
        attrs["label"] = f"{name}［{where}］"
    if key in graph:
        data = graph.nodes[key]
        data["names"].add(name)
        data["where"].add(where)
    else:
        graph.add_node(key, **attrs, where={where}, kind_label=kind_label or "")
        graph.nodes[key]["names"] = {name}
    return key


def _assign_columns(graph: nx.MultiDiGraph) -> None:
    """Layout column as in analyse.flows (an internal system talking to a national one is a hub), tooltips."""
    for node, data in graph.nodes(data=True):
        column = GROUP_COLUMNS[data["group"]]
        if data["group"] == "internal" and any(
                graph.nodes[n]["group"] == "national"
                for n in set(graph.successors(node)) | set(graph.predecessors(node))):
            column = 2
        data["column"] = column
        names, where = sorted(data.pop("names")), sorted(data.pop("where"))
        lines = [data["label"], f"種別: {data.pop('kind_label') or '—'}", "記載名: " + "、".join(names)]
        if node.startswith("national:"):
            lines.append("全国共通（" + "、".join(where) + "）")
        data["names"] = names
        data["tooltip"] = data["title"] = "\n".join(lines)
