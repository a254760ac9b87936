"""The literal prefilter of line searches finds exactly the lines a full scan finds."""

from __future__ import annotations

import random
import re

import pytest

from piagraph.parse.linescan import LineScan, required_literals


@pytest.mark.parametrize(("pattern", "literals"), [
    (r"^①事務の名称", {"①事務の名称"}),
    (r"(?<![「『])委託先名(?![」』])", {"委託先名"}),
    (r"対策は十分か|^①?(請求先|連絡先)", {"対策は十分か", "請求先", "連絡先"}),
    (r"^\(別添\d\)(?:特定個人情報)?ファイル記録項目", {"ファイル記録項目"}),
    (r"(?i)abc", None),  # case-insensitive: no literal can be required
    (r"x|y|", None),  # an empty alternative matches anywhere
    (r"(foo)?bar", {"bar"}),
    (r"a+bc", {"bc"}),
])
def test_required_literals(pattern: str, literals: set[str] | None) -> None:
    found = required_literals(re.compile(pattern))
    assert (set(found) if found is not None else None) == literals


def test_scan_equals_full_search() -> None:
    rng = random.Random(7)
    alphabet = "abcdxyzq()別添1①事務の名称 \u3000"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(4000)]
    scan = LineScan(texts)
    patterns = [r"a(b|cd)+e", r"(?:xy|z)w?q", r"^(?i:abc)d", r"(foo)?bar", r"a{2,3}b", r"(?=abc)ab", r"x|y|",
                r"\(別添\d\)", r"[ab]c+d", r"(?i)Ab", r"a.*b", r"(ab)*c", r"^①事務", r"名称$", r"(?<!事)務の"]
    for pattern in patterns:
        regex = re.compile(pattern)
        expected = [(i, m.span()) for i, t in enumerate(texts) if (m := regex.search(t))]
        assert [(i, m.span()) for i, m in scan.search(regex)] == expected, pattern
