"""Flow diagrams: interactive offline HTML (pyvis + vis-network inlined), Graphviz DOT and Mermaid.

The HTML page makes no network request at all: vis-network's script and style are read from the
copy that ships inside the pyvis package and written into the page. Text from documents reaches the
page only as JSON data (escaped by Jinja's ``tojson``), as canvas labels, as tooltips built with
``textContent`` and as table cells escaped by Jinja's autoescape, so a name such as
``<script>…</script>`` is shown, never run.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from piagraph.analyse.flows import layout_positions
from piagraph.paths import VIZ_DIR

TEMPLATE = "diagram.html.j2"
VIS_VERSION = "vis-9.1.2"

PERSONAL_COLOUR = "#d62728"  # 特定個人情報の流れ: solid red
OTHER_COLOUR = "#8c8c8c"  # その他の流れ: dashed grey
CONNECTION_COLOUR = "#c8c8c8"
FONT_FACE = "'IPAexGothic', 'IPAGothic', 'Noto Sans CJK JP', 'Hiragino Sans', 'Yu Gothic', sans-serif"

GROUP_STYLES: dict[str, dict[str, Any]] = {  # colour by group; the shape follows the kind (_is_system)
    "resident": {"caption": "住民・本人", "background": "#fff3cd", "border": "#b7860b"},
    "internal": {"caption": "庁内のシステム・部署", "background": "#dbeafe", "border": "#1d4ed8"},
    "national": {"caption": "国・全国共通のシステム", "background": "#ede9fe", "border": "#6d28d9",
                 "dot_shape": "cylinder"},
    "external": {"caption": "外部の機関", "background": "#dcfce7", "border": "#15803d"},
}


_SYSTEM_LIKE = re.compile(r"システム|サーバ|端末|ネットワーク|基盤|アプリ|ファイル|VRS|CS$", re.I)


def _is_system(data: dict[str, Any]) -> bool:
    """Shape follows the kind: systems are boxes, bodies and people ellipses."""
    kind = data.get("kind") or ""
    if "/kinds/system/" in kind:
        return True
    if "/kinds/actor/" in kind:
        return False
    return data.get("group") == "national" or bool(_SYSTEM_LIKE.search(str(data.get("label") or "")))


def _pyvis_lib() -> Path:
    import pyvis

    return Path(pyvis.__file__).resolve().parent / "templates" / "lib" / VIS_VERSION


def _wrap(label: str, width: int = 10) -> str:
    """Break long Japanese labels so boxes stay narrow (vis-network draws ``\\n`` as a line break)."""
    if len(label) <= width:
        return label
    return "\n".join(label[i:i + width] for i in range(0, len(label), width))


def _edge_styles(graph: nx.MultiDiGraph) -> dict[tuple[str, str, str], float]:
    """Curvature per edge so that parallel and opposite edges between two nodes do not overlap."""
    pairs: dict[frozenset[str], list[tuple[str, str, str]]] = defaultdict(list)
    for u, v, key in graph.edges(keys=True):
        pairs[frozenset((u, v))].append((u, v, key))
    out = {}
    for edges in pairs.values():
        u, v = edges[0][0], edges[0][1]
        # an edge inside one column would run straight through the boxes between its ends
        same_column = graph.nodes[u].get("column") == graph.nodes[v].get("column")
        for i, edge in enumerate(sorted(edges, key=lambda e: (e[0], str(e[2])))):
            if len(edges) == 1 and not same_column:
                out[edge] = 0.0
            else:
                out[edge] = (0.35 if same_column else 0.12) + 0.12 * i
    return out


def _network(graph: nx.MultiDiGraph, title: str):
    from pyvis.network import Network

    net = Network(height="720px", width="100%", directed=True, heading=title, cdn_resources="in_line")
    positions = layout_positions(graph)
    for node, data in sorted(graph.nodes(data=True), key=lambda item: str(item[0])):
        style = GROUP_STYLES.get(data.get("group", "external"), GROUP_STYLES["external"])
        x, y = positions.get(node, (0.0, 0.0))
        net.add_node(
            str(node),
            label=_wrap(str(data.get("label") or node)),
            shape="box" if _is_system(data) else "ellipse",
            color={"background": style["background"], "border": style["border"],
                   "highlight": {"background": style["background"], "border": "#111827"}},
            x=x, y=y, physics=False,
            category=data.get("group"),  # not "group": vis-network would apply its own group colours
            column=data.get("column"),
            fullLabel=str(data.get("label") or node),
            tooltip=str(data.get("tooltip") or data.get("label") or node),
        )
    curves = _edge_styles(graph)
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (str(e[2]), e[0], e[1])):
        roundness = curves[(u, v, key)]
        smooth: dict[str, Any] = ({"enabled": False} if roundness == 0 else
                                  {"enabled": True, "type": "curvedCW", "roundness": roundness})
        if data.get("connection"):
            colour, dashes, width, arrows = CONNECTION_COLOUR, [2, 6], 1, ""
        elif data.get("personal"):
            colour, dashes, width, arrows = PERSONAL_COLOUR, False, 3, "to"
        else:
            colour, dashes, width, arrows = OTHER_COLOUR, [8, 6], 1.5, "to"
        net.add_edge(
            str(u), str(v),
            id=str(key),
            label=str(data.get("label") or ""),
            color={"color": colour, "highlight": colour, "hover": colour},
            dashes=dashes, width=width, arrows=arrows, smooth=smooth,
            personal=bool(data.get("personal")),
            connection=bool(data.get("connection")),
            flow=data.get("flow"),
            step=data.get("step"),
            tooltip=str(data.get("tooltip") or ""),
        )
    net.options = {}  # the template passes its own options (vis_options)
    return net


def _vis_options() -> dict[str, Any]:
    return {
        "physics": {"enabled": False},
        "layout": {"hierarchical": {"enabled": False}},
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "keyboard": True},
        "nodes": {"font": {"face": FONT_FACE, "size": 15, "color": "#111827"}, "margin": 10,
                  "borderWidth": 1.5, "widthConstraint": {"maximum": 220}},
        "edges": {"font": {"face": FONT_FACE, "size": 15, "align": "horizontal", "strokeWidth": 4,
                           "strokeColor": "#ffffff"},
                  "arrowStrikethrough": False, "selectionWidth": 2},
    }


def _flow_rows(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """The flows as table rows, in step order, for the page's text view."""
    rows = []
    for u, v, _key, data in graph.edges(keys=True, data=True):
        if data.get("connection"):
            continue
        rows.append({
            "step": data.get("label") or "",
            "stepNumber": data.get("step") if isinstance(data.get("step"), int) else 10**6,
            "section": data.get("section") or "",
            "source": graph.nodes[u].get("label", u),
            "recipient": graph.nodes[v].get("label", v),
            "information": data.get("information") or "",
            "personal": {True: "あり", False: "なし", None: "記載なし"}[data.get("carries_personal_number")],
            "evidence": data.get("evidence") or "",
            "quote": data.get("quote") or "",
            "inferred": data.get("inferred"),
        })
    return sorted(rows, key=lambda r: (r["section"], r["stepNumber"], r["source"], r["recipient"]))


def render_html(graph: nx.MultiDiGraph, title: str) -> str:
    """A self-contained HTML page (UTF-8, no external resource) drawing ``graph`` left to right."""
    net = _network(graph, title)
    lib = _pyvis_lib()
    env = Environment(loader=FileSystemLoader(str(VIZ_DIR)), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    # Library code is passed as data, never parsed as a template (minified JS may contain "{#").
    env.globals.update(
        vis_js=Markup(_safe_script((lib / "vis-network.min.js").read_text(encoding="utf-8"))),
        vis_css=Markup(_safe_style((lib / "vis-network.css").read_text(encoding="utf-8"))),
        vis_options=_vis_options(),
        groups=GROUP_STYLES,
        personal_colour=PERSONAL_COLOUR,
        other_colour=OTHER_COLOUR,
        flow_rows=_flow_rows(graph),
        page_title=title,
        unplaced=len(graph.graph.get("unplaced", [])),
    )
    net.templateEnv = env
    net.path = TEMPLATE
    return net.generate_html()


def _safe_script(code: str) -> str:
    # A literal "</script" would end the inline script early.
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.I)


def _safe_style(css: str) -> str:
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.I)


def write_html(graph: nx.MultiDiGraph, title: str, path: str | Path) -> Path:
    """Write :func:`render_html` to ``path`` as UTF-8 and return the path."""
    path = Path(path)
    path.write_text(render_html(graph, title), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Graphviz DOT
# ---------------------------------------------------------------------------------------------


def _dot_string(text: str) -> str:
    """A DOT double-quoted string: backslash and quote escaped, line breaks as \\n."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{text}"'


def render_dot(graph: nx.MultiDiGraph, title: str | None = None) -> str:
    """Graphviz DOT, left to right, one rank per column; 特定個人情報 flows solid red."""
    out = ["digraph piagraph {"]
    graph_attrs = ['rankdir=LR', 'newrank=true', f"fontname={_dot_string('IPAexGothic')}"]
    if title:
        graph_attrs += [f"label={_dot_string(title)}", "labelloc=t"]
    out.append(f"  graph [{', '.join(graph_attrs)}];")
    out.append(f"  node [fontname={_dot_string('IPAexGothic')}, style=\"filled\"];")
    out.append(f"  edge [fontname={_dot_string('IPAexGothic')}];")
    columns: dict[int, list[str]] = defaultdict(list)
    for node, data in sorted(graph.nodes(data=True), key=lambda item: str(item[0])):
        style = GROUP_STYLES.get(data.get("group", "external"), GROUP_STYLES["external"])
        columns[data.get("column", 1)].append(str(node))
        attrs = [
            f"label={_dot_string(str(data.get('label') or node))}",
            f"shape={style.get('dot_shape') or ('box' if _is_system(data) else 'ellipse')}",
            f"fillcolor={_dot_string(style['background'])}",
            f"color={_dot_string(style['border'])}",
            f"tooltip={_dot_string(str(data.get('tooltip') or ''))}",
        ]
        out.append(f"  {_dot_string(str(node))} [{', '.join(attrs)}];")
    for column in sorted(columns):
        members = " ".join(_dot_string(n) + ";" for n in columns[column])
        out.append(f"  {{ rank=same; {members} }}")
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (str(e[2]), e[0], e[1])):
        if data.get("connection"):
            attrs = [f"color={_dot_string(CONNECTION_COLOUR)}", "style=dotted", "arrowhead=none"]
        elif data.get("personal"):
            attrs = [f"color={_dot_string(PERSONAL_COLOUR)}", "style=solid", "penwidth=2"]
        else:
            attrs = [f"color={_dot_string(OTHER_COLOUR)}", "style=dashed"]
        attrs += [f"label={_dot_string(str(data.get('label') or ''))}",
                  f"tooltip={_dot_string(str(data.get('tooltip') or ''))}",
                  f"id={_dot_string(str(key))}"]
        out.append(f"  {_dot_string(str(u))} -> {_dot_string(str(v))} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Mermaid
# ---------------------------------------------------------------------------------------------

_MERMAID_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;",
                     "|": "#124;", "\n": " ", "\r": " "}


def _mermaid_text(text: str) -> str:
    """A quoted Mermaid label: characters with a meaning in Mermaid or HTML as entity codes."""
    return '"' + "".join(_MERMAID_ENTITIES.get(ch, ch) for ch in text) + '"'


def render_mermaid(graph: nx.MultiDiGraph) -> str:
    """Mermaid ``flowchart LR``; node ids are generated (n0, n1 …), labels always quoted."""
    ids = {node: f"n{i}" for i, node in enumerate(sorted(graph.nodes, key=str))}
    out = ["flowchart LR"]
    for group, style in GROUP_STYLES.items():
        out.append(f"  classDef {group} fill:{style['background']},stroke:{style['border']},color:#111827")
    for node in sorted(graph.nodes, key=str):
        data = graph.nodes[node]
        label = _mermaid_text(str(data.get("label") or node))
        shape = ("[(", ")]") if data.get("group") == "national" else ("[", "]") if _is_system(data) else ("([", "])")
        out.append(f"  {ids[node]}{shape[0]}{label}{shape[1]}")
        if data.get("group") in GROUP_STYLES:
            out.append(f"  class {ids[node]} {data['group']}")
    link_styles = []
    for number, (u, v, _key, data) in enumerate(
            sorted(graph.edges(keys=True, data=True), key=lambda e: (str(e[2]), e[0], e[1]))):
        label = str(data.get("label") or "")
        if data.get("connection"):
            arrow, style = "---", f"stroke:{CONNECTION_COLOUR},stroke-dasharray:2 4"
        elif data.get("personal"):
            arrow, style = "-->", f"stroke:{PERSONAL_COLOUR},stroke-width:2px"
        else:
            arrow, style = "-.->", f"stroke:{OTHER_COLOUR},stroke-dasharray:6 4"
        text = f"|{_mermaid_text(label)}|" if label else ""
        out.append(f"  {ids[u]} {arrow}{text} {ids[v]}")
        link_styles.append(f"  linkStyle {number} {style}")
    return "\n".join(out + link_styles) + "\n"
