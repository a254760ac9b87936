"""The crosswalk against the samples' own change logs (変更箇所), and the in-force rules."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from piagraph.normalize.citations import Citation, citation_from_path, parse_citations
from piagraph.normalize.crosswalk import (
    CROSSWALK_CSV,
    current_provision,
    history,
    in_force,
    load_crosswalk,
    same_provision,
)
from tests.conftest import SAMPLES, sample_path


def lines(key: str, first: int, last: int) -> str:
    return "\n".join(sample_path(key).read_text(encoding="utf-8").split("\n")[first - 1 : last])


def cell(key: str, line: int, column: int) -> str:
    return sample_path(key).read_text(encoding="utf-8").split("\n")[line - 1].split("\t")[column]


def one(text: str) -> Citation:
    cits = parse_citations(text)
    assert len(cits) == 1, cits
    return cits[0]


# -- the data --------------------------------------------------------------------------------


def test_csv_columns_and_rows_are_well_formed():
    with CROSSWALK_CSV.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == [
            "old_path",
            "old_citation",
            "new_path",
            "new_citation",
            "effective_from",
            "abolished_old_on",
            "source_note",
        ]
    rows = load_crosswalk()
    assert len(rows) >= 25
    for row in rows:
        assert row.source_note.strip()
        for path, text in ((row.old_path, row.old_citation), (row.new_path, row.new_citation)):
            if path:
                c = citation_from_path(path)
                assert c.path == path and path.isascii()
                assert c.normalized == text  # the printed column agrees with the path
                if "/" in path:  # a provision (a bare law name is not a citation)
                    assert one(text).path == path  # the parser reads the column back to the path
        if row.abolished_old_on:
            assert row.abolished_old_on >= row.effective_from


def test_sources_name_a_sample_and_inferences_are_marked():
    samples = tuple(SAMPLES.values())
    for row in load_crosswalk():
        if row.verified and row.new_path and row.old_path:
            assert any(name in row.source_note for name in samples), row
    unverified = {(r.old_path, r.new_path) for r in load_crosswalk() if not r.verified}
    assert ("H25HO027/art19/item8", "H25HO027/art19/item9") in unverified
    assert ("H25HO027/table2/row17", "R06DAMIC009/art2/table/row27") in unverified
    verified = {(r.old_path, r.new_path) for r in load_crosswalk() if r.verified}
    assert {
        ("H25HO027/art19/item5", "H25HO027/art19/item6"),
        ("H25HO027/art19/item7", "H25HO027/art19/item8"),
        ("H25HO027/art19/item15", "H25HO027/art19/item16"),
        ("H25HO027/table1/row10", "H25HO027/table/row14"),
        ("H25HO027/table2/row16-2", "R06DAMIC009/art2/table/row25"),
        ("H25HO027/table2/row16-3", "R06DAMIC009/art2/table/row26"),
    } <= verified


# -- pairs read from the change logs ----------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "before", "after"),
    [
        # 飯塚市 変更箇所 提供先1 / 提供先2: 別表第二 16の2 / 16の3 -> 主務省令第2条の表25 / 26
        ("iizuka", (1903, 1903), (1904, 1905)),
        ("iizuka", (1916, 1916), (1917, 1918)),
        # 飯塚市 変更箇所 Ⅰ4: 別表第一　第10項 -> 別表14の項
        ("iizuka", (1929, 1929), (1939, 1939)),
    ],
)
def test_iizuka_change_log_pairs(key, before, after):
    old = [c for c in parse_citations(lines(key, *before)) if c.row][-1]
    new = [c for c in parse_citations(lines(key, *after)) if c.row][-1]
    assert old.path != new.path
    assert current_provision(old).path == new.path
    assert same_provision(old, new)
    assert in_force(old, date(2025, 1, 10)) is False  # 飯塚市's assessment is dated 令和7年1月10日
    assert in_force(new, date(2025, 1, 10)) is True


def test_kumagaya_change_log_renumbering_of_article_19():
    # 001 L6, 令和3年10月20日 「号ズレ」: 番号利用法第19条第7号 -> 第8号
    old = parse_citations(cell("kumagaya", 6, 2))[0]
    new = parse_citations(cell("kumagaya", 6, 3))[0]
    assert (old.normalized, new.normalized) == ("番号法第19条第7号", "番号法第19条第8号")
    assert current_provision(old).normalized == "番号法第19条第8号"
    # the 変更前 text was written under the old numbering (before 2021-09-01)
    assert current_provision(old, cited_on=date(2021, 4, 1)).path == new.path
    # 001 L36, 令和3年12月8日 「号ズレ」: 第19条第15号 -> 第16号 (VRS), 第19条第5号 -> 第6号 (委託先)
    before = [c.path for c in parse_citations(cell("kumagaya", 36, 2)) if c.item]
    after = [c.path for c in parse_citations(cell("kumagaya", 36, 3)) if c.item]
    assert before == ["H25HO027/art19/item15", "H25HO027/art19/item5"]
    assert after == ["H25HO027/art19/item16", "H25HO027/art19/item6"]
    assert [current_provision(citation_from_path(p)).path for p in before] == after


def test_kumagaya_table1_row_to_new_table():
    # 001 L127, 令和6年6月14日: 番号利用法第9条第1項 別表第一の10の項 -> 番号利用法第9条第1項及び別表の14の項
    old = [c for c in parse_citations(cell("kumagaya", 127, 2)) if c.row]
    new = [c for c in parse_citations(cell("kumagaya", 127, 3)) if c.row]
    assert [c.path for c in old] == ["H25HO027/table1/row10"]
    assert [c.path for c in new] == ["H25HO027/table/row14"]
    assert same_provision(old[0], new[0])


# -- the brief's cases ---------------------------------------------------------------------


def test_table2_row_and_provision_order_row_are_the_same_provision():
    a = one("番号法別表第二の16の2の項")
    b = one("番号法第19条第8号に基づく利用特定個人情報の提供に関する命令第2条の表25の項")
    assert current_provision(a).path == current_provision(b).path == "R06DAMIC009/art2/table/row25"
    assert current_provision(a).normalized == "提供命令第2条の表25の項"
    assert same_provision(a, b)
    assert not same_provision(a, one("番号法別表第二の16の3の項"))
    # the result keeps the printed evidence of the citation it stands for
    assert (current_provision(a).raw, current_provision(a).start) == (a.raw, a.start)


def test_article_19_item_7_becomes_item_8():
    c = one("番号法第19条第7号")
    assert current_provision(c).normalized == "番号法第19条第8号"
    assert current_provision(c).path == "H25HO027/art19/item8"


def test_shifted_items_are_not_moved_twice_nor_when_they_are_the_new_form():
    # 第5号 -> 第6号 only (not on to 第7号, which the same change gives to old 第6号)
    assert current_provision(one("番号法第19条第5号")).normalized == "番号法第19条第6号"
    # undated 第6号 / 第8号 / 第16号 read as today's numbering (the samples' usual case)
    for item in ("6", "8", "14", "16"):
        c = one(f"番号法第19条第{item}号")
        assert current_provision(c) == c
    # dated before 2021-09-01, they are the old numbering and move
    assert (
        current_provision(one("番号法第19条第8号"), cited_on=date(2020, 4, 1)).normalized
        == "番号法第19条第9号"
    )
    assert (
        current_provision(one("番号法第19条第6号"), cited_on=date(2020, 4, 1)).normalized
        == "番号法第19条第7号"
    )
    # dated after it, 第7号 is the 住基法 item it is now
    assert (
        current_provision(one("番号法第19条第7号"), cited_on=date(2022, 1, 1)).normalized
        == "番号法第19条第7号"
    )


def test_stale_forms_move_whatever_the_date():
    c = one("番号法別表第二の16の2の項")
    assert current_provision(c, cited_on=date(2025, 1, 10)).path == "R06DAMIC009/art2/table/row25"
    c = one("別表第二省令第12条の2")
    assert current_provision(c).path == "R06DAMIC009/art2/table/row25"


def test_unknown_successor_stays_as_printed():
    c = one("番号法別表第一の93の2の項")
    assert current_provision(c) == c
    assert in_force(c, date(2025, 1, 10)) is False
    assert in_force(c, date(2023, 1, 1)) is True


def test_in_force():
    row = one("番号法別表第二の16の2の項")
    assert in_force(row, date(2025, 1, 10)) is False
    assert in_force(row, date(2020, 1, 1)) is True
    table = next(c for c in parse_citations("番号法第19条第8号及び別表第二") if c.table)
    assert in_force(table, date(2025, 1, 10)) is False
    new = one("提供命令第2条の表25の項")
    assert in_force(new, date(2020, 1, 1)) is False
    assert in_force(new, date(2024, 5, 27)) is True
    assert in_force(one("番号法第19条第16号"), date(2020, 1, 1)) is False
    assert in_force(one("番号法第19条第16号"), date(2022, 1, 1)) is True
    assert in_force(one("番号法第19条第8号"), date(2020, 1, 1)) is True  # the form existed (as 条例事務)
    assert in_force(one("番号法別表14の項"), date(2023, 1, 1)) is False
    assert in_force(one("別表第二省令第13条"), date(2025, 1, 1)) is False
    # nothing known about it: None, not a guess
    assert in_force(one("番号法第9条第1項"), date(2025, 1, 1)) is None
    assert in_force(one("高槻市個人情報保護条例第10条第2項第5号"), date(2022, 1, 1)) is None


def test_same_provision_uses_the_dates():
    pre = one("番号法第19条第8号")  # as printed in 2020: 条例事務関係情報照会者, now 第9号
    post = one("番号法第19条第9号")
    assert same_provision(pre, post, a_cited_on=date(2020, 1, 1), b_cited_on=date(2025, 1, 1))
    assert not same_provision(pre, post)


def test_history_lists_the_table_change_too():
    rows = history(one("番号法別表第二の16の2の項"))
    assert [(r.old_path, r.new_path) for r in rows] == [
        ("H25HO027/table2", "R06DAMIC009/art2/table"),
        ("H25HO027/table2/row16-2", "R06DAMIC009/art2/table/row25"),
    ]


def test_every_sample_citation_resolves():
    for key in SAMPLES:
        for c in parse_citations(sample_path(key).read_text(encoding="utf-8")):
            current = current_provision(c)
            assert current.path.isascii()
            assert in_force(c, date(2025, 1, 10)) in (True, False, None)
