"""Plain records for one generated assessment (what the text says, before any layout)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .affairs import Affair


@dataclass
class System:
    name: str
    functions: str
    connections: list[str]  # checked labels from vocab.CONNECTIONS
    other: str = ""  # text of その他（…）


@dataclass
class Entrustment:
    title: str
    content: str
    contractors: list[str]
    handlers: str  # 取扱者数 choice
    subcontract: bool
    permit: str = ""
    sub_items: str = ""
    scope: str = ""
    methods: list[str] = field(default_factory=list)
    method_other: str = ""
    confirm: str = ""


@dataclass
class Provision:
    kind: str  # "提供" or "移転"
    recipient: str
    basis: str
    usage: str
    info: str
    count: str
    scope: str
    methods: list[str]
    method_other: str
    frequency: str


@dataclass
class Change:
    date: str
    item: str
    before: str
    after: str
    timing: str  # 事前 / 事後
    note: str


@dataclass
class PIFile:
    name: str
    kind: str
    count: str
    scope: str
    necessity: str
    items_band: str
    ids: list[str]
    contacts: list[str]
    business: list[str]
    validity: str
    items: list[str]
    start: str
    dept: str
    sources: list[tuple[str, str]]  # (label, parenthesised text)
    methods: list[str]
    method_other: str
    purpose: str
    users: str
    usage: list[str]
    matching: str
    entrustments: list[Entrustment]
    provisions: list[Provision]
    transfers: list[Provision]


@dataclass
class Doc:
    index: int
    file_name: str
    prefecture: str
    municipality: str
    code: str
    body: str  # 評価実施機関名 as printed
    affair: Affair
    affair_name: str
    kind: str  # 基礎 / 重点 / 全項目
    layout: str  # pdf / tsv
    number: str
    published: dt.date
    published_text: str
    date_style: str
    stamp: str
    people: str  # Ⅰ 対象人数 choice
    dept: str
    bureau: str
    chief: str
    address: str
    phone: str
    systems: list[System]
    files: list[PIFile]
    use_basis: str
    link_provide: str
    link_query: str
    steps: list[tuple[str, list[str]]]  # (sub-affair, steps) for 別添1
    changes: list[Change]
    # free-text pools keyed by measure topic; drawn once per document
    ctx: dict[str, str] = field(default_factory=dict)
