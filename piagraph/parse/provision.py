"""Ⅱ5 提供・移転."""

from __future__ import annotations

from piagraph.model import Assessment
from piagraph.parse.doctext import DocText


def parse_provision(doc: DocText, assessment: Assessment) -> None:
    """Not yet implemented: being written."""
