"""Japanese era dates (和暦) -> datetime.date: 令和7年1月10日 = 2025-01-10."""

from __future__ import annotations

import datetime as dt
import re

from piagraph.normalize.text import nfkc

ERAS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}
_KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

WAREKI = re.compile(r"(明治|大正|昭和|平成|令和)\s*(元|[0-9一二三四五六七八九十]{1,3})\s*年\s*"
                    r"([0-9一二三四五六七八九十]{1,3})\s*月\s*([0-9一二三四五六七八九十]{1,3})\s*日")
WESTERN = re.compile(r"((?:19|20)\d\d)\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?")


def kanji_number(text: str) -> int | None:
    """「十五」 -> 15, 「二十」 -> 20, 「7」 -> 7; None when not a number."""
    text = nfkc(text).strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _KANJI_DIGITS and ch not in "十百" for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _KANJI_DIGITS[ch]
    return total + current


def parse_date(text: str) -> dt.date | None:
    """The first 和暦 (or western) date in ``text``, or None. Invalid dates give None."""
    text = nfkc(text)
    match = WAREKI.search(text)
    if match:
        era, year, month, day = match.groups()
        year_number = 1 if year == "元" else kanji_number(year)
        month_number, day_number = kanji_number(month), kanji_number(day)
        if year_number is None or month_number is None or day_number is None:
            return None
        try:
            return dt.date(ERAS[era] + year_number, month_number, day_number)
        except ValueError:
            return None
    match = WESTERN.search(text)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    return None


def find_dates(text: str) -> list[tuple[dt.date, str]]:
    """Every 和暦 date in ``text`` with the text as printed."""
    found = []
    for match in WAREKI.finditer(nfkc(text)):
        parsed = parse_date(match.group(0))
        if parsed:
            found.append((parsed, match.group(0)))
    return found
