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
    def select(self, sparql: str) -> ResultTable:
        """Run a SELECT (or ASK, returned as one row {'ask': bool})."""

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


def drop_and_insert_update(old_graphs: Sequence[str], uploads: Sequence[GraphUpload]) -> str:
    """One SPARQL Update that replaces graphs: executed in one transaction it is all-or-nothing."""
    parts = [f"DROP SILENT GRAPH {iri(g)}" for g in old_graphs]
    parts += [f"DROP SILENT GRAPH {iri(u.graph)}" for u in uploads if u.graph not in old_graphs]
    for upload in uploads:
        parts.append(f"INSERT DATA {{ GRAPH {iri(upload.graph)} {{\n{upload.ntriples}}} }}")
    return " ;\n".join(parts)
