"""Ⅱ4 特定個人情報ファイルの取扱いの委託: every 委託事項N becomes an Entrustment flow.

Fields by label, whatever their number in the form (全項目 / 重点):
①委託内容, 取扱いを委託する特定個人情報ファイルの範囲, 対象となる本人の数/範囲, 委託先における取扱者数,
委託先への特定個人情報ファイルの提供方法, 委託先名, 再委託の有無, 再委託事項; 委託の有無 (委託する/しない,
N件) is a fact of the file. How values are found and given to a 委託事項 in scrambled PDF text is
explained in :mod:`piagraph.parse.slots`.
"""

from __future__ import annotations

import re

from piagraph.model import Assessment, Fact, Flow
from piagraph.parse.doctext import DocText
from piagraph.parse.slots import (
    Occurrence,
    Part,
    Slot,
    assign_fields,
    evidence_for,
    find_parts,
    find_slots,
    prepare,
    run_together,
    store_fact,
)

FIELDS = (
    "e.content",
    "e.file_scope",
    "e.subject_count",
    "e.subject_scope",
    "e.handler_count",
    "e.methods",
    "e.contractors",
    "e.subcontracted",
    "e.permission",
    "e.subcontract_items",
)
KEYS = {key: {"Entrustment"} for key in FIELDS}
_COUNT = re.compile(r"[(（]\s*(\d{1,3})\s*[)）]\s*件")
_BARE_NUMBER = re.compile(r"^\d{1,2}$")
RUN_TOGETHER_WINDOW = 60  # lines around 委託の有無 searched for its count when page breaks are lost


def parse_entrustment(doc: DocText, assessment: Assessment) -> None:
    """Append one Flow(kind='Entrustment') per filled 委託事項 and the 委託の有無 facts."""
    units, occs = prepare(doc)
    parts, start, end = find_parts(doc, units, assessment.files)
    slots = find_slots(doc, units, parts, (start, end), ["Entrustment"])
    presence = [o for o in occs if o.key == "e.presence" and start <= o.line <= end]
    if not slots and not presence:
        return
    for part in parts:
        answer, count = _presence(doc, assessment, parts, part, presence)
        _activity([s for s in slots if s.part is part], answer, count, doc)
    for first, keys in assign_fields(doc, slots, occs, KEYS, (start, end)):
        names = "、".join(sorted({_LABEL_NAMES.get(k, k) for k in keys}))
        doc.warn(f"委託: several 委託事項 share this page; {names} given to them by position "
                 "(PDF text order), check against the PDF", first)
    for slot in slots:
        flow = _flow(doc, slot)
        if flow is not None:
            assessment.flows.append(flow)


_LABEL_NAMES = {
    "e.content": "委託内容",
    "e.file_scope": "委託する範囲",
    "e.subject_count": "対象となる本人の数",
    "e.subject_scope": "対象となる本人の範囲",
    "e.handler_count": "取扱者数",
    "e.methods": "提供方法",
    "e.contractors": "委託先名",
    "e.subcontracted": "再委託の有無",
    "e.permission": "再委託の許諾方法",
    "e.subcontract_items": "再委託事項",
}


def _presence(doc: DocText, assessment: Assessment, parts: list[Part], part: Part,
              presence: list[Occurrence]) -> tuple[str | None, int | None]:
    """委託の有無 of one file: the answer (委託する / 委託しない) and the number of 委託事項."""
    mine = [o for o in presence if part.start <= o.line <= part.end]
    if not mine:
        return None, None
    occ = next((o for o in mine if o.value), mine[0])
    answer = occ.value
    if answer:
        store_fact(assessment, parts, part, "entrustment",
                   Fact(answer, evidence_for(doc, occ), "yes" if answer == "委託する" else "no"))
    else:
        doc.warn("委託の有無: the chosen answer (委託する / 委託しない) was not found", occ.line)
    count, count_line = _count(doc, part, occ) if answer != "委託しない" else (None, None)
    if count is not None and count_line is not None:
        store_fact(assessment, parts, part, "entrustment_count",
                   Fact(str(count), doc.evidence(count_line), str(count)))
    return answer, count


def _count(doc: DocText, part: Part, occ: Occurrence) -> tuple[int | None, int | None]:
    """「（ N ）件」 in the 委託の有無 box or on its page; else a lone number on the page (the
    extractor split 「（」, 「N」 and 「）件」 into separate boxes)."""
    match = _COUNT.search(occ.unit.text)
    if match:
        return int(match.group(1)), occ.line
    first, last = doc.page_of(occ.line)
    if run_together(doc, occ.line):  # no page breaks: look near the label only
        first, last = occ.line - RUN_TOGETHER_WINDOW, occ.line + RUN_TOGETHER_WINDOW
    first, last = max(first, part.start), min(last, part.end)
    for line in doc.between(first, last):
        if "提供" in line.text or "移転" in line.text:
            continue
        match = _COUNT.search(line.text)
        if match:
            return int(match.group(1)), line.number
    if doc.layout == "table":
        return None, None
    bare = [line for line in doc.between(first, last) if _BARE_NUMBER.match(line.squashed)
            and len(doc.block_of(line.number)) == 1]
    if len(bare) == 1:
        return int(bare[0].squashed), bare[0].number
    return None, None


def _activity(slots: list[Slot], answer: str | None, count: int | None, doc: DocText) -> None:
    """A 委託事項 beyond the printed count (an unused slot of the form) takes no fields."""
    if count is None and answer != "委託しない":
        return
    # Without page breaks the count may sit anywhere among thousands of lines: do not trust it there.
    slots = [s for s in slots if not run_together(doc, s.line.number)]
    limit = 0 if answer == "委託しない" else count
    assert limit is not None
    titled = [s for s in slots if s.value]
    if titled and max(s.ordinal for s in titled) > limit:
        doc.warn(f"委託の有無: {limit} 件 printed but 委託事項{max(s.ordinal for s in titled)} has a title",
                 titled[0].line.number)
        return
    for slot in slots:
        slot.active = slot.ordinal <= limit


def _flow(doc: DocText, slot: Slot) -> Flow | None:
    if not slot.active:
        return None
    fields = slot.fields

    def value(key: str) -> str | None:
        occ = fields.get(key)
        return occ.value if occ is not None and occ.value else None

    content = value("e.content")
    contractors = [name for name in (value("e.contractors") or "").split("、") if name]
    handler = value("e.handler_count")
    subcontract = value("e.subcontracted")
    if not (slot.value or content or contractors or handler or subcontract):
        return None  # an unused 委託事項 of the form
    where = slot.line.number
    title = f"{slot.label} {slot.value}" if slot.value else slot.label
    flow = Flow(
        kind="Entrustment",
        evidence=doc.evidence(slot.value_lines[0], slot.value_lines[1]),
        recipient="、".join(contractors) or None,
        information=content,
        purpose=content,
        contractors=contractors,
        handler_count=handler,
        subject_count=value("e.subject_count"),
        subject_scope=value("e.subject_scope"),
        subcontracted=None if subcontract is None else subcontract == "再委託する",
        subcontract_items=value("e.subcontract_items"),
        ordinal=slot.ordinal,
        title=title,
        file_name=slot.part.name,
    )
    # The section entrusts the handling of the 特定個人情報ファイル (全体 or 一部): it carries 個人番号.
    if value("e.file_scope"):
        flow.carries_personal_number = True
    flow.field_evidence["title"] = flow.evidence
    for key, name in (("e.content", "purpose"), ("e.content", "information"), ("e.contractors", "contractors"),
                      ("e.handler_count", "handler_count"), ("e.subject_count", "subject_count"),
                      ("e.subject_scope", "subject_scope"), ("e.subcontracted", "subcontracted"),
                      ("e.subcontract_items", "subcontract_items"), ("e.file_scope", "file_scope")):
        occ = fields.get(key)
        if occ is not None and occ.value:
            flow.field_evidence[name] = evidence_for(doc, occ)
    if contractors:
        flow.field_evidence["recipient"] = flow.field_evidence["contractors"]
    methods = fields.get("e.methods")
    if methods is not None and methods.boxes is not None:
        flow.methods = list(methods.boxes.checked)
        flow.other_methods = list(methods.boxes.other_text)
        if methods.valued:
            flow.field_evidence["methods"] = evidence_for(doc, methods)
        for name in methods.boxes.undetermined:
            doc.warn(f"{slot.label} 委託先への提供方法: the mark of 「{name}」 is separated from it; "
                     "not reported as checked", methods.line)
    if not contractors:
        doc.warn(f"{slot.label}: 委託先名 not found", where)
    elif "未定" in contractors:
        doc.warn(f"{slot.label}: 委託先名 is 「未定」 (contractor not yet decided)", fields["e.contractors"].line)
    if subcontract is None:
        doc.warn(f"{slot.label}: 再委託の有無 answer not found", where)
    return flow
