"""Risk signals: named SPARQL queries (queries/findings-*.rq) turned into findings.

Each rule is one query that returns the assessment, its graph and the node concerned (flow, risk,
incident, system); the rule adds a severity, a message in Japanese and English, and the node's
evidence. The queries are plain SPARQL 1.1, so the rules run on every backend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from piagraph.analyse.findings import AssessmentRef, Finding, node_evidence
from piagraph.queries import bind, load_query
from piagraph.store.base import Store

REEVALUATION_YEARS = 5
METHOD_LABELS = {"Email": ("電子メール", "e-mail"), "FlashMemory": ("フラッシュメモリ", "flash memory"),
                 "Paper": ("紙", "paper")}
FLOW_LABELS = {"Acquisition": ("入手", "acquisition"), "Entrustment": ("委託", "entrustment"),
               "Provision": ("提供", "provision"), "Transfer": ("移転", "transfer"),
               "FlowStep": ("事務の流れ", "flow step")}
_LOWER = {"high": "medium", "medium": "low", "low": "info", "info": "info"}

Row = dict[str, object]


@dataclass(frozen=True)
class Rule:
    """One risk signal: a named query and how its rows read as findings."""

    id: str
    query: str
    focus: str  # column holding the node the finding is about
    build: Callable[[Row], tuple[str, str, str, dict[str, str]]]  # row -> severity, ja, en, details
    about: tuple[str, ...] = ()  # evidence about these properties is shown first


def _local(value: object) -> str:
    return str(value or "").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _method(row: Row) -> tuple[str, str, str, dict[str, str]]:
    method = _local(row.get("method"))
    kind = _local(row.get("flowType"))
    method_ja, method_en = METHOD_LABELS.get(method, (method, method))
    flow_ja, flow_en = FLOW_LABELS.get(kind, (kind, kind))
    peer = _text(row.get("sourceName") if kind == "Acquisition" else row.get("recipientName"))
    severity = "low" if method == "Paper" else "medium"
    if kind == "Acquisition":  # received by the body, not sent by it
        severity = _LOWER[severity]
    where_ja = f"（{'入手元' if kind == 'Acquisition' else '相手先'}: {peer}）" if peer else ""
    where_en = f" ({'from' if kind == 'Acquisition' else 'to'} {peer})" if peer else ""
    return (severity,
            f"個人番号を含む{flow_ja}の方法に「{method_ja}」が選ばれている{where_ja}。"
            "誤送信・紛失・盗難への対策を確認すること。",
            f"A {flow_en} carrying the personal number uses {method_en}{where_en}: "
            "check the safeguards against misdelivery, loss and theft.",
            {"method": method_ja, "flow": flow_ja, **({"peer": peer} if peer else {})})


def _subcontracting(row: Row) -> tuple[str, str, str, dict[str, str]]:
    contractor = _text(row.get("contractor"))
    items = _text(row.get("subcontractItems"))
    severity = "low" if row.get("carriesPersonalNumber") is False else "medium"
    who_ja = f"委託先「{contractor}」" if contractor else "委託先"
    who_en = f"the contractor {contractor}" if contractor else "the contractor"
    details = {"contractor": contractor} if contractor else {}
    if items:
        details["subcontract_items"] = items
    return (severity,
            f"{who_ja}が再委託している。再委託先の監督と許諾の方法を確認すること。",
            f"{who_en} subcontracts (再委託): check the permission procedure and the supervision "
            "of the subcontractor.",
            details)


def _incident(row: Row) -> tuple[str, str, str, dict[str, str]]:
    content = _text(row.get("content"))
    return ("high",
            "過去3年以内に重大事故が発生したと記載されている（Ⅲ 重大事故の発生: 発生あり）。"
            + (f"内容: {content}" if content else ""),
            "A serious incident in the past three years is reported (Ⅲ 重大事故: 発生あり)."
            + (f" Content: {content}" if content else ""),
            {"content": content} if content else {})


def _rating(row: Row) -> tuple[str, str, str, dict[str, str]]:
    name = _text(row.get("riskName")) or _text(row.get("section"))
    return ("medium",
            f"リスク対策の自己評価が「課題が残されている」: {name}",
            f"The assessment rates its measures as insufficient (課題が残されている): {name}",
            {"risk": name, "rating": _text(row.get("rating"))})


def _reevaluation(row: Row) -> tuple[str, str, str, dict[str, str]]:
    published = _text(row.get("publishedOn"))
    return ("medium",
            f"公表日（{published}）から{REEVALUATION_YEARS}年を経過している。評価の再実施が必要。",
            f"Published on {published}, more than {REEVALUATION_YEARS} years ago: the assessment is due "
            "for re-evaluation.",
            {"published_on": published})


def _network(row: Row) -> tuple[str, str, str, dict[str, str]]:
    system = _text(row.get("systemName"))
    linkage = _text(row.get("linkage")) or "記載なし"
    return ("medium",
            f"システム「{system}」が情報提供ネットワークシステムに接続しているが、"
            f"Ⅰ5 情報連携の実施の有無が「実施する」でない（{linkage}）。",
            f"The system {system} connects to the Information Provision Network System, but Ⅰ5 "
            f"情報連携 is not 実施する ({linkage}).",
            {"system": system, "information_linkage": linkage})


RULES: tuple[Rule, ...] = (
    Rule("risk.personal-number-by-insecure-method", "findings-personal-number-method", "flow", _method,
         ("methods", "method")),
    Rule("risk.subcontracting", "findings-subcontracting", "flow", _subcontracting,
         ("subcontracted", "subcontract_items")),
    Rule("risk.incident-reported", "findings-incidents", "incident", _incident),
    Rule("risk.rating-issues-remain", "findings-risk-ratings", "risk", _rating),
    Rule("risk.reevaluation-due", "findings-reevaluation-due", "assessment", _reevaluation, ("publishedOn",)),
    Rule("risk.network-without-linkage", "findings-network-without-linkage", "system", _network),
)


def five_years_before(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - REEVALUATION_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - REEVALUATION_YEARS, day=28)


def run_rule_query(store: Store, name: str, assessments: Sequence[AssessmentRef],
                   params: dict[str, object] | None = None) -> list[tuple[AssessmentRef, Row]]:
    """Rows of a findings query for the given assessments (one query; bound to the assessment when
    there is only one, else filtered here so the query runs once over the store)."""
    by_iri = {a.iri: a for a in assessments}
    values = dict(params or {})
    if len(assessments) == 1:
        values["assessment"] = assessments[0].iri
    rows = store.select(bind(load_query(name), values)).rows
    return [(by_iri[str(r["assessment"])], r) for r in rows if str(r["assessment"]) in by_iri]


def risk_findings(store: Store, assessments: Sequence[AssessmentRef], today: dt.date | None = None,
                  rules: Sequence[Rule] = RULES) -> list[Finding]:
    """Every risk signal of ``rules`` for ``assessments``; ``today`` drives the five-year rule."""
    today = today or dt.date.today()
    findings: list[Finding] = []
    for rule in rules:
        params: dict[str, object] = {}
        if rule.id == "risk.reevaluation-due":
            params["cutoff"] = five_years_before(today).isoformat()
        found = run_rule_query(store, rule.query, assessments, params)
        by_graph: dict[str, list[tuple[AssessmentRef, Row]]] = {}
        for assessment, row in found:
            by_graph.setdefault(assessment.graph, []).append((assessment, row))
        for graph, items in by_graph.items():
            evidence = node_evidence(store, graph, [str(r[rule.focus]) for _, r in items], rule.about)
            for assessment, row in items:
                focus = str(row[rule.focus])
                severity, ja, en, details = rule.build(row)
                refs = evidence.get(focus, [])[:3]
                document = assessment.document_evidence()
                if not refs and document:
                    refs = [document]
                findings.append(Finding(severity, rule.id, ja, en, assessment, refs, focus=focus,
                                        topic=rule.id, source="risks", details=details))
    return findings
