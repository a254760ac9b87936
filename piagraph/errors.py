"""The project's own error types: every failure a user can cause is one of these."""

from __future__ import annotations


class PiagraphError(Exception):
    """Base class: a clear, one-line message for the user."""


class ReadError(PiagraphError):
    """A file could not be read as an assessment text (encoding, binary, empty, too large ...)."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {message}")


class NotAnAssessmentError(PiagraphError):
    """A readable text in which no known form (評価書, 変更箇所, 答申/諮問) was recognised."""


class StoreError(PiagraphError):
    """The store could not be opened, is locked by another writer, or refused a write."""


class QueryError(PiagraphError):
    """A named query is unknown, or a parameter is missing or invalid."""
