"""Stores: the embedded on-disk default and any SPARQL 1.1 endpoint, behind one interface."""

from __future__ import annotations

import os

from piagraph.store.base import GraphUpload, ResultTable, Store
from piagraph.store.embedded import DEFAULT_STORE, EmbeddedStore


def store_path(path: str | None = None) -> str:
    """--store PATH, else $PIAGRAPH_STORE, else ./piagraph-store."""
    return path or os.environ.get("PIAGRAPH_STORE") or DEFAULT_STORE


def open_store(
    path: str | None = None,
    *,
    endpoint: str | None = None,
    update_endpoint: str | None = None,
    read_only: bool = False,
) -> Store:
    """Open the store a command works on: a SPARQL endpoint when given, else the embedded store."""
    if endpoint:
        from piagraph.store.remote import RemoteStore

        return RemoteStore(endpoint, update_endpoint=update_endpoint, read_only=read_only)
    return EmbeddedStore(store_path(path), read_only=read_only)


__all__ = ["DEFAULT_STORE", "EmbeddedStore", "GraphUpload", "ResultTable", "Store", "open_store", "store_path"]
