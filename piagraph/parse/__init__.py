"""Parser: document spans -> Assessment / CouncilReview records, each fact with its evidence.

The modules follow the form's sections, so a reader of the form finds the code:
cover, basic (Ⅰ1,3-6), systems (Ⅰ2), files (Ⅱ1-2, 記録項目), acquisition (Ⅱ3), entrustment (Ⅱ4),
provision (Ⅱ5), risks (Ⅲ), contacts (Ⅳ-Ⅵ), flow_steps (別添1 事務の内容), changes (変更箇所),
council (答申/諮問).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from piagraph.errors import NotAnAssessmentError
from piagraph.model import Assessment, CouncilReview, Document, ParseWarning
from piagraph.parse.acquisition import parse_acquisition
from piagraph.parse.basic import parse_basic
from piagraph.parse.changes import parse_changes
from piagraph.parse.contacts import parse_contacts
from piagraph.parse.council import parse_council
from piagraph.parse.cover import parse_cover
from piagraph.parse.doctext import DocText
from piagraph.parse.entrustment import parse_entrustment
from piagraph.parse.files import parse_files
from piagraph.parse.flow_steps import parse_flow_steps
from piagraph.parse.provision import parse_provision
from piagraph.parse.risks import parse_risks
from piagraph.parse.systems import parse_systems
from piagraph.read import SourceText, split_documents
from piagraph.read.source import DocumentSpan

ASSESSMENT_SECTIONS = (
    parse_cover,
    parse_basic,
    parse_systems,
    parse_files,
    parse_acquisition,
    parse_entrustment,
    parse_provision,
    parse_risks,
    parse_contacts,
    parse_flow_steps,
    parse_changes,
)


@dataclass
class ParseResult:
    """What one input file yielded."""

    source: SourceText
    documents: list[Document] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    # The normalised lines each document was parsed from (parallel to ``documents``), for the RDF
    # builder's page context: normalising a document's lines again would cost a tenth of its parse.
    texts: list[DocText] = field(default_factory=list)


def parse_span(span: DocumentSpan, doc: DocText | None = None) -> Document:
    """Parse one document span with the section parsers of its family (``doc``: its lines, when the
    caller keeps them)."""
    doc = doc or DocText(span)
    try:
        return _parse_doc(doc, span)
    finally:
        # The memo holds objects that point back at the document (the Form): without this cycle the
        # document's thousands of objects are freed at once, not left to a full cyclic collection.
        doc.memo.clear()


def _parse_doc(doc: DocText, span: DocumentSpan) -> Document:
    if span.family in ("answer", "consultation"):
        review = CouncilReview(span.source.path, span.index, span.line_start, span.line_end,
                               doc_type="答申" if span.family == "answer" else "諮問")
        parse_council(doc, review)
        review.warnings.extend(doc.warnings)
        return review
    assessment = Assessment(span.source.path, span.index, span.line_start, span.line_end)
    if span.family == "changelog":
        assessment.change_log_only = True
        parse_changes(doc, assessment)
    else:
        for section in ASSESSMENT_SECTIONS:
            section(doc, assessment)
    assessment.warnings.extend(doc.warnings)
    return assessment


def parse_source(source: SourceText) -> ParseResult:
    """Every document of ``source``. Raises NotAnAssessmentError when no known form is found."""
    spans = split_documents(source)
    if len(spans) == 1 and spans[0].family == "unknown":
        raise NotAnAssessmentError(
            f"{source.path}: not a 特定個人情報保護評価書, 変更箇所 table or council document "
            "(no cover heading, form stamp, 答申/諮問 or 変更箇所 header found)"
        )
    result = ParseResult(source)
    for span in spans:
        text = DocText(span)
        document = parse_span(span, text)
        result.documents.append(document)
        result.texts.append(text)
        result.warnings.extend(document.warnings)
    return result
