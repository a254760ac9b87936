"""History and oversight: the change timeline, events across municipalities, council reviews as records.

Expected values are read from the bundled samples (line numbers refer to data/samples/*), never
produced by running the code.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from piagraph.analyse.change_kinds import CATEGORIES
from piagraph.analyse.history import (
    EVENTS,
    LINKS_GRAPH,
    EventView,
    council_reviews,
    event_view,
    link_reviews,
    timeline,
)
from piagraph.cli import _CATEGORIES, _EVENTS, main
from piagraph.model import Assessment, Change, Evidence, Flow, System
from piagraph.normalize.text import nfkc
from piagraph.rdf import document_graph
from piagraph.views.history import render_event_html, render_history_html

KUMAGAYA = "data/samples/001_b8bb4d46b8d2544c.txt"
IIZUKA = "data/samples/000_85a35887ceb83a89.txt"
TAKATSUKI = "data/samples/004_32a03fc301fb5106.txt"
PIA = "PREFIX pia: <https://w3id.org/piagraph/ontology#>\n"


def by_evidence(rows: list[dict], ref: str) -> dict:
    found = [row for row in rows if row["evidence"] == ref]
    assert len(found) == 1, (ref, found)
    return found[0]


# -- timeline -----------------------------------------------------------------------------------

def test_kumagaya_vrs_provision_removal_in_timeline(loaded_store) -> None:
    rows = timeline(loaded_store, municipality="熊谷市")
    # 001 line 94: 令和6年4月1日 | …5. 特定個人情報の提供・移転(委託に伴うものを除く。) 提供先1 | 市町村長 | (削除) | 事後
    removal = by_evidence(rows, f"{KUMAGAYA}:94")
    assert {k: removal[k] for k in ("date", "municipality", "assessment", "category", "item_path", "before",
                                    "after", "timing")} == {
        "date": "2024-04-01", "municipality": "熊谷市", "assessment": "変更箇所", "category": "recipient-removed",
        "item_path": "II-5/提供先1", "before": "市町村長", "after": "(削除)", "timing": "事後"}
    # line 102: the same day, ⑥提供方法 「[〇]その他(ワクチン接種記録システム(VRS))」 -> (削除), 事後.
    method = by_evidence(rows, f"{KUMAGAYA}:102")
    assert method["date"] == "2024-04-01" and method["timing"] == "事後" and method["after"] == "(削除)"
    assert "その他(ワクチン接種記録システム(VRS))" in method["before"]
    # Oldest first: the log starts with 令和3年10月20日 (line 12: 提供先1 ⑦時期・頻度).
    assert rows[0]["date"] == "2021-10-20"
    dated = [row["date"] for row in rows if row["date"]]
    assert dated == sorted(dated)


def test_timeline_since_and_category_filters(loaded_store) -> None:
    since = timeline(loaded_store, municipality="熊谷市", since="2024-04-01")
    assert since and all(row["date"] >= "2024-04-01" for row in since)
    assert f"{KUMAGAYA}:94" in {row["evidence"] for row in since}
    later = timeline(loaded_store, municipality="熊谷市", since=dt.date(2024, 4, 2))
    assert f"{KUMAGAYA}:94" not in {row["evidence"] for row in later}
    assert f"{KUMAGAYA}:132" in {row["evidence"] for row in later}  # 令和6年6月14日
    # Undated rows (飯塚市's PDF table) cannot be placed after a day: left out.
    assert all(row["date"] for row in timeline(loaded_store, since="2019-01-01"))
    removed = timeline(loaded_store, category="recipient-removed")
    assert removed and {row["category"] for row in removed} == {"recipient-removed"}
    assert f"{IIZUKA}:1533-1536" in {row["evidence"] for row in removed}


def test_timeline_of_one_assessment(loaded_store) -> None:
    iri = loaded_store.select(PIA + """SELECT ?a WHERE { GRAPH ?g {
        ?a pia:municipality "高槻市" ; pia:kind "全項目" ; pia:assessmentNumber "49" } }""").rows[0]["a"]
    rows = timeline(loaded_store, assessment=str(iri))
    assert rows and {row["assessment_iri"] for row in rows} == {iri}
    assert {row["assessment"] for row in rows} == {"No.49 予防接種事務 全項目評価書"}


# -- pia:affects and page context ---------------------------------------------------------------

def test_change_affects_the_node_it_names(loaded_store) -> None:
    rows = loaded_store.select(PIA + """SELECT ?ref ?name ?ordinal ?kind WHERE { GRAPH ?g {
        ?c pia:affects ?node ; pia:evidence ?e . ?e pia:sourceFile ?f ; pia:lineStart ?l .
        BIND(CONCAT(STRAFTER(?f, "samples/"), ":", STR(?l)) AS ?ref)
        OPTIONAL { ?node pia:name ?name } OPTIONAL { ?node pia:ordinal ?ordinal }
        OPTIONAL { ?node a ?kind . FILTER(?kind IN (pia:System, pia:Provision, pia:Entrustment)) } } }""").rows
    found = {row["ref"]: row for row in rows}
    # 004 lines 3083-3091: システム３, 「予防接種証明書発行管理システム」を追加し以降の通番を繰り下げる.
    assert found["004_32a03fc301fb5106.txt:3083"]["name"] == "予防接種証明書発行管理システム"
    # 000 line 1896-1901: 提供先1 ①法令上の根拠 -> the Provision 提供先1.
    assert found["000_85a35887ceb83a89.txt:1896"]["ordinal"] == 1
    assert found["000_85a35887ceb83a89.txt:1896"]["kind"].endswith("#Provision")
    # The removed 提供先3 (000 lines 1533-1538) is no longer there: no link.
    assert "000_85a35887ceb83a89.txt:1533" not in found


def _assessment_with(changes: list[Change]) -> Assessment:
    ev = Evidence("x.txt", 1, 1, "")
    a = Assessment("x.txt", 0, 1, 100, kind="全項目")
    a.systems = [System("宛名システム", ev, number=1), System("健康管理システム", ev, number=3)]
    a.flows = [Flow("Provision", ev, recipient="都道府県知事", ordinal=1),
               Flow("Provision", ev, recipient="市区町村長", ordinal=2)]
    a.changes = changes
    return a


def test_affects_respects_printed_numbers_and_renumbering() -> None:
    ev = Evidence("x.txt", 1, 1, "")
    changes = [
        Change(ev, dt.date(2023, 1, 1), item_path="I-2/システム3/②システムの機能", after="x"),
        Change(ev, dt.date(2023, 1, 1), item_path="II-5/提供先2/⑦時期・頻度", after="x"),  # before the removal
        Change(ev, dt.date(2024, 1, 1), item_path="II-5/提供先1", before="VRS", after="削除",
               category="recipient-removed"),
        Change(ev, dt.date(2025, 1, 1), item_path="II-5/提供先2/①法令上の根拠", after="x"),  # after it
        Change(ev, None, item_path="II-5/提供先1/②", after="x"),  # undated: the removal may be later
    ]
    graph = document_graph(_assessment_with(changes))
    affects = {s: o for s, p, o in graph.triples if p.endswith("#affects>")}
    base = graph.subject
    assert affects == {f"<{base}/change/1>": f"<{base}/system/2>",  # printed システム3 is the 2nd listed
                       f"<{base}/change/4>": f"<{base}/flow/2>"}


def test_unattributed_row_keeps_its_page_as_context(loaded_store) -> None:
    rows = loaded_store.select(PIA + """SELECT ?start ?end ?text WHERE { GRAPH ?g {
        ?c pia:evidence ?e ; pia:pageContext ?p . ?e pia:sourceFile ?f ; pia:lineStart 1533 .
        FILTER(CONTAINS(?f, "000_")) ?p pia:lineStart ?start ; pia:lineEnd ?end ; pia:quote ?text } }""").rows
    # The page runs from line 1533 to 1645 (three empty lines on either side).
    assert [(r["start"], r["end"]) for r in rows] == [(1533, 1645)]
    assert "提供先3 削除 事後" in rows[0]["text"] and "ワクチン接種記録システム" in rows[0]["text"]


# -- events across municipalities ---------------------------------------------------------------

def test_vrs_removed_event(loaded_store) -> None:
    view = event_view(loaded_store, "vrs-removed")
    summary = {row["municipality"]: row for row in view.rows}
    assert set(summary) == {"熊谷市", "飯塚市"}
    # 000 lines 1533-1538: Ⅱ…5.特定個人情報の提供・移転 提供先3 削除 事後, dated 令和6年9月30日 (every date of the page).
    assert summary["飯塚市"]["dates"] == "2024-09-30"
    assert f"{IIZUKA}:1533-1536" in summary["飯塚市"]["evidence"]
    assert summary["飯塚市"]["timing"] == "事後"
    iizuka = by_evidence(view.changes, f"{IIZUKA}:1533-1536")
    assert iizuka["basis"] == "page"  # its 変更前の記載 is not attributable; its page names VRS
    assert summary["熊谷市"]["dates"] == "2024-04-01"
    assert by_evidence(view.changes, f"{KUMAGAYA}:102")["basis"] == "row"
    assert by_evidence(view.changes, f"{KUMAGAYA}:94")["basis"] == "same-day"  # 提供先1 市町村長, same section
    assert [row["municipality"] for row in view.rows] == ["熊谷市", "飯塚市"]  # earliest first


def test_legal_basis_2024_event(loaded_store) -> None:
    view = event_view(loaded_store, "legal-basis-2024")
    # 001 line 132: 令和6年6月14日 | 提供先1 ①法令上の根拠 | 番号法別表第2の16の3の項 | 番号利用法第19条第8号及び別表の14の項
    row = by_evidence(view.changes, f"{KUMAGAYA}:132")
    assert (row["date"], row["before"], row["after"]) == (
        "2024-06-14", "番号法別表第2の16の3の項", "番号利用法第19条第8号及び別表の14の項")
    assert all(not c["date"] or c["date"] >= "2024-05-27" for c in view.changes)
    assert {r["municipality"]: r["dates"] for r in view.rows}["熊谷市"] == "2024-06-14"
    # 熊谷市's 令和3年12月8日 legal-basis rows (before the reform) are not part of the event.
    assert f"{KUMAGAYA}:36" not in {c["evidence"] for c in view.changes}


def test_event_since_filter_and_unknown_event(loaded_store) -> None:
    view = event_view(loaded_store, "vrs-removed", since="2024-05-01")
    assert [row["municipality"] for row in view.rows] == ["飯塚市"]
    with pytest.raises(Exception, match="unknown event"):
        event_view(loaded_store, "nothing")


# -- council reviews as records -----------------------------------------------------------------

def test_answer_read_back_from_store(loaded_store) -> None:
    facts = loaded_store.select(PIA + """SELECT ?p ?o WHERE { GRAPH ?g {
        ?r pia:reviewNumber "令和4年度答申第3号" ; ?p ?o . FILTER(isLiteral(?o)) } }""").rows
    values = {str(row["p"]).rsplit("#", 1)[-1]: row["o"] for row in facts}
    # 004 lines 2-40, as printed (full-width digits folded by NFKC).
    assert {k: values.get(k) for k in ("reviewType", "council", "municipality", "externalRecipient", "contractor",
                                       "ordinanceBasis", "affairName", "department", "deliberatedOn", "decision",
                                       "consultationReference", "consultationDate", "reviewKind", "title")} == {
        "reviewType": "答申",
        "council": "高槻市個人情報保護運営審議会",
        "municipality": "高槻市",
        "externalRecipient": "厚生労働省 健康局 結核感染症課",
        "contractor": "株式会社サーベイリサーチセンター",
        "ordinanceBasis": nfkc("高槻市個人情報保護条例第１０条第２項第５号"),
        "affairName": "新型コロナウイルス感染症対策事業",
        "department": "健康福祉部 保健所 保健予防課",
        "deliberatedOn": "2022-10-21",
        "decision": "承認",
        "consultationReference": nfkc("令和４年１０月１３日付け高健予第２３８７号"),
        "consultationDate": "2022-10-13",
        "reviewKind": "外部提供",
        "title": "新型コロナウイルス感染症の抗体保有率疫学調査に必要となる対象者リストの外部提供について",
    }
    typed = loaded_store.select(PIA + """SELECT (DATATYPE(?d) AS ?t) ?citation WHERE { GRAPH ?g {
        ?r pia:reviewNumber "令和4年度答申第3号" ; pia:deliberatedOn ?d ;
           pia:ordinanceProvision/pia:citation ?citation } }""").rows
    assert typed == [{"t": "http://www.w3.org/2001/XMLSchema#date",
                      "citation": "高槻市個人情報保護条例第10条第2項第5号"}]
    # No ad-hoc pia:fact_* properties left.
    assert not loaded_store.select(PIA + """SELECT ?p WHERE { GRAPH ?g { ?s ?p ?o .
        FILTER(STRSTARTS(STR(?p), "https://w3id.org/piagraph/ontology#fact_")) } } LIMIT 1""").rows


def test_answer_conditions_read_back_from_store(loaded_store) -> None:
    rows = loaded_store.select(PIA + """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?ordinal ?number ?label ?start ?end WHERE { GRAPH ?g {
        ?r pia:reviewNumber "令和4年度答申第3号" ; pia:condition ?c .
        ?c a pia:Condition ; pia:ordinal ?ordinal ; pia:conditionNumber ?number ; rdfs:label ?label ;
           pia:evidence ?e . ?e pia:lineStart ?start ; pia:lineEnd ?end } } ORDER BY ?ordinal""").rows
    assert [r["ordinal"] for r in rows] == list(range(1, 12))
    assert [r["number"] for r in rows] == ["(1)", "(2)", "(3)", "(4)"] + [f"(5){n}" for n in "①②③④⑤⑥⑦"]
    # 004 lines 86-88: （１）本件における管理責任者を保健予防課長と定め、業務担当者を指名して限定すること
    assert (rows[0]["label"], rows[0]["start"], rows[0]["end"]) == (
        "本件における管理責任者を保健予防課長と定め、業務担当者を指名して限定すること", 86, 88)
    # line 104: （５）受託事業者における保護措置として、①業務従事者を限定していること
    assert rows[4]["label"] == "業務従事者を限定していること"
    # lines 128-130: ⑦個人情報の保護に関する法律及び高槻市個人情報保護条例を遵守すること
    assert (rows[10]["label"], rows[10]["start"], rows[10]["end"]) == (
        "個人情報の保護に関する法律及び高槻市個人情報保護条例を遵守すること", 128, 130)
    listed = {r["reviewNumber"]: r for r in council_reviews(loaded_store, municipality="高槻市")}
    assert listed["令和4年度答申第3号"]["conditions"] == 11
    assert listed["令和4年度答申第3号"]["decisionDate"] == "2022-10-21"
    assert listed["令和4年度答申第3号"]["dateBasis"] == "審議日"  # its own date 「令 和 ４ 年  月  日」 is blank


def test_consultations_linked_to_the_assessments_they_review(loaded_store) -> None:
    rows = loaded_store.select(PIA + f"""SELECT ?number ?kind ?assessmentNumber ?title WHERE {{
        GRAPH <{LINKS_GRAPH}> {{ ?r pia:reviewsAssessment ?a }}
        GRAPH ?rg {{ ?r pia:reviewNumber ?number }}
        GRAPH ?ag {{ ?a pia:kind ?kind ; pia:assessmentNumber ?assessmentNumber ; pia:title ?title }} }}
        ORDER BY ?number""").rows
    # 諮問 高健推第1253号 (line 138): 予防接種事務, 「特定個人情報保護評価書(全項目評価書)」に係る第三者点検;
    # 諮問 高市市第1577号: 住民基本台帳事務, the 全項目評価書 (not the 基礎項目評価書 also attached).
    assert {(r["number"], r["kind"], r["assessmentNumber"], r["title"]) for r in rows} == {
        ("高市市第1577号", "全項目", "1", "高槻市 住民基本台帳事務 全項目評価書"),
        ("高健推第1253号", "全項目", "49", "予防接種事務 全項目評価書"),
    } and len(rows) == 2


def test_links_need_both_documents_loaded(tmp_path: Path) -> None:
    from piagraph.ingest import ingest
    from piagraph.paths import SAMPLES_DIR
    from piagraph.store import EmbeddedStore

    with EmbeddedStore(tmp_path / "store") as store:
        assert not ingest([str(SAMPLES_DIR / "004_32a03fc301fb5106.txt")], store).failed
        assert link_reviews(store) == 2
        # Drop the 予防接種 assessment: the next run no longer links its 諮問.
        graph = store.select(PIA + """SELECT ?g WHERE { GRAPH ?g {
            ?a pia:assessmentNumber "49" ; pia:kind "全項目" } }""").rows[0]["g"]
        store.update(f"DROP GRAPH <{graph}>")
        assert link_reviews(store) == 1
        numbers = [r["reviewNumber"] for r in council_reviews(store) if r["reviewedAssessment"]]
        assert numbers == ["高市市第1577号"]


# -- CLI ----------------------------------------------------------------------------------------

def test_cli_choices_match_the_library() -> None:
    assert set(_EVENTS) == set(EVENTS)
    assert list(CATEGORIES) == _CATEGORIES


def test_cli_history_table_csv_html(loaded_store_path: str, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["history", "--store", loaded_store_path]
    table = runner.invoke(main, [*base, "熊谷市", "--since", "2024-04-01"])
    assert table.exit_code == 0, table.output
    line = next(ln for ln in table.output.splitlines() if ln.rstrip().endswith("001_b8bb4d46b8d2544c.txt:94"))
    assert "2024-04-01" in line and "市町村長 → (削除)" in line and "事後" in line and "II-5/提供先1" in line
    assert "2021-10-20" not in table.output

    result = runner.invoke(main, [*base, "--category", "recipient-removed", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    row = next(r for r in rows if r["evidence"] == f"{KUMAGAYA}:94")
    assert (row["date"], row["before"], row["after"], row["timing"]) == ("2024-04-01", "市町村長", "(削除)", "事後")

    page = tmp_path / "history.html"
    result = runner.invoke(main, [*base, "高槻市", "--format", "html", "-o", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "<svg" in html and "審議会の答申・諮問" in html and "令和4年度答申第3号" in html
    assert "予防接種事務 全項目評価書" in html  # the 諮問's reviewed assessment

    event = runner.invoke(main, [*base, "--event", "vrs-removed"])
    assert event.exit_code == 0, event.output
    lines = {ln.split()[0]: ln for ln in event.output.splitlines()[2:]}
    assert "2024-09-30" in lines["飯塚市"] and "2024-04-01" in lines["熊谷市"]
    event_page = tmp_path / "event.html"
    result = runner.invoke(main, [*base, "--event", "legal-basis-2024", "--format", "html", "-o", str(event_page)])
    assert result.exit_code == 0 and "2024-06-14" in event_page.read_text(encoding="utf-8")

    bad = runner.invoke(main, [*base, "--event", "vrs-removed", "--category", "other"])
    assert bad.exit_code == 2 and "--event" in bad.output
    bad_date = runner.invoke(main, [*base, "--since", "2024/04/01"])
    assert bad_date.exit_code == 2


def test_main_outputs_history(loaded_store, tmp_path: Path) -> None:
    from piagraph.outputs import _history

    written = _history(loaded_store, tmp_path)
    assert [p.name for p in written] == ["history.html", "history.csv"]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "history.csv").read_text(encoding="utf-8"))))
    assert by_evidence(rows, f"{IIZUKA}:1533-1536")["date"] == "2024-09-30"
    assert "高健推第1253号" in (tmp_path / "history.html").read_text(encoding="utf-8")


# -- escaping -----------------------------------------------------------------------------------

def test_html_escapes_hostile_document_text() -> None:
    hostile = {"municipality": "<b>市</b>", "date": "2024-04-01", "category": "other",
               "item": "<script>alert(1)</script>", "before": '"x" & <i>', "after": "</td><td>", "timing": "事後",
               "evidence": "a.txt:1", "assessment": "<svg onload=x>", "item_path": "<marquee>", "basis": "<blink>"}
    council = {"reviewType": "答申", "decisionDate": "2022-10-21", "title": "<script>t</script>",
               "decision": "<img src=x>", "conditions": 1, "reviewNumber": "<em>", "evidence": "a.txt:1-2"}
    pages = [render_history_html([hostile], [council], "<h1>title</h1>")]
    view = EventView(EVENTS["vrs-removed"], [{"municipality": "<b>市</b>", "dates": "<i>", "items": "<script>",
                                               "basis": "<blink>", "evidence": "a.txt:1"}], [hostile])
    pages.append(render_event_html(view))
    for page in pages:
        for tag in ("<script", "<b>", "<i>", "<img", "<em>", "<svg onload", "<marquee>", "<blink>", "<h1>title"):
            assert tag not in page, tag
        assert "&lt;script&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0] and "&lt;img src=x&gt;" in pages[0]
