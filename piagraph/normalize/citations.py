"""Legal citations in free-text cells of 特定個人情報保護評価書, as structured, checkable data.

``parse_citations(text)`` finds every citation it can read (番号法第19条第8号, 別表第二16の2の項,
提供命令第2条の表25の項, 住基法第30条の6, 高槻市個人情報保護条例第10条第2項第5号 ...) and returns
one :class:`Citation` per cited provision, each pointing at the exact printed substring.
``find_unparsed(text)`` returns what looks like a citation but was not read, so that callers can
keep it raw and report it instead of silently dropping it.

How it works, and why:

* Matching runs on a normalised copy of the text (NFKC, lines joined: PDF extraction wraps lines
  inside law names and even inside numbers, 「９⏎６」 for 96) with a map back to the original
  offsets, so ``raw == text[start:end]`` always holds. Where a line break was is remembered: it
  may still separate two words (「…援課⏎番号法別表第一」).
* One compiled alternation tokenises the text (law names, law numbers, 第N条…, 別表…, row lists,
  separators); a small hand-written grammar then walks the tokens. Every token pattern is bounded,
  so no input can cause catastrophic backtracking, and nothing here raises on any input string.
* Laws, their aliases and ids are data (data/legal/laws.csv): supporting a law is adding a row.
* Context carries forward inside one cell: a bare 「第67条の2」 belongs to the law named last, a bare
  「(16ー2の項)」 to the table named last, 「同法」 to the law named last, and a short name defined
  in the text (「（以下「規則」という。）」) to the law it follows.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from piagraph.paths import DATA_DIR

__all__ = [
    "LAWS_CSV",
    "Citation",
    "LawInfo",
    "citation_from_path",
    "find_unparsed",
    "kanji_to_int",
    "law_by_id",
    "law_by_key",
    "laws",
    "parse_citations",
    "unparsed_spans",
]

LAWS_CSV = DATA_DIR / "legal" / "laws.csv"
MYNUMBER_ACT = "mynumber-act"
PROVISION_ORDER = "provision-order"
ORDINANCE_PREFIX = "ordinance:"

# ---------------------------------------------------------------------------------------------
# numbers

_KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_DIGIT_KANJI = {v: k for k, v in _KANJI_DIGITS.items()}


def kanji_to_int(s: str) -> int | None:
    """'15' / '十五' / '百二十' / '一〇' -> int; None when ``s`` is not a well-formed number."""
    if not s:
        return None
    if s.isascii():
        return int(s) if s.isdigit() else None
    if not any(c in _KANJI_UNITS for c in s):  # positional form, e.g. 一〇
        if all(c in _KANJI_DIGITS for c in s):
            return int("".join(str(_KANJI_DIGITS[c]) for c in s))
        return None
    total, pending, last_unit = 0, None, 10**9
    for c in s:
        if c in _KANJI_DIGITS:
            if pending is not None:  # 二三十: two digits without a unit between them
                return None
            pending = _KANJI_DIGITS[c]
        elif c in _KANJI_UNITS:
            unit = _KANJI_UNITS[c]
            if unit >= last_unit:  # 十百, 十十: units must fall
                return None
            total += (1 if pending is None else pending) * unit
            pending, last_unit = None, unit
        else:
            return None
    return total + (pending or 0)


def _int_to_kanji(n: int) -> str:
    """1..9999 -> 一..九千九百九十九 (for table names such as 別表第二 and for alias patterns)."""
    if n <= 0 or n > 9999:
        return str(n)
    out = []
    for unit, ch in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, unit)
        if q:
            out.append(("" if q == 1 else _DIGIT_KANJI[q]) + ch)
    if n:
        out.append(_DIGIT_KANJI[n])
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# normalisation with an offset map

_LINE_BREAKS = frozenset("\n\r\u2028\u2029\x0b\x0c\x85")


# CJK radical-supplement look-alikes that PDF extraction emits for common kanji (住⺠, 部⻑) and
# that NFKC leaves alone.
_RADICALS = {
    "⺠": "民",
    "⻑": "長",
    "⻄": "西",
    "⻘": "青",
    "⻝": "食",
    "⻤": "鬼",
    "⺟": "母",
    "⻩": "黄",
    "⻲": "亀",
}


@lru_cache(maxsize=8192)
def _norm_char(ch: str) -> str:
    if ch == "\t":
        return " "
    if ch in _RADICALS:
        return _RADICALS[ch]
    cp = ord(ch)
    # Circled/parenthesised numbers (①, ⑴) stay as they are: NFKC would turn them into digits
    # that then glue onto a neighbouring row number.
    if 0x2460 <= cp <= 0x24FF or 0x3251 <= cp <= 0x32BF:
        return ch
    out = unicodedata.normalize("NFKC", ch)
    # Expansions (… -> ..., ㈱ -> (株)) never matter to a citation; keeping the character keeps
    # the offset map 1:1.
    return out if len(out) == 1 else ch


_BREAK_RUN = re.compile("[\n\r\u2028\u2029\x0b\x0c\x85]+")


def _normalize(text: str) -> tuple[str, list[int], list[int]]:
    """(normalised text, start offset of each char in ``text``, end offset of each char)."""
    table = {ch: ("" if ch in _LINE_BREAKS else _norm_char(ch)) for ch in set(text)}
    norm = text.translate(str.maketrans(table))
    starts = [i for i, ch in enumerate(text) if table[ch]]  # 1:1 except dropped line breaks
    return norm, starts, [i + 1 for i in starts]


def _breaks(text: str) -> dict[int, int]:
    """{position in the normalised text: number of line breaks just before it}.

    Lines are joined for matching (PDF wraps split names and numbers), but a break is still a
    possible word boundary (「…援課⏎⏎番号法別表第一」), and a blank line is a sure one."""
    out: dict[int, int] = {}
    dropped = 0
    for m in _BREAK_RUN.finditer(text):
        run = m.group(0)
        out[m.start() - dropped] = max(1, len(run) - run.count("\r\n"))
        dropped += len(run)
    return out


# ---------------------------------------------------------------------------------------------
# law registry (data/legal/laws.csv)


@dataclass(frozen=True)
class LawInfo:
    key: str
    name: str
    short: str
    law_id: str | None
    law_number: str = ""
    aliases: tuple[str, ...] = ()
    tables: frozenset[str] = frozenset()
    in_force_from: date | None = None
    abolished_on: date | None = None
    notes: str = ""

    @property
    def is_ordinance(self) -> bool:
        return self.key.startswith(ORDINANCE_PREFIX)


def _iso(value: str) -> date | None:
    return date.fromisoformat(value) if value.strip() else None


class _Registry:
    def __init__(self, path: Path) -> None:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        raw_aliases = {r["law_key"]: [a.strip() for a in r["aliases"].split("|") if a.strip()] for r in rows}
        self.by_key: dict[str, LawInfo] = {}
        for r in rows:
            aliases = self._expand(raw_aliases[r["law_key"]], raw_aliases)
            law = LawInfo(
                key=r["law_key"],
                name=r["law_name"],
                short=r["short_name"] or r["law_name"],
                law_id=r["law_id"] or None,
                law_number=r["law_number"],
                aliases=tuple(aliases),
                tables=frozenset(t for t in r["tables"].split(";") if t),
                in_force_from=_iso(r["in_force_from"]),
                abolished_on=_iso(r["abolished_on"]),
                notes=r["notes"],
            )
            self.by_key[law.key] = law
        self.by_id = {law.law_id: law for law in self.by_key.values() if law.law_id}
        self.by_number: dict[tuple[str, int, str, int], LawInfo] = {}
        for law in self.by_key.values():
            num = _law_number_key(law.law_number)
            if num:
                self.by_number[num] = law

    @staticmethod
    def _expand(aliases: list[str], table: dict[str, list[str]]) -> list[str]:
        """Replace a leading ``{law-key}`` by each literal alias of that law."""
        out: list[str] = []
        for alias in aliases:
            m = re.match(r"\{([^}]+)\}(.*)$", alias)
            if not m:
                out.append(alias)
                continue
            for base in table.get(m.group(1), []):
                if "{" not in base:
                    out.append(base + m.group(2))
        return out


@lru_cache(maxsize=1)
def _registry() -> _Registry:
    return _Registry(LAWS_CSV)


def laws() -> dict[str, LawInfo]:
    """All laws known to the parser, by law_key."""
    return dict(_registry().by_key)


def law_by_key(key: str) -> LawInfo | None:
    return _registry().by_key.get(key)


def law_by_id(law_id: str) -> LawInfo | None:
    return _registry().by_id.get(law_id)


# ---------------------------------------------------------------------------------------------
# the Citation record


def _ascii_num(value: str) -> str:
    """'12の2' -> '12-2'; '附則7' -> 'suppl-7' (path segments must be ASCII)."""
    return value.replace("附則", "suppl-").replace("の", "-")


def _table_slug(table: str) -> str:
    """'別表第二' -> 'table2'; '別表' -> 'table'; '第2条の表' -> 'table' (under its article)."""
    if table.startswith("別表"):
        rest = table[2:].removeprefix("第")
        n = kanji_to_int(rest) if rest else None
        return f"table{n}" if n else "table"
    return "table"


@dataclass(frozen=True)
class Citation:
    """One cited provision, as printed (raw/start/end) and as read (the other fields)."""

    law_key: str
    law_name: str
    law_id: str | None
    article: str | None = None
    paragraph: str | None = None
    item: str | None = None
    table: str | None = None
    row: str | None = None
    raw: str = ""
    start: int = 0
    end: int = 0

    @property
    def law_short(self) -> str:
        law = law_by_key(self.law_key)
        return law.short if law and not law.is_ordinance else self.law_name

    @property
    def normalized(self) -> str:
        """Canonical citation text, e.g. 番号法第19条第8号, 番号法別表第二16の2の項, 提供命令第2条の表25の項."""
        out = [self.law_short]
        if self.table and self.table.startswith("第"):  # 第2条の表 carries its article
            out.append(self.table)
        else:
            if self.article:
                if self.article.startswith("附則"):
                    out.append(f"附則第{self.article[2:]}条")
                else:
                    head, _, tail = self.article.partition("の")
                    out.append(f"第{head}条" + (f"の{tail}" if tail else ""))
            if self.paragraph:
                out.append(f"第{self.paragraph}項")
            if self.item:
                head, _, tail = self.item.partition("の")
                out.append(f"第{head}号" + (f"の{tail}" if tail else ""))
            if self.table:
                out.append(self.table)
        if self.row:
            out.append(f"{self.row}の項")
        return "".join(out)

    @property
    def path(self) -> str:
        """Stable, ASCII-only, IRI-safe path, e.g. H25HO027/art19/item8, H25HO027/table2/row16-2."""
        if self.law_id:
            parts = [self.law_id]
        else:  # ordinances have no national id: a short hash of the name keeps the path stable
            digest = hashlib.sha1(self.law_name.encode("utf-8")).hexdigest()[:10]
            kind = "ordinance" if self.law_key.startswith(ORDINANCE_PREFIX) else "law"
            parts = [f"{kind}-{digest}"]
        if self.article:
            parts.append(
                "art" + _ascii_num(self.article)
                if not self.article.startswith("附則")
                else _ascii_num(self.article)
            )
        if self.paragraph:
            parts.append("para" + _ascii_num(self.paragraph))
        if self.item:
            parts.append("item" + _ascii_num(self.item))
        if self.table:
            parts.append(_table_slug(self.table))
        if self.row:
            parts.append("row" + _ascii_num(self.row))
        return "/".join(parts)


_PATH_SEG = re.compile(r"(art|para|item|row)([0-9]+(?:-[0-9]+)*)$|suppl-([0-9]+(?:-[0-9]+)*)$|table([0-9]*)$")


def citation_from_path(path: str, raw: str = "", start: int = 0, end: int = 0) -> Citation:
    """Inverse of :attr:`Citation.path` for laws in laws.csv (raises ValueError otherwise)."""
    law_id, *segments = path.split("/")
    law = law_by_id(law_id)
    if law is None:
        raise ValueError(f"unknown law id in path {path!r}")
    fields: dict[str, str | None] = {}
    for seg in segments:
        m = _PATH_SEG.match(seg)
        if not m:
            raise ValueError(f"bad path segment {seg!r} in {path!r}")
        if m.group(3) is not None:
            fields["article"] = "附則" + m.group(3).replace("-", "の")
        elif seg.startswith("table"):
            n = m.group(4)
            if n:
                fields["table"] = f"別表第{_int_to_kanji(int(n))}"
            elif "article" in fields:
                fields["table"] = f"第{fields['article']}条の表"
            else:
                fields["table"] = "別表"
        else:
            name = {"art": "article", "para": "paragraph", "item": "item", "row": "row"}[m.group(1)]
            fields[name] = m.group(2).replace("-", "の")
    return Citation(law.key, law.name, law.law_id, raw=raw, start=start, end=end, **fields)


# ---------------------------------------------------------------------------------------------
# token patterns (all bounded)

_SP = r"[ ]*"
_NUM = r"(?:[0-9]{1,4}|[〇一二三四五六七八九十百千]{1,6})"
_SUB = r"(?:の|[-ー‐‑–—−])"  # 16の2, 16ー2, 16-2 are one row
_ROWNUM = rf"{_NUM}(?:{_SUB}{_NUM}){{0,3}}"
_ROWITEM = rf"第?{_ROWNUM}(?:の?項(?!目))?(?![0-9条号欄])"
_LISTSEP = rf"{_SP}(?:[、,・]|及び|並びに){_SP}"
_ART_HEAD = rf"(?:附則{_SP})?第{_SP}{_NUM}{_SP}条(?:の{_NUM}){{0,3}}"
_ITEM_TAIL = rf"第?{_SP}{_NUM}{_SP}号(?:の{_NUM}){{0,2}}"
_KANJIISH = "一-龥々〆ヵヶァ-ヺー"  # characters that continue a word (kanji, katakana)
_LAWNUM = (
    rf"(?:明治|大正|昭和|平成|令和){_SP}(?:元|{_NUM}){_SP}年"
    rf"(?:{_SP}{_NUM}{_SP}月{_SP}{_NUM}{_SP}日)?{_SP}"
    rf"[^()第\s]{{0,15}}?(?:法律|政令|省令|府令|条例|規則|命令|告示){_SP}第{_SP}{_NUM}{_SP}号"
)
_LAWNUM_PARTS = re.compile(
    rf"(明治|大正|昭和|平成|令和){_SP}(元|{_NUM}){_SP}年(?:{_SP}{_NUM}{_SP}月{_SP}{_NUM}{_SP}日)?{_SP}"
    rf"[^()第\s]{{0,15}}?(法律|政令|省令|府令|条例|規則|命令|告示){_SP}第{_SP}({_NUM}){_SP}号"
)
# A municipal ordinance name: municipality, then a title; the caller adds the final 条例.
_ORDINANCE_NAME = re.compile(rf"(?![市区町村])[{_KANJIISH}]{{0,7}}?[市区町村][{_KANJIISH}ぁ-ゖ・]{{0,24}}")
_MUNI = re.compile(rf"[{_KANJIISH}]{{0,7}}?[市区町村]")

_KIND_OF_ISSUER = {
    "法律": "法律",
    "政令": "政令",
    "省令": "省令",
    "府令": "省令",
    "命令": "省令",
    "条例": "条例",
    "規則": "規則",
    "告示": "告示",
}


def _law_number_key(text: str) -> tuple[str, int, str, int] | None:
    m = _LAWNUM_PARTS.search(_normalize(text)[0]) if text else None
    if not m:
        return None
    year = 1 if m.group(2) == "元" else kanji_to_int(m.group(2))
    num = kanji_to_int(m.group(4))
    if not year or not num:
        return None
    return (m.group(1), year, _KIND_OF_ISSUER[m.group(3)], num)


def _alias_pattern(alias: str) -> str:
    """Literal alias -> regex that also accepts kanji numerals for its digits (第19条 / 第十九条)."""
    norm = _normalize(alias)[0]
    out = []
    for part in re.split(r"([0-9]+)", norm):
        if part.isdigit():
            out.append(f"(?:{part}|{_int_to_kanji(int(part))})")
        elif part:
            out.append(re.escape(part))
    return "".join(out)


@lru_cache(maxsize=1)
def _lexer() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """(master token pattern, the same without law names, {group name: law_key})."""
    reg = _registry()
    aliases = [(alias, law.key) for law in reg.by_key.values() for alias in law.aliases]
    aliases.sort(key=lambda a: -len(a[0]))  # longest first: 番号法整備法 before 番号法
    group_law: dict[str, str] = {}
    by_first: dict[str, list[str]] = defaultdict(list)  # branches grouped by first character
    for n, (alias, key) in enumerate(aliases):
        group_law[f"L{n}"] = key
        by_first[_normalize(alias)[0][:1]].append(f"(?P<L{n}>{_alias_pattern(alias)})")
    # 「主務省令第2条の表」: the bare 主務省令 is the provision order only when its table follows.
    group_law["Lctx"] = PROVISION_ORDER
    by_first["主"].append(rf"(?P<Lctx>主務省令(?={_SP}第{_SP}(?:2|二){_SP}条の表))")
    law_alts = [f"(?={re.escape(first)})(?:{'|'.join(branches)})" for first, branches in by_first.items()]
    firsts = {_normalize(a)[0][:1] for a, _ in aliases} | {"主"}
    firsts |= {_int_to_kanji(int(f))[:1] for f in firsts if f.isdigit()}
    trigger = "".join(
        sorted(firsts | set("明大昭平令同条第附別〇一二三四五六七八九十百千、,・及並お又若()[]の "))
    )
    trigger = re.escape(trigger)
    tail = [
        r"(?P<doho>同(?:法|令|省令|命令|条例)(?!施行|律))",
        r"(?P<dojo>同条)",
        r"(?P<jorei>条例)",
        rf"(?P<arttable>{_ART_HEAD}の表)",
        rf"(?P<article>{_ART_HEAD}(?:{_SP}第?{_SP}{_NUM}{_SP}項(?!目))?(?:{_SP}{_ITEM_TAIL})?)",
        rf"(?P<item>第{_SP}{_NUM}{_SP}号(?:の{_NUM}){{0,2}})",
        rf"(?P<para>第{_SP}{_NUM}{_SP}項(?!目))",
        rf"(?P<table>別表(?:{_SP}第{_SP}{_NUM}|[1-9](?=[ 第(、,)]|$))?)",
        rf"(?P<rows>{_ROWITEM}(?:{_LISTSEP}{_ROWITEM}){{0,300}})",
        r"(?P<sep>[、,・]|及び|並びに|および|又は|若しくは)",
        r"(?P<lp>[(\[])",
        r"(?P<rp>[)\]])",
        r"(?P<no>の)",
        r"(?P<sp>[ ]+)",
        r"(?P<char>.)",
    ]
    head = [
        rf"(?P<other>[^{trigger}0-9]+)",  # plain text: one token per run, not per character
        rf"(?P<lawnum>{_LAWNUM})",
    ]
    # the first-character guard lets the ~100 law-name branches fail in one step
    laws_alt = rf"(?=[{re.escape(''.join(sorted(firsts)))}])(?:{'|'.join(law_alts)})"
    full = re.compile("|".join([*head, laws_alt, *tail]), re.DOTALL)
    nolaw = re.compile("|".join([*head, *tail]), re.DOTALL)
    return full, nolaw, group_law


_ART_PARTS = re.compile(
    rf"(附則)?{_SP}第{_SP}({_NUM}){_SP}条((?:の{_NUM}){{0,3}})"
    rf"(?:{_SP}第?{_SP}({_NUM}){_SP}項)?(?:{_SP}第?{_SP}({_NUM}){_SP}号((?:の{_NUM}){{0,2}}))?"
)
_NUM_RE = re.compile(_NUM)
_ROWITEM_RE = re.compile(rf"第?({_ROWNUM})(の?項)?")
_SUB_RE = re.compile(_SUB)
_TABLE_NUM = re.compile(rf"別表(?:{_SP}第{_SP}({_NUM})|([1-9]))?")


# ---------------------------------------------------------------------------------------------
# the grammar


class _Tok(NamedTuple):  # a tuple: tens of thousands are made per document
    kind: str
    s: int
    e: int
    text: str
    law: str | None = None  # law_key for law-name tokens


@dataclass
class _Group:
    s: int
    e: int
    cits: list[dict[str, object]]


@dataclass
class _State:
    municipality: str | None
    ctx_law: LawInfo | None = None
    ctx_table: tuple[LawInfo, str, str | None] | None = None  # (law, table name, article)
    last_article: dict[str, object] | None = None


_WORDCHAR = re.compile(rf"[{_KANJIISH}]")
_UNIT_KINDS = frozenset({"arttable", "article", "table"})
_LAW_KINDS = frozenset({"law", "ordinance", "doho", "jorei"})


def _numbers(text: str) -> list[int | None]:
    return [kanji_to_int(m.group(0)) for m in _NUM_RE.finditer(text)]


def _sub_number(text: str) -> str | None:
    """'12' / '十二の二' -> '12' / '12の2'; None when a part is not a positive number."""
    nums = _numbers(text)
    if not nums or any(not n for n in nums):
        return None
    return "の".join(str(n) for n in nums)


_PREFECTURE = re.compile(r"^.{1,4}?[都道府県](?=.{2})")  # 大阪府高槻市 -> 高槻市, but not 京都市


def _ordinance_law(name: str, municipality: str | None) -> LawInfo | None:
    m = _MUNI.match(name)
    if m:
        muni = _PREFECTURE.sub("", m.group(0))
        name = muni + name[m.end() :]
    else:
        muni = municipality or ""
    if not muni:
        return None
    return LawInfo(key=ORDINANCE_PREFIX + muni, name=name, short=name, law_id=None)


_DEFINITION = re.compile(r"以下[、,]?[ ]*[「『]?([^「」『』、,。()\s]{1,20}?)[」』]?[ ]*(?:という|。|$)")
_DEFINABLE = re.compile(r".*(?:法|法律|令|省令|規則|条例|命令|規程)$")


class _Parser:
    def __init__(
        self,
        norm: str,
        breaks: dict[int, int],
        municipality: str | None,
        defined: tuple[tuple[str, LawInfo, int], ...] = (),
    ) -> None:
        full, nolaw, group_law = _lexer()
        self.norm = norm
        self.breaks = breaks
        self.toks: list[_Tok] = []
        pos, n = 0, len(norm)
        while pos < n:
            m = full.match(norm, pos)
            kind = (m.lastgroup or "char") if m else "char"
            if m and kind.startswith("L"):
                key = group_law[kind]
                # A law name glued to a preceding word is not one (「…関係法律整備法」), unless a line
                # break separates them.
                if pos and self._wordchar(pos - 1) and pos not in breaks:
                    m = nolaw.match(norm, pos)
                    kind = (m.lastgroup or "char") if m else "char"
                else:
                    self.toks.append(_Tok("law", pos, m.end(), m.group(0), key))
                    pos = m.end()
                    continue
            if m is None:  # cannot happen (the last branch matches any character); stay total
                m_end = pos + 1
                self.toks.append(_Tok("other", pos, m_end, norm[pos:m_end]))
                pos = m_end
                continue
            self.toks.append(_Tok("other" if kind == "char" else kind, pos, m.end(), m.group(0)))
            pos = m.end()
        self._merge_ordinances()
        self.defined = defined
        if defined:
            self._merge_defined()
        self.toks.append(_Tok("end", len(norm), len(norm), ""))
        self.st = _State(municipality)
        self.groups: list[_Group] = []
        self.covered: list[tuple[int, int]] = []  # law names and law numbers: not "unparsed"
        self.chain_article: dict[str, object] | None = None  # last article of the current group
        self.definitions: list[tuple[str, LawInfo, int]] = []  # (alias, law, where it starts to apply)

    def _wordchar(self, pos: int) -> bool:
        ch = self.norm[pos]
        return bool(_WORDCHAR.match(ch)) or (ch.isascii() and ch.isalnum())

    def _merge_ordinances(self) -> None:
        """「高槻市個人情報保護条例」: merge the plain tokens before a 条例 into one ordinance token."""
        plain = ("other", "no", "rows")  # rows: kanji numerals in names such as 八王子市, 千葉市
        out: list[_Tok] = []
        for tok in self.toks:
            start = self._ordinance_start(tok.s) if tok.kind == "jorei" else None
            if start is not None:
                k = len(out)
                while k > 0 and out[k - 1].e > start and out[k - 1].kind in plain:
                    k -= 1
                # only whole tokens or a plain-text run may be absorbed (never half of 「1の項」)
                if (
                    k < len(out)
                    and (k == 0 or out[k - 1].e <= start)
                    and (out[k].s == start or out[k].kind == "other")
                ):
                    head = out[k]
                    del out[k:]
                    if head.s < start:
                        out.append(_Tok("other", head.s, start, self.norm[head.s : start]))
                    tok = _Tok("ordinance", start, tok.e, self.norm[start : tok.e])
            out.append(tok)
        self.toks = out

    def _merge_defined(self) -> None:
        """Short names defined in the text (「以下「番号省令」という。」) become law tokens after their
        definition, where they stand on plain text only (a known law name keeps precedence)."""
        order = sorted(range(len(self.defined)), key=lambda n: -len(self.defined[n][0]))
        pattern = re.compile("|".join(f"(?P<D{n}>{_alias_pattern(self.defined[n][0])})" for n in order))
        starts = [t.s for t in self.toks]
        out: list[_Tok] = []
        done = 0  # tokens before this index are in ``out`` already
        for m in pattern.finditer(self.norm):
            a, b = m.span()
            n = int((m.lastgroup or "D0")[1:])
            if self.defined[n][2] > a or (a and self._wordchar(a - 1) and a not in self.breaks):
                continue
            first, last = bisect_right(starts, a) - 1, bisect_right(starts, b - 1) - 1
            if first < done or any(t.kind not in ("other", "no") for t in self.toks[first : last + 1]):
                continue
            if any(t.kind != "other" for t in (self.toks[first], self.toks[last]) if t.s < a or t.e > b):
                continue  # only a plain-text run may be cut
            out.extend(self.toks[done:first])
            head, tail = self.toks[first], self.toks[last]
            if head.s < a:
                out.append(_Tok("other", head.s, a, self.norm[head.s : a]))
            out.append(_Tok("law", a, b, m.group(0), f"dyn:{n}"))
            if tail.e > b:
                out.append(_Tok("other", b, tail.e, self.norm[b : tail.e]))
            done = last + 1
        out.extend(self.toks[done:])
        self.toks = out

    def _ordinance_start(self, end: int) -> int | None:
        """Start of the municipal ordinance name ending at ``end`` (just before 条例), if any: the
        latest word boundary (or line break) from which 「<市区町村><title>」 reads."""
        for q in range(end - 1, max(-1, end - 35), -1):
            if (q == 0 or q in self.breaks or not self._wordchar(q - 1)) and _ORDINANCE_NAME.fullmatch(
                self.norm, q, end
            ):
                return q
        return None

    # -- helpers ------------------------------------------------------------------------------
    def _skip(self, i: int, kinds: tuple[str, ...] = ("sp",)) -> int:
        while self.toks[i].kind in kinds:
            i += 1
        return i

    def _bare_ok(self, i: int) -> bool:
        """A provision without a law name is read only if no unknown word is glued to it
        (「施行令第6条」, 「附則第7条」 of an unknown law must not become 番号法第6条)."""
        p = i - 1
        while p >= 0 and self.toks[p].kind == "sp":
            p -= 1
        if p < 0 or self.toks[i].s in self.breaks:
            return True
        if self.toks[p].kind in _LAW_KINDS:  # a law we could not resolve (「条例」 of an unknown city)
            return False
        if self.toks[p].kind != "other":
            return True
        ch = self.toks[p].text[-1]  # plain-text tokens are runs: the glued character is the last
        return not (_WORDCHAR.match(ch) or (ch.isascii() and ch.isalnum()))

    def _law_of(self, tok: _Tok) -> LawInfo | None:
        if tok.kind == "law":
            if tok.law and tok.law.startswith("dyn:"):
                return self.defined[int(tok.law[4:])][1]
            return law_by_key(tok.law or "")
        if tok.kind == "ordinance":
            return _ordinance_law(tok.text, self.st.municipality)
        if tok.kind == "doho":
            return self.st.ctx_law
        if tok.kind == "jorei":
            if tok.s and self._wordchar(tok.s - 1) and tok.s not in self.breaks:
                return None  # 「…保護条例」 without a municipality we could read
            muni = self.st.municipality
            if self.st.ctx_law and self.st.ctx_law.is_ordinance:
                muni = self.st.ctx_law.key.removeprefix(ORDINANCE_PREFIX)
            return _ordinance_law(f"{muni}条例", None) if muni else None
        return None

    def _skip_law_meta(self, i: int, law: LawInfo) -> tuple[int, LawInfo]:
        """Skip 「（平成25年法律第27号。以下「番号法」という。）」-style parentheses after a law name;
        a printed law number wins over the name (000 prints a table1-order number after a
        table2-order name)."""
        for _ in range(3):
            k = self._skip(i)
            if self.toks[k].kind != "lp":
                break
            close = next(
                (
                    m
                    for m in range(k + 1, min(k + 80, len(self.toks)))
                    if self.toks[m].kind in ("rp", "lp", "end")
                ),
                None,
            )
            if close is None or self.toks[close].kind != "rp":
                break
            inner = self.toks[k + 1 : close]
            nums = [t for t in inner if t.kind == "lawnum"]
            inner_text = "".join(t.text for t in inner)
            if nums:
                numkey = _law_number_key(nums[0].text)
                law = (_registry().by_number.get(numkey) if numkey else None) or law
            elif "以下" not in inner_text and not all(t.kind in ("law", "sp") for t in inner):
                break
            d = _DEFINITION.search(inner_text)
            if d and _DEFINABLE.match(d.group(1)):
                self.definitions.append((d.group(1), law, self.toks[close].e))
            i = close + 1
        return i, law

    def _rows_after(self, i: int) -> tuple[list[str], int]:
        """Rows following a table name: 「の10の項」, 「　16の2、17の項」, 「（第17,18,19項）」, 「第10項」."""
        k = self._skip(i)
        if self.toks[k].kind == "no":
            k = self._skip(k + 1)
        if self.toks[k].kind == "lp":
            k = self._skip(k + 1)
        tok = self.toks[k]
        if tok.kind == "para":
            row = _sub_number(tok.text)
            return ([row] if row else []), (k + 1 if row else i)
        if tok.kind == "rows":
            rows = self._split_rows(tok.text)
            if rows:
                return rows, k + 1
        return [], i

    @staticmethod
    def _split_rows(text: str) -> list[str]:
        rows: list[str] = []
        prev: list[int] | None = None
        for m in _ROWITEM_RE.finditer(text):
            parts = [kanji_to_int(p) for p in _SUB_RE.split(m.group(1))]
            if any(not p for p in parts):
                prev = None
                continue
            nums = [p for p in parts if p]
            # 「16の２項、３項」 (002 L409) lists 16の2 and 16の3: a lone number smaller than the
            # previous row's base number replaces its last sub-number.
            if prev and len(prev) > 1 and len(nums) == 1 and nums[0] < prev[0]:
                nums = prev[:-1] + nums
            rows.append("の".join(str(n) for n in nums))
            prev = nums
        return list(dict.fromkeys(rows))

    def _table_owner(self, table_slug: str, explicit: LawInfo | None) -> LawInfo | None:
        if explicit is not None:
            return explicit if (table_slug in explicit.tables or explicit.is_ordinance) else None
        ctx = self.st.ctx_law
        if ctx is not None and table_slug in ctx.tables:  # an ordinance's table is always named
            return ctx
        # In an assessment an unattributed 別表/別表第一/別表第二 is the My Number Act's.
        if table_slug in ("table", "table1", "table2"):
            return law_by_key(MYNUMBER_ACT)
        return None

    @staticmethod
    def _cit(law: LawInfo, **fields: str | None) -> dict[str, object]:
        return {"law": law, **{k: v for k, v in fields.items() if v}}

    # -- grammar ------------------------------------------------------------------------------
    def _unit(
        self, i: int, explicit: LawInfo | None, first: bool
    ) -> tuple[list[dict[str, object]], int] | None:
        """One provision at token ``i``: (citations, next token) or None."""
        tok = self.toks[i]
        st = self.st
        owner = explicit or st.ctx_law
        if tok.kind in ("arttable", "article"):
            m = _ART_PARTS.match(tok.text)
            if owner is None or not m:
                return None
            head = _sub_number(m.group(2) + m.group(3))
            if head is None:
                return None
            article = ("附則" + head) if m.group(1) else head
            if tok.kind == "arttable":
                table = f"第{article}条の表"
                rows, j = self._rows_after(i + 1)
                st.ctx_table = (owner, table, article)
                return [self._cit(owner, article=article, table=table, row=r) for r in rows] or [
                    self._cit(owner, article=article, table=table)
                ], j
            para = _sub_number(m.group(4)) if m.group(4) else None
            item = _sub_number(m.group(5) + (m.group(6) or "")) if m.group(5) else None
            cit = self._cit(owner, article=article, paragraph=para, item=item)
            j = i + 1
            # 「住基法第７条（住民票の記載事項）第８号の２」: a heading between article and item
            k = self._skip(j)
            if self.toks[k].kind == "lp":
                close = next(
                    (
                        m2
                        for m2 in range(k + 1, min(k + 30, len(self.toks)))
                        if self.toks[m2].kind in ("rp", "lp", "end")
                    ),
                    None,
                )
                if close is not None and self.toks[close].kind == "rp":
                    nxt = self.toks[close + 1]
                    if nxt.kind in ("item", "para"):
                        cit = self._refine(cit, nxt) or cit
                        j = close + 2
            st.last_article = self.chain_article = cit
            return [cit], j
        if tok.kind == "table":
            m = _TABLE_NUM.match(tok.text)
            digits = (m.group(1) or m.group(2)) if m else None
            n = kanji_to_int(digits) if digits else None
            name = f"別表第{_int_to_kanji(n)}" if n else "別表"
            slug = f"table{n}" if n else "table"
            law = self._table_owner(slug, explicit)
            if law is None:
                return None
            rows, j = self._rows_after(i + 1)
            st.ctx_table = (law, name, None)
            return [self._cit(law, table=name, row=r) for r in rows] or [self._cit(law, table=name)], max(
                j, i + 1
            )
        if not first and self.chain_article is not None:
            if tok.kind in ("item", "para"):
                cit = self._refine(self.chain_article, tok)
                if cit:
                    st.last_article = self.chain_article = cit
                    return [cit], i + 1
            if tok.kind == "rows" and tok.text.startswith("第") and "項" not in tok.text:
                # 「第13条、第13の2」 (004 L638-639): an article without 条 inside an article list
                article = _sub_number(tok.text)
                if article and "の" in article and "," not in tok.text and "、" not in tok.text:
                    law = self.chain_article["law"]
                    assert isinstance(law, LawInfo)
                    cit = self._cit(law, article=article)
                    st.last_article = self.chain_article = cit
                    return [cit], i + 1
        return None

    def _refine(self, base: dict[str, object], tok: _Tok) -> dict[str, object] | None:
        """Same article, another paragraph/item: 「第19条第８号及び第９号」, 「同条第2項」."""
        nums = _sub_number(tok.text)
        if not nums:
            return None
        law = base["law"]
        assert isinstance(law, LawInfo)
        article = base.get("article")
        if not isinstance(article, str):
            return None
        if tok.kind == "item":
            para = base.get("paragraph")
            return self._cit(
                law, article=article, paragraph=para if isinstance(para, str) else None, item=nums
            )
        return self._cit(law, article=article, paragraph=nums)

    def _chain(self, i: int, explicit: LawInfo | None, start: int) -> tuple[_Group, int] | None:
        """Provisions joined by 、/及び from token ``i``: one printed group."""
        cits: list[dict[str, object]] = []
        self.chain_article = None
        first = True
        end = self.toks[i].s
        nxt = i
        while True:
            res = self._unit(i, explicit, first)
            if res is None:
                break
            unit_cits, j = res
            cits.extend(unit_cits)
            end = self.toks[j - 1].e
            nxt = j
            first = False
            k = self._skip(j)
            if self.toks[k].kind != "sep":
                break
            k = self._skip(k + 1, ("sp", "sep"))
            if self.toks[k].kind not in ("arttable", "article", "table", "item", "para", "rows"):
                break
            i = k
        if not cits:
            return None
        return _Group(start, end, cits), nxt

    def run(self) -> None:
        toks, st = self.toks, self.st
        i = 0
        while i < len(toks) - 1:
            tok = toks[i]
            kind = tok.kind
            if kind == "lawnum":
                self.covered.append((tok.s, tok.e))
            elif kind in _LAW_KINDS:
                law = self._law_of(tok)
                self.covered.append((tok.s, tok.e))
                if law is None:
                    i += 1
                    continue
                j, law = self._skip_law_meta(i + 1, law)
                self.covered.append((tok.s, toks[j - 1].e))
                if kind != "doho":
                    st.ctx_law = law
                    if law.is_ordinance:
                        st.municipality = law.key.removeprefix(ORDINANCE_PREFIX)
                k = self._skip(j)
                if toks[k].kind == "no":
                    k = self._skip(k + 1)
                if toks[k].kind in _UNIT_KINDS:
                    res = self._chain(k, law, tok.s)
                    if res:
                        self.groups.append(res[0])
                        i = res[1]
                        continue
                i = j
                continue
            elif kind == "lp" and toks[i + 1].kind == "lawnum" and toks[i + 2].kind == "rp":
                numkey = _law_number_key(toks[i + 1].text)
                law = _registry().by_number.get(numkey) if numkey else None
                self.covered.append((tok.s, toks[i + 2].e))
                if law is not None:
                    j, law = self._skip_law_meta(i, law)
                    st.ctx_law = law
                    k = self._skip(j)
                    if toks[k].kind in _UNIT_KINDS:
                        res = self._chain(k, law, tok.s)
                        if res:
                            self.groups.append(res[0])
                            i = res[1]
                            continue
                    i = j
                    continue
            elif kind == "dojo" and st.last_article is not None:
                k = self._skip(i + 1)
                if toks[k].kind in ("item", "para"):
                    cit = self._refine(st.last_article, toks[k])
                    if cit:
                        st.last_article = cit
                        self.groups.append(_Group(tok.s, toks[k].e, [cit]))
                        i = k + 1
                        continue
            elif kind in _UNIT_KINDS and self._bare_ok(i):
                res = self._chain(i, None, tok.s)
                if res:
                    self.groups.append(res[0])
                    i = res[1]
                    continue
            elif kind == "rows" and st.ctx_table is not None and "の項" in tok.text and self._bare_ok(i):
                # 「…が含まれる項(16ー2の項)」: rows of the table named last in the cell
                law, table, article = st.ctx_table
                rows = self._split_rows(tok.text)
                if rows:
                    self.groups.append(
                        _Group(
                            tok.s, tok.e, [self._cit(law, article=article, table=table, row=r) for r in rows]
                        )
                    )
            i += 1


# A cell is read twice in a row (its citations, then what is left unread), and the same cells recur
# from flow to flow and document to document: the results are shared, read-only, by both readers.
@lru_cache(maxsize=256)
def _parse(text: str, municipality: str | None) -> tuple[str, list[int], list[int], _Parser]:
    norm, starts, ends = _normalize(text)
    breaks = _breaks(text)
    parser = _Parser(norm, breaks, municipality)
    parser.run()
    known = {alias for law in _registry().by_key.values() for alias in law.aliases}
    defined: dict[str, tuple[str, LawInfo, int]] = {}
    for alias, law, at in parser.definitions:
        if alias not in known and alias not in defined:
            defined[alias] = (alias, law, at)
    if defined:  # short names defined in the text: read it again with them as law names
        parser = _Parser(norm, breaks, municipality, tuple(defined.values()))
        parser.run()
    return norm, starts, ends, parser


def parse_citations(text: str, *, municipality: str | None = None) -> list[Citation]:
    """Every legal citation in ``text`` (one free-text cell), in order of appearance.

    Citations printed together (「命令第2条の表25、26、29の項」) share raw/start/end: the whole
    printed group. ``municipality`` resolves a bare 「条例」 (e.g. 「条例別表第一1の項」).
    """
    if not isinstance(text, str) or not text:
        return []
    _, starts, ends, parser = _parse(text, municipality)
    out: list[Citation] = []
    for group in parser.groups:
        if group.e <= group.s:
            continue
        o_start, o_end = starts[group.s], ends[group.e - 1]
        raw = text[o_start:o_end]
        seen: set[tuple[object, ...]] = set()
        for fields in group.cits:
            law = fields["law"]
            assert isinstance(law, LawInfo)
            values = {k: v for k, v in fields.items() if k != "law"}
            key = (law.key, law.name, *sorted(values.items()))
            if key in seen:
                continue
            seen.add(key)
            out.append(Citation(law.key, law.name, law.law_id, raw=raw, start=o_start, end=o_end, **values))
    return out


_MARKER_CH = "第0-9〇一二三四五六七八九十百千の条項号・、,ー‐-"
_MARKER = re.compile(rf"第[^\s第、。,・()「」]{{1,6}}?[条項号]|別表|{_ROWNUM}の?項(?!目)")
_TAIL = re.compile(rf"(?:[{_MARKER_CH}]|別表){{0,40}}")
_ITEM_ONLY = re.compile(rf"第{_SP}{_NUM}{_SP}号")
_LAWLIKE_END = re.compile(r"(?:法|法律|令|規則|条例|命令|規程)$")


def unparsed_spans(text: str, *, municipality: str | None = None) -> list[tuple[int, int, str]]:
    """(start, end, fragment) for citation-like fragments that :func:`parse_citations` did not read."""
    if not isinstance(text, str) or not text:
        return []
    norm, starts, ends, parser = _parse(text, municipality)
    covered = sorted([(g.s, g.e) for g in parser.groups] + parser.covered)
    cover_starts = [cs for cs, _ in covered]
    reach: list[int] = []  # reach[k]: furthest end among covered[0..k]
    for _, ce in covered:
        reach.append(max(ce, reach[-1]) if reach else ce)

    def covered_at(pos: int) -> int | None:
        """End of the covered run containing ``pos``, if any."""
        k = bisect_right(cover_starts, pos)
        return reach[k - 1] if k and reach[k - 1] > pos else None

    out: list[tuple[int, int, str]] = []
    done = 0  # end of the last fragment: its markers are not looked at again
    for m in _MARKER.finditer(norm):
        marker = m.start()
        if marker < done or covered_at(marker) is not None:
            continue  # inside a fragment already reported, a law name or a parsed citation
        # The word glued before the marker is part of the fragment (「同法施行令第○条」, 「番号法第○条」).
        s = marker
        while s > max(done, marker - 15) and parser._wordchar(s - 1):
            s -= 1
        e = _TAIL.match(norm, m.end()).end()
        k = bisect_right(cover_starts, marker)  # a parsed citation after the marker is cut off
        if k < len(cover_starts):
            e = min(e, cover_starts[k])
        while e > marker and norm[e - 1] in "、,・の":
            e -= 1
        done = max(done, e)
        if e <= s:
            continue
        if _ITEM_ONLY.fullmatch(norm, marker, e) and not _LAWLIKE_END.search(norm, s, marker):
            continue  # 「高健予第２３８７号」, 「令和４年度答申第３号」: document numbers, not citations
        o_start, o_end = starts[s], ends[e - 1]
        out.append((o_start, o_end, text[o_start:o_end]))
    return out


def find_unparsed(text: str, *, municipality: str | None = None) -> list[str]:
    """Fragments that look like citations (第…条/項/号, 別表, …の項) but were not read."""
    return [frag for _, _, frag in unparsed_spans(text, municipality=municipality)]
