"""The findings report as a terminal table, JSON, and a self-contained HTML page for A4 print.

The HTML page has no script and no external resource (works offline, prints the same everywhere):
print CSS sets A4 with margins, repeats table headers, and keeps each finding on one page. Every value
that comes from a document (names, quotes, citations, file names) is HTML-escaped.
"""

from __future__ import annotations

import html
import json

from piagraph.analyse.findings import SEVERITIES, SEVERITY_JA, AssessmentRef, Finding, FindingsReport
from piagraph.views.tables import format_table

QUOTE_LIMIT = 400  # characters of a quote shown in the HTML report
TABLE_COLUMNS = ["severity", "rule", "assessment", "evidence", "message"]


def _table_rows(report: FindingsReport) -> list[dict[str, object]]:
    return [{"severity": f.severity, "rule": f.rule, "assessment": f.assessment.label if f.assessment else "",
             "evidence": f.location, "message": f.message_ja} for f in report.findings]


def format_findings_table(report: FindingsReport, max_cell: int = 70) -> str:
    counts = report.counts()
    head = "findings: " + ", ".join(f"{s} {counts[s]}" for s in SEVERITIES) + \
        f" ({len(report.assessments)} assessment(s), scope {report.scope})"
    lines = [head]
    if report.reasoning:
        lines.append(f"reasoning: {report.reasoning.message} ({report.reasoning.seconds} s)")
    lines += [f"note: {n}" for n in report.notes if not (report.reasoning and n == report.reasoning.message)]
    if report.findings:
        lines += ["", format_table(TABLE_COLUMNS, _table_rows(report), max_cell=max_cell)]
    return "\n".join(lines)


def findings_json(report: FindingsReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n"


# -- HTML ----------------------------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 18mm 16mm 18mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "IPAexGothic", "IPAGothic", "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Kaku Gothic ProN",
       "Yu Gothic", "Meiryo", sans-serif; font-size: 10pt; line-height: 1.5; color: #111;
       max-width: 178mm; margin: 12px auto; padding: 0 8px; }
h1 { font-size: 16pt; margin: 0 0 4px; }
h2 { font-size: 13pt; margin: 18px 0 6px; border-bottom: 2px solid #333; padding-bottom: 2px;
     break-after: avoid-page; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 12px 0 4px; break-after: avoid-page; page-break-after: avoid; }
.meta, .en, .muted { color: #444; }
.en { font-size: 9pt; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; table-layout: fixed; }
th, td { border: 1px solid #888; padding: 3px 5px; vertical-align: top; text-align: left;
         overflow-wrap: anywhere; word-break: break-word; }
th { background: #eee; }
td.num, th.num { text-align: right; width: 11mm; }
thead { display: table-header-group; }
tr, td, th { break-inside: avoid; page-break-inside: avoid; }
.finding { border: 1px solid #999; border-left: 6px solid #888; margin: 8px 0; padding: 6px 8px;
           break-inside: avoid; page-break-inside: avoid; }
.finding.high { border-left-color: #a50021; }
.finding.medium { border-left-color: #d46b08; }
.finding.low { border-left-color: #2f6db5; }
.finding.info { border-left-color: #777; }
.badge { display: inline-block; min-width: 4.5em; text-align: center; font-weight: bold; padding: 0 4px;
         border: 1px solid currentColor; margin-right: 6px; }
.badge.high { color: #a50021; } .badge.medium { color: #b35900; } .badge.low { color: #2f6db5; }
.badge.info { color: #555; }
.rule { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; color: #333; }
.msg { font-weight: bold; margin: 3px 0 1px; }
.evidence { margin: 4px 0 0; padding: 0; list-style: none; }
.evidence li { margin: 2px 0; }
.ref { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; }
blockquote { margin: 2px 0 2px 10px; padding: 2px 6px; border-left: 3px solid #ccc; background: #f7f7f7;
             white-space: pre-wrap; overflow-wrap: anywhere; font-size: 9pt; }
dl.details { margin: 3px 0 0; font-size: 9pt; }
dl.details dt { display: inline; color: #444; } dl.details dd { display: inline; margin: 0 10px 0 2px; }
section.assessment.has-findings { break-before: page; page-break-before: always; }
.none { color: #2b7a2b; }
.nowrap { white-space: nowrap; }
@media screen { body { background: #fafafa; } .finding { background: #fff; } }
@media print { body { margin: 0; max-width: none; padding: 0; } a { color: inherit; text-decoration: none; } }
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _quote(text: str) -> str:
    text = text.strip()
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT] + "…"


def _finding_html(f: Finding) -> str:
    evidence = "".join(
        f'<li><span class="ref">{_e(ev.ref)}</span>'
        + (f"<blockquote>{_e(_quote(ev.quote))}</blockquote>" if ev.quote.strip() else "") + "</li>"
        for ev in f.evidence)
    details = "".join(f"<dt>{_e(k)}:</dt><dd>{_e(v)}</dd>" for k, v in f.details.items() if v)
    return (
        f'<div class="finding {_e(f.severity)}">'
        f'<span class="badge {_e(f.severity)}">{_e(SEVERITY_JA[f.severity])} {_e(f.severity)}</span>'
        f'<span class="rule">{_e(f.rule)}</span>'
        f'<p class="msg">{_e(f.message_ja)}</p><p class="en">{_e(f.message_en)}</p>'
        + (f'<ul class="evidence">{evidence}</ul>' if evidence else '<p class="muted">根拠箇所なし / no evidence</p>')
        + (f'<dl class="details">{details}</dl>' if details else "")
        + "</div>")


def _summary_table(report: FindingsReport) -> str:
    head = "".join(f'<th class="num">{_e(SEVERITY_JA[s])}</th>' for s in SEVERITIES)
    rows = []
    for a in report.assessments:
        items = report.for_assessment(a)
        cells = "".join(f'<td class="num">{sum(1 for f in items if f.severity == s)}</td>' for s in SEVERITIES)
        rows.append(f"<tr><td>{_e(a.label)}</td><td>{_e(a.title)}</td><td>{_e(a.published_on)}</td>{cells}</tr>")
    general = report.for_assessment(None)
    if general:
        cells = "".join(f'<td class="num">{sum(1 for f in general if f.severity == s)}</td>' for s in SEVERITIES)
        rows.append(f"<tr><td>全体 / general</td><td></td><td></td>{cells}</tr>")
    return ('<table><colgroup><col style="width:30mm"><col><col style="width:24mm">'
            + '<col style="width:11mm">' * len(SEVERITIES) + "</colgroup>"
            f"<thead><tr><th>評価書</th><th>表題</th><th>公表日</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _rules_table(report: FindingsReport) -> str:
    counts: dict[tuple[str, str], int] = {}
    for f in report.findings:
        counts[(f.rule, f.severity)] = counts.get((f.rule, f.severity), 0) + 1
    rows = "".join(f"<tr><td class=\"rule\">{_e(rule)}</td><td>{_e(SEVERITY_JA[sev])} {_e(sev)}</td>"
                   f'<td class="num">{n}</td></tr>'
                   for (rule, sev), n in sorted(counts.items(), key=lambda x: (SEVERITIES.index(x[0][1]), x[0][0])))
    return ('<table><colgroup><col><col style="width:28mm"><col style="width:14mm"></colgroup>'
            f'<thead><tr><th>規則 / rule</th><th>重要度</th><th class="num">件数</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>") if rows else ""


def _assessment_section(a: AssessmentRef | None, findings: list[Finding]) -> str:
    if a is None:
        title, meta = "全体 / General", ""
    else:
        title = a.label
        parts = [_e(a.title), f'<span class="nowrap">公表日 {_e(a.published_on)}</span>' if a.published_on else "",
                 f'<span class="ref">{_e(a.source_document)}</span>']
        meta = " ・ ".join(x for x in parts if x and not x.endswith("></span>"))
    body = "".join(_finding_html(f) for f in findings) or '<p class="none">所見なし / no findings</p>'
    cls = "assessment has-findings" if findings else "assessment"
    return f'<section class="{cls}"><h2>{_e(title)}</h2><p class="meta">{meta}</p>{body}</section>'


def render_findings_html(report: FindingsReport, title: str = "特定個人情報保護評価書 監査所見") -> str:
    counts = report.counts()
    totals = " ・ ".join(f"{_e(SEVERITY_JA[s])}（{_e(s)}） {counts[s]}" for s in SEVERITIES)
    notes = "".join(f"<li>{_e(n)}</li>" for n in report.notes)
    reasoning = ""
    if report.reasoning:
        r = report.reasoning
        state = {True: "整合 / consistent", False: "矛盾あり / INCONSISTENT", None: "未実行 / not run"}[r.consistent]
        reasoning = (f"<p><b>OWL 推論（HermiT）</b>: {_e(state)} — {_e(r.message)}"
                     + (f"（{_e(r.seconds)} 秒）" if r.ran else "") + "</p>")
    groups: list[tuple[AssessmentRef | None, list[Finding]]] = [(a, report.for_assessment(a))
                                                               for a in report.assessments]
    if report.for_assessment(None):
        groups.insert(0, (None, report.for_assessment(None)))
    sections = [_assessment_section(a, items) for a, items in groups]
    return f"""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{_e(title)}</h1>
<p class="en">Audit findings on My Number privacy impact assessments (piagraph)</p>
<p class="meta">作成日 / generated: {_e(report.today.isoformat())} ・ 対象 / scope: {_e(report.scope)}
 ・ 評価書 {len(report.assessments)} 件</p>
<p><b>所見 / findings</b>: {totals}</p>
{reasoning}
{f'<ul class="muted">{notes}</ul>' if notes else ''}
</header>
<h2>評価書ごとの件数 / Findings per assessment</h2>
{_summary_table(report)}
<h2>規則ごとの件数 / Findings per rule</h2>
{_rules_table(report) or '<p class="none">所見なし / no findings</p>'}
<p class="muted">重要度: 高 = 直ちに確認すべき事項、中 = 記載の不備または要確認のリスク、低 = 確認が望ましい事項、情報 = 参考。
各所見の根拠箇所（ファイル:行）は評価書のテキストの行番号を示す。 /
Severity: high = check now; medium = missing required content or a risk to confirm; low = worth checking;
info = for reference. Evidence gives file:line in the assessment's text.</p>
{''.join(sections)}
</body>
</html>
"""
