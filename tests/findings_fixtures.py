"""Small crafted document graphs for the findings tests (SHACL, citations, risk rules, reasoning).

``crafted_assessment(...)`` writes the Turtle of one assessment in the shape piagraph/rdf.py produces
(named graph, node IRIs under the document key, evidence nodes); ``load(tmp_path, *turtles)`` loads
each into its own named graph of a fresh EmbeddedStore.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from piagraph.store import EmbeddedStore, GraphUpload

PREFIXES = """
@prefix pia: <https://w3id.org/piagraph/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix law: <https://w3id.org/piagraph/law/> .
@prefix kind: <https://w3id.org/piagraph/kinds/> .
"""


def base(doc: str) -> str:
    return f"https://w3id.org/piagraph/id/crafted-{doc}/0"


def graph_of(doc: str) -> str:
    return f"https://w3id.org/piagraph/graph/crafted-{doc}/0"


class Doc:
    """Builds the Turtle of one crafted document; ``line`` numbers are the evidence lines."""

    def __init__(self, doc: str = "a", source: str | None = None) -> None:
        self.doc = doc
        self.source = source or f"crafted-{doc}.txt"
        self.parts: list[str] = []
        self.evidence_count = 0

    def node(self, path: str) -> str:
        return f"<{base(self.doc)}/{path}>"

    @property
    def me(self) -> str:
        return f"<{base(self.doc)}>"

    def evidence(self, node: str, line: int, quote: str, about: str | None = None) -> None:
        self.evidence_count += 1
        ev = self.node(f"evidence/{self.evidence_count}")
        about_triple = f" ; pia:aboutProperty pia:{about}" if about else ""
        self.parts.append(f'{node} pia:evidence {ev} .\n{ev} a pia:Evidence ; pia:sourceFile "{self.source}" ; '
                          f'pia:lineStart {line} ; pia:lineEnd {line} ; pia:quote {_lit(quote)}{about_triple} .')

    def add(self, turtle: str) -> None:
        self.parts.append(turtle)

    def turtle(self) -> str:
        return PREFIXES + "\n".join(self.parts) + "\n"


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def crafted_assessment(doc: str = "a", *, published: str | None = "2025-01-10", linkage: str | None = "実施する",
                       number: str = "99", municipality: str = "試験市", change_log_only: bool = False) -> Doc:
    """An assessment with the facts the shapes require (unless left out by the arguments)."""
    d = Doc(doc)
    facts = [f"{d.me} a pia:Assessment , pia:FocusedAssessment ; pia:kind \"重点\" ;",
             f"  pia:municipality {_lit(municipality)} ; pia:title {_lit(municipality + ' 試験事務 重点項目評価書')} ;",
             f'  pia:sourceDocument "{d.source}" ; pia:documentIndex 0 ; pia:lineStart 1 ; pia:lineEnd 400 ;']
    if number:
        facts.append(f"  pia:assessmentNumber {_lit(number)} ;")
    if published:
        facts.append(f'  pia:publishedOn "{published}"^^xsd:date ;')
    if linkage:
        facts.append(f"  pia:informationLinkage {_lit(linkage)} ;")
    if change_log_only:
        facts.append("  pia:changeLogOnly true ;")
    facts.append(f"  pia:evaluatingBody {d.node('body')} .")
    d.add("\n".join(facts))
    d.evidence(d.me, 3, f"評価書番号 {number}", about="assessmentNumber")
    d.add(f'{d.node("body")} a pia:EvaluatingBody ; pia:name {_lit(municipality + "長")} .')
    d.evidence(d.node("body"), 5, f"評価実施機関名 {municipality}長")
    return d


def add_flow(d: Doc, number: int, kind: str, *, line: int, recipient: str | None = "都道府県知事",
             recipient_kind: str | None = "actor/PrefecturalGovernor", methods: tuple[str, ...] = ("LeasedLine",),
             laws: tuple[str, ...] = ("R06DAMIC009/art2/table/row26",), carries: bool | None = True,
             contractor: str | None = None, subcontracted: bool | None = None, quote: str = "") -> str:
    """A flow of ``kind`` (Provision, Transfer, Entrustment, Acquisition) with its ends, methods and bases."""
    flow = d.node(f"flow/{number}")
    lines = [f"{d.me} pia:hasFlow {flow} .", f"{flow} a pia:Flow , pia:{kind} ."]
    if recipient:
        actor = d.node(f"actor/{number}")
        lines.append(f"{flow} pia:recipient {actor} .")
        lines.append(f"{actor} a pia:Actor ; pia:name {_lit(recipient)} .")
        if recipient_kind:
            prop = "systemKind" if recipient_kind.startswith("system/") else "actorKind"
            lines.append(f"{actor} pia:{prop} <https://w3id.org/piagraph/kinds/{recipient_kind}> .")
        d.add("\n".join(lines))
        d.evidence(actor, line, recipient)
        lines = []
    for method in methods:
        lines.append(f"{flow} pia:method <https://w3id.org/piagraph/kinds/method/{method}> .")
    if carries is not None:
        lines.append(f"{flow} pia:carriesPersonalNumber {'true' if carries else 'false'} .")
    if contractor:
        lines.append(f"{flow} pia:contractor {_lit(contractor)} .")
    if subcontracted is not None:
        lines.append(f"{flow} pia:subcontracted {'true' if subcontracted else 'false'} .")
    if lines:
        d.add("\n".join(lines))
    for law in laws:
        cite(d, flow, "legalBasis", law, line=line + 1)
    d.evidence(flow, line, quote or f"{kind} {number}")
    return flow


CITATIONS = {
    "H25HO027/table2/row16-2": ("番号法別表第二16の2の項", "R06DAMIC009/art2/table/row25", "提供命令第2条の表25の項"),
    "H25HO027/table2/row16-3": ("番号法別表第二16の3の項", "R06DAMIC009/art2/table/row26", "提供命令第2条の表26の項"),
    "R06DAMIC009/art2/table/row25": ("提供命令第2条の表25の項", None, None),
    "R06DAMIC009/art2/table/row26": ("提供命令第2条の表26の項", None, None),
    "R06DAMIC009/art2/table/row29": ("提供命令第2条の表29の項", None, None),
    "H25HO027/art19/item8": ("番号法第19条第8号", None, None),
}


def cite(d: Doc, owner: str, prop: str, path: str, *, line: int) -> str:
    """``owner prop law`` for a citation of CITATIONS, with its current form as rdf.py writes it."""
    printed, current, current_text = CITATIONS[path]
    law = f"<https://w3id.org/piagraph/law/{path}>"
    triples = [f"{owner} pia:{prop} {law} .",
               f"{law} a pia:LegalProvision ; pia:citation {_lit(printed)} ; pia:rawCitation {_lit(printed)} ."]
    if current:
        now = f"<https://w3id.org/piagraph/law/{current}>"
        triples += [f"{law} pia:currentProvision {now} .",
                    f"{now} a pia:LegalProvision ; pia:citation {_lit(current_text or '')} ."]
    else:
        triples.append(f"{law} pia:currentProvision {law} .")
    d.add("\n".join(triples))
    d.evidence(law, line, printed)
    return law


def load(tmp_path: Path, *docs: Doc) -> EmbeddedStore:
    """A fresh embedded store holding each crafted document in its own named graph (caller closes it)."""
    store = EmbeddedStore(tmp_path / "store")
    for d in docs:
        nt = Graph().parse(data=d.turtle(), format="turtle").serialize(format="nt")
        store.replace_source(d.source, [GraphUpload(graph_of(d.doc), nt)])
    return store
