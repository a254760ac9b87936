"""PDF -> lines through pdfplumber, laid out like the PDF-extracted texts of the samples.

The parsers read a page as text boxes (blank-line separated blocks) and recognise label boxes by
their leading ASCII space; so each text line keeps its leading blanks, a vertical gap wider than
half a line between two lines becomes one empty line (a new box), and pages are separated by
three or more empty lines.
"""

from __future__ import annotations

from typing import Any

from piagraph.errors import ReadError

PAGE_SEPARATOR = ["", "", "", ""]  # three empty lines between pages, as in PDF-extracted texts
BOX_GAP = 0.5  # a gap above a line wider than this many line heights starts a new text box


def page_lines(page: Any) -> list[str]:
    """One pdfplumber page as text lines, with an empty line where a new text box starts."""
    lines: list[str] = []
    previous_bottom: float | None = None
    for line in page.extract_text_lines(keep_blank_chars=True, strip=False, return_chars=False):
        text = line["text"].rstrip()
        if not text.strip():
            continue
        height = max(float(line["bottom"]) - float(line["top"]), 1.0)
        if previous_bottom is not None and float(line["top"]) - previous_bottom > BOX_GAP * height:
            lines.append("")
        lines.append(text)
        previous_bottom = float(line["bottom"])
    return lines


def pdf_lines(path: str) -> list[str]:
    """Extract the text layer page by page. A PDF without text (a scan) is an error."""
    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover - dependency declared in pyproject
        raise ReadError(path, "pdfplumber is not installed") from exc
    lines: list[str] = []
    try:
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages):
                if number:
                    lines.extend(PAGE_SEPARATOR)
                lines.extend(page_lines(page))
                page.close()  # pdfplumber caches each page's objects: free them as we go
    except ReadError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types on damaged files
        raise ReadError(path, f"unreadable PDF ({type(exc).__name__}: {exc})") from None
    if not any(line.strip() for line in lines):
        raise ReadError(path, "PDF has no text layer (scanned image?); run OCR first")
    return lines
