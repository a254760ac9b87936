"""The main job's outputs: everything an auditor opens first, written into one folder."""

from __future__ import annotations

import html
import json
import re
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
    written += _history(store, out_dir)
    written += _diagrams(store, out_dir, assessments)
    written += _findings(store, out_dir)
    written.append(_index(out_dir, written))
    return written


def safe_file_stem(*parts: object) -> str:
    """A file name from document values (titles, names): no path separators, no dots in front, bounded."""
    text = "_".join(str(p) for p in parts if p not in (None, ""))
    text = re.sub(r"[^\w\-]+", "_", text).strip("._") or "document"
    return text[:80]


def _diagrams(store: Store, out_dir: Path, assessments: list[dict[str, object]]) -> list[Path]:
    """out/diagrams/<municipality>_<kind>_<number>.html for every assessment (not change logs)."""
    from piagraph.analyse.flowgraph import assessment_flow_graph
    from piagraph.views.diagram import render_html

    folder = out_dir / "diagrams"
    folder.mkdir(exist_ok=True)
    written: list[Path] = []
    used: set[str] = set()
    for row in assessments:
        if row.get("changeLogOnly"):
            continue
        stem = safe_file_stem(row.get("municipality"), row.get("kind"), row.get("number"))
        while stem in used:
            stem += "_"
        used.add(stem)
        graph = assessment_flow_graph(store, str(row["assessment"]))
        title = f"{row.get('municipality') or ''} {row.get('title') or ''}".strip()
        path = folder / f"{stem}.html"
        path.write_text(render_html(graph, title), encoding="utf-8")
        written.append(path)
    return written


def _findings(store: Store, out_dir: Path) -> list[Path]:
    """out/findings.html (A4 report) and out/findings.json: every check on every assessment.

    HermiT runs when Java is present (a note says so otherwise); the inferred graph is written only
    when the store is writable (`piagraph check --all` writes it)."""
    from piagraph.analyse.findings import check
    from piagraph.analyse.reasoning import java_available
    from piagraph.errors import QueryError
    from piagraph.views.findings import findings_json, render_findings_html

    try:
        report = check(store, everything=True, reason=java_available(), write_inferred=not store.read_only)
    except QueryError:  # nothing loaded
        return []
    if not java_available():
        report.notes.append("OWL reasoning skipped: Java is not installed (HermiT needs it).")
    paths = [out_dir / "findings.html", out_dir / "findings.json"]
    paths[0].write_text(render_findings_html(report), encoding="utf-8")
    paths[1].write_text(findings_json(report), encoding="utf-8")
    return paths


def _index(out_dir: Path, written: list[Path]) -> Path:
    """out/index.html: one page linking every output, offline."""
    descriptions = {
        "summary.txt": "読み込んだ内容の要約 What was loaded",
        "assessments.csv": "評価書一覧 Assessments",
        "who-receives.csv": "個人番号の提供先 Who receives 個人番号",
        "compare.html": "自治体比較 Comparison of municipalities",
        "compare.csv": "自治体比較 (CSV)",
        "findings.html": "指摘事項 Findings report (A4)",
        "findings.json": "指摘事項 Findings (JSON)",
        "history.html": "変更履歴 History of changes",
        "history.csv": "変更履歴 (CSV)",
    }
    items = []
    for path in written:
        relative = path.relative_to(out_dir).as_posix()
        label = descriptions.get(relative, relative.removeprefix("diagrams/").removesuffix(".html"))
        kind = "diagram" if relative.startswith("diagrams/") else "report"
        items.append((kind, relative, label))
    reports = "".join(f'<li><a href="{html.escape(r, quote=True)}">{html.escape(label)}</a> '
                      f'<span class="f">{html.escape(r)}</span></li>' for k, r, label in items if k == "report")
    diagrams = "".join(f'<li><a href="{html.escape(r, quote=True)}">{html.escape(label)}</a></li>'
                       for k, r, label in items if k == "diagram")
    page = ("<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>piagraph outputs</title>"
            "<style>body{font-family:sans-serif;margin:2rem}li{margin:.3rem 0}.f{color:#64748b;font-size:.85em}"
            "</style></head><body><h1>piagraph outputs</h1><h2>Reports</h2><ul>" + reports + "</ul>"
            "<h2>事務の内容 Data-flow diagrams</h2><ul>" + diagrams + "</ul></body></html>")
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def _history(store: Store, out_dir: Path) -> list[Path]:
    """out/history.html (change timeline of everything loaded, council reviews under it) and out/history.csv."""
    from piagraph.analyse.history import council_reviews, timeline
    from piagraph.views.history import format_history_csv, render_history_html

    rows = timeline(store)
    paths = [out_dir / "history.html", out_dir / "history.csv"]
    paths[0].write_text(render_history_html(rows, council_reviews(store), "変更箇所の推移 History of changes"),
                        encoding="utf-8")
    paths[1].write_text(format_history_csv(rows), encoding="utf-8")
    return paths


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
