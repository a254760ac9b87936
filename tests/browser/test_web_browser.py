"""The web workspace (`piagraph serve`) end to end: uvicorn on 127.0.0.1, Debian's headless Chromium.

One store (the five bundled samples plus a hostile copy of 飯塚市's document), one server, one browser
context for the whole module: every request the browser makes is recorded, and any that would leave
127.0.0.1 is aborted and fails the last test.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from piagraph.paths import SAMPLES_DIR
from piagraph.web.app import CSP
from tests.conftest import sample_path

pytestmark = pytest.mark.browser

EVIL = "<script>window.__pwned=1</script>"
HOSTILE_CITY = "<i>偽</i>市"
HOSTILE_TITLE = f"{EVIL}予防接種に関する事務 重点項目評価書"
PROJECT = SAMPLES_DIR.parent.parent
IIZUKA_FILE = "data/samples/000_85a35887ceb83a89.txt"
YOKOHAMA_FILE = "data/samples/002_395353e375fa5b93.txt"


@dataclass
class Workspace:
    store: Any
    base: str
    session: Any  # tests.browser.conftest.BrowserSession
    iris: dict[str, str]  # municipality -> assessment IRI (one each, except 高槻市)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, live_server, browser_session):
    from piagraph.ingest import ingest
    from piagraph.select import Selection, find_assessments
    from piagraph.store import EmbeddedStore
    from piagraph.web.app import create_app

    folder = tmp_path_factory.mktemp("web-browser")
    # 飯塚市's document with markup in its municipality and its title: shown as text, never run.
    hostile = (sample_path("iizuka").read_text(encoding="utf-8").replace("飯塚市", HOSTILE_CITY)
               .replace("4 予防接種に関する事務", f"5 {EVIL}予防接種に関する事務"))
    (folder / "hostile.txt").write_text(hostile, encoding="utf-8")
    with EmbeddedStore(folder / "store") as store:
        cwd = os.getcwd()
        os.chdir(PROJECT)  # evidence names the samples as users see them: data/samples/…
        try:
            report = ingest([str(SAMPLES_DIR.relative_to(PROJECT)), str(folder / "hostile.txt")], store)
        finally:
            os.chdir(cwd)
        assert not report.failed, [f.error for f in report.failed]
        iris = {str(r["municipality"]): str(r["assessment"]) for r in find_assessments(store, Selection())
                if r.get("municipality") and r.get("kind")}
        server = live_server(create_app(store))
        try:
            yield Workspace(store, server.url, browser_session(server.url), iris)
        finally:
            server.stop()


def _table(page: Any, selector: str) -> list[list[str]]:
    """The body rows of a table (the header row left out), each a list of cell texts."""
    return page.eval_on_selector(
        selector, "t => [...t.rows].slice(1).map(r => [...r.cells].map(c => c.innerText.trim()))")


def _no_trouble(session: Any, since: int = 0) -> None:
    assert session.console_errors(since) == []
    assert session.outside == [] and session.blocked == []


def test_assessment_list_filtered_by_municipality(workspace):
    session = workspace.session
    page, mark = session.page, len(session.console)
    session.goto("/")
    listed = {row[0] for row in _table(page, "#assessments")}
    assert {"飯塚市", "熊谷市", "横浜市", "栃木市", "高槻市", HOSTILE_CITY} <= listed
    councils = _table(page, "#councils")  # 高槻市's 答申 and two 諮問, told apart by their dates
    assert [(c[0], c[3]) for c in councils] == [("答申", "2022-10-21"), ("諮問", "2022-11-15"), ("諮問", "2022-11-30")]
    page.fill("#filters input[name=municipality]", "横浜市")
    with page.expect_navigation():
        page.click("#filters button[type=submit]")
    assert parse_qs(urlsplit(page.url).query)["municipality"] == ["横浜市"]
    assert page.input_value("#filters input[name=municipality]") == "横浜市"
    assert _table(page, "#assessments") == [[
        "横浜市", "全項目", "38", "予防接種法による予防接種の実施に関する事務 全項目評価書", "2023-08-04",
        f"{YOKOHAMA_FILE} [0]"]]
    assert page.inner_text("main p.muted") == "1 document(s)"
    _no_trouble(session, mark)


def test_yokohama_assessment_page_and_diagram(workspace):
    from piagraph.analyse.flowgraph import assessment_flow_graph

    session = workspace.session
    page, mark = session.page, len(session.console)
    session.goto("/?municipality=" + "横浜市")
    with page.expect_navigation():
        page.click("#assessments a")
    assert urlsplit(page.url).path == "/assessment"
    iri = parse_qs(urlsplit(page.url).query)["iri"][0]
    assert iri == workspace.iris["横浜市"]
    assert page.inner_text("h1") == "横浜市 予防接種法による予防接種の実施に関する事務 全項目評価書"
    assert f"{YOKOHAMA_FILE}:" in page.inner_text("#outline")  # facts carry their evidence
    # the diagram, drawn in its iframe by vis-network from the data the page holds
    frame = page.locator("iframe.diagram").element_handle().content_frame()
    assert frame is not None and urlsplit(frame.url).path == "/diagram"
    frame.wait_for_function("window.piagraphReady === true", timeout=15000)
    graph = assessment_flow_graph(workspace.store, iri)
    nodes = frame.evaluate("window.piagraphNodes.get().map(n => [n.id, n.fullLabel])")
    assert sorted(map(tuple, nodes)) == sorted((str(n), d["label"]) for n, d in graph.nodes(data=True))
    assert {"住民", "予防接種台帳システム", "統合番号連携システム", "中間サーバー", "厚生労働省"} <= {n[1] for n in nodes}
    edges = frame.evaluate("window.piagraphEdges.get().map(e => [e.from, e.to])")
    assert len(edges) == graph.number_of_edges() > 10
    assert sorted(map(tuple, edges)) == sorted((str(u), str(v)) for u, v in graph.edges())
    drawn = frame.evaluate("Object.keys(window.piagraphNetwork.getPositions()).length")
    assert drawn == len(nodes)
    assert frame.evaluate("document.querySelectorAll('script').length") == 2  # vis + ours, inline
    _no_trouble(session, mark)


def test_who_receives_csv_download(workspace):
    """飯塚市 provides 個人番号 to 市区町村長 (表25) and 都道府県知事 (表26): 000_85a35887ceb83a89.txt:600-700."""
    from piagraph.analyse.who_receives import who_receives
    from piagraph.views.tables import format_csv

    session = workspace.session
    page, mark = session.page, len(session.console)
    session.goto("/who-receives")
    page.fill("#filters input[name=municipality]", "飯塚市")
    with page.expect_navigation():
        page.click("#filters button[type=submit]")
    shown = _table(page, "#results")
    assert len(shown) == 2 and {row[0] for row in shown} == {"飯塚市"}
    with page.expect_download() as info:
        page.click("a#csv")
    download = info.value
    assert download.suggested_filename == "who-receives.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    # exactly what the library gives, and what the document says
    expected = who_receives(workspace.store, municipality="飯塚市")
    assert text == format_csv(expected.columns, expected.rows)
    rows = {row["recipient"]: row for row in csv.DictReader(io.StringIO(text))}
    assert set(rows) == {"市区町村長", "都道府県知事"}
    city, prefecture = rows["市区町村長"], rows["都道府県知事"]
    assert all(row["municipality"] == "飯塚市" and row["assessment"] == "重点 No.4" for row in rows.values())
    assert all(row["source"] == "地域健康支援システム「健康かるて」" for row in rows.values())
    assert all(row["flowType"] == "Provision" and row["carriesPersonalNumber"] == "true" for row in rows.values())
    assert city["method"] == "情報提供ネットワークシステム"  # line 729: [ ○ ] 情報提供ネットワークシステム
    assert city["legalBasisRaw"] == "番号法第19条第8号に基づく主務省令第2条の表25の項"  # line 642
    assert city["legalBasis"] == "提供命令第2条の表25の項"
    assert city["frequency"] == "情報提供ネットワークシステムを通じて特定個人情報の照会を受けた都度"  # line 664
    assert city["evidence"] == f"{IIZUKA_FILE}:660"  # 市区町村長 提供先1
    assert prefecture["legalBasisRaw"] == "番号法第19条第8号に基づく主務省令第2条の表26の項"  # line 625
    assert prefecture["legalBasis"] == "提供命令第2条の表26の項"
    assert prefecture["evidence"] == f"{IIZUKA_FILE}:612"  # 提供先2 都道府県知事
    _no_trouble(session, mark)


def test_named_query_from_the_sparql_page(workspace):
    session = workspace.session
    page, mark = session.page, len(session.console)
    session.goto("/query")
    assert page.locator("textarea[name=q]").count() == 1  # free SPARQL until a named query is chosen
    with page.expect_navigation():
        page.click("a.named:text-is('assessments')")
    assert parse_qs(urlsplit(page.url).query)["name"] == ["assessments"]
    page.fill("input[name='p.municipality']", "栃木市")
    with page.expect_navigation():
        page.click("#run")
    assert parse_qs(urlsplit(page.url).query)["p.municipality"] == ["栃木市"]
    columns = page.eval_on_selector("#results", "t => [...t.rows[0].cells].map(c => c.innerText.trim())")
    (row,) = _table(page, "#results")
    cells = dict(zip(columns, row, strict=True))
    assert cells["municipality"] == "栃木市" and cells["kind"] == "重点" and cells["number"] == "932"
    assert cells["title"] == "新型インフルエンザ等対策特別措置法による予防接種の実施に関する事務 重点項目評価書"
    assert cells["publishedOn"] == "2024-03-31"
    assert cells["assessment"] == workspace.iris["栃木市"]
    assert "p.municipality=" in page.get_attribute("a#csv", "href")
    _no_trouble(session, mark)


def test_hostile_labels_stay_text(workspace):
    session = workspace.session
    page, mark = session.page, len(session.console)
    session.goto("/")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 0  # the list page runs no script at all
    assert page.locator("#assessments i").count() == 0  # <i>偽</i>市 is text, not markup
    link = page.locator("#assessments a", has_text="window.__pwned")
    assert link.inner_text() == HOSTILE_TITLE
    with page.expect_navigation():
        link.click()
    assert page.inner_text("h1") == f"{HOSTILE_CITY} {HOSTILE_TITLE}"
    assert page.title() == f"{HOSTILE_CITY} {HOSTILE_TITLE} — piagraph"
    assert page.evaluate("document.scripts.length") == 0
    frame = page.locator("iframe.diagram").element_handle().content_frame()
    frame.wait_for_function("window.piagraphReady === true", timeout=15000)
    assert frame.inner_text("#piagraph-title") == f"{HOSTILE_CITY} {HOSTILE_TITLE}"
    assert frame.evaluate("document.querySelectorAll('script').length") == 2
    assert frame.evaluate("document.querySelectorAll('i').length") == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert frame.evaluate("typeof window.__pwned") == "undefined"
    # the who-receives table names the hostile municipality as text too
    session.goto("/who-receives?municipality=" + HOSTILE_CITY)
    assert {row[0] for row in _table(page, "#results")} == {HOSTILE_CITY}
    assert page.evaluate("typeof window.__pwned") == "undefined" and page.locator("#results i").count() == 0
    _no_trouble(session, mark)


def _distinct_colours(png: bytes) -> int:
    from PIL import Image

    with Image.open(BytesIO(png)) as image:
        return len(image.convert("RGB").getcolors(maxcolors=1 << 24) or [])


def test_assessment_list_screenshot_is_not_blank(workspace, tmp_path_factory):
    session = workspace.session
    session.goto("/")
    path = tmp_path_factory.mktemp("screenshots") / "assessments.png"
    png = session.page.screenshot(path=str(path), full_page=True)
    # header bar, table borders and anti-aliased CJK text: many colours; a blank page has one
    assert _distinct_colours(png) > 40, path
    # CJK glyphs are drawn (a font is installed): the title's width is that of real characters
    width = session.page.evaluate("document.querySelector('h1').getBoundingClientRect().width")
    assert width > 200


def test_every_page_answers_with_csp_and_nothing_left_127001(workspace):
    """Last: the whole session's traffic, plus each remaining page, checked for the CSP and for locality."""
    session = workspace.session
    page, mark = session.page, len(session.console)
    session.goto("/query?q=SELECT%20*%20WHERE%20%7B%7D")
    for href in [a.get_attribute("href") for a in page.locator("header a").all()]:  # the navigation bar
        if not page.locator(f"header a[href='{href}']").count():  # /compare is a report page, with no bar
            session.goto("/upload")
        with page.expect_navigation():
            page.click(f"header a[href='{href}']")
        assert urlsplit(page.url).path == href
    _no_trouble(session, mark)
    seen = {urlsplit(r.url).path for r in session.responses}
    assert {"/", "/assessment", "/diagram", "/who-receives", "/query", "/compare", "/upload"} <= seen
    for response in session.responses:
        assert urlsplit(response.url).hostname == "127.0.0.1", response.url
        assert response.all_headers().get("content-security-policy") == CSP, response.url
    for path in ("/who-receives.csv?municipality=飯塚市", "/compare.csv?affair=予防接種",
                 "/query.csv?name=assessments", "/sparql?query=ASK%7B%7D", "/favicon.ico"):
        response = page.request.get(workspace.base + path)
        assert response.ok and response.headers["content-security-policy"] == CSP, path
    assert session.requests and all(url.startswith(workspace.base + "/") for url in session.requests)
    assert session.outside == [] and session.blocked == []
