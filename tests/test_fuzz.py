"""Property-based fuzzing of the readers and the parser: only the project's own errors, never a hang."""

from __future__ import annotations

import contextlib
import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piagraph.errors import PiagraphError, ReadError
from piagraph.parse import parse_source
from piagraph.read.decode import decode_bytes
from piagraph.read.files import detect_layout
from piagraph.read.source import SourceText
from tests.conftest import SAMPLES, sample_path

FORM_TOKENS = [
    "特定個人情報保護評価書（重点項目評価書）", "[令和６年10月　様式３]", "評価書番号", "公表日", "令和7年1月10日",
    "①システムの名称 ", "[ ○ ] 情報提供ネットワークシステム [", "] 庁内連携システム", "提供先1 ", "⑥委託先名 ",
    "[ 十分である ]", "（別添２）変更箇所", "変更日\t項目\t変更前の記載\t変更後の記載\t提出時期", "(上段からの続き)",
    "<input checked=\"\" type=\"checkbox\"/>", "番号法第19条第8号", "別表第二16の2の項", "答  申  書", "諮問書",
    "○予防接種に関する事務", "　①　住民記録システムから取得", "\t", "<p>", "</p>", "[", "]", "（", "）", "横浜市長",
]


# PIAGRAPH_FUZZ_SCALE=10 multiplies the examples for a long run (RELIABILITY.md records one).
SCALE = int(os.environ.get("PIAGRAPH_FUZZ_SCALE", "1"))


def as_source(text: str, name: str = "fuzz.txt") -> SourceText:
    lines = text.split("\n")
    return SourceText(name, lines, "utf-8", detect_layout(lines))


@settings(max_examples=300 * SCALE, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_decode_arbitrary_bytes(data):
    try:
        text, encoding = decode_bytes(data, "fuzz.bin")
    except ReadError as exc:
        assert "fuzz.bin" in str(exc)
    else:
        assert isinstance(text, str) and encoding


@settings(max_examples=150 * SCALE, deadline=10_000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(FORM_TOKENS), st.text(max_size=30)), max_size=120),
       st.integers(min_value=0, max_value=5))
def test_parser_on_form_like_noise(tokens, joiner):
    separators = ["\n", "\n\n", " ", "\n\n\n\n", "\t", ""]
    text = separators[joiner].join(tokens)
    with contextlib.suppress(PiagraphError):
        parse_source(as_source(text))


@settings(max_examples=60 * SCALE, deadline=20_000, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SAMPLES)), st.integers(min_value=0, max_value=10**9))
def test_parser_on_mutated_sample_windows(key, seed):
    """A random window of a real sample with lines dropped, duplicated and swapped."""
    rng = random.Random(seed)
    lines = sample_path(key).read_text(encoding="utf-8").split("\n")
    start = rng.randrange(len(lines))
    window = lines[start : start + rng.randint(20, 400)]
    for _ in range(rng.randint(0, 20)):
        i = rng.randrange(len(window)) if window else 0
        action = rng.random()
        if action < 0.3 and window:
            del window[i]
        elif action < 0.6 and window:
            window.insert(i, window[rng.randrange(len(window))])
        elif window:
            j = rng.randrange(len(window))
            window[i], window[j] = window[j], window[i]
    with contextlib.suppress(PiagraphError):
        parse_source(as_source("\n".join(window), f"{key}-window.txt"))
