"""Tables for the terminal (East Asian width aware), CSV and JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from collections.abc import Sequence

MAX_CELL = 60


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "、".join(_cell(v) for v in value)
    return str(value).replace("\n", " ")


def _clip(text: str, limit: int) -> str:
    if _width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = _width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def format_table(columns: Sequence[str], rows: Sequence[dict[str, object]], max_cell: int = MAX_CELL) -> str:
    """A plain text table; long cells are clipped (use --format csv/json for full values)."""
    cells = [[_clip(_cell(row.get(c)), max_cell) for c in columns] for row in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(list(columns)), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)


def format_csv(columns: Sequence[str], rows: Sequence[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def _json_default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def format_json(columns: Sequence[str], rows: Sequence[dict[str, object]]) -> str:
    return json.dumps([{c: row.get(c) for c in columns} for row in rows], ensure_ascii=False, indent=2,
                      default=_json_default)


def render(columns: Sequence[str], rows: Sequence[dict[str, object]], fmt: str) -> str:
    if fmt == "csv":
        return format_csv(columns, rows)
    if fmt == "json":
        return format_json(columns, rows)
    return format_table(columns, rows)
