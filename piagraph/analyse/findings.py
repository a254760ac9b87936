"""Audit findings: one report combining SHACL results, citation checks, risk signals and OWL reasoning.

Each finding says how serious it is (high / medium / low / info), which rule raised it, what it means
in Japanese and English, which assessment it concerns and where in the document (file:line + quote).

The checks live in their own modules and all return :class:`Finding` records:

* ``shacl.py``           – ontology/shapes.ttl on each document graph (pyshacl);
* ``citation_checks.py`` – citations not in force on the 公表日, Ⅰ5 bases vs Ⅱ5 提供先, flows without a
  basis, unreadable citations;
* ``rules.py``           – risk signals, as named SPARQL queries (queries/findings-*.rq);
* ``reasoning.py``       – HermiT consistency and the defined classes, written to the inferred graph.

:func:`check` runs them for a selection of assessments and returns a :class:`FindingsReport`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from piagraph.errors import QueryError
from piagraph.select import Selection, find_assessments
from piagraph.store.base import Store
from piagraph.terms import PIA, iri

SEVERITIES = ("high", "medium", "low", "info")
SEVERITY_JA = {"high": "高", "medium": "中", "low": "低", "info": "情報"}
#: What `piagraph check SCOPE` runs; "all" runs every check.
SCOPES = ("all", "shacl", "citations", "risks", "reasoning")
_CHUNK = 200  # nodes per evidence query


@dataclass(frozen=True)
class EvidenceRef:
    """Where a finding can be verified: a line span of a source file and the text quoted there."""

    file: str
    line_start: int
    line_end: int
    quote: str = ""

    @property
    def ref(self) -> str:
        """``file:12`` or ``file:12-14``."""
        span = str(self.line_start) if self.line_end == self.line_start else f"{self.line_start}-{self.line_end}"
        return f"{self.file}:{span}"


@dataclass(frozen=True)
class AssessmentRef:
    """The assessment a finding belongs to, with what a reader needs to recognise it."""

    iri: str
    graph: str
    municipality: str = ""
    kind: str = ""
    number: str = ""
    title: str = ""
    published_on: str = ""
    change_log_only: bool = False
    source_document: str = ""
    line_start: int = 0
    line_end: int = 0

    @property
    def label(self) -> str:
        if self.change_log_only:
            return f"{self.municipality} 変更箇所".strip()
        kind = f"{self.kind}" if self.kind else "評価書"
        return f"{self.municipality} {kind} No.{self.number or '?'}".strip()

    def document_evidence(self) -> EvidenceRef | None:
        """The document's own line span: the fallback location of a finding about a missing fact."""
        if not self.source_document or not self.line_start:
            return None
        return EvidenceRef(self.source_document, self.line_start, self.line_end or self.line_start,
                           self.title)


@dataclass
class Finding:
    severity: str  # one of SEVERITIES
    rule: str  # e.g. "risk.incident-reported", "shacl.ProvisionLegalBasis"
    message_ja: str
    message_en: str
    assessment: AssessmentRef | None = None
    evidence: list[EvidenceRef] = field(default_factory=list)
    focus: str | None = None  # the node the finding is about
    topic: str = ""  # what about the node (a property local name), for de-duplication across checks
    source: str = ""  # shacl / citations / risks / reasoning
    details: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    @property
    def location(self) -> str:
        return self.evidence[0].ref if self.evidence else ""

    def sort_key(self) -> tuple[Any, ...]:
        a = self.assessment
        first = self.evidence[0] if self.evidence else None
        return (a.label if a else "~", SEVERITIES.index(self.severity), self.rule,
                first.file if first else "", first.line_start if first else 0, self.focus or "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "rule": self.rule,
            "message_ja": self.message_ja,
            "message_en": self.message_en,
            "assessment": self.assessment.label if self.assessment else None,
            "assessment_iri": self.assessment.iri if self.assessment else None,
            "municipality": self.assessment.municipality if self.assessment else None,
            "evidence": [{"ref": e.ref, **asdict(e)} for e in self.evidence],
            "focus": self.focus,
            "source": self.source,
            "details": self.details,
        }


@dataclass
class ReasoningSummary:
    """What the OWL reasoning step did (it may be skipped: no Java, or not requested)."""

    ran: bool
    consistent: bool | None = None
    message: str = ""
    seconds: float = 0.0
    memberships: dict[str, int] = field(default_factory=dict)  # defined class local name -> count
    written_graph: str | None = None


@dataclass
class FindingsReport:
    assessments: list[AssessmentRef]
    findings: list[Finding]
    today: dt.date
    scope: str = "all"
    reasoning: ReasoningSummary | None = None
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}

    def for_assessment(self, assessment: AssessmentRef | None) -> list[Finding]:
        key = assessment.iri if assessment else None
        return [f for f in self.findings if (f.assessment.iri if f.assessment else None) == key]

    def to_dict(self) -> dict[str, Any]:
        return {
            "generated_on": self.today.isoformat(),
            "scope": self.scope,
            "counts": self.counts(),
            "assessments": [{"label": a.label, **asdict(a)} for a in self.assessments],
            "reasoning": asdict(self.reasoning) if self.reasoning else None,
            "notes": self.notes,
            "findings": [f.to_dict() for f in self.findings],
        }


# -- assessments ---------------------------------------------------------------------------------

_SPANS = """
PREFIX pia: <%s>
SELECT ?assessment ?start ?end WHERE {
  GRAPH ?g { ?assessment a pia:Assessment ; pia:lineStart ?start . OPTIONAL { ?assessment pia:lineEnd ?end } }
}""" % PIA


def list_assessments(store: Store, selection: Selection | None = None, *, everything: bool = False
                     ) -> list[AssessmentRef]:
    """The assessments a check runs on: all of them (``everything``) or those matching ``selection``.

    A selection may match several assessments (e.g. every assessment of one municipality)."""
    has_selection = selection is not None and any(
        [selection.municipality, selection.number, selection.iri, selection.kind, selection.affair])
    if not everything and not has_selection:
        raise QueryError("name assessments: --municipality NAME [--number N --kind 全項目|重点|基礎], "
                         "--iri IRI, or --all")
    rows = find_assessments(store, None if everything else selection)
    if not rows:
        raise QueryError("no loaded assessment matches; `piagraph query assessments` lists them")
    spans = {str(r["assessment"]): r for r in store.select(_SPANS).rows}
    out: list[AssessmentRef] = []
    seen: set[str] = set()
    for row in rows:
        key = str(row["assessment"])
        if key in seen:
            continue
        seen.add(key)
        span = spans.get(key, {})
        out.append(AssessmentRef(
            iri=key, graph=str(row["graph"]), municipality=_s(row.get("municipality")),
            kind=_s(row.get("kind")), number=_s(row.get("number")), title=_s(row.get("title")),
            published_on=_s(row.get("publishedOn")), change_log_only=bool(row.get("changeLogOnly")),
            source_document=_s(row.get("sourceDocument")),
            line_start=int(span.get("start") or 0), line_end=int(span.get("end") or 0)))
    return out


def _s(value: object) -> str:
    return "" if value is None else str(value)


def published_date(assessment: AssessmentRef) -> dt.date | None:
    try:
        return dt.date.fromisoformat(assessment.published_on[:10]) if assessment.published_on else None
    except ValueError:
        return None


# -- evidence ------------------------------------------------------------------------------------

_EVIDENCE = """
PREFIX pia: <%s>
SELECT ?node ?file ?start ?end ?quote ?about WHERE {
  GRAPH %%s {
    VALUES ?node { %%s }
    ?node pia:evidence ?ev .
    ?ev pia:sourceFile ?file ; pia:lineStart ?start ; pia:lineEnd ?end .
    OPTIONAL { ?ev pia:quote ?quote }
    OPTIONAL { ?ev pia:aboutProperty ?about }
  }
}""" % PIA

_OWNER_EVIDENCE = """
PREFIX pia: <%s>
SELECT ?node ?file ?start ?end ?quote ?order WHERE {
  GRAPH %%s {
    VALUES ?node { %%s }
    { ?node pia:sourceFile ?file ; pia:lineStart ?start ; pia:lineEnd ?end . OPTIONAL { ?node pia:quote ?quote }
      BIND(3 AS ?order) }
    UNION
    { ?owner ?link ?node ; pia:evidence ?ev . FILTER(?ev != ?node) BIND(4 AS ?order)
      ?ev pia:sourceFile ?file ; pia:lineStart ?start ; pia:lineEnd ?end . OPTIONAL { ?ev pia:quote ?quote } }
  }
}""" % PIA


def _local(value: object) -> str:
    text = str(value or "")
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def node_evidence(store: Store, graph: str, nodes: Iterable[str], about: Sequence[str] = ()
                  ) -> dict[str, list[EvidenceRef]]:
    """Evidence of each node in ``graph``, best first: evidence about one of the properties ``about``
    (local names, e.g. ``("methods", "method")``), then the node's own evidence, then the rest."""
    wanted = list(dict.fromkeys(n for n in nodes if n))
    found: dict[str, list[tuple[int, EvidenceRef]]] = {n: [] for n in wanted}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        values = " ".join(iri(n) for n in chunk)
        for row in store.select(_EVIDENCE % (iri(graph), values)).rows:
            about_local = _local(row.get("about")) if row.get("about") else ""
            rank = 0 if about_local and about_local in about else (1 if not about_local else 2)
            ref = EvidenceRef(str(row["file"]), int(row["start"]), int(row["end"]), _s(row.get("quote")))
            found[str(row["node"])].append((rank, ref))
    missing = [n for n in wanted if not found[n]]
    for start in range(0, len(missing), _CHUNK):
        chunk = missing[start:start + _CHUNK]
        values = " ".join(iri(n) for n in chunk)
        for row in store.select(_OWNER_EVIDENCE % (iri(graph), values)).rows:
            ref = EvidenceRef(str(row["file"]), int(row["start"]), int(row["end"]), _s(row.get("quote")))
            found[str(row["node"])].append((int(row["order"]), ref))
    out: dict[str, list[EvidenceRef]] = {}
    for node, refs in found.items():
        ordered = [ref for _, ref in sorted(refs, key=lambda r: (r[0], r[1].file, r[1].line_start))]
        out[node] = list(dict.fromkeys(ordered))
    return out


def with_evidence(store: Store, findings: list[Finding], about: Sequence[str] = (), limit: int = 3
                  ) -> list[Finding]:
    """Fill in the evidence of findings that have a focus node and no evidence yet (one query per graph)."""
    by_graph: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.focus and not finding.evidence and finding.assessment:
            by_graph.setdefault(finding.assessment.graph, []).append(finding)
    for graph, items in by_graph.items():
        evidence = node_evidence(store, graph, [f.focus or "" for f in items], about)
        for finding in items:
            finding.evidence = evidence.get(finding.focus or "", [])[:limit]
    for finding in findings:
        if not finding.evidence and finding.assessment:
            fallback = finding.assessment.document_evidence()
            if fallback:
                finding.evidence = [fallback]
    return findings


# -- the combined check --------------------------------------------------------------------------


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Drop a SHACL result that another check already reports about the same node and property."""
    covered = {(f.focus, f.topic) for f in findings if f.source != "shacl" and f.focus and f.topic}
    out: list[Finding] = []
    seen: set[tuple[Any, ...]] = set()
    for f in findings:
        if f.source == "shacl" and (f.focus, f.topic) in covered:
            continue
        key = (f.rule, f.focus, f.assessment.iri if f.assessment else None, f.message_en)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


def check(store: Store, selection: Selection | None = None, *, everything: bool = False, scope: str = "all",
          today: dt.date | None = None, reason: bool = False, write_inferred: bool = False) -> FindingsReport:
    """Run the checks of ``scope`` on the selected assessments (``everything``: all loaded).

    ``reason`` runs HermiT (needs Java; skipped with a note otherwise); ``write_inferred`` also writes
    the inferred memberships to the graph https://w3id.org/piagraph/graph/inferred.
    ``today`` is the date the five-year re-evaluation rule compares with (default: today)."""
    if scope not in SCOPES:
        raise QueryError(f"unknown check {scope!r}; use one of {', '.join(SCOPES)}")
    today = today or dt.date.today()
    assessments = list_assessments(store, selection, everything=everything)
    findings: list[Finding] = []
    report = FindingsReport(assessments, findings, today, scope)
    if scope in ("all", "shacl"):
        from piagraph.analyse.shacl import shacl_findings

        findings += shacl_findings(store, assessments)
    if scope in ("all", "citations"):
        from piagraph.analyse.citation_checks import citation_findings

        findings += citation_findings(store, assessments)
    if scope in ("all", "risks"):
        from piagraph.analyse.rules import risk_findings

        findings += risk_findings(store, assessments, today=today)
    if scope == "reasoning" or (reason and scope == "all"):
        from piagraph.analyse.reasoning import reason as run_reasoner

        graphs = None if everything else [a.graph for a in assessments]
        result = run_reasoner(store, graphs, write=write_inferred, assessments=assessments)
        report.reasoning = result.summary
        findings += result.findings
        if not result.summary.ran:
            report.notes.append(result.summary.message)
    report.findings = sorted(_dedupe(findings), key=Finding.sort_key)
    return report
