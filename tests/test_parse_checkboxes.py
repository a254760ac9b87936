"""Checkbox labels: a label printed in full beats a longer label it is the start of (the 個人番号 bug),
while a long label cut by a line wrap is still recognised."""

from __future__ import annotations

import pytest

from piagraph.parse.checkboxes import CONNECTION_LABELS, METHOD_LABELS, read_checkboxes
from piagraph.parse.files import CATEGORY_LABELS


@pytest.mark.parametrize(("text", "checked", "unchecked"), [
    # 004 l.6698 「[ ○ ] 個人番号」: 個人番号, not 個人番号対応符号 (whose first 4 characters it also starts).
    ("[ ○ ] 個人番号", ["個人番号"], []),
    ("[ ○ ] 個人番号 [ ] 個人番号対応符号", ["個人番号"], ["個人番号対応符号"]),
    ("[ ] 個人番号 [ ○ ] 個人番号対応符号", ["個人番号対応符号"], ["個人番号"]),
    # A line wrap cut the label: it follows 個人番号対応符号 further than 個人番号.
    ("[ ○ ] 個人番号対応", ["個人番号対応符号"], []),
    # ... and その他住民票関係情報 further than その他.
    ("[ ○ ] その他住民票関", ["その他住民票関係情報"], []),
])
def test_category_labels(text: str, checked: list[str], unchecked: list[str]) -> None:
    result = read_checkboxes([text], CATEGORY_LABELS)
    assert (result.checked, result.unchecked) == (checked, unchecked)


def test_a_label_spelled_a_little_differently_at_its_end() -> None:
    result = read_checkboxes(["[ ○ ] 電子記録媒体（フラッシュメモリを除く）"], METHOD_LABELS)
    assert result.checked == ["電子記録媒体(フラッシュメモリを除く。)"]


def test_marks_and_other_text() -> None:
    result = read_checkboxes(["[ ○ ] その他 （ 中間サーバー ）", "] 庁内連携システム", "[ ] 税務システム"],
                             CONNECTION_LABELS)
    assert result.checked == ["その他"] and result.other_text == ["中間サーバー"]
    assert result.undetermined == ["庁内連携システム"] and result.unchecked == ["税務システム"]


def test_results_do_not_leak_between_calls() -> None:
    """The per-text reading is cached: the lists handed out must be fresh each time."""
    first = read_checkboxes(["[ ○ ] 紙"], METHOD_LABELS)
    first.checked.append("専用線")
    assert read_checkboxes(["[ ○ ] 紙"], METHOD_LABELS).checked == ["紙"]
