"""Ⅱ4 委託: every 委託事項 checked value by value against what the samples print.

Expected values were read from data/samples by eye (line numbers in the comments). Where the PDF
text puts two 委託事項 on one page with two copies of a field, the pairing is positional and the
parser warns; those cases are checked as sets plus the warning.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import pytest

from piagraph.model import Assessment, Flow
from piagraph.parse.doctext import DocText
from piagraph.parse.entrustment import parse_entrustment
from piagraph.parse.provision import parse_provision
from piagraph.parse.slots import label_matches, org_names, pick_choice
from piagraph.read import read_path, split_documents
from tests.permute import permute_blocks

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
IIZUKA, KUMAGAYA, YOKOHAMA, TOCHIGI, TAKATSUKI = (
    "000_85a35887ceb83a89.txt", "001_b8bb4d46b8d2544c.txt", "002_395353e375fa5b93.txt",
    "003_66d7ab723edd6fff.txt", "004_32a03fc301fb5106.txt")


def parse_flows(path: str) -> list[Assessment]:
    """Assessments of ``path`` with only Ⅱ4/Ⅱ5 parsed (files left empty: facts go on the assessment)."""
    source = read_path(path)
    out = []
    for span in split_documents(source):
        if span.family not in ("assessment", "changelog"):
            continue
        doc = DocText(span)
        assessment = Assessment(source.path, span.index, span.line_start, span.line_end)
        if span.family == "assessment":
            parse_entrustment(doc, assessment)
            parse_provision(doc, assessment)
        assessment.warnings.extend(doc.warnings)
        out.append(assessment)
    return out


@cache
def sample(name: str) -> tuple[Assessment, ...]:
    return tuple(parse_flows(str(SAMPLES / name)))


@cache
def permuted_sample(name: str, seed: int) -> tuple[Assessment, ...]:
    """``name`` with the text boxes of every page shuffled (shared by the entrustment and provision
    tests: parsing is the slow part)."""
    text = (SAMPLES / name).read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(permute_blocks(text, seed), encoding="utf-8")
        return tuple(parse_flows(str(path)))


def seeds(name: str) -> tuple[int, ...]:
    return (1, 2) if name == TAKATSUKI else (1, 2, 3)  # 004 is large: two seeds


def entrustments(assessment: Assessment, file_name: str | None = None) -> dict[int, Flow]:
    flows = [f for f in assessment.flows if f.kind == "Entrustment"
             and (file_name is None or f.file_name == file_name)]
    by_ordinal = {f.ordinal: f for f in flows}
    assert len(by_ordinal) == len(flows), "one flow per 委託事項 and file"
    return by_ordinal  # type: ignore[return-value]


def warned(assessment: Assessment, *parts: str, line: int | None = None) -> bool:
    return any(all(p in w.message for p in parts) and (line is None or w.line == line)
               for w in assessment.warnings)


# -- helpers --------------------------------------------------------------------------------------------
def test_pick_choice_reads_brackets_not_the_choice_list() -> None:
    assert pick_choice("⑦再委託の有無 ※ [ 再委託しない再", ("再委託する", "再委託しない")) == "再委託しない"
    assert pick_choice("[ 100万人以上1 000万人未満 2） 1万人以上", ("1万人以上10万人未満", "100万人以上1,000万人未満")) \
        == "100万人以上1,000万人未満"
    assert pick_choice("1） 再委託する 2） 再委託しない", ("再委託する", "再委託しない")) is None
    assert pick_choice("再委託する", ("再委託する", "再委託しない")) == "再委託する"
    assert pick_choice("[ ] 2） 1万人以上10万人未満", ("1万人以上10万人未満",)) is None


def test_org_names_splits_a_cell_and_keeps_undecided() -> None:
    assert org_names("日本通信紙株式会社、トッパン・フォームズ株式会社") == [
        "日本通信紙株式会社", "トッパン・フォームズ株式会社"]
    assert org_names("(株)TKC") == ["(株)TKC"]
    assert org_names("未定") == ["未定"]
    assert org_names("市報での公告又は本市webページでの公表による。") is None


def test_labels_count_only_where_a_line_begins() -> None:
    text = "⑥委託先名 株式会社ミラボ"
    assert [key for _, _, key in label_matches(text, [0])] == ["e.contractors"]
    sentence = "下記、「⑥委託先名」の項の記載より確認できる。"
    assert label_matches(sentence, [0]) == []


# -- 000 飯塚市 重点 (PDF text, scrambled page 506-585) -------------------------------------------------
def test_iizuka_entrustment() -> None:
    (assessment,) = sample(IIZUKA)
    flows = entrustments(assessment)
    assert list(flows) == [1]
    flow = flows[1]
    assert flow.title == "委託事項1"  # 512: the heading has no title of its own
    assert flow.evidence.line_start == 512
    assert flow.purpose == flow.information == "健康管理システムの保守・運用"  # 514 ①委託内容
    assert flow.contractors == ["行政システム九州株式会社"]  # 506 ③委託先名, value box 536
    assert flow.recipient == "行政システム九州株式会社"
    assert flow.handler_count == "10人未満"  # 547 ②取扱者数, answer box 575
    assert flow.subcontracted is True  # 524 ④再委託の有無, answer 「再委託する」 518
    assert flow.source is None and flow.file_name == "予防接種情報ファイル"
    evidence = flow.field_evidence["contractors"]
    assert "③委託先名" in evidence.quote and "行政システム九州株式会社" in evidence.quote
    assert (evidence.line_start, evidence.line_end) == (506, 536)
    # 委託の有無: 「委託する」 577, count 「1」 579 (「（」 and 「）件」 are separate boxes)
    assert assessment.facts["entrustment"].value == "委託する"
    assert assessment.facts["entrustment"].normalized == "yes"
    assert assessment.facts["entrustment_count"].normalized == "1"


# -- 002 横浜市 全項目 (two files) ------------------------------------------------------------------------
FILE1, FILE2 = "予防接種対象者関係情報ファイル", "統合番号連携ファイル"


def test_yokohama_first_file() -> None:
    (assessment,) = sample(YOKOHAMA)
    flows = entrustments(assessment, FILE1)
    assert list(flows) == [1, 2, 3, 4]  # 委託事項5 (1177) is an empty slot: 「（ 4 ）件」 835
    assert flows[1].title == "委託事項1 予防接種台帳システムの運用・保守"  # 837
    assert flows[2].title == "委託事項2 予診票の印刷、封入及び搬送業務委託"  # 740
    assert flows[3].title == "委託事項3 予防接種予診票におけるパンチ委託"  # 884
    assert flows[4].title.startswith("委託事項4 新型コロナウイルス感染症対策に係る予防接種事務")  # 1054-1056
    # Page 736-844 holds one set of ⑤-⑨: 委託事項1 (委託事項2 only begins there).
    assert flows[1].contractors == ["日本コンピューター株式会社"]  # 758
    assert flows[1].subcontracted is True  # 768 [ 再委託する
    assert flows[1].subcontract_items == "サーバー、及びPC端末本体のハードウェア面の保守委託業務"  # 736
    assert flows[1].purpose is not None and flows[1].purpose.startswith("予防接種台帳システムの管理及び保守点検")
    assert flows[1].methods == ["その他"]  # 772 [ ○ ] その他 （ サーバー室内における… ）
    assert flows[1].other_methods == ["サーバー室内におけるシステムの直接操作"]
    assert flows[1].subject_count == "100万人以上1,000万人未満"  # 816
    assert flows[1].subject_scope == "予防接種法に基づく予防接種の対象者"  # 805-808
    # Page 848-974: 委託事項2 continues (its ⑤-⑨), 委託事項3 begins (884, ① 886).
    assert flows[2].contractors == ["日本通信紙株式会社", "トッパン・フォームズ株式会社"]  # 904, one cell
    assert flows[2].subcontracted is True  # 914
    assert flows[2].subcontract_items == "対象者データファイルを用いた宛名情報の印刷を除く、軽微な書類の印刷"  # 882
    assert flows[2].purpose is not None and flows[2].purpose.startswith("予防接種対象者への予診票の印刷")  # 971
    assert flows[3].purpose == "予防接種予診票からデータを入力し、CSVデータ及び予診票の画像データを作成する。"  # 886
    assert flows[4].purpose is not None and "ワクチン接種記録システム(VRS)" in flows[4].purpose  # 1058
    # Page 978-1098 holds two sets of ④-⑨ (委託事項3's tail, 委託事項4): paired by position, warned.
    assert {c for n in (3, 4) for c in flows[n].contractors} == {
        "株式会社ミラボ", "株式会社横浜電算", "株式会社システム情報センター"}  # 986, 1071
    assert flows[3].subcontracted is False and flows[4].subcontracted is False  # 996, 1081
    assert warned(assessment, "several 委託事項 share this page", "委託先名", line=978)
    for flow in flows.values():
        assert flow.handler_count == "10人以上50人未満"  # 797, 941, 1019
        assert flow.carries_personal_number is True  # ② 取扱いを委託する特定個人情報ファイルの範囲 answered
        assert flow.file_name == FILE1
    assert assessment.facts[f"entrustment[{FILE1}]"].value == "委託する"  # 842
    assert assessment.facts[f"entrustment_count[{FILE1}]"].normalized == "4"  # 835


def test_yokohama_second_file() -> None:
    (assessment,) = sample(YOKOHAMA)
    flows = entrustments(assessment, FILE2)
    assert list(flows) == [1, 2, 3]  # count 「3」 1664; 委託事項4/5 (1982, 2019) are empty slots
    assert flows[1].title == "委託事項1 運用保守業務委託"  # 1666
    assert flows[1].contractors == ["日本ソフトウェアマネジメント株式会社"]  # 1731
    assert flows[1].subcontract_items == "システム運用保守支援業務"  # 1722
    assert flows[2].contractors == ["株式会社SH-Net"]  # 1859
    assert flows[2].subcontract_items == "オペレーション支援業務"  # 1845
    assert flows[3].contractors == ["未定"]  # 1957: kept as printed, warned
    assert flows[3].subcontract_items == "データ保管支援業務"  # 1997
    assert all(flow.subcontracted is True for flow in flows.values())  # 1733, 1865, 1986
    assert warned(assessment, "委託事項3", "未定", line=1957)
    assert assessment.facts[f"entrustment_count[{FILE2}]"].normalized == "3"


# -- 003 栃木市 重点 (table rows) ------------------------------------------------------------------------
def test_tochigi_entrustment_table() -> None:
    (assessment,) = sample(TOCHIGI)
    flows = entrustments(assessment)
    assert list(flows) == [1]
    flow = flows[1]
    assert flow.title == "委託事項1 システム保守業務"  # 85
    assert flow.purpose == "システム保守業務"  # 86
    assert flow.handler_count == "10人以上50人未満"  # 87
    assert flow.contractors == ["(株)TKC"]  # 88
    assert flow.subcontracted is False  # 89 [再委託しない]
    assert flow.subcontract_items is None  # 91 empty
    assert flow.file_name == "予防接種ファイル"
    assert assessment.facts["entrustment"].value == "委託する"  # 84
    assert assessment.facts["entrustment_count"].normalized == "1"  # 84 (1) 件


# -- 004 高槻市 (予防接種 全項目, 住基 全項目) ---------------------------------------------------------------
def test_takatsuki_vaccination() -> None:
    assessments = {a.document_index: a for a in sample(TAKATSUKI)}
    flows = entrustments(assessments[2])
    assert list(flows) == [1, 2, 3]
    assert flows[1].title == "委託事項1 健康情報管理システム運用保守"  # 1213
    assert flows[1].purpose == "システムの運用保守"  # 1204
    assert flows[1].contractors == ["株式会社両備システムズ"]  # 1261
    assert flows[1].subcontracted is False  # 1263 [ 再委託しない
    assert flows[2].contractors == ["株式会社ミラボ"]  # 1382
    assert flows[2].purpose is not None and "ワクチン接種記録システム(VRS)" in flows[2].purpose  # 1301
    assert flows[2].other_methods == [
        "LG-WAN回線を用いた提供(VRS本体、コンビニ交付関連機能)、本人からの電子交付アプリを用いた提供"
        "(新型コロナウイルス感染症予防接種証明書電子交付機能)"]  # 1340-1343
    assert flows[3].contractors == ["株式会社両備システムズ"]  # 1438
    assert flows[3].handler_count == "50人以上100人未満"  # 1444
    assert flows[3].subcontracted is True  # 1470
    assert flows[3].subcontract_items == (  # 1476-1479: three lines, three items
        "予診票(接種記録)をスキャンし画像として保存する業務\n予防接種記録証明書を発行する業務\n接種券を発行する業務")
    assert assessments[2].facts["entrustment_count"].normalized == "3"  # 「3」 1211


def test_takatsuki_resident_register() -> None:
    assessment = {a.document_index: a for a in sample(TAKATSUKI)}[5]
    flows = entrustments(assessment, "住民基本台帳ファイル")
    assert list(flows) == [1, 2, 3]
    assert flows[1].title == "委託事項1 システムの運用保守業務(庁内全体の電算運用の一部)"  # 6317
    assert {c for f in flows.values() for c in f.contractors} == {
        "株式会社 日立製作所 関西支社", "株式会社 日立システムズ 関西支社",
        "株式会社 日本ビジネスデータープロセシングセンター"}  # 6269, 6394, 6447
    assert flows[3].contractors == ["株式会社 日本ビジネスデータープロセシングセンター"]
    assert flows[3].purpose == "コンビニ交付システムの開発・保守・運用業務"  # 6428
    assert all(f.subcontracted is False for f in flows.values())  # 6271, 6383, 6453
    # The other two files do not entrust (6943 「[ 委託しない ]」, 7353).
    assert assessment.facts["entrustment[本人確認情報ファイル]"].normalized == "no"
    assert assessment.facts["entrustment[送付先情報ファイル]"].normalized == "no"
    assert not [f for f in assessment.flows if f.kind == "Entrustment" and f.file_name != "住民基本台帳ファイル"]


def test_change_log_and_basic_assessment_have_no_entrustment() -> None:
    assert all(not a.flows for a in sample(KUMAGAYA))
    basic = {a.document_index: a for a in sample(TAKATSUKI)}[4]
    assert not [f for f in basic.flows if f.kind == "Entrustment"]


def test_facts_go_on_the_file_when_the_files_parser_made_it() -> None:
    from piagraph.parse import parse_source

    (assessment,) = parse_source(read_path(str(SAMPLES / TOCHIGI))).documents
    assert isinstance(assessment, Assessment)
    files = {f.name: f for f in assessment.files}
    if "予防接種ファイル" not in files:
        pytest.skip("the files parser did not produce 予防接種ファイル")
    assert files["予防接種ファイル"].facts["entrustment"].value == "委託する"


# -- order of text boxes ------------------------------------------------------------------------------
def contractor_sets(assessments: tuple[Assessment, ...]) -> list[set[str]]:
    return [{c for f in a.flows if f.kind == "Entrustment" for c in f.contractors} for a in assessments]


@pytest.mark.parametrize("name", [IIZUKA, YOKOHAMA, TOCHIGI, TAKATSUKI])
def test_contractors_do_not_depend_on_box_order(name: str) -> None:
    expected = contractor_sets(sample(name))
    assert any(expected)
    for seed in seeds(name):
        assert contractor_sets(permuted_sample(name, seed)) == expected, f"seed {seed}"
