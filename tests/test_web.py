"""HTTP tests of every page of the workspace and of the read-only /sparql endpoint."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest
from starlette.testclient import TestClient

from piagraph.ingest import ingest
from piagraph.store import EmbeddedStore
from piagraph.web.app import create_app
from tests.conftest import sample_path

HOSTILE = "<script>window.__pwned=1</script>"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web")
    for key in ("iizuka", "yokohama", "tochigi"):
        shutil.copy(sample_path(key), folder / sample_path(key).name)
    # A document whose municipality and title carry markup: it must show as text everywhere.
    hostile = (sample_path("iizuka").read_text(encoding="utf-8").replace("福岡県　飯塚市長", "<i>栃</i>市長")
               .replace("4 予防接種に関する事務", f"5 {HOSTILE}予防接種に関する事務"))
    (folder / "hostile.txt").write_text(hostile, encoding="utf-8")
    with EmbeddedStore(folder / "store") as store:
        report = ingest([str(folder)], store)
        assert not report.failed
        with TestClient(create_app(store)) as test_client:
            yield test_client


def test_assessment_list_and_filter(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "飯塚市" in page.text and "横浜市" in page.text
    filtered = client.get("/", params={"municipality": "横浜市"})
    assert "予防接種法による予防接種の実施に関する事務 全項目評価書" in filtered.text
    assert "飯塚市" not in filtered.text.split('id="assessments"')[1]
    by_kind = client.get("/", params={"kind": "重点", "since": "2025-01-01"})
    table = by_kind.text.split('id="assessments"')[1]
    assert "飯塚市" in table and "栃木市" not in table  # 栃木市 published 2024-03-31


def test_security_headers(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "http" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_hostile_label_is_rendered_as_text(client):
    page = client.get("/")
    assert "<script>window.__pwned" not in page.text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page.text
    assert "&lt;i&gt;栃&lt;/i&gt;市" in page.text and "<i>栃" not in page.text


def _iri(client, municipality: str) -> str:
    rows = client.get("/query.csv", params={"name": "assessments", "p.municipality": municipality}).text
    return rows.splitlines()[1].split(",")[0]


def test_assessment_page_outline_diagram_history(client):
    iri = _iri(client, "飯塚市")
    page = client.get("/assessment", params={"iri": iri})
    assert page.status_code == 200
    assert "地域健康支援システム「健康かるて」" in page.text
    assert "data/samples" in page.text or "000_85a35887ceb83a89.txt:" in page.text
    assert '<iframe class="diagram" src="/diagram?iri=https%3A' in page.text
    diagram = client.get("/diagram", params={"iri": iri})
    assert diagram.status_code == 200 and "piagraphNetwork" in diagram.text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", diagram.text)  # nothing remote


def test_unknown_assessment_is_a_clear_400(client):
    page = client.get("/assessment", params={"iri": "https://example.org/nothing"})
    assert page.status_code == 400 and "no loaded assessment matches" in page.text


def test_who_receives_page_and_csv(client):
    page = client.get("/who-receives", params={"municipality": "飯塚市"})
    assert page.status_code == 200 and "市区町村長" in page.text
    csv_text = client.get("/who-receives.csv", params={"municipality": "飯塚市"}).text
    header, *rows = csv_text.strip().splitlines()
    assert "recipient" in header and rows
    assert all(row.startswith("飯塚市,") for row in rows)


def test_compare_page(client):
    page = client.get("/compare", params={"affair": "予防接種"})
    assert page.status_code == 200
    for name in ("飯塚市", "横浜市", "栃木市"):
        assert name in page.text
    assert client.get("/compare.csv", params={"affair": "予防接種"}).status_code == 200


def test_query_page_runs_named_query_and_downloads_csv(client):
    page = client.get("/query", params={"name": "assessments", "p.municipality": "栃木市"})
    assert page.status_code == 200 and "932" in page.text
    csv_text = client.get("/query.csv", params={"name": "assessments", "p.municipality": "栃木市"}).text
    assert len(csv_text.strip().splitlines()) == 2


@pytest.mark.parametrize("accept,marker", [
    ("application/sparql-results+json", '"bindings"'), ("text/csv", "n\r\n"), ("text/tab-separated-values", "n\r\n"),
])
def test_sparql_endpoint_formats(client, accept, marker):
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    for response in (client.get("/sparql", params={"query": query}, headers={"Accept": accept}),
                     client.post("/sparql", data={"query": query}, headers={"Accept": accept})):
        assert response.status_code == 200
        assert marker in response.text
    if accept.endswith("json"):
        body = json.loads(client.get("/sparql", params={"query": query}).text)
        assert int(body["results"]["bindings"][0]["n"]["value"]) >= 4


@pytest.mark.parametrize("update", [
    "DROP ALL", "CLEAR DEFAULT", "LOAD <http://example.org/x>", "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "PREFIX p: <urn:p#>\ndelete where { ?s ?p ?o }", "  # comment\n CrEaTe GRAPH <urn:g>",
])
def test_sparql_endpoint_refuses_every_write(client, update):
    before = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}).text
    assert client.get("/sparql", params={"update": update}).status_code == 403
    assert client.get("/sparql", params={"query": update}).status_code == 403
    assert client.post("/sparql", data={"update": update}).status_code == 403
    assert client.post("/sparql", data={"query": update}).status_code == 403
    assert client.post("/sparql", content=update.encode(),
                       headers={"Content-Type": "application/sparql-update"}).status_code == 403
    assert client.post("/sparql", content=update.encode(),
                       headers={"Content-Type": "application/sparql-query"}).status_code == 403
    after = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}).text
    assert before == after


def test_sparql_bad_query_and_row_cap(tmp_path):
    shutil.copy(sample_path("tochigi"), tmp_path / "t.txt")
    with EmbeddedStore(tmp_path / "store") as store:
        ingest([str(tmp_path / "t.txt")], store)
        with TestClient(create_app(store, max_rows=5)) as small:
            assert small.get("/sparql", params={"query": "SELECT WHERE {"}).status_code == 400
            response = small.get("/sparql", params={"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"},
                                 headers={"Accept": "text/csv"})
            assert response.headers["x-piagraph-truncated"] == "true"
            assert len(list(csv.reader(io.StringIO(response.text)))) == 6  # header + 5 rows


def test_sparql_timeout_is_a_clear_error(tmp_path):
    shutil.copy(sample_path("tochigi"), tmp_path / "t.txt")
    with EmbeddedStore(tmp_path / "store") as store:
        ingest([str(tmp_path / "t.txt")], store)
        with TestClient(create_app(store, timeout=0.05)) as slow:
            heavy = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a ?b ?c . ?d ?e ?f . ?h ?i ?j } }")
            response = slow.get("/sparql", params={"query": heavy})
            assert response.status_code == 503 and "longer than" in response.text


def test_upload_previews_then_commits(tmp_path):
    with EmbeddedStore(tmp_path / "store") as store, TestClient(create_app(store)) as fresh:
        data = sample_path("tochigi").read_bytes()
        preview = fresh.post("/upload", files={"file": ("../../etc/栃木市.txt", data, "text/plain")})
        assert preview.status_code == 200
        assert ("栃木市 No.932" in preview.text and "warning" in preview.text.lower()) or "警告" in preview.text
        assert store.quad_count() == 0  # nothing stored before the auditor confirms
        token = preview.text.split('name="token" value="')[1].split('"')[0]
        committed = fresh.post("/upload/commit", data={"token": token})
        assert "1 document(s) stored" in committed.text
        assert store.graphs_of_source("upload/栃木市.txt")  # the path cannot climb out of upload/


def test_upload_of_a_bad_file_shows_the_error(tmp_path):
    with EmbeddedStore(tmp_path / "store") as store, TestClient(create_app(store)) as fresh:
        preview = fresh.post("/upload", files={"file": ("empty.txt", b"", "text/plain")})
        assert "empty file" in preview.text
        assert store.quad_count() == 0
