"""変更箇所 rows read from the samples, value by value; item paths; categories; block permutation.

Expected values were read by eye from the sample texts (line numbers are the files' own).
"""

from __future__ import annotations

import datetime as dt

import pytest

from piagraph.analyse.change_kinds import classify_change
from piagraph.model import Assessment, Change, Evidence
from piagraph.normalize.item_paths import normalize_item_path
from piagraph.parse.changes import parse_changes
from piagraph.parse.doctext import DocText
from piagraph.read import read_path, split_documents
from tests.conftest import sample_path
from tests.permute import permute_blocks

D = dt.date


def changes_of(path: str) -> list[Assessment]:
    """Only the change parser, on every assessment of a file (fast: no other section parser)."""
    out = []
    for span in split_documents(read_path(path)):
        if span.family not in ("assessment", "changelog"):
            continue
        assessment = Assessment(span.source.path, span.index, span.line_start, span.line_end)
        assessment.change_log_only = span.family == "changelog"
        doc = DocText(span)
        parse_changes(doc, assessment)
        assessment.warnings.extend(doc.warnings)
        out.append(assessment)
    return out


@pytest.fixture(scope="module")
def kumagaya() -> Assessment:
    (log,) = changes_of(str(sample_path("kumagaya")))
    return log


@pytest.fixture(scope="module")
def iizuka() -> Assessment:
    (a,) = changes_of(str(sample_path("iizuka")))
    return a


def by_start(a: Assessment) -> dict[int, Change]:
    return {c.evidence.line_start: c for c in a.changes}


# -- item paths -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "path"), [
    ("Ⅱ特定個人情報ファイルの概要 5.特定個人情報の提供・移転(委託に伴うものを除く。) 提供先1", "II-5/提供先1"),
    ("Ⅱ-5 提供先1", "II-5/提供先1"),
    ("Ⅱ－５　提供先１", "II-5/提供先1"),
    ("I 基本情報 5. 情報提供ネットワークシステムによる情報連携※ ②法令上の根拠", "I-5/②法令上の根拠"),
    ("Ⅰ関連情報５．情報提供ネットワークシステムによる情報連携②法令上の根拠", "I-5/②法令上の根拠"),
    ("III リスク対策 ※(7. ②を除く。) 2. 特定個人情報の入手(情報提供ネットワークシステムを通じた入手を除く。) "
     "リスク1:目的外の入手が行われるリスク", "III-2/リスク1:目的外の入手が行われるリスク"),
    ("IIIリスク対策 10. その他のリスク対策", "III-10"),
    ("１．特定個人情報ファイルを取り扱う事務　②事務の概要", "I-1/②事務の概要"),  # part inferred from the title
    ("I 基本情報 ①特定個人情報ファイルを取り扱う事務 ②事務の内容", "I-1/②事務の内容"),
    ("II 特定個人情報ファイルの概要 3. 特定個人情報の入手・使用 (②)入手方法", "II-3/②入手方法"),
    ("2．特定個人情報ファイルを取り扱う事務においてしようするシステムシステム4", "I-2/システム4"),
    ("ⅣⅤ開示請求、問合せ・評価実施手続2.特定個人情報ファイルの取扱いに関する問合せ①連絡先", "IV-2/①連絡先"),
    ("Ⅱ特定個人情報ファイルの概要（１）住民基本台帳ファイル５．特定個人情報の提供・移転", "II-5"),
    ("(別添1) 特定個人情報ファイル記録項目 2. 新型コロナ", "別添1"),
    ("同上", ""),
])
def test_normalize_item_path(text: str, path: str) -> None:
    assert normalize_item_path(text) == path


def test_table_and_pdf_forms_of_one_field_compare_equal() -> None:
    table = "II 特定個人情報ファイルの概要 3. 特定個人情報の入手・使用 ⑤使用方法 情報の突合"
    pdf = "Ⅱ特定個人情報ファイルの概要3.特定個人情報の入手・使用⑤使用方法情報の突合"
    assert normalize_item_path(table) == normalize_item_path(pdf) == "II-3/⑤使用方法情報の突合"


# -- categories -------------------------------------------------------------------------------

def _change(item: str, before: str, after: str) -> Change:
    return Change(Evidence("x", 1, 1, ""), item=item, item_path=normalize_item_path(item), before=before, after=after)


@pytest.mark.parametrize(("item", "before", "after", "category"), [
    ("Ⅰ基本情報 2.システム システム4", "ワクチン接種記録システム(VRS)", "削除", "system-removed"),
    ("Ⅰ基本情報 2.システム システム6", "", "ガバメントクラウド", "system-added"),
    ("Ⅱ-5 提供先1", "市町村長", "(削除)", "recipient-removed"),
    ("Ⅱ-5 移転先3", "記載なし", "健康づくり推進課", "recipient-added"),
    ("I 基本情報 4. 個人番号の利用 法令上の根拠", "番号利用法第19条第5号", "番号利用法第19条第6号", "legal-basis-rewording"),
    ("Ⅲ リスク対策 6.", "番号法第16条に基づき", "番号利用法第16条に基づき", "legal-basis-rewording"),
    ("Ⅱ-4 委託事項1 ⑥委託先名", "株式会社A", "株式会社B", "contractor-change"),
    ("Ⅱ-2 基本情報 ⑥事務担当部署", "市民協働部 健幸保健課", "市民協働部 感染症対策室", "contact-change"),
    ("Ⅳ-2 特定個人情報ファイルの取扱いに関する問合せ", "電話 0948-22-0380", "電話 0948-96-8615", "contact-change"),
    ("Ⅱ-3 ⑤使用方法", "当市区町村", "当市", "other"),
])
def test_classify_change(item: str, before: str, after: str, category: str) -> None:
    assert classify_change(_change(item, before, after)) == category


# -- 001 熊谷市: a stand-alone change log in table rows -------------------------------------------

def test_kumagaya_municipality(kumagaya: Assessment) -> None:
    fact = kumagaya.facts["municipality"]
    assert fact.value == "熊谷市"
    assert fact.evidence.line_start == 13 and "<熊谷市における措置>" in fact.evidence.quote


def test_kumagaya_rows_and_merged_continuations(kumagaya: Assessment) -> None:
    # Data rows of the table (continuation rows 7, 14, 18, 20, 23, 28, 30, 34, 47, 51, 53, 56, 131 and
    # 140 are merged into the row above; header rows 5, 11, 17 … are skipped).
    starts = [6, 8, 9, 12, 13, 15, 19, 24, 25, 29, 33, 35, 36, 39, 40, 41, 42, 43, 46, 48, 52, 57, 58, 61,
              62, 63, 64, 67, 68, 69, 70, 71, 72, 75, 76, 77, 78, 81, 82, 83, 84, 85, 86, 89, 90, 91, 92,
              93, 94, 95, 96, 97, 98, 99, 102, 103, 104, 105, 106, 107, 110, 111, 112, 113, 114, 117, 118,
              119, 120, 121, 122, 125, 126, 127, 128, 132, 133, 134, 135, 136, 139, 141, 142, 143, 146]
    assert [c.evidence.line_start for c in kumagaya.changes] == starts
    spans = {c.evidence.line_start: c.evidence.line_end for c in kumagaya.changes
             if c.evidence.line_end != c.evidence.line_start}
    assert spans == {6: 7, 13: 14, 15: 18, 19: 23, 25: 28, 29: 30, 33: 34, 46: 47, 48: 51, 52: 56,
                     128: 131, 139: 140}
    for change in kumagaya.changes:
        for text in (change.before, change.after):
            assert "下段に続く" not in text and "上段からの続き" not in text
    assert not [w for w in kumagaya.warnings if "変更箇所" in w.message]


def test_kumagaya_first_row(kumagaya: Assessment) -> None:
    first = kumagaya.changes[0]
    assert first.changed_on == D(2021, 10, 20) and first.changed_on_raw == "令和3年10月20日"
    assert first.item == "I 基本情報 5. 情報提供ネットワークシステムによる情報連携※ ②法令上の根拠"
    assert first.item_path == "I-5/②法令上の根拠"
    assert "1. 番号利用法第19条第7号" in first.before
    assert "2. 行政手続における特定の個人を識別するための番号の利用等に関する法律別表第二の主務省令" in first.before
    assert "1. 番号利用法第19条第8号" in first.after and "別表第二省令第12条の2" in first.after
    assert first.timing == "事後"  # printed on the continuation row 7
    assert first.explanation == "番号法の改正に伴う号ズレによる変更"
    assert first.category == "legal-basis-rewording"


def test_kumagaya_2021_10_20_rows_are_ex_post(kumagaya: Assessment) -> None:
    rows = [c for c in kumagaya.changes if c.changed_on == D(2021, 10, 20)]
    assert [c.evidence.line_start for c in rows] == [6, 8, 9, 12, 13, 15, 19, 24, 25, 29, 33]
    assert {c.timing for c in rows} == {"事後"}
    assert rows[1].explanation == "当市区町村→当市 に修正するもの。"


def test_kumagaya_vrs_recipient_removed(kumagaya: Assessment) -> None:
    rows = by_start(kumagaya)
    removed = rows[94]
    assert removed.changed_on == D(2024, 4, 1)
    assert removed.item_path == "II-5/提供先1"
    assert (removed.before, removed.after, removed.timing) == ("市町村長", "(削除)", "事後")
    assert removed.category == "recipient-removed"
    assert rows[102].before == "[○]その他(ワクチン接種記録システム(VRS))"
    assert rows[102].category == "recipient-removed"
    assert rows[86].category == "system-removed"  # システム5 (VRS) functions deleted


def test_kumagaya_legal_basis_rewording(kumagaya: Assessment) -> None:
    rows = by_start(kumagaya)
    renumbered = rows[36]  # 第19条第5号 → 第6号 (委託先への提供)
    assert "番号利用法第19条第5号(委託先への提供)" in renumbered.before
    assert "番号利用法第19条第6号(委託先への提供)" in renumbered.after
    assert renumbered.category == "legal-basis-rewording"
    assert rows[132].before == "番号法別表第2の16の3の項"
    assert rows[132].after == "番号利用法第19条第8号及び別表の14の項"
    assert rows[132].category == "legal-basis-rewording"
    assert rows[133].category == "legal-basis-rewording"  # 番号法第16条 → 番号利用法第16条


def test_kumagaya_irregular_rows(kumagaya: Assessment) -> None:
    rows = by_start(kumagaya)
    # 変更日 and 項目 printed in one cell.
    joined = rows[46]
    assert joined.changed_on == D(2021, 12, 8)
    assert joined.item == "II 特定個人情報ファイルの概要 6. 特定個人情報の保管・消去 保管場所 ※"
    assert joined.item_path == "II-6/保管場所" and joined.timing == "事前"
    # 提出時期 printed in the 説明 column.
    assert rows[77].timing == "事前" and rows[77].explanation is None
    # 「同上」 rows continuing the row above: merged into it.
    assert rows[128].after == "番号利用法第19条第8号(特定個人情報の提供の制限)及び別表の14の項"
    assert "(別表第二主務省令における情報照会の根拠)" in rows[128].before
    assert rows[139].before == "" and "(2)地方公共団体が委託したASP" in rows[139].after
    # A continuation row that only has an after text (「(上段からの続き、追加文)」).
    assert "(新型コロナウイルス感染症予防接種証明書電子交付機能)" in rows[52].after
    assert rows[143].before == "令和3年5月10日" and rows[143].after == "令和6年6月14日"
    assert rows[146].changed_on == D(2024, 11, 19)


# -- 000 飯塚市: PDF text, cells scattered -----------------------------------------------------------

def test_iizuka_vrs_recipient_removal(iizuka: Assessment) -> None:
    row = by_start(iizuka)[1533]
    assert row.item == "Ⅱ特定個人情報ファイルの概要5.特定個人情報の提供・移転(委託に伴うものを除く)提供先3"
    assert row.item_path == "II-5/提供先3"
    assert row.changed_on == D(2024, 9, 30) and row.changed_on_raw == "令和6年9月30日"
    assert (row.after, row.timing) == ("削除", "事後")
    assert row.category == "recipient-removed"
    assert (row.evidence.line_start, row.evidence.line_end) == (1533, 1536)


def test_iizuka_pages_with_one_date(iizuka: Assessment) -> None:
    # Lines 1533-1867: every 変更日 printed on these pages is 令和6年9月30日, every marker 事後.
    rows = [c for c in iizuka.changes if 1533 <= c.evidence.line_start <= 1867]
    assert [c.item_path for c in rows] == [
        "II-5/提供先3", "II-2", "II-7", "II-6", "別添1",
        "III-3/その他の措置の内容", "III-3/ユーザー認証の管理具体的な管理方法",
        "III-2/特定個人情報の入手におけるその他のリスク及びそのリスクに対する措置", "III-2/リスクに対する措置の内容",
        "III-5", "III-3/特定個人情報の使用におけるその他のリスク及びそのリスクに対する措置", "III-4/その他の措置の内容",
    ]
    assert {c.changed_on for c in rows} == {D(2024, 9, 30)} and {c.timing for c in rows} == {"事後"}
    # On the first two pages every marker reads 「削除 事後」; on the third they differ.
    assert [c.after for c in rows] == ["削除"] * 9 + [""] * 3


def test_iizuka_mixed_date_pages_leave_dates_open(iizuka: Assessment) -> None:
    rows = by_start(iizuka)
    system = rows[1492]
    assert system.item_path == "I-2/システム4" and system.changed_on is None
    messages = [w.message for w in iizuka.warnings if w.line == 1321]
    assert any("without a 変更日" in m and "令和6年9月30日" in m and "令和5年2月6日" in m for m in messages)
    first_page = [c.item_path for c in iizuka.changes if c.evidence.line_start < 1530]
    assert first_page == ["II-2/⑥事務担当部署", "I-1/②事務の概要", "I-1/②事務の概要", "I-4/法令上の根拠", "IV-2",
                          "II-2/⑥事務担当部署", "I-6", "IV-2/①連絡先", "II-3/④使用の主体",
                          "7/②過去3年間以内に、評価実施機関において、個人情報に関する重大事故が発生したか",
                          "I-2/システム4"]
    # Lines 1871-2064 mix 令和6年9月30日 and 令和6年12月13日; all markers say 事後.
    later = [c for c in iizuka.changes if 1871 <= c.evidence.line_start <= 2064]
    assert len(later) == 8 and {c.changed_on for c in later} == {None} and {c.timing for c in later} == {"事後"}
    legal = [c.item_path for c in later if c.category == "legal-basis-rewording"]
    assert legal == ["II-5/提供先1/①法令上の根拠", "II-5/提供先2/①法令上の根拠", "I-4/法令上の根拠", "I-5/②法令上の根拠"]


# -- 002 横浜市 and 004 高槻市 ----------------------------------------------------------------------

def test_yokohama_rows_with_their_dates() -> None:
    (a,) = changes_of(str(sample_path("yokohama")))
    reference = "「(別紙)全項目評価書の変更箇所」のとおり"
    assert [(c.changed_on, c.evidence.line_start) for c in a.changes] == [
        (D(2024, 4, 30), 4911), (D(2021, 6, 15), 4917), (D(2022, 6, 28), 4923), (D(2023, 8, 4), 4934),
        (D(2019, 1, 28), 4943), (D(2019, 5, 24), 4949),
    ]
    for change in a.changes:
        assert (change.item, change.before, change.after, change.timing) == (reference, reference, reference, "事後")
    # The undated row at 4929 and the truncated last row (令和1年11月26日 alone) are reported.
    assert any(w.line == 4929 for w in a.warnings)
    assert any("7 事前/事後 markers" in w.message for w in a.warnings)


def test_takatsuki_rows_printed_on_one_line() -> None:
    docs = {a.document_index: a for a in changes_of(str(sample_path("takatsuki")))}
    basic = by_start(docs[4])  # 住基 基礎項目評価書: しきい値判断項目 rows
    assert (basic[5202].item_path, basic[5202].before, basic[5202].after, basic[5202].timing) == (
        "II-1", "令和2年12月31日", "令和3年12月31日", "事後")
    assert basic[5205].item == "Ⅱしきい値判断項目2.取扱者数"
    full = by_start(docs[5])  # 住基 全項目評価書
    row = full[9715]
    assert (row.changed_on, row.item, row.before, row.after, row.timing, row.explanation) == (
        D(2019, 2, 5), "別紙1", "提供先55、56、57", "削除", "事後", "提供先の誤記載")
    assert (full[10507].item, full[10507].before, full[10507].after, full[10507].explanation) == (
        "全般", "市民生活部市民課", "市民生活環境部市民課", "所管課名変更のため")
    assert full[10503].changed_on == D(2020, 2, 20)
    vaccination = by_start(docs[2])
    assert vaccination[3083].item_path == "I-2/システム3"


def test_tochigi_form_rows_are_not_changes() -> None:
    # 003 is tab rows too, but its label/value rows are the form itself; it has no 変更箇所 rows.
    (a,) = changes_of(str(sample_path("tochigi")))
    assert a.changes == [] and not a.warnings


# -- block permutation --------------------------------------------------------------------------

def _facts(assessments: list[Assessment]) -> list[tuple]:
    rows = [(c.item_path, c.item, c.changed_on, c.timing, c.before, c.after, c.explanation, c.category)
            for a in assessments for c in a.changes]
    return sorted(rows, key=repr)


@pytest.mark.parametrize("key", ["iizuka", "yokohama"])
@pytest.mark.parametrize("seed", [1, 7, 23])
def test_changes_stable_under_block_permutation(tmp_path, key: str, seed: int) -> None:
    source = sample_path(key)
    expected = _facts(changes_of(str(source)))
    permuted = tmp_path / source.name
    permuted.write_text(permute_blocks(source.read_text(encoding="utf-8"), seed), encoding="utf-8")
    assert _facts(changes_of(str(permuted))) == expected
