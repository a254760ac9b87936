"""SHACL validation of each document graph against ontology/shapes.ttl (pyshacl).

The graph is read from the store with a plain SELECT (so any backend works), rebuilt as an rdflib
Graph, and validated with the ontology mixed in (sh:targetClass pia:Flow then reaches Provision …
through rdfs:subClassOf). Each validation result becomes a :class:`Finding` located at the focus
node's evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from piagraph.analyse.findings import AssessmentRef, Finding, with_evidence
from piagraph.paths import ONTOLOGY_DIR
from piagraph.store.base import Store
from piagraph.terms import XSD, iri

SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
SEVERITY = {SH.Violation: "medium", SH.Warning: "low", SH.Info: "info"}

# Every term of a graph with enough to rebuild it exactly: kind, lexical form, datatype, language.
_TRIPLES = """
SELECT ?s ?p ?o (isBLANK(?s) AS ?sb) (isIRI(?o) AS ?oi) (isBLANK(?o) AS ?ob) (DATATYPE(?o) AS ?dt)
       (LANG(?o) AS ?lang) (STR(?o) AS ?ov)
WHERE { GRAPH %s { ?s ?p ?o } }
"""


def graph_from_store(store: Store, graph: str) -> Graph:
    """The named graph ``graph`` of the store as an rdflib Graph (terms, datatypes and languages kept)."""
    out = Graph()
    for row in store.select(_TRIPLES % iri(graph)).rows:
        s = BNode(str(row["s"])) if row["sb"] else URIRef(str(row["s"]))
        if row["oi"]:
            o: URIRef | BNode | Literal = URIRef(str(row["ov"]))
        elif row["ob"]:
            o = BNode(str(row["o"]))
        elif row.get("lang"):
            o = Literal(str(row["ov"]), lang=str(row["lang"]))
        else:
            datatype = str(row.get("dt") or "")
            plain = not datatype or datatype == f"{XSD}string"
            o = Literal(str(row["ov"]), datatype=None if plain else URIRef(datatype))
        out.add((s, URIRef(str(row["p"])), o))
    return out


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "piagraph.ttl", format="turtle")


def validate(data: Graph) -> Graph:
    """Run pyshacl; returns the validation report graph."""
    from pyshacl import validate as run

    _conforms, report, _text = run(data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(),
                                   inference="none", abort_on_first=False, allow_warnings=True)
    return report


def _messages(report: Graph, result: URIRef | BNode) -> tuple[str, str]:
    ja = en = ""
    for message in report.objects(result, SH.resultMessage):
        if isinstance(message, Literal) and message.language == "ja":
            ja = str(message)
        elif isinstance(message, Literal):
            en = en or str(message)
    return ja or en, en or ja


def _shape_name(report: Graph, result: URIRef | BNode) -> str:
    shape = report.value(result, SH.sourceShape)
    return str(shape).rsplit("#", 1)[-1] if isinstance(shape, URIRef) else "shape"


def results(report: Graph) -> list[dict[str, object]]:
    """The validation results as plain dicts (focus, path, severity, rule, messages, value)."""
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        ja, en = _messages(report, result)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        out.append({
            "focus": str(report.value(result, SH.focusNode)),
            "path": str(path) if isinstance(path, URIRef) else "",
            "severity": SEVERITY.get(report.value(result, SH.resultSeverity), "medium"),
            "rule": f"shacl.{_shape_name(report, result)}",
            "message_ja": ja,
            "message_en": en,
            "value": "" if value is None else str(value),
        })
    return out


def shacl_findings(store: Store, assessments: Sequence[AssessmentRef]) -> list[Finding]:
    """SHACL results of each assessment's document graph, as findings with evidence."""
    findings: list[Finding] = []
    for assessment in assessments:
        data = graph_from_store(store, assessment.graph)
        for r in results(validate(data)):
            topic = str(r["path"]).rsplit("#", 1)[-1]
            details = {"path": topic} if topic else {}
            if r["value"] and r["value"] != r["focus"]:
                details["value"] = str(r["value"])
            findings.append(Finding(
                severity=str(r["severity"]), rule=str(r["rule"]), message_ja=str(r["message_ja"]),
                message_en=str(r["message_en"]), assessment=assessment, focus=str(r["focus"]),
                topic=topic or str(r["rule"]).rsplit(".", 1)[-1], source="shacl", details=details))
    return with_evidence(store, findings)
