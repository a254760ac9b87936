"""Ⅰ2 特定個人情報ファイルを取り扱う事務において使用するシステム: names, functions, connections.

全項目/重点 print one slot per system (「システムN」 with ①システムの名称, ②システムの機能,
③他のシステムとの接続 checkboxes); a 基礎項目評価書 lists the names in one field (「③システムの名称
既存住民基本台帳システム、住民基本台帳ネットワークシステム、…」).

A name is read from its label's line or cell, else from the rest of the label's text box, else from
the box printed right after the label's box when that box reads as system names (the one positional
rule, as in :mod:`piagraph.parse.slots`: it is where extractors put a label's value box). An empty
label is an unused slot of the form. The printed slot number and the function are read the same way
(the 「システムN」 box right before the name's box; the ② label's box or the box right after it).

③ connections: each system prints the same checkbox list, so on a page holding several systems a
checked 「[ ○ ] 宛名システム等」 could be any of theirs, and the nearest name is no guide (in 002 the
checked 「その他（中間サーバー、既存業務システム）」 stands nearest to the 中間サーバー slot, which does not
connect to itself). A box is therefore given to a system only when the text says whose it is: the box
shares a text box with that system's name, or the page holds that system alone, or every copy of the
label on the page is readable and checked (then every system of the page has it). The other checked
boxes are reported with ``doc.warn``, never given to a neighbour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from piagraph.model import Assessment, System
from piagraph.normalize.text import squash
from piagraph.parse.checkboxes import CONNECTION_LABELS, CheckResult, read_checkboxes
from piagraph.parse.doctext import DocText, Line
from piagraph.parse.fieldtext import (
    LIST_START,
    MAX_PAGE,
    Form,
    Value,
    clean,
    cut_after_text,
    free_blocks,
    is_heading,
    is_label,
    is_mark_line,
    label_box,
    text_of,
)

NAME = re.compile(r"^[①-⑳]?システムの名称")  # ① in 全項目/重点, ③ in 基礎
FUNCTION = re.compile(r"^②システムの機能")
CONNECTIONS = re.compile(r"^③他のシステムとの接続")
SLOT = re.compile(r"^システム(\d{1,2})$")
# What a system's name is made of (「…システム」, 「中間サーバー」, 「住基ネット」, 「統合端末」 …).
SYSTEM_WORD = re.compile(r"システム|サーバ|ネット|端末|基盤|VRS|クラウド|LGWAN|プラットフォーム|データベース|アプリ",
                         re.IGNORECASE)
FUNCTION_CHARS = 300


@dataclass
class _Slot:
    """One printed 「①システムの名称」 label and what was read for it."""

    label: Line
    names: list[tuple[str, int]] = field(default_factory=list)  # (name, line)
    number: int | None = None
    systems: list[System] = field(default_factory=list)


def parse_systems(doc: DocText, assessment: Assessment) -> None:
    """One System per name printed under a 「システムの名称」 label; functions and ③ connections."""
    form = Form.of(doc)
    slots = [_Slot(line) for line in form.find(NAME)]
    values = {id(slot): _name_value(form, slot.label) for slot in slots}
    if not form.table:
        _place_stray_names(form, slots, values)
    for ordinal, slot in enumerate(slots, start=1):
        value = values[id(slot)]
        if value is None:
            continue  # empty slots of システム2～20 print the label without a value
        slot.names = _split_names(form, value)
        slot.number = _printed_number(form, slot.label)
        for position, (name, line) in enumerate(slot.names, start=1):
            number = position if len(slot.names) > 1 else (slot.number or ordinal)
            system = System(name=name, evidence=doc.evidence(line), number=number)
            slot.systems.append(system)
            assessment.systems.append(system)
        if len(slot.names) == 1:
            _function(form, slot, slots)
    _connections(form, slots)


# -- names ------------------------------------------------------------------------------------------

def _name_value(form: Form, line: Line) -> Value | None:
    """The label's cell or line, else the rest of its box, else the box printed right after it."""
    if form.table:
        cells = line.cells
        for index, cell in enumerate(cells):
            if NAME.search(squash(cell)):
                rest = [c for c in cells[index + 1:] if c.strip()]
                text = clean(" ".join(rest) if rest else cut_after_text(cell, NAME) or "")
                return Value(text, line.number, line.number) if text else None
        return None
    text = clean(_after_label(line, NAME))
    if text:
        return Value(text, line.number, line.number)
    own = _value_lines(form, form.doc.block_of(line.number), line.number)
    if own:
        return Value(text_of(own), own[0].number, own[-1].number)
    following = _next_block(form, line)
    if following:
        lines = _value_lines(form, following, following[0].number - 1)
        if lines and all(_looks_like_name(part) for part in _pieces(text_of(lines))):
            return Value(text_of(lines), lines[0].number, lines[-1].number)
    return None


def _place_stray_names(form: Form, slots: list[_Slot], values: dict[int, Value | None]) -> None:
    """A name box printed away from its label (another extractor's order): on a page (with its page
    breaks) where labels lack a value, boxes holding just one system name that no label took are
    theirs, nearest first. More such boxes than empty labels: some are not names; none is taken."""
    doc = form.doc
    taken = {n for value in values.values() if value is not None for n in range(value.start, value.end + 1)}
    pages: dict[tuple[int, int], list[_Slot]] = {}
    for slot in slots:
        if values[id(slot)] is None:
            pages.setdefault(doc.page_of(slot.label.number), []).append(slot)
    for (first, last), empty in pages.items():
        if last - first > MAX_PAGE:
            continue  # page breaks lost: boxes of many pages mix, a lone name could be anyone's
        stray: list[Value] = []
        for block in free_blocks(form, first, last):
            lines = _value_lines(form, block, block[0].number - 1)
            if not lines or any(line.number in taken for line in lines):
                continue
            text = text_of(lines)
            if len(_pieces(text)) == 1 and _looks_like_name(text):
                stray.append(Value(text, lines[0].number, lines[-1].number))
        if len(stray) > len(empty):
            doc.warn(f"システムの名称: {len(stray)} name boxes ({'、'.join(v.text for v in stray)}) for "
                     f"{len(empty)} empty labels on this page; none taken", empty[0].label.number)
            continue
        for value in stray:
            slot = min((s for s in empty if values[id(s)] is None),
                       key=lambda s, v=value: abs(s.label.number - v.start))
            values[id(slot)] = value
            doc.warn(f"システムの名称 「{value.text}」 is printed apart from its label; given to the "
                     "nearest label without a value (its number may be another slot's)", value.start)


def _after_label(line: Line, label: re.Pattern[str]) -> str:
    return cut_after_text(line.text, label) or ""


def _value_lines(form: Form, block: list[Line], after: int) -> list[Line]:
    """Lines of ``block`` after line ``after`` up to the next label, mark or note (「※…」)."""
    out: list[Line] = []
    for other in block:
        if other.number <= after:
            continue
        if is_label(other) or label_box(other) or is_mark_line(other) or not form.usable(other) \
                or other.squashed.startswith("※"):
            break
        out.append(other)
    return out


def _next_block(form: Form, line: Line, lists: bool = False) -> list[Line] | None:
    """The text box printed right after the one holding ``line``, on the same page, when it is not a
    label, heading or checkbox box (``lists``: a box opening with 「①符号管理機能」 is a list, not a
    label, unless it is indented like a label box)."""
    blocks = form.doc.blocks
    own = form.doc.block_of(line.number)
    if not own:
        return None
    index = next((i for i, block in enumerate(blocks) if block is own), None)
    if index is None or index + 1 >= len(blocks):
        return None
    following = blocks[index + 1]
    if form.doc.page_of(following[0].number) != form.doc.page_of(line.number):
        return None
    first = following[0]
    if is_label(first, not lists) or label_box(first) or is_heading(first) or is_mark_line(first):
        return None
    return following


def _pieces(text: str) -> list[str]:
    return [piece.strip() for piece in re.split(r"[、,]", text) if piece.strip()]


def _looks_like_name(text: str) -> bool:
    squashed = squash(text)
    return (0 < len(squashed) <= 60 and "。" not in squashed and not LIST_START.search(squashed)
            and bool(SYSTEM_WORD.search(squashed)))


def _split_names(form: Form, value: Value) -> list[tuple[str, int]]:
    """One name, or the 基礎 form's list 「A、B、C」 when every piece reads as a system name; each with
    the line it starts on."""
    pieces = _pieces(value.text)
    if len(pieces) < 2 or not all(_looks_like_name(piece) for piece in pieces):
        return [(value.text, value.start)]
    lines = [x for x in form.doc.between(value.start, value.end) if x.text]
    out: list[tuple[str, int]] = []
    offset = 0
    for piece in pieces:
        offset = value.text.find(piece, offset)
        seen, where = 0, lines[0].number
        for line in lines:  # the line holding the piece's first character (wrapped lines join bare)
            if seen + len(line.text) > offset:
                where = line.number
                break
            seen += len(line.text)
        out.append((piece, where))
        offset += len(piece)
    return out


def _printed_number(form: Form, label: Line) -> int | None:
    """N of the 「システムN」 heading in the name's box, or in the box printed right before it."""
    doc = form.doc
    own = doc.block_of(label.number)
    before = [x for x in own if x.number < label.number]
    if not before:
        index = next((i for i, block in enumerate(doc.blocks) if block is own), 0)
        previous = doc.blocks[index - 1] if index > 0 else []
        if previous and doc.page_of(previous[0].number) == doc.page_of(label.number):
            before = previous
    if len(before) == 1:
        match = SLOT.match(before[0].squashed)
        if match:
            return int(match.group(1))
    return None


# -- functions --------------------------------------------------------------------------------------

def _function(form: Form, slot: _Slot, slots: list[_Slot]) -> None:
    """The text of the system's 「②システムの機能」: the label's box, or the box printed right after it.
    Its ② label is the first one after the name on the page, before the next system's name."""
    doc = form.doc
    system = slot.systems[0]
    last = form.scope(slot.label.number)[1]
    later = [s.label.number for s in slots if s.label.number > slot.label.number]
    stop = min([last, *(n - 1 for n in later)])
    label = form.first(FUNCTION, slot.label.number, stop)
    if label is None:
        doc.warn(f"システム「{system.name}」: ②システムの機能 not found next to its name", slot.label.number)
        return
    text = clean(_after_label(label, FUNCTION))
    lines = [] if text else _value_lines(form, doc.block_of(label.number), label.number)
    if not text and not lines:
        following = _next_block(form, label, lists=True)
        lines = _function_lines(form, following) if following else []
        if lines and _looks_like_name(text_of(lines)):
            lines = []  # a name box, not a function
    if lines:
        text = text_of(lines)
    if not text:
        doc.warn(f"システム「{system.name}」 ②システムの機能: its text box could not be placed "
                 "(several systems share the page)", label.number)
        return
    system.function = text[:FUNCTION_CHARS]


def _function_lines(form: Form, block: list[Line]) -> list[Line]:
    """A function box: its lines up to a label box, a mark or a note (list entries 「①…」 included)."""
    out: list[Line] = []
    for line in block:
        if label_box(line) or is_mark_line(line) or not form.usable(line) or line.squashed.startswith("※"):
            break
        out.append(line)
    return out


# -- ③ connections -----------------------------------------------------------------------------------

@dataclass
class _Copy:
    """One printed checkbox of a connection label: checked, unchecked or with its mark split away."""

    label: str
    state: str  # 'checked' / 'unchecked' / 'undetermined'
    line: Line
    other: str | None = None  # the text of a checked その他（…）


def _copies(lines: list[Line]) -> list[_Copy]:
    copies: list[_Copy] = []
    for line in lines:
        result: CheckResult = read_checkboxes([line.raw], CONNECTION_LABELS)
        for label in result.checked:
            other = result.other_text[0] if label == "その他" and result.other_text else None
            copies.append(_Copy(label, "checked", line, other))
        copies.extend(_Copy(label, "unchecked", line) for label in result.unchecked)
        copies.extend(_Copy(label, "undetermined", line) for label in result.undetermined)
    return copies


def _connections(form: Form, slots: list[_Slot]) -> None:
    doc = form.doc
    listed = [s for s in slots if len(s.systems) == 1]  # 基礎 lists print no ③ boxes
    pages: dict[tuple[int, int], list[_Slot]] = {}
    for slot in listed:
        pages.setdefault(doc.page_of(slot.label.number), []).append(slot)
    for (first, last), here in pages.items():
        named = [s for s in here if s.systems]
        every = [s for s in slots if first <= s.label.number <= last]  # empty slots print lists too
        lists = max(len(every), len(form.find(CONNECTIONS, first, last)))
        huge = last - first > MAX_PAGE
        copies = _copies(form.lines(first, last))
        owned: dict[int, list[_Copy]] = {id(s): [] for s in named}
        loose: list[_Copy] = []
        for copy in copies:
            block = doc.block_of(copy.line.number)
            mates = [s for s in every if s.label in block]
            if len(mates) == 1 and mates[0] in named:
                owned[id(mates[0])].append(copy)  # the box shares its text box with the name
            elif not mates:
                loose.append(copy)
        for slot in named:
            system = slot.systems[0]
            mine = owned[id(slot)]
            alone = len(named) == 1 and not huge  # (empty slots' lists are blank)
            if alone:
                mine = mine + loose  # the page holds this system alone
                agreed: list[_Copy] = []
            else:
                agreed = _agreed(loose, lists)
            checked = [c for c in mine + agreed if c.state == "checked"]
            system.connections = list(dict.fromkeys(c.label for c in checked if c.label != "その他"))
            system.other_connections = list(dict.fromkeys(c.other for c in checked if c.other))
            if alone:
                unknown = [c.label for c in mine if c.state == "undetermined"
                           and c.label not in {x.label for x in mine if x.state != "undetermined"}]
                if unknown:
                    doc.warn(f"システム「{system.name}」③他のシステムとの接続: marks separated from labels "
                             f"{'、'.join(dict.fromkeys(unknown))}; left undetermined", slot.label.number)
                continue
            open_labels = [label for label in CONNECTION_LABELS if label not in {c.label for c in agreed}
                           and any(c.label == label and c.state != "unchecked" for c in loose)]
            if open_labels:
                doc.warn(f"システム「{system.name}」③他のシステムとの接続: {len(named)} systems share the page; "
                         f"{'、'.join(open_labels)} not attributable to one of them (checked boxes are not "
                         "given by position)", slot.label.number)


def _agreed(loose: list[_Copy], lists: int) -> list[_Copy]:
    """Copies of labels whose every printed copy on the page is readable and checked (one per list):
    every system of the page has them. All copies unchecked says no system has them."""
    out: list[_Copy] = []
    for label in CONNECTION_LABELS:
        mine = [c for c in loose if c.label == label]
        if len(mine) == lists and len({c.state for c in mine}) == 1 and mine[0].state != "undetermined":
            out.extend(mine)
    return out
