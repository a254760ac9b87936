"""Ⅰ1 事務, Ⅰ3 ファイル名, Ⅰ4 個人番号の利用 法令上の根拠, Ⅰ5 情報連携, Ⅰ6 担当部署, Ⅰ7 他の評価実施機関.

The section numbers differ between forms (全項目: 5 個人番号の利用, 6 情報連携, 7 担当部署; 基礎: 3, 4, 5),
so headings are matched by their words. Long cells (法令上の根拠) are blocks of their own in PDF text:
they are recognised by content (citation lines; 情報提供/情報照会 markers) within the heading's page.
"""

from __future__ import annotations

import re

from piagraph.model import Assessment, Fact, LegalRef, PersonalInfoFile
from piagraph.normalize.text import squash
from piagraph.parse.doctext import DocText, Line
from piagraph.parse.fieldtext import (
    MAX_PAGE,
    Form,
    Value,
    choice_value,
    department_join,
    file_key,
    free_blocks,
    joined,
    label_value,
    nearest_block,
    split_file_names,
    strip_parens,
)

AFFAIR_NAME = re.compile(r"^①事務の名称")
AFFAIR_CONTENT = re.compile(r"^②事務の(?:内容|概要)")
FILE_NAMES = re.compile(r"^[2-9]\.特定個人情報ファイル名")
USE_HEADING = re.compile(r"^\d+\.個人番号の利用")
USE_BASIS = re.compile(r"^法令上の根拠")
LINKAGE_HEADING = re.compile(r"^\d+\.情報提供ネットワークシステムによる情報連携")
IMPLEMENTED = re.compile(r"^①実施の有無")
LINKAGE_BASIS = re.compile(r"^②法令上の根拠")
DEPT_HEADING = re.compile(r"^\d+\.評価実施機関における担当部署")
DEPARTMENT = re.compile(r"^①部署")
HEAD = re.compile(r"^②所属長(?:の役職名)?")
OTHER_BODIES = re.compile(r"^\d+\.他の評価実施機関")

LINKAGE_CHOICES = ("実施する", "実施しない", "未定")
DESCRIPTION_CHARS = 500

# 「(情報提供の根拠)」「【情報照会】」「■情報提供の根拠」「(別表第二における情報照会の根拠)」 (NFKC text).
MARKER = re.compile(
    r"[【(■\[]\s*[^()【】\[\]「」]{0,20}?情報(?P<a>提供|照会)(?:の根拠)?\s*[】)\]]"
    r"|■\s*情報(?P<b>提供|照会)の根拠|^\s*情報(?P<c>提供|照会)の根拠"
)
ROLE = {"提供": "provision", "照会": "inquiry"}
CITATION_START = re.compile(r"^(?:[・･]|\d+\.|[①-⑳]|番号法|行政手続|住民基本台帳法|予防接種法|\S{0,30}法第)")
LAW_WORD = re.compile(r"法|命令|省令|条例|規則")
ARTICLE_WORD = re.compile(r"条|別表|項|号")
LINKAGE_ONLY = re.compile(r"第19条第[8８]号|別表第二|別表第2|情報提供ネットワーク")
NONE_WORDS = {"なし", "-", "ー", "―", "—", "該当なし", "無し", "無"}


def parse_basic(doc: DocText, assessment: Assessment) -> None:
    """Fill assessment.facts (affair, department ...), legal_refs and the Ⅰ3 file names."""
    form = Form.of(doc)
    _affair(form, assessment)
    _file_names(form, assessment)
    _use_basis(form, assessment)
    _linkage(form, assessment)
    _department(form, assessment)
    _other_bodies(form, assessment)


def _fact(form: Form, value: Value, normalized: str | None = None) -> Fact:
    return Fact(value.text, form.evidence(value), normalized)


# -- Ⅰ1 ---------------------------------------------------------------------------------------------

def _is_affair_name(text: str) -> bool:
    squashed = squash(text)
    return (squashed.endswith("事務") and "。" not in squashed and len(squashed) <= 80
            and not re.match(r"^(?:[0-9①-⑳・(]|.*の内容)", squashed))


def _is_affair_text(text: str) -> bool:
    first = text[:60]
    return "事務" in text and "機能" not in first and "。" in text and len(text) >= 20


def _affair(form: Form, assessment: Assessment) -> None:
    line = form.first(AFFAIR_NAME)
    if line is None:
        form.doc.warn("Ⅰ1 ①事務の名称 not found")
        return
    first, last = form.scope(line.number)
    value = label_value(form, line, AFFAIR_NAME)
    if value is None or not _is_affair_name(value.text):
        value = nearest_block(form, line, first, last, _is_affair_name) or value
    if value is None:
        form.doc.warn("Ⅰ1 ①事務の名称: no value found", line.number)
    else:
        assessment.facts["affair"] = _fact(form, value)
    label = form.first(AFFAIR_CONTENT, first, last) or form.first(AFFAIR_CONTENT)
    if label is None:
        return
    first, last = form.scope(label.number)
    content = label_value(form, label, AFFAIR_CONTENT)
    if content is None or len(content.text) < 10:
        content = nearest_block(form, label, first, last, _is_affair_text)
    if content is None:
        form.doc.warn("Ⅰ1 ②事務の内容: no text found", label.number)
        return
    text = content.text[:DESCRIPTION_CHARS]
    assessment.facts["affair_description"] = Fact(text, form.doc.evidence(content.start, content.end))


# -- Ⅰ3 ---------------------------------------------------------------------------------------------

def add_file(assessment: Assessment, name: str, evidence_fact: Fact | None = None,
             form: Form | None = None, value: Value | None = None,
             number: int | None = None) -> PersonalInfoFile:
    """The file named ``name``, created when no file of that (normalised) name exists yet."""
    key = file_key(name)
    for existing in assessment.files:
        if file_key(existing.name) == key:
            if existing.number is None:
                existing.number = number
            return existing
    assert form is not None and value is not None
    created = PersonalInfoFile(name, form.evidence(value), number)
    assessment.files.append(created)
    return created


def _name_block(text: str) -> bool:
    return split_file_names(text) is not None


def _file_names(form: Form, assessment: Assessment) -> None:
    line = form.first(FILE_NAMES)
    if line is None:
        form.doc.warn("Ⅰ 特定個人情報ファイル名 not found")
        return
    first, last = form.scope(line.number)
    value = label_value(form, line, FILE_NAMES)
    names = split_file_names(value.text) if value else None
    if not names:
        # The list naming the most files: a single name nearby may be a Ⅱ heading's.
        def count(text: str) -> int:
            return len(split_file_names(text) or [])

        value = nearest_block(form, line, first, last, _name_block, rank=count)
        if value is None and form.huge_page(line.number):
            value = nearest_block(form, line, *form.page(line.number), _name_block, rank=count)
        names = split_file_names(value.text) if value else None
    if not names or value is None:
        form.doc.warn("Ⅰ 特定個人情報ファイル名: no file name found", line.number)
        return
    for index, name in enumerate(names, 1):
        add_file(assessment, name, form=form, value=value, number=index if len(names) > 1 else None)


# -- Ⅰ4 ---------------------------------------------------------------------------------------------

def _citation_block(block: list[Line]) -> str | None:
    """The citation text of a block of legal references, or None when the block is something else."""
    lines = [line.text for line in block]
    lines[0] = re.sub(r"^(?:②)?法令上の根拠\s*", "", lines[0]).strip()
    lines = [x for x in lines if x]
    if not lines:
        return None
    text = "\n".join(lines)
    flat = "".join(lines)
    # 「・第8条(住民票の記載等)」 continues a law named on the previous page.
    articles_only = all(re.match(r"^[・･]?第\d+条|^\(", x) for x in lines)
    if not CITATION_START.search(lines[0]) or not ARTICLE_WORD.search(flat):
        return None
    if not LAW_WORD.search(flat) and not articles_only:
        return None
    if "。" in strip_parens(flat) or MARKER.search(text):
        return None
    return text


def _only_linkage(text: str) -> bool:
    """A citation of 第19条第8号 / 別表第二 alone: the Ⅰ5 basis printed without its marker."""
    rest = LINKAGE_ONLY.sub("", strip_parens(text))
    return bool(LINKAGE_ONLY.search(text)) and not re.search(r"第\d+条", rest)


def _pages_between(form: Form, start_line: Line, end_line: Line | None) -> tuple[int, int]:
    """The neighbourhood of ``start_line``, extended to the pages before ``end_line`` when that
    heading starts a later page (a long cell continued on the next page)."""
    first, last = form.scope(start_line.number)
    if end_line is not None:
        end_first = form.doc.page_of(end_line.number)[0]
        if end_first > last:
            last = min(end_first - 1, last + MAX_PAGE)
    return first, min(last, form.limit - 1)


def _use_basis(form: Form, assessment: Assessment) -> None:
    heading = form.first(USE_HEADING)
    if heading is None:
        form.doc.warn("Ⅰ 個人番号の利用 not found")
        return
    if form.table:
        row = form.first(USE_BASIS)
        value = label_value(form, row, USE_BASIS) if row else None
        if value is None:
            form.doc.warn("Ⅰ 個人番号の利用 法令上の根拠: no text found", heading.number)
            return
        assessment.legal_refs.append(LegalRef(value.text, form.evidence(value, value.text), "use"))
        return
    linkage = form.first(LINKAGE_HEADING, heading.number)
    first, last = _pages_between(form, heading, linkage)
    shared = linkage is not None and form.doc.page_of(linkage.number) == form.doc.page_of(heading.number)
    parts: list[tuple[list[Line], str]] = []
    for block in form.blocks(first, last):
        if any(line.squashed.startswith(("①", "②")) for line in block):
            continue
        text = _citation_block(block)
        if text is None:
            continue
        # On the Ⅰ5 page an unmarked 第19条第8号 preface belongs to Ⅰ5 (see _linkage).
        if not shared and linkage is not None and _only_linkage(text):
            continue
        if shared and _only_linkage(text) and len(block) == 1 and _near_markers(form, block, first, last):
            continue
        parts.append((block, text))
    if not parts:
        form.doc.warn("Ⅰ 個人番号の利用 法令上の根拠: no citation found", heading.number)
        return
    raw = "\n".join(text for _, text in parts)
    start = min(block[0].number for block, _ in parts)
    end = max(block[-1].number for block, _ in parts)
    assessment.legal_refs.append(LegalRef(raw, form.doc.evidence(start, end, raw), "use"))


def _near_markers(form: Form, block: list[Line], first: int, last: int) -> bool:
    """Whether the page also holds a marked Ⅰ5 basis block (so a lone 19条8号 line is its preface)."""
    return any(MARKER.search(joined(b, "\n")) for b in form.blocks(first, last) if b is not block)


# -- Ⅰ5 ---------------------------------------------------------------------------------------------

def split_roles(lines: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], dict[str, list[tuple[int, str]]]]:
    """Cut (line number, text) pieces at the 情報提供/情報照会 markers: the preface before the first
    marker and the pieces of each role."""
    preface: list[tuple[int, str]] = []
    parts: dict[str, list[tuple[int, str]]] = {}
    role: str | None = None
    for number, text in lines:
        position = 0
        for match in MARKER.finditer(text):
            before = text[position:match.start()].strip()
            if before:
                (parts.setdefault(role, []) if role else preface).append((number, before))
            kind = match.group("a") or match.group("b") or match.group("c")
            role = ROLE[kind]
            position = match.start()
            # keep the marker with its part: 「(情報提供の根拠)」 says what follows
            parts.setdefault(role, [])
            parts[role].append((number, text[match.start():match.end()].strip()))
            position = match.end()
        rest = text[position:].strip()
        if rest:
            (parts.setdefault(role, []) if role else preface).append((number, rest))
    return preface, parts


def _linkage(form: Form, assessment: Assessment) -> None:
    heading = form.first(LINKAGE_HEADING)
    if heading is None:
        form.doc.warn("Ⅰ 情報提供ネットワークシステムによる情報連携 not found")
        return
    first, last = form.scope(heading.number)
    label = form.first(IMPLEMENTED, first, last) or form.first(IMPLEMENTED, heading.number)
    if label is None:
        form.doc.warn("Ⅰ 情報連携 ①実施の有無 not found", heading.number)
    else:
        scope = form.scope(label.number)
        value = choice_value(form, label, IMPLEMENTED, LINKAGE_CHOICES, *scope)
        if value is None:
            form.doc.warn("Ⅰ 情報連携 ①実施の有無: no answer found", label.number)
        else:
            assessment.facts["information_linkage"] = _fact(form, value)
    pieces = _linkage_pieces(form, heading)
    if pieces is None:
        return
    preface, parts = split_roles(pieces)
    if not parts:
        if preface:
            form.doc.warn("Ⅰ 情報連携 ②法令上の根拠: no 情報提供/情報照会 part found; text kept under "
                          "role 'linkage'", preface[0][0])
            text = "\n".join(t for _, t in preface)
            assessment.legal_refs.append(
                LegalRef(text, form.doc.evidence(preface[0][0], preface[-1][0], text), "linkage"))
        return
    for role in ("provision", "inquiry"):
        part = parts.get(role)
        if not part:
            continue
        # The preface (「番号法第19条第8号及び別表第二」) is the common ground of both parts.
        pieces_of_role = preface + part
        text = "\n".join(t for _, t in pieces_of_role)
        start = min(n for n, _ in pieces_of_role)
        end = max(n for n, _ in pieces_of_role)
        assessment.legal_refs.append(LegalRef(text, form.doc.evidence(start, end, text), role))


def _linkage_pieces(form: Form, heading: Line) -> list[tuple[int, str]] | None:
    """(line, text) of the Ⅰ5 ②法令上の根拠 cell, in line order."""
    if form.table:
        row = form.first(LINKAGE_BASIS, heading.number) or form.first(LINKAGE_BASIS)
        value = label_value(form, row, LINKAGE_BASIS) if row else None
        if value is None:
            form.doc.warn("Ⅰ 情報連携 ②法令上の根拠: no text found", heading.number)
            return None
        return [(row.number, value.text)] if row else None
    use = form.first(USE_HEADING)
    dept = form.first(DEPT_HEADING, heading.number)
    first, last = _pages_between(form, heading, dept)
    use_page = form.doc.page_of(use.number) if use else None
    pieces: list[tuple[int, str]] = []
    for block in form.blocks(first, last):
        text = joined(block, "\n")
        if MARKER.search(text):
            lines = [(line.number, re.sub(r"^②法令上の根拠\s*", "", line.text)) for line in block]
            pieces.extend((n, t) for n, t in lines if t)
            continue
        if use_page is not None and form.doc.page_of(block[0].number) == use_page:
            continue  # unmarked citations on the Ⅰ4 page are Ⅰ4's
        if any(line.squashed.startswith(("①", "②")) for line in block):
            continue
        cited = _citation_block(block)
        if cited and _only_linkage(cited):
            pieces.extend((line.number, line.text) for line in block)
    if not pieces:
        form.doc.warn("Ⅰ 情報連携 ②法令上の根拠: no text found", heading.number)
        return None
    return sorted(pieces)


# -- Ⅰ6, Ⅰ7 -----------------------------------------------------------------------------------------

def _department(form: Form, assessment: Assessment) -> None:
    heading = form.first(DEPT_HEADING)
    if heading is None:
        form.doc.warn("Ⅰ 評価実施機関における担当部署 not found")
        return
    first, last = form.scope(heading.number)
    for key, label_re, name in (("department", DEPARTMENT, "①部署"),
                                ("department_head", HEAD, "②所属長の役職名")):
        label = form.first(label_re, first, last) or form.first(label_re, heading.number)
        if label is None:
            form.doc.warn(f"Ⅰ 担当部署 {name} not found", heading.number)
            continue
        value = label_value(form, label, label_re)
        if value is None:
            form.doc.warn(f"Ⅰ 担当部署 {name}: no value found", label.number)
            continue
        lines = [x for x in form.doc.between(value.start, value.end) if x.text]
        if len(lines) > 1:
            value = Value(department_join(lines), value.start, value.end)
        assessment.facts[key] = _fact(form, value)


def _other_bodies(form: Form, assessment: Assessment) -> None:
    heading = form.first(OTHER_BODIES)
    if heading is None:
        form.doc.warn("Ⅰ 他の評価実施機関 not found")
        return
    value = label_value(form, heading, OTHER_BODIES)
    if value is None and not form.table:
        first, last = form.scope(heading.number)
        candidates = [b for b in free_blocks(form, first, last)
                      if len(b) == 1 and squash(b[0].text) in NONE_WORDS]
        if len(candidates) == 1:
            value = Value(candidates[0][0].text, candidates[0][0].number, candidates[0][0].number)
    if value is None:
        form.doc.warn("Ⅰ 他の評価実施機関: no value found", heading.number)
        return
    assessment.facts["other_bodies"] = _fact(form, value)
