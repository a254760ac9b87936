"""The parser's view of one document: numbered, normalised lines, blocks, pages, evidence.

PDF-extracted text comes out with the text boxes of a page in arbitrary order, so parsers find
values by their labels, choice lists and vocabularies, scoped to a page, never by the order of
boxes. Table-layout texts (tab-separated label/value rows) are read cell by cell.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Any

from piagraph.model import Evidence, ParseWarning
from piagraph.normalize.text import norm, squash, strip_html
from piagraph.parse.linescan import LineScan
from piagraph.read.source import DocumentSpan

MAX_QUOTE = 400
_TEXT = attrgetter("text")
_RUNS = re.compile(rb"\x01+")


@dataclass(frozen=True, slots=True, init=False)
class Line:
    number: int  # 1-based line number in the source file
    raw: str
    text: str  # norm(): NFKC, one space between words
    squashed: str  # no white space at all
    _cells: list[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __init__(self, number: int, raw: str, text: str, squashed: str) -> None:
        # Slots set through their descriptors: a frozen dataclass's generated __init__ goes through
        # object.__setattr__ per field, slower, and a document has thousands of lines.
        _SET_NUMBER(self, number)
        _SET_RAW(self, raw)
        _SET_TEXT(self, text)
        _SET_SQUASHED(self, squashed)
        _SET_CELLS(self, None)

    @property
    def cells(self) -> list[str]:
        """Tab-separated cells, HTML stripped and normalised (table layout); computed once per line."""
        cells = self._cells
        if cells is None:
            cells = [strip_html(cell) for cell in self.raw.split("\t")]
            _SET_CELLS(self, cells)
        return cells


_SET_NUMBER = Line.number.__set__  # type: ignore[attr-defined]
_SET_RAW = Line.raw.__set__  # type: ignore[attr-defined]
_SET_TEXT = Line.text.__set__  # type: ignore[attr-defined]
_SET_SQUASHED = Line.squashed.__set__  # type: ignore[attr-defined]
_SET_CELLS = Line._cells.__set__  # type: ignore[attr-defined]


class DocText:
    """Lines of one DocumentSpan with search helpers and evidence construction."""

    def __init__(self, span: DocumentSpan) -> None:
        self.span = span
        self.source_file = span.source.path
        self.layout = span.source.layout
        # squash(raw) is norm(raw) without its single spaces (norm collapses every run squash removes).
        raws = span.raw_lines()
        numbers = range(span.line_start, span.line_end + 1)
        self.lines = [Line(n, raw, text, text.replace(" ", ""))
                      for n, raw, text in zip(numbers, raws, map(norm, raws), strict=True)]
        self._numbers = [line.number for line in self.lines]  # ascending: bisect finds spans
        self.warnings: list[ParseWarning] = []
        # Whole-document hits of each pattern: parsers ask for the same labels over and over, with
        # different ranges; a range is then a bisect into the cached hits.
        self._hits: dict[tuple[re.Pattern[str], bool], tuple[list[int], list[tuple[Line, re.Match[str]]]]] = {}
        # Derived data several section parsers share, computed once per document (the Form, the slot
        # units ...). Kept on the document, not in a module-level table, so that it goes with it.
        self.memo: dict[str, Any] = {}

    # -- evidence and warnings -------------------------------------------------------------
    def evidence(self, start: int, end: int | None = None, quote: str | None = None) -> Evidence:
        """Evidence for lines start..end; the quote defaults to those lines' text."""
        end = start if end is None else end
        start, end = min(start, end), max(start, end)  # boxes out of order can name the span backwards
        if quote is None:
            quote = " ".join(line.text for line in self.between(start, end) if line.text)
        quote = quote.strip()
        if len(quote) > MAX_QUOTE:
            quote = quote[: MAX_QUOTE - 1] + "…"
        return Evidence(self.source_file, start, end, quote)

    def warn(self, message: str, line: int | None = None) -> None:
        self.warnings.append(ParseWarning(message, self.source_file, line))

    # -- navigation ------------------------------------------------------------------------
    def between(self, start: int, end: int) -> list[Line]:
        """Lines with numbers in [start, end]."""
        return self.lines[bisect_left(self._numbers, start) : bisect_right(self._numbers, end)]

    @property
    def first_line(self) -> int:
        return self.lines[0].number if self.lines else self.span.line_start

    @property
    def last_line(self) -> int:
        return self.lines[-1].number if self.lines else self.span.line_end

    def find(
        self,
        pattern: str | re.Pattern[str],
        start: int | None = None,
        end: int | None = None,
        squashed: bool = False,
    ) -> list[tuple[Line, re.Match[str]]]:
        """Every line in [start, end] whose text (or squashed text) matches ``pattern``."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        cached = self._hits.get((regex, squashed))
        if cached is None:
            scan = self._squashed_scan if squashed else self._text_scan
            hits = [(self.lines[index], match) for index, match in scan.search(regex)]
            cached = ([line.number for line, _ in hits], hits)
            self._hits[(regex, squashed)] = cached
        numbers, hits = cached
        if start is None and end is None:
            return list(hits)
        first, last = start or self.first_line, end or self.last_line
        return hits[bisect_left(numbers, first) : bisect_right(numbers, last)]

    def first(
        self,
        pattern: str | re.Pattern[str],
        start: int | None = None,
        end: int | None = None,
        squashed: bool = False,
    ) -> tuple[Line, re.Match[str]] | None:
        hits = self.find(pattern, start, end, squashed)
        return hits[0] if hits else None

    @cached_property
    def _text_scan(self) -> LineScan:
        return LineScan([line.text for line in self.lines])

    @cached_property
    def _squashed_scan(self) -> LineScan:
        return LineScan([line.squashed for line in self.lines])

    # -- structure -------------------------------------------------------------------------
    @cached_property
    def blocks(self) -> list[list[Line]]:
        """Runs of non-empty lines separated by empty lines (a PDF text box or a few)."""
        # One byte per line, 1 where it has text, and its runs of 1 found by a regex: C all the way.
        filled = bytes(map(bool, map(_TEXT, self.lines)))
        return [self.lines[run.start() : run.end()] for run in _RUNS.finditer(filled)]

    @cached_property
    def pages(self) -> list[tuple[int, int]]:
        """(first line, last line) of each page: pages are separated by >= 3 empty lines."""
        # The empty lines between two blocks are those between their last and first lines.
        pages: list[tuple[int, int]] = []
        for block in self.blocks:
            first, last = block[0].number, block[-1].number
            if pages and first - pages[-1][1] - 1 < 3:
                pages[-1] = (pages[-1][0], last)
            else:
                pages.append((first, last))
        return pages

    @cached_property
    def _page_firsts(self) -> list[int]:
        return [first for first, _ in self.pages]

    def page_index(self, number: int) -> int:
        """Index in ``pages`` of the page holding line ``number``, or -1."""
        i = bisect_right(self._page_firsts, number) - 1
        return i if i >= 0 and number <= self.pages[i][1] else -1

    def page_of(self, number: int) -> tuple[int, int]:
        """The page holding line ``number`` (the whole document when outside every page)."""
        i = self.page_index(number)
        return self.pages[i] if i >= 0 else (self.first_line, self.last_line)

    @cached_property
    def _block_firsts(self) -> list[int]:
        return [block[0].number for block in self.blocks]

    def blocks_from(self, first: int, last: int) -> list[list[Line]]:
        """The blocks whose first line lies in [first, last]."""
        firsts = self._block_firsts
        return self.blocks[bisect_left(firsts, first) : bisect_right(firsts, last)]

    def block_of(self, number: int) -> list[Line]:
        """The block holding line ``number`` ([] for an empty line or outside the document)."""
        i = bisect_right(self._block_firsts, number) - 1
        return self.blocks[i] if i >= 0 and number <= self.blocks[i][-1].number else []

    def section(self, heading: str | re.Pattern[str], *ends: str | re.Pattern[str]) -> tuple[int, int] | None:
        """Lines from the first line matching ``heading`` (squashed) to before the first of ``ends``
        found after it, extended to whole pages because boxes move within a page."""
        hit = self.first(heading, squashed=True)
        if hit is None:
            return None
        start = hit[0].number
        end = self.last_line
        for pattern in ends:
            after = self.first(pattern, start + 1, None, squashed=True)
            if after is not None and after[0].number - 1 < end:
                end = after[0].number - 1
        return self.page_of(start)[0], self.page_of(end)[1] if end >= start else end

    # -- values ----------------------------------------------------------------------------
    def table_value(self, line: Line, label: re.Pattern[str]) -> str | None:
        """In a tab-separated row, the first non-empty cell after the cell matching ``label``."""
        cells = line.cells
        for i, cell in enumerate(cells):
            if label.search(squash(cell)):
                for value in cells[i + 1 :]:
                    if value.strip():
                        return value
                return None
        return None

    def inline_value(self, line: Line, label: re.Pattern[str]) -> str | None:
        """Text after the label on the same line (PDF text puts short values there)."""
        match = label.search(line.text)
        if not match:
            return None
        rest = line.text[match.end() :].strip()
        return rest or None


def joined_text(lines: Iterable[Line]) -> str:
    """Wrapped lines joined: PDF line breaks inside Japanese words carry no space."""
    parts = [line.text for line in lines if line.text]
    return "".join(parts)
