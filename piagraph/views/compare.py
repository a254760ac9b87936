"""The comparison matrix as a terminal table, CSV, or an offline HTML page with the merged network.

Cells that differ from the row's majority carry a ``*`` (table, CSV) or the CSS class ``differs``
(HTML). The HTML page is self-contained UTF-8: every document value is HTML-escaped, and the network
below the table is the page of :func:`piagraph.views.diagram.render_html` (vis-network inlined from
pyvis's local copy), embedded through ``<iframe srcdoc>`` so that neither page's markup or script
can disturb the other and nothing is fetched.
"""

from __future__ import annotations

import html

import networkx as nx

from piagraph.analyse.compare import SEP, ComparisonMatrix
from piagraph.views.tables import format_csv, format_table

MARK = "*"
HEADER = "項目"
DOCUMENT_ROW = "評価書（番号・名称）"


def _document_cells(matrix: ComparisonMatrix) -> list[str]:
    return [" ".join(p for p in (f"No.{a.number}" if a.number else None, a.title) if p) for a in matrix.assessments]


def _rows(matrix: ComparisonMatrix, joiner: str) -> list[dict[str, object]]:
    """Plain rows for the table and CSV writers: values joined, differing cells marked."""
    out: list[dict[str, object]] = [{HEADER: DOCUMENT_ROW, **dict(zip(matrix.columns, _document_cells(matrix),
                                                                      strict=True))}]
    for (label, cells), flags in zip(matrix.rows, matrix.differs, strict=True):
        row: dict[str, object] = {HEADER: label}
        for column, cell, flag in zip(matrix.columns, cells, flags, strict=True):
            text = cell.replace(SEP, joiner)
            row[column] = f"{MARK}{text}" if flag else text
        out.append(row)
    return out


def format_compare_table(matrix: ComparisonMatrix, max_cell: int = 40) -> str:
    if not matrix.columns:
        return "nothing to compare" + "".join(f"\n{note}" for note in matrix.notes)
    text = format_table([HEADER, *matrix.columns], _rows(matrix, "、"), max_cell=max_cell)
    footer = [f"{MARK} = differs from the majority of the row (every cell of a row without a majority)"]
    return "\n".join([text, "", *footer, *matrix.notes])


def format_compare_csv(matrix: ComparisonMatrix) -> str:
    return format_csv([HEADER, *matrix.columns], _rows(matrix, "、"))


_STYLE = """
  body { margin: 0; padding: 12px 18px; color: #111827; background: #fff;
         font-family: 'IPAexGothic', 'IPAGothic', 'Noto Sans CJK JP', 'Hiragino Sans', 'Yu Gothic', sans-serif; }
  h1 { font-size: 20px; margin: 4px 0 10px; } h2 { font-size: 16px; margin: 20px 0 8px; }
  table.comparison { border-collapse: collapse; font-size: 13px; width: 100%; }
  table.comparison th, table.comparison td { border: 1px solid #d1d5db; padding: 4px 8px; vertical-align: top;
                                             text-align: left; }
  table.comparison thead th { background: #f3f4f6; position: sticky; top: 0; }
  table.comparison th[scope=row] { background: #f9fafb; white-space: nowrap; }
  table.comparison td.differs { background: #fef3c7; box-shadow: inset 3px 0 0 #d97706; }
  table.comparison td .empty { color: #9ca3af; }
  .doc { display: block; font-weight: normal; font-size: 11px; color: #4b5563; }
  .note, .legend { font-size: 12px; color: #4b5563; }
  .legend .differs { background: #fef3c7; box-shadow: inset 3px 0 0 #d97706; padding: 0 6px; }
  iframe.network { width: 100%; height: 1000px; border: 1px solid #d1d5db; }
"""


def _cell_html(cell: str) -> str:
    if not cell:
        return '<span class="empty">—</span>'
    return "<br>".join(html.escape(value) for value in cell.split(SEP))


def render_compare_html(matrix: ComparisonMatrix, graph: nx.MultiDiGraph | None = None,
                        title: str | None = None) -> str:
    """The offline HTML page: the matrix and, under it, the merged network (when ``graph`` is given)."""
    esc = html.escape
    title = title or ("比較: " + (matrix.affair or "すべての事務") + f"（{len(matrix.columns)}件）")
    head = "".join(
        f'<th scope="col">{esc(a.label)}<span class="doc">{esc(doc)}</span>'
        f'<span class="doc">{esc(a.source or "")}</span></th>'
        for a, doc in zip(matrix.assessments, _document_cells(matrix), strict=True))
    body = []
    for r, ((label, cells), flags) in enumerate(zip(matrix.rows, matrix.differs, strict=True)):
        tds = []
        for c, (cell, flag) in enumerate(zip(cells, flags, strict=True)):
            refs = matrix.evidence[r][c] if matrix.evidence else []
            attrs = ' class="differs"' if flag else ""
            if refs:
                attrs += f' title="{esc("根拠: " + "、".join(refs[:12]) + (" …" if len(refs) > 12 else ""))}"'
            tds.append(f"<td{attrs}>{_cell_html(cell)}</td>")
        body.append(f'<tr><th scope="row">{esc(label)}</th>{"".join(tds)}</tr>')
    notes = "".join(f"<li>{esc(note)}</li>" for note in matrix.notes)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="ja"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:; font-src data:; frame-src 'self' about:\">",
        '<link rel="icon" href="data:,">',
        f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        '<p class="legend"><span class="differs">色付きのセル</span> は行の多数派と異なる値'
        "（多数派のない行はすべて）。セルにポインタを置くと根拠（file:行）を表示。"
        "法令上の根拠は現行の条項番号に読み替えて比較。</p>",
    ]
    if matrix.columns:
        parts.append(f'<table class="comparison"><thead><tr><th scope="col">{HEADER}</th>{head}</tr></thead>'
                     f"<tbody>{''.join(body)}</tbody></table>")
    else:
        parts.append('<p class="note">比較できる評価書がありません。</p>')
    if notes:
        parts.append(f'<ul class="note">{notes}</ul>')
    if graph is not None and graph.number_of_nodes():
        from piagraph.views.diagram import render_html

        page = render_html(graph, "システムとデータの流れ（統合）: 国の共通システムは1つの箱")
        parts.append("<h2>システムとデータの流れ（統合）</h2>")
        parts.append('<p class="note">各自治体のシステムは［自治体名］付きで表示。中間サーバー・情報提供ネットワーク'
                     "システム・住基ネット・VRS は全自治体で共通の1ノード。</p>")
        parts.append(f'<iframe class="network" title="network" srcdoc="{esc(page, quote=True)}"></iframe>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
