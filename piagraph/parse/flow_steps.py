"""別添1 事務の内容: the numbered steps of the （備考） list, as FlowStep flows.

In text the 別添1 drawing survives as scattered box labels plus a （備考） list such as::

    ○予防接種対象者への接種勧奨、接種記録の管理・保管に関する事務
    　【従来の予防接種事務】
    　①　予防接種対象者と判断するために必要な情報を住民記録システムから取得
    　⑦　予防接種歴を統合番号連携システム経由で中間サーバーへ副本提供

or, in other municipalities, ``１．…に関する事務`` headings with ``1-①.…`` steps.

Where to read. Only inside a 別添1 part: from a line starting 「（別添1）事務の内容」 (not a 変更箇所 row,
whose block carries an item path such as 「Ⅰ基本情報」) to the next form part (Ⅱ, 別添2/3, the next
別添1 heading). When that end is on a later page the part is the whole pages in between, because
text boxes move within a page; when it is on the same page (an extractor that gave no page breaks)
the part is the lines in between.

Which blocks are steps. A blank-line separated block is read as 備考 text when it holds a step line
and a business heading (○…, ■…, 【…】, ``N．…``), or at least two sentence-long step lines. Lone
box labels of the drawing (「⑥情報照会」) are never read as steps: their order is arbitrary.

Sections. A block's own headings name the section of the steps after them. A block that starts with
a sub-heading only (「【新型コロナの予防接種事務】」) belongs to the main heading whose own block is
divided by sub-headings, when exactly one is; otherwise (and for a block without any heading) the
nearest preceding heading in reading order is used. ``business_section`` is 「main 【sub】」.

Step numbers. 「①」 -> 1; 「1-①」 -> 1 (the section number is in ``title`` and the section);
「⑥・⑦」 (one sentence for two numbered arrows) -> one step with ``step_number`` 6 and ``title``
「⑥・⑦」, so the sentence is not duplicated as two identical flows.

Actors. Each clause of the sentence (split at 「…し、」) is read by its particles: 「Xから/Xより」
source, 「Xへ/Xに対し/Xあて/Xに(登録…)」 recipient, 「X経由で/Xを通じて」 an intermediate hop,
「Xが」/「Xにおいて」/「Xにて」 the doer, 「Xが保有する…を確認」 the holder as source. Names are resolved to
the assessment's own systems (exact name, 「以下「…」という」 alias, or the same canonical kind through
``piagraph.normalize.kinds``), else to a canonical actor (住民, 医療機関, 厚生労働省, 他市区町村 …), else kept
as printed. An end the sentence leaves implicit (「…を住民記録システムから取得」) is the assessment's
business system (a system of kind BusinessSystem; else the affair's own register such as the
既存住民基本台帳システム of a 住基 assessment; else the 担当部署; else the municipality), with
``source_inferred`` / ``recipient_inferred`` set. An application (「…を申請」) never gets an implicit
sender: the applicant is not the business system.

Via hops. 「AをX経由でYへ副本提供」 becomes two FlowSteps with the same step number: business → X and
X → Y, both titled 「⑦ X経由」, so the path is drawn and queried hop by hop.

A step the resolver cannot place stays as a FlowStep whose ``information`` is the raw sentence,
with a warning. ``carries_personal_number`` is True when the sentence names 個人番号, マイナンバー,
特定個人情報, 副本, 符号 … or a hop goes through the 中間サーバー / 情報提供ネットワークシステム, False when it
says 「特定個人情報を含まない」, else None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise, product

from piagraph.model import Assessment, Evidence, Flow, System
from piagraph.normalize.kinds import match_actor, match_system, normalize_label
from piagraph.normalize.text import circled_number, squash, strip_html
from piagraph.parse.doctext import DocText

# -- where: 別添1 parts -------------------------------------------------------------------------

_ANCHOR = re.compile(r"^\(別添1\)事務の?内容")  # squashed, NFKC
_CHANGE_ROW = re.compile(r"^[ⅠⅡⅢⅣⅤⅥ]")  # an item path in the same block: a 変更箇所 row
_CHANGE_HEADER = re.compile(r"変更前の記載.*変更後の記載|変更後の記載.*変更前の記載")
_BOUNDARY = re.compile(
    r"^(?:Ⅱ特定個人情報ファイルの概要|Ⅲ特定個人情報ファイル|[ⅠⅡⅢⅣⅤⅥ]基本情報|1\.特定個人情報ファイル名|"
    r"\(別添[23]\)|別添[23]\)?(?:特定個人情報ファイル記録項目|変更箇所))"
)

# -- what: headings, steps, continuation lines ------------------------------------------------

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_STEP = re.compile(
    rf"^(?:(?P<sec>\d{{1,2}})\s*-\s*)?(?P<nums>[{_CIRCLED}](?:\s*[・,、.]\s*(?:\d{{1,2}}\s*-\s*)?[{_CIRCLED}])*)"
    r"\s*[.,、]?\s*(?P<text>.*)$"
)
_MAIN = re.compile(r"^(?:[○■◆□◇]\s*(?P<mark>.+)|(?P<num>\d{1,2}\s*\.\s*(?!\d)\S.*))$")
_SUB = re.compile(r"^【(?P<sub>[^】]+)】\s*$")
_NOTE_HEAD = re.compile(r"^\(備考\)$")
_FURNITURE = re.compile(r"[\[\]]|<選択肢>|^\(別添|^\d+\)\s")
_LONG_STEP = 12  # characters: shorter step lines without a heading are box labels of the drawing

# -- how: clause grammar ----------------------------------------------------------------------

_SEND = (r"副本提供|提供|報告|送付|送信|通知|連携|照会|登録|入力|進達|申請|届出|交付|発行|回答|提出|支給|"
         r"受診|依頼|要求|連絡|転送|出力|提示|伝達|移転|書き出")
_RECV = r"取得|受領|受理|受付|受け付け|受信|入手|取込|取り込|抽出|検索|確認|収集|読込|読み込|受け取"
_APPLY = {"申請", "届出", "提出"}
_VERB = re.compile(rf"(?P<send>{_SEND})|(?P<recv>{_RECV})")
# Names stop at these: punctuation and particles that never occur inside a system or body name.
_NAME = r"[^、,。をがはへでて\s]+?"
_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("via", re.compile(rf"(?P<x>{_NAME})(?:を)?(?:経由で|経由して|を?通じて|を?通して|を?介して)")),
    ("tool", re.compile(rf"(?P<x>{_NAME})を(?:利用して|用いて|使用して)")),
    ("holder", re.compile(rf"(?P<x>{_NAME})が(?:保有|保管|管理)する")),
    ("source", re.compile(rf"(?P<x>{_NAME})(?:から|より)")),
    ("recipient", re.compile(rf"(?P<x>{_NAME})(?:へ|に対し(?:て)?|あて|宛て|宛|を(?=受診))")),
    ("doer", re.compile(rf"(?P<x>{_NAME})(?:において|にて|では)")),
    ("subject", re.compile(rf"(?P<x>{_NAME})が")),
    ("target", re.compile(rf"(?P<x>{_NAME})に(?!おけ|おい|つい|よ|関|係|基|対する)(?=[^、。]{{0,20}}?(?:{_SEND}))")),
]
# 「Xから提示された」「Xより取得した情報」: a relative clause describing the information, not the step's
# own source; used only when the clause names no other source.
_MODIFIER_AFTER = re.compile(r"^[^、をへに]{0,10}?(?:した|された|れた|いた|った|する)")
_PARTICLE_WORDS = re.compile(r"から|より|において|にて|経由|を通じ|に対し")
_OBJECT_MARK = re.compile(r"を(?!含|基|もと|キー|用い|利用|使用|通じ|通し|介し|経由|行う|行い)")
_CLAUSE_SPLIT = re.compile(r"(?<=[しれ])(?<!対し)(?<!関し)(?<!際し)、|(?<=行い)、|(?<=上で)、|と同時に、|(?<=場合)は?、?|(?<=ため)、|。")
_NOTE = re.compile(r"\(※[^)]*\)")
_CONTEXT = re.compile(r"(?:場合|ため|上で)$")  # a condition or purpose, not a movement

_PERSONAL = re.compile(r"個人番号|マイナンバー|特定個人情報|副本|符号|番号の生成|番号生成")
_NOT_PERSONAL = re.compile(r"特定個人情報(?:を|は)?(?:含まない|含まず|記載しない|連携しない)|個人番号(?:は|を)?(?:含まない|表示されない)")
_LINKAGE_KINDS = {"IntermediateServer", "InformationProvisionNetwork"}
_METHOD_WORDS = [
    (re.compile(r"紙|郵送|書面"), "紙"),
    (re.compile(r"電子メール"), "電子メール"),
    (re.compile(r"専用線"), "専用線"),
    (re.compile(r"フラッシュメモリ"), "フラッシュメモリ"),
    (re.compile(r"電子記録媒体|外部媒体|CD|DVD"), "電子記録媒体(フラッシュメモリを除く。)"),
    (re.compile(r"庁内連携"), "庁内連携システム"),
]

# Canonical names of bodies that 別添1 steps name in many spellings (the display name of the node).
_CANONICAL: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^(?:{pattern})等?(?:\([^)]*\))?$"), canonical)
    for pattern, canonical in (
        (r"\S*医師会", "医師会"),
        (r"\S*(?:医療機関|病院|診療所|クリニック)", "医療機関"),
        (r"厚生労働(?:省|大臣)|厚労省", "厚生労働省"),
        (r"(?:他の?|転出地|転入地|住所地|前住所地)(?:市区?町村|自治体|地方公共団体)|他自治体", "他市区町村"),
        (r"地方公共団体情報システム機構|機構|J-?LIS", "地方公共団体情報システム機構"),
        (r"(?:各|当該)?(?:都道府県|都|道|府|県)(?:知事)?", "都道府県"),
        (r"\S*(?:住民|市民|本人|対象者|被接種者|住登外者|申請者|届出人|保護者|健康被害者|転入者|転出者|接種者)",
         "住民"),
    )
]
# What a printed name must end with to be taken as a party when no vocabulary knows it.
_ACTOR_SUFFIX = re.compile(
    r"(?:システム|サーバー?|端末|CS|機関|省|庁|機構|会|課|室|係|窓口|センター|市区?町村|都道府県|住民|本人|"
    r"者|VRS|ネット|アプリ|事業者|法人|会社)(?:\([^)]*\))?$"
)
_ALIAS = re.compile(r"以下[「『](?P<alias>[^」』]+)[」』]という")
_NATIONAL_KINDS = {"IntermediateServer", "InformationProvisionNetwork", "JukiNet", "VRS"}
_COMPONENT = re.compile(r"CS|コミュニケーションサーバ|全国サーバ|都道府県サーバ|統合端末", re.I)
# Kinds of which a municipality runs one system: another spelling of the kind is that system.
_MERGE_KINDS = {"IntegratedAddressee", "ResidentRegistry", "IntermediateServer", "InformationProvisionNetwork",
                "JukiNet", "VRS", "InternalLinkage", "Tax"}
_SYSTEM_NAME = re.compile(r"(?:システム|サーバー?|端末|CS|VRS|ネット|NWS|アプリ)(?:\([^)]*\))?$", re.I)


# ---------------------------------------------------------------------------------------------
# Text units
# ---------------------------------------------------------------------------------------------


@dataclass
class _Unit:
    """One line of text with its source line number and block."""

    number: int
    text: str
    block: int


@dataclass
class _Step:
    label: str
    number: int | None
    section: str | None
    units: list[_Unit] = field(default_factory=list)

    @property
    def text(self) -> str:
        head, *rest = self.units
        match = _STEP.match(head.text)
        first = match.group("text") if match else head.text
        return "".join([first, *(u.text for u in rest)]).strip()


def _units(doc: DocText, start: int, end: int) -> list[_Unit]:
    """Lines of [start, end]; table-layout cells are split into their own lines, one block per row."""
    units: list[_Unit] = []
    block = 0
    for line in doc.between(start, end):
        if doc.layout == "table":
            block += 1
            for cell in line.raw.split("\t"):
                for piece in strip_html(cell).split("\n"):
                    if piece.strip():
                        units.append(_Unit(line.number, piece.strip(), block))
            continue
        if not line.text:
            block += 1
            continue
        units.append(_Unit(line.number, line.text, block))
    return units


# ---------------------------------------------------------------------------------------------
# Parts of the document that are 別添1
# ---------------------------------------------------------------------------------------------


def _anchors(doc: DocText) -> list[int]:
    header = doc.first(_CHANGE_HEADER, squashed=True)
    found = []
    for line, _ in doc.find(_ANCHOR, squashed=True):
        if header is not None and line.number > header[0].number:
            continue  # inside 別添3 変更箇所: a row about 別添1, or the changed drawing itself
        if doc.layout == "table":  # one row: the heading must open a cell of a row without an item path
            cells = [squash(cell) for cell in line.cells]
            if not any(_ANCHOR.match(c) for c in cells) or any(_CHANGE_ROW.match(c) for c in cells):
                continue
        elif any(other.number != line.number and _CHANGE_ROW.search(other.squashed)
                 for other in doc.block_of(line.number)):
            continue  # 「Ⅰ基本情報 / （別添１）事務の内容」: an item of the 変更箇所 table
        found.append(line.number)
    return found


def _parts(doc: DocText) -> list[tuple[int, int, int, bool]]:
    """(anchor, first line, last line, strict) of each 別添1 part.

    ``strict`` parts are whole pages that also hold other parts of the form (an extractor that
    gave no page breaks): there only blocks with a heading and a sentence-long step are read.
    """
    anchors = _anchors(doc)
    ends = sorted({line.number for line, _ in doc.find(_BOUNDARY, squashed=True)} | set(anchors))
    parts: list[tuple[int, int, int, bool]] = []
    for anchor in anchors:
        stop = next((n for n in ends if n > anchor), None)
        page = doc.page_of(anchor)
        if stop is not None and doc.page_of(stop)[0] > page[1]:
            part = (anchor, page[0], doc.page_of(stop)[0] - 1, False)
        else:
            part = (anchor, page[0], page[1], stop is not None)
        if any(p[1] <= part[1] <= p[2] for p in parts):
            continue  # a second 別添1 heading inside a part already taken
        parts.append(part)
    return parts


# ---------------------------------------------------------------------------------------------
# Steps and sections
# ---------------------------------------------------------------------------------------------


def _heading(text: str) -> tuple[str, str] | None:
    sub = _SUB.match(text)
    if sub:
        return "sub", sub.group("sub").strip()
    if _STEP.match(text):
        return None
    main = _MAIN.match(text)
    if main:
        return "main", (main.group("mark") or main.group("num")).strip()
    return None


def _qualifies(units: list[_Unit], strict: bool) -> bool:
    steps = [u for u in units if _STEP.match(u.text)]
    long_steps = [u for u in steps if len(squash(_STEP.match(u.text).group("text"))) >= _LONG_STEP]
    headed = any(_heading(u.text) for u in units)
    if strict:  # a page shared with other parts of the form: a business heading and a movement
        main = any((_heading(u.text) or ("", ""))[0] == "main" for u in units)
        return main and any(_VERB.search(u.text) for u in long_steps)
    return bool(steps) and (headed or len(long_steps) >= 2)


def _section(main: str | None, sub: str | None) -> str | None:
    if main and sub:
        return f"{main} 【{sub}】"
    return main or (f"【{sub}】" if sub else None)


def _steps(units: list[_Unit], strict: bool = False) -> list[_Step]:
    blocks: dict[int, list[_Unit]] = {}
    for unit in units:
        blocks.setdefault(unit.block, []).append(unit)
    chosen = [b for b in blocks.values() if _qualifies(b, strict)]
    # main headings whose own block is divided by sub-headings: the home of orphan sub-heading blocks
    divided = []
    for block in chosen:
        kinds = [h for h in (_heading(u.text) for u in block) if h]
        if any(k == "sub" for k, _ in kinds) and any(k == "main" for k, _ in kinds):
            divided.append(next(t for k, t in kinds if k == "main"))
    steps: list[_Step] = []
    main: str | None = None
    sub: str | None = None
    for block in chosen:
        first = _heading(block[0].text)
        if first and first[0] == "sub" and len(set(divided)) == 1:
            main = divided[0]
        current: _Step | None = None
        for unit in block:
            if _NOTE_HEAD.match(squash(unit.text)):
                continue
            heading = _heading(unit.text)
            if heading:
                if heading[0] == "main":
                    main, sub = heading[1], None
                else:
                    sub = heading[1]
                current = None
                continue
            step = _STEP.match(unit.text)
            if step:
                numbers = [circled_number(ch) for ch in step.group("nums") if ch in _CIRCLED]
                label = squash(step.group(0)[: step.start("text")]).rstrip(".,、")
                current = _Step(label, numbers[0] if numbers else None, _section(main, sub), [unit])
                steps.append(current)
                continue
            if current is not None and not _FURNITURE.search(unit.text):
                current.units.append(unit)  # a wrapped line continues the step
    return steps


# ---------------------------------------------------------------------------------------------
# Actors
# ---------------------------------------------------------------------------------------------


@dataclass
class _Resolver:
    """Printed names -> the assessment's own systems or canonical actor names."""

    systems: list[tuple[str, list[str]]]  # (display name, normalised names incl. aliases)
    kinds: dict[str, str]  # system kind key -> display name of the assessment's system
    home: str | None
    affair: str | None = None  # resolves generic names (「既存システム」) in match_system

    @classmethod
    def of(cls, assessment: Assessment) -> _Resolver:
        systems: list[tuple[str, list[str]]] = []
        kinds: dict[str, str] = {}
        for system in sorted(assessment.systems, key=lambda s: (s.number or 99, s.name)):
            display = _display_name(system)
            keys = [normalize_label(display)] + [normalize_label(a) for a in _ALIAS.findall(system.name)]
            systems.append((display, keys))
            kind = match_system(display).key
            if kind not in ("other", "Other"):
                kinds.setdefault(kind, display)
        return cls(systems, kinds, _home(assessment, kinds), assessment.fact("affair"))

    def resolve(self, printed: str) -> str | None:
        """Display name of a party, or None when ``printed`` does not name one."""
        name = _clean(printed)
        if not name:
            return None
        key = normalize_label(name)
        for display, keys in self.systems:
            if key in keys:
                return display
        for display, keys in self.systems:  # 「既存住基システム端末」: a part of a system of the form
            if any(k and len(k) >= 4 and key.startswith(k) for k in keys):
                return display
        system = match_system(name, self.affair)
        if system.key not in ("other", "Other") and (system.method == "exact" or _SYSTEM_NAME.search(name)):
            if _COMPONENT.search(name):
                return name  # 市町村CS, 全国サーバ …: the parts of 住基ネット are distinct ends of 住基 steps
            if system.key in self.kinds and system.key in _MERGE_KINDS:
                return self.kinds[system.key]
            if system.key in _NATIONAL_KINDS and system.method == "exact":
                return system.label
            return name
        for pattern, canonical in _CANONICAL:
            if pattern.search(name):
                return canonical
        if match_actor(name).method == "exact" or _ACTOR_SUFFIX.search(name):
            return name
        return None


def _display_name(system: System) -> str:
    """The system's name without 「(以下「…」という。)」."""
    name = re.sub(r"[(（]以下[「『][^」』]+[」』]という。?[)）]", "", system.name).strip()
    return name or system.name


def _clean(printed: str) -> str:
    """A name as printed minus leading relative-clause tails (「…がない対象者」 -> 「対象者」)."""
    name = printed.strip(" 、,。・")
    parts = _PARTICLE_WORDS.split(name)
    name = parts[-1] if parts else name
    name = re.sub(r"^[ぁ-ゖ]+", "", name)
    name = re.sub(r"^(?:各種|当該|その他の?)", "", name) if len(name) > 4 else name
    return name.strip(" 、,。・")


_HOME_ORDER = ("BusinessSystem", "ResidentRegistry", "Tax", "InternalLinkage", "other", "Other")


def _home(assessment: Assessment, kinds: dict[str, str]) -> str | None:
    """The business system: implicit ends of 「…を取得」 are where the affair is done.

    A business system first, else the affair's own register (住民基本台帳, 税 …); ties go to the lower
    システムN number, then the name, so that the choice does not depend on the order of boxes.
    """
    candidates = []
    for system in assessment.systems:
        kind = match_system(_display_name(system)).key
        if kind in _HOME_ORDER:
            candidates.append((_HOME_ORDER.index(kind), system.number or 99, _display_name(system)))
    if candidates:
        return min(candidates)[2]
    return assessment.fact("department") or assessment.municipality


def _parties(resolver: _Resolver, printed: str) -> list[str]:
    """「情報共有基盤システム・税務システム」 -> both; a single name otherwise."""
    whole = resolver.resolve(printed)
    pieces = [p for p in re.split(r"・|及び|並びに|、", printed) if p.strip()]
    if len(pieces) > 1:
        resolved = [resolver.resolve(p) for p in pieces]
        if all(resolved):
            return list(dict.fromkeys(r for r in resolved if r))
    return [whole] if whole else []


# ---------------------------------------------------------------------------------------------
# Clauses
# ---------------------------------------------------------------------------------------------


@dataclass
class _Clause:
    text: str
    sources: list[str] = field(default_factory=list)
    fallback_sources: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    vias: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    holders: list[str] = field(default_factory=list)
    doers: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    verb: str | None = None  # 'send' | 'recv'
    verb_word: str | None = None
    information: str | None = None


def _read_clause(text: str, resolver: _Resolver) -> _Clause:
    clause = _Clause(text)
    taken: list[tuple[int, int]] = []  # spans consumed by a party phrase (dropped from the information)
    kept: list[tuple[int, int]] = []  # spans of modifier phrases, which stay in the information
    for role, pattern in _MARKERS:
        for match in pattern.finditer(text):
            start = match.start("x")
            inner = list(_PARTICLE_WORDS.finditer(match.group("x")))
            if inner:  # 「CSから機構の…システムへ」: the recipient is what follows the last particle
                start += inner[-1].end()
            if any(s <= start < e or s < match.end() <= e for s, e in taken + kept):
                continue
            printed = text[start:match.end("x")]
            parties = _parties(resolver, printed)
            if not parties:
                continue
            after = text[match.end():]
            if role in ("source", "recipient") and after.startswith("の"):
                # 「厚生労働省からの審査結果」「対象者への給付額」: describes the information
                if role == "source":
                    clause.fallback_sources += parties
                kept.append((start, match.end()))
                continue
            if role == "source" and _MODIFIER_AFTER.match(after):
                clause.fallback_sources += parties
                kept.append((start, match.end()))
                continue
            if role == "subject" and after.startswith(("保有", "保管", "管理")):
                continue
            getattr(clause, {"source": "sources", "recipient": "recipients", "via": "vias", "tool": "tools",
                             "holder": "holders", "doer": "doers", "subject": "subjects",
                             "target": "recipients"}[role]).extend(parties)
            (kept if role == "holder" else taken).append((start, match.end()))
    verbs = list(_VERB.finditer(text))
    if verbs:
        clause.verb = "send" if verbs[-1].group("send") else "recv"
        clause.verb_word = verbs[-1].group(0)
    if clause.verb_word in _APPLY and clause.doers and not clause.recipients:
        # 「窓口にて…を申請」: the place where an application is made receives it
        clause.recipients, clause.doers = clause.doers, []
    residual = "".join(ch for i, ch in enumerate(text) if not any(s <= i < e for s, e in taken))
    clause.information = _information(residual)
    return clause


def _information(residual: str) -> str | None:
    """The object of the clause: the phrase before its last 「を」."""
    marks = list(_OBJECT_MARK.finditer(residual))
    if marks:
        phrase = residual[: marks[-1].start()]
        # drop a leading adverbial (「特別な事情等で、」) but keep a list of nouns (「転入、出生等の届出」)
        cuts = [m.end() for m in re.finditer(r"(?<=[ぁ-ゖ])[、,]", phrase)]
        phrase = phrase[cuts[-1]:] if cuts else phrase
        phrase = phrase.strip(" 、,")
        if phrase:
            return phrase
    bare = residual.strip(" 、,。")
    bare = re.sub(r"(?:を行う|を行い|する|した|される|を実施する)$", "", bare)
    return bare.strip(" 、,") or None


@dataclass
class _Hop:
    source: str | None
    recipient: str | None
    source_inferred: bool
    recipient_inferred: bool
    information: str | None
    via: str | None = None


def _hops(clause: _Clause, resolver: _Resolver, carried_doer: list[str]) -> list[_Hop]:
    """The clause's movements of information, after filling the ends the text leaves implicit."""
    home = resolver.home
    doers = clause.doers or clause.subjects or carried_doer
    sources = list(clause.sources)
    recipients = list(clause.recipients)
    if not sources and clause.tools and clause.verb == "recv":
        sources = list(clause.tools)  # 「…を住基ネット総合端末を利用して検索」: the data comes from there
    elif clause.tools:
        clause.vias += clause.tools
    if not sources and clause.holders and not (recipients and clause.verb == "send"):
        sources = list(clause.holders)
    if not sources and clause.subjects and recipients:
        sources = list(clause.subjects)
    if not sources and clause.fallback_sources and not (doers and clause.verb == "send"):
        sources = list(clause.fallback_sources)
    src_inferred = rcp_inferred = False
    if recipients and not sources:
        if doers and not set(doers) & set(recipients):
            sources = list(doers)
        elif home and clause.verb_word not in _APPLY:  # an application comes from the applicant
            sources, src_inferred = [home], True
    elif sources and not recipients:
        if doers and not set(doers) & set(sources):
            recipients = list(doers)
        elif home:
            recipients, rcp_inferred = [home], True
    if not sources or not recipients:
        return []
    hops: list[_Hop] = []
    vias = [v for v in dict.fromkeys(clause.vias) if v not in sources and v not in recipients]
    for source, recipient in product(sources, recipients):
        chain = [source, *vias, recipient]
        for i, (a, b) in enumerate(pairwise(chain)):
            if a == b:
                continue
            hops.append(_Hop(a, b, src_inferred and i == 0, rcp_inferred and i == len(chain) - 2,
                             clause.information, via=", ".join(vias) or None))
    return hops


def _partial(clause: _Clause) -> _Hop | None:
    """A step naming one party only (「既存住基システムにて統計処理を行う」): that end, the other unknown."""
    source = (clause.sources or clause.holders or clause.fallback_sources or [None])[0]
    recipient = (clause.recipients or [None])[0]
    actors = clause.doers or clause.subjects
    if source is None and recipient is None and actors:
        if clause.verb == "recv":
            recipient = actors[0]
        else:
            source = actors[0]
    if source is None and recipient is None:
        return None
    return _Hop(source, recipient, False, False, None)


def _personal(text: str, hops: list[_Hop], resolver: _Resolver) -> bool | None:
    if _NOT_PERSONAL.search(text):
        return False
    if _PERSONAL.search(text):
        return True
    for hop in hops:
        for name in (hop.source, hop.recipient):
            if name and match_system(name).key in _LINKAGE_KINDS:
                return True
    return None


def _methods(text: str) -> list[str]:
    return [label for pattern, label in _METHOD_WORDS if pattern.search(text)]


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def parse_flow_steps(doc: DocText, assessment: Assessment) -> None:
    """Append a FlowStep for every numbered step of every 別添1 （備考） list of the document."""
    parts = _parts(doc)
    if not parts:
        return
    resolver = _Resolver.of(assessment)
    found = 0
    for _anchor, start, end, strict in parts:
        steps = _steps(_units(doc, start, end), strict)
        found += len(steps)
        for step in steps:
            assessment.flows.extend(_flows(doc, step, resolver))
    if not found and assessment.kind == "全項目":
        anchor = max(parts, key=lambda p: p[2] - p[1])[0]
        doc.warn("別添1 事務の内容: no numbered （備考） steps found; the drawing's box labels are not read as flows",
                 anchor)


def _clauses(text: str) -> list[tuple[str, str]]:
    """(clause, delimiter) pairs; conditions and purposes (「…場合、」「…ため、」) are left out."""
    out: list[tuple[str, str]] = []
    position = 0
    for match in [*_CLAUSE_SPLIT.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[position:end].strip(" 、,")
        if piece and not _CONTEXT.search(piece):
            out.append((piece, match.group(0) if match else ""))
        if match:
            position = max(match.end(), position + 1) if match.end() == match.start() else match.end()
    return out


def _flows(doc: DocText, step: _Step, resolver: _Resolver) -> list[Flow]:
    first, last = step.units[0].number, step.units[-1].number
    sentence = step.text
    evidence = doc.evidence(first, last, quote=f"{step.label} {sentence}")
    text = sentence.rstrip("。 ")
    hops: list[_Hop] = []
    partial: _Hop | None = None
    carried: list[str] = []
    for piece, delimiter in _clauses(text):
        clause = _read_clause(_NOTE.sub("", piece), resolver)
        found = _hops(clause, resolver, carried)
        hops += found
        if not found and partial is None:
            partial = _partial(clause)
        # 「Xにおいて…を送信し、…」: the doer carries on; after a passive 「…が行われ、」 it does not
        carried = (clause.doers or clause.subjects or carried) if piece.endswith("し") and delimiter else []
    personal = _personal(text, hops, resolver)
    methods = _methods(text)
    if not hops:
        if resolver.home is None:
            doc.warn(f"別添1 step {step.label}: no business system or department to stand for implicit ends", first)
        where = f"別添1 step {step.label} ({step.section or 'no section'})"
        if partial is not None:
            doc.warn(f"{where}: only one end of the movement is named in 「{sentence}」", first)
        else:
            doc.warn(f"{where}: source/recipient not found in 「{sentence}」", first)
        return [_flow(step, evidence, partial, None, sentence, personal, methods)]
    hops = list({(h.source, h.recipient, h.via, h.information): h for h in hops}.values())
    return [_flow(step, evidence, hop, hop.via, hop.information or sentence, personal, methods) for hop in hops]


def _flow(step: _Step, evidence: Evidence, hop: _Hop | None, via: str | None, information: str,
          personal: bool | None, methods: list[str]) -> Flow:
    title = step.label + (f" {via}経由" if via else "")
    flow = Flow(
        kind="FlowStep",
        evidence=evidence,
        source=hop.source if hop else None,
        recipient=hop.recipient if hop else None,
        source_inferred=hop.source_inferred if hop else False,
        recipient_inferred=hop.recipient_inferred if hop else False,
        information=information,
        carries_personal_number=personal,
        methods=methods,
        step_number=step.number,
        business_section=step.section,
        title=title,
    )
    return flow
