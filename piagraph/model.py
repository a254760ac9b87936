"""Plain records passed between stages: reader -> parser -> normaliser -> RDF.

Every extracted fact carries an :class:`Evidence` (file, line span, quote) so that an auditor
can go back to the sentence it came from. Nothing here knows about RDF or the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: file, 1-based inclusive line span and the quoted text."""

    source_file: str
    line_start: int
    line_end: int
    quote: str

    def ref(self) -> str:
        """``file:line`` or ``file:start-end`` for messages and tables."""
        span = str(self.line_start) if self.line_start == self.line_end else f"{self.line_start}-{self.line_end}"
        return f"{self.source_file}:{span}"


@dataclass(frozen=True)
class ParseWarning:
    """Something the parser could not place; never silently dropped."""

    message: str
    source_file: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.source_file if self.line is None else f"{self.source_file}:{self.line}"
        return f"{where}: {self.message}"


@dataclass
class Fact:
    """A labelled value as printed, with an optional normalised form (ISO date, band key ...)."""

    value: str
    evidence: Evidence
    normalized: str | None = None


@dataclass
class LegalRef:
    """A legal basis as printed (e.g. 「番号法第19条第8号」); parsed into provisions later."""

    raw: str
    evidence: Evidence
    role: str = "basis"  # 'use' (Ⅰ4), 'provision' / 'inquiry' (Ⅰ5), 'basis' (a flow's ①法令上の根拠)


@dataclass
class System:
    """A system of Ⅰ2 (システムN): name as printed, function summary, checked connections."""

    name: str
    evidence: Evidence
    number: int | None = None
    function: str | None = None
    connections: list[str] = field(default_factory=list)  # checked ③ boxes (form labels)
    other_connections: list[str] = field(default_factory=list)  # names written in その他（…）


@dataclass
class RecordItem:
    """One item of the 記録項目 attachment (別添1 in 重点, 別添2 in 全項目)."""

    name: str
    evidence: Evidence
    category: str | None = None  # heading such as 【識別情報】


@dataclass
class PersonalInfoFile:
    """A 特定個人情報ファイル and its Ⅱ basic information."""

    name: str
    evidence: Evidence
    number: int | None = None
    facts: dict[str, Fact] = field(default_factory=dict)  # file_type, subject_count, subject_scope, ...
    record_categories: list[Fact] = field(default_factory=list)  # checked 主な記録項目 boxes
    record_items: list[RecordItem] = field(default_factory=list)


FLOW_KINDS = ("Acquisition", "Entrustment", "Provision", "Transfer", "FlowStep")


@dataclass
class Flow:
    """A movement of information: 入手, 委託, 提供, 移転 or a numbered 別添1 step."""

    kind: str  # one of FLOW_KINDS
    evidence: Evidence
    source: str | None = None
    recipient: str | None = None
    methods: list[str] = field(default_factory=list)  # checked method boxes, form labels
    other_methods: list[str] = field(default_factory=list)  # text of その他（…）
    legal_basis: list[LegalRef] = field(default_factory=list)
    carries_personal_number: bool | None = None  # None: the document does not say
    information: str | None = None
    purpose: str | None = None
    frequency: str | None = None
    subject_count: str | None = None
    subject_scope: str | None = None
    contractors: list[str] = field(default_factory=list)
    subcontracted: bool | None = None
    subcontract_items: str | None = None
    handler_count: str | None = None
    ordinal: int | None = None  # 提供先N / 移転先N / 委託事項N
    title: str | None = None  # e.g. the 委託事項 heading
    step_number: int | None = None
    business_section: str | None = None
    source_inferred: bool = False
    recipient_inferred: bool = False
    file_name: str | None = None  # the 特定個人情報ファイル this flow belongs to
    field_evidence: dict[str, Evidence] = field(default_factory=dict)


@dataclass
class Risk:
    """A Ⅲ risk with its rating 「リスクへの対策は十分か」."""

    name: str
    rating: str  # 特に力を入れている / 十分である / 課題が残されている
    evidence: Evidence
    section: str | None = None
    file_name: str | None = None  # 全項目 repeats Ⅲ per 特定個人情報ファイル


@dataclass
class Incident:
    """Ⅲ7② 過去3年以内の重大事故: occurred or not, with its content."""

    occurred: bool | None
    evidence: Evidence
    content: str | None = None


@dataclass
class Contact:
    """Ⅳ/Ⅴ contacts: where to request disclosure or ask questions."""

    role: str  # 開示請求 / 問合せ
    evidence: Evidence
    department: str | None = None
    address: str | None = None
    phone: str | None = None


@dataclass
class Change:
    """One row of a 変更箇所 table."""

    evidence: Evidence
    changed_on: dt.date | None = None
    changed_on_raw: str | None = None
    item: str = ""
    item_path: str = ""
    before: str = ""
    after: str = ""
    timing: str | None = None  # 事前 / 事後
    explanation: str | None = None
    category: str | None = None


@dataclass
class Assessment:
    """One 特定個人情報保護評価書 (基礎, 重点 or 全項目), or a stand-alone change log."""

    source_file: str
    document_index: int
    line_start: int
    line_end: int
    kind: str | None = None  # 基礎 / 重点 / 全項目 / None (change log only)
    facts: dict[str, Fact] = field(default_factory=dict)  # number, title, body, municipality, published_on ...
    systems: list[System] = field(default_factory=list)
    files: list[PersonalInfoFile] = field(default_factory=list)
    legal_refs: list[LegalRef] = field(default_factory=list)  # Ⅰ4 / Ⅰ5 bases
    flows: list[Flow] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    change_log_only: bool = False

    def fact(self, name: str) -> str | None:
        """The value of a named fact, normalised form first, or None."""
        found = self.facts.get(name)
        if found is None:
            return None
        return found.normalized or found.value

    @property
    def municipality(self) -> str | None:
        return self.fact("municipality")

    @property
    def number(self) -> str | None:
        return self.fact("number")


@dataclass
class CouncilReview:
    """A municipal council document (答申 or 諮問) about an assessment or an external provision."""

    source_file: str
    document_index: int
    line_start: int
    line_end: int
    doc_type: str  # 答申 / 諮問
    facts: dict[str, Fact] = field(default_factory=dict)  # council, date, subject, affair, department ...
    conditions: list[Fact] = field(default_factory=list)  # numbered protective conditions
    listed_files: list[Fact] = field(default_factory=list)
    listed_systems: list[Fact] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)

    def fact(self, name: str) -> str | None:
        found = self.facts.get(name)
        if found is None:
            return None
        return found.normalized or found.value


Document = Assessment | CouncilReview
