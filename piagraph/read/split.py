"""Split a SourceText into documents: one file may hold an 答申, a 諮問 and several 評価書 (seed 004)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from piagraph.read.source import DocumentSpan, SourceText

_ASSESSMENT_HEADING = re.compile(r"^特定個人情報保護評価書\((基礎|重点|全)項目評価書\)$")
_FORM_STAMP = re.compile(r"^\[(平成|令和)\S*年\S*月\s*様式[1-4]\]$")
_ANSWER = re.compile(r"^答申書$")
_CONSULTATION = re.compile(r"審議事項について\(諮問\)$|^諮問書$")
_CHANGE_LOG = re.compile(r"^\(別添\d\)変更箇所$")
_CHANGE_HEADER = re.compile(r"^変更日\s+項目\s+変更前の記載")

# Anchors of one family closer than this many lines belong to the same document
# (a cover's stamp and heading; a 諮問 letter and its 諮問書).
_CLUSTER_GAP = 150


@dataclass(frozen=True)
class _Anchor:
    line: int
    family: str
    role: str  # which anchor of its family: a cover has one 'heading' and one 'stamp'


def squash(text: str) -> str:
    """NFKC and no white space: the form used to recognise headings split by spacing."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# Every anchor holds one of 評, 様, 答, 諮 (評価書, 様式, 答申書, 諮問): a cheap first test for each line.
# No other character becomes one of them under NFKC, so the test can run before normalising.
_WHITE = re.compile(r"\s+")


def _anchors(source: SourceText) -> list[_Anchor]:
    found: list[_Anchor] = []
    for number, raw in enumerate(source.lines, start=1):
        # Substring tests, not a character-class search: no call per line.
        if len(raw) > 200 or not ("評" in raw or "様" in raw or "答" in raw or "諮" in raw):
            continue
        line = _WHITE.sub("", unicodedata.normalize("NFKC", raw))
        if not line:
            continue
        if _ASSESSMENT_HEADING.match(line):
            found.append(_Anchor(number, "assessment", "heading"))
        elif _FORM_STAMP.match(line):
            found.append(_Anchor(number, "assessment", "stamp"))
        elif _ANSWER.match(line):
            found.append(_Anchor(number, "answer", "heading"))
        elif _CONSULTATION.search(line):
            found.append(_Anchor(number, "consultation", line))
    return found


def _page_start_before(source: SourceText, line: int, floor: int, reach: int = 120) -> int:
    """Move a document start back to the start of its page (after a run of >= 3 blank lines), since
    the anchor's box may stand anywhere on the cover page; else to the start of its block."""
    blank_run = 0
    block_start = None
    number = line - 1
    while number >= max(floor, line - reach):
        if not source.lines[number - 1].strip():
            blank_run += 1
            if blank_run >= 3:
                return number + blank_run
            if block_start is None:
                block_start = number + 1
        else:
            blank_run = 0
        number -= 1
    return block_start or line


def split_documents(source: SourceText) -> list[DocumentSpan]:
    """One span per document. A text with only a 変更箇所 table is one 'changelog' span."""
    total = len(source.lines)
    anchors = _anchors(source)
    clusters: list[_Anchor] = []
    roles: set[str] = set()
    last_line = 0
    for anchor in anchors:
        same_document = (
            clusters
            and clusters[-1].family == anchor.family
            and anchor.line - last_line < _CLUSTER_GAP
            and anchor.role not in roles  # a second heading (or stamp) starts a new document
        )
        if same_document:
            roles.add(anchor.role)
            last_line = anchor.line
            continue
        clusters.append(anchor)
        roles = {anchor.role}
        last_line = anchor.line
    if not clusters:
        has_changes = any(
            _CHANGE_LOG.match(squash(line)) or _CHANGE_HEADER.match(line.strip())
            for line in source.lines[:400]
        )
        family = "changelog" if has_changes else "unknown"
        return [DocumentSpan(source, 0, 1, total, family)]
    starts: list[tuple[int, str]] = []
    for position, anchor in enumerate(clusters):
        start = 1 if position == 0 else _page_start_before(source, anchor.line, starts[-1][0] + 1)
        starts.append((start, anchor.family))
    spans: list[DocumentSpan] = []
    for index, (start, family) in enumerate(starts):
        end = starts[index + 1][0] - 1 if index + 1 < len(starts) else total
        spans.append(DocumentSpan(source, index, start, end, family))
    return spans
