"""Ⅱ1-2 ファイルの基本情報 and the 記録項目 attachment."""

from __future__ import annotations

from piagraph.model import Assessment
from piagraph.parse.doctext import DocText


def parse_files(doc: DocText, assessment: Assessment) -> None:
    """Not yet implemented: being written."""
