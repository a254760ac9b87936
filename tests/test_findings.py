"""Risk-signal rules (queries/findings-*.rq), the combined findings report, its views and `piagraph check`.

Each rule fires where it should and stays silent where it should not, on the samples where they hold
the case and on small crafted graphs otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner

from piagraph.analyse.findings import (
    SEVERITIES,
    AssessmentRef,
    EvidenceRef,
    Finding,
    FindingsReport,
    check,
    list_assessments,
)
from piagraph.analyse.rules import RULES, five_years_before, risk_findings
from piagraph.cli import main
from piagraph.errors import QueryError
from piagraph.select import Selection
from piagraph.views.findings import findings_json, format_findings_table, render_findings_html
from tests.findings_fixtures import add_flow, crafted_assessment, load

TODAY = dt.date(2026, 12, 1)


def _risks(store, municipality: str | None = None, today: dt.date = TODAY, rule: str | None = None,
           number: str | None = None):
    assessments = list_assessments(store, Selection(municipality=municipality, number=number),
                                   everything=municipality is None)
    found = risk_findings(store, assessments, today=today)
    return [f for f in found if rule is None or f.rule == rule]


# -- rules on the samples ---------------------------------------------------------------------------


def test_incident_fires_for_yokohama_only(loaded_store) -> None:
    found = _risks(loaded_store, rule="risk.incident-reported")
    assert {f.assessment.municipality for f in found} == {"横浜市"}
    finding = found[0]
    assert finding.severity == "high"
    assert finding.evidence and finding.evidence[0].file.endswith("002_395353e375fa5b93.txt")
    assert "発生あり" in finding.evidence[0].quote


def test_incident_silent_for_iizuka_whose_change_log_mentions_one(loaded_store) -> None:
    # 飯塚市's change log records a past incident; its current Ⅲ answer is 発生なし.
    assert _risks(loaded_store, "飯塚市", rule="risk.incident-reported") == []


def test_subcontracting(loaded_store) -> None:
    found = _risks(loaded_store, rule="risk.subcontracting")
    municipalities = {f.assessment.municipality for f in found}
    assert {"横浜市", "飯塚市"} <= municipalities
    assert "栃木市" not in municipalities  # its entrustment says 再委託しない
    iizuka = next(f for f in found if f.assessment.municipality == "飯塚市")
    assert "行政システム九州" in iizuka.message_ja
    assert iizuka.evidence and iizuka.evidence[0].line_start > 0


def test_paper_entrustment_of_personal_number_in_yokohama(loaded_store) -> None:
    found = _risks(loaded_store, "横浜市", rule="risk.personal-number-by-insecure-method")
    entrusted = [f for f in found if f.details.get("flow") == "委託"]
    assert entrusted and entrusted[0].details["method"] == "紙"
    assert entrusted[0].severity == "low"
    # Acquisitions (received by the body) are one step lower.
    assert all(f.severity == "info" for f in found if f.details.get("flow") == "入手")


def test_no_sample_rates_a_risk_as_insufficient(loaded_store) -> None:
    assert _risks(loaded_store, rule="risk.rating-issues-remain") == []


def test_reevaluation_due_after_five_years(loaded_store) -> None:
    # 高槻市 予防接種 全項目 No.49 was published 2022-07-08.
    silent = _risks(loaded_store, "高槻市", today=dt.date(2027, 7, 8), rule="risk.reevaluation-due")
    assert silent == []
    due = _risks(loaded_store, "高槻市", today=dt.date(2027, 7, 9), rule="risk.reevaluation-due")
    assert [f.assessment.number for f in due] == ["49"]
    assert due[0].details["published_on"] == "2022-07-08"
    assert _risks(loaded_store, today=TODAY, rule="risk.reevaluation-due") == []


def test_five_years_before_leap_day() -> None:
    assert five_years_before(dt.date(2028, 2, 29)) == dt.date(2023, 2, 28)


def test_every_sample_states_information_linkage(loaded_store) -> None:
    assert _risks(loaded_store, rule="risk.network-without-linkage") == []


# -- rules on crafted graphs ----------------------------------------------------------------------------


def test_crafted_methods(tmp_path) -> None:
    d = crafted_assessment()
    add_flow(d, 1, "Provision", line=20, methods=("Email",))
    add_flow(d, 2, "Provision", line=30, methods=("FlashMemory",), carries=False)  # no 個人番号: silent
    add_flow(d, 3, "Transfer", line=40, methods=("LeasedLine",))  # safe method: silent
    add_flow(d, 4, "Acquisition", line=50, methods=("Paper",), recipient="本人", recipient_kind="actor/Resident")
    with load(tmp_path, d) as store:
        found = _risks(store, "試験市", rule="risk.personal-number-by-insecure-method")
    by_line = {f.evidence[0].line_start: f for f in found}
    assert sorted(by_line) == [20, 50]
    assert by_line[20].severity == "medium" and by_line[20].details["method"] == "電子メール"
    assert by_line[50].severity == "info"


def test_crafted_rating_and_network(tmp_path) -> None:
    d = crafted_assessment(linkage="実施しない")
    d.add(f"{d.me} pia:hasRisk {d.node('risk/1')} , {d.node('risk/2')} .\n"
          f"{d.node('risk/1')} a pia:Risk ; pia:riskName \"目的外の入手が行われるリスク\" ; "
          f"pia:rating \"課題が残されている\" .\n"
          f"{d.node('risk/2')} a pia:Risk ; pia:riskName \"不正な提供が行われるリスク\" ; pia:rating \"十分である\" .")
    d.evidence(d.node("risk/1"), 60, "リスクへの対策は十分か [ 課題が残されている ]")
    d.evidence(d.node("risk/2"), 70, "リスクへの対策は十分か [ 十分である ]")
    d.add(f"{d.me} pia:usesSystem {d.node('system/1')} , {d.node('system/2')} .\n"
          f"{d.node('system/1')} a pia:System ; pia:name \"中間サーバー\" ; "
          f"pia:connectionLabel \"情報提供ネットワークシステム\" .\n"
          f"{d.node('system/2')} a pia:System ; pia:name \"健康管理システム\" ; pia:connectionLabel \"庁内連携システム\" .")
    d.evidence(d.node("system/1"), 80, "システム1 中間サーバー")
    d.evidence(d.node("system/2"), 90, "システム2 健康管理システム")
    with load(tmp_path, d) as store:
        ratings = _risks(store, "試験市", rule="risk.rating-issues-remain")
        network = _risks(store, "試験市", rule="risk.network-without-linkage")
    assert [f.evidence[0].line_start for f in ratings] == [60]
    assert "目的外の入手" in ratings[0].message_ja
    assert [f.details["system"] for f in network] == ["中間サーバー"]
    assert network[0].evidence[0].line_start == 80


def test_crafted_network_silent_when_linkage_performed(tmp_path) -> None:
    d = crafted_assessment(linkage="実施する")
    network = d.node("actor/ipn")
    d.add(f"{d.me} pia:usesSystem {d.node('system/1')} .\n"
          f"{d.node('system/1')} a pia:System ; pia:name \"中間サーバー\" ; pia:connectsTo {network} .\n"
          f"{network} a pia:Actor ; pia:name \"情報提供ネットワークシステム\" ; "
          "pia:systemKind <https://w3id.org/piagraph/kinds/system/InformationProvisionNetwork> .")
    d.evidence(d.node("system/1"), 80, "システム1 中間サーバー")
    without = crafted_assessment("b", linkage=None, municipality="比較市")
    without.add(f"{without.me} pia:usesSystem {without.node('system/1')} .\n"
                f"{without.node('system/1')} a pia:System ; pia:name \"中間サーバー\" ; "
                f"pia:connectsTo {without.node('actor/ipn')} .\n"
                f"{without.node('actor/ipn')} a pia:Actor ; "
                "pia:systemKind <https://w3id.org/piagraph/kinds/system/InformationProvisionNetwork> .")
    without.evidence(without.node("system/1"), 12, "システム1 中間サーバー")
    with load(tmp_path, d, without) as store:
        assert _risks(store, "試験市", rule="risk.network-without-linkage") == []
        found = _risks(store, "比較市", rule="risk.network-without-linkage")
    assert len(found) == 1 and found[0].details["information_linkage"] == "記載なし"


def test_every_rule_has_a_query_and_bilingual_messages(loaded_store) -> None:
    assert len({r.id for r in RULES}) == len(RULES)
    for finding in _risks(loaded_store, today=dt.date(2040, 1, 1)):
        assert finding.severity in SEVERITIES
        assert finding.message_ja and finding.message_en
        assert re.search(r"[ぁ-んァ-ン一-龥]", finding.message_ja)
        assert finding.evidence, finding


# -- the combined report ----------------------------------------------------------------------------


def test_check_all_combines_checks_with_evidence(loaded_store) -> None:
    report = check(loaded_store, everything=True, today=TODAY)
    assert report.reasoning is None  # reasoning only when asked for
    sources = {f.source for f in report.findings}
    assert {"shacl", "citations", "risks"} <= sources
    assert len(report.assessments) >= 7
    for finding in report.findings:
        assert finding.assessment is not None
        assert finding.evidence, finding
        assert re.fullmatch(r".+:\d+(-\d+)?", finding.location)
    # A flow without legal basis is one finding (citation check), not also a SHACL result.
    keys = [(f.focus, f.topic) for f in report.findings if f.topic == "legalBasis"]
    assert len(keys) == len(set(keys))
    ordered = [(f.assessment.label, SEVERITIES.index(f.severity)) for f in report.findings]
    assert ordered == sorted(ordered)


def test_check_needs_a_selection(loaded_store) -> None:
    with pytest.raises(QueryError, match="--all"):
        check(loaded_store)
    with pytest.raises(QueryError, match="no loaded assessment"):
        check(loaded_store, Selection(municipality="存在しない市"))
    with pytest.raises(QueryError, match="unknown check"):
        check(loaded_store, everything=True, scope="nonsense")


def test_selection_may_match_several_assessments(loaded_store) -> None:
    report = check(loaded_store, Selection(municipality="高槻市"), scope="risks", today=TODAY)
    assert {a.municipality for a in report.assessments} == {"高槻市"}
    assert len(report.assessments) == 3


def _hostile_report() -> FindingsReport:
    evil = '<script>alert("x")</script>&'
    assessment = AssessmentRef(iri="https://w3id.org/piagraph/id/x/0", graph="https://w3id.org/piagraph/graph/x/0",
                               municipality=evil, kind="重点", number="1", title=evil, published_on="2025-01-10",
                               source_document=evil, line_start=1, line_end=9)
    finding = Finding("high", "risk.incident-reported", f"重大事故 {evil}", f"incident {evil}", assessment,
                      [EvidenceRef(evil, 3, 4, f"引用 {evil}")], focus="https://x/0", details={"content": evil})
    return FindingsReport([assessment], [finding], TODAY, notes=[evil])


def test_html_is_escaped_offline_and_printable() -> None:
    page = render_findings_html(_hostile_report())
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "alert(&quot;x&quot;)" in page
    assert "@page { size: A4" in page and "break-inside: avoid" in page and "page-break-inside: avoid" in page
    assert "table-header-group" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched
    assert "<link" not in page and "@import" not in page


def test_table_and_json_views(loaded_store) -> None:
    report = check(loaded_store, Selection(municipality="横浜市"), scope="risks", today=TODAY)
    table = format_findings_table(report)
    assert "risk.incident-reported" in table and "横浜市" in table
    data = json.loads(findings_json(report))
    assert data["counts"]["high"] == 1
    first = data["findings"][0]
    assert {"severity", "rule", "message_ja", "message_en", "assessment", "evidence"} <= set(first)
    assert first["evidence"][0]["ref"].startswith("data/samples/002_")


# -- the command ------------------------------------------------------------------------------------


def test_cli_check_all_json(loaded_store_path, tmp_path) -> None:
    out = tmp_path / "findings.json"
    result = CliRunner().invoke(main, ["check", "--all", "--no-reason", "--store", loaded_store_path,
                                       "--format", "json", "-o", str(out), "--today", "2026-12-01"])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["scope"] == "all" and data["findings"]
    assert "findings:" in result.output  # the summary line (stderr is mixed in by CliRunner)


def test_cli_check_citations_scope_and_fail_on(loaded_store_path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["check", "citations", "--municipality", "飯塚市", "--store", loaded_store_path])
    assert result.exit_code == 0, result.output
    assert "citation." in result.output and "risk." not in result.output
    failing = runner.invoke(main, ["check", "risks", "--municipality", "横浜市", "--store", loaded_store_path,
                                   "--fail-on", "high"])
    assert failing.exit_code == 1
    missing = runner.invoke(main, ["check", "--store", loaded_store_path])
    assert missing.exit_code == 2 and "--all" in missing.output


def test_cli_check_html(loaded_store_path, tmp_path) -> None:
    out = tmp_path / "report" / "findings.html"
    result = CliRunner().invoke(main, ["check", "--municipality", "横浜市", "--store", loaded_store_path,
                                       "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "横浜市 全項目 No.38" in page
