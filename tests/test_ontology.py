"""ontology/piagraph.ttl and ontology/kinds.ttl: the vocabulary contract of DESIGN.md §4.

Checks that every contract term exists with the right OWL type, labels (ja + en), comment,
domain and range; that the ontology is OWL 2 DL without punning, loads in owlready2 and is
consistent for HermiT (when Java is present); and that kinds.ttl is well-formed SKOS.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from piagraph.normalize.kinds import OTHER_KEYS, normalize_label
from piagraph.paths import ONTOLOGY_DIR, PROJECT_ROOT

PIA = Namespace("https://w3id.org/piagraph/ontology#")
DPV = Namespace("https://w3id.org/dpv#")
PROV = Namespace("http://www.w3.org/ns/prov#")
KINDS = "https://w3id.org/piagraph/kinds/"
ONTOLOGY_IRI = URIRef("https://w3id.org/piagraph/ontology")

# ---- The contract: DESIGN.md §4 -------------------------------------------------------------
CONTRACT_CLASSES = [
    "Assessment", "BasicAssessment", "FocusedAssessment", "FullAssessment", "CouncilReview",
    "EvaluatingBody", "Affair", "System", "PersonalInfoFile", "RecordItem", "Flow", "Acquisition",
    "Entrustment", "Provision", "Transfer", "FlowStep", "LegalProvision", "Change", "Evidence",
]
CONTRACT_OBJECT_PROPERTIES = [
    "evaluatingBody", "affair", "usesSystem", "hasFile", "hasFlow", "hasChange",  # Assessment
    "systemKind", "connectsTo",  # System
    "recordItem",  # PersonalInfoFile
    "source", "recipient", "method", "legalBasis",  # Flow
    "evidence",  # every node
]
CONTRACT_DATATYPE_PROPERTIES = [
    "municipality", "assessmentNumber", "title", "publishedOn", "formVersion",  # Assessment
    "name",  # System, PersonalInfoFile, RecordItem, flow ends
    "carriesPersonalNumber", "information", "purpose", "frequency", "stepNumber",  # Flow
    "contractor", "subcontracted",  # Entrustment
    "citation", "rawCitation",  # LegalProvision
    "changedOn", "changedItem", "before", "after", "submissionTiming",  # Change
    "sourceFile", "lineStart", "lineEnd", "quote",  # Evidence
]
# ---- Terms the rest of the project relies on (the issue for the ontology) -------------------
EXTRA_CLASSES = ["Actor", "Department", "Contact", "Risk", "Incident", "Warning",
                 "PersonalNumberFlow", "SubcontractedEntrustment"]
EXTRA_OBJECT_PROPERTIES = [
    "actorKind", "affects", "hasRisk", "hasIncident", "reviewsAssessment", "provisionBasis",
    "inquiryBasis", "personalNumberUseBasis", "currentProvision", "warning", "ownEvidence",
]
EXTRA_DATATYPE_PROPERTIES = [
    "kind", "formStamp", "affairName", "department", "function", "connectionLabel", "subjectCount",
    "subjectScope", "recordItemCountBand", "holdingStartDate", "usePurpose", "useDepartment", "userCount",
    "handlerCount", "subcontractItems", "businessSection", "inferredActor", "rawText", "sourceDocument",
    "documentIndex", "contentHash", "ordinal", "explanation", "changeCategory", "itemPath",
    "incidentOccurred", "council", "decision", "ordinanceBasis", "thresholdResult", "publicComment",
    "thirdPartyReview", "basicAssessmentDate", "informationLinkage", "lawId", "article", "paragraph",
    "itemNumber", "tableName", "tableRow", "inForceFrom", "inForceUntil", "message", "warningLine", "riskName", "rating",
    "graphFormat",
]
EXPECTED_DATATYPES = {
    "publishedOn": XSD.date, "changedOn": XSD.date, "holdingStartDate": XSD.date,
    "basicAssessmentDate": XSD.date, "inForceFrom": XSD.date, "inForceUntil": XSD.date,
    "carriesPersonalNumber": XSD.boolean, "subcontracted": XSD.boolean, "inferredActor": XSD.boolean,
    "incidentOccurred": XSD.boolean,
    "lineStart": XSD.integer, "lineEnd": XSD.integer, "stepNumber": XSD.integer,
    "documentIndex": XSD.integer, "ordinal": XSD.integer, "warningLine": XSD.integer,
    "graphFormat": XSD.integer,
}
EXPECTED_RANGES = {
    "evaluatingBody": PIA.EvaluatingBody, "affair": PIA.Affair, "usesSystem": PIA.System,
    "hasFile": PIA.PersonalInfoFile, "hasFlow": PIA.Flow, "hasChange": PIA.Change,
    "systemKind": SKOS.Concept, "actorKind": SKOS.Concept, "method": SKOS.Concept,
    "connectsTo": PIA.System, "recordItem": PIA.RecordItem, "legalBasis": PIA.LegalProvision,
    "evidence": PIA.Evidence, "provisionBasis": PIA.LegalProvision, "inquiryBasis": PIA.LegalProvision,
    "personalNumberUseBasis": PIA.LegalProvision, "currentProvision": PIA.LegalProvision,
    "warning": PIA.Warning, "hasRisk": PIA.Risk, "hasIncident": PIA.Incident,
}
FLOW_SUBCLASSES = ["Acquisition", "Entrustment", "Provision", "Transfer", "FlowStep"]
ASSESSMENT_SUBCLASSES = ["BasicAssessment", "FocusedAssessment", "FullAssessment"]

REQUIRED_KIND_KEYS = {
    "system": ["InformationProvisionNetwork", "IntermediateServer", "JukiNet", "IntegratedAddressee", "VRS",
               "ResidentRegistry", "InternalLinkage", "Tax", "GovernmentCloud", "LGWAN",
               "CertificateIssuance", "BusinessSystem", "other"],
    "actor": ["Resident", "OtherDepartment", "MunicipalityHead", "PrefecturalGovernor", "NationalAgency",
              "LocalGovernment", "MedicalInstitution", "Contractor", "Council", "other"],
    "method": ["Paper", "ElectronicMedia", "FlashMemory", "Email", "LeasedLine", "InternalLinkageSystem",
               "InformationProvisionNetwork", "Other"],
}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "piagraph.ttl", format="turtle")


@pytest.fixture(scope="module")
def kinds() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "kinds.ttl", format="turtle")


def _labels(g: Graph, term: URIRef) -> dict[str | None, str]:
    return {lit.language: str(lit) for lit in g.objects(term, RDFS.label) if isinstance(lit, Literal)}


def _union_members(g: Graph, node: URIRef | BNode) -> set[URIRef]:
    """The named classes of a class expression: itself, or the members of its owl:unionOf."""
    if isinstance(node, URIRef):
        return {node}
    members: set[URIRef] = set()
    for lst in g.objects(node, OWL.unionOf):
        members.update(m for m in g.items(lst) if isinstance(m, URIRef))
    return members


# ---- piagraph.ttl ---------------------------------------------------------------------------


def test_ontology_header(onto: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY_IRI, OWL.versionInfo) is not None


@pytest.mark.parametrize("local", CONTRACT_CLASSES + EXTRA_CLASSES)
def test_class_declared_with_labels(onto: Graph, local: str) -> None:
    term = PIA[local]
    assert (term, RDF.type, OWL.Class) in onto, f"pia:{local} is not an owl:Class"
    labels = _labels(onto, term)
    assert labels.get("ja") and labels.get("en"), f"pia:{local} needs rdfs:label @ja and @en: {labels}"
    assert onto.value(term, RDFS.comment) is not None, f"pia:{local} has no rdfs:comment"


@pytest.mark.parametrize(
    ("local", "owl_type"),
    [(p, OWL.ObjectProperty) for p in CONTRACT_OBJECT_PROPERTIES + EXTRA_OBJECT_PROPERTIES]
    + [(p, OWL.DatatypeProperty) for p in CONTRACT_DATATYPE_PROPERTIES + EXTRA_DATATYPE_PROPERTIES],
)
def test_property_declared(onto: Graph, local: str, owl_type: URIRef) -> None:
    term = PIA[local]
    assert (term, RDF.type, owl_type) in onto, f"pia:{local} must be a {owl_type}"
    labels = _labels(onto, term)
    assert labels.get("ja") and labels.get("en"), f"pia:{local} needs rdfs:label @ja and @en: {labels}"
    assert onto.value(term, RDFS.comment) is not None, f"pia:{local} has no rdfs:comment"
    assert onto.value(term, RDFS.domain) is not None, f"pia:{local} has no rdfs:domain"
    rng = onto.value(term, RDFS.range)
    assert rng is not None, f"pia:{local} has no rdfs:range"
    if owl_type == OWL.DatatypeProperty:
        assert isinstance(rng, URIRef) and (rng.startswith(str(XSD)) or rng == RDFS.Literal), (local, rng)


@pytest.mark.parametrize(("local", "datatype"), sorted(EXPECTED_DATATYPES.items()))
def test_datatype_ranges(onto: Graph, local: str, datatype: URIRef) -> None:
    assert onto.value(PIA[local], RDFS.range) == datatype


@pytest.mark.parametrize(("local", "cls"), sorted(EXPECTED_RANGES.items()))
def test_object_ranges(onto: Graph, local: str, cls: URIRef) -> None:
    assert onto.value(PIA[local], RDFS.range) == cls


def test_contract_domains(onto: Graph) -> None:
    def domain(local: str) -> set[URIRef]:
        return _union_members(onto, onto.value(PIA[local], RDFS.domain))

    for local in ("evaluatingBody", "assessmentNumber", "publishedOn", "formVersion", "hasFile", "hasChange"):
        assert PIA.Assessment in domain(local), local
    for local in ("source", "recipient", "method", "legalBasis", "carriesPersonalNumber", "information",
                  "purpose", "frequency"):
        assert PIA.Flow in domain(local), local
    assert domain("stepNumber") == {PIA.FlowStep}
    assert PIA.Entrustment in domain("contractor") and domain("subcontracted") == {PIA.Entrustment}
    assert {PIA.System, PIA.PersonalInfoFile, PIA.RecordItem, PIA.Actor} <= domain("name")
    for local in ("changedOn", "changedItem", "before", "after", "submissionTiming"):
        assert domain(local) == {PIA.Change}, local
    for local in ("citation", "rawCitation"):
        assert domain(local) == {PIA.LegalProvision}, local
    for local in ("sourceFile", "quote"):
        assert domain(local) == {PIA.Evidence}, local
    for end in ("source", "recipient"):
        assert _union_members(onto, onto.value(PIA[end], RDFS.range)) == {PIA.System, PIA.Actor}


def test_subclass_structure(onto: Graph) -> None:
    for local in ASSESSMENT_SUBCLASSES:
        assert (PIA[local], RDFS.subClassOf, PIA.Assessment) in onto
    for local in FLOW_SUBCLASSES:
        assert (PIA[local], RDFS.subClassOf, PIA.Flow) in onto
    assert (PIA.EvaluatingBody, RDFS.subClassOf, PIA.Actor) in onto
    assert (PIA.Department, RDFS.subClassOf, PIA.Actor) in onto


def test_alignment_with_dpv_and_prov(onto: Graph) -> None:
    assert (PIA.recipient, RDFS.subPropertyOf, DPV.hasRecipient) in onto
    assert (PIA.legalBasis, RDFS.subPropertyOf, DPV.hasLegalBasis) in onto
    assert (PIA.evidence, RDFS.subPropertyOf, PROV.wasDerivedFrom) in onto
    assert (PIA.Evidence, RDFS.subClassOf, PROV.Entity) in onto
    assert (PIA.Flow, RDFS.subClassOf, DPV.Processing) in onto
    # External terms are declared (self-contained file, nothing imported).
    assert not list(onto.objects(ONTOLOGY_IRI, OWL.imports))
    for external in (DPV.hasRecipient, DPV.hasLegalBasis, PROV.wasDerivedFrom):
        assert (external, RDF.type, OWL.ObjectProperty) in onto, external
    for external in (PROV.Entity, DPV.Processing, SKOS.Concept):
        assert (external, RDF.type, OWL.Class) in onto, external


def test_defined_classes(onto: Graph) -> None:
    for defined, base, prop in ((PIA.PersonalNumberFlow, PIA.Flow, PIA.carriesPersonalNumber),
                                (PIA.SubcontractedEntrustment, PIA.Entrustment, PIA.subcontracted)):
        equivalent = onto.value(defined, OWL.equivalentClass)
        assert equivalent is not None, defined
        members = list(onto.items(onto.value(equivalent, OWL.intersectionOf)))
        assert base in members
        restriction = next(m for m in members if isinstance(m, BNode))
        assert onto.value(restriction, OWL.onProperty) == prop
        assert onto.value(restriction, OWL.hasValue) == Literal(True)


def test_punning_free_and_closed(onto: Graph) -> None:
    """Each pia: IRI has exactly one kind; every pia: IRI used anywhere is declared."""
    kinds_of_term = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                     OWL.NamedIndividual, RDFS.Datatype)
    used = {t for triple in onto for t in triple if isinstance(t, URIRef) and t.startswith(str(PIA))}
    problems = []
    for term in sorted(used):
        kinds = {k for k in kinds_of_term if (term, RDF.type, k) in onto}
        if len(kinds) != 1:
            problems.append(f"{term}: {sorted(kinds)}")
    assert not problems, "terms undeclared or punned:\n" + "\n".join(problems)
    # No external IRI may be both an object and a datatype property either.
    both = set(onto.subjects(RDF.type, OWL.ObjectProperty)) & set(onto.subjects(RDF.type, OWL.DatatypeProperty))
    assert not both


def test_terms_used_by_the_code_are_declared(onto: Graph) -> None:
    """pia: terms spelled in piagraph/*.py (pia("x"), typed(..., "X")) and queries/*.rq exist."""
    declared = {str(t)[len(str(PIA)):] for t in onto.subjects() if str(t).startswith(str(PIA))}
    used: dict[str, set[str]] = {}
    sources = list((PROJECT_ROOT / "piagraph").rglob("*.py")) + list((PROJECT_ROOT / "queries").glob("*.rq"))
    for path in sources:
        text = path.read_text(encoding="utf-8")
        names = set(re.findall(r'\bpia\("([A-Za-z][A-Za-z0-9]*)"\)', text))
        names |= set(re.findall(r"\bpia:([A-Za-z][A-Za-z0-9]*)", text))
        for call in re.findall(r"\btyped\(([^()]*)\)", text):
            names |= set(re.findall(r'"([A-Z][A-Za-z0-9]*)"', call))
        for name in names - declared:
            used.setdefault(name, set()).add(str(path.relative_to(PROJECT_ROOT)))
    assert not used, f"pia: terms used but not declared in ontology/piagraph.ttl: {used}"


def _write_ntriples(graph: Graph, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "piagraph.nt"
    graph.serialize(destination=str(path), format="nt", encoding="utf-8")
    return path


def test_loads_in_owlready2(onto: Graph, tmp_path: Path) -> None:
    owlready2 = pytest.importorskip("owlready2")
    world = owlready2.World()
    loaded = world.get_ontology(_write_ntriples(onto, tmp_path).as_uri()).load()
    by_iri = {c.iri for c in loaded.classes()}
    assert {str(PIA[c]) for c in CONTRACT_CLASSES + EXTRA_CLASSES} <= by_iri
    object_props = {p.iri for p in loaded.object_properties()}
    data_props = {p.iri for p in loaded.data_properties()}
    assert {str(PIA[p]) for p in CONTRACT_OBJECT_PROPERTIES + EXTRA_OBJECT_PROPERTIES} <= object_props
    assert {str(PIA[p]) for p in CONTRACT_DATATYPE_PROPERTIES + EXTRA_DATATYPE_PROPERTIES} <= data_props
    assert not object_props & data_props


EX = Namespace("https://example.org/piagraph-test/")


def _reason(graph: Graph, folder: Path) -> Any:
    """Load into a fresh owlready2 World, run HermiT and return the World.

    xsd:date is not in the OWL 2 datatype map, so HermiT needs ``ignore_unsupported_datatypes``
    (dates are then opaque values; everything else is reasoned over).
    """
    import owlready2

    world = owlready2.World()
    world.get_ontology(_write_ntriples(graph, folder).as_uri()).load()
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                   ignore_unsupported_datatypes=True)
    return world


@pytest.mark.skipif(shutil.which("java") is None,
                    reason="Java is not installed: HermiT (owlready2's reasoner) cannot run; "
                           "install default-jre-headless to check consistency")
def test_hermit_consistent_and_classifies(onto: Graph, tmp_path: Path) -> None:
    pytest.importorskip("owlready2")
    world = _reason(onto, tmp_path / "tbox")  # the ontology alone
    assert list(world.inconsistent_classes()) == []

    data = Graph()
    data += onto
    data.add((EX.f1, RDF.type, PIA.Acquisition))
    data.add((EX.f1, PIA.carriesPersonalNumber, Literal(True)))
    data.add((EX.f2, RDF.type, PIA.Provision))
    data.add((EX.f2, PIA.carriesPersonalNumber, Literal(False)))
    data.add((EX.e1, RDF.type, PIA.Entrustment))
    data.add((EX.e1, PIA.subcontracted, Literal(True)))
    data.add((EX.a1, RDF.type, PIA.FullAssessment))
    data.add((EX.a1, PIA.publishedOn, Literal("2025-01-10", datatype=XSD.date)))
    data.add((EX.a1, PIA.hasFlow, EX.f1))
    world = _reason(data, tmp_path / "abox")
    assert world[str(PIA.PersonalNumberFlow)] in world[str(EX.f1)].INDIRECT_is_a
    assert world[str(PIA.PersonalNumberFlow)] not in world[str(EX.f2)].INDIRECT_is_a
    assert world[str(PIA.SubcontractedEntrustment)] in world[str(EX.e1)].INDIRECT_is_a


@pytest.mark.skipif(shutil.which("java") is None, reason="Java is not installed: HermiT cannot run")
def test_hermit_detects_contradictions(onto: Graph, tmp_path: Path) -> None:
    owlready2 = pytest.importorskip("owlready2")
    data = Graph()
    data += onto
    data.add((EX.f1, RDF.type, PIA.Acquisition))
    data.add((EX.f1, RDF.type, PIA.Provision))  # the flow kinds are disjoint
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _reason(data, tmp_path)


# ---- kinds.ttl ------------------------------------------------------------------------------


def test_kinds_concepts_well_formed(kinds: Graph) -> None:
    schemes = set(kinds.subjects(RDF.type, SKOS.ConceptScheme))
    assert {URIRef(KINDS + s) for s in ("system", "actor", "method")} <= schemes
    concepts = set(kinds.subjects(RDF.type, SKOS.Concept))
    assert concepts
    for concept in concepts:
        prefs = {lit.language: str(lit) for lit in kinds.objects(concept, SKOS.prefLabel)}
        assert prefs.get("ja"), f"{concept} has no prefLabel@ja"
        assert prefs.get("en"), f"{concept} has no prefLabel@en"
        in_schemes = set(kinds.objects(concept, SKOS.inScheme))
        assert len(in_schemes) == 1 and in_schemes <= schemes, concept
        scheme = next(iter(in_schemes))
        assert str(concept).startswith(str(scheme) + "/"), concept
        assert str(kinds.value(concept, SKOS.notation)) == str(concept).rsplit("/", 1)[-1]
        top = (concept, SKOS.topConceptOf, scheme) in kinds
        broader = kinds.value(concept, SKOS.broader)
        assert top != (broader is not None), f"{concept}: top concept xor broader concept"
        if top:
            assert (scheme, SKOS.hasTopConcept, concept) in kinds


@pytest.mark.parametrize("scheme", sorted(REQUIRED_KIND_KEYS))
def test_kinds_required_keys(kinds: Graph, scheme: str) -> None:
    for key in REQUIRED_KIND_KEYS[scheme]:
        assert (URIRef(f"{KINDS}{scheme}/{key}"), RDF.type, SKOS.Concept) in kinds, f"{scheme}/{key}"
    assert OTHER_KEYS[scheme] in REQUIRED_KIND_KEYS[scheme]


@pytest.mark.parametrize("scheme", sorted(REQUIRED_KIND_KEYS))
def test_kinds_labels_unambiguous(kinds: Graph, scheme: str) -> None:
    """After normalisation no label may name two concepts of the same scheme."""
    owner: dict[str, URIRef] = {}
    clashes = []
    for concept in kinds.subjects(SKOS.inScheme, URIRef(KINDS + scheme)):
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for label in kinds.objects(concept, prop):
                key = normalize_label(str(label))
                if key in owner and owner[key] != concept:
                    clashes.append(f"{label}: {owner[key]} / {concept}")
                owner.setdefault(key, concept)
    assert not clashes, clashes
