"""Other inputs of the same document: a real PDF read through pdfplumber, and a Shift_JIS text file.

The PDF is built at test time from sample 000's text: one PDF page per page of the text (runs of
>= 3 empty lines), each line drawn where it stands, an empty line left as an empty line slot, with a
Japanese TrueType font. Reading it back must give what the text gives: read_path detects ``%PDF``,
pdfplumber extracts the lines, the reader turns vertical gaps back into box boundaries and keeps the
leading blanks of label boxes.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest

from piagraph.model import Assessment
from piagraph.parse import parse_source
from piagraph.read import SourceText, read_path
from tests.conftest import sample_path

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
)
SIZE, LEADING, MARGIN = 9, 12, 20


def _cjk_font() -> str | None:
    """A TrueType font with Japanese glyphs (Debian: fonts-ipaexfont-gothic), or None."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    if shutil.which("fc-list"):
        listed = subprocess.run(["fc-list", ":lang=ja", "file"], capture_output=True, text=True, check=False)
        for line in listed.stdout.splitlines():
            path = line.split(":")[0].strip()
            if path.endswith(".ttf"):  # reportlab embeds TrueType outlines, not CFF (.otf)
                return path
    return None


def _pages(lines: list[str]) -> list[list[str]]:
    """The text's pages: runs of lines between runs of >= 3 empty lines (blank edges dropped)."""
    pages: list[list[str]] = []
    current: list[str] = []
    blank = 0
    for line in lines:
        if not line.strip():
            blank += 1
            current.append(line)
            continue
        if blank >= 3 and any(x.strip() for x in current):
            pages.append(current)
            current = []
        blank = 0
        current.append(line)
    pages.append(current)
    return [_trim(page) for page in pages if any(x.strip() for x in page)]


def _trim(page: list[str]) -> list[str]:
    start = next(i for i, line in enumerate(page) if line.strip())
    end = max(i for i, line in enumerate(page) if line.strip())
    return page[start:end + 1]


def build_pdf(text: str, target: Path, font: str) -> None:
    canvas_module = pytest.importorskip("reportlab.pdfgen.canvas", reason="reportlab (test extra) not installed")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("CJK", font))
    pdf = canvas_module.Canvas(str(target))
    for page in _pages(text.split("\n")):
        width = max(595.0, 2 * MARGIN + max(pdfmetrics.stringWidth(line, "CJK", SIZE) for line in page))
        height = 2 * MARGIN + LEADING * len(page)
        pdf.setPageSize((width, height))
        pdf.setFont("CJK", SIZE)
        for row, line in enumerate(page):
            if line.strip():
                pdf.drawString(MARGIN, height - MARGIN - SIZE - row * LEADING, line)
        pdf.showPage()
    pdf.save()


def _without_places(value: object) -> object:
    """A parse result without file names and line numbers (they differ between the two inputs)."""
    if isinstance(value, dict):
        return {k: _without_places(v) for k, v in value.items()
                if k not in ("evidence", "field_evidence", "source_file", "line_start", "line_end", "line",
                             "warnings")}
    if isinstance(value, list):
        return [_without_places(v) for v in value]
    return value


@pytest.fixture(scope="module")
def iizuka_pdf(tmp_path_factory) -> SourceText:
    """Sample 000 drawn into a PDF and read back with read_path (pdfplumber), once for the module."""
    font = _cjk_font()
    if font is None:
        pytest.skip("no Japanese TrueType font found (install Debian's fonts-ipaexfont-gothic): "
                    "cannot draw the sample text into a PDF")
    target = tmp_path_factory.mktemp("pdf") / "iizuka.pdf"
    build_pdf(sample_path("iizuka").read_text(encoding="utf-8"), target, font)
    assert target.read_bytes().startswith(b"%PDF")
    return read_path(str(target))


def test_pdf_input_gives_what_its_text_gives(parsed_samples, iizuka_pdf):
    source = iizuka_pdf
    assert source.layout == "pdf" and source.encoding == "pdf"
    (from_pdf,) = parse_source(source).documents
    (from_text,) = parsed_samples["iizuka"].documents
    assert isinstance(from_pdf, Assessment) and isinstance(from_text, Assessment)
    keys = ("number", "title", "body", "municipality", "published_on", "form_stamp")
    assert {k: from_pdf.fact(k) for k in keys} == {k: from_text.fact(k) for k in keys}
    assert from_pdf.fact("published_on") == "2025-01-10" and from_pdf.kind == "重点"
    assert [(s.name, s.connections) for s in from_pdf.systems] == [(s.name, s.connections) for s in from_text.systems]
    contractors = [(f.title, f.contractors, f.subcontracted) for f in from_pdf.flows if f.kind == "Entrustment"]
    assert contractors == [(f.title, f.contractors, f.subcontracted) for f in from_text.flows if f.kind == "Entrustment"]
    assert contractors and contractors[0][1] == ["行政システム九州株式会社"]
    # Everything else too, but for where it was read (the PDF's lines are numbered differently).
    assert _without_places(dataclasses.asdict(from_pdf)) == _without_places(dataclasses.asdict(from_text))
    assert len(from_pdf.warnings) == len(from_text.warnings)  # (their messages quote line numbers)


def test_pdf_boxes_and_label_indents_survive_extraction(iizuka_pdf):
    lines = iizuka_pdf.lines
    text = sample_path("iizuka").read_text(encoding="utf-8").split("\n")
    assert [x.rstrip() for x in lines if x.strip()] == [x.rstrip() for x in text if x.strip()]
    assert " ①システムの名称 地域健康支援システム「健康かるて」" in lines  # 000 line 61: indented label box
    # Empty lines inside a page (box boundaries) come back as one empty line each; page breaks as four.
    assert lines[lines.index(" ①システムの名称 地域健康支援システム「健康かるて」") + 1] == ""


def test_shift_jis_copy_gives_identical_output(parsed_samples, tmp_path):
    text = sample_path("iizuka").read_text(encoding="utf-8")
    target = tmp_path / "000_cp932.txt"
    target.write_bytes(text.encode("cp932"))
    source = read_path(str(target))
    assert source.encoding == "cp932" and source.layout == "pdf-text"
    (from_sjis,) = parse_source(source).documents
    (from_utf8,) = parsed_samples["iizuka"].documents
    # Same lines, same numbers: everything is equal but the file name.
    plain = _without_names(dataclasses.asdict(from_sjis), str(target))
    assert plain == _without_names(dataclasses.asdict(from_utf8), str(sample_path("iizuka")))


def _without_names(value: object, name: str) -> object:
    if isinstance(value, dict):
        return {k: _without_names(v, name) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_names(v, name) for v in value]
    return "<file>" if value == name else value
