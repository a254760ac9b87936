"""Readers: bytes (text or PDF) -> numbered lines -> document spans."""

from piagraph.read.files import DEFAULT_MAX_BYTES, detect_layout, read_path
from piagraph.read.source import DocumentSpan, SourceText
from piagraph.read.split import split_documents

__all__ = ["DEFAULT_MAX_BYTES", "DocumentSpan", "SourceText", "detect_layout", "read_path", "split_documents"]
