"""別添1 事務の内容 （備考） steps -> FlowStep flows, checked value by value against the sample texts.

Expected values were read off the documents by eye: 002 lines 470-505 (横浜市 予防接種), 004 lines
5846-5947 (高槻市 住民基本台帳, two 別添1 parts); 004's 予防接種 別添1 (line 654) has an empty （備考）.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from piagraph.model import Assessment, Flow, System
from piagraph.parse import parse_source
from piagraph.parse.basic import parse_basic
from piagraph.parse.cover import parse_cover
from piagraph.parse.doctext import DocText
from piagraph.parse.flow_steps import parse_flow_steps
from piagraph.parse.systems import parse_systems
from piagraph.read import read_path, split_documents
from piagraph.read.source import DocumentSpan, SourceText
from tests.conftest import sample_path
from tests.permute import permute_blocks

SECTION_1 = "予防接種対象者への接種勧奨、接種記録の管理・保管に関する事務"
TRADITIONAL = f"{SECTION_1} 【従来の予防接種事務】"
COVID = f"{SECTION_1} 【新型コロナの予防接種事務】"
FEE = "予防接種の実費徴収の有無の確認に関する事務"
RELIEF = "予防接種健康被害救済給付に関する事務"
HOME = "予防接種台帳システム"  # 002's business system (システム1)


def _assessments(result) -> list[Assessment]:
    return [d for d in result.documents if isinstance(d, Assessment)]


def _steps(assessment: Assessment) -> list[Flow]:
    return [f for f in assessment.flows if f.kind == "FlowStep"]


def _step(flows: list[Flow], section: str, number: int) -> list[Flow]:
    return [f for f in flows if f.business_section == section and f.step_number == number]


def _ends(flows: list[Flow]) -> set[tuple[str | None, str | None]]:
    return {(f.source, f.recipient) for f in flows}


@pytest.fixture(scope="module")
def yokohama_assessment() -> Assessment:
    (assessment,) = _parse_steps(sample_path("yokohama"))
    return assessment


@pytest.fixture(scope="module")
def yokohama(yokohama_assessment) -> list[Flow]:
    return _steps(yokohama_assessment)


@pytest.fixture(scope="module")
def yokohama_warnings(yokohama_assessment) -> list[str]:
    return [w.message for w in yokohama_assessment.warnings]


@pytest.fixture(scope="module")
def takatsuki() -> dict[str, Assessment]:
    out = {}
    for a in _parse_steps(sample_path("takatsuki")):
        if a.kind == "全項目":
            out["juki" if "住民基本台帳" in (a.fact("title") or "") else "vaccination"] = a
    return out


# -- 002 横浜市 ------------------------------------------------------------------------------------


def test_yokohama_sections_and_step_numbers(yokohama):
    numbers: dict[str | None, set[int | None]] = {}
    for flow in yokohama:
        numbers.setdefault(flow.business_section, set()).add(flow.step_number)
    assert numbers == {
        TRADITIONAL: set(range(1, 10)),
        COVID: {1, 2},
        FEE: set(range(1, 7)),
        RELIEF: set(range(1, 7)),  # ⑥・⑦ is one sentence: step 6, titled 「⑥・⑦」
    }
    assert all(f.kind == "FlowStep" for f in yokohama)


def test_yokohama_step1_source_is_resident_record_system(yokohama):
    (flow,) = _step(yokohama, TRADITIONAL, 1)
    assert flow.source == "住民記録システム"
    assert flow.recipient == HOME and flow.recipient_inferred and not flow.source_inferred
    assert flow.information == "予防接種対象者と判断するために必要な情報"
    assert flow.carries_personal_number is None
    assert flow.evidence.line_start == flow.evidence.line_end == 474
    assert flow.evidence.quote == "① 予防接種対象者と判断するために必要な情報を住民記録システムから取得"
    assert flow.title == "①"


def test_yokohama_step2_sends_vouchers_to_residents(yokohama):
    flows = _step(yokohama, TRADITIONAL, 2)
    notice = [f for f in flows if f.recipient == "住民"]
    assert len(notice) == 1
    assert notice[0].source == HOME and notice[0].source_inferred
    assert notice[0].information == "接種券(予診票)"


def test_yokohama_step3_and_4_medical(yokohama):
    (visit,) = _step(yokohama, TRADITIONAL, 3)
    assert (visit.source, visit.recipient) == ("住民", "医療機関")
    # 「接種記録を医師会経由で医療機関から取得」: two hops through 医師会
    record = _step(yokohama, TRADITIONAL, 4)
    assert _ends(record) == {("医療機関", "医師会"), ("医師会", HOME)}
    assert {f.information for f in record} == {"予診票に記載されている接種記録"}
    assert all(f.title == "④ 医師会経由" for f in record)


def test_yokohama_step5_my_number_application(yokohama):
    (flow,) = _step(yokohama, TRADITIONAL, 5)
    assert (flow.source, flow.recipient) == ("住民", HOME)
    assert flow.information == "マイナンバーを含む予防接種申請書"
    assert flow.carries_personal_number is True


def test_yokohama_step6_juki_net_terminal(yokohama):
    (flow,) = _step(yokohama, TRADITIONAL, 6)
    assert flow.source == "住民基本台帳ネットワークシステム"  # 「住基ネット総合端末」, the form's システム4
    assert flow.recipient == HOME
    assert flow.information == "住登外者の情報"


def test_yokohama_step7_copy_via_integration_to_intermediate_server(yokohama):
    flows = _step(yokohama, TRADITIONAL, 7)
    assert _ends(flows) == {(HOME, "統合番号連携システム"), ("統合番号連携システム", "中間サーバー")}
    first = next(f for f in flows if f.recipient == "統合番号連携システム")
    second = next(f for f in flows if f.source == "統合番号連携システム")
    assert first.source_inferred and not first.recipient_inferred
    assert not second.source_inferred and not second.recipient_inferred
    for flow in flows:
        assert flow.information == "予防接種歴"
        assert flow.carries_personal_number is True
        assert flow.title == "⑦ 統合番号連携システム経由"
        assert flow.evidence.line_start == 480
        assert "副本提供" in flow.evidence.quote


def test_yokohama_step8_inquiry(yokohama):
    flows = _step(yokohama, TRADITIONAL, 8)
    assert _ends(flows) == {(HOME, "統合番号連携システム"), ("統合番号連携システム", "中間サーバー")}
    assert {f.information for f in flows} == {"他市町村が保有する予防接種歴情報"}
    assert all(f.carries_personal_number is True for f in flows)  # through the 中間サーバー


def test_yokohama_step9_statistics_to_mhlw(yokohama):
    (flow,) = _step(yokohama, TRADITIONAL, 9)
    assert (flow.source, flow.recipient) == (HOME, "厚生労働省")
    assert flow.source_inferred
    assert flow.information == "接種記録統計"
    assert flow.carries_personal_number is None


def test_yokohama_covid_steps(yokohama, yokohama_warnings):
    (vrs,) = _step(yokohama, COVID, 1)
    assert (vrs.source, vrs.recipient) == ("ワクチン接種記録システム(VRS)", HOME)
    assert not vrs.source_inferred and not vrs.recipient_inferred  # both are named in the sentence
    assert vrs.information == "VRSから出力した接種記録"
    # 「新型コロナウイルス感染症予防接種証明書の発行」 names no party: kept, raw sentence, warned
    (certificate,) = _step(yokohama, COVID, 2)
    assert certificate.source is None and certificate.recipient is None
    assert certificate.information == "新型コロナウイルス感染症予防接種証明書の発行"
    assert any("②" in w and "証明書の発行" in w for w in yokohama_warnings)


def test_yokohama_fee_steps(yokohama):
    (first,) = _step(yokohama, FEE, 1)
    assert (first.source, first.recipient) == ("住民基本台帳システム", HOME)
    (voucher,) = _step(yokohama, FEE, 2)
    assert (voucher.source, voucher.recipient, voucher.information) == (HOME, "住民", "接種券(予診票)")
    # 「情報共有基盤システム・税務システムが保有する…を、福祉保健システム経由で確認」, then
    # 「…統合番号連携システム経由で中間サーバへ照会」 on the wrapped line 493-494
    tax = _step(yokohama, FEE, 4)
    assert _ends(tax) == {
        ("情報共有基盤システム", "福祉保健システム"),
        ("税務システム", "福祉保健システム"),
        ("福祉保健システム", HOME),
        (HOME, "統合番号連携システム"),
        ("統合番号連携システム", "中間サーバー"),
    }
    assert all(f.evidence.line_start == 492 and f.evidence.line_end == 494 for f in tax)
    assert {f.information for f in tax if f.recipient == "中間サーバー"} == {"他市町村が保有する本人及び世帯員の税情報"}
    (clinic,) = _step(yokohama, FEE, 5)
    assert (clinic.source, clinic.recipient) == ("住民", "医療機関")


def test_yokohama_relief_steps(yokohama):
    (report,) = _step(yokohama, RELIEF, 2)
    assert (report.source, report.recipient) == ("横浜市予防接種事故対策調査会", "厚生労働省")
    assert report.methods == ["紙"]
    (result,) = _step(yokohama, RELIEF, 3)
    assert (result.source, result.recipient) == ("厚生労働省", HOME)
    assert result.information == "厚生労働省からの審査結果"
    (notice,) = _step(yokohama, RELIEF, 4)
    assert (notice.source, notice.recipient) == (HOME, "住民")
    inquiry = _step(yokohama, RELIEF, 6)
    assert _ends(inquiry) == {(HOME, "統合番号連携システム"), ("統合番号連携システム", "中間サーバー")}
    assert all(f.title.startswith("⑥・⑦") for f in inquiry)
    assert all((f.evidence.line_start, f.evidence.line_end) == (504, 505) for f in inquiry)
    assert {f.information for f in inquiry} == {"他の行政機関が保有する情報"}


def test_yokohama_box_labels_are_not_steps(yokohama):
    # 「⑥情報照会」 (433, 435, 507), 「②健康被害に係る申請書進達」 (437): labels of the drawing
    lines = {f.evidence.line_start for f in yokohama}
    assert not lines & {433, 435, 437, 440, 446, 448, 453, 455, 507, 509, 521}
    assert min(lines) == 474 and max(lines) == 504


def test_yokohama_personal_number_flags(yokohama):
    personal = {(f.business_section, f.step_number) for f in yokohama if f.carries_personal_number}
    assert personal == {
        (TRADITIONAL, 5), (TRADITIONAL, 7), (TRADITIONAL, 8), (FEE, 4), (RELIEF, 6),
    }


# -- 004 高槻市 ------------------------------------------------------------------------------------


def test_takatsuki_vaccination_has_no_listed_steps(takatsuki):
    assessment = takatsuki["vaccination"]
    assert _steps(assessment) == []
    warnings = [w for w in assessment.warnings if "別添1" in w.message]
    assert [w.line for w in warnings] == [654]


def test_takatsuki_juki_step_count_and_sections(takatsuki):
    flows = _steps(takatsuki["juki"])
    steps = {(f.business_section, f.title.split()[0]) for f in flows}
    assert len(steps) == 32 + 22  # part (1) 住民基本台帳ファイル: 32 steps; part (2) 本人確認情報: 22
    sections = {f.business_section for f in flows}
    assert "1.住民基本台帳の記載に関する事務" in sections
    assert "11.コンビニエンスストアにおける証明書交付事務" in sections
    assert "8.個人番号カード管理システムとの情報連携" in sections
    assert all(5849 <= f.evidence.line_start <= 5946 for f in flows)


def test_takatsuki_juki_values(takatsuki):
    flows = _steps(takatsuki["juki"])

    def at(line: int) -> list[Flow]:
        return [f for f in flows if f.evidence.line_start == line]

    (notice,) = at(5849)  # 1-①.住民より転入、出生等の届出等を受け付ける。
    assert (notice.source, notice.recipient) == ("住民", "既存住民基本台帳システム")
    assert notice.recipient_inferred and notice.step_number == 1 and notice.title == "1-①"
    assert notice.information == "転入、出生等の届出等"
    (convenience,) = at(5852)  # 1-④更新した住民基本台帳ファイルの情報をコンビニ交付システムへ連携する。
    assert convenience.recipient == "コンビニ交付システム"
    assert convenience.information == "更新した住民基本台帳ファイルの情報"
    (generate,) = at(5889)  # 9-④.ＣＳから機構の個人番号管理システムへ個人番号の生成要求を通知する。
    assert (generate.source, generate.recipient) == ("CS", "機構の個人番号管理システム")
    assert generate.carries_personal_number is True and generate.step_number == 4
    consistency = at(5936)  # 6-①.市町村ＣＳより、都道府県サーバ及び全国サーバに対し、…を送付する。
    assert _ends(consistency) == {("市町村CS", "都道府県サーバ"), ("市町村CS", "全国サーバ")}
    (nothing,) = at(5905)  # 1-①.…届出等を受け付ける(※特定個人情報を含まない)。
    assert nothing.carries_personal_number is False
    identity = at(5912)  # 2-②.③.統合端末において、…を送信し、市町村ＣＳを通じて、全国サーバに対して…
    assert {f.step_number for f in identity} == {2}
    assert all(f.title.startswith("2-②.③") for f in identity)
    assert _ends(identity) == {("統合端末", "市町村CS"), ("市町村CS", "全国サーバ")}
    (center,) = at(5899)  # 11-①証明書交付センターからコンビニ交付システムサーバに申請情報を送信する。
    assert (center.source, center.recipient) == ("証明書交付センター", "コンビニ交付システム")


def test_takatsuki_one_party_steps_keep_that_party(takatsuki):
    flows = _steps(takatsuki["juki"])
    (stats,) = [f for f in flows if f.evidence.line_start == 5875]  # 6-①.既存住基システムにて各種統計処理を行う。
    assert stats.source == "既存住民基本台帳システム" and stats.recipient is None
    assert stats.information == "既存住基システムにて各種統計処理を行う。"
    assert any(w.line == 5875 and "only one end" in w.message for w in takatsuki["juki"].warnings)


@pytest.mark.parametrize("key", ["iizuka", "kumagaya", "tochigi"])
def test_no_flow_steps_without_a_full_assessment(key):
    for assessment in _parse_steps(sample_path(key)):
        assert _steps(assessment) == []


def test_the_orchestrator_runs_flow_steps(yokohama):
    """parse_source (all section parsers) yields the same steps as the flow-step parser alone."""
    (assessment,) = _assessments(parse_source(read_path(str(sample_path("yokohama")))))
    assert {(f.business_section, f.title, f.source, f.recipient) for f in _steps(assessment)} == {
        (f.business_section, f.title, f.source, f.recipient) for f in yokohama}


# -- robustness ------------------------------------------------------------------------------


def _parse_steps(path: Path) -> list[Assessment]:
    """Only the parsers flow steps depend on (cover, basic, systems): keeps these tests fast."""
    out = []
    for span in split_documents(read_path(str(path))):
        if span.family != "assessment":
            continue
        doc = DocText(span)
        assessment = Assessment(span.source.path, span.index, span.line_start, span.line_end)
        for parse in (parse_cover, parse_basic, parse_systems, parse_flow_steps):
            parse(doc, assessment)
        assessment.warnings.extend(doc.warnings)
        out.append(assessment)
    return out


def _step_set(path: Path) -> set[tuple]:
    out = set()
    for assessment in _parse_steps(path):
        for f in _steps(assessment):
            out.add((f.business_section, f.title, f.source, f.recipient, f.information, f.carries_personal_number))
    return out


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_block_permutation_keeps_yokohama_steps(tmp_path, yokohama, seed):
    text = sample_path("yokohama").read_text(encoding="utf-8")
    permuted = tmp_path / "002_permuted.txt"
    permuted.write_text(permute_blocks(text, seed), encoding="utf-8")
    expected = {(f.business_section, f.title, f.source, f.recipient, f.information, f.carries_personal_number)
                for f in yokohama}
    assert _step_set(permuted) == expected


def test_block_permutation_keeps_takatsuki_steps(tmp_path, takatsuki):
    """004 has pages with no page break between 別添1 and Ⅱ: blocks are chosen by content there."""
    text = sample_path("takatsuki").read_text(encoding="utf-8")
    permuted = tmp_path / "004_permuted.txt"
    permuted.write_text(permute_blocks(text, 3), encoding="utf-8")
    expected = {(f.business_section, f.title, f.source, f.recipient, f.information, f.carries_personal_number)
                for a in takatsuki.values() for f in _steps(a)}
    assert _step_set(permuted) == expected


def test_another_wording_is_read_by_rule(tmp_path):
    """The same list in other words: other verbs, particles, bodies and a department-less receiver."""
    text = sample_path("yokohama").read_text(encoding="utf-8")
    text = text.replace("接種記録統計を厚生労働省へ報告", "接種記録の集計結果を都道府県知事に対し送付する")
    text = text.replace("予防接種歴を統合番号連携システム経由で中間サーバーへ副本提供",
                        "予防接種歴を団体内統合宛名システムを経由して中間サーバへ登録する")
    path = tmp_path / "002_reworded.txt"
    path.write_text(text, encoding="utf-8")
    (assessment,) = _parse_steps(path)
    flows = _steps(assessment)
    (prefecture,) = _step(flows, TRADITIONAL, 9)
    assert (prefecture.source, prefecture.recipient) == (HOME, "都道府県")
    assert prefecture.information == "接種記録の集計結果"
    copy = _step(flows, TRADITIONAL, 7)
    # 団体内統合宛名システム is the form's 統合番号連携システム (same canonical kind)
    assert _ends(copy) == {(HOME, "統合番号連携システム"), ("統合番号連携システム", "中間サーバー")}


# -- other layouts and wordings (synthetic, to check the rules are general) ------------------------


def _synthetic(lines: list[str], layout: str, systems: list[str]) -> Assessment:
    source = SourceText("synthetic.txt", lines, "utf-8", layout)
    span = DocumentSpan(source, 0, 1, len(lines), "assessment")
    doc = DocText(span)
    assessment = Assessment("synthetic.txt", 0, 1, len(lines), kind="全項目")
    evidence = doc.evidence(1)
    assessment.systems = [System(name, evidence, number=i) for i, name in enumerate(systems, start=1)]
    parse_flow_steps(doc, assessment)
    assessment.warnings.extend(doc.warnings)
    return assessment


CHILD_SYSTEMS = ["児童手当システム", "団体内統合宛名システム", "中間サーバー"]


def test_synthetic_pdf_text_of_another_affair():
    lines = [
        " ②所属長の役職名 こども家庭課長", "", "", "",
        "（別添１）事務の内容", "", "",
        "⑤情報照会", "",  # a box label of the drawing
        "（備考）", "",
        "１．児童手当の認定に関する事務",
        "　①　申請者から認定請求書を受け付ける。",
        "　②　認定請求書の個人番号を用いて、税務システムから所得情報を",
        "　　取得する。",
        "　③　他市区町村が保有する所得情報を、団体内統合宛名システム経由で中間サーバへ照会する。",
        "", "", "",
        "Ⅱ　特定個人情報ファイルの概要",
        "１．特定個人情報ファイル名",
        "　①　児童手当ファイルを、児童手当システムに保存する",
    ]
    assessment = _synthetic(lines, "pdf-text", CHILD_SYSTEMS)
    flows = _steps(assessment)
    section = "1.児童手当の認定に関する事務"
    (first,) = _step(flows, section, 1)
    assert (first.source, first.recipient, first.information) == ("住民", "児童手当システム", "認定請求書")
    (second,) = _step(flows, section, 2)
    assert (second.source, second.recipient, second.information) == ("税務システム", "児童手当システム", "所得情報")
    assert (second.evidence.line_start, second.evidence.line_end) == (14, 15)  # the wrapped line continues
    assert second.carries_personal_number is True
    third = _step(flows, section, 3)
    assert _ends(third) == {("児童手当システム", "団体内統合宛名システム"), ("団体内統合宛名システム", "中間サーバー")}
    assert {f.information for f in third} == {"他市区町村が保有する所得情報"}
    assert len(flows) == 4  # nothing from the box label or from Ⅱ


def test_synthetic_table_layout_cell():
    cell = ("<p>（備考）</p><p>○住民票の写しの交付に関する事務</p><p>①　住民から交付申請を受け付ける</p>"
            "<p>②　証明書を住民に交付する</p>")
    lines = ["Ⅰ　基本情報\t", f"（別添１）事務の内容\t{cell}", "Ⅱ　特定個人情報ファイルの概要\t"]
    assessment = _synthetic(lines, "table", ["住民記録システム"])
    flows = _steps(assessment)
    assert [(f.step_number, f.source, f.recipient) for f in flows] == [
        (1, "住民", "住民記録システム"), (2, "住民記録システム", "住民")]
    assert {f.business_section for f in flows} == {"住民票の写しの交付に関する事務"}
    assert all(f.evidence.line_start == 2 for f in flows)
