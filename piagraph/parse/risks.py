"""Ⅲ リスク対策 ratings and 重大事故."""

from __future__ import annotations

from piagraph.model import Assessment
from piagraph.parse.doctext import DocText


def parse_risks(doc: DocText, assessment: Assessment) -> None:
    """Not yet implemented: being written."""
