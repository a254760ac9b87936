"""Render form items as the tab-separated label/value rows with HTML fragments of samples 001 and 003."""

from __future__ import annotations

import random

from .model import Change

_HALF = str.maketrans("０１２３４５６７８９（）", "0123456789()")
_ROMAN = (("Ⅵ", "VI"), ("Ⅴ", "V"), ("Ⅳ", "IV"), ("Ⅲ", "III"), ("Ⅱ", "II"), ("Ⅰ", "I"))
_HEADER = "変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\t提出時期に係る説明"
_CHECKED = ('[<input checked="checked" type="checkbox"/>]', "[○]", '[<input type="radio"/>]')
_UNCHECKED = ("[]", '<input type="checkbox"/>')
_CELL_MAX = 400  # longer change-log cells continue on a 「(上段からの続き)」 row


def _label(text: str) -> str:
    text = text.strip().replace("\n", "").replace("　※", " ※")
    for a, b in _ROMAN:
        if text.startswith(a):
            text = b + text[len(a):]
    head, sep, rest = text.partition("．")
    if sep and head.translate(_HALF).isdigit():
        text = f"{head.translate(_HALF)}. {rest}"
    return text.translate(_HALF).replace("　", " ")


class TsvRenderer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.checked = rng.choice(_CHECKED)
        self.html = rng.random() < 0.6  # multi-line values as <p> paragraphs
        self.three_cols = rng.random() < 0.5  # choices as [value] TAB <選択肢> ...
        self.pages: list[tuple[list[str], bool]] = []
        self.blocks: list[str] = []
        self.rows: list[str] = []
        self.prefix: list[str] = []
        self.ordered = False  # the change table keeps its row order (continuation rows follow their row)

    def row(self, text: str) -> None:
        if self.prefix:
            text = self.prefix.pop(0) + text
        self.rows.append(text)

    def end_block(self) -> None:
        if self.rows:
            self.blocks.append("\n".join(self.rows))
            self.rows = []

    def end_page(self) -> None:
        self.end_block()
        if self.blocks:
            self.pages.append((self.blocks, not self.ordered))
        self.blocks = []
        self.ordered = False

    def cell(self, value: str) -> str:
        lines = [x for x in value.split("\n") if x.strip()]
        if len(lines) <= 1:
            return lines[0] if lines else ""
        if self.html:
            if all(x.startswith("・") for x in lines) and self.rng.random() < 0.5:
                return '<ul style="list-style-type: none;"> ' + " ".join(lines) + " </ul>"
            return " ".join(f"<p>{x}</p>" for x in lines)
        return " ".join(lines)

    def choice(self, selected: str, options: list[str]) -> str:
        listed = " ".join(f"{i}) {o}" for i, o in enumerate(options, 1)).translate(_HALF)
        sep = "\t" if self.three_cols else " "
        return f"[{selected}]{sep}<選択肢> {listed}"

    def box(self, checked: bool) -> str:
        return self.checked if checked else self.rng.choice(_UNCHECKED)

    # -- items --------------------------------------------------------------
    def render(self, items: list[tuple]) -> list[tuple[list[str], bool]]:
        for it in items:
            getattr(self, "_" + it[0])(*it[1:])
        self.end_page()
        return self.pages

    def _h(self, text: str) -> None:
        for line in text.split("\n"):
            label = _label(line)
            if label[:1] in "IV(" and not label.startswith("(上段"):
                self.end_page()  # a major part starts a new page
            elif label[:1].isdigit():
                self.end_block()
            self.row(label + ("\t" if self.rng.random() < 0.5 else ""))

    def _f(self, label: str, value: str, inline: bool) -> None:
        self.row(f"{_label(label)}\t{self.cell(value)}")

    def _c(self, label: str, selected: str, options: list[str], suffix: str) -> None:
        extra = f" {suffix.translate(_HALF).replace('　', ' ')}" if suffix else ""
        self.row(f"{_label(label)}\t{self.choice(selected, options)}{extra}")

    def _x(self, label: str, entries: list[tuple]) -> None:
        parts = []
        for option, checked, paren, suffix in entries:
            text = option.translate(_HALF)
            if checked is None:
                parts.append(f"<p>{text}</p>" if self.html else text)
                continue
            if paren is not None:
                text += f" ({paren})"
            if suffix:
                text += f" {suffix}"
            parts.append(f"{self.box(checked)} {text}")
        self.row(f"{_label(label)}\t{' '.join(parts)}")

    def _p(self, text: str, width: int) -> None:
        self.end_block()
        for para in text.split("\n\n"):  # list-like paragraphs (項目一覧) stay together as rows of one block
            if para.strip():
                lines = [_label(x) if len(x) < 40 and x[0] != "　" else x for x in para.split("\n") if x.strip()]
                self.row(self.cell("\n".join(lines)) if len(lines) > 1 and self.html else " ".join(lines))
        self.end_block()

    def _v(self, text: str) -> None:
        self.prefix = [f"{text}\t", "\t", "\t"]

    def _brk(self) -> None:
        self.end_block()

    def _chghead(self, title: str) -> None:
        self.end_page()
        self.ordered = True
        self.row(title.translate(_HALF).replace("（", "(").replace("）", ")"))
        self.end_block()
        self.row(_HEADER)

    def _chg(self, ch: Change) -> None:
        cells = [ch.date, ch.item.replace("\n", " "), self.cell(ch.before), self.cell(ch.after), ch.timing, ch.note]
        first = [c[:_CELL_MAX] for c in cells]
        self.row("\t".join(first))
        rest = [c[_CELL_MAX:] for c in cells]
        while any(rest[2:4]):
            cont = ["", ""] + [f"<p>(上段からの続き)</p> {c[:_CELL_MAX]}" if c else "" for c in rest[2:4]]
            self.row("\t".join(cont))
            rest = ["", ""] + [c[_CELL_MAX:] for c in rest[2:4]]
        if len(self.rows) >= 6:  # the table continues on the next printed page with its header repeated
            self.end_block()
            self.row(_HEADER)

