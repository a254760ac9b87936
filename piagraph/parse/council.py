"""Council documents (答申, 諮問) of a municipal privacy council.

A 答申 answers a 諮問 (consultation) about an external provision or the third-party review
(第三者点検) of an assessment: council, number and date, the consultation it answers, subject, affair,
department, the ordinance article, the external recipient and contractor, the deliberation date, the
decision and the numbered protective conditions. A 諮問 letter names the assessment under review,
its files and systems.

The letters' labels are spaced out in PDF text (「諮 問 件 名」, 「審 議 結 果」): they are matched on
squashed text, the values read after the label on the same line, else on the following lines up to
the next label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from piagraph.model import CouncilReview, Evidence, Fact
from piagraph.normalize.dates import WAREKI, parse_date
from piagraph.normalize.text import CIRCLED, norm, squash
from piagraph.parse.doctext import DocText, Line

# fact key -> label as printed (squashed). Longer labels first where one contains another.
LABELS: tuple[tuple[str, str], ...] = (
    ("subject", "諮問件名"),
    ("ordinance_basis", "条例の関係規定"),
    ("ordinance_basis", "関係規定"),
    ("affair", "業務名"),
    ("department", "諮問課"),
    ("external_recipient", "外部提供先"),
    ("deliberated_on", "審議日"),
    ("decision", "審議結果"),
    ("consultation_content", "諮問内容"),
    ("materials", "関係資料"),
    ("purpose", "目的・理由"),
    ("processing", "処理概要"),
    ("protection", "保護措置"),
    ("remarks", "備考"),
    ("files", "特定個人情報ファイルの名称"),
    ("systems", "特定個人情報ファイルを取り扱うシステム"),
    ("content", "内容"),
)
# Labels that must stand alone on their line (short words that also occur in prose).
_ALONE = {"内容", "備考"}
_HEADINGS = re.compile(r"^(答申書|諮問書|記)$")
_ANSWER_NUMBER = re.compile(r"^((?:令和|平成)\S{1,3}年度答申第\S{1,4}号)$")
_LETTER_NUMBER = re.compile(r"^(\S{1,12}第\d{1,6}号)$")
_BLANK_DATE = re.compile(r"^(令和|平成)\d*年\d*月\d*日$")
_COUNCIL = re.compile(r"(\S{2,30}?審議会)(?:への|$)")
_MUNICIPALITY = re.compile(r"^(\S{1,10}?[都道府県市区町村])\S*審議会$")
_CONSULTATION_REF = re.compile(r"((?:令和|平成)[0-9元]{1,2}年[0-9]{1,2}月[0-9]{1,2}日付け?(\S{1,12}?第[0-9]{1,6}号))で諮問")
_CONTRACTOR = re.compile(r"[(（]\s*(?:受託事業者|委託先|受託者)\s*[:：]\s*([^)）]+)[)）]")
_ASSESSMENT_TITLE = re.compile(r"「?(特定個人情報保護評価書\s*\(\s*(基礎|重点|全)項目評価書\s*\))」?")
_REVIEW_KIND = re.compile(r"(第三者点検|外部提供|目的外利用|オンライン結合)")
_LIST_ITEM = re.compile(rf"^([{CIRCLED}])\s*(.+)$")
_SIGNATORY = re.compile(r"(?:様|審議会|(?:市|町|村|区)長\S{0,8}|知事\S{0,8})$")
_GAP = 3  # empty lines in a row that end a value (a page break)
_PROSE = {"purpose", "content", "remarks", "processing", "protection", "consultation_content"}
_ENUMERATED = re.compile(rf"^(?:[{CIRCLED}]|(?:資料|別紙|参考)\s*[\d-]*|\d{{1,2}}[.．)])")
_WRAP_AT = 26  # a value line this long (squashed, label excluded) reached the right margin: it goes on


@dataclass
class _Value:
    key: str
    label_line: int
    lines: list[Line]  # the value's lines (the label line itself when the value is on it)
    first_text: str  # the label line's text after the label


def _spaced(label: str) -> re.Pattern[str]:
    """``label`` with any white space between its characters, after an optional item number."""
    body = r"\s*".join(re.escape(ch) for ch in label)
    return re.compile(rf"^\s*(?:\d{{1,2}}\s+)?{body}\s*(.*)$")


_LABEL_PATTERNS = [(key, label, _spaced(label)) for key, label in LABELS]


def _label_of(lines: list[Line], i: int) -> tuple[str, str, int, str] | None:
    """(key, label, number of lines the label spans, text after it) when line ``i`` starts a label.
    A long label may be wrapped over up to three lines (「特定個人情報ファ」「イルを取り扱うシ」「ステム」)."""
    line = lines[i]
    squashed = re.sub(r"^\d{1,2}", "", line.squashed)
    for key, label, pattern in _LABEL_PATTERNS:
        if label in _ALONE:
            if squashed == label:
                return key, label, 1, ""
            continue
        match = pattern.match(line.text)
        if match:
            return key, label, 1, match.group(1).strip()
    joined = squashed
    for span in (2, 3):
        if i + span - 1 >= len(lines):
            break
        joined += lines[i + span - 1].squashed
        for key, label, _ in _LABEL_PATTERNS:
            if joined == label or (len(label) > 6 and joined.startswith(label) and label not in _ALONE):
                rest = joined[len(label):]
                return key, label, span, rest
    return None


def _values(doc: DocText) -> list[_Value]:
    """Every labelled value of the document, in order."""
    lines = [line for line in doc.lines if line.text]
    found: list[_Value] = []
    i = 0
    current: _Value | None = None
    previous_number = None
    while i < len(lines):
        line = lines[i]
        gap = previous_number is not None and _blank_run(doc, previous_number, line.number) >= _GAP
        if gap:
            current = None
        previous_number = line.number
        label = _label_of(lines, i)
        if label is not None:
            key, _, span, rest = label
            current = _Value(key, line.number, [lines[i + span - 1]] if rest else [], rest)
            found.append(current)
            i += span
            previous_number = lines[i - 1].number
            continue
        if _HEADINGS.match(line.squashed):
            current = None
        elif current is not None and _continues(current, lines, i):
            current.lines.append(line)
        else:
            current = None
        i += 1
    return found


def _continues(value: _Value, lines: list[Line], i: int) -> bool:
    """Does line ``i`` carry on ``value``? Prose values run to the next label; a short value only
    goes on when its last line was wrapped at the right margin, or as a list or a bracketed note,
    so that a line of prose placed after it (another text box) is not taken for its end."""
    if value.key in _PROSE or (not value.lines and not value.first_text):
        return True
    text = lines[i].squashed
    if _ENUMERATED.match(text) or text.startswith("("):
        return True
    # The line before is the label's own line while only the label line holds the value.
    last = squash(value.first_text) if value.first_text and len(value.lines) == 1 else lines[i - 1].squashed
    return len(last) >= _WRAP_AT and not last.endswith("。")


def _blank_run(doc: DocText, after: int, before: int) -> int:
    return sum(1 for line in doc.between(after + 1, before - 1) if not line.text)


def _text(value: _Value) -> str:
    """The value's text: wrapped lines joined without a space (Japanese lines break inside words)."""
    parts = [value.first_text] if value.first_text else []
    parts += [line.text for line in value.lines[(1 if value.first_text else 0):]]
    return "".join(part.strip() for part in parts if part.strip())


def _evidence(doc: DocText, value: _Value) -> Evidence:
    end = value.lines[-1].number if value.lines else value.label_line
    return doc.evidence(value.label_line, max(end, value.label_line))


def _list_items(doc: DocText, value: _Value) -> list[Fact]:
    """「① 健康情報管理システム」「② …」 or a single name: one Fact per listed name."""
    items: list[Fact] = []
    texts = ([(value.first_text, value.label_line)] if value.first_text else []) + [
        (line.text, line.number) for line in value.lines[(1 if value.first_text else 0):]]
    for text, number in texts:
        text = text.strip()
        if not text:
            continue
        match = _LIST_ITEM.match(text)
        if match:
            items.append(Fact(match.group(2).strip(), doc.evidence(number), normalized=match.group(1)))
        elif items and not texts[0][0].startswith(tuple(CIRCLED)) and len(items) == 1:
            items[0] = Fact(items[0].value + text, doc.evidence(items[0].evidence.line_start, number))
        elif items:
            last = items[-1]
            items[-1] = Fact(last.value + text, doc.evidence(last.evidence.line_start, number), last.normalized)
        else:
            items.append(Fact(text, doc.evidence(number)))
    return items


def _set(review: CouncilReview, key: str, fact: Fact) -> None:
    """The first value of a key wins (a 諮問 letter repeats its items in the attached 諮問書)."""
    review.facts.setdefault(key, fact)


def _header_lines(doc: DocText) -> list[Line]:
    """Lines of the letter head: before the first heading (答申書/諮問書) or label."""
    head: list[Line] = []
    lines = [line for line in doc.lines if line.text]
    for i, line in enumerate(lines):
        if _HEADINGS.match(line.squashed) or _label_of(lines, i) is not None:
            break
        head.append(line)
    return head


def _letter_head_before(doc: DocText) -> list[tuple[int, str]]:
    """A 諮問 letter's number, date, addressee and sender printed just before the span's first line
    (the document splitter starts a 諮問 at its title). (line number, text) pairs, nearest last."""
    lines = doc.span.source.lines
    found: list[tuple[int, str]] = []
    number = doc.span.line_start - 1
    while number >= 1 and len(found) < 8 and doc.span.line_start - number <= 30:
        text = norm(lines[number - 1])
        if text:
            flat = squash(text)
            if not (_LETTER_NUMBER.match(flat) or WAREKI.fullmatch(flat) or _SIGNATORY.search(flat)):
                break
            found.append((number, text))
        number -= 1
    return list(reversed(found))


def _head_facts(doc: DocText, review: CouncilReview) -> None:
    """Number, date and council from the letter head."""
    head = [(line.number, line.text) for line in _header_lines(doc)]
    if review.doc_type == "諮問":
        head = _letter_head_before(doc) + head
    for number, text in head:
        flat = squash(text)
        evidence = Evidence(doc.source_file, number, number, text)
        if _ANSWER_NUMBER.match(flat) or _LETTER_NUMBER.match(flat):
            _set(review, "number", Fact(flat, evidence))
        elif WAREKI.fullmatch(flat):
            day = parse_date(flat)
            _set(review, "date", Fact(flat, evidence, day.isoformat() if day else None))
        elif _BLANK_DATE.match(flat):
            review.facts.setdefault("date_blank", Fact(text, evidence))
        elif flat.endswith("審議会") and "council" not in review.facts:
            _set(review, "council", Fact(flat, evidence))
        elif flat.endswith("様"):
            _set(review, "addressee", Fact(text.removesuffix("様").strip(), evidence))
    if "council" not in review.facts:
        hit = doc.first(_COUNCIL, squashed=True)
        if hit:
            line, match = hit
            _set(review, "council", Fact(match.group(1), doc.evidence(line.number)))
    council = review.facts.get("council")
    if council:
        match = _MUNICIPALITY.match(council.value)
        if match:
            _set(review, "municipality", Fact(match.group(1), council.evidence))


def _consultation_ref(doc: DocText, review: CouncilReview) -> None:
    """「令和４年１０月１３日付け高健予第２３８７号で諮問のあった事項」: the 諮問 a 答申 answers."""
    lines = [line for line in doc.lines if line.text][:40]
    flat = "".join(line.squashed for line in lines)
    match = _CONSULTATION_REF.search(flat)
    if not match:
        return
    line = next((ln for ln in lines if match.group(2)[:4] in ln.squashed), lines[0])
    day = parse_date(match.group(1))
    review.facts["consultation_ref"] = Fact(match.group(1), doc.evidence(line.number))
    if day:
        printed = WAREKI.search(match.group(1))
        review.facts["consultation_date"] = Fact(printed.group(0) if printed else match.group(1),
                                                 doc.evidence(line.number), day.isoformat())


def _positions(lines: list[Line]) -> tuple[str, list[tuple[int, int]]]:
    """Lines joined without breaks, and (offset, line number) where each line starts."""
    text, starts = "", []
    for line in lines:
        starts.append((len(text), line.number))
        text += line.squashed
    return text, starts


def _line_at(starts: list[tuple[int, int]], offset: int) -> int:
    number = starts[0][1]
    for start, line_number in starts:
        if start > offset:
            break
        number = line_number
    return number


def _enumerated(text: str, markers: list[str], start: int = 0) -> list[tuple[str, int, int]]:
    """(marker, start, end) of the items 「marker₁…marker₂…」 found in order: a marker only counts
    where the next expected one appears, so 「⑤と同期間」 inside item ⑥ does not split it."""
    found: list[tuple[str, int]] = []
    position = start
    for marker in markers:
        at = text.find(marker, position)
        if at < 0:
            break
        found.append((marker, at))
        position = at + len(marker)
    return [(marker, at + len(marker), found[i + 1][1] if i + 1 < len(found) else len(text))
            for i, (marker, at) in enumerate(found)]


def _conditions(doc: DocText, review: CouncilReview, content: _Value) -> None:
    """The numbered protective conditions of a 答申's 内容: 「（１）…、（２）…、（５）…①…②…など」."""
    # The 内容 runs over page breaks to the end of the letter.
    text, starts = _positions([line for line in doc.between(content.label_line + 1, doc.last_line) if line.text])
    anchor = text.find("審議した結果")
    anchor = anchor if anchor >= 0 else 0
    end = text.rfind("など", anchor)
    if end < 0:
        end = text.rfind("承認", anchor)
    body = text[: end if end > anchor else len(text)]
    top = _enumerated(body, [f"({n})" for n in range(1, 21)], anchor)
    if not top:
        doc.warn("答申: no numbered conditions (（１）, （２）…) found in 内容", content.label_line)
        return
    for marker, begin, finish in top:
        item = body[begin:finish]
        subs = _enumerated(item, list(CIRCLED))
        if len(subs) >= 2:
            intro = item[: subs[0][1] - 1].rstrip("、,")
            for sub, sub_begin, sub_finish in subs:
                value = item[sub_begin:sub_finish].rstrip("、,")
                first = _line_at(starts, begin + sub_begin)
                last = _line_at(starts, begin + sub_finish - 1)
                review.conditions.append(Fact(value, doc.evidence(first, last, f"{intro} {sub}{value}"),
                                              normalized=f"{marker}{sub}"))
            continue
        value = item.rstrip("、,")
        first, last = _line_at(starts, begin), _line_at(starts, finish - 1)
        review.conditions.append(Fact(value, doc.evidence(first, last, f"{marker}{value}"), normalized=marker))


def parse_council(doc: DocText, review: CouncilReview) -> None:
    """Fill ``review`` from a 答申 or 諮問 document; warn for each main fact not found."""
    _head_facts(doc, review)
    if review.doc_type == "答申":
        _consultation_ref(doc, review)
    content: _Value | None = None
    for value in _values(doc):
        text = _text(value)
        if value.key == "content":
            content = content or value
            continue
        if value.key in ("files", "systems"):
            target = review.listed_files if value.key == "files" else review.listed_systems
            if not target:
                target.extend(_list_items(doc, value))
            continue
        if not text:
            continue
        evidence = _evidence(doc, value)
        if value.key == "external_recipient":
            contractor = _CONTRACTOR.search(text)
            if contractor:
                _set(review, "contractor", Fact(contractor.group(1).strip(), evidence))
                text = _CONTRACTOR.sub("", text).strip()
        if value.key == "deliberated_on":
            day = parse_date(text)
            _set(review, value.key, Fact(text, evidence, day.isoformat() if day else None))
            continue
        if value.key in ("decision",):
            text = squash(text)
        if value.key == "materials":
            rest = [line.text for line in value.lines[(1 if value.first_text else 0):] if line.text]
            text = " / ".join(([value.first_text] if value.first_text else []) + rest)
        _set(review, value.key, Fact(text, evidence))

    subject = review.facts.get("subject")
    if subject:
        title = _ASSESSMENT_TITLE.search(subject.value)
        if title:
            kind = {"全": "全項目"}.get(title.group(2), title.group(2))
            review.facts["reviewed_assessment_title"] = Fact(title.group(1), subject.evidence)
            review.facts["reviewed_assessment_kind"] = Fact(kind, subject.evidence)
        kind_of_review = _REVIEW_KIND.search(subject.value)
        if kind_of_review:
            review.facts["review_kind"] = Fact(kind_of_review.group(1), subject.evidence)

    if "date" not in review.facts and "deliberated_on" in review.facts:
        # The 答申's own date is often left blank (「令 和 ４ 年  月  日」): date it by its deliberation.
        held = review.facts["deliberated_on"]
        review.facts["date"] = Fact(held.value, held.evidence, held.normalized)
        review.facts["date_basis"] = Fact("審議日", held.evidence)
        blank = review.facts.get("date_blank")
        doc.warn(f"{review.doc_type}: its own date is blank; dated by the 審議日 {held.value}",
                 blank.evidence.line_start if blank else held.evidence.line_start)

    if review.doc_type == "答申" and content is not None:
        _conditions(doc, review, content)

    required = ["council", "subject", "date"] + (["decision", "number"] if review.doc_type == "答申" else [])
    for key in required:
        if key not in review.facts:
            doc.warn(f"{review.doc_type}: {key} not found", doc.first_line)
