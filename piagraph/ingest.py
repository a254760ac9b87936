"""Ingest: files -> parse -> RDF -> store, one file at a time, each file all-or-nothing.

Parsing runs in a process pool when there are many files (both cores), while the parent is the only
writer to the store. A file that fails to read or parse leaves the store as it was; the others go on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from piagraph.errors import PiagraphError
from piagraph.model import Assessment, CouncilReview
from piagraph.parse import parse_source
from piagraph.rdf import document_graph
from piagraph.read import DEFAULT_MAX_BYTES, read_path
from piagraph.store.base import GraphUpload, Store
from piagraph.vocabulary import load_vocabulary

INPUT_SUFFIXES = {".txt", ".text", ".tsv", ".pdf"}


@dataclass
class DocumentSummary:
    """What was recognised in one document, for the user's per-file report."""

    index: int
    kind: str  # 全項目評価書, 重点項目評価書, 基礎項目評価書, 変更箇所, 答申, 諮問
    label: str  # municipality + number + title, as far as known
    counts: dict[str, int] = field(default_factory=dict)
    graph: str = ""


@dataclass
class FileResult:
    """The outcome for one input file (picklable: it crosses the process pool)."""

    path: str
    status: str  # loaded | unchanged | failed
    documents: list[DocumentSummary] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    uploads: list[GraphUpload] = field(default_factory=list)
    content_hash: str = ""
    triples: int = 0


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def documents(self) -> int:
        return sum(len(f.documents) for f in self.files)


def display_path(path: str) -> str:
    """The path recorded as evidence: relative to the working directory when inside it."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    return relative if not relative.startswith("..") else absolute


def iter_input_files(paths: Iterable[str], errors: list[FileResult]) -> Iterator[str]:
    """Files named, and files below folders named (sorted, hidden ones skipped, links not followed
    into loops). Problems (missing paths, unreadable folders) are reported, not raised."""
    for path in paths:
        if os.path.isdir(path):
            seen: set[tuple[int, int]] = set()
            def on_error(exc: OSError, top: str = path) -> None:
                errors.append(FileResult(display_path(exc.filename or top), "failed",
                                         error=f"cannot list folder: {exc.strerror}"))

            for root, dirs, files in os.walk(path, followlinks=True, onerror=on_error):
                stat = os.stat(root)
                if (stat.st_dev, stat.st_ino) in seen:
                    errors.append(FileResult(display_path(root), "failed", error="symbolic link loop; skipped"))
                    dirs[:] = []
                    continue
                seen.add((stat.st_dev, stat.st_ino))
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or name.upper().startswith("README"):
                        continue
                    if os.path.splitext(name)[1].lower() in INPUT_SUFFIXES:
                        yield display_path(os.path.join(root, name))
        elif os.path.exists(path) or os.path.islink(path):
            yield display_path(path)
        else:
            errors.append(FileResult(display_path(path), "failed", error="no such file or folder"))


def _counts(document: Assessment | CouncilReview) -> dict[str, int]:
    if isinstance(document, CouncilReview):
        return {"conditions": len(document.conditions)}
    flows: dict[str, int] = {}
    for flow in document.flows:
        flows[flow.kind] = flows.get(flow.kind, 0) + 1
    return {
        "systems": len(document.systems),
        "files": len(document.files),
        "record items": sum(len(f.record_items) for f in document.files),
        "flows": len(document.flows),
        **{k.lower() + "s": v for k, v in sorted(flows.items())},
        "risks": len(document.risks),
        "changes": len(document.changes),
    }


def summarise(document: Assessment | CouncilReview) -> DocumentSummary:
    if isinstance(document, CouncilReview):
        label = " ".join(x for x in (document.fact("council"), document.fact("number"), document.fact("subject")) if x)
        return DocumentSummary(document.document_index, document.doc_type, label or "(unnamed)", _counts(document))
    kind = "変更箇所" if document.change_log_only else f"{document.kind or '?'}評価書"
    parts = [document.municipality, f"No.{document.number}" if document.number else None, document.fact("title")]
    return DocumentSummary(document.document_index, kind, " ".join(p for p in parts if p) or "(unnamed)",
                           _counts(document))


def process_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES, display_name: str | None = None) -> FileResult:
    """Read, parse and build the graphs of one file. Never raises for bad input.

    ``display_name`` replaces the path in the evidence (e.g. an uploaded file's own name)."""
    try:
        source = read_path(path, max_bytes=max_bytes)
        if display_name:
            source.path = display_name
            path = display_name
        result = parse_source(source)
    except PiagraphError as exc:
        return FileResult(path, "failed", error=str(exc))
    except RecursionError:
        return FileResult(path, "failed", error=f"{path}: document too deeply nested to parse")
    out = FileResult(path, "loaded", content_hash=source.content_hash)
    out.warnings = [str(w) for w in result.warnings]
    for document in result.documents:
        graph = document_graph(document, source.content_hash)
        summary = summarise(document)
        summary.graph = graph.graph
        out.documents.append(summary)
        out.uploads.append(GraphUpload(graph.graph, graph.ntriples()))
        out.triples += len(graph.triples)
    return out


def ingest(
    paths: Iterable[str],
    store: Store,
    *,
    workers: int = 1,
    skip_unchanged: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_file: Callable[[FileResult], None] | None = None,
) -> IngestReport:
    """Ingest files and folders into ``store``. Re-ingesting a file replaces its graphs."""
    started = time.monotonic()
    report = IngestReport()
    problems: list[FileResult] = []
    files = list(iter_input_files(paths, problems))
    for problem in problems:
        report.files.append(problem)
        if on_file:
            on_file(problem)
    known = store.content_hashes() if skip_unchanged else set()
    load_vocabulary(store)

    def write(result: FileResult) -> None:
        if result.status == "loaded":
            if skip_unchanged and result.content_hash in known:
                result.status = "unchanged"
            else:
                try:
                    store.replace_source(result.path, result.uploads)
                except PiagraphError as exc:
                    result.status, result.error = "failed", str(exc)
        result.uploads = []  # release the text: memory stays bounded by one document
        report.files.append(result)
        if on_file:
            on_file(result)

    if workers > 1 and len(files) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(process_file, files, [max_bytes] * len(files), chunksize=4):
                write(result)
    else:
        for path in files:
            write(process_file(path, max_bytes))
    report.seconds = time.monotonic() - started
    return report
