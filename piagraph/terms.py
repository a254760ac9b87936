"""N-Triples terms: the one place that spells IRIs and escapes literals.

Terms are kept as N-Triples strings so that a document's graph is plain text that any backend
loads (Oxigraph bulk loader, SPARQL Update, Graph Store Protocol) and that crosses process
boundaries cheaply when parsing runs in a pool.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

PIA = "https://w3id.org/piagraph/ontology#"
KINDS = "https://w3id.org/piagraph/kinds/"
ID = "https://w3id.org/piagraph/id/"
GRAPH = "https://w3id.org/piagraph/graph/"
LAW = "https://w3id.org/piagraph/law/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"

PREFIXES = {
    "pia": PIA,
    "kind": KINDS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": XSD,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dpv": "https://w3id.org/dpv#",
    "prov": "http://www.w3.org/ns/prov#",
}

# Characters never allowed raw inside an IRI reference (RFC 3987 + N-Triples).
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def segment(text: str) -> str:
    """Percent-encode any text (document titles, names) into one safe IRI path segment. Never raises:
    a lone surrogate, which is not text (file names are escaped before they get here, see
    :func:`piagraph.read.files.source_name`), is encoded as its code point's UTF-8 form."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="-._~")


def iri(value: str) -> str:
    """``<value>`` after checking it is a valid absolute IRI; raises ValueError otherwise."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value) or _IRI_FORBIDDEN.search(value):
        raise ValueError(f"not a valid IRI: {value!r}")
    return f"<{value}>"


def pia(local: str) -> str:
    return f"<{PIA}{local}>"


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_ESCAPE_RE = re.compile(r'[\\"\n\r\t\b\f\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]')


def _escape(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        ch = match.group(0)
        if ch in _ESCAPES:
            return _ESCAPES[ch]
        if 0xD800 <= ord(ch) <= 0xDFFF:
            return "\ufffd"  # lone surrogate from a broken decoder: not representable in RDF
        return f"\\u{ord(ch):04X}"

    return _ESCAPE_RE.sub(repl, text)


def literal(value: str | int | bool | dt.date, lang: str | None = None) -> str:
    """A typed or plain literal: str -> xsd:string (or @lang), int, bool, date."""
    if isinstance(value, bool):
        return f'"{"true" if value else "false"}"^^<{XSD}boolean>'
    if isinstance(value, int):
        return f'"{value}"^^<{XSD}integer>'
    if isinstance(value, dt.date):
        return f'"{value.isoformat()}"^^<{XSD}date>'
    text = _escape(str(value))
    if lang:
        return f'"{text}"@{lang}'
    return f'"{text}"'


def date_literal(iso: str) -> str:
    return f'"{_escape(iso)}"^^<{XSD}date>'
