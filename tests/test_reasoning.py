"""OWL reasoning (owlready2 + HermiT): the ontology is consistent with every sample, the defined classes
are inferred and written to the inferred graph, and an inconsistent graph is a finding, not a crash.

HermiT runs twice in this file (all samples; one crafted inconsistent graph); the rest needs no Java.
"""

from __future__ import annotations

import shutil

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from piagraph.analyse import reasoning
from piagraph.analyse.findings import check
from piagraph.analyse.reasoning import (
    INFERRED_GRAPH,
    defined_classes,
    diagnose,
    memberships_of,
    reason,
    reasoner_input,
    write_inferred,
)
from piagraph.analyse.shacl import graph_from_store, ontology_graph
from piagraph.select import Selection
from piagraph.store import EmbeddedStore
from tests.findings_fixtures import add_flow, crafted_assessment, graph_of, load

PIA = "https://w3id.org/piagraph/ontology#"
needs_java = pytest.mark.skipif(not reasoning.java_available(),
                                reason="Java is not installed: HermiT cannot run (install default-jre-headless)")


def test_defined_classes() -> None:
    names = {c.rsplit("#", 1)[-1] for c in defined_classes()}
    assert {"PersonalNumberFlow", "SubcontractedEntrustment", "ExternalParty", "ExternalPersonalNumberFlow"} <= names


def test_external_flow_is_defined_without_nominals() -> None:
    onto = ontology_graph()
    definition = onto.value(URIRef(PIA + "ExternalPersonalNumberFlow"), OWL.equivalentClass)
    members = list(onto.items(onto.value(definition, OWL.intersectionOf)))
    assert URIRef(PIA + "PersonalNumberFlow") in members
    restriction = next(m for m in members if m != URIRef(PIA + "PersonalNumberFlow"))
    assert onto.value(restriction, OWL.onProperty) == URIRef(PIA + "recipient")
    assert onto.value(restriction, OWL.someValuesFrom) == URIRef(PIA + "ExternalParty")
    external = set(onto.subjects(RDF.type, URIRef(PIA + "ExternalKind")))
    assert URIRef("https://w3id.org/piagraph/kinds/system/InformationProvisionNetwork") in external
    assert URIRef("https://w3id.org/piagraph/kinds/actor/PrefecturalGovernor") in external
    assert URIRef("https://w3id.org/piagraph/kinds/actor/OtherDepartment") not in external
    assert not list(onto.subjects(OWL.hasValue, URIRef("https://w3id.org/piagraph/kinds/system/VRS")))


def test_reasoner_input_leaves_out_evidence_and_texts(tmp_path) -> None:
    d = crafted_assessment()
    add_flow(d, 1, "Provision", line=20)
    with load(tmp_path, d) as store:
        data = graph_from_store(store, graph_of("a"))
    reduced = reasoner_input(data)
    assert not list(reduced.subjects(RDF.type, URIRef(PIA + "Evidence")))
    assert not list(reduced.triples((None, URIRef(PIA + "evidence"), None)))
    texts = {o for o in reduced.objects() if isinstance(o, Literal) and o.datatype is None}
    assert texts == {Literal("")}
    assert Literal(True) in set(reduced.objects(None, URIRef(PIA + "carriesPersonalNumber")))


def test_diagnose_names_the_contradictions() -> None:
    data = Graph().parse(data="""
        @prefix pia: <https://w3id.org/piagraph/ontology#> .
        <https://x/f1> a pia:Provision , pia:Transfer .
        <https://x/f2> a pia:Acquisition ; pia:carriesPersonalNumber true , false .
        <https://x/a> a pia:FullAssessment , pia:BasicAssessment .
        <https://x/ok> a pia:Provision , pia:Flow ; pia:carriesPersonalNumber true .
    """, format="turtle")
    found = {(node.rsplit("/", 1)[-1], rule) for node, rule, _, _ in diagnose(data, ontology_graph())}
    assert found == {("f1", "owl.disjoint-types"), ("f2", "owl.functional-conflict"), ("a", "owl.disjoint-types")}


def test_write_inferred_full_and_partial(tmp_path) -> None:
    a, b = crafted_assessment("a"), crafted_assessment("b", municipality="比較市")
    flow_a = add_flow(a, 1, "Provision", line=20)[1:-1]
    flow_b = add_flow(b, 1, "Provision", line=20)[1:-1]
    pnf = PIA + "PersonalNumberFlow"
    with load(tmp_path, a, b) as store:
        write_inferred(store, {pnf: {flow_a, flow_b}})
        assert memberships_of(store, [pnf])[pnf] == {flow_a, flow_b}
        write_inferred(store, {pnf: set()}, [graph_of("a")])  # re-reasoned document a: nothing left
        assert memberships_of(store, [pnf])[pnf] == {flow_b}
        stats_graphs = store.select("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?d "
                                    f"<{PIA}sourceDocument> ?f }} }}").rows[0]["n"]
        assert stats_graphs == 2  # the inferred graph is not a document


def test_without_java_the_step_is_skipped(loaded_store, monkeypatch) -> None:
    monkeypatch.setattr(reasoning, "java_available", lambda: False)
    result = reason(loaded_store)
    assert not result.summary.ran and "Java" in result.summary.message
    report = check(loaded_store, Selection(municipality="飯塚市"), scope="reasoning")
    assert report.reasoning is not None and not report.reasoning.ran
    assert any("Java" in note for note in report.notes)


@pytest.mark.slow
@needs_java
def test_hermit_on_all_samples_infers_and_writes(loaded_store_path, tmp_path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(loaded_store_path, copy)
    with EmbeddedStore(copy) as store:
        result = reason(store, write=True)
        stored = memberships_of(store, defined_classes())
        subcontracted = {str(r["f"]) for r in store.select(
            f"SELECT ?f WHERE {{ GRAPH ?g {{ ?f a <{PIA}Entrustment> ; <{PIA}subcontracted> true }} }}").rows}
        iizuka_to_prefecture = {str(r["f"]) for r in store.select(
            f"""SELECT ?f WHERE {{ GRAPH ?g {{ ?a <{PIA}municipality> "飯塚市" ; <{PIA}hasFlow> ?f .
                ?f a <{PIA}Provision> ; <{PIA}carriesPersonalNumber> true ; <{PIA}recipient>/<{PIA}name> ?n .
                FILTER(CONTAINS(?n, "都道府県知事")) }} }}""").rows}
    assert result.summary.ran and result.summary.consistent is True, result.summary.message
    assert result.summary.seconds < 120, f"HermiT on all samples took {result.summary.seconds} s"
    assert result.summary.written_graph == INFERRED_GRAPH
    by_name = {c.rsplit("#", 1)[-1]: members for c, members in stored.items()}
    # Inferred, not hand-listed: every 再委託 entrustment, and only those.
    assert by_name["SubcontractedEntrustment"] == subcontracted and subcontracted
    assert iizuka_to_prefecture and iizuka_to_prefecture <= by_name["ExternalPersonalNumberFlow"]
    assert by_name["ExternalPersonalNumberFlow"] <= by_name["PersonalNumberFlow"]
    assert by_name["ExternalParty"]


@pytest.mark.slow
@needs_java
def test_inconsistent_graph_is_a_finding(tmp_path) -> None:
    d = crafted_assessment()
    both = add_flow(d, 1, "Provision", line=20)
    d.add(f"{both} a <{PIA}Transfer> .")  # Provision and Transfer are disjoint
    twice = add_flow(d, 2, "Provision", line=40)
    d.add(f"{twice} <{PIA}carriesPersonalNumber> false .")  # functional: true and false
    with load(tmp_path, d) as store:
        report = check(store, Selection(municipality="試験市"), scope="reasoning")
    assert report.reasoning is not None and report.reasoning.ran and report.reasoning.consistent is False
    rules = {(f.rule, f.evidence[0].line_start if f.evidence else None) for f in report.findings}
    assert ("owl.disjoint-types", 20) in rules and ("owl.functional-conflict", 40) in rules
    assert any(f.rule == "owl.inconsistent" and f.severity == "high" for f in report.findings)
    assert all(f.severity == "high" for f in report.findings)
