"""piagraph compare: the 予防接種 assessments of 飯塚市, 横浜市, 栃木市 and 高槻市, cell by cell.

Expected values are read from the sample documents (line numbers given), not from piagraph's output.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from click.testing import CliRunner

from piagraph.analyse.compare import (
    ROWS,
    SEP,
    ComparisonMatrix,
    compare,
    comparison_graph,
    majority_flags,
    most_shared_affair,
)
from piagraph.cli import main
from piagraph.model import Assessment, Evidence, Fact, Flow, System
from piagraph.outputs import write_outputs
from piagraph.rdf import document_graph
from piagraph.store import EmbeddedStore, GraphUpload
from piagraph.views.compare import format_compare_csv, format_compare_table, render_compare_html
from piagraph.vocabulary import load_vocabulary

FOUR = ["飯塚市", "横浜市", "栃木市", "高槻市"]


@pytest.fixture()
def matrix(loaded_store) -> ComparisonMatrix:
    return compare(loaded_store, affair="予防接種", municipalities=FOUR)


def values(cell: str) -> set[str]:
    return set(cell.split(SEP)) if cell else set()


def test_columns_follow_the_requested_municipalities(matrix):
    assert matrix.columns == FOUR
    assert [a.number for a in matrix.assessments] == ["4", "38", "932", "49"]
    assert [label for label, _ in matrix.rows] == [label for _, label in ROWS]


def test_kind_and_publication_date(matrix):
    # 000 line 26 令和7年1月10日 (重点); 002 line 15 令和5年8月4日 (全項目, 様式4); 003 line 20 令和6年3月31日 (重点);
    # 004 line 317 令和4年7月8日 (予防接種事務 全項目評価書, 評価書番号 49)
    assert matrix.row("kind") == ["重点 2025-01-10", "全項目 2023-08-04", "重点 2024-03-31", "全項目 2022-07-08"]
    assert all(matrix.differs[0])  # four different values: no majority, so every cell is marked


def test_system_kinds(matrix):
    # Ⅰ2 ①システムの名称: 000 lines 61/79/155; 002 lines 78-285; 003 has no Ⅰ1-2 section; 004 lines 388-544
    iizuka, yokohama, tochigi, takatsuki = (values(c) for c in matrix.row("system_kinds"))
    assert iizuka == {"業務システム", "団体内統合宛名システム", "中間サーバー"}
    assert yokohama == {"業務システム", "団体内統合宛名システム", "中間サーバー", "住民基本台帳ネットワークシステム",
                        "庁内連携システム", "ワクチン接種記録システム"}
    assert tochigi == set()
    assert takatsuki == {"業務システム", "ワクチン接種記録システム", "団体内統合宛名システム", "中間サーバー"}


def test_business_systems(matrix):
    iizuka, yokohama, tochigi, takatsuki = (values(c) for c in matrix.row("business_systems"))
    assert iizuka == {"地域健康支援システム「健康かるて」"}
    assert yokohama == {"予防接種台帳システム", "福祉保健システム"}
    assert tochigi == set()
    assert takatsuki == {"健康情報管理システム", "ワクチン接種管理システム", "予防接種証明書発行管理システム"}


def test_vendors(matrix):
    iizuka, yokohama, tochigi, takatsuki = (values(c) for c in matrix.row("vendors"))
    assert iizuka == {"行政システム九州株式会社"}  # 000 line 536
    # 002 ⑥委託先名 lines 758, 904 (two companies), 986, 1071 (two), 1731, 1859, 1957 (未定)
    assert yokohama == {"日本コンピューター株式会社", "日本通信紙株式会社", "トッパン・フォームズ株式会社",
                        "株式会社ミラボ", "株式会社横浜電算", "株式会社システム情報センター",
                        "日本ソフトウェアマネジメント株式会社", "株式会社SH-Net", "未定"}
    assert tochigi == {"(株)TKC"}  # 003 line 88
    assert takatsuki == {"株式会社両備システムズ", "株式会社ミラボ"}  # 004 lines 1261, 1382, 1438


def test_subcontracting_marks_the_odd_one_out(matrix):
    # 000 line 518 再委託する; 002 line 1733 再委託する; 003 line 89 再委託しない; 004 line 1470 再委託する
    assert matrix.row("subcontracting") == ["あり", "あり", "なし", "あり"]
    assert [matrix.differs_at("subcontracting", c) for c in FOUR] == [False, False, True, False]


def test_information_linkage_risks_and_incidents(matrix):
    # ①実施の有無: 000 実施する, 002 line 362, 003 line 43, 004 line 603
    assert matrix.row("linkage") == ["実施する"] * 4
    assert not any(matrix.differs[[k for k, _ in ROWS].index("linkage")])
    # no 予防接種 assessment rates a risk other than 十分である
    assert matrix.row("risks") == ["すべて十分である"] * 4
    # 重大事故: 002 lines 3569 [ 発生あり ] and 3577 その内容 別紙のとおり; the others 発生なし (e.g. 004 line 2721)
    assert matrix.row("incidents") == ["発生なし", "発生あり: 別紙のとおり", "発生なし", "発生なし"]
    assert matrix.differs_at("incidents", "横浜市") and not matrix.differs_at("incidents", "飯塚市")


def test_subject_count_band(matrix):
    # ②対象となる本人の数: 000 line 308, 002 lines 621 and 1420, 003 line 59, 004 line 971
    assert matrix.row("subjects") == ["10万人以上100万人未満", "100万人以上1,000万人未満", "10万人以上100万人未満",
                                      "10万人以上100万人未満"]
    assert [matrix.differs_at("subjects", c) for c in FOUR] == [False, True, False, False]


def test_provision_bases_in_current_numbering(matrix):
    # 000: 提供先 bases 命令第2条の表25/26の項; 002 line 1233: 番号法別表第二 16の2、16の3, which the 2024 reform
    # renumbered as the same rows 25 and 26 (DESIGN.md §3): compared in current numbering, they are equal.
    iizuka, yokohama = matrix.row("flow_basis")[:2]
    assert values(iizuka) == values(yokohama)
    assert {v for v in values(iizuka) if "第2条の表" in v} == {v for v in values(iizuka)}
    assert any(v.endswith("25の項") for v in values(iizuka)) and any(v.endswith("26の項") for v in values(iizuka))


def test_evidence_points_at_the_documents(matrix):
    vendors = [label for label, _ in matrix.rows].index(dict(ROWS)["vendors"])
    refs = matrix.evidence[vendors][2]
    # 栃木市's 委託 section is 003 lines 83-99 (委託事項1 at 85, ③委託先名 at 88)
    assert refs and all(r.startswith("data/samples/003_66d7ab723edd6fff.txt:") for r in refs)
    assert all(83 <= int(r.rsplit(":", 1)[1]) <= 99 for r in refs)


def test_several_assessments_of_one_municipality_are_columns(loaded_store):
    matrix = compare(loaded_store, municipalities=["高槻市"])
    assert sorted(matrix.columns) == ["高槻市 全項目 No.1", "高槻市 全項目 No.49", "高槻市 基礎 No.1"]
    # 住民基本台帳事務 全項目評価書: [ 特に力を入れている ] at 004 lines 7605 (リスク２: 不適切な方法で入手が行われるリスク)
    # and 8410, 8992 (リスク３: 入手した特定個人情報が不正確であるリスク)
    risks = values(matrix.cell("risks", "高槻市 全項目 No.1"))
    assert risks and all(r.startswith("特に力を入れている: ") for r in risks)
    assert any("不適切な方法で入手が行われるリスク" in r for r in risks)
    assert any("入手した特定個人情報が不正確であるリスク" in r for r in risks)


def test_change_logs_alone_are_noted_not_compared(loaded_store):
    matrix = compare(loaded_store, affair="予防接種")
    assert "熊谷市" not in matrix.columns
    assert sorted(matrix.columns) == sorted(FOUR)
    unknown = compare(loaded_store, affair="予防接種", municipalities=["どこにもない市"])
    assert unknown.columns == [] and unknown.notes == ["どこにもない市: no loaded assessment of 予防接種"]


def test_most_shared_affair(loaded_store):
    assert most_shared_affair(loaded_store) == "予防接種"


def test_majority_flags():
    assert majority_flags(["a", "a", "b"]) == [False, False, True]
    assert majority_flags(["a", "b"]) == [True, True]
    assert majority_flags(["a", "a", "b", "b"]) == [True, True, True, True]
    assert majority_flags(["a", "a"]) == [False, False]
    assert majority_flags(["a"]) == [False]


def test_merged_graph_shares_national_systems(loaded_store, matrix):
    graph = comparison_graph(loaded_store, matrix)
    national = [n for n in graph if n.startswith("national:")]
    assert "national:IntermediateServer" in national
    # 中間サーバー is one node although 飯塚市, 横浜市 and 高槻市 each print it as a system of their own
    assert sum(1 for _, d in graph.nodes(data=True) if d["label"] == "中間サーバー") == 1
    labels = {d["label"] for _, d in graph.nodes(data=True)}
    assert "予防接種台帳システム［横浜市］" in labels and "地域健康支援システム「健康かるて」［飯塚市］" in labels
    for _, data in graph.nodes(data=True):
        assert {"label", "kind", "group", "column", "title"} <= set(data)
    for _, _, data in graph.edges(data=True):
        assert {"label", "personal", "title"} <= set(data)


# -- views ---------------------------------------------------------------------------------------


def test_table_and_csv_mark_differing_cells(matrix):
    rows = list(csv.reader(io.StringIO(format_compare_csv(matrix))))
    assert rows[0] == ["項目", *FOUR]
    by_label = {r[0]: r[1:] for r in rows}
    assert by_label["再委託"] == ["あり", "あり", "*なし", "あり"]
    assert by_label["評価書の種類・公表日"][0] == "*重点 2025-01-10"
    table = format_compare_table(matrix)
    assert "*なし" in table and "* = differs from the majority" in table


HOSTILE = '<script>alert("x")</script>&<img src=x onerror=alert(1)>'


def _hostile_store(tmp_path) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "store")
    load_vocabulary(store)
    for index, municipality in enumerate(['"><b>悪意市', "普通市"]):
        ev = Evidence(f"doc{index}.txt", 3, 3, "q")
        a = Assessment(source_file=f"doc{index}.txt", document_index=0, line_start=1, line_end=9, kind="重点")
        a.facts["municipality"] = Fact(municipality, ev)
        a.facts["affair"] = Fact("予防接種に関する事務", ev)
        a.facts["number"] = Fact(str(index + 1), ev)
        a.facts["title"] = Fact(HOSTILE if index == 0 else "予防接種", ev)
        a.systems.append(System(HOSTILE + "システム" if index == 0 else "健康管理システム", ev, number=1,
                                connections=["情報提供ネットワークシステム"]))
        a.flows.append(Flow("Entrustment", ev, recipient=HOSTILE if index == 0 else "株式会社A",
                            contractors=[HOSTILE if index == 0 else "株式会社A"], carries_personal_number=True))
        graph = document_graph(a)
        store.replace_source(a.source_file, [GraphUpload(graph.graph, graph.ntriples())])
    return store


def test_html_escapes_every_document_value_and_is_offline(tmp_path):
    with _hostile_store(tmp_path) as store:
        matrix = compare(store, affair="予防接種")
        graph = comparison_graph(store, matrix)
    assert HOSTILE in matrix.cell("vendors", '"><b>悪意市')
    page = render_compare_html(matrix, graph)
    assert "<script>alert" not in page and "<img src=x" not in page and '"><b>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&lt;img src=x onerror=alert(1)&gt;" in page
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert 'class="differs"' in page and "<iframe" in page
    # nothing is fetched: no src/href to another site, in the page or in the embedded network page
    assert not re.search(r"""(?:src|href)\s*=\s*(?:"|'|&quot;|&#x27;)?\s*(?:https?:)?//""", page, re.I)


def test_html_without_columns():
    empty = ComparisonMatrix([], [(label, []) for _, label in ROWS], [[] for _ in ROWS], notes=["x: <none>"])
    page = render_compare_html(empty, None)
    assert "比較できる評価書がありません" in page and "x: &lt;none&gt;" in page


# -- command line and outputs --------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_compare_csv_and_html(loaded_store_path, tmp_path):
    result = run("compare", "--store", loaded_store_path, "--affair", "予防接種", "飯塚市", "栃木市", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["項目", "飯塚市", "栃木市"]
    assert {r[0]: r[1:] for r in rows}["委託先"] == ["*行政システム九州株式会社", "*(株)TKC"]
    out = tmp_path / "compare.html"
    html = run("compare", "--store", loaded_store_path, "--affair", "予防接種", "--format", "html", "-o", str(out))
    assert html.exit_code == 0 and out.exists()
    text = out.read_text(encoding="utf-8")
    assert "<table" in text and "横浜市" in text and "<iframe" in text
    table = run("compare", "--store", loaded_store_path, "--affair", "予防接種")
    assert table.stdout.splitlines()[0].split()[:2] == ["項目", "栃木市"]


def test_outputs_write_who_receives_and_compare(loaded_store, tmp_path):
    written = {p.name for p in write_outputs(loaded_store, tmp_path)}
    assert {"who-receives.csv", "compare.html", "compare.csv"} <= written
    who = list(csv.DictReader(io.StringIO((tmp_path / "who-receives.csv").read_text(encoding="utf-8"))))
    assert any(r["municipality"] == "飯塚市" and r["recipient"] == "市区町村長" for r in who)
    header = next(csv.reader(io.StringIO((tmp_path / "compare.csv").read_text(encoding="utf-8"))))
    assert sorted(header[1:]) == sorted(FOUR)


@pytest.mark.browser
def test_html_in_a_browser_runs_no_document_script(tmp_path, chromium):
    with _hostile_store(tmp_path) as store:
        matrix = compare(store, affair="予防接種")
        page_path = tmp_path / "compare.html"
        page_path.write_text(render_compare_html(matrix, comparison_graph(store, matrix)), encoding="utf-8")
    dialogs: list[str] = []
    requests: list[str] = []
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_path.as_uri())
        frame = page.frame_locator("iframe.network")
        frame.locator("#mynetwork canvas").wait_for(timeout=15000)
        cell = page.locator("table.comparison td.differs").first.inner_text()
        texts = page.locator("table.comparison").inner_text()
    finally:
        context.close()
    assert dialogs == []
    assert all(url.startswith("file:") or url.startswith("about:") or url.startswith("data:") for url in requests)
    assert HOSTILE in texts and cell
