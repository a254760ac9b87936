"""Ⅳ/Ⅴ 開示請求、問合せ (重点: Ⅳ, 全項目: Ⅴ, 基礎: Ⅰ7-8) and Ⅴ/Ⅵ 評価実施手続.

Contacts: 「①請求先」 (開示請求) and 「①連絡先」 (問合せ). In PDF text the value box (department,
〒/住所, 電話) usually shares the label's block; when the label stands alone, its value is the nearest
block of the page that looks like a contact (a phone number or an address) and holds no label, with
the blocks that follow it directly (several offices). A contact-like block nobody claims is warned about.

評価実施手続: the しきい値判断結果 (the chosen answer, never the numbered choice list), ①実施日 of the
基礎項目評価, 意見の聴取 (方法, 実施日・期間, 主な意見) and 第三者点検 (実施日, 方法), found by their labels
and by the shape of their values because the boxes of a page move.
"""

from __future__ import annotations

import re

from piagraph.model import Assessment, Contact, Fact
from piagraph.normalize.dates import find_dates, kanji_number, parse_date
from piagraph.normalize.text import nfkc, norm, squash
from piagraph.parse.doctext import DocText, Line
from piagraph.parse.risks import changelog_start, scope

ROLES = {"請求先": "開示請求", "連絡先": "問合せ"}
_LABEL = re.compile(r"^①?\s*(請求先|連絡先)(?=\s|$|[:：])")
_PHONE = re.compile(r"(?<![\d-])(0\d{1,4}-\d{1,4}-\d{3,4})(?![\d-])")
_FAX = re.compile(r"fax|ファックス|ファクス", re.I)
_FAX_BEFORE = re.compile(r"(fax|ファックス|ファクス|ＦＡＸ)\s*[:：]?\s*$", re.I)
_POSTCODE = re.compile(r"〒?\s*(?<![\d-])\d{3}-\d{4}(?![\d-])")
_ADDRESS_LABEL = re.compile(r"住\s*所\s*[:：]?\s*")
_PHONE_LABEL = re.compile(r"(電話番号|電話|TEL|Tel)\s*[:：]?\s*", re.I)
_ANY_LABEL = re.compile(r"[①-⑳]|請求先|連絡先|公表場所|特記事項")
_DASH = {"-", "－", "―", "—", "‐", "ー", ""}

_NUMBERED_CHOICE_END = re.compile(r"\d\)$")  # 「2)」 of a choice list just before a choice
_THRESHOLD = re.compile(
    r"(基礎項目評価及び全項目評価の実施が義務付けられる|基礎項目評価及び重点項目評価の実施が義務付けられる"
    r"|基礎項目評価の実施が義務付けられる|特定個人情報保護評価の実施が義務付けられない)"
    r"(\(任意に(?:重点|全)項目評価を実施\))?"
)
_YEAR_MONTH = re.compile(r"(平成|令和)\s*(元|\d{1,2}|[一二三四五六七八九十]{1,3})\s*年\s*(\d{1,2})\s*月")
_DATE_ONLY = re.compile(r"^(?:平成|令和)\S{1,3}年\d{1,2}月(?:\d{1,2}日)?(?:\(?予定\)?)?$")
_REVIEW_WORDS = re.compile(r"審議会|委員会|第三者|点検|審議|諮問")
_COMMENT_WORDS = re.compile(r"パブリックコメント|ホームページ|Webページ|ウェブ|掲載|閲覧|広報|配架|募集|意見公募")
_HEADING = re.compile(r"^\d{1,2}\.|【任意】|【行政機関等のみ】")


# -- contacts -------------------------------------------------------------------------------------
def _phone(text: str) -> str | None:
    for match in _PHONE.finditer(text):
        if not _FAX_BEFORE.search(text[max(0, match.start() - 10) : match.start()]):
            return match.group(1)
    return None


def _address(text: str) -> str | None:
    label = _ADDRESS_LABEL.search(text)
    post = _POSTCODE.search(text)
    if label and (post is None or label.start() < post.start()):
        start = label.end()
    elif post:
        start = post.start()
    else:
        return None
    rest = text[start:]
    stops = [m.start() for m in (_PHONE_LABEL.search(rest), _PHONE.search(rest), _FAX.search(rest)) if m]
    end = min(stops) if stops else len(rest)
    value = norm(rest[:end]).rstrip("、, ")
    return value or None


def _department(text: str) -> str:
    cuts = [m.start() for m in (_ADDRESS_LABEL.search(text), _POSTCODE.search(text), _PHONE_LABEL.search(text),
                                _PHONE.search(text)) if m]
    part = text[: min(cuts)] if cuts else text
    part = re.sub(r"^①?\s*(請求先|連絡先)\s*", "", part)
    return norm(part)


def _is_detail(text: str) -> bool:
    return bool(_PHONE.search(text) or _POSTCODE.search(text) or _ADDRESS_LABEL.search(text))


def contacts_from(lines: list[tuple[int, str]]) -> list[tuple[int, int, dict[str, str]]]:
    """Group lines into contacts: (first line, last line, fields). A department line after a
    contact's phone starts the next contact (lists of offices)."""
    out: list[tuple[int, int, dict[str, str]]] = []
    current: dict[str, str] = {}
    first = last = 0
    for number, raw in lines:
        text = norm(raw)
        if not text:
            continue
        if current.get("phone") and _department(text) and not _ADDRESS_LABEL.match(text) \
                and not _POSTCODE.match(text) and not _PHONE_LABEL.match(text):
            out.append((first, last, current))
            current = {}
        if not current:
            first = number
        last = number
        department = _department(text)
        if department and department not in _DASH and not re.match(r"^(fax|ファックス)", department, re.I):
            current["department"] = f"{current['department']} {department}" if "department" in current \
                else department
        address, phone = _address(text), _phone(text)
        if address and "address" not in current:
            current["address"] = address
        if phone and "phone" not in current:
            current["phone"] = phone
    if current:
        out.append((first, last, current))
    return [c for c in out if c[2].get("phone") or c[2].get("address")]


def _add(doc: DocText, assessment: Assessment, role: str, first: int, last: int, fields: dict[str, str]) -> None:
    evidence = doc.evidence(first, last)
    assessment.contacts.append(Contact(role=role, evidence=evidence, department=fields.get("department"),
                                       address=fields.get("address"), phone=fields.get("phone")))


def _table_contacts(doc: DocText, assessment: Assessment, end: int | None) -> None:
    for line in doc.lines:
        if end is not None and line.number >= end:
            break
        cells = line.cells
        for i, cell in enumerate(cells):
            match = _LABEL.match(squash(cell))
            if not match or i + 1 >= len(cells):
                continue
            value = next((c for c in cells[i + 1 :] if c.strip()), "")
            found = contacts_from([(line.number, part) for part in value.split("\n")])
            if not found:
                doc.warn(f"{cell}: no department, address or phone found", line.number)
            for first, last, fields in found:
                _add(doc, assessment, ROLES[match.group(1)], first, last, fields)


def _block_lines(block: list[Line], after: int | None = None) -> list[tuple[int, str]]:
    return [(ln.number, ln.text) for ln in block if after is None or ln.number >= after]


def _pdf_contacts(doc: DocText, assessment: Assessment, end: int | None) -> None:
    labels = [(line, match.group(1)) for line, match in doc.find(_LABEL, squashed=True)
              if (end is None or line.number < end) and not _change_item(doc, line)]
    if not labels:
        return
    claimed: set[int] = set()  # first line of blocks already used
    bare: list[tuple[Line, str]] = []
    for line, key in labels:
        block = doc.block_of(line.number)
        claimed.add(block[0].number)
        found = contacts_from(_block_lines(block, line.number))
        if not found:
            bare.append((line, key))
        for first, last, fields in found:
            _add(doc, assessment, ROLES[key], first, last, fields)
    first_label = min(line.number for line, _ in labels)
    last_label = max(line.number for line, _ in labels)
    # Whole pages, even long ones: a contact-like box without a label has nowhere else to belong.
    lo, hi = doc.page_of(first_label)[0], doc.page_of(last_label)[1]
    if end is not None:
        hi = min(hi, end - 1)
    orphans = [i for i, block in enumerate(doc.blocks) if lo <= block[0].number <= hi
               and block[0].number not in claimed and _contact_block(block)]
    for line, key in bare:
        page = doc.page_of(line.number)
        near = [i for i in orphans if page[0] <= doc.blocks[i][0].number <= page[1]]
        if not near:
            doc.warn(f"{line.text}: no contact found on its page", line.number)
            continue
        start = min(near, key=lambda i: abs(doc.blocks[i][0].number - line.number))
        run = [start]
        while run[-1] + 1 in orphans:  # an office list printed as consecutive boxes
            run.append(run[-1] + 1)
        for i in run:
            orphans.remove(i)
            for first, last, fields in contacts_from(_block_lines(doc.blocks[i])):
                _add(doc, assessment, ROLES[key], first, last, fields)
    for i in orphans:
        block = doc.blocks[i]
        doc.warn(f"contact-like box 「{block[0].text[:40]}」 not placed (請求先/連絡先 already filled, or another "
                 "label such as 公表場所)", block[0].number)


def _change_item(doc: DocText, line: Line) -> bool:
    """A label under an item path such as 「Ⅴ開示請求、問合せ / 2.… / ①連絡先」 is a 変更箇所 row."""
    return any(re.match(r"^[Ⅰ-Ⅵ]", ln.text) for ln in doc.block_of(line.number) if ln.number < line.number)


def _contact_block(block: list[Line]) -> bool:
    text = " ".join(ln.text for ln in block)
    return bool(_PHONE.search(text) or _POSTCODE.search(text)) and not _ANY_LABEL.search(text)


# -- 評価実施手続 ----------------------------------------------------------------------------------
def _dash(value: str | None) -> bool:
    return value is None or squash(value) in _DASH


def year_month(text: str) -> str | None:
    """ISO date (YYYY-MM-DD) of a full 和暦 date, or YYYY-MM when only year and month are given."""
    full = parse_date(text)
    if full:
        return full.isoformat()
    match = _YEAR_MONTH.search(nfkc(text))
    if not match:
        return None
    era, year, month = match.groups()
    number = 1 if year == "元" else kanji_number(year)
    if number is None:
        return None
    base = 1988 if era == "平成" else 2018
    return f"{base + number:04d}-{int(month):02d}"


def _label_value(doc: DocText, pattern: str, start: int, end: int) -> list[tuple[Line, str | None]]:
    """Each line in [start, end] starting with the label, with its inline value (None when bare);
    in table layout the next cell."""
    out = []
    regex = re.compile(pattern)
    for line, _ in doc.find(regex, start, end, squashed=True):
        if doc.layout == "table":
            value = doc.table_value(line, regex)
        else:
            match = re.search(r"^\s*" + pattern.lstrip("^"), line.text)
            value = line.text[match.end() :].strip() if match else None
            if not value:
                block = doc.block_of(line.number)
                rest = [ln.text for ln in block if ln.number > line.number]
                value = "".join(rest) if rest and not any(re.search(r"[①-⑳]", t) for t in rest) else None
        out.append((line, value or None))
    return out


def _fact(assessment: Assessment, key: str, value: str, evidence_lines: tuple[int, int], doc: DocText,
          normalized: str | None = None) -> None:
    assessment.facts[key] = Fact(value, doc.evidence(*evidence_lines), normalized=normalized)


def _threshold(doc: DocText, assessment: Assessment, end: int | None) -> None:
    found: list[tuple[Line, str]] = []
    for line, _ in doc.find(_THRESHOLD, squashed=True):
        if end is not None and line.number >= end:
            break
        for match in _THRESHOLD.finditer(line.squashed):
            if _NUMBERED_CHOICE_END.search(line.squashed[max(0, match.start() - 2) : match.start()]):
                continue  # a numbered entry of the choice list
            if "選択した" in line.squashed:
                continue
            found.append((line, match.group(0)))
    values = {value for _, value in found}
    if not found:
        return
    if len(values) > 1:
        doc.warn(f"しきい値判断結果: several answers {sorted(values)}; kept the first", found[0][0].number)
    line, value = found[0]
    _fact(assessment, "threshold_result", value, (line.number, line.number), doc)


def _orphans(doc: DocText, lo: int, hi: int, pattern: re.Pattern[str]) -> list[list[Line]]:
    return [b for b in doc.blocks_from(lo, hi) if not _ANY_LABEL.search(b[0].text)
            and not _HEADING.search(b[0].squashed) and pattern.search("".join(ln.squashed for ln in b))]


def _procedures(doc: DocText, assessment: Assessment, end: int | None) -> None:
    dates = _label_value(doc, r"^①実施日", doc.first_line, (end - 1) if end else doc.last_line)
    periods = _label_value(doc, r"^②実施日・期間", doc.first_line, (end - 1) if end else doc.last_line)
    anchors = [line.number for line, _ in dates + periods]
    if not anchors:
        return
    lo, hi = scope(doc, min(anchors))[0], scope(doc, max(anchors))[1]
    if end is not None:
        hi = min(hi, end - 1)
    if doc.layout == "table":
        _table_procedures(doc, assessment, lo, hi)
        return

    # 意見の聴取: ②実施日・期間 inline, ①方法 inline or the descriptive box of the page.
    period = next(((ln, v) for ln, v in periods if not _dash(v)), None)
    method = next(((ln, v) for ln, v in _label_value(doc, r"^①方法", lo, hi) if not _dash(v)), None)
    if method is None and period is not None:
        boxes = [b for b in _orphans(doc, lo, hi, _COMMENT_WORDS) if not _REVIEW_WORDS.search(b[0].text)
                 and len("".join(ln.squashed for ln in b)) > 15]
        if boxes:
            box = min(boxes, key=lambda b: abs(b[0].number - period[0].number))
            method = (box[0], "".join(ln.text for ln in box))
    if period:
        found = find_dates(period[1] or "")
        normalized = "/".join(d.isoformat() for d, _ in found[:2]) if found else None
        _fact(assessment, "public_comment_period", period[1] or "", (period[0].number, period[0].number), doc,
              normalized)
    if method:
        _fact(assessment, "public_comment_method", method[1] or "", (method[0].number, method[0].number), doc)
    if period or method:
        text = "; ".join(p for p in (period and f"期間: {period[1]}", method and f"方法: {method[1]}") if p)
        lines = [x[0].number for x in (period, method) if x]
        _fact(assessment, "public_comment", text, (min(lines), max(lines)), doc)
    opinions = next(((ln, v) for ln, v in _label_value(doc, r"^④主な意見の内容", lo, hi) if not _dash(v)), None)
    if opinions:
        _fact(assessment, "public_comment_opinions", opinions[1] or "", (opinions[0].number,) * 2, doc)

    # 第三者点検: ②方法 inline or a box naming a council / review; its date is the date-only box
    # nearest to that method box. The remaining inline ①実施日 is the 基礎項目評価's.
    review = next(((ln, v) for ln, v in _label_value(doc, r"^②方法", lo, hi)), None)
    review_line, review_text = (review[0].number, review[1]) if review and not _dash(review[1]) else (None, None)
    if review_line is None:
        boxes = [b for b in _orphans(doc, lo, hi, _REVIEW_WORDS) if not _COMMENT_WORDS.search(b[0].squashed)]
        if boxes:
            anchor = review[0].number if review else min(anchors)
            box = min(boxes, key=lambda b: abs(b[0].number - anchor))
            review_line, review_text = box[0].number, "".join(ln.text for ln in box)
    review_date = None
    all_dates = [b[0].squashed for b in doc.blocks if len(b) == 1 and _DATE_ONLY.match(b[0].squashed)]
    # A date printed in several boxes is a 変更箇所 変更日, not the review's date.
    date_boxes = [b for b in doc.blocks_from(lo, hi) if len(b) == 1
                  and _DATE_ONLY.match(b[0].squashed) and all_dates.count(b[0].squashed) == 1]
    bare_dates = [ln for ln, v in dates if v is None]
    if review_line is not None and date_boxes and bare_dates:
        box = min(date_boxes, key=lambda b: abs(b[0].number - review_line))
        review_date = (box[0].number, box[0].text)
    inline_dates = [(ln, v) for ln, v in dates if v and not _dash(v) and year_month(v)]
    if review_line is not None:
        _fact(assessment, "third_party_review_method", review_text or "", (review_line, review_line), doc)
        text = review_text or ""
        if review_date:
            text = f"{review_date[1]} {text}"
        lines = [review_line] + ([review_date[0]] if review_date else [])
        _fact(assessment, "third_party_review", text, (min(lines), max(lines)), doc)
    if review_date:
        _fact(assessment, "third_party_review_date", review_date[1], (review_date[0],) * 2, doc,
              year_month(review_date[1]))
    if len(inline_dates) == 1:
        line, value = inline_dates[0]
        _fact(assessment, "basic_assessment_date", value, (line.number, line.number), doc, year_month(value))
    elif len(inline_dates) > 1:
        doc.warn("評価実施手続: several ①実施日 with dates; cannot tell the 基礎項目評価's from the 第三者点検's",
                 inline_dates[0][0].number)


def _table_procedures(doc: DocText, assessment: Assessment, lo: int, hi: int) -> None:
    """Table rows keep the form's order: a ① row belongs to the numbered heading row above it."""
    heading = ""
    for line in doc.between(lo, hi):
        cells = [c for c in line.cells if c]
        if not cells:
            continue
        first = squash(cells[0])
        if re.match(r"^\d\.", first):
            heading = first
            continue
        value = cells[1] if len(cells) > 1 else ""
        if _dash(value):
            continue
        span = (line.number, line.number)
        if "基礎項目評価" in heading and first.startswith("①実施日"):
            _fact(assessment, "basic_assessment_date", value, span, doc, year_month(value))
        elif "意見の聴取" in heading and first.startswith("①方法"):
            _fact(assessment, "public_comment_method", value, span, doc)
        elif "意見の聴取" in heading and first.startswith("②実施日"):
            found = find_dates(value)
            _fact(assessment, "public_comment_period", value, span, doc,
                  "/".join(d.isoformat() for d, _ in found[:2]) or None)
        elif "第三者点検" in heading and first.startswith("①実施日"):
            _fact(assessment, "third_party_review_date", value, span, doc, year_month(value))
        elif "第三者点検" in heading and first.startswith("②方法"):
            _fact(assessment, "third_party_review_method", value, span, doc)
            _fact(assessment, "third_party_review", value, span, doc)
    parts = [assessment.facts[k] for k in ("public_comment_period", "public_comment_method") if k in assessment.facts]
    if parts:
        _fact(assessment, "public_comment", "; ".join(p.value for p in parts),
              (min(p.evidence.line_start for p in parts), max(p.evidence.line_end for p in parts)), doc)


def _methods(doc: DocText, assessment: Assessment, end: int | None) -> None:
    """②請求方法 / ②対応方法 as facts (free text)."""
    last = (end - 1) if end else doc.last_line
    for label, key in ((r"^②請求方法", "disclosure_request_method"), (r"^②対応方法", "inquiry_handling")):
        for line, value in _label_value(doc, label, doc.first_line, last):
            if not _dash(value):
                _fact(assessment, key, value or "", (line.number, line.number), doc)
                break


def parse_contacts(doc: DocText, assessment: Assessment) -> None:
    """Fill ``assessment.contacts`` and the 評価実施手続 facts."""
    end = changelog_start(doc)
    if doc.layout == "table":
        _table_contacts(doc, assessment, end)
    else:
        _pdf_contacts(doc, assessment, end)
    _methods(doc, assessment, end)
    _threshold(doc, assessment, end)
    _procedures(doc, assessment, end)
