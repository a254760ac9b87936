"""Text normalisation shared by readers and parsers: 全角/半角, brackets, marks, white space."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# NFKC would turn ① into "1" and Ⅱ into "II": keep those, the form's labels depend on them.
_PROTECTED = {chr(c) for c in range(0x2460, 0x2474)} | {chr(c) for c in range(0x2160, 0x216C)}
# ○/〇 and dash variants unified after NFKC (no replacement is another's variant: order is free).
_EXTRA_PAIRS = (("〇", "○"), ("◯", "○"), ("●", "○"), ("～", "~"), ("〜", "~"), ("―", "-"), ("‐", "-"), ("－", "-"))
_SPACES = re.compile(r"[ \t\u3000\xa0]+")

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
ROMAN = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5, "Ⅵ": 6, "Ⅶ": 7, "Ⅷ": 8, "Ⅸ": 9, "Ⅹ": 10}


_PROTECTED_RUN = re.compile("([%s]+)" % "".join(sorted(_PROTECTED)))


@lru_cache(maxsize=65536)
def nfkc(text: str) -> str:
    """NFKC except for circled numbers and Roman numerals, plus ○/〇 and dash variants unified."""
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


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """nfkc, white space collapsed to one ASCII space, stripped."""
    return _SPACES.sub(" ", nfkc(text)).strip()


@lru_cache(maxsize=65536)
def squash(text: str) -> str:
    """nfkc with no white space at all: for matching labels that PDF extraction spaced out."""
    return _SPACES.sub("", nfkc(text)).strip()


def circled_number(ch: str) -> int | None:
    """① -> 1 ... ⑳ -> 20."""
    index = CIRCLED.find(ch)
    return index + 1 if index >= 0 else None


_TAGS = re.compile(r"<[^>]{0,400}>")


def strip_html(text: str) -> str:
    """Drop HTML tags of table-layout cells; list items and paragraphs become separate lines."""
    text = re.sub(r"</?(p|li|br|tr|ol|ul)[^>]{0,200}>", "\n", text, flags=re.I)
    text = _TAGS.sub("", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&nbsp;", " ")
    lines = [norm(line) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)
