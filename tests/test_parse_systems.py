"""Ⅰ2 systems read from the samples, value by value, and the ③ attribution rules on small texts."""

from __future__ import annotations

from piagraph.model import Assessment
from piagraph.parse.doctext import DocText
from piagraph.parse.systems import parse_systems
from piagraph.read.source import DocumentSpan, SourceText
from tests.test_parse_permutation import assessments


def test_yokohama_prints_the_vrs_twice_as_two_slots(parsed_samples):
    (a,) = assessments(parsed_samples["yokohama"])
    vrs = [s for s in a.systems if s.name == "ワクチン接種記録システム(VRS)"]
    # 002 l.259/261 「システム7 ①システムの名称 ワクチン接種記録システム（VRS）」 and l.283/285 「システム8 …」: two
    # numbered slots of the form on two pages with the same name and function, not repeated page furniture.
    assert [(s.number, s.evidence.line_start) for s in vrs] == [(7, 261), (8, 285)]
    assert all(s.function.startswith("・令和6年3月31日以前の接種記録の管理") for s in vrs)  # l.265, l.289
    assert [s.number for s in a.systems] == [1, 2, 3, 4, 5, 6, 7, 8]


def test_iizuka_connections_only_where_the_text_says_whose(parsed_samples):
    (a,) = assessments(parsed_samples["iizuka"])
    karte, micjet, middle = a.systems
    # l.153-206: システム3 中間サーバー is alone on its page: l.192 「[ ○ ] 情報提供ネットワークシステム」, l.194
    # 「[ ○ ] 宛名システム等」.
    assert middle.connections == ["情報提供ネットワークシステム", "宛名システム等"]
    # l.48-149: システム1 and システム2 share a page with two copies of every box, one checked (l.67) and one
    # not (l.85): whose is which the text does not say.
    assert karte.connections == [] and micjet.connections == []
    shared = [w.message for w in a.warnings if "2 systems share the page" in w.message]
    assert len(shared) == 2 and "情報提供ネットワークシステム" in shared[0]
    # Their function lists (l.89 「1．宛名管理機能」, l.128 「1．予防接種情報入力」) are boxes of their own on that
    # page; neither is next to a ② label, so neither is given (the nearest-list rule swapped them).
    assert karte.function is None and micjet.function is None
    assert middle.function.startswith("1.符号管理機能")  # l.157-159


def test_takatsuki_names_apart_from_their_label_and_printed_numbers(parsed_samples):
    docs = assessments(parsed_samples["takatsuki"])
    basic, jyuki = docs[1], docs[2]
    # 004 l.4860-4862 (基礎): 「③システムの名称」 then one list 「既存住民基本台帳システム、…コンビニ交付システム」.
    assert [(s.name, s.evidence.line_start) for s in basic.systems] == [
        ("既存住民基本台帳システム", 4861), ("住民基本台帳ネットワークシステム", 4861), ("中間サーバ", 4861),
        ("団体内統合宛名システム", 4861), ("コンビニ交付システム", 4862),
    ]
    # l.5407-5411: 「システム2」, 「①システムの名称」 alone, then the name in the next box.
    # l.5468/5470 「システム4 … 団体内統合宛名システム」 is printed before l.5495/5497 「システム3 … 中間サーバ」.
    assert [(s.number, s.name, s.evidence.line_start) for s in jyuki.systems] == [
        (1, "既存住民基本台帳システム(以下「既存住基システム」という。)", 5367),
        (2, "住民基本台帳ネットワークシステム", 5411),
        (4, "団体内統合宛名システム", 5470),
        (3, "中間サーバ", 5497),
        (5, "コンビニ交付システム", 5598),
    ]
    assert jyuki.systems[1].function.startswith("1.本人確認情報の更新")  # l.5419


# -- small texts -------------------------------------------------------------------------------------

def _parse(lines: list[str]) -> Assessment:
    source = SourceText("synthetic.txt", lines, "utf-8", "pdf-text")
    doc = DocText(DocumentSpan(source, 0, 1, len(lines), "assessment"))
    assessment = Assessment("synthetic.txt", 0, 1, len(lines))
    parse_systems(doc, assessment)
    assessment.warnings.extend(doc.warnings)
    return assessment


def _page(second: str) -> list[str]:
    return [
        " システム1", "", " ①システムの名称 健康管理システム", "", " ③他のシステムとの接続", "",
        "[ ○ ] 情報提供ネットワークシステム", "", "[ ] 税務システム", "",
        " システム2", "", " ①システムの名称 宛名システム", "", " ③他のシステムとの接続", "",
        second, "", "[ ] 税務システム",
    ]


def test_a_box_checked_in_every_list_of_the_page_is_every_systems():
    a = _parse(_page("[ ○ ] 情報提供ネットワークシステム"))
    assert [s.connections for s in a.systems] == [["情報提供ネットワークシステム"]] * 2
    assert not any("share the page" in w.message for w in a.warnings)


def test_a_box_checked_in_one_list_only_is_nobodys_and_warned():
    a = _parse(_page("[ ] 情報提供ネットワークシステム"))
    assert [s.connections for s in a.systems] == [[], []]
    assert sum("情報提供ネットワークシステム not attributable" in w.message for w in a.warnings) == 2


def test_a_box_in_the_names_text_box_is_that_systems():
    lines = [
        " ①システムの名称 健康管理システム", "[ ○ ] 庁内連携システム", "",
        " ①システムの名称 宛名システム", "", "[ ○ ] 住民基本台帳ネットワークシステム",
    ]
    a = _parse(lines)
    assert a.systems[0].connections == ["庁内連携システム"]
    assert a.systems[1].connections == []  # l.6 shares no box with a name, and two systems share the page


def test_a_name_box_printed_away_from_its_label_is_found_on_its_page():
    lines = [
        " システム1", "", " ①システムの名称", "", " ②システムの機能", "",
        "・対象者の管理", "", "住民基本台帳ネットワークシステム",
    ]
    a = _parse(lines)
    assert [(s.name, s.evidence.line_start) for s in a.systems] == [("住民基本台帳ネットワークシステム", 9)]
    assert any("printed apart from its label" in w.message for w in a.warnings)


def test_more_name_boxes_than_empty_labels_are_not_guessed():
    lines = [" ①システムの名称", "", "中間サーバー", "", "・対象者の管理", "", "宛名システム"]
    # l.3 is the box right after the label: the extractor's usual place for a value, taken.
    assert [s.name for s in _parse(lines).systems] == ["中間サーバー"]
    lines = [" ①システムの名称", "", "・対象者の管理", "", "中間サーバー", "", "宛名システム"]
    a = _parse(lines)
    assert a.systems == [] and any("none taken" in w.message for w in a.warnings)
