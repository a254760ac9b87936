"""`piagraph check citations`: citations not in force on the 公表日, Ⅰ5 vs Ⅱ5 bases, flows without a
legal basis, unreadable citations."""

from __future__ import annotations

from click.testing import CliRunner

from piagraph.analyse.citation_checks import citation_findings
from piagraph.analyse.findings import list_assessments
from piagraph.cli import main
from piagraph.select import Selection
from tests.findings_fixtures import add_flow, cite, crafted_assessment, load


def _citations(store, municipality: str | None = None, rule: str | None = None, number: str | None = None):
    assessments = list_assessments(store, Selection(municipality=municipality, number=number),
                                   everything=municipality is None)
    return [f for f in citation_findings(store, assessments) if rule is None or f.rule == rule]


# -- 別表第二 after the 2024 reform ----------------------------------------------------------------


def test_table2_cited_after_the_reform_is_not_in_force(tmp_path) -> None:
    late = crafted_assessment("late", published="2025-01-10")
    add_flow(late, 1, "Provision", line=40, laws=("H25HO027/table2/row16-2",))
    early = crafted_assessment("early", published="2023-08-04", municipality="旧式市")
    add_flow(early, 1, "Provision", line=40, laws=("H25HO027/table2/row16-2",))
    with load(tmp_path, late, early) as store:
        found = _citations(store, rule="citation.not-in-force")
    assert [f.assessment.municipality for f in found] == ["試験市"]  # 2023: still in force, silent
    finding = found[0]
    assert finding.severity == "medium"
    assert finding.details["citation"] == "番号法別表第二16の2の項"
    assert finding.details["current"] == "提供命令第2条の表25の項"
    assert "2025-01-10" in finding.message_ja and "提供命令第2条の表25の項" in finding.message_ja
    assert finding.evidence[0].line_start == 41 and "別表第二" in finding.evidence[0].quote


def test_new_order_cited_before_it_existed(tmp_path) -> None:
    d = crafted_assessment(published="2020-04-01")
    add_flow(d, 1, "Provision", line=40, laws=("R06DAMIC009/art2/table/row25",))
    with load(tmp_path, d) as store:
        found = _citations(store, rule="citation.not-in-force")
    assert [f.details["citation"] for f in found] == ["提供命令第2条の表25の項"]


def test_samples_cite_forms_in_force_on_their_dates(loaded_store) -> None:
    # 栃木市 (2024-03-31) and 高槻市 (2022) cite 別表第二 before the reform; 飯塚市 (2025) the new order.
    assert _citations(loaded_store, rule="citation.not-in-force") == []


# -- Ⅰ5 vs Ⅱ5 -------------------------------------------------------------------------------------------


def test_iizuka_provision_bases_not_used_by_any_recipient(loaded_store) -> None:
    found = _citations(loaded_store, "飯塚市", rule="citation.linkage-basis-unused")
    cited = {f.details["citation"] for f in found}
    assert {"提供命令第2条の表153の項", "提供命令第2条の表154の項"} <= cited
    # 25 and 26 are the bases of its two 提供先 (都道府県知事, 市区町村長).
    assert not cited & {"提供命令第2条の表25の項", "提供命令第2条の表26の項"}
    assert all(f.evidence and f.evidence[0].line_start < 300 for f in found)  # Ⅰ5, not Ⅱ5
    assert _citations(loaded_store, "飯塚市", rule="citation.linkage-basis-undeclared") == []


def test_yokohama_matches_old_and_new_forms(loaded_store) -> None:
    # Ⅰ5 cites 別表第二省令第12条の2 and 別表第二16の2/16の3; Ⅱ5 cites 16の2 and 16の3: equal once current.
    found = _citations(loaded_store, "横浜市")
    assert [f for f in found if f.rule.startswith("citation.linkage")] == []


def test_undeclared_recipient_basis(tmp_path) -> None:
    d = crafted_assessment()
    cite(d, d.me, "provisionBasis", "H25HO027/table2/row16-3", line=10)  # 16の3 -> 26: used below
    add_flow(d, 1, "Provision", line=40, laws=("R06DAMIC009/art2/table/row26",))
    add_flow(d, 2, "Provision", line=60, laws=("R06DAMIC009/art2/table/row29",), recipient="市区町村長",
             recipient_kind="actor/MunicipalityHead")
    with load(tmp_path, d) as store:
        found = [f for f in _citations(store, "試験市") if f.rule.startswith("citation.linkage")]
    assert [f.rule for f in found] == ["citation.linkage-basis-undeclared"]
    assert found[0].details["citation"] == "提供命令第2条の表29の項"
    assert found[0].evidence[0].line_start in (60, 61)


# -- flows without a basis, unreadable citations --------------------------------------------------------


def test_transfer_without_legal_basis(loaded_store) -> None:
    found = _citations(loaded_store, "高槻市", rule="citation.flow-without-basis")
    assert found and all(f.severity == "medium" for f in found)
    assert any("移転" in f.message_ja for f in found)


def test_crafted_flow_with_and_without_basis(tmp_path) -> None:
    d = crafted_assessment()
    add_flow(d, 1, "Provision", line=40)
    add_flow(d, 2, "Transfer", line=60, laws=(), recipient="市民課", recipient_kind="actor/OtherDepartment")
    add_flow(d, 3, "Entrustment", line=80, laws=(), contractor="株式会社試験", subcontracted=False)
    with load(tmp_path, d) as store:
        found = _citations(store, "試験市", rule="citation.flow-without-basis")
    assert [f.evidence[0].line_start for f in found] == [60]  # entrustments have no ①法令上の根拠
    assert found[0].details["recipient"] == "市民課"


def test_unparsed_citation_is_reported_raw(loaded_store) -> None:
    found = _citations(loaded_store, "高槻市", rule="citation.unparsed")
    assert found and all(f.severity == "info" for f in found)
    assert any("番号省令" in f.details["raw_citation"] for f in found)
    assert all(f.evidence for f in found)


def test_cli_check_citations(loaded_store_path) -> None:
    result = CliRunner().invoke(main, ["check", "citations", "--municipality", "飯塚市", "--store",
                                       loaded_store_path, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "citation.linkage-basis-unused" in result.output
    assert "shacl." not in result.output
