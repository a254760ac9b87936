"""Test helper: shuffle the text boxes of every page, as another PDF extractor might order them.

A page is a run of lines between runs of >= 3 empty lines (as DocText.pages); a block is a run
of non-empty lines. Blocks are shuffled within their page; the blank runs stay where they are,
so pages and the number of lines are preserved.
"""

from __future__ import annotations

import random

PAGE_BREAK = 3  # empty lines in a row that separate pages


def _runs(lines: list[str]) -> list[tuple[bool, list[str]]]:
    """(is_blank, lines) runs in order."""
    runs: list[tuple[bool, list[str]]] = []
    for line in lines:
        blank = not line.strip()
        if runs and runs[-1][0] == blank:
            runs[-1][1].append(line)
        else:
            runs.append((blank, [line]))
    return runs


def permute_blocks(text: str, seed: int) -> str:
    """``text`` with the blank-line-separated blocks of each page in a seeded random order."""
    rng = random.Random(seed)
    runs = _runs(text.split("\n"))
    out: list[list[str]] = [r[1] for r in runs]
    page: list[int] = []  # indexes of the text runs of the current page

    def flush() -> None:
        blocks = [out[i] for i in page]
        rng.shuffle(blocks)
        for i, block in zip(page, blocks, strict=True):
            out[i] = block
        page.clear()

    for i, (blank, lines) in enumerate(runs):
        if blank and len(lines) >= PAGE_BREAK:
            flush()
        elif not blank:
            page.append(i)
    flush()
    return "\n".join(line for run in out for line in run)
