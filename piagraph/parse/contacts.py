"""Ⅳ/Ⅴ 開示請求・問合せ and Ⅵ 評価実施手続."""

from __future__ import annotations

from piagraph.model import Assessment
from piagraph.parse.doctext import DocText


def parse_contacts(doc: DocText, assessment: Assessment) -> None:
    """Not yet implemented: being written."""
