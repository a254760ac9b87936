"""What every store offers: named-graph replacement, SPARQL SELECT, export, statistics."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from piagraph.terms import PIA, iri


@dataclass
class ResultTable:
    """A SELECT result as plain Python values (str, int, bool, date-as-str, or None)."""

    columns: list[str]
    rows: list[dict[str, object]]

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class GraphUpload:
    """One document's named graph, ready to be written."""

    graph: str  # IRI without <>
    ntriples: str


class Store(ABC):
    """A quad store holding one named graph per ingested document."""

    read_only: bool = False

    @abstractmethod
    def select(self, sparql: str, graphs: Sequence[str] | None = None) -> ResultTable:
        """Run a SELECT (or ASK, returned as one row {'ask': bool}).

        ``graphs`` restricts the named graphs that ``GRAPH ?g`` patterns may match (SPARQL's FROM NAMED):
        per-municipality and per-assessment questions then cost the same in a 20,000-document store as
        in a small one, since Oxigraph does not narrow ``GRAPH ?g`` by bindings found elsewhere."""

    @abstractmethod
    def replace_source(self, source_file: str, uploads: Sequence[GraphUpload]) -> None:
        """Atomically drop every graph that came from ``source_file`` and write ``uploads``."""

    @abstractmethod
    def update(self, sparql_update: str) -> None:
        """Run a SPARQL Update (used for derived graphs, e.g. inferred memberships)."""

    @abstractmethod
    def quad_count(self) -> int: ...

    @abstractmethod
    def export(self, path: str, fmt: str) -> None:
        """Write the whole dataset (ttl writes the union of graphs)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files and locks."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers shared by the backends -----------------------------------------------------------
    def graphs_of_source(self, source_file: str) -> list[str]:
        """Graph IRIs whose document came from ``source_file``."""
        from piagraph.terms import literal

        table = self.select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d <%ssourceDocument> %s } }" % (PIA, literal(source_file))
        )
        return [str(row["g"]) for row in table.rows]

    def content_hashes(self) -> set[str]:
        """Content hashes of the files already loaded (for resumable ingest)."""
        table = self.select("SELECT DISTINCT ?h WHERE { GRAPH ?g { ?d <%scontentHash> ?h } }" % PIA)
        return {str(row["h"]) for row in table.rows}


VOCABULARY_GRAPH = "https://w3id.org/piagraph/graph/vocabulary"


def documents_of_municipalities(store: Store, municipalities: Sequence[str]) -> list[tuple[str, str]]:
    """(graph, document IRI) of every document (assessment or council review) of these municipalities:
    one round trip that both restricts a later query to their graphs and seeds it with their IRIs."""
    from piagraph.terms import literal

    if not municipalities:
        return []
    values = " ".join(literal(m) for m in municipalities)
    table = store.select(
        "SELECT DISTINCT ?g ?d WHERE { VALUES ?m { %s } GRAPH ?g { ?d <%smunicipality> ?m } }" % (values, PIA)
    )
    return sorted((str(r["g"]), str(r["d"])) for r in table.rows)


def graphs_of_municipalities(store: Store, municipalities: Sequence[str]) -> list[str]:
    """The document graphs of these municipalities, plus the vocabulary graph (labels of kinds)."""
    graphs = {graph for graph, _ in documents_of_municipalities(store, municipalities)}
    return [*sorted(graphs), VOCABULARY_GRAPH]


def graphs_of_subjects(store: Store, subjects: Sequence[str]) -> list[str]:
    """The graphs holding these documents (assessment or review IRIs), plus the vocabulary graph."""
    values = " ".join(iri(s) for s in subjects)
    table = store.select(
        "SELECT DISTINCT ?g WHERE { VALUES ?d { %s } GRAPH ?g { ?d <%ssourceDocument> ?f } }" % (values, PIA)
    )
    return [*sorted(str(r["g"]) for r in table.rows), VOCABULARY_GRAPH]


def drop_and_insert_update(old_graphs: Sequence[str], uploads: Sequence[GraphUpload]) -> str:
    """One SPARQL Update that replaces graphs: executed in one transaction it is all-or-nothing."""
    parts = [f"DROP SILENT GRAPH {iri(g)}" for g in old_graphs]
    parts += [f"DROP SILENT GRAPH {iri(u.graph)}" for u in uploads if u.graph not in old_graphs]
    for upload in uploads:
        parts.append(f"INSERT DATA {{ GRAPH {iri(upload.graph)} {{\n{upload.ntriples}}} }}")
    return " ;\n".join(parts)
