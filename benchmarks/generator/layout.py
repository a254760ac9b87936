"""Page assembly shared by the renderers: blocks, pages and the seeded in-page shuffle."""

from __future__ import annotations

import random

PAGE_SEP = "\n\n\n\n"  # a line end plus three empty lines, as in the samples


_NO_START = set("。、）」』】・ー")  # kinsoku: these never begin a printed line


def wrap(text: str, width: int) -> str:
    """Hard-wrap every line at `width` characters (PDF text breaks lines inside words)."""
    out = []
    for line in text.split("\n"):
        if not line:
            out.append(line)  # empty lines separate boxes; keep them
            continue
        while len(line) > width:
            cut = width + 1 if line[width] in _NO_START else width
            out.append(line[:cut])
            line = line[cut:]
        if line:
            out.append(line)
    return "\n".join(out)


def _tidy(block: str) -> str:
    """A block never contains an empty line (that would split it, or fake a page break)."""
    block = block.strip("\n")
    while "\n\n" in block:
        block = block.replace("\n\n", "\n")
    return block


def shuffle_blocks(blocks: list[str], rng: random.Random) -> list[str]:
    """Reorder blocks like a PDF extractor would: sometimes locally, sometimes across the whole page."""
    window = rng.choice((3.0, 8.0, 1e9))
    keyed = [(i + rng.random() * window, b) for i, b in enumerate(blocks)]
    keyed.sort(key=lambda kb: kb[0])
    return [b for _, b in keyed]


def assemble(pages: list[tuple[list[str], bool]], rng: random.Random | None) -> str:
    """Join pages (blocks, may_shuffle); rng None keeps the reading order."""
    parts = []
    for blocks, may_shuffle in pages:
        blocks = [_tidy(b) for b in blocks if b.strip()]
        if not blocks:
            continue
        if rng is not None and may_shuffle:
            blocks = shuffle_blocks(blocks, rng)
        parts.append("\n\n".join(blocks))
    return "\n" + PAGE_SEP.join(parts) + "\n\n\n"
