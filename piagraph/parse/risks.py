"""Ⅲ リスク対策 (重点: Ⅲ; 全項目: Ⅲ and Ⅳ; 基礎: Ⅳ): ratings 「…への対策は十分か」 and 重大事故.

In PDF text a question 「リスクへの対策は十分か」, its chosen answer ``[ 十分である ]`` and the risk's
heading 「リスク1: 目的外の入手が行われるリスク」 are separate text boxes that may come out in any order
within their page. So every piece is found by its shape and paired within the page: an answer on the
question's own line first, then by distance; the heading likewise. Choice lists
(「1) 特に力を入れている 2) 十分である」) are never answers. Where the counts on a page differ, the
nearest pairs are kept and the rest is reported with ``doc.warn``. The 変更箇所 change log (past
values in 変更前の記載) is excluded: its answers are history, not the current state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import attrgetter

from piagraph.model import Assessment, Fact, Incident, Risk
from piagraph.normalize.text import squash
from piagraph.parse.doctext import DocText
from piagraph.parse.linescan import LineScan

RATINGS = ("特に力を入れている", "十分である", "課題が残されている")
INCIDENT_CHOICES = ("発生あり", "発生なし")

# A "page" longer than this came from an extractor that left no page breaks (seed 004):
# proximity is then bounded by MARGIN lines instead of the page.
BIG_PAGE = 300
MARGIN = 60

_QUESTION = re.compile(r"対策は十分か")
# Where the text before a question stops being its risk name: brackets, labels, other answers.
_PREFIX_CUT = re.compile(r"[\[\]>|。]|内容|[-－―—‐]|十分か|\d\)|" + "|".join((*RATINGS, *INCIDENT_CHOICES)))
_INCIDENT_Q = re.compile(r"重大事故が発生したか")
_NUMBERED_CHOICE_END = re.compile(r"\d\)$")  # 「2)」 of a choice list just before a choice
_CIRCLED_START = re.compile(r"^[①-⑳]")
_RISK_HEADING = re.compile(r"^\s*リスク\s*(\d{0,2})\s*[:：]\s*(\S.*)$")
_SECTION_TITLES = (
    "特定個人情報の入手",
    "特定個人情報の使用",
    "特定個人情報ファイルの取扱いの委託",
    "特定個人情報の提供・移転",
    "情報提供ネットワークシステムとの接続",
    "特定個人情報の保管・消去",
)
_SECTION = re.compile(r"(?<![\d.])(\d{1,2})\.(" + "|".join(map(re.escape, _SECTION_TITLES)) + r")(?!・使用)")
_CHANGELOG = re.compile(r"^\(別添\d\)変更箇所$|^変更箇所$")
_CONTENTS_ENTRY = re.compile(r"^(?:[Ⅰ-Ⅵ]|I{1,3}|IV|VI?)(?![A-Za-z])\S|^\(別添\d\)")
_CHANGELOG_HEADER = re.compile(r"変更前の記載.{0,4}変更後の記載")
_FILE_LABEL = re.compile(r"^\[?1\.特定個人情報ファイル名$")
_NUMBERING = re.compile(r"^\s*(?:[(（]\s*\d+\s*[)）]|\d+\s*[.．])\s*")
_FILE_NAME = re.compile(r"^(?:\(\d+\)|\d+\.)?\S{2,40}ファイル(?:\(.{1,30}\))?$")
# Which section a standard risk name belongs to (names shared by 2 and 6 stay ambiguous).
_SECTION_KEYWORDS = (
    ("安全が保たれない方法", 6), ("不正な提供が行われる", 6), ("不適切な方法で提供される", 6),
    ("誤った情報を提供してしまう", 6), ("紐付け", 3), ("権限のない者", 3), ("事務外で使用", 3),
    ("不正に複製", 3), ("委託先", 4), ("提供・移転", 5), ("漏えい・滅失・毀損", 7), ("古い情報のまま", 7),
    ("消去されず", 7), ("不適切な方法で入手", 2),
)


@dataclass
class Hit:
    """A question, answer or heading found in the text: its lines and (for answers) its value."""

    line: int  # the line that anchors distances (where the answer / question ends)
    start: int
    end: int
    text: str  # as quoted in evidence
    value: str = ""  # answer choice, heading name or section title
    blank: bool = False  # question whose own line shows an empty answer ``[ ]``
    page: tuple[int, int] = (0, 0)


# -- regions and scopes ---------------------------------------------------------------------------
def changelog_start(doc: DocText) -> int | None:
    """First line of the 変更箇所 change log (its first heading or header row after the form's
    content, not the 項目一覧 entry), extended to its page; None when the text has no page breaks."""
    anchors = [line.number for line, _ in doc.find(_CHANGELOG, squashed=True) if not _in_contents(doc, line.number)]
    anchors += [line.number for line, _ in doc.find(_CHANGELOG_HEADER, squashed=True)]
    # The table of contents lists 「(別添N) 変更箇所」 too: only a heading after the first rating
    # question or contact label opens the change log.
    content = doc.first(r"対策は十分か|^①?(請求先|連絡先)", squashed=True)
    if content is None:
        return None
    anchors = [n for n in anchors if n > content[0].number]
    if not anchors:
        return None
    first, last = doc.page_of(min(anchors))
    # Without page breaks (seed 004) the log's boxes may mix with the form's: nothing is cut, and
    # the history is kept out by its shapes instead (numbered choices, item paths, repeated dates).
    return first if last - first <= BIG_PAGE else None


def _in_contents(doc: DocText, number: int) -> bool:
    """The 項目一覧 lists the headings in one box (table layout) or on its own page."""
    first, last = doc.page_of(number)
    in_block = [ln for ln in doc.block_of(number) if _CONTENTS_ENTRY.match(ln.squashed)]
    return len(in_block) >= 3 or (last - first <= BIG_PAGE and
                                  doc.first(r"^項目一覧$", first, last, squashed=True) is not None)


def _text(doc: DocText, number: int) -> str:
    lines = doc.between(number, number)
    return lines[0].text if lines else ""


def scope(doc: DocText, number: int) -> tuple[int, int]:
    """The page of ``number``, or a window of MARGIN lines when the page is implausibly long."""
    first, last = doc.page_of(number)
    if last - first > BIG_PAGE:
        return max(first, number - MARGIN), min(last, number + MARGIN)
    return first, last


def same_page(doc: DocText, a: int, b: int) -> bool:
    first, last = doc.page_of(a)
    if not first <= b <= last:
        return False
    return last - first <= BIG_PAGE or abs(a - b) <= MARGIN


# -- finding the pieces ---------------------------------------------------------------------------
SearchUnit = tuple[str, list[tuple[int, int]]]  # a text and its (offset, line number) marks


def _units(doc: DocText, end: int | None, pattern: re.Pattern[str]) -> list[SearchUnit]:
    """Texts to search, with (offset, line number) marks: a PDF block joined without separators
    (words wrap across lines), or a table row with its cells joined by ``|`` (built once per
    document: questions, answers and incidents are all looked for in them). Only the units that
    may hold a match of ``pattern`` are returned (in order): the others could yield nothing."""
    cached: dict[int | None, tuple[list[SearchUnit], LineScan]] = doc.memo.setdefault("risks.units", {})
    if end not in cached:
        units = list(_make_units(doc, end))
        cached[end] = units, LineScan([text for text, _ in units])
    units, scan = cached[end]
    return [units[index] for index in scan.candidates(pattern)]


_SQUASHED = attrgetter("squashed")
_NUMBER = attrgetter("number")


def _make_units(doc: DocText, end: int | None) -> Iterable[SearchUnit]:
    if doc.layout == "table":
        for line in doc.lines:
            if end is not None and line.number >= end:
                break
            if line.text:
                yield "|".join(map(squash, line.cells)), [(0, line.number)]
        return
    for block in doc.blocks:
        if end is not None and block[0].number >= end:
            break
        if end is not None and block[-1].number >= end:
            block = [line for line in block if line.number < end]
        texts = list(map(_SQUASHED, block))  # maps, not generators: this runs for every block
        offsets = accumulate(map(len, texts[:-1]), initial=0)
        yield "".join(texts), list(zip(offsets, map(_NUMBER, block), strict=True))


def _line_at(marks: list[tuple[int, int]], offset: int) -> int:
    number = marks[0][1]
    for start, line in marks:
        if start <= offset:
            number = line
    return number


def _whole_line(text: str, marks: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when text[start:end] is one whole line (or cell) of the unit."""
    bounds = [m[0] for m in marks] + [len(text)]
    for i in range(len(marks)):
        line_start, line_end = bounds[i], bounds[i + 1]
        segment = text[line_start:line_end]
        for cell_start, cell in _cells(segment, line_start):
            if cell_start == start and cell_start + len(cell) == end:
                return True
    return False


def _cells(segment: str, offset: int) -> Iterable[tuple[int, str]]:
    position = offset
    for cell in segment.split("|"):
        yield position, cell
        position += len(cell) + 1


def find_answers(doc: DocText, choices: Sequence[str], end: int | None) -> list[Hit]:
    """Chosen answers: a choice right after ``[`` or ``]``, right before ``]``, or alone on its line.
    A numbered entry of the choice list (``2)十分である``) is never an answer."""
    hits = []
    alternatives = "|".join(map(re.escape, sorted(choices, key=len, reverse=True)))
    pattern = re.compile(alternatives)
    for text, marks in _units(doc, end, pattern):
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 2) : match.start()]
            after = text[match.end() : match.end() + 1]
            if _NUMBERED_CHOICE_END.search(before):
                continue
            bracketed = before.endswith(("[", "]")) or after == "]"
            if not bracketed and not _whole_line(text, marks, match.start(), match.end()):
                continue
            number = _line_at(marks, match.start())
            hits.append(Hit(number, number, number, _text(doc, number), match.group(0),
                            page=doc.page_of(number)))
    return hits


def find_questions(doc: DocText, pattern: re.Pattern[str], end: int | None) -> list[Hit]:
    """Rating questions; ``value`` holds the risk name when the question carries it
    (基礎: 「目的外の入手が行われるリスクへの対策は十分か」)."""
    hits = []
    for text, marks in _units(doc, end, pattern):
        for match in pattern.finditer(text):
            prefix = re.split(_PREFIX_CUT, text[: match.start()])[-1]
            start_offset = match.start() - len(prefix)
            name = prefix[:-2] if prefix.endswith("への") else prefix
            name = _CIRCLED_START.sub("", name)
            if name in ("リスク", "") or pattern is not _QUESTION:
                name = ""
            following = text[match.end() : match.end() + 3]
            start, number = _line_at(marks, start_offset), _line_at(marks, match.end() - 1)
            quote = " ".join(ln.text for ln in doc.between(start, number))
            hits.append(Hit(number, start, number, quote, name, blank=following.startswith("[]"),
                            page=doc.page_of(number)))
    return hits


def find_headings(doc: DocText, start: int, end: int | None) -> list[Hit]:
    """「リスク1: …」 headings, joined with a wrapped continuation line when cut mid-name."""
    hits = []
    for block in doc.blocks:
        if block[-1].number < start:
            continue
        if end is not None and block[0].number >= end:
            break
        for i, line in enumerate(block):
            if line.number < start or (end is not None and line.number >= end):
                continue
            text = line.cells[0] if doc.layout == "table" else line.text
            match = _RISK_HEADING.match(text)
            if not match:
                continue
            name = match.group(2).strip()
            last = line.number
            if not name.endswith("リスク") and i + 1 < len(block) and len(block[i + 1].text) < 40 \
                    and block[i + 1].text.endswith("リスク"):
                name += block[i + 1].text
                last = block[i + 1].number
            number = match.group(1)
            heading = f"リスク{number}: {name}"
            hits.append(Hit(line.number, line.number, last, heading, heading, page=doc.page_of(line.number)))
    return hits


def find_sections(doc: DocText, start: int, end: int | None) -> list[Hit]:
    hits = []
    for line, match in doc.find(_SECTION, start, (end - 1) if end else None, squashed=True):
        title = f"{match.group(1)}. {match.group(2)}"
        hits.append(Hit(line.number, line.number, line.number, line.text, title, page=doc.page_of(line.number)))
    return hits


# -- pairing --------------------------------------------------------------------------------------
def pair_nearest(left: list[Hit], right: list[Hit]) -> dict[int, int]:
    """Greedy one-to-one pairing of ``left`` and ``right`` items of the same page, nearest first.
    Returns {left index: right index}."""
    candidates = []
    for i, a in enumerate(left):
        for j, b in enumerate(right):
            gap = abs(b.line - a.line)
            if a.page == b.page:
                candidates.append((gap, b.line < a.line, i, j))
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for *_, i, j in sorted(candidates):
        if i not in pairs and j not in used:
            pairs[i] = j
            used.add(j)
    return pairs


UNMATCHED = 400.0  # cost of leaving a question or heading unpaired


def _heading_cost(doc: DocText, question: Hit, heading: Hit) -> float:
    """A heading is usually printed before its question on the same page; a question can also
    sit on the next page. Costs grow with distance and are order-blind beyond that preference."""
    gap = question.line - heading.line
    cost = gap if gap >= 0 else -gap * 2.0
    return cost if same_page(doc, question.line, heading.line) else 200.0 + abs(gap)


def assign(costs: list[list[float]]) -> dict[int, int]:
    """Minimum-cost assignment of rows to columns (Hungarian method); a row or column may stay
    unassigned at cost UNMATCHED. Returns {row: column}."""
    rows, cols = len(costs), len(costs[0]) if costs else 0
    if not rows or not cols:
        return {}
    n = rows + cols
    # The square matrix, 1-based: real rows (capped costs, then UNMATCHED for leaving the row
    # unmatched), then one dummy row per column (UNMATCHED for leaving the column unmatched).
    limit = UNMATCHED * 2
    dummy = [0.0, *([UNMATCHED] * cols), *([0.0] * rows)]
    big = [[], *([0.0, *(min(c, limit) for c in row), *([UNMATCHED] * rows)] for row in costs),
           *([dummy] * cols)]
    # The classic O(n³) formulation with potentials. Its scans run over the free and used columns
    # in ascending order, so ties go where the textbook loop sends them; the free columns' minv
    # carry a running offset instead of being lowered one by one (exact: the costs are line
    # distances, whole numbers).
    inf = float("inf")
    u, v, p, way = [0.0] * (n + 1), [0.0] * (n + 1), [0] * (n + 1), [0] * (n + 1)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv = [inf] * (n + 1)
        free, used = list(range(1, n + 1)), [0]
        shift = 0.0  # minv[j] - shift is the textbook minv[j]
        while True:
            i0, delta, j1 = p[j0], inf, 0
            row, base = big[i0], u[i0] - shift
            for j in free:
                cur = row[j] - base - v[j]
                if cur < minv[j]:
                    minv[j], way[j] = cur, j0
                if minv[j] < delta:
                    delta, j1 = minv[j], j
            delta -= shift
            for j in used:
                u[p[j]] += delta
                v[j] -= delta
            shift += delta
            j0 = j1
            if p[j0] == 0:
                break
            free.remove(j0)
            used.append(j0)
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    out = {}
    for j in range(1, n + 1):
        i = p[j] - 1
        if i < rows and j - 1 < cols and costs[i][j - 1] < limit:
            out[i] = j - 1
    return out


def _pair_answers(doc: DocText, questions: list[Hit], answers: list[Hit], what: str) -> dict[int, Hit]:
    """Answers to questions: on the question's own line first, then the nearest on the page."""
    paired: dict[int, Hit] = {}
    free = list(range(len(answers)))
    for i, question in enumerate(questions):
        same = [j for j in free if question.start <= answers[j].line <= question.end]
        if same:
            paired[i] = answers[same[0]]
            free.remove(same[0])
    open_questions = [i for i in range(len(questions)) if i not in paired and not questions[i].blank]
    rest = pair_nearest([questions[i] for i in open_questions], [answers[j] for j in free])
    for qi, aj in rest.items():
        paired[open_questions[qi]] = answers[free[aj]]
    used = {id(hit) for hit in paired.values()}
    for hit in answers:
        if id(hit) not in used:
            doc.warn(f"{what}: answer 「{hit.value}」 has no question left on its page", hit.line)
    for i in open_questions:
        if i not in paired:
            doc.warn(f"{what}: question 「{questions[i].text[:60]}」 has no answer on its page "
                     "(left unanswered, or its box could not be placed)", questions[i].line)
    return paired


def _section_for(doc: DocText, name: str, anchor: int, sections: list[Hit]) -> str | None:
    """The section of a risk: the nearest section heading on its page that fits its standard
    name, else the last fitting heading before it, else the section its name implies."""
    wanted = next((number for key, number in _SECTION_KEYWORDS if key in squash(name)), None)
    numbers = {str(wanted)} if wanted else {"2", "6"} if "入手" in name else None
    fitting = [s for s in sections if numbers is None or s.value.split(".")[0] in numbers]
    on_page = [s for s in fitting if same_page(doc, s.line, anchor)]
    if on_page:
        return min(on_page, key=lambda s: (s.line > anchor, abs(s.line - anchor))).value
    first, last = doc.page_of(anchor)
    limit = anchor if last - first > BIG_PAGE else first
    before = [s for s in fitting if s.line < limit]
    if before:
        return before[-1].value
    after = [s for s in fitting if first <= s.line <= last]
    if after:
        return min(after, key=lambda s: abs(s.line - anchor)).value
    if wanted:
        return f"{wanted}. {_SECTION_TITLES[wanted - 2]}"
    return None


def _file_names(doc: DocText, assessment: Assessment, start: int, end: int | None) -> list[tuple[int, str]]:
    """(boundary line, file name) for each 「1. 特定個人情報ファイル名」 of Ⅲ."""
    known = {squash(f.name): f.name for f in assessment.files}
    out = []
    for line, _ in doc.find(_FILE_LABEL, start, (end - 1) if end else None, squashed=True):
        first, last = scope(doc, line.number)
        name = None
        if doc.layout == "table":
            rows = doc.between(line.number + 1, line.number + 1)
            name = rows[0].cells[0] if rows and rows[0].cells else None
        else:
            candidates = [ln for ln in doc.between(first, last) if ln.number != line.number and
                          (ln.squashed in known or _FILE_NAME.match(ln.squashed))
                          and "ファイル名" not in ln.squashed]
            if candidates:
                best = min(candidates, key=lambda ln: (ln.squashed not in known, abs(ln.number - line.number)))
                name = known.get(best.squashed, best.text)
        if name and squash(name) not in known:
            # 「(1) 住民基本台帳ファイル」, 「1. 予防接種ファイル(…)」: the list number is not part of the name
            name = _NUMBERING.sub("", name).strip()
            name = known.get(squash(name), name)
        if name:
            page_first = doc.page_of(line.number)[0]
            boundary = page_first if line.number - page_first <= MARGIN else line.number - MARGIN // 2
            out.append((boundary, name))
    return out


# -- the section parser ---------------------------------------------------------------------------
def parse_risks(doc: DocText, assessment: Assessment) -> None:
    """Fill ``assessment.risks`` and ``assessment.incidents`` from Ⅲ/Ⅳ (and 基礎 Ⅱ3 / Ⅳ)."""
    end = changelog_start(doc)
    questions = find_questions(doc, _QUESTION, end)
    answers = find_answers(doc, RATINGS, end)
    if questions or answers:
        _risks(doc, assessment, questions, answers, end)
    _incidents(doc, assessment, end)


def _risks(doc: DocText, assessment: Assessment, questions: list[Hit], answers: list[Hit], end: int | None) -> None:
    start = scope(doc, min(hit.line for hit in questions + answers))[0]
    paired = _pair_answers(doc, questions, answers, "Ⅲ リスクへの対策は十分か")
    headings = find_headings(doc, start, end)
    sections = find_sections(doc, start, end)
    files = _file_names(doc, assessment, start, end)

    generic = [i for i, q in enumerate(questions) if not q.value]
    if doc.layout == "table":
        # Table rows keep the form's order: a heading is the last one before its question.
        names: dict[int, Hit] = {}
        used: set[int] = set()
        for i in generic:
            before = [j for j, h in enumerate(headings) if h.line < questions[i].line and j not in used
                      and same_page(doc, h.line, questions[i].line)]
            if before:
                names[i] = headings[before[-1]]
                used.add(before[-1])
    else:
        # Minimum total distance rather than greedy: a question whose heading went to the page
        # before must not take its neighbour's heading.
        costs = [[_heading_cost(doc, questions[i], h) for h in headings] for i in generic]
        names = {generic[k]: headings[j] for k, j in assign(costs).items()}

    for i, question in enumerate(questions):
        answer = paired.get(i)
        if answer is None:
            continue
        heading = names.get(i)
        name = (question.value and f"{question.value}") or (heading.value if heading else "")
        anchor = heading.line if heading else question.line
        section = _section_for(doc, name or "", anchor, sections)
        if not name:
            name = section or "リスク"
            doc.warn(f"rating 「{answer.value}」: no risk heading found on its page; named 「{name}」",
                     question.line)
        pieces = sorted({p.line: p for p in (question, answer, heading) if p is not None}.values(),
                        key=lambda p: p.start)
        quote = " … ".join(p.text for p in pieces)
        evidence = doc.evidence(min(p.start for p in pieces), max(p.end for p in pieces), quote)
        assessment.risks.append(Risk(name=name, rating=answer.value, evidence=evidence, section=section,
                                     file_name=_file_for(files, anchor)))
    # 課題が残されている is what an auditor looks for: keep it even without a question to hold it.
    placed = {id(hit) for hit in paired.values()}
    for answer in answers:
        if id(answer) not in placed and answer.value == "課題が残されている":
            section = _section_for(doc, "", answer.line, sections)
            assessment.risks.append(Risk(name=section or "リスク", rating=answer.value,
                                         evidence=doc.evidence(answer.line, answer.line, answer.text),
                                         section=section, file_name=_file_for(files, answer.line)))


def _file_for(files: list[tuple[int, str]], line: int) -> str | None:
    if not files:
        return None
    current = files[0][1]
    for boundary, name in files:
        if boundary <= line:
            current = name
    return current


def _incidents(doc: DocText, assessment: Assessment, end: int | None) -> None:
    """Ⅲ7 (重点) / Ⅲ7 リスク1⑨ (全項目): 過去3年以内の重大事故; 基礎 Ⅱ3 (過去1年以内) becomes a fact."""
    questions = find_questions(doc, _INCIDENT_Q, end)
    if not questions:
        return
    answers = find_answers(doc, INCIDENT_CHOICES, end)
    paired = _pair_answers(doc, questions, answers, "重大事故が発生したか")
    contents = doc.find(r"^その内容(.*)$", end=(end - 1) if end else None, squashed=True)
    seen: dict[tuple[bool, str | None], Incident] = {}
    for i, question in enumerate(questions):
        answer = paired.get(i)
        if answer is None:
            continue
        occurred = answer.value == "発生あり"
        first, last = min(question.start, answer.line), max(question.end, answer.line)
        evidence = doc.evidence(first, last, f"{question.text} … {answer.text}")
        if "1年以内" in squash(question.text):
            # 基礎項目評価 しきい値判断項目: a threshold criterion, not the Ⅲ statement.
            assessment.facts["threshold_serious_incident"] = Fact(answer.value, evidence,
                                                                   normalized=str(occurred).lower())
            continue
        content = None
        if occurred:
            near = [(ln, m) for ln, m in contents if same_page(doc, ln.number, question.line)]
            if near:
                line, _ = min(near, key=lambda pair: abs(pair[0].number - question.line))
                value = doc.inline_value(line, re.compile(r"その内容"))
                content = value if value and value not in ("-", "－", "―", "—", "‐") else None
            if content is None:
                doc.warn("重大事故 発生あり: 「その内容」 not found on its page", question.line)
        key = (occurred, content)
        if key in seen:
            continue  # 全項目 repeats the same answer for every file
        if seen:
            doc.warn("重大事故: files of one assessment answer differently", question.line)
        seen[key] = Incident(occurred=occurred, evidence=evidence, content=content)
        assessment.incidents.append(seen[key])
