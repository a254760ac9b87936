"""変更箇所 tables."""

from __future__ import annotations

from piagraph.model import Assessment
from piagraph.parse.doctext import DocText


def parse_changes(doc: DocText, assessment: Assessment) -> None:
    """Not yet implemented: being written."""
