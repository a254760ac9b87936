"""Numbered slots of Ⅱ4/Ⅱ5 (委託事項N, 提供先N, 移転先N) and their labelled fields.

Shared by :mod:`piagraph.parse.entrustment` and :mod:`piagraph.parse.provision`.

In PDF text the boxes of a page come out in arbitrary order, so nothing here trusts the order
of blocks. A field is read from its label (「⑥委託先名」, 「①法令上の根拠」 …):

1. the value printed after the label inside the label's own text box (or table row);
2. for free text whose label box holds no value, the plain-text box printed right after it (the
   one positional rule: it is where extractors put a label's value box; the evidence quotes both
   boxes; a citation must look like law, a contractor like an organisation, or it is not taken);
3. for values with a vocabulary (人数 bands, 再委託する/しない, organisation names, checkboxes),
   stray answers on the page are matched to the label boxes lacking a value, nearest first.

Each field occurrence is then given to a slot of the same page. The form prints a slot's fields
after its heading and a page may end inside a slot, so when a page holds fewer copies of a
field than slots, the slot continued from the previous page and then the lower numbers take
them; which copy goes to which slot is decided by line distance to the slot heading. Where
several slots compete for several copies, the caller warns that the pairing is positional.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from operator import attrgetter
from typing import TypeVar

from piagraph.model import Assessment, Evidence, Fact, PersonalInfoFile
from piagraph.normalize.text import nfkc, squash
from piagraph.parse.checkboxes import METHOD_LABELS, CheckResult, read_checkboxes
from piagraph.parse.doctext import DocText, Line
from piagraph.parse.fieldtext import split_file_names

SUBJECT_BANDS = (
    "1万人未満",
    "1万人以上10万人未満",
    "10万人以上100万人未満",
    "100万人以上1,000万人未満",
    "1,000万人以上",
)
HANDLER_BANDS = (
    "10人未満",
    "10人以上50人未満",
    "50人以上100人未満",
    "100人以上500人未満",
    "500人以上1,000人未満",
    "1,000人以上",
)
SUBCONTRACT_CHOICES = ("再委託する", "再委託しない")
ENTRUST_CHOICES = ("委託する", "委託しない")
FILE_SCOPE_CHOICES = ("特定個人情報ファイルの全体", "特定個人情報ファイルの一部")
PRESENCE_LABELS = ("提供を行っている", "移転を行っている", "行っていない")

# Value types: how a label's value is read and which stray answers may fill it.
TEXT, LEGAL, ORG, SUBJECT, HANDLER, SUBCONTRACT, ENTRUST, SCOPE, METHODS, PRESENCE, NONE = (
    "text", "legal", "org", "subject", "handler", "subcontract", "entrust", "scope", "methods",
    "presence", "none",
)
_CHOICES = {
    SUBJECT: SUBJECT_BANDS,
    HANDLER: HANDLER_BANDS,
    SUBCONTRACT: SUBCONTRACT_CHOICES,
    ENTRUST: ENTRUST_CHOICES,
    SCOPE: FILE_SCOPE_CHOICES,
}

_ALL_CHOICE_KEYS = frozenset(squash(c).replace(",", "").replace("、", "")
                             for choices in _CHOICES.values() for c in choices)

_NOT_NUMBERED = r"(?<![①-⑳])"
# (key, label pattern, value type). Keys: e.* 委託, p.* 提供, t.* 移転, pt.* shared by 提供 and 移転,
# x.* labels of other sections that compete for the same vocabularies on a page.
LABELS: tuple[tuple[str, str, str], ...] = (
    ("e.content", "委託内容", TEXT),
    ("e.file_scope", "取扱いを委託する特定個人情報ファイルの範囲", SCOPE),
    ("e.subject_count", _NOT_NUMBERED + "(?<!情報の)対象となる本人の数", SUBJECT),
    ("e.subject_scope", _NOT_NUMBERED + "(?<!情報の)対象となる本人の範囲", TEXT),
    ("e.justification", "その妥当性", NONE),
    ("e.handler_count", "委託先における取扱者数", HANDLER),
    ("e.methods", "委託先への特定個人情報ファイルの提供方法", METHODS),
    ("e.confirm", "委託先名の確認方法", NONE),
    ("e.contractors", "(?<![「『])委託先名(?![」』])", ORG),
    ("e.subcontracted", "再委託の有無", SUBCONTRACT),
    ("e.permission", "再委託の許諾方法", TEXT),
    ("e.subcontract_items", "再委託事項", TEXT),
    ("e.presence", "(?<!再)委託の有無", ENTRUST),
    ("p.presence", "提供・移転の有無", PRESENCE),
    ("pt.legal_basis", "法令上の根拠", LEGAL),
    ("p.purpose", "提供先における用途", TEXT),
    ("t.purpose", "移転先における用途", TEXT),
    ("p.subject_count", "提供する情報の対象となる本人の数", SUBJECT),
    ("t.subject_count", "移転する情報の対象となる本人の数", SUBJECT),
    ("p.subject_scope", "提供する情報の対象となる本人の範囲", TEXT),
    ("t.subject_scope", "移転する情報の対象となる本人の範囲", TEXT),
    ("p.information", "提供する情報(?!の対象)", TEXT),
    ("t.information", "移転する情報(?!の対象)", TEXT),
    ("p.methods", "提供方法", METHODS),
    ("t.methods", "移転方法", METHODS),
    ("pt.frequency", "(?<!入手の)時期・頻度", TEXT),
    ("x.acquisition_methods", "入手方法", METHODS),
    ("x.acquisition_frequency", "入手の時期・頻度", NONE),
    ("x.users", "使用者数", HANDLER),
    ("x.file_subjects", "(?<=[①-⑳])対象となる本人の数", SUBJECT),
    ("x.file_scope", "(?<=[①-⑳])対象となる本人の範囲", NONE),
)

# Method vocabularies of each checkbox list (the form prints different lists).
_METHOD_VOCAB = {
    "e.methods": frozenset(METHOD_LABELS) - {"庁内連携システム", "情報提供ネットワークシステム"},
    "p.methods": frozenset(METHOD_LABELS) - {"庁内連携システム"},
    "t.methods": frozenset(METHOD_LABELS) - {"情報提供ネットワークシステム"},
    "x.acquisition_methods": frozenset(METHOD_LABELS),
}

SLOT_HEADING = re.compile(r"(委託事項|提供先|移転先)\s*(\d{1,2})(?!\s*[~\d])")
_RANGE_HEADING = re.compile(r"(委託事項|提供先|移転先)\s*\d{1,2}\s*~\s*\d{1,2}")
_SLOT_KIND = {"委託事項": "Entrustment", "提供先": "Provision", "移転先": "Transfer"}
_II_HEAD = re.compile(r"^(Ⅱ|II)特定個人情報ファイルの概要※?$")
_ROMAN_HEAD = re.compile(r"^(Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ|Ⅵ|I|II|III|IV|V|VI)[^A-Za-z0-9]")
_III_HEAD = re.compile(r"^(Ⅲ|III).{0,40}リスク対策")
_FILE_NAME_LABEL = re.compile(r"^(?:[1１][.．]?)?特定個人情報ファイル名")
_CHANGELOG_HEADER = re.compile(r"変更前の記載.*変更後の記載|変更日.*項目.*変更前")
_ITEM_PATH = re.compile(r"^(Ⅱ|Ⅲ|II|III)[^\s]*特定個人情報ファイルの")
_MARKS = re.compile(r"[\[\]□■]|<input|＜選択肢＞|<選択肢>")  # has_marks() tests the same literals
_CHOICE_ITEM = re.compile(r"^\d{1,2}\s*[)）]")
_SECTION = re.compile(r"^(\d{1,2}\s*[.．]\s*\S|[ⅠⅡⅢⅣⅤⅥ]|\(別添|（別添)")
_SECTION_LEADS = "ⅠⅡⅢⅣⅤⅥ(（"  # what _SECTION can begin with besides a digit
_OTHER_METHOD = re.compile(r"その他\s*(\(|\[|\]|$)")
_COLON_START = re.compile(r"^[:：]\s*")
_LAWLIKE = re.compile(r"法|条|令|規則|別表|項|規定")
ORG_MARK = re.compile(
    r"株式会社|有限会社|合同会社|合資会社|\(株\)|\(有\)|社団法人|財団法人|社会福祉法人|独立行政法人"
    r"|協同組合|連合会|事業団|公社|公団|機構|組合"
)
_RECIPIENT_END = re.compile(
    r"(長|知事|大臣|機構|市区町村|市町村|都道府県|照会者|省|庁|広域連合|委員会|公共団体|[都道府県市町村])$"
)


@dataclass(slots=True)  # slots: hundreds of units per document, their attributes read in every pass
class Unit:
    """A text box (PDF: a blank-line separated block; table: one row)."""

    index: int
    lines: list[Line]
    text: str  # joined text of the lines (PDF wraps carry no space)
    starts: list[int]  # offset of each line in ``text``
    raw: str  # the text handed to the checkbox reader (keeps HTML checkbox marks)
    width: int = 0  # the longest line of the page: a shorter line ended before the margin
    anchors: list[int] = field(default_factory=list)  # offsets where a line (PDF) or cell (table) begins
    _labels: list[tuple[int, int, str]] | None = None
    _free: bool | None = None  # is_free(), computed once
    # Derived once here, read for every unit by several passes: the first and last line numbers, the
    # slot headings (「委託事項1」 …) in ``text`` and whether ``raw`` holds checkbox or choice marks.
    first: int = field(init=False, repr=False, compare=False)
    last: int = field(init=False, repr=False, compare=False)
    headings: list[re.Match[str]] = field(init=False, repr=False, compare=False)
    marked: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.first = self.lines[0].number
        self.last = self.lines[-1].number
        self.headings = heading_matches(self.text)
        self.marked = has_marks(self.raw)

    @property
    def labels(self) -> list[tuple[int, int, str]]:
        """The unit's label matches (computed once)."""
        if self._labels is None:
            self._labels = label_matches(self.text, self.anchors)
        return self._labels

    def line_at(self, pos: int) -> Line:
        chosen = self.lines[0]
        for line, start in zip(self.lines, self.starts, strict=True):
            if start <= pos:
                chosen = line
        return chosen

    def slice(self, start: int, stop: int) -> str:
        """``text[start:stop]`` with a line break kept after lines that end short of the box's width
        (a list item or paragraph end); a full-width line was wrapped inside a word."""
        width = self.width or max(len(line.text) for line in self.lines)
        out: list[str] = []
        for i, (line, begin) in enumerate(zip(self.lines, self.starts, strict=True)):
            end = begin + len(line.text)
            piece = self.text[max(begin, start):min(end, stop)]
            if not piece:
                continue
            if out and i > 0 and len(self.lines[i - 1].text) < 0.8 * width and width >= 20:
                out.append("\n")
            out.append(piece)
        return "".join(out)


@dataclass
class Occurrence:
    """One printed copy of a field label with the value found for it."""

    key: str
    vtype: str
    unit: Unit
    line: int  # the label's line
    value: str | None = None
    value_start: int | None = None
    value_end: int | None = None
    boxes: CheckResult | None = None  # checkbox fields
    box_lines: list[int] = field(default_factory=list)

    @property
    def valued(self) -> bool:
        if self.vtype == METHODS:
            return bool(self.boxes and (self.boxes.checked or self.boxes.undetermined))
        return bool(self.value)

    def span(self) -> tuple[int, int]:
        lines = [self.line] + [n for n in (self.value_start, self.value_end) if n is not None]
        lines += self.box_lines
        return min(lines), max(lines)


@dataclass
class Part:
    """The Ⅱ part of one 特定個人情報ファイル (全項目 prints one per file)."""

    index: int
    start: int
    end: int
    name: str | None = None
    name_evidence: Evidence | None = None
    file: PersonalInfoFile | None = None


@dataclass
class Slot:
    """A 委託事項N / 提供先N / 移転先N heading and the field copies given to it."""

    kind: str  # Entrustment / Provision / Transfer
    ordinal: int
    line: Line
    page: int  # index in doc.pages
    part: Part
    value: str | None
    value_lines: tuple[int, int]
    heading_text: str
    fields: dict[str, Occurrence] = field(default_factory=dict)
    active: bool = True

    @property
    def label(self) -> str:
        return {"Entrustment": "委託事項", "Provision": "提供先", "Transfer": "移転先"}[self.kind] + str(
            self.ordinal
        )


def _core(pattern: str) -> str:
    """The literal words of a label pattern (lookarounds dropped), for a quick substring test."""
    return re.sub(r"\(\?<?[!=][^)]*\)", "", pattern)


_COMPILED = tuple((key, re.compile(pat), vtype, _core(pat)) for key, pat, vtype in LABELS)
# Any label's words: most boxes hold none, and one search rules them all out.
_ANY_CORE = re.compile("|".join(re.escape(core) for _, _, _, core in _COMPILED))
_VTYPE = {key: vtype for key, _, vtype in LABELS}
assert all(core and "(" not in core and "[" not in core for _, _, _, core in _COMPILED)


def choice_key(text: str) -> str:
    """Squashed, commas dropped: 「100万人以上1 000万人未満」 and 「100万人以上1,000万人未満」 compare equal."""
    return squash(text).replace(",", "").replace("、", "")


@lru_cache(maxsize=64)
def _ordered_keys(choices: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((choice_key(c), c) for c in choices), key=lambda kc: len(kc[0]), reverse=True))


def pick_choice(text: str, choices: Sequence[str]) -> str | None:
    """The answer printed in brackets (``[ 十分である ]``, ``[ 再委託しない再``) or a line that is
    exactly one answer; never an entry of the numbered ＜選択肢＞ list."""
    return _pick_keyed(choice_key(text), tuple(choices))


def _pick_keyed(squashed: str, choices: tuple[str, ...]) -> str | None:
    """pick_choice for a text already reduced by choice_key."""
    ordered = _ordered_keys(choices)
    for key, choice in ordered:
        if "[" + key in squashed:
            return choice
    for key, choice in ordered:
        if squashed == key:
            return choice
    return None


# -- units and labels ------------------------------------------------------------------------------
def build_units(doc: DocText) -> list[Unit]:
    """PDF text: blank-line separated blocks; table layout: one unit per row."""
    units: list[Unit] = []
    if doc.layout != "table":
        # A box's lines joined as they are, each line beginning an anchor.
        for lines in doc.blocks:
            texts = list(map(_TEXT, lines))
            starts = list(accumulate(map(len, texts[:-1]), initial=0))
            text = "".join(texts)
            units.append(Unit(len(units), lines, text, starts, text, anchors=list(starts)))
        _set_widths(doc, units)
        return units
    # Table layout: one unit per row, its non-empty cells joined by a space, each cell an anchor.
    for line in doc.lines:
        if not line.text:
            continue
        cells = [c.replace("\n", " ") for c in line.cells if c.strip()]
        anchors = [0]
        offset = 0
        for cell in cells:
            anchors.append(offset)
            offset += len(cell) + 1
        units.append(Unit(len(units), [line], " ".join(cells), [0], nfkc(line.raw), anchors=anchors))
    _set_widths(doc, units)
    return units


def _set_widths(doc: DocText, units: list[Unit]) -> None:
    # Every line with text lies on a page: a page's width is its longest line.
    widths = {i: max(map(len, map(_TEXT, doc.between(first, last))), default=0)
              for i, (first, last) in enumerate(doc.pages)}
    for unit in units:
        unit.width = widths.get(doc.page_index(unit.first), 0)


_TEXT = attrgetter("text")
_LEAD = re.compile(r"[①-⑳]\s*$")


def label_matches(text: str, starts: Iterable[int] | None = None) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, key) label matches, leftmost-longest first. With ``starts``
    (offsets where a line or cell begins) a label counts only there, after an optional circled
    number: the same words inside a sentence (「提供する情報は複数の職員で点検し」) are not a label."""
    if not _ANY_CORE.search(text):
        return []
    allowed = None if starts is None else set(starts)
    found: list[tuple[int, int, str]] = []
    for key, regex, _, core in _COMPILED:
        if core not in text:
            continue
        for match in regex.finditer(text):
            begin = match.start()
            lead = _LEAD.search(text, max(0, begin - 3), begin)
            if lead:
                begin = lead.start()
            if allowed is not None and begin not in allowed:
                continue
            found.append((begin, match.end(), key))
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    chosen: list[tuple[int, int, str]] = []
    for start, end, key in found:
        if chosen and start < chosen[-1][1]:
            continue
        chosen.append((start, end, key))
    return chosen


def has_marks(text: str) -> bool:
    """``_MARKS.search(text) is not None``: checkbox or choice-list marks. Substring tests of its
    literals run several times faster than the pattern, whose leading character class leaves the
    regex engine nothing to skip ahead with (it runs on every box)."""
    return ("[" in text or "]" in text or "□" in text or "■" in text or "<input" in text
            or "＜選択肢＞" in text or "<選択肢>" in text)


def heading_matches(text: str) -> list[re.Match[str]]:
    # Every heading holds 「委託事項」 or 「先」: substring tests rule out most boxes far faster than
    # the pattern, which has no literal prefix for the regex engine to skip ahead with.
    if "先" not in text and "委託事項" not in text:
        return []
    return list(SLOT_HEADING.finditer(text))


def is_free(unit: Unit) -> bool:
    """A box of plain text: no label, heading, checkbox mark or choice list."""
    if unit._free is None:
        unit._free = _is_free(unit)
    return unit._free


def _is_free(unit: Unit) -> bool:
    # Cheapest tests first (each one alone makes the box not free); a range heading holds 「~」.
    if unit.labels or unit.marked or unit.headings or ("~" in unit.text and _RANGE_HEADING.search(unit.text)):
        return False
    # A box too long to be 「再委託」 or a dash needs no squashing (a line break can shorten the
    # normalised text by one character at most).
    if len(unit.text) - unit.text.count(" ") - len(unit.lines) <= 3:
        squashed = squash(unit.text)
        if not squashed or squashed in ("再委託", "-", "―", "－"):
            return False
    for line in unit.lines:
        text = line.text
        if not text:
            continue
        lead = text[0]
        if lead in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳":
            return False
        # Both patterns begin with a digit (re's \d is str.isdecimal), Ⅰ…Ⅵ or a bracket: most lines
        # need neither run.
        if (lead.isdecimal() or lead in _SECTION_LEADS) and (_CHOICE_ITEM.match(text) or _SECTION.match(text)):
            return False
        if "※" in text[:20] and len(text) < 30:
            return False
    return True


def _clean(value: str) -> str:
    value = value.strip().lstrip("※").strip()
    value = _COLON_START.sub("", value)
    return value.strip()


def org_names(text: str) -> list[str] | None:
    """Organisation names of a 委託先名 value (several in one cell), 「未定」 kept; None if not names."""
    text = nfkc(text).strip()
    if "未" not in text and not ORG_MARK.search(text):
        return None  # neither 「未定」 nor a name with an organisation mark
    if not text or "。" in text or _MARKS.search(text):
        return None
    if squash(text) == "未定":
        return ["未定"]
    names = [part.strip().lstrip("・･").strip() for part in re.split(r"[、,，;；\n]|\s{2,}", text)]
    names = [name for name in names if name]
    if not names or any(len(name) > 60 or not ORG_MARK.search(name) for name in names):
        return None
    return names


def looks_like_recipient(text: str) -> bool:
    """A box that only names recipients (「市区町村長（別表第2の16の2）、都道府県知事」)."""
    text = nfkc(text).strip()
    if not text or len(text) > 200 or "。" in text or _MARKS.search(text):
        return False
    without = re.sub(r"\([^()]*\)", "", text)
    parts = [p.strip() for p in re.split(r"[、,]|及び|又は|並びに", without) if p.strip()]
    return bool(parts) and all(_RECIPIENT_END.search(p) for p in parts)


def _read_value(occ: Occurrence, unit: Unit, start: int, stop: int) -> None:
    value = _clean(unit.slice(start, stop))
    if not value:
        return
    if occ.vtype in _CHOICES:
        picked = pick_choice(value, _CHOICES[occ.vtype])
        if picked:
            occ.value = picked
            occ.value_start, occ.value_end = unit.line_at(start).number, unit.line_at(max(start, stop - 1)).number
        return
    if occ.vtype == ORG:
        names = org_names(value)
        if names is None and not _MARKS.search(value):
            names = [value] if len(value) <= 80 else None
        if names:
            occ.value = "、".join(names)
    elif occ.vtype in (TEXT, LEGAL):
        if re.match(r"^(＜選択肢＞|<選択肢>|\[)", value):
            return
        occ.value = value
    else:
        return
    occ.value_start = unit.line_at(start).number
    occ.value_end = unit.last


def find_occurrences(doc: DocText, units: list[Unit]) -> list[Occurrence]:
    """Every label copy with the value printed after it in the same box."""
    occs: list[Occurrence] = []
    for unit in units:
        matches = unit.labels
        if not matches:
            continue
        heads = [m.start() for m in unit.headings]
        for i, (start, end, key) in enumerate(matches):
            stop = matches[i + 1][0] if i + 1 < len(matches) else len(unit.text)
            stop = min([stop] + [h for h in heads if h > end])
            occ = Occurrence(key, _VTYPE[key], unit, unit.line_at(start).number)
            if occ.vtype == METHODS:
                occ.boxes = CheckResult()
            else:
                _read_value(occ, unit, end, stop)
            occs.append(occ)
    return occs


# -- structure: region, parts, pages, slots ----------------------------------------------------
def page_index(doc: DocText, number: int) -> int:
    return doc.page_index(number)


def _is_real_ii_head(doc: DocText, line: Line) -> bool:
    """「Ⅱ 特定個人情報ファイルの概要」 opening a file's part (not the 項目一覧 listing it)."""
    if not _II_HEAD.match(line.squashed):
        return False
    block = doc.block_of(line.number)
    if sum(1 for other in block if _ROMAN_HEAD.match(other.squashed)) > 1:
        return False  # the 項目一覧 listing Ⅰ, Ⅱ, Ⅲ … in one box
    first, last = doc.page_of(line.number)
    return any(_FILE_NAME_LABEL.match(other.squashed) for other in doc.between(first, last))


def part_bounds(doc: DocText) -> tuple[list[tuple[int, int]], int]:
    """Line ranges of the Ⅱ parts (one per file) and the last line where slots are looked for
    (computed once per document)."""
    if "slots.bounds" not in doc.memo:
        doc.memo["slots.bounds"] = _part_bounds(doc)
    bounds, region_end = doc.memo["slots.bounds"]
    return list(bounds), region_end


def _part_bounds(doc: DocText) -> tuple[list[tuple[int, int]], int]:
    heads = [line for line, _ in doc.find(_II_HEAD, squashed=True) if _is_real_ii_head(doc, line)]
    if not heads:
        region_end = _changelog_limit(doc, doc.first_line, doc.last_line)
        return [(doc.first_line, region_end)], region_end
    region_end = _changelog_limit(doc, doc.page_of(heads[0].number)[0], doc.last_line)
    # A heading opens its page, whose boxes may come out in any order: the part starts with the
    # page. Pages of hundreds of lines are several PDF pages run together: cut at the heading.
    starts: list[int] = []
    for i, head in enumerate(heads):
        same_page = i > 0 and doc.page_of(heads[i - 1].number) == doc.page_of(head.number)
        cut = i > 0 and (same_page or run_together(doc, head.number))
        starts.append(head.number if cut else doc.page_of(head.number)[0])
    third = next((ln for ln, _ in doc.find(_III_HEAD, heads[-1].number + 1, squashed=True)), None)
    last_end = region_end
    if third is not None and third.number <= region_end:
        if run_together(doc, third.number):
            # Ⅲ shares a run-together page with Ⅱ: the boxes' order says nothing, keep the page.
            last_end = doc.page_of(third.number)[1]
        elif doc.page_of(third.number) == doc.page_of(heads[-1].number):
            last_end = third.number - 1
        else:
            last_end = doc.page_of(third.number)[0] - 1
    bounds = []
    for i, start in enumerate(starts):
        end = starts[i + 1] - 1 if i + 1 < len(starts) else last_end
        bounds.append((start, max(start, end)))
    return bounds, region_end


def find_parts(doc: DocText, units: list[Unit], files: list[PersonalInfoFile]) -> tuple[list[Part], int, int]:
    """The Ⅱ parts (one per file, named and matched to the files parser's records) and the region
    [start, end] where slots are looked for."""
    bounds, region_end = part_bounds(doc)
    parts = [Part(i, start, end) for i, (start, end) in enumerate(bounds)]
    for part in parts:
        _name_part(doc, units, part, files, len(parts))
    return parts, parts[0].start, region_end


MAX_PAGE_LINES = 250  # a longer "page" is several PDF pages whose breaks the extractor lost


def run_together(doc: DocText, number: int) -> bool:
    first, last = doc.page_of(number)
    return last - first > MAX_PAGE_LINES


def _changelog_limit(doc: DocText, start: int, end: int) -> int:
    """Slots are not looked for on pages after the 変更箇所 table begins (it quotes 「提供先1」)."""
    header = doc.first(_CHANGELOG_HEADER, start, end)
    if header is None:
        return end
    page_first, page_last = doc.page_of(header[0].number)
    # Without page breaks the change log shares a page with the body: keep that page.
    return page_last if page_first <= start else page_first - 1


def _name_part(doc: DocText, units: list[Unit], part: Part, files: list[PersonalInfoFile], count: int) -> None:
    """The file name printed under 「1. 特定個人情報ファイル名」, matched to the files parser's records."""
    inside = [u for u in units if part.start <= u.first <= part.end]
    for i, unit in enumerate(inside):
        label = next((ln for ln in unit.lines if _FILE_NAME_LABEL.match(ln.squashed)), None)
        if label is None:
            continue
        if doc.layout == "table":
            rest = " ".join(c for c in label.cells[1:] if c.strip())
        else:
            rest = label.text[label.text.find("ファイル名") + len("ファイル名"):]
        value_line = label
        if not rest.strip():
            following = [ln for ln in unit.lines if ln.number > label.number]
            if not following and i + 1 < len(inside) and (doc.layout == "table" or is_free(inside[i + 1])):
                following = inside[i + 1].lines[:1]
            if following:
                value_line = following[0]
                rest = (" ".join(c for c in value_line.cells if c.strip())
                        if doc.layout == "table" else value_line.text)
        name = re.sub(r"^(\d{1,2}\s*[.．]|\(\d{1,2}\))\s*", "", rest.strip()).strip()  # 「1. 」「(1) 」
        if name and not _SECTION.match(name) and not label_matches(name) and split_file_names(name):
            part.name = name
            part.name_evidence = doc.evidence(label.number, value_line.number)
        break
    part.file = match_file(part, files, count)
    if part.file is not None:
        part.name = part.file.name


def match_file(part: Part, files: list[PersonalInfoFile], count: int) -> PersonalInfoFile | None:
    if part.name:
        key = squash(part.name)
        for candidate in files:
            other = squash(candidate.name)
            if other and (other == key or other in key or key in other):
                return candidate
    if len(files) == count and part.index < len(files):
        return files[part.index]
    # The name box was not found next to the part's 「1. 特定個人情報ファイル名」 (boxes in another
    # order): the file whose name the files parser read inside this part.
    inside = [f for f in files if part.start <= f.evidence.line_start <= part.end]
    if part.name is None and len(inside) == 1:
        return inside[0]
    return None


def part_of(parts: list[Part], number: int) -> Part:
    chosen = parts[0]
    for part in parts:
        if part.start <= number:
            chosen = part
    return chosen


def _ends_value(text: str) -> bool:
    """A line that cannot continue a value: a section heading, a numbered label, marks, a choice."""
    return bool(_SECTION.match(text) or text[:1] in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
                or _MARKS.search(text) or _CHOICE_ITEM.match(text))


def find_slots(doc: DocText, units: list[Unit], parts: list[Part], region: tuple[int, int],
               kinds: Iterable[str]) -> list[Slot]:
    """Slot headings in the Ⅱ region (not the change log's quotations of them)."""
    wanted = set(kinds)
    slots: list[Slot] = []
    for unit in units:
        if not unit.headings or not region[0] <= unit.first <= region[1]:
            continue
        if any(_ITEM_PATH.match(line.squashed) for line in unit.lines) and len(unit.lines) > 1:
            continue  # a change-log row naming the item (「Ⅱ特定個人情報ファイルの概要 … 提供先1」)
        labels = unit.labels
        for match in unit.headings:
            kind = _SLOT_KIND[match.group(1)]
            if kind not in wanted:
                continue
            line = unit.line_at(match.start())
            line_start = unit.starts[unit.lines.index(line)]
            line_end = line_start + len(line.text if doc.layout != "table" else unit.text)
            before = unit.text[line_start:match.start()].strip()
            # A heading begins its line, or ends it with the value printed first (「市区町村長 提供先1」).
            at_end = not unit.text[match.end():line_end].strip()
            if before and not at_end:
                continue
            stop = min([s for s, _, _ in labels if s >= match.end()] + [len(unit.text)])
            stop = min([stop] + [m.start() for m in unit.headings if m.start() > match.start()])
            for later, begin in zip(unit.lines, unit.starts, strict=True):
                if later.number > line.number and _ends_value(later.text):
                    stop = min(stop, begin)  # 「提供先1 大阪府知事」 followed by 「７．備考」 in the same box
                    break
            after = _clean(unit.text[match.end():stop])
            value, lines = None, (line.number, line.number)
            if after:
                value, lines = after, (line.number, unit.line_at(max(match.end(), stop - 1)).number)
            elif before:
                value = _clean(before)
            if value and _MARKS.search(value):
                value = None
            slots.append(Slot(kind, int(match.group(2)), line, page_index(doc, line.number),
                              part_of(parts, line.number), value, lines, line.text))
    # The same heading printed twice (page furniture) is one slot; two files' 「提供先1」 are two.
    unique: list[Slot] = []
    for slot in slots:
        twin = next((u for u in unique if (u.part.index, u.kind, u.ordinal) == (slot.part.index, slot.kind,
                     slot.ordinal) and (not u.value or not slot.value or u.value == slot.value)), None)
        if twin is None:
            unique.append(slot)
        elif slot.value and not twin.value:
            unique[unique.index(twin)] = slot
    return sorted(unique, key=lambda s: (s.part.index, s.kind, s.ordinal, s.line.number))


# -- value recovery on a page ---------------------------------------------------------------------
def distance(a: int, b: int) -> int:
    return abs(a - b)


R = TypeVar("R")
C = TypeVar("C")


def match_pairs(rows: Sequence[R], cols: Sequence[C], cost: Callable[[R, C], float]) -> list[tuple[int, int]]:
    """Min-cost one-to-one (row, col) index pairs of size min(len(rows), len(cols)); exhaustive for
    the few slots of a page, nearest-first beyond that."""
    if not rows or not cols:
        return []
    table = [[cost(r, c) for c in cols] for r in rows]
    swap = len(rows) > len(cols)
    n, m = (len(cols), len(rows)) if swap else (len(rows), len(cols))

    def c(i: int, j: int) -> float:
        return table[j][i] if swap else table[i][j]

    total = 1
    for k in range(n):
        total *= m - k
    pairs: list[tuple[int, int]] = []
    if n <= 6 and total <= 200_000:
        pairs = list(enumerate(_first_cheapest([[c(i, j) for j in range(m)] for i in range(n)], m)))
    else:
        used_i: set[int] = set()
        used_j: set[int] = set()
        for _, i, j in sorted((c(i, j), i, j) for i in range(n) for j in range(m)):
            if i not in used_i and j not in used_j:
                used_i.add(i)
                used_j.add(j)
                pairs.append((i, j))
    return [(j, i) for i, j in pairs] if swap else pairs


def _first_cheapest(costs: list[list[float]], m: int) -> tuple[int, ...]:
    """Of the permutations of n of range(m) (n = len(costs)), the first in the order of
    itertools.permutations with the least total of costs[i][perm[i]].

    A depth-first search in that order which skips a prefix that cannot beat the best total found
    (even with each remaining row at its cheapest): the same answer as trying every permutation,
    for a fraction of the work. Costs are line distances (integers), so the sums are exact.
    """
    n = len(costs)
    floor = [0.0] * (n + 1)  # floor[i]: the least possible cost of rows i.. together
    for i in range(n - 1, -1, -1):
        floor[i] = floor[i + 1] + min(costs[i])
    best: list[tuple[float, tuple[int, ...]]] = []
    _search(costs, floor, m, [], [False] * m, 0, best)
    return best[0][1]


def _search(costs: list[list[float]], floor: list[float], m: int, chosen: list[int], used: list[bool],
            score: float, best: list[tuple[float, tuple[int, ...]]]) -> None:
    """Extend ``chosen`` (columns of rows 0..i-1, total ``score``) in permutation order; ``best``
    holds the best (total, permutation) found so far."""
    i = len(chosen)
    if i == len(costs):
        if not best or score < best[0][0]:
            best[:] = [(score, tuple(chosen))]
        return
    row, rest = costs[i], floor[i + 1]
    for j in range(m):
        if used[j]:
            continue
        total = score + row[j]
        if best and total + rest >= best[0][0]:
            continue  # a tie would not replace the earlier permutation either
        used[j] = True
        chosen.append(j)
        _search(costs, floor, m, chosen, used, total, best)
        chosen.pop()
        used[j] = False


def fill_from_next_box(doc: DocText, units: list[Unit], occs: list[Occurrence]) -> None:
    """PDF text: a label box without a value takes the free-text box printed right after it."""
    if doc.layout == "table":
        return
    last_label: dict[int, int] = {}  # unit index -> line of its last label
    for o in occs:
        last_label[o.unit.index] = max(last_label.get(o.unit.index, o.line), o.line)
    for occ in occs:
        if occ.value or occ.vtype not in (TEXT, LEGAL, ORG):
            continue
        if last_label[occ.unit.index] > occ.line:
            continue  # another label follows in the same box: the value is not after this one
        nxt = occ.unit.index + 1
        if nxt >= len(units) or doc.page_of(units[nxt].first) != doc.page_of(occ.line):
            continue
        unit = units[nxt]
        if not is_free(unit):
            continue
        text = unit.slice(0, len(unit.text)).strip()
        if occ.vtype == LEGAL and not _LAWLIKE.search(text):
            continue
        if occ.vtype == ORG:
            names = org_names(text)
            if names is None:
                continue
            text = "、".join(names)
        occ.value, occ.value_start, occ.value_end = text, unit.first, unit.last


def fill_typed_orphans(doc: DocText, units: list[Unit], occs: list[Occurrence]) -> None:
    """Stray answers of a vocabulary (bands, yes/no, organisations) go to the nearest label copies
    on the same page that lack a value (labels of other sections compete for them too)."""
    label_units = {id(o.unit) for o in occs}
    answers: dict[tuple[str, tuple[int, int]], list[tuple[str, int, int]]] = {}
    for unit in units:
        if id(unit) in label_units or unit.headings:
            continue
        if is_free(unit):
            names = org_names(unit.text)
            if names:
                answers.setdefault((ORG, doc.page_of(unit.first)), []).append(("、".join(names), unit.first, unit.last))
        if "[" not in unit.text and len(unit.lines) > 3:
            continue  # a bare answer is a short box
        for line in unit.lines:
            if _CHOICE_ITEM.match(line.text):
                continue
            # choice_key(line.text) without the cached squash call: line.squashed is squash(line.text).
            key = line.squashed.replace(",", "").replace("、", "")
            if "[" not in line.text and key not in _ALL_CHOICE_KEYS:
                continue  # pick_choice needs a bracket or a whole-line answer
            for vtype, choices in _CHOICES.items():
                picked = _pick_keyed(key, choices)
                if picked:
                    answers.setdefault((vtype, doc.page_of(unit.first)), []).append((picked, line.number, line.number))
    lacking: dict[tuple[str, tuple[int, int]], list[Occurrence]] = {}
    for occ in occs:
        if not occ.value and (occ.vtype in _CHOICES or occ.vtype == ORG):
            lacking.setdefault((occ.vtype, doc.page_of(occ.line)), []).append(occ)
    for key, waiting in lacking.items():
        found = answers.get(key, [])
        pairs = match_pairs(waiting, found, lambda o, a: distance(o.line, a[1]))
        for i, j in pairs:
            occ, (value, first, last) = waiting[i], found[j]
            occ.value, occ.value_start, occ.value_end = value, first, last


def _bound_index(bounds: list[tuple[int, int]], number: int) -> int:
    return next((i for i, (start, end) in enumerate(bounds) if start <= number <= end), -1)


def attach_checkboxes(doc: DocText, units: list[Unit], occs: list[Occurrence],
                      bounds: list[tuple[int, int]]) -> None:
    """Checkbox boxes of the method lists go to the nearest method label on their page whose list
    can hold them (情報提供ネットワークシステム only in 提供方法, 庁内連携システム not in 委託)."""
    method_occs = [o for o in occs if o.vtype == METHODS]
    if not method_occs:
        return
    where = {id(o): (doc.page_of(o.line), _bound_index(bounds, o.line)) for o in method_occs}
    for unit in units:
        if not unit.marked:
            continue
        result = read_checkboxes([unit.raw], METHOD_LABELS)
        if not _OTHER_METHOD.search(nfkc(unit.raw)):
            # 「その他住民票関係情報」 and the like are other lists' boxes, not the method 「その他（…）」.
            for names in (result.checked, result.unchecked, result.undetermined):
                if "その他" in names:
                    names.remove("その他")
        labels = set(result.checked) | set(result.unchecked) | set(result.undetermined)
        if not labels:
            continue
        page = doc.page_of(unit.first)
        part = _bound_index(bounds, unit.first)
        here = [o for o in method_occs if where[id(o)] == (page, part)]
        fitting = [o for o in here if labels <= _METHOD_VOCAB.get(o.key, frozenset(METHOD_LABELS))]
        if not fitting:
            continue
        owner = min(fitting, key=lambda o: min(distance(o.line, ln.number) for ln in unit.lines))
        assert owner.boxes is not None
        for name in result.checked:
            if name not in owner.boxes.checked:
                owner.boxes.checked.append(name)
        for name in result.unchecked:
            if name not in owner.boxes.unchecked:
                owner.boxes.unchecked.append(name)
        for name in result.undetermined:
            if name not in owner.boxes.undetermined:
                owner.boxes.undetermined.append(name)
        other = other_text(unit.raw) if "その他" in result.checked else None
        if other and other not in owner.boxes.other_text:
            owner.boxes.other_text.append(other)
        if result.checked:
            owner.box_lines.extend(ln.number for ln in unit.lines)
    for occ in method_occs:
        assert occ.boxes is not None
        occ.boxes.undetermined = [n for n in occ.boxes.undetermined
                                  if n not in occ.boxes.checked and n not in occ.boxes.unchecked]


def other_text(raw: str) -> str | None:
    """The text of a checked 「その他（…）」, brackets balanced, possibly wrapped over lines."""
    text = nfkc(raw)
    match = re.search(r"\[\s*○\s*\]\s*その他\s*\(", text) or re.search(r"その他\s*\(", text)
    if not match:
        return None
    depth, out = 1, []
    for ch in text[match.end():]:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                break
        out.append(ch)
    value = "".join(out).strip()
    return value or None


def prepare(doc: DocText) -> tuple[list[Unit], list[Occurrence]]:
    """Units and label occurrences with values recovered as far as the text allows (computed once
    per document: the entrustment and provision parsers share it)."""
    if "slots.prepared" in doc.memo:
        prepared: tuple[list[Unit], list[Occurrence]] = doc.memo["slots.prepared"]
        return prepared
    units = build_units(doc)
    occs = find_occurrences(doc, units)
    fill_from_next_box(doc, units, occs)
    fill_typed_orphans(doc, units, occs)
    attach_checkboxes(doc, units, occs, part_bounds(doc)[0])
    doc.memo["slots.prepared"] = (units, occs)
    return units, occs


# -- giving field copies to slots --------------------------------------------------------------------
EMPTY_PENALTY = 100  # a copy with a value is preferred unless an empty one is this many lines nearer


def assign_fields(doc: DocText, slots: list[Slot], occs: list[Occurrence], keys: dict[str, set[str]],
                  region: tuple[int, int]) -> list[tuple[int, list[str]]]:
    """Give each slot at most one copy of each field key, page by page.

    ``keys`` maps a field key to the slot kinds that have it. Returns, per page where several slots
    competed for several copies of a field, the page's first line and the competing field keys.
    """
    ambiguous: list[tuple[int, list[str]]] = []
    active = [s for s in slots if s.active]
    pages = sorted({page_index(doc, o.line) for o in occs
                    if o.key in keys and region[0] <= o.line <= region[1]})
    for page in pages:
        if page < 0:
            continue
        first, last = doc.pages[page]
        headed = [s for s in active if s.page == page]
        earlier = [s for s in active if s.page < page]
        contested: list[str] = []
        for key, kinds in keys.items():
            copies = [o for o in occs if o.key == key and first <= o.line <= last
                      and region[0] <= o.line <= region[1]]
            if not copies:
                continue
            cont = _continuing(earlier, kinds, key, doc.pages[page][0])
            eligible = ([cont] if cont else []) + [s for s in headed if s.kind in kinds and key not in s.fields]
            eligible.sort(key=lambda s: (s is not cont, s.part.index, s.kind != "Provision", s.ordinal))
            takers = eligible[: len(copies)]
            if len(takers) > 1 and len(copies) > 1:
                contested.append(key)

            def cost(slot: Slot, occ: Occurrence, cont: Slot | None = cont) -> float:
                near = 0 if slot is cont else distance(slot.line.number, occ.line)
                return near + (0 if occ.valued else EMPTY_PENALTY)

            for i, j in match_pairs(takers, copies, cost):
                takers[i].fields[key] = copies[j]
            given = {id(takers[i].fields[key]) for i in range(len(takers)) if key in takers[i].fields}
            for occ in copies:
                # 「法令上の根拠」 and 「時期・頻度」 also label Ⅰ4/Ⅰ5 and Ⅱ3 fields: no warning for those.
                if occ.valued and id(occ) not in given and eligible and not key.startswith("pt."):
                    doc.warn(f"{occ.key}: value 「{(occ.value or '')[:40]}」 could not be given to a "
                             f"{'/'.join(sorted(kinds))} slot on this page", occ.line)
        if contested:
            ambiguous.append((first, contested))
    return ambiguous


def _continuing(earlier: list[Slot], kinds: set[str], key: str, page_first: int) -> Slot | None:
    """The slot headed on an earlier page of the same part whose fields run onto this page."""
    same_kind = [s for s in earlier if s.kind in kinds]
    if not same_kind:
        return None
    last = max(same_kind, key=lambda s: (s.page, s.part.index, s.ordinal))
    if not last.part.start <= page_first <= last.part.end or key in last.fields:
        return None
    return last


def evidence_for(doc: DocText, occ: Occurrence) -> Evidence:
    """The label's box; a value or checked box printed elsewhere on the page is quoted after it
    (「⑥提供方法 … [ ○ ] 情報提供ネットワークシステム」) rather than every line in between."""
    start, end = occ.span()
    if occ.unit.first <= start and end <= occ.unit.last:
        return doc.evidence(start, end)
    pieces = [doc.evidence(occ.unit.first, occ.unit.last).quote]
    outside = [n for n in (occ.value_start, occ.value_end) if n is not None
               and not occ.unit.first <= n <= occ.unit.last]
    if outside and occ.value_start is not None and occ.value_end is not None:
        pieces.append(doc.evidence(occ.value_start, occ.value_end).quote)
    for number in sorted(set(occ.box_lines)):
        if not occ.unit.first <= number <= occ.unit.last:
            pieces.append(doc.evidence(number).quote)
    return doc.evidence(start, end, " … ".join(p for p in pieces if p))


@lru_cache(maxsize=64)
def _count_pattern(label: str) -> re.Pattern[str]:
    return re.compile(re.escape(label) + r"\s*[(（]\s*(\d{1,4})\s*[)）]\s*件")


def count_in(text: str, label: str) -> int | None:
    """N of 「label （ N ） 件」."""
    text = nfkc(text)
    if label not in text:
        return None  # (the pattern begins with the label)
    match = _count_pattern(label).search(text)
    return int(match.group(1)) if match else None


def store_fact(assessment: Assessment, parts: list[Part], part: Part, key: str, fact: Fact) -> None:
    """A per-file fact goes on the PersonalInfoFile when the files parser made one; otherwise on the
    assessment (keyed by the file's name when the assessment has several files)."""
    if part.file is not None:
        part.file.facts[key] = fact
        return
    if len(parts) > 1:
        key = f"{key}[{part.name or part.index + 1}]"
    assessment.facts[key] = fact
