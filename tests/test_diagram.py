"""piagraph.views.diagram: DOT and Mermaid quoting, and the offline HTML page (without a browser)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from piagraph.analyse.flows import flow_graph_from_rows
from piagraph.views.diagram import render_dot, render_html, render_mermaid

KIND = "https://w3id.org/piagraph/kinds/"
EVIL = '<script>window.__pwned=1</script>'
TRICKY = 'A "quoted" [system] (x) {y} |z| #1; back\\slash `tick` & <b>'


def _row(flow: str, source: str, recipient: str, personal: bool | None, step: int | None, **extra) -> dict:
    base = {"flow": f"urn:test:{flow}", "flowType": "FlowStep", "stepNumber": step, "section": "事務",
            "sourceName": source, "sourceKind": None, "recipientName": recipient, "recipientKind": None,
            "carriesPersonalNumber": personal, "methods": ["紙"], "information": "情報",
            "legalBasis": ["番号法第19条第8号"], "evidence": "data/samples/t.txt:3-4", "quote": "「引用」 \"q\"",
            "inferred": False}
    base.update(extra)
    return base


@pytest.fixture()
def graph():
    return flow_graph_from_rows([
        _row("1", "住民", TRICKY, True, 1, sourceKind=KIND + "actor/Resident"),
        _row("2", TRICKY, "中間サーバー", True, 2, recipientKind=KIND + "system/IntermediateServer"),
        _row("3", TRICKY, EVIL, None, 3, information=EVIL),
        _row("4", "住民", "医療機関", False, None, flowType="Acquisition"),
    ])


# -- DOT ---------------------------------------------------------------------------------------

_DOT_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def test_dot_quotes_every_identifier_and_label(graph):
    dot = render_dot(graph, title='評価書 "A"')
    assert dot.startswith("digraph piagraph {") and dot.rstrip().endswith("}")
    assert "rankdir=LR" in dot
    for line in dot.splitlines():
        # once every well-formed quoted string is removed, no quote or backslash may be left over
        bare = _DOT_STRING.sub('""', line)
        assert '"' not in bare.replace('""', ""), line
        assert "\\" not in bare, line
    assert '"A \\"quoted\\" [system] (x) {y} |z| #1; back\\\\slash `tick` & <b>"' in dot
    assert 'label="評価書 \\"A\\""' in dot
    # tooltips keep their line breaks as \n, never as raw new lines inside a string
    assert all(line.count('"') % 2 == 0 for line in dot.splitlines())


def test_dot_styles_and_ranks(graph):
    dot = render_dot(graph)
    personal = [line for line in dot.splitlines() if "->" in line and 'color="#d62728"' in line]
    other = [line for line in dot.splitlines() if "->" in line and "style=dashed" in line]
    assert len(personal) == 2 and all("style=solid" in line for line in personal)
    assert len(other) == 2
    assert 'label="①"' in dot and 'label="入手"' in dot
    ranks = [line for line in dot.splitlines() if "rank=same" in line]
    assert any('"住民";' in line for line in ranks)
    assert any('"national:IntermediateServer";' in line for line in ranks)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")
def test_dot_is_accepted_by_graphviz(graph):  # pragma: no cover - depends on the host
    subprocess.run(["dot", "-Tsvg"], input=render_dot(graph).encode(), check=True, capture_output=True)


# -- Mermaid -----------------------------------------------------------------------------------


def test_mermaid_labels_are_quoted_and_entity_escaped(graph):
    text = render_mermaid(graph)
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    node_lines = [line for line in lines if re.match(r"^  n\d+[\[(]", line)]
    assert len(node_lines) == graph.number_of_nodes()
    for line in node_lines:
        label = re.match(r'^  n\d+(?:\(\[|\[\(|\[)"(.*)"(?:\]\)|\)\]|\])$', line)
        assert label, line
        assert not set(label.group(1)) & set('"<>`|'), line  # only entity codes inside
    assert "#quot;quoted#quot;" in text and "#lt;script#gt;" in text and "#35;1;" in text
    assert "<script>" not in text and "`" not in text


def test_mermaid_edges_and_link_styles(graph):
    text = render_mermaid(graph)
    edges = [line for line in text.splitlines() if re.match(r"^  n\d+ (-->|-\.->|---)", line)]
    assert len(edges) == 4
    assert any(line.startswith("  n") and '-->|"①"|' in line for line in edges)
    styles = [line for line in text.splitlines() if line.startswith("  linkStyle")]
    assert len(styles) == 4
    assert sum("#d62728" in s for s in styles) == 2


# -- HTML (structure only; the browser tests open it) --------------------------------------------


def test_html_is_offline_utf8_and_escaped(graph):
    html = render_html(graph, f"図 {EVIL}")
    assert '<meta charset="utf-8">' in html
    # no resource is fetched: no src/href to anything but the page itself or data: URIs
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"""<link[^>]+href=["'](?!data:)""", html)
    assert not re.search(r"cdnjs|jsdelivr|unpkg|googleapis", html)
    assert "bootstrap" not in html.lower()
    # the document's text never appears as markup
    assert EVIL not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html  # title and table cells
    assert "\\u003cscript\\u003ewindow.__pwned=1\\u003c/script\\u003e" in html  # JSON data
    assert "window.piagraphNetwork" in html and "window.piagraphNodes" in html and "window.piagraphEdges" in html
    assert "特定個人情報の流れ" in html and "その他の流れ" in html


def test_html_is_deterministic(graph):
    assert render_html(graph, "t") == render_html(graph, "t")
