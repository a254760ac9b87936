"""Open one input file (text or PDF) as a SourceText, with size limits and clear errors."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from piagraph.errors import ReadError
from piagraph.read.decode import decode_bytes
from piagraph.read.pdf import pdf_lines
from piagraph.read.source import SourceText

DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # an assessment is < 1 MB; raise with --max-size for odd files
TEXT_SUFFIXES = {".txt", ".text", ".tsv", ".csv", ".md", ".pdf", ""}


def detect_layout(lines: list[str]) -> str:
    """'table' when most non-empty lines are tab-separated rows (seeds 001/003), else 'pdf-text'."""
    filled = [line for line in lines if line.strip()]
    if not filled:
        return "pdf-text"
    tabbed = sum(1 for line in filled if "\t" in line)
    return "table" if tabbed / len(filled) > 0.3 else "pdf-text"


def source_name(path: str) -> str:
    """The name a file is recorded under (the evidence's sourceFile, the store's key when the file is
    ingested again): its path, except that the bytes of a name that is not UTF-8 (lone surrogates
    once Python has decoded it) are written as \\xNN escapes. RDF text cannot hold them, and two
    such names must stay two names."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return path


def read_path(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> SourceText:
    """Read ``path`` into numbered lines. Raises ReadError (naming the file) on any bad input."""
    name = str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise ReadError(name, f"cannot read: {exc.strerror or exc}") from None
    if not p.is_file():
        raise ReadError(name, "not a regular file")
    if size > max_bytes:
        raise ReadError(name, f"file is {size / 1e6:.0f} MB, over the limit of {max_bytes / 1e6:.0f} MB (--max-size)")
    try:
        with p.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ReadError(name, f"cannot read: {exc.strerror or exc}") from None
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(b"%PDF"):
        lines = pdf_lines(name)
        return SourceText(source_name(name), lines, "pdf", "pdf", digest)
    text, encoding = decode_bytes(data, name)
    # Normalise line endings (CRLF, CR) without renumbering: each physical line stays one line.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    return SourceText(source_name(name), lines, encoding, detect_layout(lines), digest)
