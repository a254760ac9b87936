"""Ⅱ1-2 ファイルの基本情報 and the 記録項目 attachment (別添1 in 重点, 別添2 in 全項目).

A 全項目評価書 repeats its Ⅱ part for every file (「1. 特定個人情報ファイル名」 again), and so does Ⅲ;
the Ⅱ parts are the headings before Ⅲ. A part runs from the page of its heading to the page of the
next one. Values are read by their labels (see fieldtext); choice answers by their vocabularies.
The attachment is read by content: 【識別情報】 / ＜…記録項目＞ headings, file headings and numbered item
lists 「1.基本コード、2.接種種類」 「(1)異動事由、(2)異動日」 「1)世帯番号」.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from piagraph.model import Assessment, Fact, PersonalInfoFile, RecordItem
from piagraph.normalize.dates import parse_date
from piagraph.normalize.text import squash
from piagraph.parse.basic import add_file
from piagraph.parse.doctext import DocText, Line
from piagraph.parse.fieldtext import (
    ALL_BANDS,
    COUNT_BANDS,
    FILE_TYPES,
    ITEM_BANDS,
    MAX_PAGE,
    PART3_HEADING,
    WINDOW,
    Form,
    Value,
    checked_boxes,
    choice_value,
    department_join,
    file_key,
    is_department_list,
    is_heading,
    joined,
    label_value,
    nearest_block,
    split_file_names,
)

FILE_HEADING = re.compile(r"^1\.特定個人情報ファイル名")
ATTACHMENT = re.compile(r"^\(別添\d\)(?:特定個人情報)?ファイル記録項目")
CATEGORY_LABELS = (
    "個人番号", "個人番号対応符号", "その他識別情報(内部番号)", "4情報(氏名、性別、生年月日、住所)",
    "連絡先(電話番号等)", "その他住民票関係情報", "国税関係情報", "地方税関係情報", "健康・医療関係情報",
    "医療保険関係情報", "児童福祉・子育て関係情報", "障害者福祉関係情報", "生活保護・社会福祉関係情報",
    "介護・高齢者福祉関係情報", "雇用・労働関係情報", "年金関係情報", "学校・教育関係情報", "災害関係情報",
    "その他",
)

# (fact key, label, how the value is read)
TEXT_FIELDS = (
    ("subject_scope", re.compile(r"^③対象となる本人の範囲")),
    ("department", re.compile(r"^⑥事務担当部署")),
)
CHOICE_FIELDS = (
    ("file_type", re.compile(r"^①ファイルの種類"), FILE_TYPES),
    ("subject_count", re.compile(r"^②対象となる本人の数"), COUNT_BANDS),
    ("record_item_count", re.compile(r"^④記録される項目"), ITEM_BANDS),
)
TEXT_CONTENT = {
    "subject_scope": lambda text: bool(re.search(r"者|住民|対象", text)) and not re.search(r"必要が|ため", text),
    "department": is_department_list,
}
HOLDING_START = re.compile(r"^⑤保有開始日")
MAIN_CATEGORIES = re.compile(r"^主な記録項目")


@dataclass
class FilePart:
    """The Ⅱ part of one file: its heading and the lines it spans."""

    name: str
    heading: Line
    value: Value
    start: int
    end: int


def parse_files(doc: DocText, assessment: Assessment) -> None:
    """Ⅱ basic information per file, merged with the Ⅰ3 names, and the record items."""
    form = Form.of(doc)
    parts = file_parts(form)
    for index, part in enumerate(parts):
        file = add_file(assessment, part.name, form=form, value=part.value,
                        number=index + 1 if len(parts) > 1 else None)
        _basic_info(form, parts, index, file)
    described = {file_key(p.name) for p in parts}
    if parts:
        for file in assessment.files:
            if file_key(file.name) not in described:
                doc.warn(f"Ⅰ lists 「{file.name}」 but no Ⅱ part describes a file of that name",
                         file.evidence.line_start)
    _record_items(form, assessment, described)


# -- the Ⅱ parts ------------------------------------------------------------------------------------

def part3_start(form: Form) -> int | None:
    line = form.first(PART3_HEADING)
    return line.number if line else None


def file_parts(form: Form, report: bool = True) -> list[FilePart]:
    """The Ⅱ part of every file, in order (shared with parse_acquisition)."""
    # Ⅲ repeats 「1. 特定個人情報ファイル名」 per file: a Ⅱ heading has the 基本情報 next to it, and in
    # PDF text (pages in order) it comes before Ⅲ.
    stop = None if form.table else part3_start(form)
    stop_page = form.doc.page_of(stop)[0] if stop is not None else None
    headings = [h for h in form.find(FILE_HEADING)
                if (stop_page is None or form.doc.page_of(h.number)[0] <= stop_page)
                and _has_basic_info(form, h)]
    found: list[tuple[Line, str, Value]] = []
    for heading in headings:
        named = _part_name(form, heading, report)
        if named is None:
            if report:
                form.doc.warn("Ⅱ 特定個人情報ファイル名: no file name found", heading.number)
            continue
        if any(file_key(name) == file_key(named[0]) for _, name, _ in found):
            continue  # Ⅲ's heading of a file already described (kept apart only by the page's order)
        found.append((heading, *named))
    if not found:
        return []
    if len(found) == 1:
        # One file: the whole document is its part (labels of Ⅱ are not repeated elsewhere).
        heading, name, value = found[0]
        return [FilePart(name, heading, value, form.doc.first_line, form.limit - 1)]
    starts: list[int] = []
    for index, (heading, _, _) in enumerate(found):
        page_first = form.doc.page_of(heading.number)[0]
        shared = index > 0 and page_first <= found[index - 1][0].number
        starts.append(heading.number if shared else max(page_first, heading.number - WINDOW))
    ends = [start - 1 for start in starts[1:]]
    last_heading = found[-1][0].number
    boundary = _part2_end(form, last_heading)
    ends.append(boundary)
    return [FilePart(name, heading, value, start, end)
            for (heading, name, value), start, end in zip(found, starts, ends, strict=True)]


BASIC_INFO = re.compile(r"^2\.基本情報|^①ファイルの種類")


def _has_basic_info(form: Form, heading: Line) -> bool:
    if form.table:
        return any(BASIC_INFO.search(line.squashed) for line in form.doc.block_of(heading.number))
    # On a "page" whose breaks were lost the window may miss the boxes: the name check decides.
    return form.first(BASIC_INFO, *form.scope(heading.number)) is not None or form.huge_page(heading.number)


def _part2_end(form: Form, after: int) -> int:
    """Last line of the last Ⅱ part: before the attachment or Ⅲ (their page when it is a new one)."""
    candidates = [line.number for line in (form.first(ATTACHMENT, after), form.first(PART3_HEADING, after))
                  if line is not None]
    if not candidates:
        return form.limit - 1
    stop = min(candidates)
    page_first = form.doc.page_of(stop)[0]
    return stop - 1 if page_first <= after else page_first - 1


def _part_name(form: Form, heading: Line, report: bool) -> tuple[str, Value] | None:
    value = label_value(form, heading, FILE_HEADING)
    if form.table and value is None:
        # 「1. 特定個人情報ファイル名」 row, the name in the next row: 「1. 予防接種ファイル」.
        block = form.doc.block_of(heading.number)
        following = [line for line in block if line.number > heading.number]
        if following:
            cell = next((c for c in following[0].cells if c.strip()), "")
            value = Value(cell, following[0].number, following[0].number)
    names = split_file_names(value.text) if value else None
    if not names:
        def single(text: str) -> bool:
            return len(split_file_names(text) or []) == 1

        value = nearest_block(form, heading, *form.scope(heading.number), single)
        if value is None and form.huge_page(heading.number):
            value = nearest_block(form, heading, *form.page(heading.number), single)
        names = split_file_names(value.text) if value else None
    if not names or value is None:
        return None
    if len(names) > 1 and report:
        form.doc.warn(f"Ⅱ 特定個人情報ファイル名: several names ({', '.join(names)}); first taken",
                      value.start)
    return names[0], value


# -- Ⅱ2 -------------------------------------------------------------------------------------------

def part_label(form: Form, pattern: str | re.Pattern[str], parts: list[FilePart], index: int) -> Line | None:
    """The label of part ``index``. Each Ⅱ part prints each label once and pages come in order, so
    when the Ⅱ parts hold exactly one occurrence per file the k-th belongs to the k-th file (a label
    printed before its file's heading on a shared page is still placed right); otherwise the first
    occurrence inside the part's lines."""
    part = parts[index]
    if len(parts) > 1:
        hits = form.find(pattern, parts[0].start, parts[-1].end)
        if len(hits) == len(parts):
            return hits[index]
    return form.first(pattern, part.start, part.end)


def part_scope(form: Form, pattern: str | re.Pattern[str], parts: list[FilePart], index: int,
               line: Line) -> tuple[int, int]:
    """The neighbourhood of a part's label, kept clear of the other parts' same label (two files'
    Ⅱ parts may share a page)."""
    first, last = form.scope(line.number, parts[0].start, parts[-1].end)
    if len(parts) > 1:
        hits = [h.number for h in form.find(pattern, parts[0].start, parts[-1].end)]
        before = [n for n in hits if n < line.number]
        after = [n for n in hits if n > line.number]
        if before:
            first = max(first, before[-1] + 1)
        if after:
            last = min(last, after[0] - 1)
    return first, last


def _basic_info(form: Form, parts: list[FilePart], index: int, file: PersonalInfoFile) -> None:
    part = parts[index]
    for key, label_re, choices in CHOICE_FIELDS:
        line = part_label(form, label_re, parts, index)
        if line is None:
            form.doc.warn(f"Ⅱ 「{part.name}」 {label_re.pattern[1:]} not found", part.heading.number)
            continue
        first, last = part_scope(form, label_re, parts, index, line)
        value = choice_value(form, line, label_re, choices, first, last)
        if value is None:
            form.doc.warn(f"Ⅱ 「{part.name}」 {label_re.pattern[1:]}: no answer found", line.number)
            continue
        file.facts[key] = Fact(value.text, form.evidence(value))
    for key, label_re in TEXT_FIELDS:
        line = part_label(form, label_re, parts, index)
        if line is None:
            form.doc.warn(f"Ⅱ 「{part.name}」 {label_re.pattern[1:]} not found", part.heading.number)
            continue
        value = label_value(form, line, label_re)
        if value is None and not form.table:
            # A long value is a text box of its own near the label.
            first, last = part_scope(form, label_re, parts, index, line)
            value = nearest_block(form, line, first, last, TEXT_CONTENT[key])
        if value is None:
            form.doc.warn(f"Ⅱ 「{part.name}」 {label_re.pattern[1:]}: no value found", line.number)
            continue
        lines = [x for x in form.doc.between(value.start, value.end) if x.text]
        if key == "department" and len(lines) > 1:
            value = Value(department_join(lines), value.start, value.end)
        file.facts[key] = Fact(value.text, form.evidence(value))
    line = part_label(form, HOLDING_START, parts, index)
    value = label_value(form, line, HOLDING_START) if line else None
    if line is None or value is None:
        form.doc.warn(f"Ⅱ 「{part.name}」 ⑤保有開始日 not found", part.heading.number)
    else:
        date = parse_date(value.text)
        if date is None:
            form.doc.warn(f"Ⅱ 「{part.name}」 ⑤保有開始日: not a date: {value.text}", line.number)
        file.facts["holding_start"] = Fact(value.text, form.evidence(value), date.isoformat() if date else None)
    _categories(form, parts, index, file)


def _categories(form: Form, parts: list[FilePart], index: int, file: PersonalInfoFile) -> None:
    """Checked 主な記録項目 boxes. Their page also holds the other Ⅱ2 boxes, which use other words."""
    part = parts[index]
    line = part_label(form, MAIN_CATEGORIES, parts, index)
    if line is None:
        form.doc.warn(f"Ⅱ 「{part.name}」 主な記録項目 not found", part.heading.number)
        return
    first, last = part_scope(form, MAIN_CATEGORIES, parts, index, line)
    lines = [line] if form.table else form.lines(first, last)
    if not form.table:
        # Ⅱ3 (入手元 ... その他) may share the page: keep lines nearer to 主な記録項目 than to ①入手元.
        source = form.first(r"^①入手元", first, last)
        if source is not None:
            lines = [x for x in lines if abs(x.number - line.number) <= abs(x.number - source.number)]
    result, where = checked_boxes(lines, CATEGORY_LABELS)
    for label in result.checked:
        file.record_categories.append(Fact(label, form.doc.evidence(where[label].number)))
    if result.undetermined:
        form.doc.warn(f"Ⅱ 「{part.name}」 主な記録項目: marks not readable for "
                      f"{', '.join(result.undetermined)}", line.number)


# -- the 記録項目 attachment -------------------------------------------------------------------------

ITEM_MARK = re.compile(r"(?:^|(?<=[、,\s]))(?:\((\d+)\)|(\d+)(?:\.(?!\d)|\)))")
# 【識別情報】 ＜予防接種情報ファイルに関する記録項目＞ — not ＜選択肢＞ or ＜…における追加措置＞.
CATEGORY_HEADING = re.compile(r"^[【<＜〈](.*(?:記録項目|情報))[】>＞〉]$")
SECTION_HEADING = re.compile(r"^\d+\.\s+(\S.*)$")  # 「2. 中間サーバーで保有される特定個人情報(…)」
NOT_ITEM = re.compile(r"。$|(?:する|した|ため|こと)$|[\[\]<>]")


@dataclass
class _Heading:
    line: Line
    category: str | None
    file: PersonalInfoFile | None
    plain_list: bool = False  # 「2. 中間サーバーで保有される…」 is followed by an unnumbered list


def _attachment_blocks(form: Form, heading: Line) -> list[tuple[list[Line], bool]]:
    """Blocks of the attachment's page(s), each with whether it lies near the heading; a page of its
    own continues on the next pages as long as they hold no part heading. On a page whose breaks were
    lost, blocks far from the heading count only when they carry their own heading."""
    first, last = form.scope(heading.number)
    whole_first, whole_last = form.page(heading.number) if form.huge_page(heading.number) else (first, last)
    pages = form.doc.pages
    index = next((i for i, (a, b) in enumerate(pages) if a <= heading.number <= b), None)
    if index is not None and last == pages[index][1]:
        for a, b in pages[index + 1:]:
            if a >= form.limit or b - a > MAX_PAGE:
                break
            if any(is_heading(x) or ATTACHMENT.search(x.squashed) for x in form.lines(a, b)):
                break
            last = b
    whole_last = max(whole_last, last)
    blocks = []
    for block in form.doc.blocks:
        if whole_first <= block[0].number <= whole_last:
            kept = [x for x in block if form.usable(x)]
            if kept:
                blocks.append((kept, first <= block[0].number <= last))
    return blocks


def _heading_of(line: Line, files: list[PersonalInfoFile], table: bool) -> _Heading | None:
    """A category (【識別情報】), a file heading (「(1) 住民基本台帳ファイル」) or both
    (＜予防接種情報ファイルに関する記録項目＞)."""
    if table and "\t" in line.raw.strip("\t"):
        return None
    text = line.text.strip()
    match = CATEGORY_HEADING.search(squash(text))
    if match:
        inner = match.group(1)
        file = next((f for f in files if file_key(f.name) and file_key(f.name) in squash(inner)), None)
        return _Heading(line, text, file)
    names = split_file_names(text)
    if names and len(names) == 1:
        file = next((f for f in files if file_key(f.name) == file_key(names[0])), None)
        if file is not None:
            return _Heading(line, None, file)
    section = SECTION_HEADING.search(text)
    if section and "特定個人情報" in section.group(1):
        return _Heading(line, section.group(1), None, plain_list=True)
    return None


def _items_of(lines: list[Line], numbered: bool) -> list[tuple[str, Line]] | None:
    """Items of a list printed over ``lines`` (wrapped inside words), with the line each starts on."""
    text = ""
    starts: list[tuple[int, Line]] = []
    for line in lines:
        starts.append((len(text), line))
        text += line.text if not text or not ITEM_MARK.match(line.text) else "、" + line.text

    def line_at(offset: int) -> Line:
        found = starts[0][1]
        for position, line in starts:
            if position <= offset:
                found = line
        return found

    items: list[tuple[str, Line]] = []
    if numbered:
        marks = list(ITEM_MARK.finditer(text))
        if not marks or marks[0].start() != 0:
            return None
        for mark, following in zip(marks, [*marks[1:], None], strict=True):
            end = following.start() if following else len(text)
            name = text[mark.end():end].strip(" 、,")
            if name:
                items.append((name, line_at(mark.start())))
    else:
        position = 0
        for piece in re.split(r"(、)", text):
            if piece != "、" and piece.strip():
                items.append((piece.strip(), line_at(position)))
            position += len(piece)
    if not items or any(len(name) > 60 or NOT_ITEM.search(name) or squash(name) in ALL_BANDS
                        for name, _ in items):
        return None
    return items


def _headless_list(run: list[Line]) -> bool:
    """A numbered list without a heading in its block is an item list only when it starts at 1 with
    the name right after the number (「1.基本コード」), unlike 「3. 特定個人情報ファイル名」 or
    「1) 10人未満」."""
    match = ITEM_MARK.match(run[0].text)
    if match is None or (match.group(1) or match.group(2)) != "1":
        return False
    return not run[0].text[match.end():match.end() + 1].isspace() and "※" not in joined(run)


@dataclass
class _ItemReader:
    """Walks the attachment's blocks: headings set the current file and category, lists add items."""

    form: Form
    files: list[PersonalInfoFile]
    fallback: list[PersonalInfoFile]  # the file items go to when no file heading names one
    category: str | None = None
    file: PersonalInfoFile | None = None
    unplaced: int = 0
    count: int = 0

    def add(self, run: list[Line], heading: _Heading | None, near: bool) -> None:
        if not run:
            return
        numbered = bool(ITEM_MARK.match(run[0].text))
        if not numbered and (heading is None or not heading.plain_list):
            return  # an unnumbered list is only taken right under a section heading
        if heading is None and (not near or not _headless_list(run)):
            return
        items = _items_of(run, numbered)
        if items is None:
            return
        target = self.file or (self.fallback[0] if len(self.fallback) == 1 else None)
        if target is None:
            self.unplaced += len(items)
            return
        seen = {(i.category, i.name) for i in target.record_items}
        for name, line in items:
            if (self.category, name) not in seen:
                seen.add((self.category, name))
                target.record_items.append(RecordItem(name, self.form.doc.evidence(line.number), self.category))
                self.count += 1

    def block(self, block: list[Line], stop: int | None, near: bool) -> None:
        run: list[Line] = []
        heading: _Heading | None = None
        for line in block:
            found = _heading_of(line, self.files, self.form.table)
            if found is not None:
                self.add(run, heading, near)
                run = []
                heading = found
                if found.file is not None:
                    self.file = found.file
                self.category = found.category
                continue
            if line.raw[:1].isspace() or line.squashed.startswith("※"):
                break  # a label box or a note glued to the list ends it
            if stop is not None and line.number == stop:
                break
            run.append(line)
        self.add(run, heading, near)


def _record_items(form: Form, assessment: Assessment, described_keys: set[str]) -> None:
    headings = form.find(ATTACHMENT)
    if not headings:
        if assessment.files and form.first(r"記録項目") is not None:
            form.doc.warn("記録項目 attachment (別添) not found")
        return
    heading = headings[0]
    described = [f for f in assessment.files if file_key(f.name) in described_keys] or assessment.files
    reader = _ItemReader(form, assessment.files, described)
    stop = part3_start(form)
    for block, near in _attachment_blocks(form, heading):
        if form.table and any("\t" in x.raw.strip("\t") for x in block):
            continue
        reader.block(block, stop, near)
    if reader.unplaced:
        form.doc.warn(f"記録項目: {reader.unplaced} items not attributable to one file (no file heading)",
                      heading.number)
    if reader.count == 0:
        form.doc.warn("記録項目 attachment: no items found in the text (printed as an image?)", heading.number)
