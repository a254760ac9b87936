"""Bytes -> text: encodings seen in the field (UTF-8, UTF-8 with BOM, UTF-16, Shift_JIS/cp932)."""

from __future__ import annotations

import codecs
import re

from piagraph.errors import ReadError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _looks_utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text of mostly ASCII/CJK has NULs on one side; guess the byte order from them."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.3 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.3 and odd < half * 0.05:
        return "utf-16-be"
    return None


# Control characters other than \t \n \r \f, C1 controls and the private-use area.
_ODD = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ue000-\uf8ff]")


def _plausible(text: str) -> bool:
    """cp932 decodes almost any bytes; real text has few control or private-use characters."""
    sample = text[:200_000]
    odd = len(_ODD.findall(sample))  # a regex scan: a per-character Python loop cost ms per file
    return odd <= max(2, len(sample) // 200)


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Decode ``data``; return (text, encoding name). Raises ReadError naming the file."""
    if not data.strip():
        raise ReadError(path, "empty file")
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise ReadError(path, f"invalid {name} text at byte {exc.start}") from None
    guessed = _looks_utf16_without_bom(data)
    if guessed:
        try:
            text = data.decode(guessed)
        except UnicodeDecodeError:
            text = ""
        if text and _plausible(text):
            return text, guessed
    if b"\x00" in data[:65536]:
        raise ReadError(path, "binary file (NUL bytes): not a text or PDF assessment")
    for name in ("utf-8", "cp932"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text, name
    # Report the first bad byte of the more likely encoding (UTF-8) with its line.
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReadError(path, "not UTF-8, UTF-16 or Shift_JIS (cp932) text", line=line) from None
    raise ReadError(path, "undecodable text")  # pragma: no cover - unreachable
