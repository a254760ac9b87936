"""The main job's outputs: everything an auditor opens first, written into one folder."""

from __future__ import annotations

import json
from pathlib import Path

from piagraph.select import find_assessments
from piagraph.store.base import Store
from piagraph.summary import store_statistics
from piagraph.views.tables import format_csv, format_table


def write_outputs(store: Store, out_dir: Path) -> list[Path]:
    """Write the summary of what is loaded (more outputs are added by each capability)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    stats = store_statistics(store)
    assessments = find_assessments(store)
    columns = ["municipality", "kind", "number", "title", "publishedOn", "sourceDocument", "documentIndex"]
    summary_txt = out_dir / "summary.txt"
    summary_txt.write_text(
        "piagraph: what is loaded\n\n" + format_table(["what", "count"], stats) + "\n\nAssessments\n\n"
        + format_table(columns, assessments) + "\n",
        encoding="utf-8",
    )
    written.append(summary_txt)
    summary_json = out_dir / "summary.json"
    summary_json.write_text(json.dumps({"statistics": stats, "assessments": [
        {c: row.get(c) for c in ["assessment", *columns]} for row in assessments]},
        ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    written.append(summary_json)
    assessments_csv = out_dir / "assessments.csv"
    assessments_csv.write_text(format_csv(["assessment", *columns], assessments), encoding="utf-8")
    written.append(assessments_csv)
    return written
