"""Old and new forms of the same provision (data/legal/crosswalk.csv), and whether a form is in force.

Assessments cite provisions in the form of their day: 番号法第19条第7号 became 第8号 (2021), 別表第一の
10の項 became 別表14の項 and 別表第二16の2の項 became 提供命令第2条の表25の項 (2024). The crosswalk maps
each old path to its new path with the date of the change, so that citations from different years
can be compared and stale citations found.

A renumbering shifts many items at once: after 2021, 「第19条第8号」 is both the new name of old 第7号
and the old name of new 第9号. Only the date of the citing text settles which is meant, so
:func:`current_provision` takes ``cited_on``. Without it, a form that one change both retires and
reuses is left as printed, unless only the retiring pair is attested in the samples (第7号 -> 第8号)
and the reusing one is merely inferred (第6号 -> 第7号).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from piagraph.normalize.citations import Citation, citation_from_path, law_by_key
from piagraph.paths import DATA_DIR

__all__ = [
    "CROSSWALK_CSV",
    "CrosswalkRow",
    "current_provision",
    "history",
    "in_force",
    "load_crosswalk",
    "same_provision",
]

CROSSWALK_CSV = DATA_DIR / "legal" / "crosswalk.csv"
_MAX_STEPS = 16  # longest chain of changes followed (guards against a cycle in the data)


@dataclass(frozen=True)
class CrosswalkRow:
    old_path: str | None  # None: a provision that did not exist before (an inserted item)
    old_citation: str
    new_path: str | None  # None: abolished, successor unknown
    new_citation: str
    effective_from: date
    abolished_old_on: date | None
    source_note: str

    @property
    def verified(self) -> bool:
        """Read from a sample or a law (not inferred)."""
        return "unverified" not in self.source_note.lower()

    @property
    def retired_on(self) -> date:
        return self.abolished_old_on or self.effective_from


def _date(value: str) -> date | None:
    return date.fromisoformat(value.strip()) if value.strip() else None


def load_crosswalk(path: Path | None = None) -> tuple[CrosswalkRow, ...]:
    """Rows of the crosswalk CSV (the bundled one by default, read once). Raises on malformed data."""
    if path is None:
        return _bundled()
    return _read(path)


def _read(path: Path) -> tuple[CrosswalkRow, ...]:
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, rec in enumerate(csv.DictReader(fh), start=2):
            effective = _date(rec["effective_from"])
            if effective is None:
                raise ValueError(f"{path}:{n}: effective_from is required")
            if not rec["old_path"] and not rec["new_path"]:
                raise ValueError(f"{path}:{n}: a row needs an old_path or a new_path")
            rows.append(
                CrosswalkRow(
                    old_path=rec["old_path"] or None,
                    old_citation=rec["old_citation"],
                    new_path=rec["new_path"] or None,
                    new_citation=rec["new_citation"],
                    effective_from=effective,
                    abolished_old_on=_date(rec["abolished_old_on"]),
                    source_note=rec["source_note"],
                )
            )
    return tuple(rows)


@lru_cache(maxsize=1)
def _bundled() -> tuple[CrosswalkRow, ...]:
    return _read(CROSSWALK_CSV)


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[CrosswalkRow]], dict[str, list[CrosswalkRow]]]:
    by_old: dict[str, list[CrosswalkRow]] = defaultdict(list)
    by_new: dict[str, list[CrosswalkRow]] = defaultdict(list)
    for row in _bundled():
        if row.old_path:
            by_old[row.old_path].append(row)
        if row.new_path:
            by_new[row.new_path].append(row)
    for rows in by_old.values():
        rows.sort(key=lambda r: r.effective_from)
    return dict(by_old), dict(by_new)


def _ancestors(path: str) -> list[str]:
    """'a/b/c' -> ['a/b/c', 'a/b', 'a']: a whole table's change applies to each of its rows."""
    parts = path.split("/")
    return ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]


def _applies(row: CrosswalkRow, cited_on: date | None) -> bool:
    """Does ``row`` move a citation of ``row.old_path`` printed on ``cited_on``?

    A retired form that nothing reuses (別表第二) always moves, even in a text printed after the
    change. A form the same change reuses (第8号 after 2021) moves only if the text predates the
    change; undated, only if the retiring pair is attested and the reusing one merely inferred."""
    _, by_new = _index()
    reused = [r for r in by_new.get(row.old_path or "", []) if r.effective_from == row.effective_from]
    if not reused:
        return True
    if cited_on is not None:
        return row.effective_from > cited_on
    return row.verified and not any(r.verified for r in reused)


def current_provision(c: Citation, *, cited_on: date | None = None) -> Citation:
    """The provision in force today that ``c`` refers to (``c`` itself when no change is known).

    ``cited_on`` is the date of the citing text (see :func:`_applies`). The result keeps ``c``'s
    raw/start/end: it still stands for that printed citation."""
    by_old, _ = _index()
    path, since = c.path, None
    for step in range(_MAX_STEPS):
        rows = [r for r in by_old.get(path, []) if since is None or r.effective_from > since]
        if step == 0:
            rows = [r for r in rows if _applies(r, cited_on)]
        if not rows:
            break
        row = rows[0]
        if row.new_path is None:  # abolished, successor unknown: the last known form stands
            break
        path, since = row.new_path, row.effective_from
    if path == c.path:
        return c
    return citation_from_path(path, raw=c.raw, start=c.start, end=c.end)


def in_force(c: Citation, on: date) -> bool | None:
    """Whether the cited form existed on ``on``: False when it was abolished or renumbered away
    before ``on`` (別表第二 cited on 2025-01-10) or took effect after it (提供命令 cited in 2020);
    None when neither the crosswalk nor laws.csv knows the provision's dates."""
    by_old, by_new = _index()
    paths = _ancestors(c.path)
    retired = [r for p in paths for r in by_old.get(p, [])]
    created = [r for p in paths for r in by_new.get(p, [])]
    if any(r.retired_on > on for r in retired) or any(r.effective_from <= on for r in created):
        return True
    if retired or created:
        return False
    law = law_by_key(c.law_key)
    if law is None or (law.in_force_from is None and law.abolished_on is None):
        return None
    if law.in_force_from is not None and on < law.in_force_from:
        return False
    return not (law.abolished_on is not None and on >= law.abolished_on)


def same_provision(
    a: Citation, b: Citation, *, a_cited_on: date | None = None, b_cited_on: date | None = None
) -> bool:
    """Do ``a`` and ``b`` refer to the same provision once both are brought to today's form?"""
    return current_provision(a, cited_on=a_cited_on).path == current_provision(b, cited_on=b_cited_on).path


def history(c: Citation) -> list[CrosswalkRow]:
    """Crosswalk rows that touch ``c`` or the table/law it belongs to, oldest first."""
    by_old, by_new = _index()
    rows = {id(r): r for p in _ancestors(c.path) for r in (*by_old.get(p, []), *by_new.get(p, []))}
    return sorted(rows.values(), key=lambda r: (r.effective_from, r.old_path or ""))
