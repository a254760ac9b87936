"""Cover page (表紙): 評価書番号, 評価書名, 評価実施機関名, municipality, 公表日, form stamp and kind.

Values are recognised by their shapes, not by their place: a title ends in 「…項目評価書」, the body
ends in 「…長」, the stamp is ``[… 様式N]``, the 公表日 is the 和暦 date of the cover page.
"""

from __future__ import annotations

import re

from piagraph.model import Assessment, Fact
from piagraph.normalize.dates import WAREKI, parse_date
from piagraph.parse.doctext import DocText, Line

KIND_BY_FORM = {"2": "基礎", "3": "重点", "4": "全項目"}
_HEADING = re.compile(r"特定個人情報保護評価書\((基礎|重点|全)項目評価書\)")
_STAMP = re.compile(r"\[\s*((?:平成|令和)\s*\S+?年\s*\S+?月)\s*様式\s*([1-4])\s*\]")
_TITLE_END = re.compile(r"(基礎|重点|全)項目(評価書)?$")
_BODY = re.compile(r"^(?:(?P<pref>\S{2,3}[都道府県])\s*)?(?P<name>\S{1,20}?(?:市|町|村|区|都|道|府|県|広域連合|組合))"
                   r"(?P<head>長|知事|管理者)$")
_NUMBER_ONLY = re.compile(r"^\d{1,7}$")
_NUMBER_TITLE = re.compile(r"^(\d{1,7})\s+(\S.*)$")
_DECLARATION = re.compile(r"^(\S{1,20}?(?:市|町|村|区|都|道|府|県))(?:長)?は[、,]?")


def _cover_range(doc: DocText) -> tuple[int, int]:
    """The cover: the page of the heading (PDF text), the first 40 lines after it on a page without
    breaks, or the whole text (table layout: no pages; the cover's values are told by their shape)."""
    if doc.layout == "table":
        return doc.first_line, doc.last_line
    hit = doc.first(_HEADING, squashed=True) or doc.first(_STAMP)
    anchor = hit[0].number if hit else doc.first_line
    first, last = doc.page_of(anchor)
    if last - first > 80:
        return doc.first_line, min(doc.last_line, max(anchor, doc.first_line) + 40)
    return first, last


def _alone(doc: DocText, line: Line) -> bool:
    """A table row holding one value only (the cover's 「栃木市長」), not a labelled row."""
    return doc.layout != "table" or len([c for c in line.cells if c]) == 1


def _title(doc: DocText, lines: list[Line]) -> tuple[str, int, int, str | None] | None:
    """(title, first line, last line, leading number) for a line ending in 「…項目評価書」."""
    for i, line in enumerate(lines):
        text = line.text
        if _HEADING.search(line.squashed) or ("評価書番号" in text and "評価書名" in text):
            continue
        cells = [c for c in (line.cells if doc.layout == "table" else [text]) if c]
        candidate = cells[-1] if cells else text
        end_line = line.number
        if re.search(r"(基礎|重点|全)項目$", candidate) and i + 1 < len(lines) and lines[i + 1].text == "評価書":
            candidate += "評価書"
            end_line = lines[i + 1].number
        if not re.search(r"(基礎|重点|全)項目評価書$", candidate.replace(" ", "")):
            continue
        number = None
        if doc.layout == "table" and len(cells) >= 2 and _NUMBER_ONLY.match(cells[0]):
            number = cells[0]
        else:
            match = _NUMBER_TITLE.match(candidate)
            if match:
                number, candidate = match.group(1), match.group(2)
        return candidate.strip(), line.number, end_line, number
    return None


def parse_cover(doc: DocText, assessment: Assessment) -> None:
    """Fill the cover facts of ``assessment``; warn for each one not found."""
    first, last = _cover_range(doc)
    lines = doc.between(first, last)
    facts = assessment.facts

    heading = doc.first(_HEADING, first, last, squashed=True)
    if heading:
        kind = heading[1].group(1)
        assessment.kind = "全項目" if kind == "全" else kind
    stamp = doc.first(_STAMP, first, last)
    if stamp:
        line, match = stamp
        facts["form_stamp"] = Fact(re.sub(r"\s+", " ", match.group(0)), doc.evidence(line.number),
                                   normalized=f"{match.group(1).replace(' ', '')} 様式{match.group(2)}")
        by_form = KIND_BY_FORM.get(match.group(2))
        if assessment.kind is None:
            assessment.kind = by_form
        elif by_form and by_form != assessment.kind:
            doc.warn(f"form stamp 様式{match.group(2)} ({by_form}) disagrees with the heading ({assessment.kind})",
                     line.number)

    title = _title(doc, lines)
    if title:
        text, start, end, number = title
        facts["title"] = Fact(text, doc.evidence(start, end))
        if number:
            facts["number"] = Fact(number, doc.evidence(start))
        if assessment.kind is None:
            found = _TITLE_END.search(text.replace(" ", ""))
            if found:
                assessment.kind = "全項目" if found.group(1) == "全" else found.group(1)
    if "number" not in facts:
        numbers = [line for line in lines if _NUMBER_ONLY.match(line.text) or
                   (doc.layout == "table" and line.cells and _NUMBER_ONLY.match(line.cells[0]))]
        label = doc.first(r"評価書番号", first, last)
        if len({ln.text for ln in numbers}) > 1:
            # A bare 「1」 is the cover's page number (page furniture) when another number stands there.
            numbers = [ln for ln in numbers if ln.text != "1"] or numbers
        if numbers:
            anchor = label[0].number if label else first
            chosen = min(numbers, key=lambda line: abs(line.number - anchor))
            value = chosen.text if _NUMBER_ONLY.match(chosen.text) else chosen.cells[0]
            facts["number"] = Fact(value, doc.evidence(chosen.number))
            if len(numbers) > 1:
                doc.warn(f"several bare numbers on the cover; took {value} as 評価書番号", chosen.number)

    for line in lines:
        if not _alone(doc, line):
            continue
        for cell in line.cells if doc.layout == "table" else [line.text]:
            match = _BODY.match(cell.replace(" ", "").replace("\u3000", ""))
            if match and "body" not in facts:
                body = cell.strip()
                facts["body"] = Fact(body, doc.evidence(line.number))
                facts["municipality"] = Fact(match.group("name"), doc.evidence(line.number))
                if match.group("pref"):
                    facts["prefecture"] = Fact(match.group("pref"), doc.evidence(line.number))
    if "municipality" not in facts:
        for line in lines:
            match = _DECLARATION.match(line.text)
            if match:
                facts["municipality"] = Fact(match.group(1), doc.evidence(line.number))
                break

    label = doc.first(r"公表日", first, last)
    dated = [(line, parse_date(line.text)) for line in lines if WAREKI.search(line.text)]
    dated = [(line, date) for line, date in dated if date]
    # The 公表日 stands alone in its box (or after its label); a date after another label
    # (「⑤保有開始日 令和3年3月1日」) is that field's, wherever its box was printed.
    alone = [(line, date) for line, date in dated
             if WAREKI.fullmatch(line.text.strip()) or "公表日" in line.squashed]
    dated = alone or dated
    if dated:
        anchor = label[0].number if label else first
        line, date = min(dated, key=lambda pair: abs(pair[0].number - anchor))
        facts["published_on"] = Fact(WAREKI.search(line.text).group(0), doc.evidence(line.number),
                                     normalized=date.isoformat())

    for name, label_text in (("number", "評価書番号"), ("title", "評価書名"), ("body", "評価実施機関名"),
                             ("published_on", "公表日")):
        if name not in facts:
            hit = doc.first(label_text, first, last)
            doc.warn(f"cover: {label_text} not found", hit[0].number if hit else first)
    if assessment.kind is None:
        doc.warn("cover: kind of assessment (基礎/重点/全項目) not recognised", first)
