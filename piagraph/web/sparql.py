"""The read-only SPARQL 1.1 Protocol endpoint: queries only, bounded in time and rows.

Writes are refused with 403 whatever the encoding: an ``update`` parameter, an
``application/sparql-update`` body, or an update operation sent as a query (checked on the text with
comments and string literals removed). The store is queried through its query interface only, so an
update could not run even if it slipped through.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
from dataclasses import dataclass

from piagraph.store.base import ResultTable, Store

UPDATE_KEYWORDS = re.compile(
    r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE
)
_STRINGS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
_IRIS = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_COMMENTS = re.compile(r"#[^\n]*")
_VARIABLES = re.compile(r"[?$][\w\u00b7]+")
_PREFIXED = re.compile(r"[\w-]*:[\w.-]*")

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000


class QueryRefused(Exception):
    """The request asked to change the store."""


class QueryTimeout(Exception):
    """The query ran past the time limit."""


def strip_literals(text: str) -> str:
    """Query text without string literals, IRIs and comments (where update keywords could hide)."""
    text = _STRINGS.sub('""', text)
    text = _IRIS.sub("<>", text)
    text = _COMMENTS.sub("", text)
    return _PREFIXED.sub("p:n", _VARIABLES.sub("?v", text))


def is_update(text: str) -> bool:
    return bool(UPDATE_KEYWORDS.search(strip_literals(text)))


@dataclass
class LimitedResult:
    table: ResultTable
    truncated: bool
    seconds: float


def run_limited(store: Store, query: str, timeout: float = DEFAULT_TIMEOUT,
                max_rows: int = DEFAULT_MAX_ROWS) -> LimitedResult:
    """Run a SELECT/ASK in a worker thread; give up after ``timeout`` seconds; cap the rows."""
    if is_update(query):
        raise QueryRefused("this endpoint is read-only: updates (INSERT, DELETE, LOAD, CLEAR, DROP …) are refused")
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["table"] = store.select(query)
        except Exception as exc:  # reported to the caller as a 400
            outcome["error"] = exc

    started = time.monotonic()
    worker = threading.Thread(target=work, daemon=True, name="sparql-query")
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeout(f"the query ran longer than {timeout:.0f} s and was abandoned; add LIMIT or narrow it")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    table: ResultTable = outcome["table"]  # type: ignore[assignment]
    truncated = len(table.rows) > max_rows
    if truncated:
        table = ResultTable(table.columns, table.rows[:max_rows])
    return LimitedResult(table, truncated, time.monotonic() - started)


def _json_term(value: object) -> dict[str, str]:
    if isinstance(value, bool):
        return {"type": "literal", "value": "true" if value else "false",
                "datatype": "http://www.w3.org/2001/XMLSchema#boolean"}
    if isinstance(value, int):
        return {"type": "literal", "value": str(value), "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    text = str(value)
    if re.match(r"^[a-z][a-z0-9+.-]*:[^\s]*$", text) and ("/" in text or text.startswith("urn:")):
        return {"type": "uri", "value": text}
    return {"type": "literal", "value": text}


def to_json(result: LimitedResult) -> str:
    table = result.table
    if table.columns == ["ask"]:
        return json.dumps({"head": {}, "boolean": bool(table.rows[0]["ask"])})
    bindings = [{c: _json_term(row[c]) for c in table.columns if row.get(c) is not None} for row in table.rows]
    head: dict[str, object] = {"vars": table.columns}
    if result.truncated:
        head["link"] = ["urn:piagraph:truncated"]
    return json.dumps({"head": head, "results": {"bindings": bindings}}, ensure_ascii=False)


def to_delimited(result: LimitedResult, delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(result.table.columns)
    for row in result.table.rows:
        writer.writerow(["" if row.get(c) is None else str(row[c]) for c in result.table.columns])
    return buffer.getvalue()
