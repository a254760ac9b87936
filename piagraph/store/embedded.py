"""The embedded on-disk store: Oxigraph (RocksDB) through pyoxigraph.

Chosen by measurement (benchmarks/STORE_ENGINES.md): its bulk loader and on-disk indexes keep memory
bounded and queries fast where rdflib's memory store needs the whole corpus in RAM.

Concurrency: one writer at a time (an exclusive lock on ``access.lock``); readers take a shared
lock, so a read never sees a half-written ingest, and a second ingest is refused with a clear message.
Each document replacement is one SPARQL Update, which Oxigraph applies in one transaction.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from piagraph.errors import StoreError
from piagraph.store.base import GraphUpload, ResultTable, Store, drop_and_insert_update
from piagraph.terms import PREFIXES

DEFAULT_STORE = "piagraph-store"
_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}
QUAD_FORMATS = {"nq", "trig", "jsonld"}


_XSD = "http://www.w3.org/2001/XMLSchema#"


def _integer(value: str) -> object:
    try:
        return int(value)
    except ValueError:
        return value


def _number(value: str) -> object:
    try:
        return float(value)
    except ValueError:
        return value


# Typed literals that become Python values, by datatype IRI; every other literal is its lexical form.
# One dict lookup per value: result tables hold thousands of values, and this runs for each.
_CONVERT = {
    f"{_XSD}integer": _integer, f"{_XSD}int": _integer, f"{_XSD}long": _integer,
    f"{_XSD}boolean": lambda value: value in ("true", "1"),
    f"{_XSD}decimal": _number, f"{_XSD}double": _number,
}
_NODES = (ox.NamedNode, ox.BlankNode)


def term_value(term: object) -> object:
    """pyoxigraph term -> plain Python value (IRIs and strings as str; numbers, booleans typed)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        convert = _CONVERT.get(term.datatype.value)
        return term.value if convert is None else convert(term.value)
    if isinstance(term, _NODES):
        return term.value
    return str(term)


class EmbeddedStore(Store):
    """An Oxigraph store in ``path`` (created on first write)."""

    def __init__(self, path: str | os.PathLike[str], read_only: bool = False, wait: float = 30.0) -> None:
        self.path = Path(path)
        self.read_only = read_only
        data_dir = self.path / "oxigraph"
        if read_only and not data_dir.exists():
            raise StoreError(f"no store at {self.path}: run `piagraph ingest` first (or pass --store)")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the store at {self.path}: {exc.strerror or exc}") from None
        self._lock_file = open(self.path / "access.lock", "a+")  # noqa: SIM115 - held for the store's life
        self._acquire(wait)
        try:
            self._store = ox.Store.read_only(str(data_dir)) if read_only else ox.Store(str(data_dir))
        except OSError as exc:
            self._release()
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from None

    def _acquire(self, wait: float) -> None:
        mode = fcntl.LOCK_SH if self.read_only else fcntl.LOCK_EX
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(self._lock_file, mode | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self._lock_file.close()
                    what = "read" if self.read_only else "write"
                    raise StoreError(
                        f"the store at {self.path} is being written by another piagraph process; "
                        f"cannot {what} it now (try again when that ingest has finished)"
                    ) from None
                time.sleep(0.1)
                continue
            break
        if not self.read_only:
            self._lock_file.seek(0)
            self._lock_file.truncate()
            self._lock_file.write(f"{os.getpid()}\n")
            self._lock_file.flush()

    def _release(self) -> None:
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
        finally:
            self._lock_file.close()

    def close(self) -> None:
        if getattr(self, "_store", None) is not None:
            if not self.read_only:
                self._store.flush()
            self._store = None
            self._release()

    # -- reading -------------------------------------------------------------------------------
    def select(self, sparql: str, graphs: Sequence[str] | None = None) -> ResultTable:
        named = None if graphs is None else [ox.NamedNode(g) for g in graphs]
        try:
            result = self._store.query(sparql, named_graphs=named)
        except SyntaxError as exc:
            raise StoreError(f"SPARQL syntax error: {exc}") from None
        if isinstance(result, ox.QueryBoolean):
            return ResultTable(["ask"], [{"ask": bool(result)}])
        if isinstance(result, ox.QueryTriples):
            raise StoreError("CONSTRUCT/DESCRIBE queries are not tables; use export instead")
        columns = [v.value for v in result.variables]
        # A solution iterates over its values in the order of the variables (None where unbound).
        rows = [dict(zip(columns, map(term_value, solution), strict=True)) for solution in result]
        return ResultTable(columns, rows)

    def quad_count(self) -> int:
        return len(self._store)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs())

    # -- writing -------------------------------------------------------------------------------
    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("the store was opened read-only")

    def replace_source(self, source_file: str, uploads: Sequence[GraphUpload]) -> None:
        self._writable()
        old = self.graphs_of_source(source_file)
        try:
            self._store.update(drop_and_insert_update(old, uploads))
        except (SyntaxError, OSError) as exc:
            raise StoreError(f"writing {source_file} failed, store unchanged: {exc}") from None

    def bulk_add(self, nquads: str | bytes, *, trusted: bool = False) -> None:
        """Fast path for documents not yet in the store (resumable ingest at scale).

        ``trusted``: the N-Quads come from piagraph's own graph builder, whose IRIs are checked and
        literals escaped as they are made (:mod:`piagraph.terms`), so Oxigraph's parser may skip its
        own validation (``lenient``; loading 1 M quads alone: 21 → 16–19 µs a quad). Given as UTF-8
        bytes, the text is not converted again on its way to the loader (24–25 µs a quad as a str)."""
        self._writable()
        data = nquads.encode("utf-8") if isinstance(nquads, str) else nquads
        self._store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=trusted)

    def update(self, sparql_update: str) -> None:
        self._writable()
        try:
            self._store.update(sparql_update)
        except SyntaxError as exc:
            raise StoreError(f"SPARQL Update syntax error: {exc}") from None

    def optimize(self) -> None:
        self._writable()
        self._store.optimize()

    def export(self, path: str, fmt: str) -> None:
        if fmt not in _FORMATS:
            raise StoreError(f"unknown export format {fmt!r}; use one of {', '.join(sorted(_FORMATS))}")
        if fmt in QUAD_FORMATS:
            self._store.dump(path, format=_FORMATS[fmt])
        else:
            # Triple formats hold no graph names: write the union of all documents' graphs.
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in self._store}
            ox.serialize(sorted(triples, key=str), path, format=_FORMATS[fmt], prefixes=PREFIXES)
