"""別添1 事務の内容: numbered steps of the 備考."""

from __future__ import annotations

from piagraph.model import Assessment
from piagraph.parse.doctext import DocText


def parse_flow_steps(doc: DocText, assessment: Assessment) -> None:
    """Not yet implemented: being written."""
