"""A decoded text with its lines numbered as in the original file."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SourceText:
    """The text of one input file, split into lines (1-based numbering kept by index + 1)."""

    path: str  # as the user named it (relative paths stay relative, for portable evidence)
    lines: list[str]
    encoding: str
    layout: str  # 'pdf-text' | 'table' (tab-separated rows with HTML fragments) | 'pdf' (read from a PDF)
    content_hash: str = ""
    warnings: list[str] = field(default_factory=list)

    def text(self, start: int = 1, end: int | None = None) -> str:
        """Lines start..end (1-based, inclusive) joined by newlines."""
        stop = len(self.lines) if end is None else end
        return "\n".join(self.lines[start - 1 : stop])


@dataclass
class DocumentSpan:
    """A part of a SourceText holding one document (a file may hold several: seed 004)."""

    source: SourceText
    index: int
    line_start: int  # 1-based inclusive
    line_end: int
    family: str  # 'assessment' | 'answer' (答申) | 'consultation' (諮問) | 'changelog'

    def raw_lines(self) -> list[str]:
        """The text of every line of the span (line ``line_start + i`` at index i)."""
        return self.source.lines[self.line_start - 1 : self.line_end]
