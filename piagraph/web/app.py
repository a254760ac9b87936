"""`piagraph serve`: the auditors' web workspace over the same library functions as the CLI.

Server-rendered pages (Jinja2, autoescaped), no remote resources, a Content-Security-Policy that
forbids remote scripts, and a read-only SPARQL endpoint at /sparql.
"""

from __future__ import annotations

import html
import os
import re
import secrets
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from piagraph.errors import PiagraphError
from piagraph.paths import VIZ_DIR
from piagraph.queries import bind, list_queries, load_query
from piagraph.store.base import Store
from piagraph.views.tables import format_csv
from piagraph.web.sparql import (
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT,
    QueryRefused,
    QueryTimeout,
    run_limited,
    to_delimited,
    to_json,
)

CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'self'; form-action 'self'")
MAX_UPLOAD = 50 * 1024 * 1024
class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response


class Workspace:
    """The app's state: one store, the templates, and uploads waiting for confirmation."""

    def __init__(self, store: Store, read_only: bool = False, timeout: float = DEFAULT_TIMEOUT,
                 max_rows: int = DEFAULT_MAX_ROWS) -> None:
        self.store = store
        self.read_only = read_only or store.read_only
        self.timeout = timeout
        self.max_rows = max_rows
        self.write_lock = threading.Lock()
        self.pending: dict[str, object] = {}
        self.upload_dir = Path(tempfile.mkdtemp(prefix="piagraph-upload-"))
        self.templates = Environment(loader=FileSystemLoader(str(VIZ_DIR / "web")),
                                     autoescape=select_autoescape(["html", "j2"]))

    def page(self, template: str, **context: object) -> HTMLResponse:
        return HTMLResponse(self.templates.get_template(template).render(**context))


def _selected(request: Request, name: str) -> str | None:
    value = request.query_params.get(name, "").strip()
    return value or None


def create_app(store: Store, *, read_only: bool = False, timeout: float = DEFAULT_TIMEOUT,
               max_rows: int = DEFAULT_MAX_ROWS) -> Starlette:
    """The Starlette application over ``store`` (which it does not close)."""
    ws = Workspace(store, read_only, timeout, max_rows)

    def assessments(request: Request) -> Response:
        from piagraph.select import Selection, find_assessments

        filters = {k: _selected(request, k) for k in ("municipality", "affair", "kind", "since", "until")}
        rows = find_assessments(store, Selection(municipality=filters["municipality"], kind=filters["kind"],
                                                 affair=filters["affair"]))
        if filters["since"]:
            rows = [r for r in rows if r.get("publishedOn") and str(r["publishedOn"]) >= filters["since"]]
        if filters["until"]:
            rows = [r for r in rows if r.get("publishedOn") and str(r["publishedOn"]) <= filters["until"]]
        councils = store.select(bind(load_query("council-reviews"), {})).rows
        return ws.page("assessments.html.j2", title="評価書一覧 Assessments", rows=rows, filters=filters,
                       councils=councils)

    def _assessment_row(request: Request) -> dict[str, object]:
        from piagraph.select import Selection, select_one

        return select_one(store, Selection(iri=_selected(request, "iri")))

    def assessment(request: Request) -> Response:
        from piagraph.views.outline import outline

        row = _assessment_row(request)
        iri = str(row["assessment"])
        changes = store.select(bind(load_query("changes"), {"assessment": iri})).rows
        title = f"{row.get('municipality') or ''} {row.get('title') or ''}".strip() or iri
        return ws.page("assessment.html.j2", title=title, iri=iri, outline=outline(store, str(row["graph"]), iri),
                       changes=changes, findings=_findings(store, iri))

    def diagram(request: Request) -> Response:
        from piagraph.analyse.flowgraph import assessment_flow_graph
        from piagraph.views.diagram import render_html

        row = _assessment_row(request)
        graph = assessment_flow_graph(store, str(row["assessment"]))
        title = f"{row.get('municipality') or ''} {row.get('title') or ''}".strip()
        return HTMLResponse(render_html(graph, title))

    def who_receives(request: Request) -> Response:
        from piagraph.analyse.who_receives import who_receives as run

        params = {k: _selected(request, k) for k in ("municipality", "recipient", "assessment")}
        all_flows = request.query_params.get("all") in ("1", "true", "on")
        table = run(store, municipality=params["municipality"], recipient=params["recipient"], all_flows=all_flows,
                    assessment=params["assessment"])
        query = urlencode({k: v for k, v in {**params, "all": "1" if all_flows else None}.items() if v})
        if request.url.path.endswith(".csv"):
            return _csv(format_csv(table.columns, table.rows), "who-receives.csv")
        form = ws.templates.from_string(
            '<form class="filters" method="get" action="/who-receives" id="filters">'
            '<label>自治体 <input name="municipality" value="{{ p.municipality or "" }}"></label>'
            '<label>提供先 recipient <input name="recipient" value="{{ p.recipient or "" }}"></label>'
            '<label><span>特定個人情報の全ての流れ (--all)</span><input type="checkbox" name="all" value="1"'
            '{% if all %} checked{% endif %}></label><button type="submit">表示 Show</button></form>'
        ).render(p=params, all=all_flows)
        shown = [c for c in table.columns if c not in ("flow", "assessmentIri")]  # IRIs stay in the CSV
        return ws.page("table.html.j2", title="個人番号の提供先 Who receives 個人番号", form=_markup(form),
                       columns=shown, rows=table.rows, csv_url=f"/who-receives.csv?{query}")

    def compare(request: Request) -> Response:
        from piagraph.analyse.compare import compare as run_compare
        from piagraph.analyse.compare import comparison_graph
        from piagraph.views.compare import format_compare_csv, render_compare_html

        affair = _selected(request, "affair")
        municipalities = [m for m in request.query_params.getlist("m") if m.strip()] or None
        matrix = run_compare(store, affair=affair, municipalities=municipalities)
        if request.url.path.endswith(".csv"):
            return _csv(format_compare_csv(matrix), "compare.csv")
        page = render_compare_html(matrix, comparison_graph(store, matrix))
        return HTMLResponse(_with_navigation(page, ws))

    def query_page(request: Request) -> Response:
        named = list_queries()
        name = _selected(request, "name")
        text = request.query_params.get("q", "")
        params = {k[2:]: v for k, v in request.query_params.items() if k.startswith("p.") and v.strip()}
        columns: list[str] = []
        rows: list[dict[str, object]] = []
        error = notice = None
        csv_url = None
        if name or text.strip():
            try:
                sparql = bind(load_query(name), params) if name else text
                result = run_limited(store, sparql, ws.timeout, ws.max_rows)
                columns, rows = result.table.columns, result.table.rows
                if result.truncated:
                    notice = f"results capped at {ws.max_rows} rows"
                csv_url = "/query.csv?" + urlencode({**({"name": name} if name else {"q": text}),
                                                     **{f"p.{k}": v for k, v in params.items()}})
                if request.url.path.endswith(".csv"):
                    return _csv(format_csv(columns, rows), f"{name or 'query'}.csv")
            except QueryRefused as exc:
                return PlainTextResponse(str(exc), status_code=403)
            except QueryTimeout as exc:
                error = str(exc)
            except (PiagraphError, SyntaxError) as exc:
                error = str(exc)
        form = ws.templates.from_string(
            '<form method="get" action="/query" id="query-form"><p>名前付きクエリ Named queries: '
            '{% for q in named %}<a href="/query?name={{ q.name|urlencode }}" class="named" title="{{ q.description }}">'
            '{{ q.name }}</a> {% endfor %}</p>'
            '{% if name %}<p>Query <b>{{ name }}</b>: {{ desc }}</p><input type="hidden" name="name" value="{{ name }}">'
            '{% for p in params_decl %}<label>{{ p.name }} ({{ p.type }}) <input name="p.{{ p.name }}" '
            'value="{{ values.get(p.name, "") }}"></label> {% endfor %}'
            '{% else %}<textarea name="q" rows="10">{{ text }}</textarea>{% endif %}'
            '<p><button type="submit" id="run">実行 Run</button></p>'
            '{% if name %}<details><summary>SPARQL</summary><pre>{{ query_text }}</pre></details>{% endif %}</form>'
        ).render(named=named, name=name, text=text or "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 20",
                 desc=load_query(name).description if name else "",
                 params_decl=load_query(name).params if name else [], values=params,
                 query_text=load_query(name).text if name else "")
        return ws.page("table.html.j2", title="SPARQL", form=_markup(form), columns=columns, rows=rows, error=error,
                       notice=notice, csv_url=csv_url)

    async def sparql(request: Request) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        form_data: dict[str, str] = {}
        if request.method == "POST":
            if content_type == "application/sparql-update":
                return PlainTextResponse("this endpoint is read-only: updates are refused", status_code=403)
            if content_type == "application/sparql-query":
                form_data["query"] = (await request.body()).decode("utf-8", "replace")
            else:
                form = await request.form()
                form_data = {k: str(v) for k, v in form.items()}
        if "update" in request.query_params or "update" in form_data:
            return PlainTextResponse("this endpoint is read-only: updates are refused", status_code=403)
        query = form_data.get("query") or request.query_params.get("query")
        if not query:
            return PlainTextResponse("missing query parameter", status_code=400)
        from starlette.concurrency import run_in_threadpool

        try:
            result = await run_in_threadpool(run_limited, store, query, ws.timeout, ws.max_rows)
        except QueryRefused as exc:
            return PlainTextResponse(str(exc), status_code=403)
        except QueryTimeout as exc:
            return PlainTextResponse(str(exc), status_code=503)
        except (PiagraphError, SyntaxError, ValueError) as exc:
            return PlainTextResponse(f"query error: {exc}", status_code=400)
        accept = request.headers.get("accept", "")
        headers = {"X-Piagraph-Truncated": "true"} if result.truncated else {}
        if "text/csv" in accept:
            return Response(to_delimited(result, ","), media_type="text/csv; charset=utf-8", headers=headers)
        if "text/tab-separated-values" in accept:
            return Response(to_delimited(result, "\t"), media_type="text/tab-separated-values; charset=utf-8",
                            headers=headers)
        return Response(to_json(result), media_type="application/sparql-results+json", headers=headers)

    async def upload(request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        from piagraph.ingest import process_file

        if request.method == "GET" or ws.read_only:
            return ws.page("upload.html.j2", title="取込 Upload", read_only=ws.read_only, preview=None)
        form = await request.form(max_part_size=MAX_UPLOAD)
        item = form.get("file")
        if item is None or not hasattr(item, "read"):
            return ws.page("upload.html.j2", title="取込 Upload", error="choose a file", preview=None)
        data = await item.read()  # type: ignore[union-attr]
        name = _safe_name(getattr(item, "filename", "") or "upload.txt")
        folder = ws.upload_dir / secrets.token_hex(8)
        folder.mkdir()
        target = folder / name
        target.write_bytes(data)
        # Evidence names the file as the auditor knows it, under upload/.
        result = await run_in_threadpool(process_file, str(target), MAX_UPLOAD, f"upload/{name}")
        token = secrets.token_urlsafe(16)
        if result.status == "loaded":
            ws.pending[token] = result
        return ws.page("upload.html.j2", title="取込 Upload", preview=result, token=token)

    async def upload_commit(request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        if ws.read_only:
            return PlainTextResponse("read-only workspace", status_code=403)
        form = await request.form()
        result = ws.pending.pop(str(form.get("token", "")), None)
        if result is None:
            return ws.page("upload.html.j2", title="取込 Upload", error="nothing to commit (expired?)", preview=None)

        def commit() -> None:
            from piagraph.analyse.history import link_reviews

            with ws.write_lock:
                store.replace_source(result.path, result.uploads)  # type: ignore[attr-defined]
                link_reviews(store)  # council reviews may now find the assessment they review

        await run_in_threadpool(commit)
        count = len(result.documents)  # type: ignore[attr-defined]
        return ws.page("upload.html.j2", title="取込 Upload", preview=None,
                       committed=f"{result.path}: {count} document(s) stored")  # type: ignore[attr-defined]

    def errors(request: Request, exc: Exception) -> Response:
        return HTMLResponse(f"<!doctype html><meta charset='utf-8'><p class='error'>{html.escape(str(exc))}</p>"
                            "<p><a href='/'>back</a></p>", status_code=400)

    routes = [
        Route("/", assessments),
        Route("/assessment", assessment),
        Route("/diagram", diagram),
        Route("/who-receives", who_receives),
        Route("/who-receives.csv", who_receives),
        Route("/compare", compare),
        Route("/compare.csv", compare),
        Route("/query", query_page),
        Route("/query.csv", query_page),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/upload", upload, methods=["GET", "POST"]),
        Route("/upload/commit", upload_commit, methods=["POST"]),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)],
                    exception_handlers={PiagraphError: errors})
    app.state.workspace = ws
    return app


def _with_navigation(page: str, ws: Workspace) -> str:
    """A stand-alone report page with the workspace's navigation bar on top."""
    base = ws.templates.get_template("base.html.j2").render(title="")
    header = base[base.index("<header>") : base.index("</header>") + len("</header>")]
    style = base[base.index("<style>") : base.index("</style>") + len("</style>")]
    page = page.replace("</head>", style + "</head>", 1)
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + header, page, count=1)


def _findings(store: Store, iri: str) -> list[object] | None:
    """Findings of one assessment when the findings module is available."""
    try:
        from piagraph.analyse.findings import findings_for_assessment
    except ImportError:
        return None
    return list(findings_for_assessment(store, iri))


def _safe_name(filename: str) -> str:
    """A file name from an upload, with no directory parts and no odd characters."""
    base = os.path.basename(filename.replace("\\", "/"))
    base = re.sub(r"[^\w.\-]", "_", base).lstrip(".") or "upload.txt"
    return base[:120]


def _csv(text: str, name: str) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _markup(text: str):
    from markupsafe import Markup

    return Markup(text)
