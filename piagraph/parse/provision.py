"""Ⅱ5 特定個人情報の提供・移転（委託に伴うものを除く。）: 提供先N → Provision, 移転先N → Transfer.

Fields by label: ①法令上の根拠, ②提供先/移転先における用途, ③提供/移転する情報, ④…本人の数, ⑤…本人の範囲,
⑥提供方法/移転方法 (checked boxes only), ⑦時期・頻度; 提供・移転の有無 with its counts is a fact of the
file. A slot is a flow when its heading names a recipient or the printed count reaches its
number; the empty slots of the form (提供先2～5 …, 提供先1 of a file that 行っていない) are not.
How values are found and paired with slots in scrambled PDF text: :mod:`piagraph.parse.slots`.
"""

from __future__ import annotations

import re

from piagraph.model import Assessment, Evidence, Fact, Flow, LegalRef
from piagraph.parse.checkboxes import CheckResult, read_checkboxes
from piagraph.parse.doctext import DocText
from piagraph.parse.slots import (
    PRESENCE_LABELS,
    Occurrence,
    Part,
    Slot,
    Unit,
    assign_fields,
    count_in,
    distance,
    evidence_for,
    find_parts,
    find_slots,
    is_free,
    looks_like_recipient,
    match_pairs,
    prepare,
    store_fact,
)

BOTH = {"Provision", "Transfer"}
KEYS: dict[str, set[str]] = {
    "pt.legal_basis": BOTH,
    "p.purpose": {"Provision"},
    "t.purpose": {"Transfer"},
    "p.information": {"Provision"},
    "t.information": {"Transfer"},
    "p.subject_count": {"Provision"},
    "t.subject_count": {"Transfer"},
    "p.subject_scope": {"Provision"},
    "t.subject_scope": {"Transfer"},
    "p.methods": {"Provision"},
    "t.methods": {"Transfer"},
    "pt.frequency": BOTH,
}
_NAMES = {
    "pt.legal_basis": "法令上の根拠", "p.purpose": "用途", "t.purpose": "用途", "p.information": "提供する情報",
    "t.information": "移転する情報", "p.subject_count": "本人の数", "t.subject_count": "本人の数",
    "p.subject_scope": "本人の範囲", "t.subject_scope": "本人の範囲", "p.methods": "提供方法",
    "t.methods": "移転方法", "pt.frequency": "時期・頻度",
}
NETWORK = "情報提供ネットワークシステム"
# The document says the flow carries 特定個人情報: it mentions 個人番号, or provides under 番号法第19条
# / 別表第二 / the 命令第2条の表 (information exchange of 特定個人情報 by 符号).
_PERSONAL_NUMBER = re.compile(r"個人番号|特定個人情報")
_NUMBER_ACT_PROVISION = re.compile(r"番号法\s*第\s*19\s*条|別表\s*第\s*(二|2)|第\s*2\s*条の表")


def parse_provision(doc: DocText, assessment: Assessment) -> None:
    """Append Provision / Transfer flows and the 提供・移転の有無 facts of each file."""
    units, occs = prepare(doc)
    parts, start, end = find_parts(doc, units, assessment.files)
    slots = find_slots(doc, units, parts, (start, end), ["Provision", "Transfer"])
    presence = [o for o in occs if o.key == "p.presence" and start <= o.line <= end]
    if not slots and not presence:
        return
    for part in parts:
        counts = _presence(doc, assessment, parts, part, units, presence)
        for slot in slots:
            if slot.part is part:
                slot.active = _active(slot, counts)
    for first, keys in assign_fields(doc, slots, occs, KEYS, (start, end)):
        names = "、".join(sorted({_NAMES[k] for k in keys}))
        doc.warn(f"提供・移転: several 提供先/移転先 share this page; {names} given to them by position "
                 "(PDF text order), check against the PDF", first)
    _recover_recipients(doc, units, occs, [s for s in slots if s.active and not s.value])
    for slot in slots:
        if slot.active:
            assessment.flows.append(_flow(doc, slot))


def _presence(doc: DocText, assessment: Assessment, parts: list[Part], part: Part, units: list[Unit],
              presence: list[Occurrence]) -> dict[str, tuple[bool | None, int | None]]:
    """提供・移転の有無 of one file: per kind, (box checked?, printed count)."""
    mine = [o for o in presence if part.start <= o.line <= part.end]
    if not mine:
        return {}
    occ = mine[0]
    first, last = doc.page_of(occ.line)
    first, last = max(first, part.start), min(last, part.end)
    result = CheckResult()
    counts: dict[str, tuple[int, Unit]] = {}
    box_units: dict[str, Unit] = {}
    for unit in units:
        if not first <= unit.first <= last:
            continue
        found = read_checkboxes([unit.raw], PRESENCE_LABELS)
        for name in found.checked + found.unchecked:
            box_units.setdefault(name, unit)
        for name in found.checked:
            result.checked.append(name)
        result.unchecked.extend(found.unchecked)
        result.undetermined.extend(n for n in found.undetermined if n not in found.checked)
        for label, kind in (("提供を行っている", "Provision"), ("移転を行っている", "Transfer")):
            number = count_in(unit.text, label)
            if number is not None:
                counts[kind] = (number, unit)
    none_checked = "行っていない" in result.checked
    out: dict[str, tuple[bool | None, int | None]] = {}
    for label, kind, key in (("提供を行っている", "Provision", "provision"),
                             ("移転を行っている", "Transfer", "transfer")):
        checked: bool | None = None
        if label in result.checked:
            checked = True
        elif label in result.unchecked or none_checked:
            checked = False
        if checked is not None:
            # As printed: the box of this kind, or 「行っていない」 ticked for both kinds.
            shown = label if checked or label in result.unchecked else "行っていない"
            value = f"[○] {shown}" if checked or shown == "行っていない" else f"[ ] {shown}"
            store_fact(assessment, parts, part, key,
                       Fact(value, _box_evidence(doc, occ, box_units.get(shown)), "yes" if checked else "no"))
        elif label in result.undetermined:
            doc.warn(f"提供・移転の有無: the mark of 「{label}」 is separated from it; not read", occ.line)
        number = counts.get(kind)
        if number is not None:
            store_fact(assessment, parts, part, f"{key}_count",
                       Fact(str(number[0]), doc.evidence(number[1].first, number[1].last), str(number[0])))
        out[kind] = (checked, number[0] if number else None)
    if "行っていない" in result.undetermined and not result.checked:
        doc.warn("提供・移転の有無: the mark of 「行っていない」 is separated from it; not read", occ.line)
    return out


def _box_evidence(doc: DocText, occ: Occurrence, box: Unit | None) -> Evidence:
    """The 提供・移転の有無 label with the box that answers it (often a separate text box)."""
    if box is None or box is occ.unit:
        return doc.evidence(occ.unit.first, occ.unit.last)
    start, end = min(occ.unit.first, box.first), max(occ.unit.last, box.last)
    quote = doc.evidence(occ.unit.first, occ.unit.last).quote + " … " + doc.evidence(box.first, box.last).quote
    return doc.evidence(start, end, quote)


def _active(slot: Slot, counts: dict[str, tuple[bool | None, int | None]]) -> bool:
    """A slot is used when its heading names a recipient or the printed count reaches it."""
    if slot.value:
        return True
    checked, count = counts.get(slot.kind, (None, None))
    if count is not None:
        return slot.ordinal <= count
    return bool(checked) and slot.ordinal == 1


def _recover_recipients(doc: DocText, units: list[Unit], occs: list[Occurrence], lacking: list[Slot]) -> None:
    """A heading printed without its recipient: the recipient box is elsewhere on the page. Boxes
    naming only recipients (「市区町村長（別表第2の16の2）、都道府県知事」) are paired with the
    headings nearest first, within the page and the file's part."""
    claimed = {n for o in occs if o.value_start is not None and o.value_end is not None
               for n in range(o.value_start, o.value_end + 1)}
    by_page: dict[tuple[int, int], list[Slot]] = {}
    for slot in lacking:
        by_page.setdefault((slot.page, slot.part.index), []).append(slot)
    for (page, _), slots in by_page.items():
        part = slots[0].part
        first, last = max(doc.pages[page][0], part.start), min(doc.pages[page][1], part.end)
        boxes = [u for u in units if first <= u.first <= last and u.first not in claimed
                 and is_free(u) and looks_like_recipient(u.text)]
        pairs = match_pairs(slots, boxes, lambda s, u: distance(s.line.number, u.first))
        for i, j in pairs:
            slot, box = slots[i], boxes[j]
            slot.value = _recipient_text(box)
            slot.value_lines = (box.first, box.last)
            if len(boxes) > 1:
                doc.warn(f"{slot.label}: recipient 「{slot.value[:40]}」 is printed apart from its heading; "
                         f"paired by position among {len(boxes)} candidate boxes", box.first)
        for slot in slots:
            if not slot.value:
                doc.warn(f"{slot.label}: recipient not found (the heading has no value)", slot.line.number)


def _recipient_text(box: Unit) -> str:
    """Lines of a recipient box: a line ending a recipient name (「…知事」, 「…（別表第2の16の3）」)
    is one entry, any other line was wrapped inside a name."""
    out = ""
    for line in box.lines:
        if out and (out.endswith((")", "）")) or looks_like_recipient(out.rsplit("、", 1)[-1])):
            out += "、"
        out += line.text
    return out


def _flow(doc: DocText, slot: Slot) -> Flow:
    fields = slot.fields
    prefix = "p." if slot.kind == "Provision" else "t."

    def occ(name: str) -> Occurrence | None:
        found = fields.get(prefix + name) or fields.get("pt." + name)
        return found if found is not None and found.valued else None

    def value(name: str) -> str | None:
        found = occ(name)
        return found.value if found is not None else None

    heading = doc.evidence(slot.line.number, slot.line.number)
    flow = Flow(
        kind=slot.kind,
        evidence=heading,
        recipient=slot.value,
        purpose=value("purpose"),
        information=value("information"),
        subject_count=value("subject_count"),
        subject_scope=value("subject_scope"),
        frequency=value("frequency"),
        ordinal=slot.ordinal,
        title=slot.heading_text,
        file_name=slot.part.name,
    )
    if slot.value:
        start, end = slot.value_lines
        lines = sorted({slot.line.number, start, end})
        flow.field_evidence["recipient"] = (
            doc.evidence(lines[0], lines[-1]) if lines[-1] - lines[0] <= 3
            else doc.evidence(start, end)
        )
    basis = occ("legal_basis")
    if basis is not None and basis.value:
        flow.legal_basis.append(LegalRef(basis.value, evidence_for(doc, basis), role="basis"))
    for name in ("legal_basis", "purpose", "information", "subject_count", "subject_scope", "frequency"):
        found = occ(name)
        if found is not None:
            flow.field_evidence[name] = evidence_for(doc, found)
    methods = fields.get(prefix + "methods")
    if methods is not None and methods.boxes is not None:
        flow.methods = list(methods.boxes.checked)
        flow.other_methods = list(methods.boxes.other_text)
        if methods.boxes.checked:
            flow.field_evidence["methods"] = evidence_for(doc, methods)
        for name in methods.boxes.undetermined:
            doc.warn(f"{slot.label} {'提供方法' if prefix == 'p.' else '移転方法'}: the mark of 「{name}」 is "
                     "separated from it; not reported as checked", methods.line)
    flow.carries_personal_number = _carries_personal_number(flow)
    for name, text in (("法令上の根拠", flow.legal_basis), ("用途", flow.purpose), ("方法", flow.methods)):
        if not text:
            doc.warn(f"{slot.label}: {name} not found", slot.line.number)
    return flow


def _carries_personal_number(flow: Flow) -> bool | None:
    """True where the document says 特定個人情報 moves; None otherwise (never False: the form has no
    box saying a flow carries no 個人番号)."""
    if NETWORK in flow.methods:
        return True
    if flow.information and _PERSONAL_NUMBER.search(flow.information):
        return True
    if any(_NUMBER_ACT_PROVISION.search(ref.raw) for ref in flow.legal_basis):
        return True
    return None

