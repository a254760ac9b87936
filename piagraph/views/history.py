"""The history views: the change timeline as a terminal table, CSV and an offline HTML page (the
chart of views/timeline.py with the council reviews below it), and an event across municipalities.

Every value that comes from a document is HTML-escaped; the pages load nothing from the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from piagraph.analyse.history import EventView
from piagraph.views.tables import format_csv, format_table
from piagraph.views.timeline import render_timeline_html

TABLE_COLUMNS = ["date", "municipality", "assessment", "category", "item", "change", "timing", "evidence"]
CSV_COLUMNS = ["date", "municipality", "assessment", "category", "item", "item_path", "before", "after", "timing",
               "explanation", "evidence", "affects", "assessment_iri", "change"]
EVENT_COLUMNS = ["municipality", "dates", "changes", "timing", "basis", "items", "evidence"]
EVENT_CSV_COLUMNS = ["municipality", "first", "dates", "changes", "timing", "basis", "assessments", "items",
                     "evidence"]
_SHORT = 28


def _short(text: object, limit: int = _SHORT) -> str:
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _with_change(rows: Sequence[dict[str, object]]) -> list[dict[str, object]]:
    """Rows for the terminal: item and 「before → after」 shortened, undated rows marked."""
    out = []
    for row in rows:
        before, after = _short(row.get("before")), _short(row.get("after"))
        change = f"{before or '∅'} → {after or '∅'}" if before or after else ""
        out.append(row | {"item": row.get("item_path") or _short(row.get("item"), 40), "change": change,
                          "date": row.get("date") or "(日付不明)"})
    return out


def format_history_table(rows: Sequence[dict[str, object]]) -> str:
    return format_table(TABLE_COLUMNS, _with_change(rows), max_cell=70)


def format_history_csv(rows: Sequence[dict[str, object]]) -> str:
    return format_csv(CSV_COLUMNS, rows)


def format_event_table(view: EventView) -> str:
    return format_table(EVENT_COLUMNS, view.rows, max_cell=70)


def format_event_csv(view: EventView) -> str:
    return format_csv(EVENT_CSV_COLUMNS, view.rows)


def _table(columns: Sequence[tuple[str, str, int]], rows: Sequence[dict[str, object]]) -> str:
    """(key, heading, width %) columns; every cell escaped."""
    widths = "".join(f'<col style="width:{width}%">' for _, _, width in columns)
    head = "".join(f"<th>{escape(label)}</th>" for _, label, _ in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(row.get(key) or ''))}</td>" for key, _, _ in columns)
                   + "</tr>" for row in rows)
    return f"<table><colgroup>{widths}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_COUNCIL_COLUMNS = (("reviewType", "種別", 5), ("date", "日付", 9), ("council", "審議会", 11),
                    ("reviewNumber", "番号", 9), ("title", "件名", 22), ("reviewKind", "審議の種類", 7),
                    ("decision", "結論", 5), ("conditions", "条件数", 5), ("reviewed", "審議対象の評価書", 13),
                    ("evidence", "根拠", 14))


def councils_section(councils: Sequence[dict[str, object]]) -> str:
    """The 答申/諮問 as a table: date (and what it was taken from), subject, decision, conditions."""
    if not councils:
        return "<h2>審議会の答申・諮問 Council reviews</h2><p>No council documents loaded.</p>"
    rows = []
    for council in councils:
        date = str(council.get("decisionDate") or "")
        if date and council.get("dateBasis"):
            date += f" ({council['dateBasis']})"
        reviewed = council.get("reviewedTitle") or council.get("reviewedAssessment") or ""
        rows.append(council | {"date": date, "reviewed": reviewed, "conditions": str(council.get("conditions") or 0)})
    return ("<h2>審議会の答申・諮問 Council reviews</h2>"
            f"<p>{len(rows)} council document(s).</p>" + _table(_COUNCIL_COLUMNS, rows))


def _insert(page: str, html: str, before: str = "</body>") -> str:
    at = page.rfind(before)
    return page[:at] + html + page[at:] if at >= 0 else page + html


def render_history_html(rows: list[dict[str, object]], councils: Sequence[dict[str, object]], title: str) -> str:
    """The change timeline (chart and table) with the council reviews in a table under it."""
    return _insert(render_timeline_html(rows, title), councils_section(councils))


_EVENT_HTML_COLUMNS = (("municipality", "自治体", 8), ("dates", "日付", 10), ("changes", "変更箇所の行数", 7),
                       ("timing", "提出時期", 6), ("basis", "根拠の種類", 9), ("items", "項目", 30),
                       ("evidence", "根拠", 30))


def render_event_html(view: EventView) -> str:
    """One event across municipalities: a summary row per municipality, then the timeline of its rows."""
    summary = (f"<p>{escape(view.event.description)}</p><h2>自治体ごと By municipality</h2>"
               + _table(_EVENT_HTML_COLUMNS, view.rows) + "<h2>変更箇所 Change rows</h2>")
    page = render_timeline_html(view.changes, view.event.title)
    at = page.find("</h1>")
    return page[: at + 5] + summary + page[at + 5:] if at >= 0 else page
