"""OWL 2 reasoning with HermiT (owlready2): consistency of the data with the ontology, and the
memberships of the defined classes (PersonalNumberFlow, SubcontractedEntrustment, ExternalParty,
ExternalPersonalNumberFlow …) inferred rather than hand-listed.

The document graphs are read from the store, written as N-Triples with the ontology into a temporary
folder and loaded into a fresh owlready2 World. What HermiT sees is the part of the graph that the
ontology gives meaning to: rdf:type and the statements of declared properties. The provenance layer
(Evidence nodes, checked by the SHACL shapes instead) is left out, and text values are replaced by one
empty string (no axiom depends on a text value; a text property still types its subject through its
domain). That keeps HermiT on all samples within seconds rather than minutes.

The inferred memberships are written to the named graph https://w3id.org/piagraph/graph/inferred.
An inconsistent graph is a finding (with the nodes that cause it, where a cheap diagnosis finds them),
not a crash; without Java the step is skipped with an explicit message.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from piagraph.analyse.findings import AssessmentRef, Finding, ReasoningSummary, node_evidence
from piagraph.analyse.shacl import graph_from_store, ontology_graph
from piagraph.store.base import GraphUpload, Store
from piagraph.terms import GRAPH, PIA, iri

INFERRED_GRAPH = f"{GRAPH}inferred"
_DOCUMENT_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d <%ssourceDocument> ?f } }" % PIA
_EMPTY = Literal("")
_MAX_LOCALISE = 12  # documents reasoned one by one to find the inconsistent ones


@dataclass
class ReasoningResult:
    summary: ReasoningSummary
    findings: list[Finding] = field(default_factory=list)
    memberships: dict[str, set[str]] = field(default_factory=dict)  # defined class IRI -> individuals


def java_available() -> bool:
    try:
        import owlready2
    except ImportError:
        return False
    return shutil.which(owlready2.JAVA_EXE) is not None or Path(owlready2.JAVA_EXE).is_file()


def defined_classes(ontology: Graph | None = None) -> list[str]:
    """IRIs of the ontology's defined classes (pia: classes with an owl:equivalentClass)."""
    onto = ontology if ontology is not None else ontology_graph()
    return sorted({str(c) for c in onto.subjects(OWL.equivalentClass, None)
                   if isinstance(c, URIRef) and str(c).startswith(PIA)})


def reasoner_input(data: Graph, ontology: Graph | None = None) -> Graph:
    """The statements HermiT reasons over: types and declared properties; no Evidence layer; texts
    replaced by one empty string."""
    onto = ontology if ontology is not None else ontology_graph()
    declared = {p for kind in (OWL.ObjectProperty, OWL.DatatypeProperty) for p in onto.subjects(RDF.type, kind)}
    evidence = set(data.subjects(RDF.type, URIRef(f"{PIA}Evidence"))) | set(
        data.objects(None, URIRef(f"{PIA}evidence")))
    out = Graph()
    for s, p, o in data:
        if s in evidence or o in evidence or (p != RDF.type and p not in declared):
            continue
        if isinstance(o, Literal) and (o.datatype in (None, XSD.string) or o.language):
            o = _EMPTY
        out.add((s, p, o))
    return out


def _hermit(data: Graph, ontology: Graph, folder: Path, classes: Sequence[str]) -> dict[str, set[str]]:
    """Run HermiT on ontology + data; memberships of ``classes``. Raises OwlReadyInconsistentOntologyError."""
    import owlready2

    onto_file, data_file = folder / "ontology.nt", folder / "data.nt"
    ontology.serialize(destination=str(onto_file), format="nt", encoding="utf-8")
    data.serialize(destination=str(data_file), format="nt", encoding="utf-8")
    world = owlready2.World()
    try:
        world.get_ontology(onto_file.as_uri()).load()
        world.get_ontology(data_file.as_uri()).load()
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                       ignore_unsupported_datatypes=True)
        out: dict[str, set[str]] = {}
        for cls_iri in classes:
            cls = world[cls_iri]
            out[cls_iri] = {i.iri for i in cls.instances()} if cls is not None else set()
        return out
    finally:
        world.close()


def _document_graphs(store: Store) -> list[str]:
    return sorted(str(r["g"]) for r in store.select(_DOCUMENT_GRAPHS).rows)


def reason(store: Store, graphs: Sequence[str] | None = None, *, write: bool = False,
           assessments: Sequence[AssessmentRef] = ()) -> ReasoningResult:
    """Check consistency of ``graphs`` (default: every document graph) with the ontology and infer the
    defined classes; ``write`` stores the memberships in the inferred graph."""
    started = time.monotonic()
    if not java_available():
        return ReasoningResult(ReasoningSummary(
            ran=False, message="OWL reasoning skipped: Java is not installed (HermiT needs it; "
                               "scripts/install-system-deps.sh installs default-jre-headless)."))
    import owlready2

    everything = graphs is None
    graph_list = _document_graphs(store) if graphs is None else list(dict.fromkeys(graphs))
    per_graph = {g: graph_from_store(store, g) for g in graph_list}
    data = Graph()
    for g in per_graph.values():
        data += g
    ontology = ontology_graph()
    classes = defined_classes(ontology)
    result = ReasoningResult(ReasoningSummary(ran=True))
    with tempfile.TemporaryDirectory(prefix="piagraph-hermit-") as tmp:
        try:
            memberships = _hermit(reasoner_input(data, ontology), ontology, Path(tmp), classes)
        except owlready2.OwlReadyInconsistentOntologyError:
            result.summary.consistent = False
            result.findings = _inconsistency_findings(store, per_graph, ontology, assessments, Path(tmp))
            result.summary.message = (f"the data of {len(graph_list)} document(s) is INCONSISTENT with the "
                                      "ontology; no memberships inferred")
        except owlready2.OwlReadyJavaError as exc:
            result.summary.ran = False
            result.summary.message = f"OWL reasoning failed (HermiT/Java error): {str(exc).strip()[:300]}"
        else:
            result.summary.consistent = True
            result.memberships = memberships
            result.summary.memberships = {c.rsplit("#", 1)[-1]: len(m) for c, m in memberships.items()}
            result.summary.message = (f"{len(graph_list)} document(s) consistent with the ontology; inferred: "
                                      + ", ".join(f"{k} {v}" for k, v in result.summary.memberships.items()))
            if write:
                write_inferred(store, memberships, None if everything else graph_list)
                result.summary.written_graph = INFERRED_GRAPH
    result.summary.seconds = round(time.monotonic() - started, 1)
    return result


def inferred_ntriples(memberships: dict[str, set[str]]) -> str:
    return "".join(f"{iri(i)} <{RDF.type}> {iri(c)} .\n"
                   for c, individuals in sorted(memberships.items()) for i in sorted(individuals)
                   if not i.startswith("_:"))


def write_inferred(store: Store, memberships: dict[str, set[str]], graphs: Sequence[str] | None = None) -> None:
    """Write memberships to the inferred graph: replace it whole, or (``graphs`` given) replace only the
    statements about nodes of those document graphs."""
    nt = inferred_ntriples(memberships)
    if graphs is None:
        store.replace_source("piagraph:inferred", [GraphUpload(INFERRED_GRAPH, nt)])
        return
    parts = [
        f"DELETE {{ GRAPH {iri(INFERRED_GRAPH)} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {iri(INFERRED_GRAPH)} "
        f"{{ ?s ?p ?o }} GRAPH {iri(g)} {{ ?s ?anyP ?anyO }} }}" for g in graphs]
    if nt:
        parts.append(f"INSERT DATA {{ GRAPH {iri(INFERRED_GRAPH)} {{\n{nt}}} }}")
    store.update(" ;\n".join(parts))


# -- explaining an inconsistency -------------------------------------------------------------------


def _disjoint_sets(ontology: Graph) -> list[set[URIRef]]:
    sets: list[set[URIRef]] = []
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = ontology.value(node, OWL.members)
        if members is not None:
            sets.append({m for m in ontology.items(members) if isinstance(m, URIRef)})
    for a, b in ontology.subject_objects(OWL.disjointWith):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            sets.append({a, b})
    return sets


def _superclasses(ontology: Graph) -> dict[URIRef, set[URIRef]]:
    """Named superclasses of each named class (reflexive, transitive over rdfs:subClassOf)."""
    direct: dict[URIRef, set[URIRef]] = {}
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            direct.setdefault(sub, set()).add(sup)
    closed: dict[URIRef, set[URIRef]] = {}
    for cls in {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)} | set(direct):
        seen, todo = {cls}, [cls]
        while todo:
            for sup in direct.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        closed[cls] = seen
    return closed


def diagnose(data: Graph, ontology: Graph) -> list[tuple[str, str, str, str]]:
    """Cheap causes of inconsistency: (node, rule, message_ja, message_en) for nodes typed with two
    disjoint classes and functional properties with two different values."""
    found: list[tuple[str, str, str, str]] = []
    supers = _superclasses(ontology)
    disjoint = _disjoint_sets(ontology)
    for node in set(data.subjects(RDF.type, None)):
        types: set[URIRef] = set()
        for t in data.objects(node, RDF.type):
            if isinstance(t, URIRef):
                types |= supers.get(t, {t})
        for group in disjoint:
            clash = sorted(str(c).rsplit("#", 1)[-1] for c in types & group)
            if len(clash) > 1:
                names = " / ".join(clash)
                found.append((str(node), "owl.disjoint-types",
                              f"互いに排他的なクラス（{names}）に同時に属している。",
                              f"The node belongs to disjoint classes ({names})."))
    functional = set(ontology.subjects(RDF.type, OWL.FunctionalProperty))
    for prop in functional:
        values: dict[object, set[object]] = {}
        for s, o in data.subject_objects(prop):
            values.setdefault(s, set()).add(o.toPython() if isinstance(o, Literal) else o)
        for s, vals in values.items():
            if len(vals) > 1:
                name = str(prop).rsplit("#", 1)[-1]
                shown = ", ".join(sorted(str(v) for v in vals))
                found.append((str(s), "owl.functional-conflict",
                              f"一つの値しか持てない項目 {name} に複数の値（{shown}）がある。",
                              f"The functional property {name} has several values ({shown})."))
    return found


def _inconsistency_findings(store: Store, per_graph: dict[str, Graph], ontology: Graph,
                            assessments: Sequence[AssessmentRef], folder: Path) -> list[Finding]:
    by_graph = {a.graph: a for a in assessments}
    findings: list[Finding] = []
    for graph, data in per_graph.items():
        causes = diagnose(data, ontology)
        if not causes:
            continue
        assessment = by_graph.get(graph)
        evidence = node_evidence(store, graph, [c[0] for c in causes])
        for node, rule, ja, en in causes:
            findings.append(Finding(
                "high", rule, f"オントロジーとの矛盾: {ja}", f"Inconsistent with the ontology: {en}",
                assessment, evidence.get(node, [])[:3], focus=node, topic=rule, source="reasoning"))
    if not findings:
        # No cheap cause found: reason document by document to name the inconsistent ones.
        import owlready2

        for number, (graph, data) in enumerate(list(per_graph.items())[:_MAX_LOCALISE]):
            sub = folder / f"doc{number}"
            sub.mkdir()
            try:
                _hermit(reasoner_input(data, ontology), ontology, sub, [])
            except owlready2.OwlReadyInconsistentOntologyError:
                assessment = by_graph.get(graph)
                findings.append(Finding(
                    "high", "owl.inconsistent",
                    "この文書のグラフはオントロジーと矛盾する（HermiT）。",
                    "This document's graph is inconsistent with the ontology (HermiT).",
                    assessment, [e for e in [assessment.document_evidence()] if e] if assessment else [],
                    focus=assessment.iri if assessment else graph, topic="owl", source="reasoning",
                    details={"graph": graph}))
    summary = Finding(
        "high", "owl.inconsistent",
        "データがオントロジーと矛盾するため、推論結果（定義クラスへの所属）を出力できない。",
        "The data is inconsistent with the ontology: no inferred memberships can be produced.",
        None, [], focus=None, topic="owl", source="reasoning",
        details={"graphs": str(len(per_graph))})
    return [summary, *findings]


def memberships_of(store: Store, classes: Iterable[str]) -> dict[str, set[str]]:
    """Memberships currently stored in the inferred graph (for reports and tests)."""
    out: dict[str, set[str]] = {c: set() for c in classes}
    rows = store.select(f"SELECT ?s ?c WHERE {{ GRAPH {iri(INFERRED_GRAPH)} {{ ?s a ?c }} }}").rows
    for row in rows:
        out.setdefault(str(row["c"]), set()).add(str(row["s"]))
    return out
