"""piagraph.analyse.flows: the flow graph built from SPARQL-shaped rows, and its analyses."""

from __future__ import annotations

import pytest

from piagraph.analyse.flows import (
    COLUMN_WIDTH,
    find_node,
    flow_graph_from_rows,
    flows_leaving,
    layout_positions,
    paths_between,
    reachable_personal_number,
    rows_from_flows,
)
from piagraph.model import Evidence, Flow

KIND = "https://w3id.org/piagraph/kinds/"


def row(flow: str, source: str | None, recipient: str | None, personal: bool | None = None, **extra) -> dict:
    base = {
        "flow": f"https://w3id.org/piagraph/id/test/{flow}", "flowType": "FlowStep", "stepNumber": None,
        "section": "テスト事務", "sourceName": source, "sourceKind": None, "recipientName": recipient,
        "recipientKind": None, "carriesPersonalNumber": personal, "methods": [], "information": None,
        "legalBasis": [], "evidence": "data/samples/test.txt:10-11", "quote": "引用文", "inferred": False,
    }
    base.update(extra)
    return base


@pytest.fixture()
def rows() -> list[dict]:
    return [
        row("f1", "住民", "予防接種台帳システム", True, stepNumber=1, information="申請書",
            sourceKind=KIND + "actor/Resident", recipientKind=KIND + "system/BusinessSystem",
            quote="① 住民から申請書を受領", evidence="data/samples/x.txt:474"),
        row("f2", "予防接種台帳システム", "団体内統合宛名システム", True, stepNumber=2,
            recipientKind=KIND + "system/IntegratedAddressee"),
        # two spellings of the 中間サーバー, one with a kind and one without: one node
        row("f3", "団体内統合宛名システム", "中間サーバ", True, stepNumber=3,
            recipientKind=KIND + "system/IntermediateServer"),
        row("f4", "団体内統合宛名システム", "中間サーバー・プラットフォーム", True, stepNumber=4),
        row("f5", "予防接種台帳システム", "厚生労働省", None, stepNumber=5, information="接種記録統計",
            recipientKind=KIND + "actor/NationalAgency"),
        row("f6", "医療機関", "予防接種台帳システム", None, stepNumber=6, sourceKind=KIND + "actor/MedicalInstitution"),
        row("f7", None, "予防接種台帳システム", None, stepNumber=7, information="どこからか"),
    ]


@pytest.fixture()
def connections() -> list[dict]:
    return [{"systemName": "予防接種台帳システム", "systemKind": KIND + "system/BusinessSystem",
             "otherName": "団体内統合宛名システム", "otherKind": KIND + "system/IntegratedAddressee"},
            {"systemName": "予防接種台帳システム", "systemKind": KIND + "system/BusinessSystem",
             "otherName": "税務システム", "otherKind": KIND + "system/Tax"}]


def test_nodes_groups_and_columns(rows, connections):
    graph = flow_graph_from_rows(rows, connections)
    labels = {data["label"]: (data["group"], data["column"]) for _, data in graph.nodes(data=True)}
    assert labels == {
        "住民": ("resident", 0),
        "予防接種台帳システム": ("internal", 1),
        "団体内統合宛名システム": ("internal", 2),
        "中間サーバー": ("national", 3),
        "厚生労働省": ("external", 4),
        "医療機関": ("external", 4),
        "税務システム": ("internal", 1),
    }
    server = find_node(graph, "中間サーバ")
    assert server == "national:IntermediateServer"
    assert graph.nodes[server]["names"] == ["中間サーバ", "中間サーバー・プラットフォーム"]
    # the row without a source is not drawn, and is kept for the report
    assert [r["flow"].rsplit("/", 1)[-1] for r in graph.graph["unplaced"]] == ["f7"]


def test_edges_carry_step_personal_and_evidence(rows, connections):
    graph = flow_graph_from_rows(rows, connections)
    first = graph.get_edge_data("住民", "予防接種台帳システム")
    (data,) = first.values()
    assert data["step"] == 1 and data["label"] == "①" and data["personal"] is True
    assert data["flow"].endswith("/f1")
    assert "① 住民から申請書を受領" in data["tooltip"] and "data/samples/x.txt:474" in data["tooltip"]
    assert "情報: 申請書" in data["tooltip"]
    (stats,) = graph.get_edge_data("予防接種台帳システム", "厚生労働省").values()
    assert stats["personal"] is False and stats["carries_personal_number"] is None
    connection = [d for _, _, d in graph.edges(data=True) if d["connection"]]
    assert len(connection) == 2 and not any(d["personal"] for d in connection)


def test_home_places_rows_without_an_end(rows):
    graph = flow_graph_from_rows(rows, home="予防接種台帳システム")
    assert graph.graph["unplaced"] == []
    assert any(d["flow"].endswith("/f7") for _, _, d in graph.edges(data=True))


def test_layout_columns_left_to_right(rows, connections):
    graph = flow_graph_from_rows(rows, connections)
    positions = layout_positions(graph)
    x = {graph.nodes[n]["label"]: pos[0] for n, pos in positions.items()}
    assert x["住民"] < x["予防接種台帳システム"] < x["団体内統合宛名システム"] < x["中間サーバー"] < x["厚生労働省"]
    assert x["住民"] == 0 and x["中間サーバー"] == 3 * COLUMN_WIDTH
    assert x["医療機関"] == x["厚生労働省"]
    # one column, distinct rows; the same answer every time
    ys = [positions[n][1] for n in graph.nodes if graph.nodes[n]["column"] == 4]
    assert len(set(ys)) == len(ys)
    assert layout_positions(graph) == positions


def test_reachable_personal_number(rows, connections):
    graph = flow_graph_from_rows(rows, connections)
    assert reachable_personal_number(graph, "住民") == {"予防接種台帳システム", "団体内統合宛名システム", "中間サーバー"}
    assert reachable_personal_number(graph, "予防接種台帳システム") == {"団体内統合宛名システム", "中間サーバー"}
    # 医療機関 -> 台帳 does not carry the number; connections are not flows
    assert reachable_personal_number(graph, "医療機関") == set()
    assert reachable_personal_number(graph, "税務システム") == set()
    with pytest.raises(KeyError):
        reachable_personal_number(graph, "存在しない機関")


def test_paths_between(rows, connections):
    graph = flow_graph_from_rows(rows, connections)
    assert paths_between(graph, "住民", "中間サーバー・プラットフォーム") == [
        ["住民", "予防接種台帳システム", "団体内統合宛名システム", "中間サーバー"]]
    assert paths_between(graph, "医療機関", "中間サーバー") == [
        ["医療機関", "予防接種台帳システム", "団体内統合宛名システム", "中間サーバー"]]
    assert paths_between(graph, "医療機関", "中間サーバー", personal_only=True) == []
    assert paths_between(graph, "厚生労働省", "住民") == []
    assert paths_between(graph, "予防接種台帳システム", "税務システム") == []  # a connection only


def test_flows_leaving(rows, connections):
    graph = flow_graph_from_rows(rows, connections)
    leaving = flows_leaving(graph, "横浜市")
    assert [(graph.nodes[e.source]["label"], graph.nodes[e.recipient]["label"], e.data["step"]) for e in leaving] == [
        ("団体内統合宛名システム", "中間サーバー", 3),
        ("団体内統合宛名システム", "中間サーバー", 4),
        ("予防接種台帳システム", "厚生労働省", 5),
    ]
    assert all(e.key.startswith("https://w3id.org/piagraph/id/test/") for e in leaving)


def test_rows_from_parsed_flows():
    evidence = Evidence("data/samples/002.txt", 480, 480, "⑦ 予防接種歴を統合番号連携システム経由で中間サーバーへ副本提供")
    flow = Flow(kind="FlowStep", evidence=evidence, source="統合番号連携システム", recipient="中間サーバー",
                information="予防接種歴", carries_personal_number=True, step_number=7,
                business_section="接種勧奨", title="⑦ 統合番号連携システム経由")
    (converted,) = rows_from_flows([flow])
    assert converted["sourceName"] == "統合番号連携システム"
    assert converted["recipientKind"] == KIND + "system/IntermediateServer"
    assert converted["evidence"] == "data/samples/002.txt:480"
    assert converted["stepNumber"] == 7 and converted["carriesPersonalNumber"] is True
    assert converted["inferred"] is False


def test_graph_of_yokohama_flow_steps():
    """The real 002 steps: 個人番号 reaches the 中間サーバー from residents; statistics go to 厚生労働省."""
    from tests.conftest import sample_path
    from tests.test_flow_steps import _parse_steps

    (assessment,) = _parse_steps(sample_path("yokohama"))
    graph = flow_graph_from_rows(rows_from_flows(f for f in assessment.flows if f.kind == "FlowStep"))
    assert "中間サーバー" in reachable_personal_number(graph, "住民")
    assert ["予防接種台帳システム", "統合番号連携システム", "中間サーバー"] in paths_between(
        graph, "予防接種台帳システム", "中間サーバー")
    leaving = {(graph.nodes[e.source]["label"], graph.nodes[e.recipient]["label"]) for e in flows_leaving(graph)}
    assert ("予防接種台帳システム", "厚生労働省") in leaving
    assert ("統合番号連携システム", "中間サーバー") in leaving
    x = {graph.nodes[n]["label"]: p[0] for n, p in layout_positions(graph).items()}
    assert x["住民"] < x["予防接種台帳システム"] < x["中間サーバー"] < x["厚生労働省"]


def test_rows_in_sparql_form_are_accepted():
    """GROUP_CONCAT strings, 'true' literals and split evidence, as queries/flows.rq returns them."""
    sparql_row = {
        "flow": "urn:f", "flowType": "FlowStep", "stepNumber": "7", "section": "接種勧奨",
        "sourceName": "統合番号連携システム", "sourceKind": None, "recipientName": "中間サーバー",
        "recipientKind": KIND + "system/IntermediateServer", "carriesPersonalNumber": "true",
        "information": "予防接種歴", "inferred": None, "file": "data/samples/002.txt", "lineStart": 480,
        "lineEnd": 480, "quote": "⑦ …", "methods": KIND + "method/Paper|" + KIND + "method/Email",
        "legalBasis": "番号法第19条第8号|番号法第19条第7号",
    }
    graph = flow_graph_from_rows([sparql_row])
    ((_, _, data),) = graph.edges(data=True)
    assert data["step"] == 7 and data["label"] == "⑦" and data["personal"] is True
    assert data["methods"] == ["紙", "電子メール"]
    assert data["legal_basis"] == ["番号法第19条第8号", "番号法第19条第7号"]
    assert data["evidence"] == "data/samples/002.txt:480"
    assert "data/samples/002.txt:480" in data["tooltip"]
