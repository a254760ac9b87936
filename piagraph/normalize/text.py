"""Text normalisation shared by readers and parsers: 全角/半角, brackets, marks, white space."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# NFKC would turn ① into "1" and Ⅱ into "II": keep those, the form's labels depend on them.
_PROTECTED = {chr(c) for c in range(0x2460, 0x2474)} | {chr(c) for c in range(0x2160, 0x216C)}
# ○/〇 and dash variants unified after NFKC (no replacement is another's variant: order is free).
_EXTRA_PAIRS = (("〇", "○"), ("◯", "○"), ("●", "○"), ("～", "~"), ("〜", "~"), ("―", "-"), ("‐", "-"), ("－", "-"))
_SPACES = re.compile(r"[ \t\u3000\xa0]+")

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
ROMAN = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5, "Ⅵ": 6, "Ⅶ": 7, "Ⅷ": 8, "Ⅸ": 9, "Ⅹ": 10}


_PROTECTED_RUN = re.compile("([%s]+)" % "".join(sorted(_PROTECTED)))


# The normalisers' results are cached, within bounds: a process parsing thousands of documents must
# stay small. A cache hit is a plain dict lookup, in C (the normalisers run for every line, cell and
# box, several times each: a Python wrapper frame per call cost more than the lookup). When the
# entries hold more than _BUDGET characters (keys and values) they become the previous generation:
# the texts asked for again are taken back from it, the rest dropped at the next turn, so the lines of
# the form that recur in every document stay cached.
_BUDGET = 600_000


class _Memo(dict[str, str]):
    """``func``'s results by text, bounded as described above; look up with ``__getitem__``."""

    def __init__(self, func: Callable[[str], str]) -> None:
        super().__init__()
        self.func = func
        self.previous: dict[str, str] = {}
        self.held = 0  # characters in the current generation

    def __missing__(self, text: str) -> str:
        result = self.previous.get(text)
        if result is None:
            result = self.func(text)
        size = len(text) + len(result)
        self.held += size
        if self.held > _BUDGET:
            self.previous = dict(self)
            self.clear()
            self.held = size
        self[text] = result
        return result


def _nfkc(text: str) -> str:
    if text.isascii():
        return text
    if not unicodedata.is_normalized("NFKC", text):  # most lines are; a normalised text has no ① or Ⅰ
        # Normalise the text between runs of ①… / Ⅰ… (odd pieces of the split), keeping the runs.
        pieces = _PROTECTED_RUN.split(text)
        text = "".join(piece if i % 2 else unicodedata.normalize("NFKC", piece) for i, piece in enumerate(pieces))
    # A substring test per mark is much faster than str.translate's per-character table lookup
    # over a long text, and most texts hold none of them.
    for variant, canonical in _EXTRA_PAIRS:
        if variant in text:
            text = text.replace(variant, canonical)
    return text


# NFKC except for circled numbers and Roman numerals, plus ○/〇 and dash variants unified.
nfkc: Callable[[str], str] = _Memo(_nfkc).__getitem__


def _norm(text: str) -> str:
    return _SPACES.sub(" ", nfkc(text)).strip()


# nfkc, white space collapsed to one ASCII space, stripped.
norm: Callable[[str], str] = _Memo(_norm).__getitem__


def _squash(text: str) -> str:
    return _SPACES.sub("", nfkc(text)).strip()


# nfkc with no white space at all: for matching labels that PDF extraction spaced out.
squash: Callable[[str], str] = _Memo(_squash).__getitem__


def circled_number(ch: str) -> int | None:
    """① -> 1 ... ⑳ -> 20."""
    index = CIRCLED.find(ch)
    return index + 1 if index >= 0 else None


_TAGS = re.compile(r"<[^>]{0,400}>")
_BREAKS = re.compile(r"</?(p|li|br|tr|ol|ul)[^>]{0,200}>", flags=re.I)


def strip_html(text: str) -> str:
    """Drop HTML tags of table-layout cells; list items and paragraphs become separate lines."""
    if "<" in text or "&" in text:  # most cells hold neither tags nor entities
        text = _BREAKS.sub("\n", text)
        text = _TAGS.sub("", text)
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&nbsp;", " ")
    return "\n".join(filter(None, map(norm, text.split("\n"))))  # the non-empty lines, normalised
