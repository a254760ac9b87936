"""A timeline of 変更箇所 rows as one offline HTML page: one lane per municipality, one mark per change,
coloured by category, with the details in each mark's tooltip and a table below.

The page loads nothing from the network (inline CSS and SVG only), so it opens from a USB stick on an
air-gapped machine. Every value that comes from a document is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from html import escape

from piagraph.model import Assessment, Document

CATEGORY_COLOURS = {
    "system-removed": "#c0392b",
    "system-added": "#27ae60",
    "recipient-removed": "#e67e22",
    "recipient-added": "#16a085",
    "legal-basis-rewording": "#2f6fb0",
    "contractor-change": "#8e44ad",
    "contact-change": "#7f8c8d",
    "other": "#b5a642",
}
UNKNOWN_COLOUR = "#444444"
TABLE_COLUMNS = ("municipality", "date", "category", "item", "before", "after", "timing", "evidence",
                 "assessment")
_LANE_HEIGHT = 34
_STEP = 11  # distance between stacked marks of one day
_STACK = 10  # marks per column before a day's stack continues in the next column
_LEFT = 150
_RIGHT = 30
_TOP = 40
_WIDTH = 1100


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value)[:10])
    except ValueError:
        return None


def rows_from_documents(documents: Iterable[Document]) -> list[dict]:
    """Timeline rows for the changes of parsed assessments (council documents have none)."""
    rows = []
    for document in documents:
        if not isinstance(document, Assessment):
            continue
        label = document.fact("title") or document.fact("number") or (
            "変更箇所" if document.change_log_only else f"document {document.document_index}")
        for change in document.changes:
            rows.append({
                "municipality": document.municipality or "",
                "date": change.changed_on.isoformat() if change.changed_on else "",
                "category": change.category or "other",
                "item": change.item,
                "before": change.before,
                "after": change.after,
                "timing": change.timing or "",
                "evidence": f"{os.path.basename(change.evidence.source_file)}:"
                            f"{change.evidence.ref().rsplit(':', 1)[1]}",
                "assessment": label,
            })
    return rows


def render_timeline_table(rows: Sequence[dict]) -> list[list[str]]:
    """The rows as plain strings, header first, sorted by municipality then date (undated last)."""
    ordered = sorted(rows, key=lambda r: (_text(r.get("municipality")), _date(r.get("date")) is None,
                                          _text(r.get("date"))))
    return [list(TABLE_COLUMNS)] + [[_text(row.get(column)) for column in TABLE_COLUMNS] for row in ordered]


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tooltip(row: dict) -> str:
    parts = [
        f"{_text(row.get('date')) or '(日付不明)'} [{_text(row.get('category'))}] {_text(row.get('timing'))}",
        f"項目: {_short(_text(row.get('item')))}",
        f"変更前: {_short(_text(row.get('before')))}",
        f"変更後: {_short(_text(row.get('after')))}",
        f"{_text(row.get('assessment'))} {_text(row.get('evidence'))}",
    ]
    return "\n".join(parts)


def _lane(row: dict) -> str:
    return _text(row.get("municipality")) or "(不明)"


def _svg(rows: Sequence[dict]) -> str:
    lanes = sorted({_lane(r) for r in rows})
    dated = [(_date(r.get("date")), r) for r in rows]
    days = [d for d, _ in dated if d]
    # Changes of one day are stacked in columns of _STACK marks; a lane is as tall as its largest stack.
    per_day = Counter((_lane(r), d) for d, r in dated if d)
    tallest = dict.fromkeys(lanes, 1)
    for (lane, _), count in per_day.items():
        tallest[lane] = max(tallest[lane], min(count, _STACK))
    heights = {lane: _LANE_HEIGHT + _STEP * (tallest[lane] - 1) for lane in lanes}
    tops, y = {}, float(_TOP)
    for lane in lanes:
        tops[lane] = y
        y += heights[lane]
    height = int(y) + 40
    out = [f'<svg width="{_WIDTH}" height="{height}" '
           f'viewBox="0 0 {_WIDTH} {height}" role="img" aria-label="変更箇所 timeline">']
    if not days:
        out.append(f'<text x="{_LEFT}" y="{_TOP}">No dated changes.</text></svg>')
        return "".join(out)
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    plot = _WIDTH - _LEFT - _RIGHT

    def x_of(day: dt.date) -> float:
        return _LEFT + plot * (day - first).days / span

    # Year ticks, so the reader can place marks in time.
    for year in range(first.year, last.year + 2):
        tick = dt.date(year, 1, 1)
        if first <= tick <= last or year == first.year:
            x = x_of(max(tick, first))
            out.append(f'<line x1="{x:.1f}" y1="{_TOP - 12}" x2="{x:.1f}" y2="{height - 30}" class="tick"/>')
            out.append(f'<text x="{x:.1f}" y="{_TOP - 16}" class="year">{year}</text>')
    for lane in lanes:
        top = tops[lane]
        middle = top + heights[lane] / 2
        out.append(f'<text x="{_LEFT - 10}" y="{middle + 4:.1f}" class="lane">{escape(lane)}</text>')
        out.append(f'<line x1="{_LEFT}" y1="{top + heights[lane]:.1f}" x2="{_WIDTH - _RIGHT}" '
                   f'y2="{top + heights[lane]:.1f}" class="lane-line"/>')
        same_day: dict[dt.date, int] = {}
        for day, row in dated:
            if day is None or _lane(row) != lane:
                continue
            stack = same_day.get(day, 0)
            same_day[day] = stack + 1
            colour = CATEGORY_COLOURS.get(_text(row.get("category")), UNKNOWN_COLOUR)
            cx = x_of(day) + _STEP * (stack // _STACK)  # a full column continues to the right
            cy = top + _LANE_HEIGHT / 2 + _STEP * (stack % _STACK)
            out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{colour}" class="mark">'
                       f'<title>{escape(_tooltip(row))}</title></circle>')
    undated = sum(1 for d, _ in dated if d is None)
    if undated:
        out.append(f'<text x="{_LEFT}" y="{height - 10}" class="note">{undated} change(s) without an '
                   f'attributable date are listed in the table only.</text>')
    out.append("</svg>")
    return "".join(out)


def _legend(rows: Sequence[dict]) -> str:
    used = {_text(r.get("category")) for r in rows}
    items = []
    for category, colour in CATEGORY_COLOURS.items():
        count = sum(1 for r in rows if _text(r.get("category")) == category)
        items.append(f'<li><span class="swatch" style="background:{colour}"></span>{escape(category)} '
                     f'({count})</li>')
    for other in sorted(used - set(CATEGORY_COLOURS) - {""}):
        items.append(f'<li><span class="swatch" style="background:{UNKNOWN_COLOUR}"></span>{escape(other)}</li>')
    return '<ul class="legend">' + "".join(items) + "</ul>"


def _table(rows: Sequence[dict]) -> str:
    table = render_timeline_table(rows)
    head = "".join(f"<th>{escape(cell)}</th>" for cell in table[0])
    body = []
    for cells in table[1:]:
        tds = []
        for column, cell in zip(TABLE_COLUMNS, cells, strict=True):
            if column == "category":
                colour = CATEGORY_COLOURS.get(cell, UNKNOWN_COLOUR)
                tds.append(f'<td><span class="swatch" style="background:{colour}"></span>{escape(cell)}</td>')
            elif column in ("item", "before", "after"):
                tds.append(f'<td><div class="clip">{escape(cell)}</div></td>')
            else:
                tds.append(f"<td>{escape(cell)}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    widths = "".join(f'<col style="width:{_COLUMN_WIDTHS[c]}%">' for c in TABLE_COLUMNS)
    return (f'<table><colgroup>{widths}</colgroup><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


_COLUMN_WIDTHS = {"municipality": 6, "date": 8, "category": 10, "item": 18, "before": 20, "after": 20,
                  "timing": 4, "evidence": 8, "assessment": 6}
_CSS = """
body{font-family:"Noto Sans CJK JP","IPAexGothic","Hiragino Sans",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4em 1.2em;font-size:.9em}
.swatch{display:inline-block;width:.9em;height:.9em;border-radius:50%;margin-right:.35em;vertical-align:-.1em}
svg{border:1px solid #ddd;background:#fcfcfc;max-width:100%;height:auto}
.lane{text-anchor:end;font-size:13px}
.lane-line{stroke:#ccc}
.tick{stroke:#eee}
.year{font-size:11px;fill:#666;text-anchor:middle}
.note{font-size:11px;fill:#666}
.mark{stroke:#fff;stroke-width:1}
.mark:hover{stroke:#000}
table{border-collapse:collapse;margin-top:1.5em;font-size:.85em;width:100%;table-layout:fixed}
.clip{max-height:9em;overflow:auto}
th,td{border:1px solid #ddd;padding:.3em .5em;vertical-align:top;text-align:left;white-space:pre-wrap;
word-break:break-word}
th{background:#f3f3f3;position:sticky;top:0}
"""


def render_timeline_html(rows: list[dict], title: str) -> str:
    """A self-contained HTML page (UTF-8, no external resources) with the timeline chart and table."""
    safe_title = escape(title)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="ja"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{safe_title}</title><style>{_CSS}</style></head><body>"
        f"<h1>{safe_title}</h1>"
        f"<p>{len(rows)} change(s); hover a mark for its details.</p>"
        f"{_legend(rows)}{_svg(rows)}{_table(rows)}"
        "</body></html>\n"
    )
