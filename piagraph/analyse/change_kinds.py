"""What kind of change a 変更箇所 row records: a system or recipient removed or added, a legal basis
reworded (番号法第19条第7号 → 第8号 …), a contractor or a contact changed, or something else.

Rule-based on the item path (see normalize/item_paths.py) and on the before/after texts, so that an
auditor can read why a row got its category.
"""

from __future__ import annotations

import re

from piagraph.model import Change
from piagraph.normalize.item_paths import normalize_item_path
from piagraph.normalize.text import nfkc

CATEGORIES = (
    "system-removed",
    "system-added",
    "recipient-removed",
    "recipient-added",
    "legal-basis-rewording",
    "contractor-change",
    "contact-change",
    "other",
)

# 「(削除)」, 「削除」, 「各行政サービスコーナー 削除」: the after text says the content was deleted.
_DELETED = re.compile(r"^[(（]?削除[)）]?$|削除$|^[(（]?全部削除[)）]?$")
# Before texts that mean "nothing was written here".
_EMPTY = re.compile(r"^[(（]?(記載なし|なし|該当なし|空欄|新規|追加)[)）]?$|^[-ー―‐]$")
_ADDED_MARK = re.compile(r"^[(（]?(【[^】]*】における)?追加(文)?[)）]?")
_CITATION = re.compile(
    r"(番号利用法|番号法|[^\s、。]{0,20}(?:法律|条例|省令|命令|規則))?"
    r"(第[0-9一二三四五六七八九十百]+条(?:の[0-9]+)?(?:第[0-9一二三四五六七八九十]+項)?"
    r"(?:第[0-9一二三四五六七八九十]+号)?|別表第?[一二]?(?:の)?[0-9]+(?:の[0-9]+)*の?項?)"
)
_LEGAL_ITEM = re.compile(r"法令上の根拠|根拠法令|法的根拠|関係法令")
_CONTACT_ITEM = re.compile(r"担当部署|事務担当|部署|問合せ|問い合わせ|開示請求|連絡先|電話番号|所属長")
_CONTRACTOR_ITEM = re.compile(r"委託先|再委託|受託")
_SYSTEM_COMPONENT = re.compile(r"^システム\d+")
_RECIPIENT_COMPONENT = re.compile(r"^(提供先|移転先)\d+")


def _blank(text: str | None) -> bool:
    return not text or not text.strip() or bool(_EMPTY.match(nfkc(text).replace(" ", "")))


def is_removal(change: Change) -> bool:
    """Something was there before and the after text is empty or says 削除."""
    after = nfkc(change.after or "").replace(" ", "")
    return bool(_DELETED.search(after)) and not _ADDED_MARK.match(after)


def is_addition(change: Change) -> bool:
    """Nothing was there before (empty, 記載なし, …) and something is there after."""
    after = nfkc(change.after or "").strip()
    return _blank(change.before) and bool(after) and not is_removal(change)


def citations(text: str | None) -> set[str]:
    """The legal citations of ``text`` as printed (law name + article/item/table entry), spaces dropped."""
    if not text:
        return set()
    flat = re.sub(r"\s+", "", nfkc(text))
    return {match.group(0) for match in _CITATION.finditer(flat)}


def _path(change: Change) -> str:
    return change.item_path or normalize_item_path(change.item)


def classify_change(change: Change) -> str:
    """One of CATEGORIES for a 変更箇所 row."""
    path = _path(change)
    head, _, tail = path.partition("/")
    components = tail.split("/") if tail else []
    item = nfkc(change.item or "").replace(" ", "")
    removed, added = is_removal(change), is_addition(change)

    is_system = head == "I-2" or any(_SYSTEM_COMPONENT.match(c) for c in components)
    is_recipient = head == "II-5" or any(_RECIPIENT_COMPONENT.match(c) for c in components)
    if is_system and (removed or added):
        return "system-removed" if removed else "system-added"
    if is_recipient and (removed or added):
        return "recipient-removed" if removed else "recipient-added"

    # A legal basis changed: the item is a 法令上の根拠, or both texts cite law and the citations differ.
    if _LEGAL_ITEM.search(path) or _LEGAL_ITEM.search(item):
        return "legal-basis-rewording"
    if not removed and not added:
        before_refs, after_refs = citations(change.before), citations(change.after)
        if before_refs and after_refs and before_refs != after_refs:
            return "legal-basis-rewording"

    if _CONTRACTOR_ITEM.search(path) or _CONTRACTOR_ITEM.search(item):
        return "contractor-change"
    if _CONTACT_ITEM.search(path) or _CONTACT_ITEM.search(item):
        return "contact-change"
    return "other"
