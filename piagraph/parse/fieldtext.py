"""Label/value helpers shared by the Ⅰ and Ⅱ parsers (basic, files, acquisition).

PDF text puts the boxes of a page in arbitrary order: a short value sits on its label's line, a long
one is a block of its own somewhere on the page. So a value is read (1) from the label's table cell or
line, (2) from the rest of the label's block, or (3) from a free block of the label's neighbourhood
that has the content expected for the field. Neighbourhood = the label's page; when the extractor
produced no page breaks for a long stretch (a "page" of thousands of lines) a window around the label
stands in for it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from piagraph.model import Evidence
from piagraph.normalize.text import nfkc, squash
from piagraph.parse.checkboxes import CheckResult, bracket_choice, read_checkboxes
from piagraph.parse.doctext import DocText, Line
from piagraph.parse.linescan import LineScan

MAX_PAGE = 260  # lines; a longer "page" is a run of pages whose breaks were lost
WINDOW = 110  # lines either side of a label when its page is too long

CIRCLED_LABEL = re.compile(r"^[①-⑳]")
# Headings of the form's parts, compared squashed: 「Ⅱ 特定個人情報ファイルの概要」 / 「II ...」.
ROMAN = r"(?:Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ|Ⅵ|III|II|IV|VI|I|V)"
TOC_ENTRY = re.compile(rf"^(?:{ROMAN}[^A-Za-z0-9]|\(別添\d\)|項目一覧$|\d+$)")
CHANGELOG_HEADING = re.compile(r"^(?:\(別添\d\))?変更箇所$")
PART3_HEADING = re.compile(r"^(?:Ⅲ|III)(?:特定個人情報ファイルの取扱いプロセスにおける)?リスク対策")
CHOICE_ENTRY = re.compile(r"^\d+\s*\)\s*\S")  # 「1) 実施する」 of a ＜選択肢＞ list (after NFKC)
MARKS = re.compile(r"\[\s*(?:○)?\s*\]|<input|\[\s*○|○\s*\]|^\s*[\[\]○]|[□■]")
_PART_HEADING = re.compile(rf"^{ROMAN}[^A-Za-z0-9.,、]")
_NUMBERED_HEADING = re.compile(r"^\d+\.\D")
_OPEN_LOST = re.compile(r"(^|[^\[\s]\s*)○\s*\]")  # 「○ ]」: a checked box whose 「[」 was lost
_LABEL_RESIDUE = re.compile(r"^[\s※:：]+")
DEPARTMENT_END = re.compile(r"(?:課|室|係|部|局|センター|チーム|所|担当|班|課長)$")

COUNT_BANDS = ("1万人未満", "1万人以上10万人未満", "10万人以上100万人未満", "100万人以上1,000万人未満",
               "1,000万人以上")
ITEM_BANDS = ("10項目未満", "10項目以上50項目未満", "50項目以上100項目未満", "100項目以上")
USER_BANDS = ("10人未満", "10人以上50人未満", "50人以上100人未満", "100人以上500人未満",
              "500人以上1,000人未満", "1,000人以上")
FILE_TYPES = ("システム用ファイル", "その他の電子ファイル(表計算ファイル等)")
ALL_BANDS = frozenset(squash(b) for b in COUNT_BANDS + ITEM_BANDS + USER_BANDS + FILE_TYPES)


@dataclass
class Value:
    """A value read for a label, with the lines it came from."""

    text: str
    start: int
    end: int


@dataclass
class Form:
    """One document's lines with the table of contents and the change log set aside."""

    doc: DocText
    toc: set[int] = field(default_factory=set)
    limit: int = 0  # first line of the change log (別添 変更箇所); nothing at or after it is read
    _hits: dict[re.Pattern[str], tuple[list[int], list[Line]]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, doc: DocText) -> Form:
        """The document's Form (built once: basic, files and acquisition share it; it is never changed
        after construction)."""
        form = doc.memo.get("form")
        if form is None:
            form = doc.memo["form"] = cls._build(doc)
        return form

    @classmethod
    def _build(cls, doc: DocText) -> Form:
        form = cls(doc, limit=doc.last_line + 1)
        form.toc = _toc_lines(doc)
        for line, _ in doc.find(CHANGELOG_HEADING, squashed=True):
            if line.number not in form.toc:
                # The change log starts on the heading's page (its boxes come in any order). When the
                # page breaks were lost that "page" also holds the form itself: cut after it instead.
                first, last = doc.page_of(line.number)
                form.limit = first if last - first <= MAX_PAGE else last + 1
                break
        return form

    def page(self, number: int) -> tuple[int, int]:
        """The whole page of line ``number`` (however long), clipped to the change log."""
        first, last = self.doc.page_of(number)
        return first, min(last, self.limit - 1)

    def huge_page(self, number: int) -> bool:
        first, last = self.doc.page_of(number)
        return last - first > MAX_PAGE

    @property
    def table(self) -> bool:
        return self.doc.layout == "table"

    def usable(self, line: Line) -> bool:
        return bool(line.text) and line.number not in self.toc and line.number < self.limit

    @cached_property
    def _usable(self) -> list[Line]:
        toc, limit = self.toc, self.limit  # usable() inlined: it runs for every line
        return [line for line in self.doc.lines if line.text and line.number not in toc and line.number < limit]

    def find(self, pattern: str | re.Pattern[str], start: int | None = None,
             end: int | None = None) -> list[Line]:
        """Usable lines whose squashed text (or, in table layout, one of whose cells) matches ``pattern``."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        cached = self._hits.get(regex)
        if cached is None:
            usable = self._usable
            candidates = set(self._squashed_scan.candidates(regex))
            if self.table:
                candidates.update(self._cell_scan.candidates(regex))
            found = [usable[i] for i in sorted(candidates) if regex.search(usable[i].squashed)
                     or (self.table and "\t" in usable[i].raw
                         and any(regex.search(squash(c)) for c in usable[i].cells))]
            cached = self._hits[regex] = ([line.number for line in found], found)
        numbers, hits = cached
        first = self.doc.first_line if start is None else start
        last = self.doc.last_line if end is None else end
        return hits[bisect_left(numbers, first):bisect_right(numbers, last)]

    def first(self, pattern: str | re.Pattern[str], start: int | None = None,
              end: int | None = None) -> Line | None:
        hits = self.find(pattern, start, end)
        return hits[0] if hits else None

    def scope(self, number: int, start: int | None = None, end: int | None = None) -> tuple[int, int]:
        """The neighbourhood of line ``number``: its page, or a window when the page is too long,
        clipped to [start, end] and to the change log."""
        first, last = self.doc.page_of(number)
        if last - first > MAX_PAGE:
            first, last = max(first, number - WINDOW), min(last, number + WINDOW)
        if start is not None:
            first = max(first, start)
        if end is not None:
            last = min(last, end)
        return first, min(last, self.limit - 1)

    @cached_property
    def _squashed_scan(self) -> LineScan:
        return LineScan([line.squashed for line in self._usable])

    @cached_property
    def _cell_scan(self) -> LineScan:
        """Table layout: each usable line's squashed cells, for lines that are tab-separated rows."""
        return LineScan(["\n".join(squash(c) for c in line.cells) if "\t" in line.raw else ""
                         for line in self._usable])

    @cached_property
    def _usable_numbers(self) -> list[int]:
        return [line.number for line in self._usable]

    def lines(self, first: int, last: int) -> list[Line]:
        numbers = self._usable_numbers
        return self._usable[bisect_left(numbers, first):bisect_right(numbers, last)]

    @cached_property
    def _block_ends(self) -> list[int]:
        return [block[-1].number for block in self.doc.blocks]

    def blocks(self, first: int, last: int) -> list[list[Line]]:
        """Usable parts of the blocks lying within [first, last]."""
        out = []
        blocks = self.doc.blocks
        for index in range(bisect_left(self._block_ends, first), len(blocks)):
            block = blocks[index]
            if block[0].number > last:
                break
            kept = [line for line in block if first <= line.number <= last and self.usable(line)]
            if kept:
                out.append(kept)
        return out

    def evidence(self, value: Value, quote: str | None = None) -> Evidence:
        return self.doc.evidence(value.start, value.end, quote)


def _toc_lines(doc: DocText) -> set[int]:
    """Lines of the 項目一覧 (table of contents): its page when the page holds nothing else, or
    else the 項目一覧 block and the heading-only blocks right after it (table layout)."""
    # A block listing three or more part headings is a table of contents wherever it stands.
    listed = {line.number for block in doc.blocks if len(block) >= 3
              and all(TOC_ENTRY.search(line.squashed) for line in block) for line in block}
    hit = doc.first(r"^項目一覧$", squashed=True)
    if hit is None:
        return listed
    first, last = doc.page_of(hit[0].number)
    page_blocks = doc.blocks_from(first, last)

    def heading_only(block: list[Line]) -> bool:
        return all(TOC_ENTRY.search(line.squashed) for line in block)

    if all(heading_only(b) for b in page_blocks):
        return listed | {line.number for b in page_blocks for line in b}
    toc: set[int] = set(listed)
    # A heading the listing block already names is the part itself, printed after the contents.
    listed_texts = {line.squashed for line in doc.lines if line.number in listed}
    started = False
    for block in page_blocks:
        if any(line.number == hit[0].number for line in block):
            started = True
        elif started and (not heading_only(block) or all(line.squashed in listed_texts for line in block)):
            break
        if started:
            toc.update(line.number for line in block)
    return toc


# -- reading a value next to its label ------------------------------------------------------------

def cut_after(line: Line, label: re.Pattern[str]) -> str | None:
    """The text after ``label`` (matched on the squashed text) on ``line``, spacing kept."""
    match = label.search(line.squashed)
    if not match:
        return None
    count = match.end()  # characters of the squashed text to skip in the spaced text
    seen = 0
    for index, ch in enumerate(line.text):
        if seen >= count:
            return line.text[index:].strip()
        if not ch.isspace():
            seen += 1
    return ""


def clean(text: str) -> str:
    """Drop the 「※」 of required fields and separators left between a label and its value."""
    text = _LABEL_RESIDUE.sub("", text)
    return text.strip()


def is_label(line: Line, block_start: bool = False) -> bool:
    """A form label such as 「 ①事務の名称」: circled number in a label box (indented in PDF text, a cell
    in table layout, or a short line opening its block); 「①各種予防接種の案内通知書の作成…」 or
    「⑪個人番号の変更」 inside running text is not one."""
    if not CIRCLED_LABEL.search(line.squashed):
        return False
    return label_box(line) or "\t" in line.raw or (block_start and len(line.squashed) <= 14)


def label_box(line: Line) -> bool:
    """PDF text prints label boxes indented by ASCII spaces (「 使用部署 福祉部…」); running text may
    start with an ideographic space, values start at the margin."""
    return line.raw.startswith(" ")


def is_heading(line: Line) -> bool:
    """A part heading 「Ⅰ 基本情報」 or a numbered item heading 「 １．特定個人情報ファイル名」."""
    return bool(_PART_HEADING.search(line.squashed)) or (
        label_box(line) and bool(_NUMBERED_HEADING.search(line.squashed)))


def inline_value(form: Form, line: Line, label: re.Pattern[str]) -> Value | None:
    """The value in the label's table cell or after the label on its line."""
    if form.table:
        cells = line.cells
        for index, cell in enumerate(cells):
            if label.search(squash(cell)):
                after = cut_after_text(cell, label)
                rest = [c for c in cells[index + 1:] if c.strip()]
                text = clean(" ".join(rest) if rest else after or "")
                return Value(text, line.number, line.number) if text else None
    rest = cut_after(line, label)
    text = clean(rest or "")
    return Value(text, line.number, line.number) if text else None


def cut_after_text(text: str, label: re.Pattern[str]) -> str | None:
    """``cut_after`` for a bare string (a table cell)."""
    squashed = squash(text)
    match = label.search(squashed)
    if not match:
        return None
    seen = 0
    normalised = nfkc(text)
    for index, ch in enumerate(normalised):
        if seen >= match.end():
            return normalised[index:].strip()
        if not ch.isspace():
            seen += 1
    return ""


def block_value(form: Form, line: Line, join: str = "") -> Value | None:
    """The lines after the label in its own block, up to the next label (a label and a long value
    printed in one text box)."""
    block = form.doc.block_of(line.number)
    parts: list[Line] = []
    for other in block:
        if other.number <= line.number:
            continue
        if is_label(other) or label_box(other) or not form.usable(other):
            break
        if other.squashed in ("※", "*"):
            continue
        parts.append(other)
    if not parts:
        return None
    return Value(join.join(p.text for p in parts) if join else text_of(parts), parts[0].number, parts[-1].number)


def label_value(form: Form, line: Line, label: re.Pattern[str], join: str = "") -> Value | None:
    """Inline value, else the rest of the label's block."""
    value = inline_value(form, line, label)
    if value is not None:
        return value
    if form.table:
        return None  # a table row holds its value: an empty cell is an empty value
    return block_value(form, line, join)


def joined(lines: Sequence[Line], sep: str = "") -> str:
    return sep.join(line.text for line in lines)


LIST_START = re.compile(r"^(?:[・◎○●■<＜【(（]|\d+[.)]|[①-⑳]|[IVX]+\.)")


def text_of(lines: Sequence[Line]) -> str:
    """Lines of a text box as one value: a line starting a list entry starts a new line, any other
    line continues a word wrapped by the PDF."""
    out = ""
    for line in lines:
        if out and LIST_START.search(line.text):
            out += "\n"
        out += line.text
    return out


def is_department_list(text: str) -> bool:
    """One or more department names (「医療局健康安全課、各区役所福祉保健センター福祉保健課」)."""
    parts = [p for p in re.split(r"[、,\n]", strip_parens(nfkc(text))) if p.strip()]
    return bool(parts) and "。" not in text and all(len(squash(p)) <= 40 and DEPARTMENT_END.search(squash(p))
                                                   for p in parts)


def department_join(lines: Sequence[Line]) -> str:
    """Several departments one per line are a list; otherwise the lines are one wrapped value."""
    if len(lines) > 1 and all(DEPARTMENT_END.search(line.squashed) for line in lines):
        return "、".join(line.text for line in lines)
    return joined(lines)


# -- free blocks chosen by content ----------------------------------------------------------------

def is_mark_line(line: Line) -> bool:
    """A checkbox or ＜選択肢＞ fragment rather than free text."""
    squashed = line.squashed
    return (bool(MARKS.search(line.text)) or squashed.startswith(("<選択肢", "＜選択肢"))
            or bool(CHOICE_ENTRY.search(squashed)) or squashed in ALL_BANDS)


def free_blocks(form: Form, first: int, last: int) -> list[list[Line]]:
    """Blocks of [first, last] holding no label and no checkbox or choice fragment."""
    out = []
    for block in form.blocks(first, last):
        if is_label(block[0], True) or label_box(block[0]) or any(is_label(line) or is_heading(line) or is_mark_line(line)
                                           for line in block):
            continue
        if form.table and any("\t" in line.raw.strip("\t") for line in block):
            continue  # table rows are read through their labels
        out.append(block)
    return out


def nearest_block(form: Form, label_line: Line, first: int, last: int,
                  accept: Callable[[str], bool], taken: set[int] | None = None,
                  rank: Callable[[str], int] | None = None) -> Value | None:
    """The free block nearest to ``label_line`` whose text ``accept`` takes (the highest ``rank``
    first when given). Nearness is a tie-breaker only: the content test decides which blocks can be
    the value at all."""
    best: tuple[tuple[int, int], list[Line]] | None = None
    for block in free_blocks(form, first, last):
        if taken and block[0].number in taken:
            continue
        text = joined(block, "\n")
        if not accept(text):
            continue
        distance = min(abs(line.number - label_line.number) for line in block)
        key = (-rank(text) if rank else 0, distance)
        if best is None or key < best[0]:
            best = (key, block)
    if best is None:
        return None
    block = best[1]
    if taken is not None:
        taken.add(block[0].number)
    return Value(text_of(block), block[0].number, block[-1].number)


def choice_value(form: Form, line: Line, label: re.Pattern[str], choices: Sequence[str],
                 first: int, last: int) -> Value | None:
    """The chosen answer of a ＜選択肢＞ question: on the label's line or cell first, else the one
    bracketed answer of the neighbourhood (several different ones: ambiguous, None)."""
    after = inline_value(form, line, label)
    if after is not None:
        texts = [after.text] + ([f"[{after.text}"] if not after.text.startswith("[") else [])
        for text in texts:
            chosen = bracket_choice(text.split("<")[0].split("＜")[0], choices)
            if chosen:
                return Value(chosen, line.number, line.number)
    found: dict[str, Line] = {}
    for other in form.lines(first, last):
        if other.number == line.number or (is_label(other) and other.number != line.number):
            continue
        chosen = bracket_choice(other.text, choices)
        if chosen and chosen not in found:
            found[chosen] = other
    if len(found) == 1:
        chosen, where = next(iter(found.items()))
        return Value(chosen, where.number, where.number)
    if len(found) > 1:
        form.doc.warn(f"{squash(line.text)[:20]}: several answers nearby ({', '.join(found)}); none taken",
                      line.number)
    return None


def checked_boxes(lines: Iterable[Line], vocabulary: Sequence[str]) -> tuple[CheckResult, dict[str, Line]]:
    """read_checkboxes over lines, with 「○ ] 紙」 (opening bracket lost, mark kept) read as checked,
    and the line where each checked label was found."""
    result = CheckResult()
    where: dict[str, Line] = {}
    for line in lines:
        text = _OPEN_LOST.sub(r"\1[ ○ ]", line.text)
        one = read_checkboxes([text], vocabulary)
        for label in one.checked:
            if label not in result.checked:
                result.checked.append(label)
                where[label] = line
        for label in one.unchecked:
            if label not in result.unchecked:
                result.unchecked.append(label)
        for label in one.undetermined:
            if label not in result.undetermined:
                result.undetermined.append(label)
        result.other_text.extend(one.other_text)
    result.undetermined = [x for x in result.undetermined
                           if x not in result.checked and x not in result.unchecked]
    return result, where


def paren_text(form: Form, line: Line, label: str) -> Value | None:
    """The text in （…） after ``label`` on ``line``; an unclosed parenthesis continues on the next
    lines of the same block."""
    text = line.text
    at = squash(text).find(squash(label))
    if at < 0:
        return None
    rest = cut_after_text(text, re.compile(re.escape(squash(label))))
    if rest is None:
        return None
    match = re.match(r"\s*\((.*)", rest)
    if not match:
        return None
    inner = match.group(1)
    end = line.number
    if ")" not in inner:
        for other in form.doc.block_of(line.number):
            if other.number <= line.number:
                continue
            if "[" in other.text or is_label(other):
                break
            inner += other.text
            end = other.number
            if ")" in other.text:
                break
    inner = _balanced(inner).strip()
    return Value(inner, line.number, end) if inner else None


def _balanced(text: str) -> str:
    """Text up to the parenthesis closing the one already opened."""
    depth = 0
    for index, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return text[:index]
            depth -= 1
    return text


def strip_parens(text: str) -> str:
    """Text with every (…) group removed (nested ones too)."""
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"\([^()]*\)", "", text)
    return text


# -- file names -----------------------------------------------------------------------------------

_NAME_SEPARATOR = re.compile(r"[、,]|\s{1,}")
ENUMERATOR = re.compile(r"\(\d+\)|(?<![^\s、,])\d+[.)]\s*|[①-⑳]")
_NOT_NAMES = frozenset(squash(x) for x in FILE_TYPES) | {"表計算ファイル等"}


def split_file_names(text: str) -> list[str] | None:
    """「(1) 予防接種対象者関係情報ファイル (2) 統合番号連携ファイル」 -> the names; None when the
    text is not purely a list of file names."""
    text = nfkc(text)
    pieces = [p.strip() for p in _NAME_SEPARATOR.split(ENUMERATOR.sub(" ", text)) if p.strip()]
    names: list[str] = []
    for piece in pieces:
        if not piece.endswith("ファイル") or not 5 <= len(piece) <= 40 or squash(piece) in _NOT_NAMES:
            return None
        if any(ch in piece for ch in "「」。:[]") or piece.startswith(("※", "・", "各")):
            return None
        names.append(piece)
    return names or None


def file_key(name: str) -> str:
    """Names compared without spacing, enumerators or 全角/半角 differences."""
    return squash(ENUMERATOR.sub("", nfkc(name)))
