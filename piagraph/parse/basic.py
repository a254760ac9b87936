"""Ⅰ1 事務, Ⅰ3 ファイル名, Ⅰ4 個人番号の利用 法令上の根拠, Ⅰ5 情報連携, Ⅰ6 担当部署."""

from __future__ import annotations

from piagraph.model import Assessment
from piagraph.parse.doctext import DocText


def parse_basic(doc: DocText, assessment: Assessment) -> None:
    """Not yet implemented: being written."""
