"""Ⅱ ファイルの概要 and the 記録項目 attachment (parse_files), value by value against the samples.

Expected values were read off the sample files by eye (line numbers in the comments)."""

from __future__ import annotations

from pathlib import Path

import pytest
from permute import permute_blocks
from test_parse_basic import S000, S002, S003, S004, parse_path, parsed, warned

from piagraph.model import PersonalInfoFile
from piagraph.normalize.text import squash


def file_of(path: Path, doc: int, name: str) -> PersonalInfoFile:
    return next(f for f in parsed(path)[doc].files if f.name == name)


def facts(file: PersonalInfoFile) -> dict[str, str]:
    return {k: (v.normalized or squash(v.value)) for k, v in file.facts.items()}


def test_000_basic_information() -> None:
    file = file_of(S000, 0, "予防接種情報ファイル")  # l.302, under 「１．特定個人情報ファイル名」 l.300
    got = facts(file)
    assert got["file_type"] == "システム用ファイル"  # l.306 「①ファイルの種類 ※ [ システム用ファイル」
    assert got["subject_count"] == "10万人以上100万人未満"  # l.308
    assert got["record_item_count"] == "10項目以上50項目未満"  # l.368
    assert got["subject_scope"] == "本市の住民基本台帳に登録のある予防接種の対象となる者"  # l.292
    assert got["department"] == "福祉部健幸保健課"  # l.288
    assert got["holding_start"] == "2021-04-01"  # l.282 令和3年4月1日
    assert file.facts["holding_start"].value == "令和3年4月1日"


def test_000_categories_are_not_guessed() -> None:
    # Every 主な記録項目 mark of this page is split from its label (「] 個人番号 ] その他識別情報…」).
    a = parsed(S000)[0]
    assert file_of(S000, 0, "予防接種情報ファイル").record_categories == []
    assert warned(a, "主な記録項目: marks not readable")


def test_000_record_items() -> None:
    file = file_of(S000, 0, "予防接種情報ファイル")
    # l.817-836; the 別添1 of the change log (l.1611) is not read.
    assert [i.name for i in file.record_items] == [
        "個人番号", "宛名番号", "住民区分", "氏名", "性別", "生年月日", "住所", "電話番号", "接種回数",
        "接種・予診日", "接種日年齢", "年度末年齢", "実施医療機関", "問診医", "ロットナンバー", "接種量", "接種医",
        "特記事項", "対象外判定"]
    assert {i.category for i in file.record_items} == {"【予防接種に関する記録項目】"}
    assert file.record_items[0].evidence.line_start == 818
    assert file_of(S000, 0, "健康管理情報ファイル").record_items == []


def test_002_two_files() -> None:
    first = facts(file_of(S002, 0, "予防接種対象者関係情報ファイル"))
    assert first["file_type"] == "システム用ファイル"  # l.602
    assert first["subject_count"] == "100万人以上1,000万人未満"  # l.619
    assert first["record_item_count"] == "10項目以上50項目未満"  # l.583
    assert first["subject_scope"] == "予防接種法に基づく予防接種の対象者"  # l.609
    assert first["department"] == "医療局健康安全部健康安全課"  # l.526
    assert first["holding_start"] == "2016-04-01"  # l.540 平成28年４月１日
    second = facts(file_of(S002, 0, "統合番号連携ファイル"))
    assert second["record_item_count"] == "10項目未満"  # l.1388
    assert second["subject_count"] == "100万人以上1,000万人未満"  # l.1420
    assert second["subject_scope"].startswith("・住民基本台帳法第5条に基づき本市住民基本台帳に記録された住民")  # l.1378
    assert second["department"] == "医療局健康安全課、各区福祉保健センター福祉保健課健康づくり係"  # l.1473-1474
    assert second["holding_start"] == "2015-10-05"  # l.1458 平成27年10月５日


def test_002_categories_checked_only() -> None:
    file = file_of(S002, 0, "予防接種対象者関係情報ファイル")
    # l.554 [ ○ ] 4情報, l.560 健康・医療関係情報, l.564 その他識別情報, l.585 その他住民票関係情報;
    # l.573 「[ ] 個人番号」 is unchecked.
    assert {c.value for c in file.record_categories} == {
        "4情報(氏名、性別、生年月日、住所)", "健康・医療関係情報", "その他識別情報(内部番号)", "その他住民票関係情報"}


def test_002_attachment_without_text() -> None:
    # 「（別添２） 特定個人情報ファイル記録項目」 (l.2800) is followed by no item text at all.
    a = parsed(S002)[0]
    assert all(f.record_items == [] for f in a.files)
    assert warned(a, "no items found in the text")


def test_003_table_layout() -> None:
    file = file_of(S003, 0, "予防接種ファイル")
    got = facts(file)
    assert got["file_type"] == "システム用ファイル"  # l.58
    assert got["subject_count"] == "10万人以上100万人未満"  # l.59
    assert got["record_item_count"] == "10項目以上50項目未満"  # l.62
    assert got["subject_scope"] == "現存の住民"  # l.60
    assert got["department"] == "健康増進課"  # l.67
    assert got["holding_start"] == "2021-03-01"  # l.66 令和3年3月1日
    # l.63: radio marks before その他識別情報(内部番号), 連絡先(電話番号等), 健康・医療関係情報
    assert [c.value for c in file.record_categories] == [
        "その他識別情報(内部番号)", "連絡先(電話番号等)", "健康・医療関係情報"]


def test_003_record_items() -> None:
    items = [(i.category, i.name) for i in file_of(S003, 0, "予防接種ファイル").record_items]
    business = [n for c, n in items if c == "【業務関係情報】"]  # l.126-128, printed 「…25.請求年月、27.…、26.備考」
    assert business == [
        "基本コード", "接種種類", "接種回数", "接種年度", "接種年月日", "予診医コード", "接種医コード", "接種会場コード",
        "医療機関コード", "接種区分", "接種不适当区分", "接種済証発行区分", "接種量", "接種部位", "接種方法", "メーカー",
        "ワクチン名", "ロットNO", "有効期限", "罹患区分", "罹患年月日", "助成区分", "助成年月日", "助成金額", "請求年月",
        "他市町村接種区分", "備考"]
    assert ("【識別情報】", "基本コード") in items and ("【連絡先情報】", "電話番号") in items  # l.118, l.122
    middle = [n for c, n in items if c and c.startswith("中間サーバーで保有される")]  # l.130-131
    assert middle == ["情報提供用個人識別符号", "団体内統合宛名番号等"]
    assert len(items) == 31


def test_004_vaccination_file() -> None:
    file = file_of(S004, 2, "予防接種情報ファイル")
    got = facts(file)
    assert got["file_type"] == "システム用ファイル"  # l.980
    assert got["subject_count"] == "10万人以上100万人未満"  # l.971
    assert got["record_item_count"] == "100項目以上"  # l.939
    assert got["subject_scope"] == "予防接種の対象者"  # l.935
    assert got["holding_start"] == "2021-06-08"  # l.1014 令和3年6月8日
    assert file.facts["department"].value.count("、") == 2  # l.1031-1033, three departments
    # l.933 「[ ○] 4情報…」, l.1016 「[ ○ ] その他 （」
    assert {c.value for c in file.record_categories} == {"4情報(氏名、性別、生年月日、住所)", "その他"}
    names = [i.name for i in file.record_items]
    by_category: dict[str | None, list[str]] = {}
    for item in file.record_items:
        by_category.setdefault(item.category, []).append(item.name)
    first, covid = by_category.values()
    assert len(first) == 121 and first[0] == "異動事由" and first[-1] == "抗体価範囲"  # l.1767-1783
    assert "生年月日" in first and "Lot.No" in first  # 「(10)生年 / 月日」 wrapped over two lines
    assert len(covid) == 15 and covid[0] == "個人番号" and covid[-1] == "証明書発行年月日(※)"  # l.1786-1788
    assert "接種回(1回目/2回目/3回目)" in covid
    assert len(names) == 136


def test_004_resident_registry_files() -> None:
    a = parsed(S004)[5]
    assert [f.name for f in a.files] == ["住民基本台帳ファイル", "本人確認情報ファイル", "送付先情報ファイル"]
    registry, identity, destination = (facts(f) for f in a.files)
    assert registry["record_item_count"] == "100項目以上"  # l.6034
    assert registry["holding_start"] == "2015-08-01"  # l.5978
    assert registry["department"] == "市民生活環境部市民課"  # l.5969
    # The second file's boxes come before its heading (l.6718) on a page shared with the first file.
    assert identity["record_item_count"] == "10項目以上50項目未満"  # l.6705 (answer l.6709)
    assert identity["holding_start"] == "2015-08-01"  # l.6665
    assert destination["record_item_count"] == "50項目以上100項目未満"  # l.7133
    assert destination["holding_start"] == "2015-10-05"  # l.7090
    # l.6698 「[ ○ ] 個人番号」 is 個人番号, not 個人番号対応符号
    assert "個人番号" in {c.value for c in a.files[1].record_categories}
    assert "個人番号対応符号" not in {c.value for c in a.files[1].record_categories}
    counts = [(len(f.record_items), f.record_items[0].name, f.record_items[-1].name) for f in a.files]
    assert counts == [(215, "世帯番号", "旧氏 外字変更連番"),  # l.7482-7515 「（１） 住民基本台帳ファイル」
                      (40, "住民票コード", "旧氏 外字変更連番"),  # l.7517-7523
                      (67, "送付先管理番号", "ローマ字 旧氏")]  # l.7525-7536; l.7537 is Ⅲ's label
    assert "30条45規定区分" in [i.name for i in a.files[0].record_items]  # 「130)３０条４５規定区分」


def test_004_basic_assessment_has_names_only() -> None:
    a = parsed(S004)[4]
    assert [f.name for f in a.files] == ["住民基本台帳ファイル", "本人確認情報ファイル", "送付先情報ファイル"]
    assert all(not f.facts and not f.record_items for f in a.files)


@pytest.mark.parametrize("path", [S000, S002, S003, S004], ids=["000", "002", "003", "004"])
@pytest.mark.parametrize("seed", [3, 11])
def test_permuted_blocks_give_the_same_files_and_items(path: Path, seed: int, tmp_path: Path) -> None:
    permuted = tmp_path / path.name
    permuted.write_text(permute_blocks(path.read_text(encoding="utf-8"), seed), encoding="utf-8")

    def sets(assessments: dict) -> dict[int, tuple[set[str], set[tuple[str, str]]]]:
        return {index: ({f.name for f in a.files}, {(f.name, i.name) for f in a.files for i in f.record_items})
                for index, a in assessments.items()}

    assert sets(parse_path(permuted)) == sets(parsed(path))
