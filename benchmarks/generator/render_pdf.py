"""Render form items as PDF-extracted text: boxes as blank-line-separated blocks, pages split by three empty lines."""

from __future__ import annotations

import random

from .layout import wrap
from .model import Change

_CHANGE_HEADER = ("変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明")


class PdfRenderer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.width = rng.randint(46, 52)
        self.paren = rng.choice(("）", ")", "）"))
        self.mark = "○" if rng.random() < 0.9 else "〇"
        self.budget = rng.randint(850, 1100)
        self.pages: list[tuple[list[str], bool]] = []
        self.blocks: list[str] = []
        self.size = 0
        self.carry = ""

    # -- output helpers ---------------------------------------------------
    def emit(self, block: str) -> None:
        if self.carry:
            block, self.carry = self.carry + "\n" + block, ""
        if "\n\n" in block:  # an empty line inside a value starts a new box
            for part in block.split("\n\n"):
                part = part.strip("\n")
                if part.strip():
                    self.blocks.append(part)
        else:
            self.blocks.append(block)
        self.size += len(block)
        if self.size > self.budget:
            self.flush()

    def flush(self) -> None:
        if self.carry:
            self.blocks.append(self.carry)
            self.carry = ""
        if self.blocks:
            self.pages.append((self.blocks, True))
        self.blocks, self.size = [], 0

    def options(self, options: list[str]) -> str:
        rows = [f"{i}{self.paren} {o}" for i, o in enumerate(options, 1)]
        if len(rows) > 3 and self.rng.random() < 0.5:  # two choices per line
            rows = [" ".join(rows[i : i + 2]) for i in range(0, len(rows), 2)]
        return "\n".join(rows)

    # -- items --------------------------------------------------------------
    def render(self, items: list[tuple]) -> list[tuple[list[str], bool]]:
        for it in items:
            getattr(self, "_" + it[0])(*it[1:])
        self.flush()
        return self.pages

    def _h(self, text: str) -> None:
        if self.rng.random() < 0.35 and not self.carry:
            self.carry = text
        else:
            self.emit(text)

    def _f(self, label: str, value: str, inline: bool) -> None:
        rng = self.rng
        if not value:
            self.emit(label)
            return
        if inline or ("\n" not in value and len(value) <= 40 and rng.random() < 0.6):
            self.emit(f"{label} {value}")
            return
        body = wrap(value, self.width)
        if rng.random() < 0.4:
            self.emit(f"{label}\n{body}")
        else:
            self.emit(label)
            self.emit(body)

    def _c(self, label: str, selected: str, options: list[str], suffix: str) -> None:
        rng = self.rng
        opts = self.options(options)
        r = rng.random()
        if r < 0.35:
            self.emit(f"{label} [ {selected} ] ＜選択肢＞" if selected else f"{label} [ ] ＜選択肢＞")
            self.emit(opts)
        elif r < 0.7:
            self.emit(label)
            self.emit(f"[ {selected}")
            self.emit("]\n＜選択肢＞\n" + opts)
        else:
            self.emit(label)
            self.emit(f"[ {selected} ]")
            self.emit("＜選択肢＞\n" + opts)
        if suffix:
            self.emit(suffix)

    def _entry(self, option: str, paren: str | None, suffix: str) -> str:
        text = option
        if paren is not None:
            text += f" （ {paren} ）" if paren else " （ ）"
        return text + (" " + suffix if suffix else "")

    def _x(self, label: str, entries: list[tuple]) -> None:
        self.emit(label)
        row: list[tuple] = []
        for e in entries:
            if e[1] is None:  # a sub-heading such as 「・識別情報」 closes the current row
                if row:
                    self._pairs(row)
                    row = []
                self.emit(e[0])
            else:
                row.append(e)
        if row:
            self._pairs(row)

    def _pairs(self, entries: list[tuple]) -> None:
        rng = self.rng
        for i in range(0, len(entries), 2):
            a = entries[i]
            left = f"[ {self.mark} ] " if a[1] else "[ ] "
            left += self._entry(a[0], a[2], a[3])
            if i + 1 == len(entries):
                self.emit(left)
                continue
            b = entries[i + 1]
            mb = f" {self.mark}" if b[1] else ""
            right = self._entry(b[0], b[2], b[3])
            if rng.random() < 0.5:
                self.emit(f"{left} [{mb} ] {right}")
            else:  # the right-hand box is extracted separately from its label
                self.emit(f"{left} [{mb}")
                self.emit(f"] {right}")

    def _p(self, text: str, width: int) -> None:
        self.emit(wrap(text, width))

    def _v(self, text: str) -> None:
        self.emit("\n".join(text))

    def _brk(self) -> None:
        self.flush()

    def _chghead(self, title: str) -> None:
        self.flush()
        self.emit(title)
        if self.rng.random() < 0.5:
            self.emit(" ".join(_CHANGE_HEADER))
        else:
            self.emit("項目")
            self.emit("提出時期に係る説明")
            self.emit("変更前の記載 変更後の記載 提出時期変更日")

    def _chg(self, ch: Change) -> None:
        rng = self.rng
        if ch.item == ch.before:  # 「（別紙）…のとおり」 rows
            self.emit(f"{ch.date}\n{wrap(ch.item, 16)}")
            self.emit(f"{ch.before} {ch.after} {ch.timing}")
            return
        self.emit(wrap(ch.item, 15))
        self.emit(wrap(ch.before, 22))
        if len(ch.after) < 12 and rng.random() < 0.6:
            self.emit(f"{ch.after} {ch.timing}")
        else:
            self.emit(wrap(ch.after, 22))
            self.emit(ch.timing)
        if ch.note:
            self.emit(ch.note)
        self.emit(ch.date)
