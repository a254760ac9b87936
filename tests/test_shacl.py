"""ontology/shapes.ttl validated with pyshacl on each document graph, results as findings with evidence."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from piagraph.analyse.findings import list_assessments
from piagraph.analyse.shacl import SHAPES_FILE, graph_from_store, results, shacl_findings, validate
from piagraph.select import Selection
from tests.findings_fixtures import add_flow, crafted_assessment, graph_of, load

PIA = "https://w3id.org/piagraph/ontology#"


def _rules(store, municipality: str) -> list[tuple[str, int]]:
    assessments = list_assessments(store, Selection(municipality=municipality))
    return sorted((f.rule, f.evidence[0].line_start if f.evidence else 0)
                  for f in shacl_findings(store, assessments))


def test_shapes_are_bilingual_core_shacl() -> None:
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    shaped = [s for s in shapes.subjects(SH.message, None)]
    assert shaped
    for shape in set(shaped):
        languages = {m.language for m in shapes.objects(shape, SH.message) if isinstance(m, Literal)}
        assert {"ja", "en"} <= languages, shape
    assert not list(shapes.subjects(RDF.type, SH.SPARQLConstraint))  # SHACL Core only


def test_complete_crafted_assessment_conforms(tmp_path) -> None:
    d = crafted_assessment()
    add_flow(d, 1, "Provision", line=20)
    add_flow(d, 2, "Entrustment", line=30, laws=(), contractor="株式会社試験", subcontracted=True)
    with load(tmp_path, d) as store:
        assert _rules(store, "試験市") == []


def test_missing_cover_facts(tmp_path) -> None:
    d = crafted_assessment(published=None, number="")
    log = crafted_assessment("log", published=None, number="", municipality="変更市", change_log_only=True)
    with load(tmp_path, d, log) as store:
        assert [r for r, _ in _rules(store, "試験市")] == ["shacl.AssessmentNumber", "shacl.AssessmentPublishedOn"]
        assert _rules(store, "変更市") == []  # a change log alone has no cover


def test_flow_requirements_with_lines(tmp_path) -> None:
    d = crafted_assessment()
    add_flow(d, 1, "Provision", line=20, methods=(), laws=())
    add_flow(d, 2, "Transfer", line=40, recipient=None)
    add_flow(d, 3, "Entrustment", line=60, laws=())  # no 委託先名, no 再委託の有無
    with load(tmp_path, d) as store:
        found = _rules(store, "試験市")
    assert found == [("shacl.EntrustmentContractor", 60), ("shacl.EntrustmentSubcontracted", 60),
                     ("shacl.ProvisionLegalBasis", 20), ("shacl.ProvisionMethod", 20),
                     ("shacl.ProvisionRecipient", 40)]


def test_evidence_requirements(tmp_path) -> None:
    d = crafted_assessment()
    d.add(f"{d.me} pia:usesSystem {d.node('system/1')} , {d.node('system/2')} .\n"
          f"{d.node('system/1')} a pia:System ; pia:name \"証拠なしシステム\" .\n"
          f"{d.node('system/2')} a pia:System ; pia:name \"行の壊れたシステム\" ; pia:evidence {d.node('ev/bad')} .\n"
          f"{d.node('ev/bad')} a pia:Evidence ; pia:sourceFile \"crafted-a.txt\" ; pia:lineStart 30 ; "
          "pia:lineEnd 20 ; pia:quote \"システム2\" .")
    with load(tmp_path, d) as store:
        assessments = list_assessments(store, Selection(municipality="試験市"))
        found = {f.rule: f for f in shacl_findings(store, assessments)}
    assert set(found) == {"shacl.NodeEvidence", "shacl.EvidenceLineStart"}
    assert found["shacl.NodeEvidence"].focus.endswith("/system/1")
    # A node without evidence is located by the node that names it (here the assessment's cover).
    assert found["shacl.NodeEvidence"].evidence[0].file == "crafted-a.txt"
    assert found["shacl.EvidenceLineStart"].evidence[0].line_start == 30
    assert found["shacl.EvidenceLineStart"].message_ja and found["shacl.EvidenceLineStart"].message_en


def test_graph_from_store_keeps_terms(tmp_path) -> None:
    d = crafted_assessment()
    add_flow(d, 1, "Provision", line=20)
    with load(tmp_path, d) as store:
        graph = graph_from_store(store, graph_of("a"))
    expected = Graph().parse(data=d.turtle(), format="turtle")
    assert len(graph) == len(expected)
    me = URIRef(f"{crafted_assessment().me[1:-1]}")
    assert graph.value(me, URIRef(PIA + "publishedOn")) == Literal("2025-01-10", datatype=XSD.date)
    assert graph.value(me, URIRef(PIA + "documentIndex")) == Literal(0)
    assert graph.value(me, URIRef(PIA + "municipality")) == Literal("試験市")
    flows = list(graph.objects(me, URIRef(PIA + "hasFlow")))
    assert graph.value(flows[0], URIRef(PIA + "carriesPersonalNumber")) == Literal(True)


def test_samples(loaded_store) -> None:
    everything = list_assessments(loaded_store, everything=True)
    found = shacl_findings(loaded_store, everything)
    by_rule: dict[str, set[str]] = {}
    for f in found:
        by_rule.setdefault(f.rule, set()).add(f.assessment.label)
        assert f.evidence and f.message_ja and f.message_en and f.severity in ("medium", "low", "info")
    # 高槻市's 住民基本台帳 drafts carry no 公表日; 熊谷市's change log has no cover at all.
    assert {"高槻市 全項目 No.1", "高槻市 基礎 No.1"} <= by_rule.get("shacl.AssessmentPublishedOn", set())
    assert not any(label.startswith("熊谷市") for rule, labels in by_rule.items()
                   if rule.startswith("shacl.Assessment") for label in labels)
    # Every extracted node of the samples has its evidence.
    assert "shacl.NodeEvidence" not in by_rule


def test_results_of_a_report_graph() -> None:
    data = Graph().parse(data="""
        @prefix pia: <https://w3id.org/piagraph/ontology#> .
        <https://x/f> a pia:Provision ; pia:carriesPersonalNumber true , false .
    """, format="turtle")
    found = results(validate(data))
    rules = sorted(r["rule"] for r in found)
    assert "shacl.FlowCarriesPersonalNumber" in rules and "shacl.ProvisionMethod" in rules
    assert all(r["message_ja"] and r["message_en"] for r in found)
