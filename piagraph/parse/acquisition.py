"""Ⅱ3 入手・使用 (入手元, 入手方法, 使用目的, 使用の主体)."""

from __future__ import annotations

from piagraph.model import Assessment
from piagraph.parse.doctext import DocText


def parse_acquisition(doc: DocText, assessment: Assessment) -> None:
    """Not yet implemented: being written."""
