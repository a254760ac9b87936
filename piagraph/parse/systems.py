"""Ⅰ2 特定個人情報ファイルを取り扱う事務において使用するシステム: names, functions, connections."""

from __future__ import annotations

import re

from piagraph.model import Assessment, System
from piagraph.parse.checkboxes import CONNECTION_LABELS, read_checkboxes
from piagraph.parse.doctext import DocText, Line, joined_text

_NAME = re.compile(r"①\s*システムの名称")
_FUNCTION = re.compile(r"②\s*システムの機能")
_LIST_START = re.compile(r"^(1|１)\s*[.．、]|^1\s")


def _system_name(doc: DocText, line: Line) -> str | None:
    if doc.layout == "table":
        return doc.table_value(line, re.compile(r"①システムの名称"))
    return doc.inline_value(line, _NAME)


def _function_block(doc: DocText, name_line: Line, taken: set[int]) -> tuple[str, int, int] | None:
    """The numbered list (「1．…」) nearest after ②システムの機能 on the same page."""
    page_first, page_last = doc.page_of(name_line.number)
    label = doc.first(_FUNCTION, name_line.number, page_last)
    anchor = label[0].number if label else name_line.number
    candidates = [b for b in doc.blocks if page_first <= b[0].number <= page_last and
                  _LIST_START.search(b[0].text) and b[0].number not in taken]
    if not candidates:
        return None
    block = min(candidates, key=lambda b: (b[0].number < anchor, abs(b[0].number - anchor)))
    taken.add(block[0].number)
    return joined_text(block), block[0].number, block[-1].number


def parse_systems(doc: DocText, assessment: Assessment) -> None:
    """One System per 「①システムの名称」 with a value; connections from the ③ boxes on its page."""
    taken: set[int] = set()
    hits = doc.find(_NAME)
    for ordinal, (line, _) in enumerate(hits, start=1):
        name = _system_name(doc, line)
        if not name:
            continue  # empty slots of システム2～20 print the label without a value
        system = System(name=name, evidence=doc.evidence(line.number), number=ordinal)
        function = _function_block(doc, line, taken)
        if function:
            text, _, _ = function
            system.function = text[:300]
        page_first, page_last = doc.page_of(line.number)
        boxes = read_checkboxes((ln.raw for ln in doc.between(page_first, page_last)), CONNECTION_LABELS)
        # Several systems can share a page: only trust boxes when the page holds this system alone.
        systems_on_page = sum(1 for other, _ in hits if page_first <= other.number <= page_last
                              and _system_name(doc, other))
        if systems_on_page == 1:
            system.connections = [label for label in boxes.checked if label != "その他"]
            system.other_connections = boxes.other_text
            if boxes.undetermined:
                doc.warn(f"システム「{name}」③他のシステムとの接続: marks separated from labels "
                         f"{'、'.join(boxes.undetermined)}; left undetermined", line.number)
        else:
            doc.warn(f"システム「{name}」: several systems on one page, ③ connections not attributed",
                     line.number)
        assessment.systems.append(system)
