"""変更箇所 tables: the history of an assessment, one Change per row.

Two layouts:

* table rows (tab-separated cells, HTML fragments), as in a change log published on its own: columns
  変更日, 項目, 変更前の記載, 変更後の記載, 提出時期, 提出時期に係る説明. A long row is printed over several
  rows: the first ends in 「(下段に続く)」, the next ones have no 変更日/項目 (or 「同上」) and begin with
  「(上段からの続き)」; they are merged back into one Change. The header row repeats on every page.
* PDF text, where the cells of a page come out as text boxes in an arbitrary order. A row is anchored
  on its 項目 box (a path such as 「Ⅱ特定個人情報ファイルの概要 5.…」) or on a box that begins with its
  変更日. Only what is certain is attributed to a row: what shares the row's box (a date printed in
  front of the item, a 「… 削除 事後」 line inside it) and values that are the same for every row of
  the page (all dates of the page equal, all markers 「削除 事後」 …). The rest is reported as a warning,
  never given to a neighbouring row by the order of boxes. (When an extractor printed no page breaks,
  the table's first "page" also holds the form; there the table is taken to start after the form's last
  part heading, the one place where line order is used.)
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from piagraph.analyse.change_kinds import classify_change
from piagraph.model import Assessment, Change, Fact
from piagraph.normalize import item_paths
from piagraph.normalize.dates import WAREKI, parse_date
from piagraph.normalize.text import CIRCLED, nfkc, norm
from piagraph.parse.doctext import DocText, Line

# A change log names the same items in many rows and the readers ask again for each line: the
# (pure) path functions are cached here.
normalize_item_path = lru_cache(maxsize=8192)(item_paths.normalize_item_path)
section_title_prefix = lru_cache(maxsize=8192)(item_paths.section_title_prefix)

_HEADER_TOKENS = ("提出時期に係る説明", "変更前の記載", "変更後の記載", "提出時期", "変更日", "項目")
_HEADING = re.compile(r"^\(別添\d+\)変更箇所$|^変更箇所$")
_CONTINUED_FROM = re.compile(r"\(上段からの続き[^)]{0,20}\)")
_CONTINUES = re.compile(r"\((?:下段に続く|以下空欄)\)")
_TIMING = re.compile(r"^(事前|事後)$")
_TIMING_DATE = re.compile(r"^(事前|事後)(.+)$")
_SAME_AS_ABOVE = ("同上", "〃")
_DELETION = re.compile(r"^[(（]?削除[)）]?$|削除$")

# Item boxes of the PDF layout.
_ROMAN_START = re.compile(r"^(?:[ⅠⅡⅢⅣⅤⅥ]|(?:VI|IV|V|III|II|I)(?![A-Za-z]))")
_PART_HEADING_ONLY = re.compile(r"^(?:[ⅠⅡⅢⅣⅤⅥ]|VI|IV|V|III|II|I)[^\d.]{0,30}$")
_NUMBERED_START = re.compile(r"^\d{1,2}[.．]")
_ATTACHMENT_START = re.compile(r"^\(別添\d+\)")
_COMPONENT_LINE = re.compile(rf"^(?:[{CIRCLED}]|(?:提供先|移転先|システム|委託事項)\d+|リスク\d*[:：]|\d{{1,2}}[.．])")
_ITEM_TAIL = re.compile(r"^(?:提供先|移転先|システム|委託事項)\d+$")
_LABEL_END = re.compile(r"(根拠|場所|内容|方法|主体|者数|部署|頻度|概要|名称|機能|接続|突合|措置|請求|問合せ|"
                        r"連絡先|実施日|期間|結果|範囲|用途|情報|備考|人数)$")
_BULLET = re.compile(r"^[・<＜【※(（\[「]")
# An item that refers elsewhere instead of naming a place: 「「(別紙)…」のとおり」, 「同上」, 「全般」.
_REFERENCE = re.compile(r"^(「|同上|全般|全体|別紙|別添)")
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_EVALUATION_PART = re.compile(r"^(Ⅴ|Ⅵ|V|VI)評価実施手続$")
_BEFORE_LABEL = re.compile("変更前の記載")
_WHITE = re.compile(r"\s+")
_ITEM_COLUMN = 16  # an item cell wraps at about this many characters (the 項目 column is narrow)


# -- shared helpers -----------------------------------------------------------------------------

def _is_header_line(line: Line) -> bool:
    """A line made only of the table's column labels (possibly run together by the extractor)."""
    rest = line.squashed
    if "変更前の記載" not in rest and "変更後の記載" not in rest and rest not in _HEADER_TOKENS:
        return False
    for token in _HEADER_TOKENS:
        rest = rest.replace(token, "")
    return rest == ""


def _clean(text: str) -> str:
    """Cell text without the continuation markers, lines kept."""
    text = _CONTINUED_FROM.sub("", nfkc(text))
    text = _CONTINUES.sub("", text)
    lines = [norm(part) for part in text.split("\n")]
    return "\n".join(part for part in lines if part)


def _join(first: str, second: str) -> str:
    return "\n".join(part for part in (first, second) if part)


def _timing(text: str | None) -> str | None:
    if not text:
        return None
    found = set(re.findall(r"事前|事後", text))
    return found.pop() if len(found) == 1 else None


# -- table layout -------------------------------------------------------------------------------

def _is_table_header(line: Line) -> bool:
    squashed = (_WHITE.sub("", cell) for cell in line.cells)
    first = next((cell for cell in squashed if cell), None)
    if first != "変更日":
        return False  # every row before the header is tested: leave its other cells alone
    cells = [first, *(cell for cell in squashed if cell)]
    return len(cells) >= 4 and "変更前の記載" in cells and "変更後の記載" in cells


def _table_changes(doc: DocText) -> list[Change]:
    changes: list[Change] = []
    spans: list[tuple[int, int, str]] = []  # evidence (start, end, quote) per change, extended on merge
    # The table starts at its header row; rows of the form before it are label/value rows.
    header = next((line for line in doc.lines if "\t" in line.raw and _is_table_header(line)), None)
    if header is None:
        return []
    for line in doc.between(header.number, doc.last_line):
        if "\t" not in line.raw:
            continue
        cells = line.cells
        if len(cells) < 4 or _is_header_line(line) or all(cell in _HEADER_TOKENS for cell in cells if cell):
            continue
        cells = (cells + [""] * 6)[:6]
        date_cell, item, before_raw, after_raw, timing_cell, explanation = (nfkc(c).strip() for c in cells)
        if not any(cells):
            continue
        # One row of seed 001 prints 「令和3年12月8日 II 特定個人情報…」 in the 変更日 cell, the 項目 cell empty.
        date_match = WAREKI.match(date_cell)
        if date_match and not item and date_cell[date_match.end():].strip():
            item = date_cell[date_match.end():].strip()
            date_cell = date_match.group(0)
        # A row shifted by one cell: the 提出時期 in the 説明 column.
        if not _timing(timing_cell) and _TIMING.match(explanation):
            timing_cell, explanation = explanation, ""
        changed_on = parse_date(date_cell) if date_cell else None
        quote = " | ".join(part.replace("\n", " ")[:120] for part in
                           (date_cell, item, before_raw, after_raw, timing_cell, explanation) if part)
        previous = changes[-1] if changes else None
        continues = bool(_CONTINUED_FROM.match(before_raw) or _CONTINUED_FROM.match(after_raw))
        if continues and previous is not None and (not date_cell or changed_on == previous.changed_on) and (
            not item or item in _SAME_AS_ABOVE or item == previous.item
        ):
            previous.before = _join(previous.before, _clean(before_raw))
            previous.after = _join(previous.after, _clean(after_raw))
            previous.timing = previous.timing or _timing(timing_cell)
            previous.explanation = previous.explanation or explanation or None
            start, _, first_quote = spans[-1]
            spans[-1] = (start, line.number, first_quote)
            continue
        if continues:
            doc.warn("変更箇所: a 「(上段からの続き)」 row without a row above it to continue; kept as its own row",
                     line.number)
        if item in _SAME_AS_ABOVE:
            if previous is not None:
                item = previous.item
            else:
                doc.warn("変更箇所: 項目 「同上」 in the first row; nothing above to refer to", line.number)
        if date_cell and changed_on is None:
            doc.warn(f"変更箇所: 変更日 「{date_cell}」 is not a date", line.number)
        elif not date_cell:
            doc.warn("変更箇所: row without 変更日", line.number)
        changes.append(Change(
            evidence=doc.evidence(line.number),
            changed_on=changed_on,
            changed_on_raw=date_cell or None,
            item=item,
            item_path=normalize_item_path(item),
            before=_clean(before_raw),
            after=_clean(after_raw),
            timing=_timing(timing_cell),
            explanation=explanation or None,
        ))
        spans.append((line.number, line.number, quote))
    for change, (start, end, quote) in zip(changes, spans, strict=True):
        change.evidence = doc.evidence(start, end, quote)
    return changes


# -- PDF text layout ----------------------------------------------------------------------------

@dataclass
class _Marker:
    """A 「… 事前/事後 …」 line: the texts before the marker, the timing, the texts after it."""

    line: int
    pre: list[str]
    timing: str
    post: list[str]


@dataclass
class _Row:
    start: int
    end: int
    item_parts: list[str] = field(default_factory=list)
    item_open: bool = True  # still reading item lines
    date: dt.date | None = None
    date_raw: str | None = None
    date_line: int | None = None
    marker: _Marker | None = None


@dataclass
class _Page:
    first: int
    last: int
    rows: list[_Row] = field(default_factory=list)
    dates: list[tuple[dt.date, str, int]] = field(default_factory=list)  # unattributed 変更日
    markers: list[_Marker] = field(default_factory=list)  # 事前/事後 lines outside every row box
    loose_texts: list[int] = field(default_factory=list)  # first lines of text boxes not attributed


def _tokens(line: Line) -> list[str]:
    """Cells run together on one line: the extractor separates boxes by an ASCII space, while a
    space inside a cell is the ideographic one (「市民協働部　感染症対策室」)."""
    return [nfkc(token).strip() for token in line.raw.split(" ") if token.strip()]


def _date_only(text: str) -> tuple[dt.date, str] | None:
    match = WAREKI.fullmatch(text.strip())
    if match:
        parsed = parse_date(match.group(0))
        if parsed:
            return parsed, match.group(0)
    return None


def _marker(line: Line, tokens: list[str] | None = None) -> _Marker | None:
    """The 事前/事後 marker on ``line`` (``tokens``: its _tokens, when already at hand)."""
    if tokens is None:
        tokens = _tokens(line)
    for i, token in enumerate(tokens):
        if _TIMING.match(token) or (_TIMING_DATE.match(token) and _date_only(token[2:])):
            return _Marker(line.number, tokens[:i], token[:2], tokens[i + 1 :])
    return None


def _texts(pre: list[str]) -> tuple[str | None, str | None] | None:
    """(before, after) read from the texts printed on a marker's line; None when they cannot be told
    apart. A single text next to the marker is taken for the after text only when it says 削除."""
    if len(pre) == 2:
        return pre[0], pre[1]
    if len(pre) == 1 and _DELETION.search(pre[0]):
        return None, pre[0]
    return None


def _item_start(lines: list[Line], i: int) -> bool:
    """Does line ``i`` of a box begin a 項目 path?"""
    text = lines[i].squashed
    if _ATTACHMENT_START.match(text):
        return True
    window = "".join(line.squashed for line in lines[i : i + 4])
    if _ROMAN_START.match(text):
        # A part heading alone (「Ⅵ評価実施手続」) is the form itself, not a changed item.
        return not _PART_HEADING_ONLY.match(window)
    if _NUMBERED_START.match(text):
        return section_title_prefix(re.sub(r"^\d{1,2}[.．]", "", window)) is not None
    return False


def _extends_item(row: _Row, line: Line) -> bool:
    """A section line (「5.特定個人情報の提供・移転」) under a part line (「Ⅱ特定個人情報ファイルの概要」)
    continues that item; a second part or section line starts another item."""
    if _ROMAN_START.match(line.squashed) or _ATTACHMENT_START.match(line.squashed):
        return False
    head = normalize_item_path("".join(row.item_parts)).split("/")[0]
    return "-" not in head and not head.isdigit()


def _item_continues(row: _Row, line: Line) -> bool:
    """A wrapped line of the narrow 項目 cell, or a sub-item / field label under it."""
    text = line.squashed
    if _COMPONENT_LINE.match(text) and len(text) <= 40:
        return True
    if re.match(r"\d{1,2}\D", text) and _extends_item(row, line):
        return True  # 「3特定個人情報の入手・使用」: a section number printed without its dot
    if re.match(r"\(\d{1,2}\)\S{0,20}ファイル$", text):
        return True  # 「(1)住民基本台帳ファイル」: which file of Ⅱ/Ⅲ
    so_far = "".join(row.item_parts)
    if so_far.count("(") > so_far.count(")") or re.match(r"^\([^)]*除く", text):
        return True  # a title's 「(委託に伴うものを除く。)」, possibly wrapped
    previous = row.item_parts[-1] if row.item_parts else ""
    if _BULLET.match(text) or "。" in text:
        return False
    if len(text) <= _ITEM_COLUMN and _extends_item(row, line):
        return True  # still inside the part's title (「取扱いプロセスにおけるリスク」「対策」)
    wrapped = len(previous) >= 10 and len(text) <= _ITEM_COLUMN
    return wrapped or (len(text) <= 12 and bool(_LABEL_END.search(text)))


def _read_box(block: list[Line], page: _Page) -> None:
    """Sort the lines of one text box into rows, loose dates, loose markers and loose text."""
    lines = [line for line in block if not (
        _is_header_line(line) or _HEADING.match(line.squashed) or _PAGE_NUMBER.match(line.squashed))]
    row: _Row | None = None
    pending_date: tuple[dt.date, str, int] | None = None
    loose = False
    for i, line in enumerate(lines):
        tokens = _tokens(line)
        marker = _marker(line, tokens)
        first_date = _date_only(tokens[0]) if tokens else None
        second_is_date = len(tokens) > 1 and _date_only(tokens[1]) is not None
        if marker is not None:
            glued = tokens[len(marker.pre)][2:]
            if glued and (found := _date_only(glued)):
                page.dates.append((found[0], found[1], line.number))
            if marker.post and (found := _trailing_date(marker.post[-1])):
                page.dates.append((found[0], found[1], line.number))
                marker.post[-1] = marker.post[-1][: -len(found[1])].strip()
                marker.post = [p for p in marker.post if p]
            pre = marker.pre
            if first_date and not second_is_date and len(pre) >= 2:
                # 「平成31年2月5日 別紙１ 提供先５５… 削除 事後 …」: date, item and texts of one row.
                marker.pre = pre[2:]
                page.rows.append(_Row(line.number, line.number, [pre[1]], item_open=False, date=first_date[0],
                                      date_raw=first_date[1], date_line=line.number, marker=marker))
                row = None
                continue
            if row is not None and row.marker is None:
                while marker.pre and row.item_open and _COMPONENT_LINE.match(marker.pre[0]) and not _texts(marker.pre):
                    row.item_parts.append(marker.pre.pop(0))
                row.marker = marker
                row.end = line.number
                row.item_open = False
                row = None
            else:
                page.markers.append(marker)
            continue
        if first_date and len(tokens) == 1:
            if row is None and pending_date is None and i + 1 < len(lines) and _marker(lines[i + 1]) is None:
                pending_date = (first_date[0], first_date[1], line.number)
            else:
                page.dates.append((first_date[0], first_date[1], line.number))
            continue
        if first_date and not second_is_date:
            # 「平成31年2月5日 同上」: a row's date and the start of its item.
            row = _Row(line.number, line.number, [" ".join(tokens[1:])], date=first_date[0],
                       date_raw=first_date[1], date_line=line.number)
            page.rows.append(row)
            continue
        if pending_date is not None and row is None and (_item_start(lines, i) or _REFERENCE.match(line.squashed)):
            # The box beside a 変更日 in the same text box is its 項目.
            row = _Row(pending_date[2], line.number, [line.squashed], date=pending_date[0],
                       date_raw=pending_date[1], date_line=pending_date[2])
            page.rows.append(row)
            pending_date = None
            continue
        if _item_start(lines, i) and not (row is not None and row.item_open and _extends_item(row, line)):
            row = _Row(line.number, line.number, [line.squashed])
            page.rows.append(row)
            continue
        if row is not None and row.item_open and _item_continues(row, line):
            row.item_parts.append(line.squashed)
            row.end = line.number
            continue
        if row is not None:
            row.item_open = False
        trailing = _trailing_date(line.text)
        if trailing and len(lines) == 1:
            page.dates.append((trailing[0], trailing[1], line.number))
        loose = True
    if pending_date is not None:
        page.dates.append(pending_date)
    if loose:
        page.loose_texts.append(block[0].number)


def _trailing_date(text: str) -> tuple[dt.date, str] | None:
    """A date printed at the end of a short line (「根拠法令の誤記載平成31年2月5日」, 「同上令和4年7月8日」)."""
    text = nfkc(text).strip()
    matches = list(WAREKI.finditer(text))
    match = matches[-1] if matches else None
    if match is None or match.end() != len(text) or "。" in text:
        return None
    parsed = parse_date(match.group(0))
    return (parsed, match.group(0)) if parsed else None


def _region(doc: DocText) -> list[tuple[int, int]]:
    """The pages of the 変更箇所 table: from the page of its first header row to the last page that
    still has a header row, a date or a 事前/事後 marker."""
    headers = [line for line, _ in doc.find(_BEFORE_LABEL, squashed=True) if _is_header_line(line)]
    if not headers:
        return []
    first = headers[0].number
    page_first, _ = doc.page_of(first)
    # Some extractors print no page breaks: then the header's "page" also holds the form itself.
    # Start after the last part heading of the form (Ⅴ/Ⅵ 評価実施手続) found before the header.
    parts = [line.number for line in doc.between(page_first, first) if _EVALUATION_PART.match(line.squashed)]
    start = parts[-1] + 1 if parts else page_first
    pages = []
    for page_start, page_end in doc.pages:
        if page_end < start:
            continue
        lo = max(page_start, start)
        lines = doc.between(lo, page_end)
        if page_start > first and not any(
            _is_header_line(line) or _marker(line) or any(_date_only(t) for t in _tokens(line)[:1])
            for line in lines
        ):
            break
        pages.append((lo, page_end))
    return pages


def _uniform(values: list, needed: int):
    """The single value shared by all ``values`` when there are enough of them for ``needed`` rows."""
    if needed == 0 or not values or len(values) < needed:
        return None
    distinct = {repr(v) for v in values}
    return values[0] if len(distinct) == 1 else None


def _attach_tails(page: _Page) -> None:
    """「提供先3 削除 事後」: a sub-item printed beside the markers belongs to the one row of its section."""
    wanted = {"提供先": "II-5", "移転先": "II-5", "システム": "I-2", "委託事項": "II-4"}
    for marker in list(page.markers):
        if not marker.pre or not _ITEM_TAIL.match(marker.pre[0]):
            continue
        label = re.sub(r"\d+$", "", marker.pre[0])
        candidates = [row for row in page.rows if row.marker is None
                      and normalize_item_path("".join(row.item_parts)) == wanted[label]]
        if len(candidates) == 1:
            row = candidates[0]
            row.item_parts.append(marker.pre.pop(0))
            row.marker = marker
            page.markers.remove(marker)


def _join_parts(doc: DocText, page: _Page, where: str) -> None:
    """「Ⅱ特定個人情報ファイルの概要」 alone in a box, its 「6.特定個人情報の保管・消去 ①保管場所」 in
    another: a bare part heading is not a row. When every such heading of the page names the same
    part, it is the part of every row printed without one; otherwise those rows keep no part."""
    orphans = [row for row in page.rows if row.marker is None and row.date is None
               and re.fullmatch(r"VI|IV|V|III|II|I", normalize_item_path("".join(row.item_parts)))]
    if not orphans:
        return
    page.rows = [row for row in page.rows if row not in orphans]
    partless = [row for row in page.rows if row.item_parts and _NUMBERED_START.match(row.item_parts[0])]
    parts = {normalize_item_path("".join(row.item_parts)) for row in orphans}
    if len(parts) == 1 and len(orphans) >= len(partless) > 0:
        heading = "".join(orphans[0].item_parts)
        for row in partless:
            row.item_parts.insert(0, heading)
        return
    doc.warn(f"{where}: {len(orphans)} part heading(s) (Ⅰ…Ⅵ) printed in boxes of their own could not be "
             f"joined to their rows' sections", orphans[0].start)


def _page_changes(doc: DocText, page: _Page) -> list[Change]:
    where = f"変更箇所 lines {page.first}-{page.last}"
    _attach_tails(page)
    _join_parts(doc, page, where)
    undated = [row for row in page.rows if row.date is None]
    date = _uniform([d for d, _, _ in page.dates], len(undated))
    raw_date = page.dates[0][1] if date else None
    unmarked = [row for row in page.rows if row.marker is None]
    timing = _uniform([m.timing for m in page.markers], len(unmarked))
    texts = _uniform([tuple(m.pre) for m in page.markers], len(unmarked))
    explanation = _uniform([tuple(m.post) for m in page.markers], len(unmarked))
    changes = []
    for row in page.rows:
        item = "".join(row.item_parts)
        change = Change(evidence=doc.evidence(min(row.start, row.date_line or row.start), row.end),
                        changed_on=row.date, changed_on_raw=row.date_raw, item=item,
                        item_path=normalize_item_path(item))
        if change.changed_on is None and date is not None:
            change.changed_on, change.changed_on_raw = date, raw_date
        if row.marker is not None:
            pre, change.timing, post = row.marker.pre, row.marker.timing, row.marker.post
        else:
            pre = list(texts) if texts is not None else None
            change.timing = timing
            post = list(explanation) if explanation is not None else None
        pair = _texts(pre) if pre is not None else None
        if pair is not None:
            change.before, change.after = pair[0] or "", pair[1] or ""
        if post:
            change.explanation = " ".join(post)
        changes.append(change)
    if len(page.dates) > len(undated):
        doc.warn(f"{where}: {len(page.dates) - len(undated)} 変更日 more than rows that need one; "
                 "a row's 項目 may be missing", page.dates[0][2])
    if undated and date is None:
        seen = sorted({raw for _, raw, _ in page.dates})
        doc.warn(f"{where}: {len(undated)} row(s) without a 変更日 that can be attributed "
                 f"(dates on the page: {', '.join(seen) or 'none'}); the boxes' order is not used",
                 page.first)
    if unmarked and timing is None:
        doc.warn(f"{where}: 提出時期 of {len(unmarked)} row(s) not attributable "
                 f"({len(page.markers)} 事前/事後 markers outside the rows' boxes)", page.first)
    marker_count = len(page.markers) + sum(1 for row in page.rows if row.marker is not None)
    if page.rows and marker_count != len(page.rows):
        doc.warn(f"{where}: {len(page.rows)} rows found but {marker_count} 事前/事後 markers; "
                 "a row may be missing or split", page.first)
    if page.loose_texts:
        doc.warn(f"{where}: {len(page.loose_texts)} text box(es) (変更前/変更後の記載, 説明) not attributed to a row "
                 f"(first at line {page.loose_texts[0]})", page.loose_texts[0])
    if not page.rows and (page.dates or page.markers):
        doc.warn(f"{where}: dates or 事前/事後 markers but no 項目 found", page.first)
    return changes


def _pdf_changes(doc: DocText) -> list[Change]:
    changes: list[Change] = []
    for first, last in _region(doc):
        page = _Page(first, last)
        for block in doc.blocks_from(first, last):
            _read_box(block, page)
        changes.extend(_page_changes(doc, page))
    return changes


# -- municipality of a stand-alone change log ---------------------------------------------------

_MEASURES_OF = re.compile(r"<([^<>\s]{1,10}?[都道府県市区町村])における措置>")
_DECLARES = re.compile(r"(?:^|[>。\s])([^\s<>。、「」()]{1,6}?[市町村])は、")
_NOT_A_NAME = re.compile(r"^(当|本|各|他|同|全|該|市区町村|区市町村|市町村|都道府県)")


def _municipality(doc: DocText, assessment: Assessment) -> None:
    """「<熊谷市における措置>」, 「熊谷市は、…」: the body that wrote the change log."""
    found: Counter[str] = Counter()
    first_line: dict[str, int] = {}
    for weight, pattern in ((3, _MEASURES_OF), (1, _DECLARES)):
        for line in doc.lines:
            for match in pattern.finditer(line.text):
                name = match.group(1)
                if _NOT_A_NAME.match(name):
                    continue
                found[name] += weight
                first_line.setdefault(name, line.number)
    if not found:
        doc.warn("変更箇所: the municipality is not named in this change log", doc.first_line)
        return
    (name, _), *others = found.most_common()
    if others and others[0][1] == found[name]:
        doc.warn(f"変更箇所: several bodies named as equally likely: {', '.join(n for n, _ in found.most_common(3))}",
                 first_line[name])
    line = first_line[name]
    text = doc.between(line, line)[0].text
    at = text.find(name)
    quote = text[max(0, at - 20): at + len(name) + 20]
    assessment.facts["municipality"] = Fact(name, doc.evidence(line, line, quote))


def parse_changes(doc: DocText, assessment: Assessment) -> None:
    """Fill ``assessment.changes`` from the 変更箇所 table; for a stand-alone change log also the
    municipality."""
    changes = _table_changes(doc) if doc.layout == "table" else _pdf_changes(doc)
    for change in changes:
        change.category = classify_change(change)
    assessment.changes.extend(changes)
    if assessment.change_log_only and "municipality" not in assessment.facts:
        _municipality(doc, assessment)

