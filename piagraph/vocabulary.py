"""The ontology and SKOS schemes as one named graph in the store, so queries can read labels."""

from __future__ import annotations

import pyoxigraph as ox

from piagraph.paths import ONTOLOGY_DIR
from piagraph.store.base import VOCABULARY_GRAPH, GraphUpload, Store

VOCABULARY_FILES = ("piagraph.ttl", "kinds.ttl")


def vocabulary_ntriples() -> str:
    """piagraph.ttl and kinds.ttl as N-Triples."""
    triples: list[ox.Triple] = []
    for name in VOCABULARY_FILES:
        path = ONTOLOGY_DIR / name
        if path.exists():
            triples.extend(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def load_vocabulary(store: Store) -> None:
    """Replace the vocabulary graph (cheap: a few thousand triples)."""
    store.replace_source("piagraph:vocabulary", [GraphUpload(VOCABULARY_GRAPH, vocabulary_ntriples())])
