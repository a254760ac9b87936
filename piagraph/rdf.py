"""Records -> triples in one named graph per document, in the vocabulary of ontology/piagraph.ttl.

Node IRIs are derived from the document key (source file name + document index) and the node's
position, so re-ingesting a file yields the same IRIs and replaces its graph exactly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from piagraph.model import (
    Assessment,
    Change,
    CouncilReview,
    Document,
    Evidence,
    Fact,
    Flow,
    LegalRef,
    ParseWarning,
)
from piagraph.normalize.citations import find_unparsed, parse_citations
from piagraph.normalize.crosswalk import current_provision
from piagraph.normalize.kinds import match_actor, match_method, match_system
from piagraph.normalize.text import nfkc
from piagraph.parse.doctext import DocText
from piagraph.read.source import DocumentSpan, SourceText
from piagraph.terms import (
    GRAPH,
    ID,
    KINDS,
    LAW,
    RDF_TYPE,
    RDFS_LABEL,
    date_literal,
    iri,
    literal,
    pia,
    segment,
)

Triple = tuple[str, str, str]

# The shape of the graphs this builder writes. Raise it whenever a change to the builder means that
# graphs written before lack something the queries rely on (2: pia:ownEvidence on flows): a resumed
# ingest then rebuilds those documents instead of skipping them as unchanged.
GRAPH_FORMAT = 2

KIND_CLASS = {"基礎": "BasicAssessment", "重点": "FocusedAssessment", "全項目": "FullAssessment"}
KIND_CODE = {"基礎": "basic", "重点": "focused", "全項目": "full"}
NATIONAL_SYSTEM_KEYS = {"InformationProvisionNetwork", "IntermediateServer", "JukiNet", "VRS"}
CONNECTION_KIND = {
    "情報提供ネットワークシステム": "情報提供ネットワークシステム",
    "庁内連携システム": "庁内連携システム",
    "住民基本台帳ネットワークシステム": "住民基本台帳ネットワークシステム",
    "既存住民基本台帳システム": "既存住民基本台帳システム",
    "宛名システム等": "団体内統合宛名システム",
    "税務システム": "税務システム",
}
# Facts stored as literal properties of the assessment: fact key -> (property, kind of value).
ASSESSMENT_FACTS = {
    "number": ("assessmentNumber", "str"),
    "title": ("title", "str"),
    "municipality": ("municipality", "str"),
    "published_on": ("publishedOn", "date"),
    "form_stamp": ("formVersion", "str"),
    "affair": ("affairName", "str"),
    "department": ("department", "str"),
    "information_linkage": ("informationLinkage", "str"),
    "threshold_result": ("thresholdResult", "str"),
    "basic_assessment_date": ("basicAssessmentDate", "date"),
    "public_comment": ("publicComment", "str"),
    "third_party_review": ("thirdPartyReview", "str"),
}
FILE_FACTS = {
    "file_type": "fileType",
    "subject_count": "subjectCount",
    "subject_scope": "subjectScope",
    "record_item_count": "recordItemCountBand",
    "holding_start": "holdingStartDate",
    "department": "department",
    "use_purpose": "usePurpose",
    "use_department": "useDepartment",
    "user_count": "userCount",
}
COUNCIL_FACTS = {
    "council": "council",
    "date": "decisionDate",
    "subject": "title",
    "affair": "affairName",
    "department": "department",
    "ordinance_basis": "ordinanceBasis",
    "external_recipient": "externalRecipient",
    "contractor": "contractor",
    "decision": "decision",
    "number": "reviewNumber",
    "municipality": "municipality",
    "addressee": "addressee",
    "consultation_ref": "consultationReference",
    "consultation_date": "consultationDate",
    "deliberated_on": "deliberatedOn",
    "date_basis": "dateBasis",
    "date_blank": "blankDate",
    "reviewed_assessment_title": "reviewedAssessmentTitle",
    "reviewed_assessment_kind": "reviewedAssessmentKind",
    "review_kind": "reviewKind",
    "materials": "materials",
    "purpose": "reviewPurpose",
    "processing": "processingSummary",
    "protection": "protectionMeasures",
    "consultation_content": "consultationContent",
    "remarks": "remarks",
}
# 「システム3」「提供先2」「移転先1」「委託事項4」 in a change's item path -> the node it names.
_NUMBERED_ITEM = re.compile(r"^(システム|提供先|移転先|委託事項)(\d+)$")
_ITEM_FLOW_KIND = {"提供先": "Provision", "移転先": "Transfer", "委託事項": "Entrustment"}
_DELETED = re.compile(r"削除[)）]?$")
_EVIDENCE = pia("evidence")
_PAGE_CONTEXT_MAX_LINES = 400  # a longer "page" means the extractor printed no page breaks
_PAGE_CONTEXT_MAX_CHARS = 8000


def document_key(source_file: str, index: int) -> str:
    """Stable key of a document: its file name (plus a digest of its path, so that equal names in
    different folders do not collide) and its position in the file."""
    digest = hashlib.sha1(source_file.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{segment(os.path.basename(source_file))}~{digest}/{index}"


def graph_iri(source_file: str, index: int) -> str:
    return f"{GRAPH}{document_key(source_file, index)}"


@dataclass
class DocumentGraph:
    """The triples of one document, ready for a store."""

    graph: str  # graph IRI (plain, without <>)
    subject: str  # the Assessment / CouncilReview IRI
    triples: list[Triple] = field(default_factory=list)
    # (name as printed, source file, first line) of each evidence of every system or actor whose kind
    # is ``other`` (file and line None without evidence): what the ingest reports as unknown names.
    unknown_kinds: list[tuple[str, str | None, int | None]] = field(default_factory=list)

    def unique(self) -> list[Triple]:
        """The triples without repeats (a cited provision is described once per citation)."""
        return list(dict.fromkeys(self.triples))

    def ntriples(self) -> str:
        return "".join(f"{s} {p} {o} .\n" for s, p, o in self.unique())

    def nquads(self) -> str:
        g = iri(self.graph)
        return "".join(f"{s} {p} {o} {g} .\n" for s, p, o in self.unique())


class _Builder:
    """Accumulates triples for one document; helpers mint node IRIs under the document's base."""

    def __init__(self, document: Document, content_hash: str, source: SourceText | None = None,
                 text: DocText | None = None) -> None:
        self.doc = document
        self.source = source
        self._doctext = text  # the document's normalised lines, built on first need when not given
        self._pages: dict[tuple[int, int], str] = {}
        self.base = f"{ID}{document_key(document.source_file, document.document_index)}"
        self.out = DocumentGraph(graph=graph_iri(document.source_file, document.document_index),
                                 subject=self.base)
        self.content_hash = content_hash
        self._evidence: dict[tuple[str, int, int, str, str | None], str] = {}
        self._actors: dict[str, str] = {}
        self._ends: dict[str, tuple[str, str]] = {}  # flow-end node -> (name as printed, kind IRI)
        published = document.fact("published_on") if isinstance(document, Assessment) else None
        self.cited_on = dt.date.fromisoformat(published) if published and _is_iso(published) else None

    def add(self, s: str, p: str, o: str) -> None:
        self.out.triples.append((s, p, o))

    def node(self, *path: str) -> str:
        return iri("/".join([self.base, *path]))

    def typed(self, node: str, *classes: str) -> None:
        for cls in classes:
            self.add(node, f"<{RDF_TYPE}>", pia(cls))

    def text(self, node: str, prop: str, value: str | None) -> None:
        if value:
            self.add(node, pia(prop), literal(value))

    def evidence(self, node: str, ev: Evidence, about: str | None = None, own: bool = False) -> None:
        # Equal evidence (same lines, quote and supported property) is one node that several facts
        # point to: about a sixth of a document's evidence repeats, and a national store pays per quad.
        key = (ev.source_file, ev.line_start, ev.line_end, ev.quote, about)
        e = self._evidence.get(key)
        if e is None:
            e = self.node("evidence", str(len(self._evidence) + 1))
            self._evidence[key] = e
            self.typed(e, "Evidence")
            self.add(e, pia("sourceFile"), literal(ev.source_file))
            self.add(e, pia("lineStart"), literal(ev.line_start))
            self.add(e, pia("lineEnd"), literal(ev.line_end))
            self.add(e, pia("quote"), literal(ev.quote))
            if about:
                self.add(e, pia("aboutProperty"), pia(about))
        self.add(node, pia("evidence"), e)
        if own:
            # The node's own evidence, also under its sub-property: a query then reaches it in one
            # lookup instead of testing every field's evidence for pia:aboutProperty (who-receives).
            self.add(node, pia("ownEvidence"), e)

    def fact(self, node: str, prop: str, fact: Fact | None, kind: str = "str") -> None:
        if fact is None:
            return
        if kind == "date":
            if not fact.normalized:
                return
            self.add(node, pia(prop), date_literal(fact.normalized))
        else:
            self.add(node, pia(prop), literal(fact.normalized or fact.value))
        self.evidence(node, fact.evidence, about=prop)

    def warning(self, number: int, warning: ParseWarning) -> None:
        w = self.node("warning", str(number))
        self.typed(w, "Warning")
        self.add(iri(self.base), pia("warning"), w)
        self.add(w, pia("message"), literal(warning.message))
        # A warning is about the parse, not an extracted fact: its line is a plain value on it, not an
        # Evidence node (a national store would otherwise spend a tenth of its quads on warnings).
        if warning.line is not None:
            self.add(w, pia("warningLine"), literal(warning.line))

    def unknown_kinds(self) -> list[tuple[str, str | None, int | None]]:
        """Systems and actors of kind ``other`` with their evidence (see DocumentGraph.unknown_kinds)."""
        other = {f"{KINDS}system/other", f"{KINDS}actor/other"}
        where = {node: (key[0], key[1]) for key, node in self._evidence.items()}
        found: list[tuple[str, str | None, int | None]] = []
        for node, (name, kind) in self._ends.items():
            if kind in other:
                refs = [where[o] for s, p, o in self.out.triples if s == node and p == _EVIDENCE and o in where]
                found += [(name, file, line) for file, line in refs] or [(name, None, None)]
        return found

    def page_context(self, line: int) -> str | None:
        """An Evidence node for the PDF page holding ``line`` (one per page), or None without the
        source text, for table layouts and for "pages" too long to be pages."""
        if self.source is None or self.source.layout == "table":
            return None
        if self._doctext is None:
            span = DocumentSpan(self.source, self.doc.document_index, self.doc.line_start, self.doc.line_end, "")
            self._doctext = DocText(span)
        first, last = self._doctext.page_of(line)
        if last - first >= _PAGE_CONTEXT_MAX_LINES:
            return None
        if (first, last) not in self._pages:
            node = self.node("changelog-page", str(first))
            text = "\n".join(ln.text for ln in self._doctext.between(first, last) if ln.text)
            if len(text) > _PAGE_CONTEXT_MAX_CHARS:
                text = text[: _PAGE_CONTEXT_MAX_CHARS - 1] + "…"
            self.typed(node, "Evidence")
            self.add(node, pia("sourceFile"), literal(self.doc.source_file))
            self.add(node, pia("lineStart"), literal(first))
            self.add(node, pia("lineEnd"), literal(last))
            self.add(node, pia("quote"), literal(text))
            self._pages[(first, last)] = node
        return self._pages[(first, last)]

    # -- legal provisions ----------------------------------------------------------------------
    def legal(self, owner: str, prop: str, ref: LegalRef, position: str) -> None:
        """One pia:LegalProvision per citation found in the cell; unreadable fragments kept raw.

        The document's municipality resolves a bare 「条例…」, and its 公表日 settles renumbered items
        (after 2021 「第19条第8号」 is the new name of old 第7号 and the old name of new 第9号)."""
        municipality = self.doc.fact("municipality")
        for citation in parse_citations(ref.raw, municipality=municipality):
            node = iri(f"{LAW}{citation.path}")
            self.add(owner, pia(prop), node)
            self.typed(node, "LegalProvision")
            self.add(node, pia("citation"), literal(citation.normalized))
            self.add(node, pia("rawCitation"), literal(citation.raw))
            if citation.law_id:
                self.add(node, pia("lawId"), literal(citation.law_id))
            current = current_provision(citation, cited_on=self.cited_on)
            current_node = iri(f"{LAW}{current.path}")
            self.add(node, pia("currentProvision"), current_node)
            if current.path != citation.path:
                self.typed(current_node, "LegalProvision")
                self.add(current_node, pia("citation"), literal(current.normalized))
            self.evidence(node, ref.evidence)
        for number, fragment in enumerate(find_unparsed(ref.raw, municipality=municipality), start=1):
            node = self.node("unparsed-citation", position, str(number))
            self.add(owner, pia(prop), node)
            self.typed(node, "LegalProvision")
            self.add(node, pia("rawCitation"), literal(fragment))
            self.add(node, pia("unparsed"), literal(True))
            self.evidence(node, ref.evidence)


def _system_nodes(b: _Builder, assessment: Assessment) -> dict[str, tuple[str, str]]:
    """System IRI and kind key by normalised name and by kind key, for resolving flow actors."""
    by_name: dict[str, tuple[str, str]] = {}
    for number, system in enumerate(assessment.systems, start=1):
        node = b.node("system", str(number))
        match = match_system(system.name, assessment.fact("affair"))
        b.typed(node, "System")
        b.add(node, pia("name"), literal(system.name))
        b.add(node, pia("systemKind"), iri(match.iri))
        b._ends[node] = (system.name, match.iri)
        b.text(node, "function", system.function)
        for label in system.connections:
            b.add(node, pia("connectionLabel"), literal(label))
        b.evidence(node, system.evidence)
        b.add(iri(b.base), pia("usesSystem"), node)
        by_name.setdefault(_key(system.name), (node, match.key))
        by_name.setdefault(f"kind:{match.key}", (node, match.key))
    return by_name


def _key(name: str) -> str:
    from piagraph.normalize.text import squash

    return squash(name)


def _actor(b: _Builder, systems: dict[str, tuple[str, str]], name: str, evidence: Evidence) -> str:
    """Resolve a flow end to the assessment's own system, else to an actor node of a known kind."""
    found = systems.get(_key(name))
    if found:
        return found[0]
    system_match = match_system(name)
    if system_match.method != "none" and system_match.key != "other":
        same_kind = systems.get(f"kind:{system_match.key}")
        if same_kind and system_match.key not in ("BusinessSystem",):
            return same_kind[0]
    key = _key(name)
    if key in b._actors:
        return b._actors[key]
    node = b.node("actor", segment(key))
    b._actors[key] = node
    b.typed(node, "Actor")
    b.add(node, pia("name"), literal(name))
    if system_match.method != "none" and system_match.key != "other":
        b.add(node, pia("systemKind"), iri(system_match.iri))
        b._ends[node] = (name, system_match.iri)
    else:
        actor_match = match_actor(name)
        b.add(node, pia("actorKind"), iri(actor_match.iri))
        b._ends[node] = (name, actor_match.iri)
    b.evidence(node, evidence)
    return node


def recipient_group(name: str, kind: str) -> str:
    """IRI of a recipient as counted across assessments: its canonical kind and its name as printed
    (the same in every document graph, so that a national count is one index scan)."""
    kind_path = kind[len(KINDS):] if kind.startswith(KINDS) else segment(kind)
    return f"{ID}recipient/{kind_path}/{segment(name)}"


def _personal_number_recipient(b: _Builder, flow_node: str, recipient: str) -> None:
    """pia:personalNumberRecipient: the flow carries 個人番号 to this recipient group. Derived data for
    the nationwide who-receives (queries/who-receives-by-recipient.rq); the facts stay on the flow."""
    end = b._ends.get(recipient)
    if end is None:
        return
    name, kind = end
    group = iri(recipient_group(name, kind))
    b.add(flow_node, pia("personalNumberRecipient"), group)
    b.typed(group, "RecipientGroup")
    b.add(group, pia("name"), literal(name))
    b.add(group, pia("recipientKind"), iri(kind))


def _home_system(b: _Builder, assessment: Assessment, systems: dict[str, tuple[str, str]]) -> str | None:
    """The assessment's business system: where files live when the form does not say."""
    business = systems.get("kind:BusinessSystem")
    if business:
        return business[0]
    if assessment.systems:
        return systems[_key(assessment.systems[0].name)][0]
    return None


_FIELD_PROPERTIES = {"methods": "method", "contractors": "contractor", "source_text": "source",
                     "other_methods": "otherMethod", "carries_personal_number": "carriesPersonalNumber"}


def field_property(name: str) -> str:
    """The ontology property a model field's evidence supports: legal_basis -> legalBasis."""
    if name in _FIELD_PROPERTIES:
        return _FIELD_PROPERTIES[name]
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


_HOME_ENDS = {("recipient", "Acquisition"), ("source", "Provision"), ("source", "Transfer"),
              ("source", "Entrustment")}


def _flow(b: _Builder, assessment: Assessment, systems: dict[str, tuple[str, str]], number: int,
          flow: Flow, home: str | None) -> None:
    node = b.node("flow", str(number))
    b.typed(node, "Flow", flow.kind)
    b.add(iri(b.base), pia("hasFlow"), node)
    ends = (("source", flow.source, flow.source_inferred), ("recipient", flow.recipient, flow.recipient_inferred))
    for prop, name, inferred in ends:
        end = None
        if name:
            end = _actor(b, systems, name, flow.evidence)
            b.add(node, pia(prop), end)
            if inferred:
                b.add(node, pia("inferredActor"), literal(True))
        elif home and (prop, flow.kind) in _HOME_ENDS:
            # 入手 ends at, and 提供/移転/委託 start from, the file's system: inferred, and said so.
            end = home
            b.add(node, pia(prop), home)
            b.add(node, pia("inferredActor"), literal(True))
        if end and prop == "recipient" and flow.carries_personal_number:
            _personal_number_recipient(b, node, end)
    for label in flow.methods:
        b.add(node, pia("method"), iri(match_method(label).iri))
    for label in flow.other_methods:
        b.add(node, pia("otherMethod"), literal(label))
    for position, ref in enumerate(flow.legal_basis, start=1):
        b.legal(node, "legalBasis", ref, f"flow{number}-{position}")
    if flow.carries_personal_number is not None:
        b.add(node, pia("carriesPersonalNumber"), literal(flow.carries_personal_number))
    for prop, value in (("information", flow.information), ("purpose", flow.purpose),
                        ("frequency", flow.frequency), ("subjectCount", flow.subject_count),
                        ("subjectScope", flow.subject_scope), ("subcontractItems", flow.subcontract_items),
                        ("handlerCount", flow.handler_count), ("title", flow.title),
                        ("businessSection", flow.business_section), ("fileName", flow.file_name)):
        b.text(node, prop, value)
    for contractor in flow.contractors:
        b.add(node, pia("contractor"), literal(contractor))
    if flow.subcontracted is not None:
        b.add(node, pia("subcontracted"), literal(flow.subcontracted))
    if flow.step_number is not None:
        b.add(node, pia("stepNumber"), literal(flow.step_number))
    if flow.ordinal is not None:
        b.add(node, pia("ordinal"), literal(flow.ordinal))
    b.evidence(node, flow.evidence, own=True)
    for name, ev in flow.field_evidence.items():
        b.evidence(node, ev, about=field_property(name))


def _numbered_item(change: Change) -> tuple[str, int, bool] | None:
    """(label, number, whole) for a change about 「システムN」「提供先N」「移転先N」「委託事項N」; whole
    when the path ends there (the item itself, not one of its fields)."""
    components = change.item_path.split("/")[1:] if change.item_path else []
    for i, component in enumerate(components):
        match = _NUMBERED_ITEM.match(component)
        if match:
            return match.group(1), int(match.group(2)), i == len(components) - 1
    return None


def _removes(change: Change) -> bool:
    return bool(_DELETED.search(nfkc(change.after or "").strip())) or (change.category or "").endswith("-removed")


def _change_targets(b: _Builder, a: Assessment) -> list[str | None]:
    """The node each change affects (pia:affects), or None.

    The number printed in a change log is the number at the time of the change: a row that removes
    「提供先3」 names a recipient that is no longer there, and after the removal or addition of an
    item numbered at or below N the current 「提供先N」 may be another one. So a change is linked only
    when it removes nothing, no such renumbering change of the same list is dated on or after it
    (or undated), and exactly one current node carries the number."""
    systems: dict[int, list[str]] = {}
    for position, system in enumerate(a.systems, start=1):
        systems.setdefault(system.number or position, []).append(b.node("system", str(position)))
    flows: dict[tuple[str, int], list[str]] = {}
    for position, flow in enumerate(a.flows, start=1):
        if flow.ordinal is not None:
            flows.setdefault((flow.kind, flow.ordinal), []).append(b.node("flow", str(position)))
    items = [_numbered_item(change) for change in a.changes]
    renumbering = [(item[0], item[1], change.changed_on) for change, item in zip(a.changes, items, strict=True)
                   if item and item[2] and (_removes(change) or (change.category or "").endswith("-added"))]
    targets: list[str | None] = []
    for change, item in zip(a.changes, items, strict=True):
        if item is None or _removes(change):
            targets.append(None)
            continue
        label, number, _ = item
        shifted = any(other_label == label and other_number <= number and not (
            on and change.changed_on and on < change.changed_on) for other_label, other_number, on in renumbering)
        nodes = systems.get(number, []) if label == "システム" else flows.get((_ITEM_FLOW_KIND[label], number), [])
        targets.append(nodes[0] if len(nodes) == 1 and not shifted else None)
    return targets


def _change(b: _Builder, number: int, change: Change, target: str | None = None) -> None:
    node = b.node("change", str(number))
    b.typed(node, "Change")
    b.add(iri(b.base), pia("hasChange"), node)
    if change.changed_on:
        b.add(node, pia("changedOn"), literal(change.changed_on))
    b.text(node, "changedItem", change.item)
    b.text(node, "itemPath", change.item_path)
    b.text(node, "before", change.before)
    b.text(node, "after", change.after)
    b.text(node, "submissionTiming", change.timing)
    b.text(node, "explanation", change.explanation)
    b.text(node, "changeCategory", change.category)
    b.evidence(node, change.evidence)
    if target:
        b.add(node, pia("affects"), target)
    if not change.before:
        page = b.page_context(change.evidence.line_start)
        if page:
            b.add(node, pia("pageContext"), page)


def _assessment(b: _Builder, a: Assessment) -> None:
    me = iri(b.base)
    classes = ["Assessment"] + ([KIND_CLASS[a.kind]] if a.kind in KIND_CLASS else [])
    b.typed(me, *classes)
    if a.kind:
        b.add(me, pia("kind"), literal(a.kind))
    if a.change_log_only:
        b.add(me, pia("changeLogOnly"), literal(True))
    for key, (prop, kind) in ASSESSMENT_FACTS.items():
        b.fact(me, prop, a.facts.get(key), kind)
    body = a.facts.get("body")
    if body:
        node = b.node("body")
        b.typed(node, "EvaluatingBody")
        b.add(node, pia("name"), literal(body.value))
        b.add(me, pia("evaluatingBody"), node)
        b.evidence(node, body.evidence)
    affair = a.facts.get("affair")
    if affair:
        node = b.node("affair")
        b.typed(node, "Affair")
        b.add(node, pia("name"), literal(affair.value))
        b.add(me, pia("affair"), node)
        b.evidence(node, affair.evidence)
    systems = _system_nodes(b, a)
    for number, system in enumerate(a.systems, start=1):
        node = b.node("system", str(number))
        for label in system.connections:
            target_name = CONNECTION_KIND.get(label, label)
            target = _actor(b, systems, target_name, system.evidence)
            if target != node:
                b.add(node, pia("connectsTo"), target)
        for name in system.other_connections:
            target = _actor(b, systems, name, system.evidence)
            if target != node:
                b.add(node, pia("connectsTo"), target)
    for number, file in enumerate(a.files, start=1):
        node = b.node("file", str(number))
        b.typed(node, "PersonalInfoFile")
        b.add(node, pia("name"), literal(file.name))
        b.add(me, pia("hasFile"), node)
        b.evidence(node, file.evidence)
        for key, prop in FILE_FACTS.items():
            b.fact(node, prop, file.facts.get(key), "date" if key == "holding_start" else "str")
        for category in file.record_categories:
            b.add(node, pia("recordCategory"), literal(category.value))
        for position, item in enumerate(file.record_items, start=1):
            item_node = b.node("file", str(number), "item", str(position))
            b.typed(item_node, "RecordItem")
            b.add(node, pia("recordItem"), item_node)
            b.add(item_node, pia("name"), literal(item.name))
            b.text(item_node, "category", item.category)
            b.evidence(item_node, item.evidence)
    role_property = {"use": "personalNumberUseBasis", "provision": "provisionBasis", "inquiry": "inquiryBasis"}
    for position, ref in enumerate(a.legal_refs, start=1):
        b.legal(me, role_property.get(ref.role, "legalBasis"), ref, f"basis{position}")
    home = _home_system(b, a, systems)
    for number, flow in enumerate(a.flows, start=1):
        _flow(b, a, systems, number, flow, home)
    for number, risk in enumerate(a.risks, start=1):
        node = b.node("risk", str(number))
        b.typed(node, "Risk")
        b.add(me, pia("hasRisk"), node)
        b.add(node, pia("riskName"), literal(risk.name))
        b.add(node, pia("rating"), literal(risk.rating))
        b.text(node, "section", risk.section)
        b.evidence(node, risk.evidence)
    for number, incident in enumerate(a.incidents, start=1):
        node = b.node("incident", str(number))
        b.typed(node, "Incident")
        b.add(me, pia("hasIncident"), node)
        if incident.occurred is not None:
            b.add(node, pia("incidentOccurred"), literal(incident.occurred))
        b.text(node, "content", incident.content)
        b.evidence(node, incident.evidence)
    for number, contact in enumerate(a.contacts, start=1):
        node = b.node("contact", str(number))
        b.typed(node, "Contact")
        b.add(me, pia("hasContact"), node)
        b.text(node, "role", contact.role)
        b.text(node, "department", contact.department)
        b.text(node, "address", contact.address)
        b.text(node, "phone", contact.phone)
        b.evidence(node, contact.evidence)
    for number, (change, target) in enumerate(zip(a.changes, _change_targets(b, a), strict=True), start=1):
        _change(b, number, change, target)


def _council(b: _Builder, review: CouncilReview) -> None:
    me = iri(b.base)
    b.typed(me, "CouncilReview")
    b.add(me, pia("reviewType"), literal(review.doc_type))
    for key, fact in review.facts.items():
        prop = COUNCIL_FACTS.get(key, f"fact_{segment(key)}" if key.isascii() else None)
        if prop is None:
            continue
        b.fact(me, prop, fact, "date" if fact.normalized and _is_iso(fact.normalized) else "str")
    ordinance = review.facts.get("ordinance_basis")
    if ordinance:
        b.legal(me, "ordinanceProvision", LegalRef(ordinance.value, ordinance.evidence), "ordinance")
    for number, condition in enumerate(review.conditions, start=1):
        node = b.node("condition", str(number))
        b.typed(node, "Condition")
        b.add(me, pia("condition"), node)
        b.add(node, pia("ordinal"), literal(number))
        b.add(node, f"<{RDFS_LABEL}>", literal(condition.value))
        b.text(node, "conditionNumber", condition.normalized)
        b.evidence(node, condition.evidence)
    for prop, listed in (("listsFile", review.listed_files), ("listsSystem", review.listed_systems)):
        for fact in listed:
            b.add(me, pia(prop), literal(fact.value))


def _is_iso(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def document_graph(document: Document, content_hash: str = "", source: SourceText | None = None,
                   text: DocText | None = None) -> DocumentGraph:
    """All triples of one parsed document, in its own named graph. With the ``source`` text, change
    rows whose 変更前の記載 could not be attributed also get the page they are printed on (``text``:
    the document's lines as the parser normalised them, if kept; else they are normalised again)."""
    b = _Builder(document, content_hash, source, text)
    me = iri(b.base)
    if isinstance(document, CouncilReview):
        _council(b, document)
    else:
        _assessment(b, document)
    b.add(me, pia("sourceDocument"), literal(document.source_file))
    b.add(me, pia("documentIndex"), literal(document.document_index))
    b.add(me, pia("lineStart"), literal(document.line_start))
    b.add(me, pia("lineEnd"), literal(document.line_end))
    if content_hash:
        b.add(me, pia("contentHash"), literal(content_hash))
    b.add(me, pia("graphFormat"), literal(GRAPH_FORMAT))
    for number, warning in enumerate(document.warnings, start=1):
        b.warning(number, warning)
    b.out.unknown_kinds = b.unknown_kinds()
    return b.out


def document_graphs(documents: Iterable[Document], content_hash: str = "") -> list[DocumentGraph]:
    return [document_graph(d, content_hash) for d in documents]
