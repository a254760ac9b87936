"""Draw the facts of one assessment (municipality, affair, systems, flows, changes) from seeded RNGs."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from functools import lru_cache

from . import citations as cit
from . import vocab as V
from .affairs import AFFAIRS, COMMON_ITEMS, Affair
from .dates import DATE_STYLES, random_day, to_full, wareki
from .model import Change, Doc, Entrustment, PIFile, Provision, System
from .phrases import (
    ATENA_FUNCTIONS,
    BUSINESS_FUNCTIONS,
    CHANGE_NOTES,
    CONFIRM_CONTRACTOR,
    JUKI_FUNCTIONS,
    JUKINET_FUNCTIONS,
    MEASURES,
    MIDDLE_FUNCTIONS,
    SUB_PERMIT,
    VRS_FUNCTIONS,
    VRS_MEASURES,
)

PER_MUNICIPALITY = 12  # consecutive documents share one municipality (each with a different affair)
FIRST_DAY = dt.date(2015, 1, 1)  # 平成27年
LAST_DAY = dt.date(2025, 12, 31)  # 令和7年
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
KINDS = ("基礎", "重点", "全項目")


@dataclass(frozen=True)
class Options:
    seed: int = 0
    layouts: tuple[str, ...] = ("pdf", "tsv")
    full_ratio: float = 0.2
    basic_ratio: float = 0.15
    tsv_ratio: float = 0.2
    shuffle: bool = True
    shuffle_seed: int | None = None  # None: same as seed


@dataclass(frozen=True)
class Profile:
    """What all documents of one municipality share."""

    prefecture: str
    municipality: str
    code: str
    body: str
    atena: str
    juki: str
    mid: str
    renkei: str
    tax: str
    vendors: tuple[str, ...]
    bureaus: tuple[str, ...]
    people: int  # index into CHOICE_PEOPLE_SMALL
    date_style: str
    address: str
    phone: str
    gannen: bool


def rng_for(*parts: object) -> random.Random:
    """A Random seeded from a string (str seeds hash with SHA-512: stable across runs and processes)."""
    return random.Random(":".join(str(p) for p in parts))


@lru_cache(maxsize=8)
def _municipality_order(seed: int) -> tuple[int, ...]:
    order = list(range(len(V.MUNICIPALITIES)))
    rng_for("municipalities", seed).shuffle(order)
    return tuple(order)


@lru_cache(maxsize=256)
def profile(seed: int, slot: int) -> Profile:
    if slot < len(V.MUNICIPALITIES):
        pref, name, code = V.MUNICIPALITIES[_municipality_order(seed)[slot]]
    else:
        pref, name, code = V.synthetic_municipality(slot - len(V.MUNICIPALITIES))
    r = rng_for("profile", seed, slot)
    head = name + "長"
    body = f"{pref}　{head}" if r.random() < 0.3 else head
    big = code[2] == "1" or r.random() < 0.25  # designated cities (xx1xx) are large
    people = 4 if big else r.choice((1, 2, 2, 3, 3, 3, 4))
    area = f"0{r.randint(11, 99)}"
    phone = f"{area}-{r.randint(10, 99)}-{r.randint(1000, 9999)}"
    address = f"{name}{r.choice(V.TOWNS)}{r.randint(1, 9)}丁目{r.randint(1, 30)}番{r.randint(1, 20)}号"
    return Profile(
        prefecture=pref, municipality=name, code=code, body=body,
        atena=r.choice(V.ATENA_SYSTEMS), juki=r.choice(V.JUKI_SYSTEMS), mid=r.choice(V.MIDDLE_SERVER[:2]),
        renkei=r.choice(V.RENKEI_SYSTEMS), tax=r.choice(V.TAX_SYSTEMS),
        vendors=tuple(r.sample(V.VENDORS, 8)), bureaus=tuple(r.sample(V.BUREAUS, 5)), people=people,
        date_style=r.choice(DATE_STYLES), address=address, phone=phone, gannen=r.random() < 0.3,
    )


def affair_for(seed: int, slot: int, pos: int) -> Affair:
    order = list(range(len(AFFAIRS)))
    rng_for("affairs", seed, slot).shuffle(order)
    return AFFAIRS[order[pos % len(order)]]


def file_name(seed: int, index: int) -> str:
    digest = hashlib.sha256(f"{seed}:{index}".encode()).hexdigest()[:16]
    return f"{index:06d}_{digest}.txt"


def pick_kind(rng: random.Random, opt: Options) -> str:
    r = rng.random()
    if r < opt.full_ratio:
        return "全項目"
    if r < opt.full_ratio + opt.basic_ratio:
        return "基礎"
    return "重点"


def pick_layout(rng: random.Random, opt: Options) -> str:
    r = rng.random()  # always drawn so that the layout set does not shift the other draws
    if len(opt.layouts) == 1:
        return opt.layouts[0]
    return "tsv" if r < opt.tsv_ratio else "pdf"


def stamp(kind: str, day: dt.date, rng: random.Random) -> str:
    form = {"基礎": "２", "重点": "３", "全項目": "４"}[kind]
    if kind == "基礎":
        versions = ((dt.date(2019, 1, 1), "平成26年４月"), (dt.date(2024, 10, 1), "平成31年１月"), (LAST_DAY, "令和６年10月"))
    else:
        versions = ((dt.date(2018, 5, 1), "平成26年４月"), (dt.date(2024, 10, 1), "平成30年５月"), (LAST_DAY, "令和６年10月"))
    i = next(k for k, (until, _) in enumerate(versions) if day < until or until == LAST_DAY)
    if i and rng.random() < 0.1:  # an outdated form stamp
        i -= 1
    return f"[{versions[i][1]}　様式{form}]"


def bullets(rng: random.Random, pool: tuple[str, ...], lo: int, hi: int, mark: str = "・") -> list[str]:
    k = min(len(pool), rng.randint(lo, hi))
    return [mark + s for s in rng.sample(pool, k)]


def _functions(name: str, a: Affair, p: Profile, rng: random.Random) -> str:
    if name.startswith("中間サーバ"):
        parts = MIDDLE_FUNCTIONS[: rng.randint(5, len(MIDDLE_FUNCTIONS))]
    elif name in V.ATENA_SYSTEMS:
        parts = ATENA_FUNCTIONS
    elif name in V.JUKI_SYSTEMS:
        parts = JUKI_FUNCTIONS
    elif name == V.JUKINET:
        parts = JUKINET_FUNCTIONS
    elif name.startswith("ワクチン接種記録"):
        parts = VRS_FUNCTIONS
    else:
        k = rng.randint(3, len(BUSINESS_FUNCTIONS))
        parts = tuple(s.replace("{n}", str(i + 1)) for i, s in enumerate(BUSINESS_FUNCTIONS[:k]))
    text = "\n".join(parts)
    return text.replace("{juki}", p.juki).replace("{mid}", p.mid).replace("{atena}", p.atena).replace(
        "{affair}", a.key).replace("{info}", a.info).replace("{notice}", a.notice)


def _connections(name: str, p: Profile, rng: random.Random) -> tuple[list[str], str]:
    c = V.CONNECTIONS  # 情報提供NWS, 庁内連携, 住基ネット, 既存住基, 宛名等, 税務
    if name.startswith("中間サーバ"):
        return [c[0], c[4]], ""
    if name in V.ATENA_SYSTEMS:
        return [c[2], c[3]] + ([c[1]] if rng.random() < 0.5 else []), p.mid
    if name in V.JUKI_SYSTEMS:
        return [c[2], c[4]] + ([c[1]] if rng.random() < 0.5 else []), ""
    if name == V.JUKINET:
        return [c[3]], ""
    if name.startswith("ワクチン接種記録"):
        return [], ""
    chosen = [x for x, pr in ((c[1], 0.5), (c[3], 0.4), (c[4], 0.8), (c[5], 0.3)) if rng.random() < pr]
    other = "既存業務システム" if rng.random() < 0.2 else ""
    return chosen, other


def systems_for(a: Affair, kind: str, p: Profile, rng: random.Random, day: dt.date) -> list[System]:
    names = [rng.choice(a.systems)]
    if rng.random() < 0.3 and len(a.systems) > 1:
        names.append(rng.choice([s for s in a.systems if s != names[0]]))
    names += [p.atena, p.mid]
    if rng.random() < 0.6 or a.key == "住民基本台帳":
        names.append(p.juki)
    if rng.random() < 0.5 or a.key == "住民基本台帳":
        names.append(V.JUKINET)
    if rng.random() < 0.3:
        names.append(p.renkei)
    if a.key in ("個人住民税", "国民健康保険", "介護保険") and rng.random() < 0.6:
        names.append(p.tax)
    if a.key == "予防接種" and dt.date(2021, 3, 1) <= day and rng.random() < 0.7:
        names.append(V.VRS)
    if a.key == "住民基本台帳" and rng.random() < 0.6:
        names.append(V.CONVENI)
    if kind == "基礎":
        names = names[: rng.randint(3, len(names))]
    out = []
    for n in dict.fromkeys(names):  # ordered de-duplication
        conn, other = _connections(n, p, rng)
        out.append(System(n, _functions(n, a, p, rng), conn, other))
    return out


def _contractors(p: Profile, rng: random.Random) -> list[str]:
    r = rng.random()
    if r < 0.03:
        return ["未定"]
    names = rng.sample(p.vendors, 2 if r < 0.15 else 1)
    out = []
    for n in names:
        if rng.random() < 0.1 and n.startswith("株式会社"):
            n = "(株)" + n[4:]
        out.append(n)
    return out


def entrustments(a: Affair, sysname: str, p: Profile, rng: random.Random, full: bool) -> list[Entrustment]:
    n = rng.choice((0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8) if full else (0, 1, 1, 1, 2, 2, 3))
    titles = [t.replace("{sys}", sysname) for t in a.entrust]
    out = []
    for i in range(n):
        title = titles[i % len(titles)] + ("" if i < len(titles) else f"（その{i // len(titles) + 1}）")
        sub = rng.random() < 0.35
        detail = title + ("\n" + rng.choice((
            "業務を行うにあたり、民間事業者に委託することにより専門的な知識を有する人員を確保し、事業を安定的に運用する。",
            "委託先は、委託元の指示に基づき作業を行い、作業完了後に報告書を提出する。",
            "作業は委託元の庁舎内又は委託元が承認した場所で行う。")) if full and rng.random() < 0.6 else "")
        methods = [m for m in V.ENTRUST_METHODS[:-1] if rng.random() < 0.2]
        other = "" if methods and rng.random() < 0.6 else rng.choice(
            ("サーバー室におけるシステムの直接操作", "LGWAN回線を用いた提供", "大容量ファイル転送サービスを利用した提供"))
        out.append(Entrustment(
            title=title, content=detail, contractors=_contractors(p, rng),
            handlers=rng.choice(V.CHOICE_USERS[:3]), subcontract=sub,
            permit=rng.choice(SUB_PERMIT).replace("{muni}", p.municipality) if sub else "",
            sub_items=(rng.choice(("サーバー及び端末のハードウェア保守", "運用支援業務", "データ入力業務の一部",
                                   "印刷業務の一部", title)) if sub else ""),
            scope=rng.choice(V.CHOICE_SCOPE), methods=methods + (["その他"] if other else []), method_other=other,
            confirm=rng.choice(CONFIRM_CONTRACTOR).replace("{muni}", p.municipality),
        ))
    return out


def provisions(a: Affair, p: Profile, e: int, rng: random.Random, full: bool, vrs: bool) -> list[Provision]:
    if not a.recipients or rng.random() < 0.15:
        return []
    n = rng.randint(1, len(a.recipients) + (1 if vrs else 0))
    out = []
    for k in range(n):
        if k < len(a.recipients):
            rec, use, info = a.recipients[k]
            basis = cit.provision(a, e, rng, k)
            methods, other = ["情報提供ネットワークシステム"], ""
            freq = rng.choice(("情報提供ネットワークシステムを通じて特定個人情報の照会を受けた都度",
                               "情報提供ネットワークシステムを通じて依頼のあった都度", "照会の都度", "随時"))
        else:
            rec, use, info = ("市区町村長", "新型コロナウイルス感染症対策に係る予防接種事務", "接種記録")
            basis = "番号法第19条第16号" if e else "番号法第19条第15号"
            methods, other = ["その他"], "ワクチン接種記録システム（VRS）"
            freq = "転出先市区町村から接種記録の照会を受けた都度"
        out.append(Provision("提供", rec, cit.maybe_full(basis, rng, p.date_style), use, info,
                             rng.choice(V.CHOICE_PEOPLE[:4]), rng.choice(a.subjects), methods, other, freq))
    return out


def transfers(a: Affair, p: Profile, e: int, rng: random.Random) -> list[Provision]:
    if not a.transfers or rng.random() < 0.4:
        return []
    out = []
    for dept, use, info in a.transfers[: rng.randint(1, len(a.transfers))]:
        bureau = rng.choice(p.bureaus)
        methods = ["庁内連携システム"] if rng.random() < 0.8 else ["紙"]
        out.append(Provision("移転", f"{bureau}　{dept}", cit.transfer(a, e, p.municipality, rng), use, info,
                             rng.choice(V.CHOICE_PEOPLE[:4]), rng.choice(a.subjects), methods, "",
                             rng.choice(("随時", "日次", "月1回", "年1回（当初課税時）", "必要の都度"))))
    return out


def pifile(name: str, a: Affair, p: Profile, kind: str, dept: str, sysname: str, e: int, rng: random.Random,
           day: dt.date, vrs: bool, primary: bool) -> PIFile:
    full = kind == "全項目"
    n_items = rng.randint(8, 25) if not full else rng.randint(15, 45)
    common = list(COMMON_ITEMS[: rng.randint(6, len(COMMON_ITEMS))])
    items = common + list(a.items)
    items = items[:n_items] if len(items) > n_items else items
    band = V.CHOICE_ITEMS[0] if len(items) < 10 else V.CHOICE_ITEMS[1] if len(items) < 50 else V.CHOICE_ITEMS[2]
    biz = [V.BUSINESS_ITEMS[i] for i in a.business]
    srcs: list[tuple[str, str]] = [(V.SOURCES[0], "")]
    if rng.random() < 0.7:
        srcs.append((V.SOURCES[1], rng.choice(("市民課", "市民税課", "保険年金課", "子育て支援課", ""))))
    if rng.random() < 0.4:
        srcs.append((V.SOURCES[3], "市区町村"))
    if rng.random() < 0.2:
        srcs.append((V.SOURCES[5], rng.choice(("医療機関", "住民基本台帳ネットワークシステム", "委託事業者"))))
    methods = [m for m, pr in zip(V.METHODS[:-1], (0.8, 0.1, 0.05, 0.1, 0.2, 0.7, 0.6), strict=True) if rng.random() < pr]
    other = ""
    if vrs and rng.random() < 0.8:
        other = "ワクチン接種記録システム（VRS）"
    elif rng.random() < 0.2:
        other = V.JUKINET
    if other:
        methods.append("その他")
    start = random_day(rng, dt.date(2016, 1, 1), day)
    return PIFile(
        name=name, kind=V.CHOICE_FILE_KIND[0] if rng.random() < 0.9 else V.CHOICE_FILE_KIND[1],
        count=V.CHOICE_PEOPLE[min(3, max(0, p.people - 1 + rng.choice((-1, 0, 0, 0))))],
        scope=rng.choice(a.subjects), necessity=a.purpose, items_band=band,
        ids=["個人番号"] + (["その他識別情報（内部番号）"] if rng.random() < 0.8 else []),
        contacts=["4情報（氏名、性別、生年月日、住所）"] + (["連絡先（電話番号等）"] if rng.random() < 0.6 else []),
        business=biz, validity="", items=items, start=wareki(start, p.date_style, p.gannen),
        dept=f"{rng.choice(p.bureaus)}　{dept}", sources=srcs, methods=methods, method_other=other,
        purpose=a.purpose, users=rng.choice(V.CHOICE_USERS[:4]), usage=list(a.usage),
        matching="", entrustments=entrustments(a, sysname, p, rng, full) if primary or full else [],
        provisions=provisions(a, p, e, rng, full, vrs) if primary else [],
        transfers=transfers(a, p, e, rng) if primary else [],
    )


def _change_item(*parts: str) -> str:
    return "\n".join(parts)


_MEASURE_PLACES = (
    ("Ⅲリスク対策", "2.特定個人情報の入手", "リスクに対する措置の内容", ("acq_target", "acq_method")),
    ("Ⅲリスク対策", "3.特定個人情報の使用", "その他の措置の内容", ("use_outside", "use_copy")),
    ("Ⅲリスク対策", "3.特定個人情報の使用", "ユーザー認証の管理\n具体的な管理方法", ("use_auth", "use_access")),
    ("Ⅲリスク対策", "4.特定個人情報ファイルの取扱いの委託", "その他の措置の内容", ("ent_org", "ent_limit")),
    ("Ⅲリスク対策", "7.特定個人情報の保管・消去", "その他の措置の内容", ("keep_phys", "keep_tech")),
    ("Ⅲリスク対策", "9.従業者に対する教育・啓発", "具体的な方法", ("education",)),
    ("Ⅱ特定個人情報ファイルの概要", "6.特定個人情報の保管・消去", "保管場所", ("keep_phys", "keep_backup")),
)


def _measure_text(rng: random.Random, topics: tuple[str, ...], p: Profile, lo: int, hi: int) -> list[str]:
    lines = []
    for t in topics:
        pool = MEASURES[t]
        for x in rng.sample(pool, min(len(pool), rng.randint(lo, hi))):
            lines.append("・" + x.format(muni=p.municipality, sys="業務システム", atena=p.atena, mid=p.mid, juki=p.juki,
                                         dept="担当課"))
    return lines


def _one_change(day: dt.date, a: Affair, kind: str, p: Profile, rng: random.Random, files: list[PIFile],
                dept: str) -> tuple[str, str, str]:
    e_after = cit.epoch(day, rng, stale=0)
    e_before = max(0, e_after - 1)
    r = rng.random()
    if r < 0.12 and e_after:
        item = _change_item("Ⅰ基本情報", "５．情報提供ネットワークシステムによる情報連携", "②法令上の根拠")
        return (item, "（情報提供の根拠）\n" + cit.linkage(a, e_before, rng, False),
                "（情報提供の根拠）\n" + cit.linkage(a, e_after, rng, False))
    if r < 0.2 and e_after and files[0].provisions:
        k = rng.randrange(len(files[0].provisions))
        item = _change_item("Ⅱ特定個人情報ファイルの概要", "5.特定個人情報の提供・移転（委託に伴うものを除く）",
                            f"提供先{k + 1}", "①法令上の根拠")
        return item, cit.provision(a, e_before, rng, k), cit.provision(a, e_after, rng, k)
    if r < 0.26 and e_after and a.b1_old:
        item = _change_item("Ⅰ基本情報", "４．個人番号の利用", "法令上の根拠")
        return item, cit.use_basis(a, e_before, rng, False), cit.use_basis(a, e_after, rng, False)
    if r < 0.34:
        item = _change_item("Ⅰ基本情報", "６．評価実施機関における担当部署", "①部署")
        old, new = rng.sample(p.bureaus, 2)
        return item, f"{old}　{dept}", f"{new}　{rng.choice(a.depts)}"
    if r < 0.42:
        item = _change_item("Ⅱ特定個人情報ファイルの概要", "4.特定個人情報ファイルの取扱いの委託",
                            f"委託事項{rng.randint(1, 3)}", "③委託先名")
        old, new = rng.sample(p.vendors, 2)
        return item, old, new
    vrs_era = a.key == "予防接種" and day >= dt.date(2022, 4, 1)
    if r < 0.5 and vrs_era:
        item = _change_item("Ⅰ基本情報", "２．特定個人情報ファイルを取り扱う事務において使用するシステム",
                            f"システム{rng.randint(3, 8)}")
        return item, f"①システムの名称\n{V.VRS}\n②システムの機能\n" + "\n".join(VRS_FUNCTIONS), "削除"
    if r < 0.56:
        item = _change_item("Ⅱ特定個人情報ファイルの概要", "2.基本情報", "②対象となる本人の数")
        old, new = rng.sample(V.CHOICE_PEOPLE[:4], 2)
        return item, old, new
    if r < 0.62:
        item = _change_item("Ⅳ開示請求、問合せ", "2.特定個人情報ファイルの取扱いに関する問合せ", "①連絡先")
        before = f"{rng.choice(p.bureaus)}　{dept}\n住所：{p.address}\n電話番号：{p.phone}"
        return item, before, before.rsplit("-", 1)[0] + f"-{rng.randint(1000, 9999)}"
    if r < 0.68 and kind == "全項目":
        same = "「（別紙）全項目評価書の変更箇所」のとおり"
        return same, same, same
    if r < 0.74:
        item = _change_item("Ⅰ基本情報", "１．特定個人情報ファイルを取り扱う事務", "②事務の内容")
        before = "\n".join(s.format(muni=p.municipality) for s in a.summary)
        notes = ["制度改正に伴い、対象者の範囲を変更した。", "関係法令の改正に伴い記載を修正した。"]
        if day.year >= 2024:
            notes.append(f"令和{day.year - 2018}年度から一部の業務は実施しない。")
        return item, before, before + "\n※" + rng.choice(notes)
    if r < 0.8 and vrs_era:
        item = _change_item("Ⅱ特定個人情報ファイルの概要", "7.備考")
        return item, "\n".join(VRS_MEASURES), "削除"
    head, sec, field_, topics = rng.choice(_MEASURE_PLACES)
    item = _change_item(head, sec, field_)
    before = _measure_text(rng, topics, p, 2, 5)
    added = _measure_text(rng, topics, p, 1, 2)
    after = [*before, *(x for x in added if x not in before)]
    if after == before:
        after.append("・定期的に運用状況を点検する。")
    if rng.random() < 0.3:
        before, after = after, before
    return item, "\n".join(before), "\n".join(after)


def changes(doc_day: dt.date, a: Affair, kind: str, p: Profile, rng: random.Random, files: list[PIFile],
            dept: str) -> list[Change]:
    counts = (0, 2, 3, 4, 6, 8) if kind == "基礎" else (2, 4, 6, 10, 15, 20, 28, 36, 45)
    n = rng.choice(counts)
    if kind == "全項目":
        n = max(n, 3)
    if n == 0:
        return []
    first = max(FIRST_DAY, doc_day - dt.timedelta(days=365 * rng.randint(2, 8)))
    days = sorted(random_day(rng, first, doc_day) for _ in range(n))
    out = []
    for day in days:
        item, before, after = _one_change(day, a, kind, p, rng, files, dept)
        out.append(Change(wareki(day, p.date_style, p.gannen), item, before, after,
                          "事前" if rng.random() < 0.2 else "事後", rng.choice(CHANGE_NOTES)))
    return out


STEP_TEMPLATES = (
    "{affair}の対象者と判断するために必要な情報を{juki}から取得",
    "{juki}より取得した情報から対象者を抽出し、対象者へ{notice}を通知",
    "住民から{form}を受理し、番号法第16条に基づき本人確認を実施",
    "住登外者の情報を住基ネット統合端末を利用して検索",
    "{form}の内容を{sys}に登録",
    "医療機関等から提出された書類の内容を{sys}に登録",
    "委託事業者が{notice}を印刷し、対象者へ発送",
    "{info}を{atena}経由で{mid}へ副本提供",
    "他市町村が保有する{qinfo}を、{atena}経由で{mid}へ照会",
    "{mid}から照会結果を受領し、{sys}に反映",
    "{sys}が保有する情報を庁内連携システム経由で関係部署へ移転",
    "{report}を{report_to}へ報告",
)


def flow_steps(a: Affair, p: Profile, sysname: str, rng: random.Random) -> list[tuple[str, list[str]]]:
    subs = a.sub[: rng.randint(1, len(a.sub))]
    out = []
    for sub in subs:
        k = rng.randint(3, 9)
        chosen = sorted(rng.sample(range(len(STEP_TEMPLATES)), k))
        steps = []
        for n, t in enumerate(chosen):
            text = STEP_TEMPLATES[t].format(affair=a.key, juki=p.juki, notice=a.notice, form=a.form, sys=sysname,
                                            info=a.info, atena=p.atena, mid=p.mid, qinfo=a.qinfo,
                                            report=a.report[1], report_to=a.report[0])
            steps.append(f"{CIRCLED[n]}　{text}")
        out.append((sub, steps))
    return out


def build(index: int, opt: Options) -> Doc:
    """All facts of document `index`; depends only on (opt, index)."""
    seed = opt.seed
    slot, pos = divmod(index, PER_MUNICIPALITY)
    p = profile(seed, slot)
    a = affair_for(seed, slot, pos)
    rng = rng_for("doc", seed, index)
    kind = pick_kind(rng, opt)
    layout = pick_layout(rng, opt)
    day = random_day(rng, FIRST_DAY, LAST_DAY)
    e = cit.epoch(day, rng)
    dept = rng.choice(a.depts)
    bureau = rng.choice(p.bureaus)
    systems = systems_for(a, kind, p, rng, day)
    vrs = any(s.name == V.VRS for s in systems)
    sysname = systems[0].name
    n_files = 1 if kind != "全項目" else rng.choice((1, 1, 2, 2, 3))
    names = list(a.files)
    rng.shuffle(names)
    names = names[:n_files]
    if kind == "全項目" and len(names) < n_files:
        names.append("統合宛名ファイル")
    files = [pifile(n, a, p, kind, dept, sysname, e, rng, day, vrs, i == 0) for i, n in enumerate(names)]
    number = str(rng.randint(1, 60) if rng.random() < 0.8 else rng.randint(100, 999))
    return Doc(
        index=index, file_name=file_name(seed, index), prefecture=p.prefecture, municipality=p.municipality,
        code=p.code, body=p.body, affair=a, affair_name=rng.choice(a.names), kind=kind, layout=layout,
        number=to_full(number) if p.date_style == "full" and rng.random() < 0.5 else number,
        published=day, published_text=wareki(day, p.date_style, p.gannen), date_style=p.date_style,
        stamp=stamp(kind, day, rng), people=V.CHOICE_PEOPLE_SMALL[p.people], dept=dept, bureau=bureau,
        chief=dept.replace("室", "室長") if dept.endswith("室") else dept + "長", address=p.address, phone=p.phone,
        systems=systems, files=files, use_basis=cit.maybe_full(cit.use_basis(a, e, rng, vrs), rng, p.date_style),
        link_provide=cit.linkage(a, e, rng, False), link_query=cit.linkage(a, e, rng, True),
        steps=flow_steps(a, p, sysname, rng) if kind == "全項目" else [],
        changes=changes(day, a, kind, p, rng, files, dept),
        ctx={"muni": p.municipality, "sys": sysname, "atena": p.atena, "mid": p.mid, "juki": p.juki, "dept": dept},
    )
