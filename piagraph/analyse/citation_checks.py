"""`piagraph check citations`: legal bases an auditor should look at twice.

* ``citation.not-in-force``      – a provision cited in a form that was not in force on the 公表日
  (e.g. 番号法別表第二 cited after the 2024 reform), from data/legal/crosswalk.csv (``in_force``);
* ``citation.linkage-basis-unused`` / ``citation.linkage-basis-undeclared`` – Ⅰ5 情報提供の根拠 rows
  that no 提供先 of Ⅱ5 cites, and Ⅱ5 提供先 rows missing from Ⅰ5, compared in their current form
  (pia:currentProvision), so that 別表第二16の2の項 and 提供命令第2条の表25の項 match;
* ``citation.flow-without-basis`` – 提供/移転 flows with no legal basis;
* ``citation.unparsed``          – citations the parser could not read (kept raw).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from piagraph.analyse.findings import AssessmentRef, Finding, node_evidence, published_date
from piagraph.analyse.rules import FLOW_LABELS, run_rule_query
from piagraph.normalize.citations import citation_from_path
from piagraph.normalize.crosswalk import current_provision, in_force
from piagraph.store.base import Store
from piagraph.terms import LAW

# Rows of the tables that name information-linkage (情報連携) bases: 別表第二 before 2024, the
# 提供命令第2条の表 after. Only row-level citations are compared between Ⅰ5 and Ⅱ5.
_LINKAGE_ROW = re.compile(r"^(?:R06DAMIC009/art2/table|H25HO027/table2)/row[0-9-]+$")
# A basis that covers information linkage without naming rows (番号法第19条第8号 / 別表第二 as a whole).
_GENERIC_LINKAGE = re.compile(r"^(?:H25HO027/art19/item8|H25HO027/table2|R06DAMIC009/art2/table)$")
ROLE_LABELS = {"personalNumberUseBasis": "Ⅰ4 個人番号の利用", "provisionBasis": "Ⅰ5 情報提供の根拠",
               "inquiryBasis": "Ⅰ5 情報照会の根拠", "legalBasis": "法令上の根拠"}

Row = dict[str, object]


def _path(node: object) -> str | None:
    text = str(node or "")
    return text[len(LAW):] if text.startswith(LAW) else None


def _local(value: object) -> str:
    return str(value or "").rsplit("#", 1)[-1]


def _current_path(row: Row) -> str | None:
    return _path(row.get("current")) or _path(row.get("law"))


def citation_findings(store: Store, assessments: Sequence[AssessmentRef]) -> list[Finding]:
    """All citation checks for ``assessments``."""
    rows = run_rule_query(store, "findings-citations", assessments)
    by_assessment: dict[str, list[Row]] = defaultdict(list)
    for assessment, row in rows:
        by_assessment[assessment.iri].append(row)
    findings: list[Finding] = []
    for assessment in assessments:
        cited = by_assessment.get(assessment.iri, [])
        findings += _not_in_force(assessment, cited)
        findings += _unparsed(assessment, cited)
        findings += _linkage_mismatch(assessment, cited)
    findings += _flows_without_basis(store, assessments)
    _attach_evidence(store, findings)
    return findings


def _attach_evidence(store: Store, findings: list[Finding]) -> None:
    """Evidence of each finding's focus node (a cited provision or a flow), best lines first."""
    by_graph: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.assessment and finding.focus:
            by_graph[finding.assessment.graph].append(finding)
    for graph, items in by_graph.items():
        evidence = node_evidence(store, graph, [f.focus or "" for f in items], ("legal_basis", "legalBasis"))
        for finding in items:
            found = list(finding.evidence) + evidence.get(finding.focus or "", [])
            finding.evidence = list(dict.fromkeys(found))[:3]
            document = finding.assessment.document_evidence() if finding.assessment else None
            if not finding.evidence and document:
                finding.evidence = [document]


def _roles(rows: Sequence[Row]) -> str:
    labels = []
    for row in rows:
        role = _local(row.get("role"))
        flow = _local(row.get("ownerType"))
        label = f"Ⅱ {FLOW_LABELS[flow][0]}の根拠" if role == "legalBasis" and flow in FLOW_LABELS \
            else ROLE_LABELS.get(role, role)
        labels.append(label)
    return "、".join(dict.fromkeys(labels))


def _not_in_force(assessment: AssessmentRef, rows: Sequence[Row]) -> list[Finding]:
    published = published_date(assessment)
    if published is None:
        return []
    by_law: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if not row.get("unparsed") and _path(row.get("law")):
            by_law[str(row["law"])].append(row)
    out: list[Finding] = []
    for law, uses in by_law.items():
        try:
            cited = citation_from_path(_path(law) or "")
        except ValueError:  # ordinances and laws missing from laws.csv: no dates to compare with
            continue
        if in_force(cited, published) is not False:
            continue
        printed = str(uses[0].get("citation") or cited.normalized)
        current = str(uses[0].get("currentCitation") or "")
        if not current:
            replacement = current_provision(cited, cited_on=published)
            current = replacement.normalized if replacement.path != cited.path else ""
        now_ja = f"（現行の規定: {current}）" if current else "（後継の規定は不明）"
        now_en = f" (current form: {current})" if current else " (successor unknown)"
        roles = _roles(uses)
        out.append(Finding(
            "medium", "citation.not-in-force",
            f"公表日（{published.isoformat()}）の時点で効力のない規定「{printed}」を{roles}に引用している{now_ja}。",
            f"Cites {printed} as {roles}, a form not in force on the publication date "
            f"{published.isoformat()}{now_en}.",
            assessment, focus=law, topic="citation", source="citations",
            details={"citation": printed, "current": current, "published_on": published.isoformat(),
                     "role": roles}))
    return out


def _unparsed(assessment: AssessmentRef, rows: Sequence[Row]) -> list[Finding]:
    out: list[Finding] = []
    seen: set[str] = set()
    for row in rows:
        if not row.get("unparsed") or str(row["law"]) in seen:
            continue
        seen.add(str(row["law"]))
        raw = str(row.get("rawCitation") or "")
        out.append(Finding(
            "info", "citation.unparsed",
            f"法令の引用「{raw}」を読み取れなかった（原文のまま保持）。条文を確認すること。",
            f"The citation 「{raw}」 could not be read; it is kept as printed. Check the provision by hand.",
            assessment, focus=str(row["law"]), topic="citation", source="citations",
            details={"raw_citation": raw, "role": _roles([row])}))
    return out


def _linkage_mismatch(assessment: AssessmentRef, rows: Sequence[Row]) -> list[Finding]:
    """Ⅰ5 情報提供の根拠 vs the bases of Ⅱ5 提供先, as current table rows."""
    declared: dict[str, Row] = {}  # current path -> a row citing it in Ⅰ5
    used: dict[str, Row] = {}  # current path -> a Ⅱ5 provision row citing it
    generic_provision = False
    has_provisions = False
    for row in rows:
        current = _current_path(row)
        role = _local(row.get("role"))
        if not current or row.get("unparsed"):
            continue
        if role == "provisionBasis" and _LINKAGE_ROW.match(current):
            declared.setdefault(current, row)
        elif role == "legalBasis" and _local(row.get("ownerType")) == "Provision":
            has_provisions = True
            if _LINKAGE_ROW.match(current):
                used.setdefault(current, row)
            elif _GENERIC_LINKAGE.match(current):
                generic_provision = True
    out: list[Finding] = []
    unused = sorted(set(declared) - set(used))
    if has_provisions and generic_provision and not used and len(unused) > 1:
        # Ⅱ5 cites 第19条第8号 (or a whole table) only: rows cannot be compared one by one.
        labels = [str(declared[p].get("currentCitation") or declared[p].get("citation") or p) for p in unused]
        shown = "、".join(labels[:5]) + ("…" if len(labels) > 5 else "")
        first = declared[unused[0]]
        out.append(Finding(
            "info", "citation.linkage-basis-unused",
            f"Ⅰ5 の情報提供の根拠 {len(labels)} 件（{shown}）について、Ⅱ5 の提供先は行を示さない根拠"
            "（第19条第8号等）のみを挙げており、対応を確認できない。",
            f"Ⅰ5 lists {len(labels)} table rows as bases for providing information ({shown}), but the Ⅱ5 "
            "recipients cite 第19条第8号 (or a whole table) without rows: they cannot be matched.",
            assessment, focus=str(first["law"]), topic="linkage", source="citations",
            details={"citations": "、".join(labels)}))
        unused = []
    if has_provisions:
        for path in unused:
            row = declared[path]
            label = str(row.get("currentCitation") or row.get("citation") or path)
            note_ja = "（Ⅱ5 には行を示さない根拠（第19条第8号等）のみの提供先がある）" if generic_provision else ""
            note_en = " (a Ⅱ5 recipient cites 第19条第8号 without table rows)" if generic_provision else ""
            out.append(Finding(
                "info" if generic_provision else "low", "citation.linkage-basis-unused",
                f"Ⅰ5 の情報提供の根拠「{label}」を、Ⅱ5 のどの提供先も根拠として挙げていない{note_ja}。",
                f"Ⅰ5 lists {label} as a basis for providing information, but no Ⅱ5 recipient cites it{note_en}.",
                assessment, focus=str(row["law"]), topic="linkage", source="citations",
                details={"citation": label}))
    for path in sorted(set(used) - set(declared)):
        row = used[path]
        label = str(row.get("currentCitation") or row.get("citation") or path)
        out.append(Finding(
            "low", "citation.linkage-basis-undeclared",
            f"Ⅱ5 の提供先が根拠とする「{label}」が、Ⅰ5 の情報提供の根拠に挙げられていない。",
            f"A Ⅱ5 recipient cites {label}, which Ⅰ5 does not list as a basis for providing information.",
            assessment, focus=str(row["owner"]), topic="linkage", source="citations",
            details={"citation": label}))
    return out


def _flows_without_basis(store: Store, assessments: Sequence[AssessmentRef]) -> list[Finding]:
    out: list[Finding] = []
    for assessment, row in run_rule_query(store, "findings-flows-without-basis", assessments):
        kind = _local(row.get("flowType"))
        flow_ja, flow_en = FLOW_LABELS.get(kind, (kind, kind))
        recipient = str(row.get("recipientName") or "")
        to_ja = f"（{'提供先' if kind == 'Provision' else '移転先'}: {recipient}）" if recipient else ""
        to_en = f" to {recipient}" if recipient else ""
        out.append(Finding(
            "medium", "citation.flow-without-basis",
            f"{flow_ja}{to_ja}に法令上の根拠が記載されていない（または読み取れない）。",
            f"The {flow_en}{to_en} states no legal basis (①法令上の根拠), or it could not be read.",
            assessment, focus=str(row["flow"]), topic="legalBasis", source="citations",
            details={"flow": flow_ja, **({"recipient": recipient} if recipient else {})}))
    return out

