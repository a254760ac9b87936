"""PDF -> lines through pdfplumber, pages separated like the extracted texts of the samples."""

from __future__ import annotations

from piagraph.errors import ReadError

PAGE_SEPARATOR = ["", "", "", ""]  # three empty lines between pages, as in PDF-extracted texts


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
                text = page.extract_text() or ""
                if number:
                    lines.extend(PAGE_SEPARATOR)
                lines.extend(text.split("\n"))
    except ReadError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types on damaged files
        raise ReadError(path, f"unreadable PDF ({type(exc).__name__}: {exc})") from None
    if not any(line.strip() for line in lines):
        raise ReadError(path, "PDF has no text layer (scanned image?); run OCR first")
    return lines
