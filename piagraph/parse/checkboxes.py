"""Checkbox lists of the form (③他のシステムとの接続, ②入手方法, ⑥提供方法, 主な記録項目 ...).

A box is read as checked only where its mark stands right before its label:
``[ ○ ] 紙`` (PDF text), ``[○]紙``, ``■紙``, ``[<input checked ...>] 紙`` or ``[<input type="radio"/>] 紙``
(table layout). ``[ ] 紙``, ``□紙`` and ``<input type="checkbox"/> 紙`` are unchecked. In PDF text
a label whose mark was separated from it (``] 庁内連携システム``) is *undetermined*: the caller
reports it as a warning instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from piagraph.normalize.text import nfkc, squash

CONNECTION_LABELS = (
    "情報提供ネットワークシステム",
    "庁内連携システム",
    "住民基本台帳ネットワークシステム",
    "既存住民基本台帳システム",
    "宛名システム等",
    "税務システム",
    "その他",
)
METHOD_LABELS = (
    "紙",
    "電子記録媒体(フラッシュメモリを除く。)",
    "フラッシュメモリ",
    "電子メール",
    "専用線",
    "庁内連携システム",
    "情報提供ネットワークシステム",
    "その他",
)
SOURCE_LABELS = (
    "本人又は本人の代理人",
    "評価実施機関内の他部署",
    "行政機関・独立行政法人等",
    "地方公共団体・地方独立行政法人",
    "民間事業者",
    "その他",
)

# One mark followed by its label. Marks: [ ○ ], [], [<input ...>], <input ...>, □, ■.
_MARK = r"(?P<mark>\[\s*(?:○|<input[^>\]]{0,200}>)?\s*\]|<input[^>]{0,200}>|□|■)"
_PAIR = re.compile(_MARK + r"\s*(?P<label>[^\[\]<□■]{1,120})")
_DANGLING = re.compile(r"(?:^|\])\s*(?P<label>[^\[\]<□■]{1,120})")


@dataclass
class CheckResult:
    checked: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    undetermined: list[str] = field(default_factory=list)
    other_text: list[str] = field(default_factory=list)  # contents of その他（…） when checked


def _is_checked(mark: str) -> bool:
    lowered = mark.lower()
    return "○" in mark or "■" in mark or "checked" in lowered or "radio" in lowered


@lru_cache(maxsize=256)
def _keys(vocabulary: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(squashed label, label), longest first."""
    return tuple((squash(label), label) for label in sorted(vocabulary, key=len, reverse=True))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@lru_cache(maxsize=65536)
def _label_of(squashed: str, vocabulary: tuple[str, ...]) -> str | None:
    # A label printed in full wins, the longest first (「個人番号対応符号」 before 「個人番号」).
    exact = next((label for key, label in _keys(vocabulary) if squashed.startswith(key)), None)
    # A long label may be cut by a line wrap or spelled a little differently at its end
    # (「電子記録媒体(フラッシュメモリを除く)」): its first len - 4 characters suffice, but only when
    # the text agrees with it further than with the label printed in full. So 「[ ○ ] 個人番号」 is
    # 個人番号, not 個人番号対応符号, while a wrapped 「その他住民票関」 is その他住民票関係情報, not その他.
    reach = len(squash(exact)) if exact else 0
    cut, best = None, reach
    for key, label in _keys(vocabulary):
        if len(key) > 6 and squashed.startswith(key[:-4]):
            agreed = _common_prefix(squashed, key)
            if agreed > best:
                cut, best = label, agreed
    return cut or exact


def _vocabulary_label(text: str, vocabulary: Sequence[str]) -> str | None:
    """The vocabulary label that ``text`` starts with, compared squashed: a label printed in full
    (longest first), or a long label cut short or varied in its last characters when the text
    follows it further than any label printed in full."""
    return _label_of(squash(text), tuple(vocabulary))


def _other_text(label_text: str) -> str | None:
    match = re.search(r"その他\s*\((.*?)(?:\)|$)", nfkc(label_text))
    if match and match.group(1).strip():
        return match.group(1).strip()
    return None


@lru_cache(maxsize=16384)
def _read_text(raw: str, vocabulary: tuple[str, ...]) -> tuple[tuple[tuple[str, bool, str | None], ...],
                                                              tuple[str, ...]]:
    """One text's ``mark label`` pairs as (label, checked, その他 text) and the labels standing
    without a mark. Cached: parsers read the same boxes against the same lists more than once."""
    text = nfkc(raw)
    pairs: list[tuple[str, bool, str | None]] = []
    seen_spans: list[tuple[int, int]] = []
    for match in _PAIR.finditer(text):
        label = _vocabulary_label(match.group("label"), vocabulary)
        if label is None:
            continue
        seen_spans.append(match.span("label"))
        checked = _is_checked(match.group("mark"))
        other = _other_text(match.group("label")) if checked and label == "その他" else None
        pairs.append((label, checked, other))
    # Labels whose mark was split away from them by the PDF extractor.
    dangling: list[str] = []
    for match in _DANGLING.finditer(text):
        start, _end = match.span("label")
        if any(s <= start < e for s, e in seen_spans):
            continue
        label = _vocabulary_label(match.group("label"), vocabulary)
        if label and label not in dangling:
            dangling.append(label)
    return tuple(pairs), tuple(dangling)


def read_checkboxes(texts: Iterable[str], vocabulary: Sequence[str]) -> CheckResult:
    """Read every ``mark label`` pair in ``texts`` (lines or cells) against ``vocabulary``."""
    result = CheckResult()
    vocab = tuple(vocabulary)
    for raw in texts:
        pairs, dangling = _read_text(raw, vocab)
        for label, checked, other in pairs:
            if checked:
                if label not in result.checked:
                    result.checked.append(label)
                if other:
                    result.other_text.append(other)
            elif label not in result.unchecked:
                result.unchecked.append(label)
        for label in dangling:
            if label not in result.checked and label not in result.unchecked and label not in result.undetermined:
                result.undetermined.append(label)
    result.undetermined = [label for label in result.undetermined if label not in result.checked
                           and label not in result.unchecked]
    return result


def bracket_choice(text: str, choices: Sequence[str]) -> str | None:
    """The chosen answer of a ＜選択肢＞ question: ``[ 十分である ]``, ``[十分である]`` or a line that is
    exactly one of ``choices`` (not the numbered list entry ``2) 十分である``)."""
    squashed = squash(text)
    keys = _bracket_keys(tuple(choices))
    for _key, opened, closed, choice in keys:
        if closed in squashed or squashed == opened:
            return choice
    for key, opened, _closed, choice in keys:
        if squashed in (key, opened) or squashed.endswith(opened):
            return choice
    return None


@lru_cache(maxsize=64)
def _bracket_keys(choices: tuple[str, ...]) -> tuple[tuple[str, str, str, str], ...]:
    """(squashed choice, 「[choice」, 「[choice]」, choice), longest first: built once per choice list,
    not for each of the many texts bracket_choice reads against it."""
    keys = sorted(((squash(c), c) for c in choices), key=lambda pair: len(pair[0]), reverse=True)
    return tuple((key, f"[{key}", f"[{key}]", choice) for key, choice in keys)
