"""Japanese era (和暦) dates written the way the assessments write them."""

from __future__ import annotations

import datetime as dt
import random

_FULL = str.maketrans("0123456789", "０１２３４５６７８９")
REIWA_START = dt.date(2019, 5, 1)

# Date styles: "half" 令和7年1月10日, "full" 令和７年１月１０日, "mixed" 令和７年１月10日 (as in sample 002).
DATE_STYLES = ("half", "half", "half", "full", "mixed")


def to_full(text: str) -> str:
    """Half-width digits to full-width."""
    return text.translate(_FULL)


def era(day: dt.date) -> tuple[str, int]:
    if day >= REIWA_START:
        return "令和", day.year - 2018
    return "平成", day.year - 1988


def wareki(day: dt.date, style: str = "half", gannen: bool = False) -> str:
    """令和7年1月10日 in the given digit style; gannen writes 令和元年 for year 1."""
    name, year = era(day)
    y = "元" if gannen and year == 1 else str(year)
    m, d = str(day.month), str(day.day)
    if style == "full":
        y, m, d = to_full(y), to_full(m), to_full(d)
    elif style == "mixed":
        y, m = to_full(y), to_full(m)
    return f"{name}{y}年{m}月{d}日"


def random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A uniformly drawn day in [start, end] (end clamped to be >= start)."""
    lo, hi = start.toordinal(), max(start.toordinal(), end.toordinal())
    return dt.date.fromordinal(rng.randint(lo, hi))


def digits(text: str, style: str) -> str:
    """Apply a document's digit style to arbitrary text (only "full" converts)."""
    return to_full(text) if style == "full" else text
