"""Any SPARQL 1.1 server as the store (a team's Virtuoso, Fuseki, GraphDB, Oxigraph server ...).

Queries go through SPARQLWrapper (POST). Results come back as TSV from servers that follow the
SPARQL 1.1 CSV/TSV spec, and are parsed into typed values exactly like the embedded store's
(ints, bools, ISO dates as str, IRIs as str), so a named query gives the same rows on both. Virtuoso
is detected by its ``Server`` header: its TSV is not spec TSV (IRIs quoted like strings, booleans as 1,
tabs inside values unescaped) and its JSON is slow (46 s for 60,000 rows where CSV took 2.7 s), so
piagraph asks it for the result set as Turtle (the W3C result-set vocabulary: typed, about as fast
as CSV) and for ASK as JSON.

Writes: one SPARQL Update request per file (one per operation on Virtuoso, see below), POSTed directly
as application/sparql-update (``drop_and_insert_update`` with its INSERT DATA split into blocks of
``chunk_triples``: Virtuoso's SPARQL parser fails above about 5,000 triples in one block). A file whose
graphs are not in the store yet is written straight into its graphs; on failure those graphs are
dropped again. A file already loaded is written into staging graphs first, and the same request ends
with ``DROP`` of the old graphs and ``MOVE`` of the staging graphs into place; on failure the staging
graphs are dropped and the old graphs were never touched.

What that guarantees:
- on a transactional server (Oxigraph server, Fuseki/TDB2, GraphDB, Stardog) one request is one
  transaction: each file is all-or-nothing and readers never see half of it;
- on Virtuoso (its HTTP endpoint commits each operation of a request separately): a failed write
  leaves the earlier graphs of the file as they were (it fails while inserting, before the swap),
  but a reader running at the same moment may see a new document partly written, or, during a
  re-ingest, the staging copy beside the old one. Only a failure inside the final DROP/MOVE (the
  server dying at that instant) can leave a mix; the error says so, and ingesting the file again
  repairs it. As its requests are not transactions anyway, piagraph sends Virtuoso each operation as
  a request of its own (4-5 times faster than one request holding them all). Elsewhere, a request
  larger than ``max_request_bytes`` is split, with the swap in the last one.
- with a Graph Store Protocol endpoint (``graph_store=``, or $PIAGRAPH_GRAPH_STORE) each graph is
  one PUT: atomic per document graph on every server, not per file.

Blank nodes (only the ontology graph has them) are sent as skolem IRIs under their graph's IRI:
Virtuoso refuses blank nodes in INSERT DATA, and one split across two blocks would become two nodes.
Only graphs under https://w3id.org/piagraph/graph/ are counted and exported: a shared server may hold
other data, which piagraph leaves alone.

Credentials: $PIAGRAPH_ENDPOINT_USER / $PIAGRAPH_ENDPOINT_PASSWORD. The scheme (HTTP digest or basic)
and realm are read from the server's challenge, or set with $PIAGRAPH_ENDPOINT_AUTH=digest|basic and
$PIAGRAPH_ENDPOINT_REALM. $PIAGRAPH_ENDPOINT_TIMEOUT: seconds per request (default 600).
"""

from __future__ import annotations

import ast
import contextlib
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from http.client import HTTPException
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import ASK, BASIC, CONSTRUCT, DESCRIBE, DIGEST, JSON, POST, SELECT, SPARQLWrapper
from SPARQLWrapper import SPARQLExceptions as sx

from piagraph.errors import StoreError
from piagraph.store.base import GraphUpload, ResultTable, Store, drop_and_insert_update
from piagraph.store.embedded import _FORMATS, QUAD_FORMATS, term_value
from piagraph.terms import GRAPH, PREFIXES, iri

RS = "http://www.w3.org/2005/sparql-results#"
STAGING = f"{GRAPH}staging/"
ACCEPT_SPEC = "text/tab-separated-values, application/sparql-results+json;q=0.9, application/sparql-results+xml;q=0.8"
ACCEPT_RDF = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_RESULT_FORMATS = {
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
}
_QUERY_FORM = re.compile(r"^\s*(?:(?:#[^\n]*|BASE\s*<[^>]*>|PREFIX\s+[^:\s]*:\s*<[^>]*>)\s*)*(\w+)", re.IGNORECASE)


_SEPARATOR = re.compile(r"""(separator\s*=\s*)("([^"\\]*)"|'([^'\\]*)')""", re.IGNORECASE)


def virtuoso_query(sparql: str) -> tuple[str, dict[str, str], set[str]]:
    """Work around two Virtuoso 7 differences so that its rows equal the embedded store's.

    Its GROUP_CONCAT narrows a non-ASCII separator to "?" (「、」 -> "?"): such separators are sent as
    ASCII control characters and put back in the rows. And it returns "" where Oxigraph leaves an
    aggregate of unbound values unbound: the projections that use GROUP_CONCAT are listed, so that
    "" becomes None in them. Returns (query, {placeholder: separator}, {GROUP_CONCAT columns})."""
    placeholders: dict[str, str] = {}

    def swap(match: re.Match[str]) -> str:
        text = match.group(3) if match.group(3) is not None else match.group(4)
        if text.isascii() or len(placeholders) >= 4:
            return match.group(0)
        mark = next((m for m, t in placeholders.items() if t == text), chr(0x1F - len(placeholders)))
        placeholders[mark] = text
        return f'{match.group(1)}"\\u{ord(mark):04X}"'

    rewritten = _SEPARATOR.sub(swap, sparql)
    concat_columns: set[str] = set()
    code = "\n".join(line for line in rewritten.splitlines() if not line.lstrip().startswith("#"))
    head = re.split(r"\bWHERE\b|\{", code, maxsplit=1, flags=re.IGNORECASE)[0]
    depth, start = 0, 0
    for position, char in enumerate(head):
        if char == "(":
            depth += 1
            start = position if depth == 1 else start
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                projection = head[start : position + 1]
                named = re.search(r"\bAS\s+[?$](\w+)\s*\)$", projection, re.IGNORECASE)
                if named and "GROUP_CONCAT" in projection.upper():
                    concat_columns.add(named.group(1))
    return rewritten, placeholders, concat_columns


def _restore(table: ResultTable, placeholders: dict[str, str], concat_columns: set[str]) -> ResultTable:
    for row in table.rows:
        for name in concat_columns:
            if row.get(name) == "":
                row[name] = None
        if placeholders:
            for name, value in row.items():
                if isinstance(value, str) and any(m in value for m in placeholders):
                    for mark, text in placeholders.items():
                        value = value.replace(mark, text)
                    row[name] = value
    return table


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _server_message(body: object, limit: int = 400) -> str:
    """The useful first part of a server's error page (Virtuoso repeats the whole query after it)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    text = re.sub(r"<[^>]+>", " ", text)  # HTML error pages
    text = text.split("SPARQL query:")[0]
    text = " ".join(text.replace("\\n", " ").split())
    return text[:limit] + ("…" if len(text) > limit else "")


def _response_of(exc: Exception) -> object:
    """The server's answer inside a SPARQLWrapper exception (it keeps only ``repr(body)`` in its message)."""
    _, found, shown = str(exc).partition("Response:\n")
    if found:
        with contextlib.suppress(ValueError, SyntaxError):
            return ast.literal_eval(shown.strip())
    return exc


def _split_ntriples(ntriples: str, size: int) -> Iterator[str]:
    """Blocks of at most ``size`` N-Triples lines (one triple per line, as rdf.py writes them)."""
    lines = ntriples.splitlines(keepends=True)
    for start in range(0, len(lines), size):
        yield "".join(lines[start : start + size])


def skolemize(ntriples: str, graph: str) -> str:
    """Blank nodes -> skolem IRIs (RDF 1.1 §3.5) under the graph's IRI: Virtuoso refuses blank nodes in
    INSERT DATA, and a blank node split across two INSERT DATA blocks would become two nodes."""
    if "_:" not in ntriples:
        return ntriples
    base = f"{graph}/.well-known/genid/"

    def fix(term: Any) -> Any:
        return ox.NamedNode(base + term.value) if isinstance(term, ox.BlankNode) else term

    try:
        triples = [ox.Triple(fix(t.subject), t.predicate, fix(t.object))
                   for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)]
    except SyntaxError as exc:
        raise StoreError(f"graph {graph} is not valid N-Triples: {exc}") from None
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def parse_result_set_turtle(body: bytes) -> ResultTable:
    """A SELECT result written as Turtle in the W3C result-set vocabulary (Virtuoso's fast typed format).

    Rows keep the order in which the server wrote its solutions (that is the ORDER BY order)."""
    variables: list[str] = []
    solutions: list[Any] = []
    bindings: dict[Any, list[Any]] = {}
    names: dict[Any, str] = {}
    values: dict[Any, Any] = {}
    try:
        for triple in ox.parse(body, format=ox.RdfFormat.TURTLE):
            predicate = triple.predicate.value
            if predicate == RS + "resultVariable":
                variables.append(triple.object.value)
            elif predicate == RS + "solution":
                solutions.append(triple.object)
            elif predicate == RS + "binding":
                bindings.setdefault(triple.subject, []).append(triple.object)
            elif predicate == RS + "variable":
                names[triple.subject] = triple.object.value
            elif predicate == RS + "value":
                values[triple.subject] = triple.object
    except SyntaxError as exc:
        raise StoreError(f"the SPARQL server sent a result the store cannot read: {exc}") from None
    rows = []
    for solution in solutions:
        row: dict[str, object] = dict.fromkeys(variables)
        for binding in bindings.get(solution, []):
            if binding in names:
                row[names[binding]] = term_value(values.get(binding))
        rows.append(row)
    return ResultTable(variables, rows)


def parse_results(body: bytes, content_type: str | None) -> ResultTable:
    """SPARQL results in TSV, JSON or XML (any spec-following server) -> typed rows."""
    media = _media_type(content_type)
    if media == "text/turtle":
        return parse_result_set_turtle(body)
    fmt = _RESULT_FORMATS.get(media)
    if fmt is None:
        raise StoreError(f"the SPARQL server answered in {media or 'an unnamed format'}, "
                         "not in SPARQL results (TSV, JSON or XML)")
    try:
        result = ox.parse_query_results(body, format=fmt)
        if isinstance(result, ox.QueryBoolean):
            return ResultTable(["ask"], [{"ask": bool(result)}])
        columns = [v.value for v in result.variables]
        rows = [{name: term_value(solution[name]) for name in columns} for solution in result]
    except SyntaxError as exc:
        raise StoreError(f"the SPARQL server sent results the store cannot read: {exc}") from None
    return ResultTable(columns, rows)


_FIRST_WHERE = re.compile(r"^(?!\s*#)[^\n]*?\b(WHERE\s*\{)", re.IGNORECASE | re.MULTILINE)
NO_GRAPH = f"{GRAPH}none"  # FROM NAMED of an empty list: a graph that never exists (no graph at all)


def with_named_graphs(sparql: str, graphs: Sequence[str]) -> str:
    """The query with FROM NAMED clauses before its first WHERE outside comments (the protocol's
    named-graph-uri); an empty list means no named graph, as in the embedded store."""
    match = _FIRST_WHERE.search(sparql)
    if not match:
        return sparql
    clauses = " ".join(f"FROM NAMED {iri(g)}" for g in graphs or [NO_GRAPH])
    return f"{sparql[: match.start(1)]}{clauses}\n{sparql[match.start(1):]}"


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint (query, and update unless ``read_only``); see the module notes."""

    def __init__(
        self,
        endpoint: str,
        update_endpoint: str | None = None,
        read_only: bool = False,
        *,
        graph_store: str | None = None,
        timeout: float | None = None,
        chunk_triples: int = 2000,
        max_request_bytes: int = 16_000_000,
    ) -> None:
        for url in (endpoint, update_endpoint, graph_store):
            if url and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise StoreError(f"not an http(s) SPARQL endpoint: {url!r}")
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.graph_store = graph_store or os.environ.get("PIAGRAPH_GRAPH_STORE") or None
        self.read_only = read_only
        self.timeout = timeout or float(os.environ.get("PIAGRAPH_ENDPOINT_TIMEOUT", "600"))
        self.chunk_triples = chunk_triples
        self.max_request_bytes = max_request_bytes
        self.user = os.environ.get("PIAGRAPH_ENDPOINT_USER") or None
        self.password = os.environ.get("PIAGRAPH_ENDPOINT_PASSWORD") or ""
        forced = (os.environ.get("PIAGRAPH_ENDPOINT_AUTH") or "").lower()
        if forced and forced not in ("basic", "digest"):
            raise StoreError(f"PIAGRAPH_ENDPOINT_AUTH must be basic or digest, not {forced!r}")
        self._forced_auth = forced or None
        self._auth: dict[str, tuple[str, str | None]] = {}
        self._server: str | None = None  # the Server header, read on first use

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r})"

    # -- HTTP -----------------------------------------------------------------------------------
    def _password_manager(self) -> urllib.request.HTTPPasswordMgrWithDefaultRealm:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in {self.endpoint, self.update_endpoint, self.graph_store} - {None}:
            manager.add_password(None, url, self.user, self.password)
        return manager

    def _opener(self) -> urllib.request.OpenerDirector:
        """For the requests made without SPARQLWrapper (GSP, probes): answers Basic and Digest challenges."""
        if not self.user:
            return urllib.request.build_opener()
        manager = self._password_manager()
        return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager),
                                           urllib.request.HTTPBasicAuthHandler(manager))

    def _auth_for(self, url: str) -> tuple[str, str | None]:
        """(scheme, realm) for SPARQLWrapper: forced by $PIAGRAPH_ENDPOINT_AUTH, else the server's challenge."""
        if url not in self._auth:
            scheme, realm = self._forced_auth or "", os.environ.get("PIAGRAPH_ENDPOINT_REALM") or None
            if not scheme or (scheme == "digest" and not realm):
                challenge = ""
                try:
                    # A plain opener: SPARQLWrapper installs a global one that may already answer challenges.
                    urllib.request.build_opener().open(urllib.request.Request(url, method="GET"), timeout=30)
                except urllib.error.HTTPError as exc:
                    challenge = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
                except (urllib.error.URLError, OSError, HTTPException) as exc:
                    raise self._connection_error(url, exc) from None
                found = re.search(r'realm="([^"]*)"', challenge)
                scheme = scheme or ("digest" if challenge.lower().startswith("digest") else "basic")
                realm = realm or (found.group(1) if found else None)
            self._auth[url] = (scheme, realm)
        return self._auth[url]

    def _wrapper(self, text: str) -> SPARQLWrapper:
        """A query request (updates are POSTed without SPARQLWrapper, see ``update``)."""
        wrapper = SPARQLWrapper(self.endpoint)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)  # the Accept header alone picks the format (no format=json parameters)
        wrapper.setTimeout(int(self.timeout))
        wrapper.setQuery(text)
        # SPARQLWrapper guesses the query form from the first keyword it finds, comments included (a
        # comment saying "dropped" made a SELECT an update): we know which one we send.
        match = _QUERY_FORM.match(text)
        form = match.group(1).upper() if match else ""
        wrapper.queryType = form if form in (SELECT, ASK, CONSTRUCT, DESCRIBE) else SELECT
        if self.user:
            scheme, realm = self._auth_for(self.endpoint)
            wrapper.setHTTPAuth(DIGEST if scheme == "digest" else BASIC)
            wrapper.setCredentials(self.user, self.password, realm=realm or "SPARQL")
        return wrapper

    def _connection_error(self, url: str, exc: BaseException) -> StoreError:
        reason = getattr(exc, "reason", None) or exc
        if isinstance(reason, socket.timeout | TimeoutError):
            return StoreError(f"the SPARQL endpoint {url} did not answer within {self.timeout:.0f} s")
        return StoreError(f"cannot connect to the SPARQL endpoint {url}: {reason} "
                          "(is the server running? check --endpoint / $PIAGRAPH_ENDPOINT)")

    def _http_error(self, url: str, exc: Exception, what: str) -> StoreError:
        if isinstance(exc, sx.Unauthorized) or getattr(exc, "code", None) == 401:
            hint = ("set PIAGRAPH_ENDPOINT_USER and PIAGRAPH_ENDPOINT_PASSWORD" if not self.user
                    else f"the server refused user {self.user!r}")
            return StoreError(f"the SPARQL endpoint {url} needs credentials for this {what}: {hint}")
        if isinstance(exc, sx.EndPointNotFound) or getattr(exc, "code", None) == 404:
            return StoreError(f"no SPARQL endpoint at {url} (HTTP 404)")
        if getattr(exc, "code", None) == 403:
            return StoreError(f"the SPARQL endpoint {url} does not allow this {what} (HTTP 403): "
                              "the user may need update rights")
        if isinstance(exc, sx.QueryBadFormed):
            return StoreError(f"the SPARQL server refused the {what}: {_server_message(_response_of(exc))}")
        body = exc.read() if isinstance(exc, urllib.error.HTTPError) else _response_of(exc)
        return StoreError(f"the SPARQL server at {url} failed on the {what}: {_server_message(body)}")

    def _send(self, wrapper: SPARQLWrapper, url: str, what: str) -> tuple[bytes, str]:
        """Run a request; return (body, content type) or raise a StoreError that says what went wrong."""
        try:
            result = wrapper.query()
            body = result.response.read()
            info = result.info()
        except (sx.SPARQLWrapperException, urllib.error.HTTPError) as exc:
            raise self._http_error(url, exc, what) from None
        except (urllib.error.URLError, OSError, HTTPException) as exc:
            raise self._connection_error(url, exc) from None
        if self._server is None:
            self._server = info.get("server", "") or ""
        return body, info.get("content-type", "")

    def _is_virtuoso(self) -> bool:
        if self._server is None:
            wrapper = self._wrapper("ASK {}")
            wrapper.setReturnFormat(JSON)
            self._send(wrapper, self.endpoint, "query")
        return "virtuoso" in (self._server or "").lower()

    # -- reading --------------------------------------------------------------------------------
    def select(self, sparql: str, graphs: Sequence[str] | None = None) -> ResultTable:
        if graphs is not None:
            sparql = with_named_graphs(sparql, graphs)
        match = _QUERY_FORM.match(sparql)
        form = (match.group(1) if match else "").upper()
        if form in ("CONSTRUCT", "DESCRIBE"):
            raise StoreError("CONSTRUCT/DESCRIBE queries are not tables; use export instead")
        virtuoso = self._is_virtuoso()
        placeholders: dict[str, str] = {}
        concat_columns: set[str] = set()
        if virtuoso:
            sparql, placeholders, concat_columns = virtuoso_query(sparql)
        wrapper = self._wrapper(sparql)
        if form == "ASK":
            wrapper.setReturnFormat(JSON)
        else:
            wrapper.addCustomHttpHeader("Accept", "text/turtle" if virtuoso else ACCEPT_SPEC)
        body, content_type = self._send(wrapper, self.endpoint, "query")
        return _restore(parse_results(body, content_type), placeholders, concat_columns)

    def quad_count(self) -> int:
        table = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                            f'FILTER(STRSTARTS(STR(?g), "{GRAPH}")) }}')
        return int(table.rows[0]["n"] or 0) if table.rows else 0

    def named_graphs(self) -> list[str]:
        """piagraph's graphs (a shared server may hold others: they are left alone)."""
        table = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                            f'FILTER(STRSTARTS(STR(?g), "{GRAPH}")) }}')
        return sorted(str(row["g"]) for row in table.rows)

    def _graph_triples(self, graph: str) -> list[ox.Triple]:
        if self.graph_store:
            url = f"{self.graph_store}?{urllib.parse.urlencode({'graph': graph})}"
            body, content_type = self._http("GET", url, None, {"Accept": ACCEPT_RDF}, "export")
        else:
            wrapper = self._wrapper(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}")
            wrapper.addCustomHttpHeader("Accept", ACCEPT_RDF)
            body, content_type = self._send(wrapper, self.endpoint, "export")
        fmt = ox.RdfFormat.from_media_type(_media_type(content_type)) or ox.RdfFormat.TURTLE
        try:
            return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=fmt)]
        except SyntaxError as exc:
            raise StoreError(f"the SPARQL server sent graph {graph} in a form the store cannot read: {exc}") from None

    def export(self, path: str, fmt: str) -> None:
        if fmt not in _FORMATS:
            raise StoreError(f"unknown export format {fmt!r}; use one of {', '.join(sorted(_FORMATS))}")
        graphs = self.named_graphs()
        if fmt in QUAD_FORMATS:
            def quads() -> Iterator[ox.Quad]:  # one graph in memory at a time
                for graph in graphs:
                    name = ox.NamedNode(graph)
                    for t in self._graph_triples(graph):
                        yield ox.Quad(t.subject, t.predicate, t.object, name)

            ox.serialize(quads(), path, format=_FORMATS[fmt], prefixes=PREFIXES if fmt == "trig" else None)
        else:
            triples = {t for graph in graphs for t in self._graph_triples(graph)}
            ox.serialize(sorted(triples, key=str), path, format=_FORMATS[fmt], prefixes=PREFIXES)

    # -- writing --------------------------------------------------------------------------------
    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("the store was opened read-only")

    def update(self, sparql_update: str) -> None:
        """One SPARQL 1.1 Protocol "update via POST directly" request.

        Not through SPARQLWrapper: it scans the whole text with regexes and URL-encodes it, which cost
        more client CPU than the server's work on a file's INSERT DATA (ingest --endpoint into Virtuoso:
        about 60 % of the writer's time)."""
        self._writable()
        self._http("POST", self.update_endpoint, sparql_update.encode("utf-8"),
                   {"Content-Type": "application/sparql-update; charset=utf-8"}, "update")

    def _http(self, method: str, url: str, data: bytes | None, headers: dict[str, str],
              what: str) -> tuple[bytes, str]:
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with self._opener().open(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            raise self._http_error(url, exc, what) from None
        except (urllib.error.URLError, OSError, HTTPException) as exc:
            raise self._connection_error(url, exc) from None

    def _requests(self, operations: Sequence[str]) -> list[str]:
        """Operations joined into update requests of at most ``max_request_bytes`` each."""
        requests: list[str] = []
        current: list[str] = []
        size = 0
        for op in operations:
            if current and size + len(op) > self.max_request_bytes:
                requests.append(" ;\n".join(current))
                current, size = [], 0
            current.append(op)
            size += len(op) + 3
        if current:
            requests.append(" ;\n".join(current))
        return requests

    def replace_source(self, source_file: str, uploads: Sequence[GraphUpload]) -> None:
        self._writable()
        old = self.graphs_of_source(source_file)
        if self.graph_store:
            self._replace_by_graph_store(source_file, old, uploads)
            return
        # Re-ingest: write beside the old graphs, swap at the end. New file: write in place.
        staging = {u.graph: f"{STAGING}{uuid.uuid4().hex}/{n}" for n, u in enumerate(uploads)} if old else {}
        blocks = [GraphUpload(staging.get(u.graph, u.graph), block) for u in uploads
                  for block in _split_ntriples(skolemize(u.ntriples, u.graph), self.chunk_triples)]
        written = sorted({b.graph for b in blocks} | ({u.graph for u in uploads} if not staging else set()))
        # The operations of drop_and_insert_update, with each graph's INSERT DATA split into blocks.
        inserts = [f"DROP SILENT GRAPH {iri(g)}" for g in written]
        inserts += [drop_and_insert_update([], [b]).split(" ;\n", 1)[1] for b in blocks]
        swap = [f"DROP SILENT GRAPH {iri(g)}" for g in old if g not in staging]
        swap += [f"MOVE SILENT GRAPH {iri(s)} TO GRAPH {iri(g)}" for g, s in staging.items()]
        swap += [f"DROP SILENT GRAPH {iri(u.graph)}" for u in uploads if not u.ntriples.strip() and staging]
        if self._is_virtuoso():
            # Virtuoso commits each operation of a request on its own anyway, and runs them 4-5 times
            # faster as separate requests (a file's DROP + INSERT DATA at 2,000 documents: 0.3 s in one
            # request, 0.06-0.09 s in two).
            requests, swap_request = [*inserts, *swap], len(inserts)
        else:
            requests = self._requests(inserts)
            if swap and requests and len(requests[-1]) + sum(len(s) + 3 for s in swap) <= self.max_request_bytes:
                requests[-1] += " ;\n" + " ;\n".join(swap)
            elif swap:
                requests.append(" ;\n".join(swap))
            swap_request = len(requests) - 1 if swap else len(requests)
        for number, text in enumerate(requests):
            try:
                self.update(text)
            except StoreError as exc:
                if number >= swap_request and len(requests) > 1:
                    raise StoreError(f"writing {source_file} failed while swapping its graphs; the store may "
                                     f"hold part of the change: ingest the file again ({exc})") from None
                self._drop_quietly(written)
                raise StoreError(f"writing {source_file} failed, store unchanged: {exc}") from None

    def _drop_quietly(self, graphs: Sequence[str]) -> None:
        if graphs:
            with contextlib.suppress(StoreError):  # the original error is the one to report
                self.update(" ;\n".join(f"DROP SILENT GRAPH {iri(g)}" for g in graphs))

    def _replace_by_graph_store(self, source_file: str, old: Sequence[str], uploads: Sequence[GraphUpload]) -> None:
        """One HTTP PUT per document graph (Turtle: N-Triples is a subset every server reads)."""
        assert self.graph_store
        done: list[str] = []
        try:
            for upload in uploads:
                url = f"{self.graph_store}?{urllib.parse.urlencode({'graph': upload.graph})}"
                self._http("PUT", url, skolemize(upload.ntriples, upload.graph).encode("utf-8"),
                           {"Content-Type": "text/turtle; charset=utf-8"}, "upload")
                done.append(upload.graph)
            for graph in old:
                if graph not in done:
                    url = f"{self.graph_store}?{urllib.parse.urlencode({'graph': graph})}"
                    try:
                        self._http("DELETE", url, None, {}, "delete")
                    except StoreError as exc:
                        if "404" not in str(exc):
                            raise
        except StoreError as exc:
            if not old:
                self._drop_quietly(done)
                raise StoreError(f"writing {source_file} failed, store unchanged: {exc}") from None
            raise StoreError(f"writing {source_file} failed after {len(done)} of {len(uploads)} graph(s); "
                             f"ingest the file again ({exc})") from None
