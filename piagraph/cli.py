"""The `piagraph` command: thin commands over the library (every command is also a Python call)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from piagraph.errors import PiagraphError
from piagraph.read import DEFAULT_MAX_BYTES

FORMATS_TABLE = click.Choice(["table", "csv", "json"])


def store_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--store / --endpoint / --update-endpoint, accepted by every command that touches the store."""
    func = click.option("--update-endpoint", envvar="PIAGRAPH_UPDATE_ENDPOINT", default=None,
                        help="SPARQL Update endpoint (default: the query endpoint).")(func)
    func = click.option("--endpoint", envvar="PIAGRAPH_ENDPOINT", default=None,
                        help="Use a SPARQL 1.1 endpoint instead of the embedded store "
                             "(credentials: PIAGRAPH_ENDPOINT_USER / PIAGRAPH_ENDPOINT_PASSWORD).")(func)
    func = click.option("--store", "store_path", envvar="PIAGRAPH_STORE", default=None, metavar="PATH",
                        help="Embedded store folder (default ./piagraph-store, or $PIAGRAPH_STORE).")(func)
    return func


def selection_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The flags that pick one assessment, the same on every command that takes one."""
    func = click.option("--iri", default=None, help="The assessment's IRI.")(func)
    func = click.option("--kind", default=None, help="基礎 / 重点 / 全項目 (when a municipality has several).")(func)
    func = click.option("--number", default=None, help="評価書番号, e.g. 38.")(func)
    func = click.option("--municipality", default=None, help="自治体名, e.g. 横浜市.")(func)
    return func


def friendly_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Project errors become one clear line on stderr and exit code 2, not a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PiagraphError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)

    return wrapper


def _open(store_path: str | None, endpoint: str | None, update_endpoint: str | None, read_only: bool):
    from piagraph.store import open_store

    return open_store(store_path, endpoint=endpoint, update_endpoint=update_endpoint, read_only=read_only)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="piagraph")
def main() -> None:
    """piagraph: My Number privacy impact assessments (特定個人情報保護評価書) as a knowledge graph.

    \b
    Typical session:
      piagraph ingest data/samples/
      piagraph stats
      piagraph show --municipality 横浜市 --number 38
      piagraph query assessments --param municipality=飯塚市
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@store_options
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Parser processes (default: one per CPU; the writer is this process).")
@click.option("--skip-unchanged", is_flag=True, help="Skip files whose content is already loaded (resume).")
@click.option("--max-size", type=int, default=DEFAULT_MAX_BYTES // 1_000_000, show_default=True,
              help="Refuse files larger than this many MB.")
@click.option("--quiet", "-q", is_flag=True, help="Only warnings, errors and the total.")
@friendly_errors
def ingest(paths: tuple[str, ...], store_path: str | None, endpoint: str | None, update_endpoint: str | None,
           workers: int | None, skip_unchanged: bool, max_size: int, quiet: bool) -> None:
    """Read assessment files or folders (text or PDF) into the store.

    Each document of a file becomes one named graph; ingesting a file again replaces its graphs.
    A file that cannot be read or parsed leaves the store unchanged and the others go on; the exit
    code is 1 when any file failed.

    \b
    Example:
      piagraph ingest data/samples/
      piagraph ingest --store /tmp/pia 横浜市_予防接種.pdf
    """
    from piagraph.ingest import FileResult, available_cpus
    from piagraph.ingest import ingest as run_ingest

    with _open(store_path, endpoint, update_endpoint, read_only=False) as store:
        progress = _Progress(enabled=not quiet and sys.stderr.isatty())

        def on_file(result: FileResult) -> None:
            progress.tick(len(result.documents))
            if result.status == "failed":
                progress.echo(f"FAILED {result.error}")
                return
            if not quiet:
                progress.echo(f"{result.path}: {result.status}, {len(result.documents)} document(s)")
                for doc in result.documents:
                    counts = ", ".join(f"{k} {v}" for k, v in doc.counts.items() if v)
                    progress.echo(f"  [{doc.index}] {doc.kind}: {doc.label}" + (f" ({counts})" if counts else ""))
            for warning in result.warnings:
                progress.echo(f"  warning: {warning}")

        def on_stage(text: str) -> None:
            if not quiet:
                progress.echo(text, err=True)

        report = run_ingest(paths, store, workers=workers or available_cpus(), skip_unchanged=skip_unchanged,
                            max_bytes=max_size * 1_000_000, on_file=on_file, keep_warnings=False,
                            on_stage=on_stage)
        progress.done()
        from piagraph.analyse.who_receives import unknown_kinds_warning

        unknown = unknown_kinds_warning(report.unknown_kind_names())
        if unknown:
            click.echo(f"warning: {unknown}", err=True)
    failed = len(report.failed)
    unchanged = sum(1 for f in report.files if f.status == "unchanged")
    click.echo(f"{len(report.files) - failed} file(s) ingested, {report.documents} document(s), "
               f"{failed} failed, {report.seconds:.1f} s ({report.documents_per_second:.1f} documents/s)"
               + (f", {unchanged} unchanged file(s) skipped" if unchanged else "")
               + (f"; store optimised in {report.optimize_seconds:.1f} s" if report.optimize_seconds else ""),
               err=True)
    if failed:
        sys.exit(1)


class _Progress:
    """A one-line progress counter with documents/s on a terminal; plain lines elsewhere."""

    def __init__(self, enabled: bool) -> None:
        import time

        self.enabled = enabled
        self.count = 0
        self.documents = 0
        self.started = time.monotonic()

    def tick(self, documents: int = 0) -> None:
        import time

        self.count += 1
        self.documents += documents
        if self.enabled:
            rate = self.documents / max(time.monotonic() - self.started, 1e-6)
            click.echo(f"\r{self.count} files, {self.documents} documents, {rate:.1f} documents/s", nl=False,
                       err=True)

    def echo(self, text: str, err: bool = False) -> None:
        """A line under the counter: a file's report on stdout, a step of the ingest itself on stderr."""
        if self.enabled:
            click.echo("\r\033[K", nl=False, err=True)
        click.echo(text, err=err)

    def done(self) -> None:
        if self.enabled:
            click.echo("", err=True)


@main.command()
@click.argument("name")
@store_options
@click.option("--param", "-p", multiple=True, metavar="KEY=VALUE", help="Bind a query parameter (repeatable).")
@click.option("--format", "fmt", type=FORMATS_TABLE, default="table", show_default=True)
@click.option("--list", "list_only", is_flag=True, help="List the named queries and their parameters.")
@friendly_errors
def query(name: str, store_path: str | None, endpoint: str | None, update_endpoint: str | None,
          param: tuple[str, ...], fmt: str, list_only: bool) -> None:
    """Run a named query from queries/ (or a .rq file) with safely bound parameters.

    Parameter values are bound as RDF terms, never pasted into the query text.

    \b
    Examples:
      piagraph query assessments --param municipality=横浜市
      piagraph query who-receives --param municipality=飯塚市 --format csv
      piagraph query my-query.rq
      piagraph query --list x
    """
    from piagraph.queries import bind, list_queries, load_query
    from piagraph.views.tables import render

    if list_only:
        for q in list_queries():
            params = ", ".join(f"{p.name}:{p.type}" for p in q.params)
            click.echo(f"{q.name}: {q.description}" + (f"  [{params}]" if params else ""))
        return
    values: dict[str, object] = {}
    for item in param:
        if "=" not in item:
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="--param")
        key, value = item.split("=", 1)
        values[key.strip()] = value
    named = load_query(name)
    with _open(store_path, endpoint, update_endpoint, read_only=True) as store:
        table = store.select(bind(named, values))
    click.echo(render(table.columns, table.rows, fmt))


@main.command()
@store_options
@click.option("--format", "fmt", type=click.Choice(["ttl", "nq", "trig", "jsonld", "nt"]), default="trig",
              show_default=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="File to write.")
@friendly_errors
def export(store_path: str | None, endpoint: str | None, update_endpoint: str | None, fmt: str,
           output: str) -> None:
    """Export the whole store: trig/nq/jsonld keep one graph per document, ttl/nt merge them.

    \b
    Example:
      piagraph export --format trig -o out/piagraph.trig
    """
    with _open(store_path, endpoint, update_endpoint, read_only=True) as store:
        store.export(output, fmt)
    click.echo(f"wrote {output}", err=True)


@main.command()
@store_options
@click.option("--format", "fmt", type=FORMATS_TABLE, default="table", show_default=True)
@friendly_errors
def stats(store_path: str | None, endpoint: str | None, update_endpoint: str | None, fmt: str) -> None:
    """What the store holds: documents by kind, and counts of systems, flows, changes ...

    \b
    Example:
      piagraph stats --format json
    """
    from piagraph.summary import store_statistics
    from piagraph.views.tables import render

    with _open(store_path, endpoint, update_endpoint, read_only=True) as store:
        rows = store_statistics(store)
    click.echo(render(["what", "count"], rows, fmt))


@main.command()
@store_options
@selection_options
@friendly_errors
def show(store_path: str | None, endpoint: str | None, update_endpoint: str | None, municipality: str | None,
         number: str | None, kind: str | None, iri: str | None) -> None:
    """Print one assessment's extracted facts as an outline with line references.

    Use it to check the extraction against the document, line by line.

    \b
    Example:
      piagraph show --municipality 横浜市 --number 38 --kind 全項目
    """
    from piagraph.select import Selection, select_one
    from piagraph.views.outline import outline

    with _open(store_path, endpoint, update_endpoint, read_only=True) as store:
        row = select_one(store, Selection(municipality, number, kind, iri))
        click.echo(outline(store, str(row["graph"]), str(row["assessment"])))


@main.command("who-receives")
@store_options
@click.option("--item", type=click.Choice(["個人番号", "特定個人情報"]), default="個人番号", show_default=True,
              help="個人番号: flows that carry it; 特定個人情報: every flow of the assessed files (= --all).")
@click.option("--municipality", default=None, help="自治体名 (exact), e.g. 飯塚市.")
@click.option("--recipient", default=None, help="Part of the recipient's name or kind, e.g. 都道府県.")
@click.option("--all", "all_flows", is_flag=True, help="Every flow, not only those carrying 個人番号.")
@click.option("--by-recipient", is_flag=True,
              help="One row per recipient (kind, name): numbers of flows, assessments, municipalities.")
@click.option("--format", "fmt", type=FORMATS_TABLE, default="table", show_default=True,
              help="table shows the main columns; csv/json carry every column (legalBasisCurrent, flow IRI …).")
@friendly_errors
def who_receives(store_path: str | None, endpoint: str | None, update_endpoint: str | None, item: str,
                 municipality: str | None, recipient: str | None, all_flows: bool, by_recipient: bool,
                 fmt: str) -> None:
    """Who receives 個人番号: every flow carrying it across the loaded assessments, one row each.

    Columns: municipality, assessment, source, recipient, recipient kind, method, legal basis
    (normalised, current numbering, as printed), frequency, evidence (file:line). Runs the named
    query queries/who-receives.rq.

    \b
    Examples:
      piagraph who-receives
      piagraph who-receives --municipality 飯塚市 --recipient 都道府県 --format csv
      piagraph who-receives --item 特定個人情報 --format json
      piagraph who-receives --by-recipient --recipient 都道府県
    """
    from piagraph.analyse.who_receives import MAIN_COLUMNS, all_flows_for_item, who_receives_by_recipient
    from piagraph.analyse.who_receives import who_receives as run
    from piagraph.views.tables import render

    if by_recipient:
        if all_flows or item != "個人番号":
            raise click.UsageError("--by-recipient counts the flows carrying 個人番号; drop --all / --item")
        with _open(store_path, endpoint, update_endpoint, read_only=True) as store:
            table = who_receives_by_recipient(store, municipality=municipality, recipient=recipient)
        click.echo(render(table.columns, table.rows, fmt))
        return
    with _open(store_path, endpoint, update_endpoint, read_only=True) as store:
        table = run(store, municipality=municipality, recipient=recipient,
                    all_flows=all_flows or all_flows_for_item(item))
    columns = MAIN_COLUMNS if fmt == "table" else table.columns
    click.echo(render(columns, table.rows, fmt))


@main.command()
@click.argument("municipalities", nargs=-1)
@store_options
@click.option("--affair", default=None, help="Part of the affair name, e.g. 予防接種 (default: every assessment).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "html"]), default="table", show_default=True)
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@friendly_errors
def compare(municipalities: tuple[str, ...], store_path: str | None, endpoint: str | None,
            update_endpoint: str | None, affair: str | None, fmt: str, output: str | None) -> None:
    """Compare an affair's assessments across municipalities, one column each.

    Rows: kind and 公表日, subject count, system kinds, business systems, vendors (委託先), 再委託,
    情報連携, provision/transfer recipients and methods, legal bases (current numbering), risk ratings
    other than 十分である, incidents, changes. Cells that differ from the row's majority are marked
    (* in table/csv, highlighted in html). The html page adds the merged network of systems and flows.

    \b
    Examples:
      piagraph compare --affair 予防接種
      piagraph compare --affair 予防接種 飯塚市 横浜市 --format csv
      piagraph compare --affair 予防接種 --format html -o out/compare.html
    """
    from piagraph.analyse.compare import compare as run
    from piagraph.analyse.compare import comparison_graph
    from piagraph.views.compare import format_compare_csv, format_compare_table, render_compare_html

    with _open(store_path, endpoint, update_endpoint, read_only=True) as store:
        matrix = run(store, affair=affair, municipalities=municipalities or None)
        graph = comparison_graph(store, matrix) if fmt == "html" else None
    if fmt == "html":
        text = render_compare_html(matrix, graph)
    elif fmt == "csv":
        text = format_compare_csv(matrix)
    else:
        text = format_compare_table(matrix)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))
    for note in matrix.notes if fmt != "table" else []:
        click.echo(f"note: {note}", err=True)


@main.command()
@store_options
@selection_options
@click.option("--format", "fmt", type=click.Choice(["html", "dot", "mermaid"]), default="html", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="File to write (default: standard output for dot/mermaid, diagram.html for html).")
@friendly_errors
def diagram(store_path: str | None, endpoint: str | None, update_endpoint: str | None, municipality: str | None,
            number: str | None, kind: str | None, iri: str | None, fmt: str, output: str | None) -> None:
    """Draw one assessment's data flows (the 別添1 事務の内容, rebuilt) as HTML, DOT or Mermaid.

    The HTML works offline (JavaScript inline), lays out 住民 left, 庁内 systems middle, national
    systems and external bodies right; red solid edges carry 特定個人情報, grey dashed ones do not;
    every node and edge has a tooltip with its evidence (file:line and quote).

    \b
    Example:
      piagraph diagram --municipality 横浜市 --number 38 --kind 全項目 -o yokohama.html
      piagraph diagram --municipality 飯塚市 --number 4 --format mermaid
    """
    from piagraph.analyse.flowgraph import assessment_flow_graph
    from piagraph.select import Selection, select_one
    from piagraph.views.diagram import render_dot, render_html, render_mermaid

    with _open(store_path, endpoint, update_endpoint, read_only=True) as store:
        row = select_one(store, Selection(municipality, number, kind, iri))
        graph = assessment_flow_graph(store, str(row["assessment"]))
    title = f"{row.get('municipality') or ''} {row.get('title') or ''}".strip()
    if fmt == "html":
        path = Path(output or "diagram.html")
        path.write_text(render_html(graph, title), encoding="utf-8")
        click.echo(f"wrote {path} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges)", err=True)
        return
    text = render_dot(graph, title) if fmt == "dot" else render_mermaid(graph)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text)


_EVENTS = ["vrs-removed", "legal-basis-2024"]  # keys of piagraph.analyse.history.EVENTS
_CATEGORIES = ["system-removed", "system-added", "recipient-removed", "recipient-added", "legal-basis-rewording",
               "contractor-change", "contact-change", "other"]  # piagraph.analyse.change_kinds.CATEGORIES


@main.command()
@click.argument("target", required=False, metavar="[MUNICIPALITY|ASSESSMENT-IRI]")
@store_options
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Only changes (and council reviews) dated on or after this day; undated rows are left out.")
@click.option("--category", type=click.Choice(_CATEGORIES), default=None, help="Only changes of this category.")
@click.option("--event", type=click.Choice(_EVENTS), default=None,
              help="One kind of event across municipalities, one row per municipality with its date(s).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "html"]), default="table", show_default=True)
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@friendly_errors
def history(target: str | None, store_path: str | None, endpoint: str | None, update_endpoint: str | None,
            since: Any, category: str | None, event: str | None, fmt: str, output: str | None) -> None:
    """The history of the loaded assessments: their 変更箇所 rows as a timeline, and council reviews.

    Columns: date, municipality, assessment, category, item, before → after (shortened in the table;
    csv has them in full), 事前/事後, evidence (file:line). The html page draws one lane per
    municipality and lists the council's 答申/諮問 (date, subject, decision, conditions) under it.

    --event shows one kind of event across municipalities: vrs-removed (when each removed the
    ワクチン接種記録システム) or legal-basis-2024 (legal bases reworded after the 2024 reform).

    \b
    Examples:
      piagraph history 熊谷市
      piagraph history --since 2024-01-01 --category recipient-removed --format csv
      piagraph history --format html -o out/history.html
      piagraph history --event vrs-removed
      piagraph history --event legal-basis-2024 --format html -o legal-2024.html
    """
    import re

    from piagraph.analyse.history import council_reviews, event_view, timeline
    from piagraph.views.history import (
        format_event_csv,
        format_event_table,
        format_history_csv,
        format_history_table,
        render_event_html,
        render_history_html,
    )

    is_iri = bool(target and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", target))
    municipality, assessment = (None, target) if is_iri else (target, None)
    day = since.date() if since else None
    if event and (assessment or category):
        raise click.UsageError("--event looks across municipalities: give a MUNICIPALITY or nothing, no --category")
    with _open(store_path, endpoint, update_endpoint, read_only=True) as store:
        if event:
            view = event_view(store, event, municipality=municipality, since=day)
            text = {"html": render_event_html, "csv": format_event_csv}.get(fmt, format_event_table)(view)
        else:
            rows = timeline(store, municipality=municipality, assessment=assessment, since=day, category=category)
            if fmt == "html":
                councils = council_reviews(store, municipality=municipality, assessment=assessment, since=day)
                title = "変更箇所の推移" + (f" — {target}" if target else "")
                text = render_history_html(rows, councils, title)
            else:
                text = format_history_csv(rows) if fmt == "csv" else format_history_table(rows)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))


@main.command()
@click.argument("scope", required=False, default="all", metavar="[SCOPE]",
                type=click.Choice(["all", "shacl", "citations", "risks", "reasoning"]))
@store_options
@selection_options
@click.option("--all", "everything", is_flag=True, help="Check every loaded assessment.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "html"]), default="table", show_default=True)
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@click.option("--reason/--no-reason", default=None,
              help="Run the OWL reasoner (HermiT, needs Java) and write the inferred graph "
                   "(default: on with --all).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Date the five-year re-evaluation rule compares with (default: today).")
@click.option("--fail-on", type=click.Choice(["high", "medium", "low", "info"]), default=None,
              help="Exit with code 1 when a finding of this severity or higher is found.")
@friendly_errors
def check(scope: str, store_path: str | None, endpoint: str | None, update_endpoint: str | None,
          municipality: str | None, number: str | None, kind: str | None, iri: str | None, everything: bool,
          fmt: str, output: str | None, reason: bool | None, today: Any, fail_on: str | None) -> None:
    """Audit findings: SHACL shapes, legal citations, risk signals and OWL reasoning, in one report.

    SCOPE (default all) limits the checks: citations (bases not in force on the 公表日, Ⅰ5 vs Ⅱ5 提供先, flows
    without a basis, unreadable citations), shacl (ontology/shapes.ttl), risks (個人番号 by 電子メール/
    フラッシュメモリ/紙, 再委託, 重大事故, 課題が残されている, 公表日 over five years, 情報提供ネットワーク
    without 情報連携), reasoning (HermiT). Each finding: severity, rule, message (ja/en), assessment,
    evidence (file:line + quote). A selection may match several assessments (e.g. one municipality).

    \b
    Examples:
      piagraph check --all
      piagraph check --all --format html -o out/findings.html
      piagraph check citations --municipality 飯塚市
      piagraph check risks --municipality 横浜市 --number 38 --format json
    """
    from piagraph.analyse.findings import SEVERITIES
    from piagraph.analyse.findings import check as run_check
    from piagraph.errors import StoreError
    from piagraph.select import Selection
    from piagraph.store import store_path as resolve_store
    from piagraph.views.findings import findings_json, format_findings_table, render_findings_html

    run_reasoner = scope == "reasoning" or (scope == "all" and (everything if reason is None else reason))
    if run_reasoner and not endpoint and not (Path(resolve_store(store_path)) / "oxigraph").exists():
        raise StoreError(f"no store at {resolve_store(store_path)}: run `piagraph ingest` first (or pass --store)")
    with _open(store_path, endpoint, update_endpoint, read_only=not run_reasoner) as store:
        report = run_check(store, Selection(municipality, number, kind, iri), everything=everything, scope=scope,
                           today=today.date() if today else None, reason=run_reasoner,
                           write_inferred=run_reasoner)
    if fmt == "html":
        text = render_findings_html(report)
    elif fmt == "json":
        text = findings_json(report)
    else:
        text = format_findings_table(report)
    if output:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))
    if fmt != "table" or output:
        counts = report.counts()
        click.echo("findings: " + ", ".join(f"{s} {counts[s]}" for s in SEVERITIES), err=True)
        if report.reasoning:
            click.echo(f"reasoning: {report.reasoning.message}", err=True)
    if fail_on and any(SEVERITIES.index(f.severity) <= SEVERITIES.index(fail_on) for f in report.findings):
        sys.exit(1)


@main.command()
@store_options
@click.option("-o", "--out", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False))
@friendly_errors
def outputs(store_path: str | None, endpoint: str | None, update_endpoint: str | None, out_dir: str) -> None:
    """Write the main job's outputs for everything loaded into OUT (summary, tables, diagrams ...).

    \b
    Example:
      piagraph ingest data/samples/ && piagraph outputs -o out
    """
    from piagraph.outputs import write_outputs

    with _open(store_path, endpoint, update_endpoint, read_only=True) as store:
        written = write_outputs(store, Path(out_dir))
    for path in written:
        click.echo(f"wrote {path}")


@main.command()
@store_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8765, show_default=True, type=int)
@click.option("--allow-remote", is_flag=True, help="Required to bind an address other than loopback.")
@click.option("--read-only", is_flag=True, help="Open the store read-only (no uploads; CLI ingests can run).")
@click.option("--query-timeout", default=10.0, show_default=True, type=float, help="Seconds per SPARQL query.")
@click.option("--max-rows", default=10_000, show_default=True, type=int, help="Row cap of query results.")
@friendly_errors
def serve(store_path: str | None, endpoint: str | None, update_endpoint: str | None, host: str, port: int,
          allow_remote: bool, read_only: bool, query_timeout: float, max_rows: int) -> None:
    """Start the web workspace: assessments, diagrams, who-receives, compare, SPARQL, upload.

    Binds 127.0.0.1 unless --allow-remote is given. /sparql is a read-only SPARQL 1.1 endpoint.

    \b
    Example:
      piagraph serve --store piagraph-store --port 8765
    """
    import uvicorn

    from piagraph.web.app import create_app

    loopback = host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")
    if not loopback and not allow_remote:
        raise click.UsageError(f"binding {host} exposes the workspace to the network; add --allow-remote to do so")
    if not loopback:
        click.echo(f"warning: serving on {host}: anyone who can reach this address can read the store", err=True)
    store = _open(store_path, endpoint, update_endpoint, read_only=read_only)
    try:
        app = create_app(store, read_only=read_only, timeout=query_timeout, max_rows=max_rows)
        click.echo(f"piagraph workspace on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        store.close()


if __name__ == "__main__":  # pragma: no cover
    main()
