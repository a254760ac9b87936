"""The diagram page in a real headless Chromium: offline, the expected network, escaped labels, drawn."""

from __future__ import annotations

import struct
import zlib

import pytest

from piagraph.analyse.flows import flow_graph_from_rows, rows_from_flows
from piagraph.views.diagram import write_html

pytestmark = pytest.mark.browser

KIND = "https://w3id.org/piagraph/kinds/"
EVIL = "<script>window.__pwned=1</script>"
EVIL_IMG = '<img src=x onerror="window.__pwned=2">'


def _row(flow: str, source: str, recipient: str, personal: bool | None, step: int, **extra) -> dict:
    base = {"flow": f"urn:test:{flow}", "flowType": "FlowStep", "stepNumber": step, "section": "接種勧奨",
            "sourceName": source, "sourceKind": None, "recipientName": recipient, "recipientKind": None,
            "carriesPersonalNumber": personal, "methods": [], "information": f"情報{step}",
            "legalBasis": [], "evidence": f"data/samples/test.txt:{470 + step}", "quote": f"引用{step}",
            "inferred": False}
    base.update(extra)
    return base


SMALL_ROWS = [
    _row("a", "住民", "予防接種台帳システム", True, 1, sourceKind=KIND + "actor/Resident"),
    _row("b", "予防接種台帳システム", "統合番号連携システム", True, 2,
         recipientKind=KIND + "system/IntegratedAddressee"),
    _row("c", "統合番号連携システム", "中間サーバー", True, 3, recipientKind=KIND + "system/IntermediateServer"),
    _row("d", "予防接種台帳システム", "厚生労働省", None, 4),
    _row("e", "予防接種台帳システム", EVIL, False, 5, information=EVIL_IMG, quote=EVIL),
]


@pytest.fixture(scope="module")
def small_page(tmp_path_factory, open_file):
    """One page for the small graph, shared by the tests that only read it."""
    graph = flow_graph_from_rows(SMALL_ROWS)
    path = write_html(graph, f"テスト {EVIL}", tmp_path_factory.mktemp("diagram") / "small.html")
    return graph, open_file(path)


def test_page_is_offline_and_quiet(small_page):
    _graph, opened = small_page
    assert opened.console_errors == []
    assert opened.requests == [opened.url]  # the file itself, nothing else
    assert opened.blocked == []
    assert opened.evaluate("document.characterSet") == "UTF-8"


def test_vis_network_holds_the_graph(small_page):
    graph, opened = small_page
    nodes = opened.evaluate("window.piagraphNodes.get().map(n => [n.id, n.fullLabel, n.category, n.column])")
    assert sorted(map(tuple, nodes)) == sorted(
        (str(n), d["label"], d["group"], d["column"]) for n, d in graph.nodes(data=True))
    assert {n[1] for n in nodes} == {"住民", "予防接種台帳システム", "統合番号連携システム", "中間サーバー", "厚生労働省", EVIL}
    edges = opened.evaluate(
        "window.piagraphEdges.get().map(e => [e.id, e.from, e.to, e.label, e.color.color, e.dashes !== false])")
    by_id = {e[0]: e for e in edges}
    assert set(by_id) == {f"urn:test:{k}" for k in "abcde"}
    assert by_id["urn:test:a"][1:4] == ["住民", "予防接種台帳システム", "①"]
    for personal in "abc":  # 特定個人情報の流れ: solid red
        assert by_id[f"urn:test:{personal}"][4:] == ["#d62728", False]
    for other in "de":  # その他の流れ: dashed grey
        assert by_id[f"urn:test:{other}"][4:] == ["#8c8c8c", True]
    # the network draws what the data sets hold; physics is off, positions are ours (left to right)
    positions = opened.evaluate("window.piagraphNetwork.getPositions()")
    assert positions["住民"]["x"] < positions["予防接種台帳システム"]["x"] < positions["national:IntermediateServer"]["x"]
    assert positions["national:IntermediateServer"]["x"] < positions["厚生労働省"]["x"]
    assert opened.evaluate("window.piagraphNetwork.physics.options.enabled") is False


def test_script_in_a_label_stays_text(small_page):
    _graph, opened = small_page
    assert opened.evaluate("typeof window.__pwned") == "undefined"
    table = opened.evaluate("document.getElementById('piagraph-flows').innerText")
    assert EVIL in table and EVIL_IMG in table
    assert opened.evaluate("document.getElementById('piagraph-title').innerText") == f"テスト {EVIL}"
    assert opened.evaluate("document.querySelectorAll('body script').length") == 2  # vis + ours, nothing injected
    assert opened.evaluate("document.querySelectorAll('img').length") == 0
    # hover the node whose label is the script: the tooltip shows the text, runs nothing
    node_id = opened.evaluate(f"window.piagraphNodes.get().find(n => n.fullLabel === {EVIL!r}).id")
    point = opened.evaluate(
        "id => { const net = window.piagraphNetwork; const p = net.getPositions([id])[id];"
        " const d = net.canvasToDOM(p); const r = document.getElementById('mynetwork').getBoundingClientRect();"
        " return [r.left + d.x, r.top + d.y]; }", node_id)
    opened.page.mouse.move(point[0] - 40, point[1] - 40)
    opened.page.mouse.move(point[0], point[1], steps=5)
    opened.page.wait_for_function(
        "() => { const t = document.querySelector('div.vis-tooltip');"
        " return t && t.style.visibility !== 'hidden' && t.innerText.length > 0; }", timeout=5000)
    tooltip = opened.evaluate("document.querySelector('div.vis-tooltip').innerText")
    assert EVIL in tooltip
    assert opened.evaluate("document.querySelectorAll('div.vis-tooltip script, div.vis-tooltip img').length") == 0
    assert opened.evaluate("typeof window.__pwned") == "undefined"
    assert opened.console_errors == []


def _distinct_colours_png(png: bytes) -> int:
    """Distinct RGB(A) pixel values of a PNG, with PIL when installed, else by decoding it here."""
    try:
        from io import BytesIO

        from PIL import Image

        with Image.open(BytesIO(png)) as image:
            return len(image.convert("RGB").getcolors(maxcolors=1 << 24) or [])
    except ImportError:  # pragma: no cover - PIL is a test dependency
        return _decode_png_colours(png)


def _decode_png_colours(png: bytes) -> int:  # pragma: no cover - fallback
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 4
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, _depth, colour_type = struct.unpack(">IIBB", body[:10])
            channels = {2: 3, 6: 4}[colour_type]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, colours = zlib.decompress(idat), width * channels, set()
    previous = bytearray(stride)
    for y in range(height):
        filter_type, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, up_left = previous[i], previous[i - channels] if i >= channels else 0
            if filter_type == 1:
                line[i] = (line[i] + left) & 255
            elif filter_type == 2:
                line[i] = (line[i] + up) & 255
            elif filter_type == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif filter_type == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else up_left)) & 255
        colours.update(bytes(line[i:i + channels]) for i in range(0, stride, channels))
        previous = line
    return len(colours)


def test_screenshot_is_not_blank(small_page):
    _graph, opened = small_page
    png = opened.page.locator("#mynetwork").screenshot()
    # a blank canvas has one or two colours; boxes, red and grey lines and anti-aliased text have many
    assert _distinct_colours_png(png) > 40


def test_yokohama_flow_steps_diagram(tmp_path, open_file):
    """The 別添1 steps of 002 (横浜市), drawn: every placed step an edge, 個人番号 flows in red."""
    from tests.conftest import sample_path
    from tests.test_flow_steps import _parse_steps

    (assessment,) = _parse_steps(sample_path("yokohama"))
    rows = rows_from_flows([f for f in assessment.flows if f.kind == "FlowStep"], prefix="yokohama")
    graph = flow_graph_from_rows(rows)
    opened = open_file(write_html(graph, "横浜市 予防接種事務 別添1", tmp_path / "yokohama.html"))
    assert opened.console_errors == []
    assert opened.requests == [opened.url]
    labels = set(opened.evaluate("window.piagraphNodes.get().map(n => n.fullLabel)"))
    assert {"住民", "予防接種台帳システム", "統合番号連携システム", "中間サーバー", "厚生労働省", "医療機関",
            "住民記録システム"} <= labels
    placed = [r for r in rows if r["sourceName"] and r["recipientName"]]
    edges = opened.evaluate("window.piagraphEdges.get().map(e => [e.id, e.label, e.color.color])")
    assert len(edges) == len(placed) == graph.number_of_edges()
    red = {e[0] for e in edges if e[2] == "#d62728"}
    assert red == {r["flow"] for r in placed if r["carriesPersonalNumber"] is True}
    # step ⑦: 統合番号連携システム -> 中間サーバー, red, labelled ⑦
    seventh = opened.evaluate(
        "window.piagraphEdges.get().filter(e => e.from === '統合番号連携システム' && e.label === '⑦')"
        ".map(e => [e.to, e.color.color])")
    assert seventh == [["national:IntermediateServer", "#d62728"]]
    assert _distinct_colours_png(opened.page.locator("#mynetwork").screenshot()) > 40
    assert opened.evaluate("document.querySelectorAll('script').length") == 2
