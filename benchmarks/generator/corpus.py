"""Stream a benchmark corpus to disk: one document at a time, plus manifest.csv."""

from __future__ import annotations

import argparse
import csv
import multiprocessing as mp
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from .content import Options, build, rng_for
from .forms import build_items
from .layout import assemble
from .model import Doc
from .render_pdf import PdfRenderer
from .render_tsv import TsvRenderer

MANIFEST_FIELDS = ("file", "municipality", "prefecture", "code", "evaluating_body", "affair", "affair_name", "kind",
                   "layout", "number", "published", "published_iso", "systems", "files", "contractors",
                   "provisions", "transfers", "changes", "steps", "bytes")


def render(doc: Doc, opt: Options) -> str:
    """The text of one document. Content, wording/layout and shuffle each use their own RNG stream."""
    items = build_items(doc, rng_for("form", opt.seed, doc.index))
    r = rng_for("render", opt.seed, doc.index)
    pages = (PdfRenderer(r) if doc.layout == "pdf" else TsvRenderer(r)).render(items)
    shuffle_seed = opt.seed if opt.shuffle_seed is None else opt.shuffle_seed
    return assemble(pages, rng_for("shuffle", shuffle_seed, doc.index) if opt.shuffle else None)


def manifest_row(doc: Doc, size: int) -> dict[str, object]:
    return {
        "file": doc.file_name, "municipality": doc.municipality, "prefecture": doc.prefecture, "code": doc.code,
        "evaluating_body": doc.body, "affair": doc.affair.key, "affair_name": doc.affair_name, "kind": doc.kind,
        "layout": doc.layout, "number": doc.number, "published": doc.published_text,
        "published_iso": doc.published.isoformat(), "systems": len(doc.systems), "files": len(doc.files),
        "contractors": sum(len(f.entrustments) for f in doc.files),
        "provisions": sum(len(f.provisions) for f in doc.files),
        "transfers": sum(len(f.transfers) for f in doc.files),
        "changes": len(doc.changes), "steps": sum(len(s) for _, s in doc.steps), "bytes": size,
    }


def generate_document(index: int, opt: Options) -> tuple[str, dict[str, object]]:
    """Text and manifest row of document `index`; depends only on (opt, index)."""
    doc = build(index, opt)
    text = render(doc, opt)
    return text, manifest_row(doc, len(text.encode("utf-8")))


def _write_one(args: tuple[int, Options, str]) -> dict[str, object]:
    index, opt, out = args
    text, row = generate_document(index, opt)
    with open(Path(out) / str(row["file"]), "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    return row


def write_corpus(count: int, out: Path, opt: Options, jobs: int = 1) -> Iterator[dict[str, object]]:
    """Write `count` documents and manifest.csv into `out`, yielding manifest rows in index order."""
    out.mkdir(parents=True, exist_ok=True)
    tasks = ((i, opt, str(out)) for i in range(count))
    with open(out / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
        writer.writeheader()
        if jobs > 1:
            with mp.get_context("spawn").Pool(jobs) as pool:
                for row in pool.imap(_write_one, tasks, chunksize=16):
                    writer.writerow(row)
                    yield row
        else:
            for task in tasks:
                row = _write_one(task)
                writer.writerow(row)
                yield row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate a synthetic 特定個人情報保護評価書 corpus for benchmarks.")
    ap.add_argument("--count", type=int, required=True, help="number of documents")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True, help="output directory")
    ap.add_argument("--layouts", default="pdf,tsv", help="comma-separated subset of pdf,tsv")
    ap.add_argument("--full-ratio", type=float, default=0.2, help="share of 全項目評価書")
    ap.add_argument("--basic-ratio", type=float, default=0.15, help="share of 基礎項目評価書")
    ap.add_argument("--tsv-ratio", type=float, default=0.2, help="share of tab/HTML layout when both layouts are on")
    ap.add_argument("--no-shuffle", action="store_true", help="keep blocks in reading order")
    ap.add_argument("--shuffle-seed", type=int, default=None, help="seed of the in-page block order (default: --seed)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (output is identical for any value)")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    layouts = tuple(x.strip() for x in a.layouts.split(",") if x.strip())
    if not layouts or any(x not in ("pdf", "tsv") for x in layouts):
        ap.error("--layouts must be a subset of pdf,tsv")
    if not 0 <= a.full_ratio + a.basic_ratio <= 1:
        ap.error("--full-ratio + --basic-ratio must be within [0, 1]")
    opt = Options(seed=a.seed, layouts=layouts, full_ratio=a.full_ratio, basic_ratio=a.basic_ratio,
                  tsv_ratio=a.tsv_ratio, shuffle=not a.no_shuffle, shuffle_seed=a.shuffle_seed)
    start, total = time.perf_counter(), 0
    for n, row in enumerate(write_corpus(a.count, a.out, opt, a.jobs), 1):
        total += int(row["bytes"])  # type: ignore[call-overload]
        if not a.quiet and n % 1000 == 0:
            print(f"{n} documents, {total / 1e6:.1f} MB, {time.perf_counter() - start:.1f} s", file=sys.stderr)
    if not a.quiet:
        print(f"wrote {a.count} documents ({total / 1e6:.1f} MB) to {a.out} in {time.perf_counter() - start:.1f} s",
              file=sys.stderr)
    return 0
