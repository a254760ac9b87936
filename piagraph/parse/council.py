"""Council documents (答申, 諮問) of a municipal privacy council."""

from __future__ import annotations

from piagraph.model import CouncilReview
from piagraph.parse.doctext import DocText


def parse_council(doc: DocText, review: CouncilReview) -> None:
    """Not yet implemented: being written."""
