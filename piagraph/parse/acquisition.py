"""Ⅱ3 入手・使用 (入手元, 入手方法, 時期・頻度, 使用目的, 使用の主体, 使用方法).

One Acquisition flow per checked ①入手元 box; its methods are the checked ②入手方法 boxes (the form
does not pair sources with methods). The recipient is left empty: it is the file's own system, which
the graph builder resolves. In PDF text the 入手元 and 入手方法 lists share a page and both end in
「その他（…）」: a checked その他 goes to the list whose labels share its line, else to the nearer label.
A parenthesis printed away from its box (「（ 市民局窓口サービス課 ）」) is given to the checked box
it fits by content (a department, a municipality, a national body) or, when only one box lacks its
text, to that box.
"""

from __future__ import annotations

import re

from piagraph.model import Assessment, Evidence, Fact, Flow, PersonalInfoFile
from piagraph.normalize.dates import parse_date
from piagraph.normalize.text import squash
from piagraph.parse.checkboxes import METHOD_LABELS, SOURCE_LABELS, read_checkboxes
from piagraph.parse.doctext import DocText, Line
from piagraph.parse.fieldtext import (
    USER_BANDS,
    WINDOW,
    Form,
    Value,
    checked_boxes,
    choice_value,
    department_join,
    file_key,
    is_department_list,
    label_value,
    nearest_block,
    paren_text,
)
from piagraph.parse.files import FilePart, file_parts, part_label, part_scope

SOURCE = re.compile(r"^①入手元")
METHOD = re.compile(r"^②入手方法")
FREQUENCY = re.compile(r"^③入手の時期・?頻度")
PURPOSE = re.compile(r"^[③⑥]使用目的")
DEPARTMENT = re.compile(r"^使用部署")
USERS = re.compile(r"^使用者数")
USE_METHOD = re.compile(r"^[⑤⑧]使用方法")
MATCHING = re.compile(r"^情報の突合")
USE_START = re.compile(r"^[⑥⑨]使用開始日")
# Other lists of the same page whose その他 or method words must not be read as Ⅱ3's.
COMPETING = re.compile(r"^主な記録項目|委託先への特定個人情報|^⑥(?:提供|移転)方法")

TEXT_CHARS = 300
NO_PAREN = ("本人又は本人の代理人",)
# Which source box a stray parenthesis belongs to, by what it names.
PAREN_KIND = (
    ("評価実施機関内の他部署", re.compile(r"(?:課|室|係|部|局|センター|担当)(?:$|[、,])")),
    ("地方公共団体・地方独立行政法人", re.compile(r"市区町村|市町村|都道府県|[都道府県]知事|市長|町長|村長")),
    ("行政機関・独立行政法人等", re.compile(r"省|庁|機構|大臣")),
    ("民間事業者", re.compile(r"株式会社|有限会社|\(株\)|事業者")),
)
BODY_WORDS = re.compile(r"医療機関|病院|医師会|診療所|学校|本人")
FREQUENCY_WORDS = re.compile(r"都度|随時|日次|月次|週次|年次|毎日|毎月|毎年|毎週|\d+日\d*回|[年月日]\d+回|定期|時期|頻度")
PURPOSE_WORDS = re.compile(r"ため|目的")
MATCHING_WORDS = re.compile(r"突合")


def parse_acquisition(doc: DocText, assessment: Assessment) -> None:
    """Acquisition flows and Ⅱ3 use facts for every file with a Ⅱ part."""
    form = Form.of(doc)
    parts = file_parts(form, report=False)
    for index, part in enumerate(parts):
        file = next((f for f in assessment.files if file_key(f.name) == file_key(part.name)), None)
        if file is None:
            continue
        _Reader(form, parts, index, file, assessment).read()


class _Reader:
    def __init__(self, form: Form, parts: list[FilePart], index: int, file: PersonalInfoFile,
                 assessment: Assessment) -> None:
        self.form, self.parts, self.index, self.file = form, parts, index, file
        self.assessment = assessment
        self.doc = form.doc
        self.taken: set[int] = set()  # free blocks already used as some field's value

    def label(self, pattern: re.Pattern[str]) -> Line | None:
        return part_label(self.form, pattern, self.parts, self.index)

    def scope(self, pattern: re.Pattern[str], line: Line) -> tuple[int, int]:
        return part_scope(self.form, pattern, self.parts, self.index, line)

    def warn(self, message: str, line: int | None = None) -> None:
        self.doc.warn(f"Ⅱ3 「{self.file.name}」 {message}", line)

    # -- facts -------------------------------------------------------------------------------
    def read(self) -> None:
        source_label = self.label(SOURCE)
        method_label = self.label(METHOD)
        if source_label is None:
            self.warn("①入手元 not found")
        frequency = self._text(FREQUENCY, "入手の時期・頻度", FREQUENCY_WORDS, key=None, required=False)
        self._text(MATCHING, "情報の突合", MATCHING_WORDS, key="data_matching")
        self._text(PURPOSE, "使用目的", PURPOSE_WORDS, key="use_purpose")
        self._text(USE_METHOD, "使用方法", None, key="use_method")
        self._department()
        self._users()
        self._start()
        if source_label is not None:
            self._flows(source_label, method_label, frequency)

    def _text(self, pattern: re.Pattern[str], name: str, words: re.Pattern[str] | None,
              key: str | None, required: bool = True) -> Value | None:
        line = self.label(pattern)
        if line is None:
            if required:
                self.warn(f"{name} not found")
            return None
        value = label_value(self.form, line, pattern)
        if value is None and not self.form.table:
            first, last = self.scope(pattern, line)

            def accept(text: str) -> bool:
                flat = squash(text)
                if len(flat) < 8 or (words is not None and not words.search(flat)):
                    return False
                # The other fields' words mark their blocks: keep them apart.
                return pattern is MATCHING or "突合" not in flat

            value = nearest_block(self.form, line, first, last, accept, self.taken)
        if value is None:
            self.warn(f"{name}: no text found", line.number)
            return None
        value = Value(value.text[:TEXT_CHARS], value.start, value.end)
        if key is not None:
            self.file.facts[key] = Fact(value.text, self.doc.evidence(value.start, value.end))
        return value

    def _department(self) -> None:
        line = self.label(DEPARTMENT)
        if line is None:
            self.warn("使用部署 not found")
            return
        value = label_value(self.form, line, DEPARTMENT)
        if value is None and not self.form.table:
            first, last = self.scope(DEPARTMENT, line)
            value = nearest_block(self.form, line, first, last, is_department_list, self.taken)
        if value is None:
            self.warn("使用部署: no value found", line.number)
            return
        lines = [x for x in self.doc.between(value.start, value.end) if x.text]
        text = department_join(lines) if len(lines) > 1 else value.text
        self.file.facts["use_department"] = Fact(text, self.doc.evidence(value.start, value.end))

    def _users(self) -> None:
        line = self.label(USERS)
        if line is None:
            self.warn("使用者数 not found")
            return
        value = choice_value(self.form, line, USERS, USER_BANDS, *self.scope(USERS, line))
        if value is None:
            self.warn("使用者数: no answer found", line.number)
            return
        self.file.facts["user_count"] = Fact(value.text, self.doc.evidence(value.start, value.end))

    def _start(self) -> None:
        line = self.label(USE_START)
        value = label_value(self.form, line, USE_START) if line else None
        if line is None or value is None:
            self.warn("使用開始日 not found", line.number if line else None)
            return
        date = parse_date(value.text)
        self.file.facts["use_start"] = Fact(value.text, self.doc.evidence(value.start, value.end),
                                            date.isoformat() if date else None)

    # -- flows -------------------------------------------------------------------------------
    def _box_lines(self, source_label: Line, method_label: Line | None) -> list[Line]:
        """Lines of the 入手元/入手方法 boxes: the labels' page, without lines nearer to another list."""
        if self.form.table:
            return [line for line in (source_label, method_label) if line is not None]
        first, last = self.scope(SOURCE, source_label)
        if method_label is not None:
            m_first, m_last = self.scope(METHOD, method_label)
            first, last = min(first, m_first), max(last, m_last)
        lines = self.form.lines(first, last)
        anchors = [source_label.number] + ([method_label.number] if method_label else [])
        others = [x.number for x in self.form.find(COMPETING, first - WINDOW, last + WINDOW)]
        if others:
            lines = [x for x in lines
                     if min(abs(x.number - a) for a in anchors) <= min(abs(x.number - o) for o in others)]
        return lines

    def _other_lines(self, lines: list[Line], source_label: Line, method_label: Line | None,
                     ) -> tuple[list[Line], list[Line]]:
        """Lines with a checked その他, split into the 入手元 one(s) and the 入手方法 one(s)."""
        sources: list[Line] = []
        methods: list[Line] = []
        for line in lines:
            one, _ = checked_boxes([line], ("その他",))
            if "その他" not in one.checked:
                continue
            if self.form.table:
                (sources if line is source_label else methods).append(line)
                continue
            own_sources = [x for x in read_checkboxes([line.text], SOURCE_LABELS).checked
                           + read_checkboxes([line.text], SOURCE_LABELS).unchecked if x != "その他"]
            own_methods = [x for x in read_checkboxes([line.text], METHOD_LABELS).checked
                           + read_checkboxes([line.text], METHOD_LABELS).unchecked if x != "その他"]
            text = paren_text(self.form, line, "その他")
            if own_sources and not own_methods:
                sources.append(line)
            elif own_methods and not own_sources:
                methods.append(line)
            elif text is not None and _names_a_body(text.text):
                sources.append(line)  # 「その他（医療機関）」: a body sends, a medium carries
            elif method_label is None or (abs(line.number - source_label.number)
                                          < abs(line.number - method_label.number)):
                sources.append(line)
            else:
                methods.append(line)
        # Each list has one その他: two checked ones in the same list means one belongs to the other.
        if len(sources) == 2 and not methods:
            methods = [x for x in sources if not self._body_other(x)][:1] or sources[1:]
            sources = [x for x in sources if x not in methods]
        elif len(methods) == 2 and not sources:
            sources = [x for x in methods if self._body_other(x)][:1] or methods[:1]
            methods = [x for x in methods if x not in sources]
        return sources, methods

    def _body_other(self, line: Line) -> bool:
        text = paren_text(self.form, line, "その他")
        return text is not None and _names_a_body(text.text)

    def _flows(self, source_label: Line, method_label: Line | None, frequency: Value | None) -> None:
        lines = self._box_lines(source_label, method_label)
        source_lines = [source_label] if self.form.table else lines
        method_lines = ([method_label] if method_label else []) if self.form.table else lines
        sources, where = checked_boxes(source_lines, [x for x in SOURCE_LABELS if x != "その他"])
        methods, method_where = checked_boxes(method_lines, [x for x in METHOD_LABELS if x != "その他"])
        other_sources, other_methods = self._other_lines(lines, source_label, method_label)
        if sources.undetermined:
            self.warn(f"①入手元: marks not readable for {', '.join(sources.undetermined)}", source_label.number)
        if methods.undetermined:
            self.warn(f"②入手方法: marks not readable for {', '.join(methods.undetermined)}",
                      method_label.number if method_label else source_label.number)
        method_names = list(methods.checked)
        method_texts: list[str] = []
        method_evidence = [method_where[m].number for m in methods.checked]
        for line in other_methods:
            method_names.append("その他")
            method_evidence.append(line.number)
            text = paren_text(self.form, line, "その他")
            if text is not None:
                method_texts.append(text.text)
            else:
                self.warn("②入手方法: その他 is checked but its text was not found next to it", line.number)
        method_names = list(dict.fromkeys(method_names))
        # (label, line, parenthesised text) of every checked source
        boxes: list[tuple[str, Line, Value | None]] = []
        for label in sources.checked:
            text = None if label in NO_PAREN else paren_text(self.form, where[label], label)
            boxes.append((label, where[label], text))
        for line in other_sources:
            boxes.append(("その他", line, paren_text(self.form, line, "その他")))
        if not boxes:
            self.warn("①入手元: no checked box could be read", source_label.number)
            if not method_names:
                return
            # The methods are still facts about how the file is filled: one flow without a source.
            boxes = [("", source_label, None)]
        if not self.form.table:
            boxes = self._place_stray_parens(lines, boxes)
        for label, line, text in boxes:
            end = text.end if text else line.number
            source = (text.text if text else label) or None
            title = (f"{label}({text.text})" if text else label) or None
            mentions_number = "個人番号" in squash(line.text) or (text is not None and "個人番号" in text.text)
            carries = True if "情報提供ネットワークシステム" in method_names or mentions_number else None
            flow = Flow(
                kind="Acquisition",
                evidence=self.doc.evidence(line.number, end),
                source=source,
                recipient=None,
                methods=list(method_names),
                other_methods=list(method_texts),
                carries_personal_number=carries,
                information=self.file.name,
                frequency=frequency.text if frequency else None,
                title=title,
                file_name=self.file.name,
            )
            flow.field_evidence["source"] = self.doc.evidence(line.number, end)
            if text is not None and text.start != line.number:
                flow.field_evidence["source_text"] = self.doc.evidence(text.start, text.end)
            if method_evidence:
                flow.field_evidence["methods"] = _span(self.doc, method_evidence)
            if frequency is not None:
                flow.field_evidence["frequency"] = self.doc.evidence(frequency.start, frequency.end)
            self.assessment.flows.append(flow)

    def _place_stray_parens(self, lines: list[Line], boxes: list[tuple[str, Line, Value | None]],
                            ) -> list[tuple[str, Line, Value | None]]:
        """Give 「（ 市民局窓口サービス課 ）」 printed on a line of its own to the checked box it fits."""
        stray: list[Value] = []
        box_lines = {line.number for _, line, _ in boxes}
        for line in lines:
            if line.number in box_lines or "[" in line.text or "]" in line.text:
                continue
            if len(self.doc.block_of(line.number)) != 1:
                continue  # a parenthesis inside running text is not a box's
            match = re.fullmatch(r"\(\s*([^()]*?(?:\([^()]*\)[^()]*?)*)\s*\)?", line.text.strip())
            if match and match.group(1).strip():
                stray.append(Value(match.group(1).strip(), line.number, line.number))
        if not stray:
            return boxes
        missing = [i for i, (label, _, text) in enumerate(boxes) if text is None and label not in NO_PAREN]
        placed: dict[int, Value] = {}
        for value in list(stray):
            fits = [i for i in missing if i not in placed and _fits(boxes[i][0], value.text)]
            if len(fits) == 1:
                placed[fits[0]] = value
                stray.remove(value)
        left = [i for i in missing if i not in placed]
        if len(stray) == 1 and len(left) == 1:
            placed[left[0]] = stray.pop()
        for value in stray:
            self.warn(f"①入手元: text 「{value.text}」 not attributable to one checked box", value.start)
        return [(label, line, placed.get(i, text)) for i, (label, line, text) in enumerate(boxes)]


def _names_a_body(text: str) -> bool:
    squashed = squash(text)
    return any(words.search(squashed) for _, words in PAREN_KIND) or bool(BODY_WORDS.search(squashed))


def _fits(label: str, text: str) -> bool:
    for kind, words in PAREN_KIND:
        if words.search(squash(text)):
            return kind == label
    return False


def _span(doc: DocText, numbers: list[int]) -> Evidence:
    start, end = min(numbers), max(numbers)
    quote = " / ".join(line.text for line in doc.between(start, end) if line.number in numbers)
    return doc.evidence(start, end, quote)
