"""History and oversight: the 変更箇所 rows of every loaded assessment as one timeline, events seen
across municipalities (when each removed VRS, when each reworded its legal bases after the 2024
reform), and the council reviews (答申/諮問) that examined the assessments.

The rows come from the named queries ``queries/history-*.rq``; this module only shapes them (labels,
ordering, one summary row per municipality). ``link_reviews`` is the post-ingest step that links a
council review to the assessment it reviews, in a derived graph of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from piagraph.errors import QueryError
from piagraph.queries import bind, load_query
from piagraph.store.base import Store
from piagraph.terms import GRAPH, PIA, RDF_TYPE

LINKS_GRAPH = f"{GRAPH}links"
UNDATED = "(日付不明)"


@dataclass(frozen=True)
class Event:
    """A kind of event looked for across municipalities, by a named query."""

    key: str
    query: str
    title: str
    description: str


EVENTS: dict[str, Event] = {
    "vrs-removed": Event(
        "vrs-removed", "history-vrs-removed", "ワクチン接種記録システム (VRS) の削除",
        "Removals of a system or recipient (system-removed / recipient-removed) that name VRS / "
        "ワクチン接種記録システム: in the row itself, in a removal of the same section on the same day, "
        "or, when the row's 変更前の記載 could not be attributed, on the 変更箇所 page it is printed on."),
    "legal-basis-2024": Event(
        "legal-basis-2024", "history-legal-basis-2024", "2024年改正後の法令上の根拠の書換え",
        "Legal-basis rewordings dated on or after 2024-05-27 (the 2024 reform: 別表第二 → 利用特定個人情報の"
        "提供に関する命令 第2条の表), and rows whose 変更前 cites 別表第二 and 変更後 cites 第2条の表."),
}


# -- council review -> assessment links ---------------------------------------------------------

# Same municipality, the kind named in the subject (「…(全項目評価書)」), and the review's affair with
# 「…に関する事務」「…事務」 dropped found in the assessment's affair or title
# (諮問 「予防接種事務」 -> 「予防接種事務 全項目評価書」, 「住民基本台帳事務」 -> 「住民基本台帳に関する事務」).
_LINK_UPDATE = f"""
PREFIX pia: <{PIA}>
DROP SILENT GRAPH <{LINKS_GRAPH}> ;
INSERT {{ GRAPH <{LINKS_GRAPH}> {{ ?review pia:reviewsAssessment ?assessment }} }}
WHERE {{
  GRAPH ?rg {{
    ?review <{RDF_TYPE}> pia:CouncilReview ; pia:municipality ?municipality ;
            pia:reviewedAssessmentKind ?kind ; pia:affairName ?reviewAffair .
  }}
  GRAPH ?ag {{
    ?assessment <{RDF_TYPE}> pia:Assessment ; pia:municipality ?municipality ; pia:kind ?kind .
    OPTIONAL {{ ?assessment pia:affairName ?affair }}
    OPTIONAL {{ ?assessment pia:title ?title }}
  }}
  BIND(REPLACE(REPLACE(?reviewAffair, "\\\\s", ""), "(に関する|に係る)?事務$", "") AS ?core)
  FILTER(STRLEN(?core) >= 2)
  FILTER(CONTAINS(REPLACE(COALESCE(?affair, ""), "\\\\s", ""), ?core)
         || CONTAINS(REPLACE(COALESCE(?title, ""), "\\\\s", ""), ?core))
}}
"""


def link_reviews(store: Store) -> int:
    """Rebuild the graph of pia:reviewsAssessment links (replaced on every run); returns their number."""
    store.update(_LINK_UPDATE)
    table = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?s ?p ?o }} }}")
    return int(table.rows[0]["n"] or 0) if table.rows else 0


# -- timeline -----------------------------------------------------------------------------------

def _text(value: object) -> str:
    return "" if value is None else str(value)


def assessment_label(row: dict[str, object]) -> str:
    """「全項目 No.49 予防接種事務 全項目評価書」, or 「変更箇所」 for a change log published alone."""
    title = _text(row.get("title")) or ("変更箇所" if not row.get("kind") else f"{row['kind']}評価書")
    number = _text(row.get("number"))
    return f"No.{number} {title}" if number else title


def _change_row(row: dict[str, object]) -> dict[str, object]:
    """A query row in the shape of views.timeline rows (plus the IRIs and the fields it does not show)."""
    return {
        "municipality": _text(row.get("municipality")),
        "date": _text(row.get("changedOn")),
        "category": _text(row.get("changeCategory")) or "other",
        "item": _text(row.get("changedItem")),
        "item_path": _text(row.get("itemPath")),
        "before": _text(row.get("before")),
        "after": _text(row.get("after")),
        "timing": _text(row.get("submissionTiming")),
        "explanation": _text(row.get("explanation")),
        "evidence": _text(row.get("evidence")),
        "assessment": assessment_label(row),
        "assessment_iri": _text(row.get("assessment")),
        "affects": _text(row.get("affects")),
        "basis": _text(row.get("basis")),
        "change": _text(row.get("change")),
    }


def _ordered(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """By date (undated last), then municipality, assessment and evidence line."""
    def line(row: dict[str, object]) -> int:
        ref = _text(row.get("evidence")).rsplit(":", 1)[-1].split("-")[0]
        return int(ref) if ref.isdigit() else 0

    return sorted(rows, key=lambda r: (not r["date"], r["date"], r["municipality"], r["assessment_iri"], line(r)))


def _date_param(since: dt.date | str | None) -> str | None:
    if since is None or since == "":
        return None
    if isinstance(since, dt.date):
        return since.isoformat()
    try:
        return dt.date.fromisoformat(since).isoformat()
    except ValueError:
        raise QueryError(f"--since must be a date YYYY-MM-DD, got {since!r}") from None


def timeline(store: Store, municipality: str | None = None, assessment: str | None = None,
             since: dt.date | str | None = None, category: str | None = None) -> list[dict[str, object]]:
    """The 変更箇所 rows of the loaded assessments, oldest first (undated rows last; left out with
    ``since``). Each row: date, municipality, assessment (label), category, item, before, after,
    timing (事前/事後), explanation, evidence (file:line), affects (the node changed, when known)."""
    values = {"municipality": municipality, "assessment": assessment, "since": _date_param(since),
              "category": category}
    table = store.select(bind(load_query("history-timeline"), values))
    return _ordered([_change_row(row) for row in table.rows])


def council_reviews(store: Store, municipality: str | None = None, assessment: str | None = None,
                    since: dt.date | str | None = None) -> list[dict[str, object]]:
    """答申 and 諮問 with date, council, number, subject, decision, number of conditions and the
    assessment each reviews (when that assessment is loaded), oldest first."""
    values = {"municipality": municipality, "assessment": assessment, "since": _date_param(since)}
    rows = store.select(bind(load_query("history-councils"), values)).rows
    return sorted(rows, key=lambda r: (r.get("decisionDate") is None, _text(r.get("decisionDate")),
                                       _text(r.get("review"))))


# -- events across municipalities ---------------------------------------------------------------

@dataclass
class EventView:
    """One event across municipalities: a summary row per municipality and the change rows behind it."""

    event: Event
    rows: list[dict[str, object]] = field(default_factory=list)  # one per municipality
    changes: list[dict[str, object]] = field(default_factory=list)


def _summary(municipality: str, changes: Sequence[dict[str, object]]) -> dict[str, object]:
    dates = sorted({_text(c["date"]) for c in changes if c["date"]})
    undated = sum(1 for c in changes if not c["date"])
    shown = dates + ([f"{UNDATED} ×{undated}"] if undated else [])
    return {
        "municipality": municipality or "(不明)",
        "first": dates[0] if dates else "",
        "dates": ", ".join(shown),
        "changes": len(changes),
        "timing": ", ".join(sorted({_text(c["timing"]) for c in changes if c["timing"]})),
        "basis": ", ".join(sorted({_text(c["basis"]) for c in changes if c["basis"]})),
        "assessments": ", ".join(sorted({_text(c["assessment"]) for c in changes})),
        "items": ", ".join(dict.fromkeys(_text(c["item_path"]) or _text(c["item"])[:30] for c in changes)),
        "evidence": ", ".join(_text(c["evidence"]) for c in changes),
    }


def event_view(store: Store, event: str, municipality: str | None = None,
               since: dt.date | str | None = None) -> EventView:
    """``event`` (a key of EVENTS) across the loaded municipalities: one row per municipality with the
    date(s) of the event, the number of change rows, their basis and evidence."""
    if event not in EVENTS:
        raise QueryError(f"unknown event {event!r}; events: {', '.join(sorted(EVENTS))}")
    spec = EVENTS[event]
    table = store.select(bind(load_query(spec.query), {"municipality": municipality}))
    changes = [_change_row(row) for row in table.rows]
    day = _date_param(since)
    if day:
        changes = [c for c in changes if c["date"] and _text(c["date"]) >= day]
    changes = _ordered(changes)
    by_municipality: dict[str, list[dict[str, object]]] = {}
    for change in changes:
        by_municipality.setdefault(_text(change["municipality"]), []).append(change)
    rows = [_summary(name, found) for name, found in by_municipality.items()]
    rows.sort(key=lambda r: (not r["first"], r["first"], r["municipality"]))
    return EventView(spec, rows, changes)
