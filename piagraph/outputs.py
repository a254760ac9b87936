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
    written += _who_receives_and_compare(store, out_dir)
    return written


def _who_receives_and_compare(store: Store, out_dir: Path, max_graph_columns: int = 30) -> list[Path]:
    """out/who-receives.csv (flows carrying 個人番号) and out/compare.{html,csv} for the most shared affair."""
    from piagraph.analyse.compare import compare, comparison_graph, most_shared_affair
    from piagraph.analyse.who_receives import who_receives
    from piagraph.views.compare import format_compare_csv, render_compare_html

    table = who_receives(store)
    paths = [out_dir / "who-receives.csv", out_dir / "compare.html", out_dir / "compare.csv"]
    paths[0].write_text(format_csv(table.columns, table.rows), encoding="utf-8")
    matrix = compare(store, affair=most_shared_affair(store))
    graph = comparison_graph(store, matrix) if len(matrix.columns) <= max_graph_columns else None
    paths[1].write_text(render_compare_html(matrix, graph), encoding="utf-8")
    paths[2].write_text(format_compare_csv(matrix), encoding="utf-8")
    return paths
