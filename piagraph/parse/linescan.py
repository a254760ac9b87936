"""Fast line search: find the lines a regular expression can match without running it on every line.

Parsers look for labels (「⑥委託先名」, 「^①事務の名称」 …) in documents of thousands of lines. Nearly
every label pattern contains a literal that any match must contain; the lines holding that literal are
found by ``str.find`` over all lines joined once, and only those lines are searched with the pattern.
The result is exactly the lines where ``regex.search`` succeeds: the literal is a necessary condition
only, and a pattern without one (or one the analysis does not understand) is run on every line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate

try:  # the regular expression parser of the standard library (private; 3.11+ name, then the old one)
    from re import _constants as _sre_constants
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_LITERAL = _sre_constants.LITERAL
_SUBPATTERN = _sre_constants.SUBPATTERN
_BRANCH = _sre_constants.BRANCH
_REPEATS = (_sre_constants.MAX_REPEAT, _sre_constants.MIN_REPEAT)
_IGNORECASE = re.IGNORECASE


def _weakest(options: frozenset[str]) -> int:
    return min(len(option) for option in options)


def _required(items: Sequence[tuple[object, object]]) -> frozenset[str] | None:
    """Literals one of which every match of the sequence ``items`` contains, or None."""
    found: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        if op is _LITERAL:
            run.append(chr(av))  # type: ignore[arg-type]
            continue
        if run:
            found.append(frozenset(["".join(run)]))
            run = []
        inner: frozenset[str] | None = None
        if op is _SUBPATTERN:
            _group, add_flags, del_flags, sub = av  # type: ignore[misc]
            if not (add_flags | del_flags) & _IGNORECASE:
                inner = _required(sub)
        elif op is _BRANCH:
            options: set[str] = set()
            for alternative in av[1]:  # type: ignore[index]
                one = _required(alternative)
                if one is None:
                    options.clear()
                    break
                options |= one
            inner = frozenset(options) if options else None
        elif op in _REPEATS and av[0] >= 1:  # type: ignore[index]
            inner = _required(av[2])  # type: ignore[index]
        if inner:
            found.append(inner)
    if not found:
        return None
    return max(found, key=_weakest)  # the most selective: the longest shortest literal


@lru_cache(maxsize=2048)
def required_literals(regex: re.Pattern[str]) -> frozenset[str] | None:
    """Literals one of which every match of ``regex`` contains; None when there is no such set."""
    try:
        tree = _sre_parse.parse(regex.pattern, regex.flags)
    except Exception:  # pragma: no cover - a private API may change: fall back to full scans
        return None
    if tree.state.flags & _IGNORECASE:
        return None
    literals = _required(list(tree))
    return literals if literals and all(literals) else None


class LineScan:
    """Texts of lines joined by ``\\n`` with each line's offset, for literal lookups."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self.joined = "\n".join(texts)
        # Each text's offset: the lengths of the texts before it, plus one separator each (summed in
        # C: a Python lambda per line cost more than the rest of the scan).
        self.offsets = list(accumulate(map((1).__add__, map(len, texts[:-1])), initial=0)) if texts else []

    def candidates(self, regex: re.Pattern[str]) -> Sequence[int]:
        """Indices (ascending) of the texts ``regex`` might match: those holding a required literal,
        or all of them."""
        literals = required_literals(regex)
        if literals is None:
            return range(len(self.texts))
        indices: set[int] = set()
        joined, offsets = self.joined, self.offsets
        for literal in literals:
            position = joined.find(literal)
            while position >= 0:
                index = bisect_right(offsets, position) - 1
                indices.add(index)
                # Continue after this line: further hits in it would add nothing.
                following = offsets[index + 1] if index + 1 < len(offsets) else len(joined)
                position = joined.find(literal, max(position + 1, following))
        return sorted(indices)

    def search(self, regex: re.Pattern[str]) -> list[tuple[int, re.Match[str]]]:
        """(index, match) for every text where ``regex.search`` succeeds, in order."""
        texts = self.texts
        out = []
        for index in self.candidates(regex):
            match = regex.search(texts[index])
            if match:
                out.append((index, match))
        return out
