"""The offline timeline page: lanes, marks, colours, tooltips, table; every document value escaped."""

from __future__ import annotations

import re

import pytest

from piagraph.views.timeline import (
    CATEGORY_COLOURS,
    render_timeline_html,
    render_timeline_table,
    rows_from_documents,
)
from tests.conftest import sample_path
from tests.test_parse_changes import changes_of


def row(**values: str) -> dict:
    base = {"municipality": "熊谷市", "date": "2024-04-01", "category": "recipient-removed", "item": "Ⅱ-5 提供先1",
            "before": "市町村長", "after": "(削除)", "timing": "事後", "evidence": "001.txt:94",
            "assessment": "変更箇所"}
    return base | values


@pytest.fixture(scope="module")
def kumagaya_rows() -> list[dict]:
    return rows_from_documents(changes_of(str(sample_path("kumagaya"))))


def test_page_is_self_contained_utf8() -> None:
    page = render_timeline_html([row()], "変更箇所の推移")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    # No network: no scripts, stylesheets, images or fonts fetched from anywhere.
    assert "http" not in page and "<script" not in page and "<link" not in page and "src=" not in page
    assert "<svg" in page and "<style>" in page and "<table>" in page


def test_document_values_are_escaped() -> None:
    hostile = row(item="<script>alert(1)</script>", municipality="<b>市</b>", before='"quoted" & <i>',
                  category="<img>", evidence="x.txt:1-2")
    page = render_timeline_html([hostile], "<script>title</script>")
    assert "<script" not in page and "<b>" not in page and "<img>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;title&lt;/script&gt;" in page
    assert "&lt;b&gt;市&lt;/b&gt;" in page and "&quot;quoted&quot; &amp; &lt;i&gt;" in page


def test_lanes_marks_colours_and_tooltips() -> None:
    rows = [row(), row(municipality="飯塚市", date="2024-09-30", category="system-removed", item="Ⅰ-2 システム4"),
            row(municipality="飯塚市", date="", category="other", item="日付なし")]
    page = render_timeline_html(rows, "t")
    lanes = re.findall(r'<text [^>]*class="lane">([^<]*)</text>', page)
    assert lanes == ["熊谷市", "飯塚市"]  # one lane per municipality
    marks = re.findall(r'<circle [^>]*fill="([^"]+)" class="mark"><title>([^<]*)</title>', page)
    assert [fill for fill, _ in marks] == [CATEGORY_COLOURS["recipient-removed"], CATEGORY_COLOURS["system-removed"]]
    assert "項目: Ⅱ-5 提供先1" in marks[0][1] and "変更後: (削除)" in marks[0][1] and "001.txt:94" in marks[0][1]
    assert "1 change(s) without an attributable date" in page  # the undated row is in the table only
    for category, colour in CATEGORY_COLOURS.items():  # the legend names every category with its colour
        assert f'background:{colour}"></span>{category} (' in page
    assert page.count("<tr>") == 1 + len(rows)


def test_table_rows_sorted_by_municipality_then_date() -> None:
    rows = [row(date="2024-04-01"), row(date="2021-10-20", item="a"), row(municipality="飯塚市", date="")]
    table = render_timeline_table(rows)
    assert table[0] == ["municipality", "date", "category", "item", "before", "after", "timing", "evidence",
                        "assessment"]
    assert [(r[0], r[1]) for r in table[1:]] == [("熊谷市", "2021-10-20"), ("熊谷市", "2024-04-01"), ("飯塚市", "")]


def test_kumagaya_timeline(kumagaya_rows: list[dict]) -> None:
    assert len(kumagaya_rows) == 85 and {r["municipality"] for r in kumagaya_rows} == {"熊谷市"}
    removed = [r for r in kumagaya_rows if r["evidence"].endswith(":94")]
    assert removed == [{
        "municipality": "熊谷市", "date": "2024-04-01", "category": "recipient-removed",
        "item": "II 特定個人情報ファイルの概要 5. 特定個人情報の提供・移転(委託に伴うものを除く。) 提供先1",
        "before": "市町村長", "after": "(削除)", "timing": "事後",
        "evidence": "001_b8bb4d46b8d2544c.txt:94", "assessment": "変更箇所",
    }]
    page = render_timeline_html(kumagaya_rows, "熊谷市 予防接種 変更箇所")
    assert page.count('class="mark"') == 85  # every row of this log has its date
    assert "2021</text>" in page and "2024</text>" in page
