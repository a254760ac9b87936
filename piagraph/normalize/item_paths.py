"""項目 of a 変更箇所 row -> a short comparable path such as ``II-5/提供先1/①法令上の根拠``.

Change logs print the item in many shapes: 「Ⅱ特定個人情報ファイルの概要 5.特定個人情報の提供・移転
(委託に伴うものを除く。) 提供先1」, 「Ⅱ-5 提供先1」, 「IIIリスク対策 ※(7. ②を除く。) 2. …」, or only
「１．特定個人情報ファイルを取り扱う事務 ②事務の概要」 without the part's numeral. The path keeps what
identifies the place in the form (part numeral, section number, numbered sub-items, ①-style field
names) and drops what is only a title, so that rows of different logs compare equal.
"""

from __future__ import annotations

import re

from piagraph.normalize.text import CIRCLED, nfkc

_ROMAN_CHARS = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "Ⅵ": "VI"}
_ROMAN = re.compile(r"^(?:(Ⅵ|Ⅴ|Ⅳ|Ⅲ|Ⅱ|Ⅰ)[ⅠⅡⅢⅣⅤⅥ]*|(VI|IV|V|III|II|I)(?![A-Za-z]))")
_ATTACHMENT = re.compile(r"\((別添|別紙)(\d+)\)|(別紙)(\d+)")
_EXCLUSION = re.compile(r"\([^()]*(?:除く|のぞく)[^()]*\)")  # 「(委託に伴うものを除く。)」, 「※(7.②を除く。)」
_PAREN_CIRCLED = re.compile(rf"\(([{CIRCLED}][^()]*)\)")
_PAREN_DIGIT = re.compile(r"\((\d{1,2})\)(?=\D|$)")
# The section number after the part's title: 「5.」「５．」「2基本情報」「-2」, never 「(1)」 (a file).
_SECTION = re.compile(r"(?<![\d(])-?(\d{1,2})(?![\d)])\.?")
_NUMBERED = re.compile(r"(?:提供先|移転先|システム|委託事項|リスク)\d+")
_COMPONENT = re.compile(rf"[{CIRCLED}]|(?:提供先|移転先|システム|委託事項|リスク)\d+")

# Section titles of the form (squashed, with spelling variants folded by _fold).
SECTION_TITLES = (
    "特定個人情報ファイルを取り扱う事務において使用するシステム",
    "特定個人情報ファイルを取り扱う事務",
    "特定個人情報ファイルを取り扱う理由",
    "特定個人情報ファイル名",
    "個人番号の利用",
    "情報提供ネットワークシステムによる情報連携",
    "情報提供ネットワークシステムとの接続",
    "評価実施機関における担当部署",
    "他の評価実施機関",
    "基本情報",
    "特定個人情報の入手・使用",
    "特定個人情報の入手",
    "特定個人情報の使用",
    "特定個人情報ファイルの取扱いの委託",
    "特定個人情報の提供・移転",
    "特定個人情報の保管・消去",
    "特定個人情報ファイルの保管・消去",
    "備考",
    "監査",
    "従業者に対する教育・啓発",
    "その他のリスク対策",
    "特定個人情報の開示・訂正・利用停止請求",
    "特定個人情報ファイルの取扱いに関する問合せ",
)
# Titles that only occur in one part, so that an item printed without its numeral still gets it.
PART_OF_TITLE = {
    "特定個人情報ファイルを取り扱う事務において使用するシステム": "I",
    "特定個人情報ファイルを取り扱う事務": "I",
    "特定個人情報ファイルを取り扱う理由": "I",
    "個人番号の利用": "I",
    "情報提供ネットワークシステムによる情報連携": "I",
    "評価実施機関における担当部署": "I",
    "他の評価実施機関": "I",
    "基本情報": "II",
    "特定個人情報の入手・使用": "II",
    "備考": "II",
}


def _fold(text: str) -> str:
    """Squashed, with spelling variants of one title folded: 取り扱い/取扱い, 問い合わせ/問合せ ..."""
    text = re.sub(r"\s+", "", text)
    for variant, canonical in _VARIANTS:
        text = text.replace(variant, canonical)
    return text


_VARIANTS = (("取り扱", "取扱"), ("問い合わせ", "問合せ"), ("従業員", "従業者"), ("しようする", "使用する"))


def section_title_prefix(rest: str) -> str | None:
    """The known section title ``rest`` starts with (longest first), if any."""
    folded = _fold(rest)
    for title in sorted(SECTION_TITLES, key=len, reverse=True):
        if folded.startswith(_fold(title)):
            return title
    return None


def _drop_title(rest: str) -> tuple[str, str | None]:
    """``rest`` (text after the section number) without its title, and the known title if any."""
    rest = rest.strip()
    title = section_title_prefix(rest)
    if title is not None:
        folded_title = _fold(title)
        for end in range(1, len(rest) + 1):
            if _fold(rest[:end]).startswith(folded_title):
                return rest[end:], title
        return "", title
    component = _COMPONENT.search(rest)
    if component:
        return rest[component.start():], None
    if " " in rest:
        # A table cell keeps the space between an unknown (or cut) title and the field: drop the title.
        return rest.split(" ", 1)[1], None
    return "", None


def _components(rest: str) -> list[str]:
    """Split the text after the title at numbered sub-items and ①-style fields."""
    pieces: list[str] = []
    for chunk in rest.split(" "):
        start = 0
        for match in _COMPONENT.finditer(chunk):
            if match.start() > start:
                pieces.append(chunk[start:match.start()])
            start = match.start()
        pieces.append(chunk[start:])
    out: list[str] = []
    for piece in pieces:
        piece = piece.strip(" :：・、。()")
        if not piece:
            continue
        if out and not _COMPONENT.match(piece):
            # 「⑤使用方法 情報の突合」 (table) and 「⑤使用方法情報の突合」 (wrapped PDF cell) are one field.
            out[-1] += piece
        else:
            out.append(piece)
    return out


def normalize_item_path(text: str) -> str:
    """A comparable path for a 変更箇所 項目; '' when the text names no place of the form (「同上」)."""
    spaced = re.sub(r"\s+", " ", nfkc(text).replace("※", " ")).strip()
    if re.sub(r"\s", "", spaced) in ("", "-", "ー") or spaced.startswith(("同上", "〃")):
        return ""  # 「同上」 names the row above, which only the table's order can tell
    spaced = _PAREN_CIRCLED.sub(r"\1", spaced)
    spaced = _EXCLUSION.sub(" ", spaced)
    attachment = _ATTACHMENT.search(spaced.replace(" ", ""))
    if attachment:
        kind = attachment.group(1) or attachment.group(3)
        number = attachment.group(2) or attachment.group(4)
        return f"{kind}{number}"
    part: str | None = None
    rest = spaced
    roman = _ROMAN.match(rest)
    if roman:
        part = _ROMAN_CHARS.get(roman.group(1), roman.group(1)) if roman.group(1) else roman.group(2)
        rest = rest[roman.end():]
    section: str | None = None
    title: str | None = None
    number = _SECTION.search(rest)
    if (number and not _NUMBERED.search(rest[: number.end()])
            and not re.search(f"[{CIRCLED}]", rest[: number.start()])):
        # The section number is the first number after the part's title (or at the very start).
        section = number.group(1)
        rest, title = _drop_title(rest[number.end():])
    elif (circled := re.search(f"[{CIRCLED}]", rest)) and section_title_prefix(rest[circled.end():]):
        # 「I 基本情報 ①特定個人情報ファイルを取り扱う事務 ②…」: a circled number used as the section number.
        section = str(CIRCLED.index(circled.group(0)) + 1)
        rest, title = _drop_title(rest[circled.end():])
    else:
        component = _COMPONENT.search(rest)
        rest = rest[component.start():] if component else ""
    rest = _PAREN_DIGIT.sub(lambda m: CIRCLED[int(m.group(1)) - 1] if 0 < int(m.group(1)) <= 20 else m.group(0),
                            rest)
    if part is None and title is not None:
        part = PART_OF_TITLE.get(title)
    head = "-".join(x for x in (part, section) if x)
    return "/".join(([head] if head else []) + _components(rest))
