"""Ⅱ4 委託."""

from __future__ import annotations

from piagraph.model import Assessment
from piagraph.parse.doctext import DocText


def parse_entrustment(doc: DocText, assessment: Assessment) -> None:
    """Not yet implemented: being written."""
