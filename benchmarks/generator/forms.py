"""The forms (様式2/3/4) as a layout-independent list of items, filled from a Doc.

Items are tuples:
  ("h", text)                      heading
  ("f", label, value, inline)      field; inline=True keeps label and value on one line in PDF text
  ("c", label, selected, options, suffix)   ＜選択肢＞ question
  ("x", label, entries)            checkboxes; entry = (option, checked | None, paren | None, suffix)
  ("p", text, width)               free text
  ("v", text)                      vertical cell label (再委託)
  ("brk",)                         page break
  ("chghead", title) / ("chg", Change)
"""

from __future__ import annotations

import random

from . import vocab as V
from .model import Doc, Entrustment, PIFile, Provision
from .phrases import (
    DECLARATION,
    MEASURES,
    MIDDLE_PLATFORM,
    MIDDLE_SOFTWARE,
    MIDDLE_STORAGE,
    SPECIAL_NOTES,
    VRS_MEASURES,
)

Item = tuple
GENERAL = tuple(s for pool in MEASURES.values() for s in pool if len(s) > 25)
GROUPS = ((2, 5), (6, 10), (11, 15), (16, 20))
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
ZEN = str.maketrans("0123456789", "０１２３４５６７８９")


def _num(n: int) -> str:
    return str(n).translate(ZEN)


class Form:
    def __init__(self, doc: Doc, rng: random.Random) -> None:
        self.doc = doc
        self.rng = rng
        self.items: list[Item] = []
        self.full = doc.kind == "全項目"
        self.vrs = any(s.name.startswith("ワクチン接種記録") for s in doc.systems)
        self.scale = {"基礎": 1.0, "重点": 2.2, "全項目": 2.2}[doc.kind]
        self.boiler = {"基礎": 0.0, "重点": 0.45, "全項目": 0.45}[doc.kind]

    # -- primitives -------------------------------------------------------
    def h(self, text: str) -> None:
        self.items.append(("h", text))

    def f(self, label: str, value: str = "", inline: bool = False) -> None:
        self.items.append(("f", label, value, inline))

    def c(self, label: str, selected: str, options: list[str], suffix: str = "") -> None:
        self.items.append(("c", label, selected, options, suffix))

    def x(self, label: str, entries: list[tuple]) -> None:
        self.items.append(("x", label, entries))

    def p(self, text: str, width: int = 50) -> None:
        self.items.append(("p", text, width))

    def brk(self) -> None:
        self.items.append(("brk",))

    def fill(self, text: str) -> str:
        return text.format_map(self.doc.ctx) if "{" in text else text

    def measure(self, topics: tuple[str, ...], lo: int = 2, hi: int = 5, header: float = 0.25) -> str:
        """Bulleted measures from the topic pools; longer in 重点/全項目, sometimes with national boilerplate."""
        rng = self.rng
        lines = []
        if rng.random() < header:
            lines.append(f"＜{self.doc.municipality}における措置＞")
        for t in topics:
            pool = MEASURES[t]
            want = round(rng.randint(lo, hi) * self.scale)
            chosen = rng.sample(pool, min(len(pool), want))
            if want > len(pool):  # long answers wander into neighbouring topics
                chosen += rng.sample(GENERAL, min(len(GENERAL), want - len(pool)))
            lines.extend("・" + self.fill(s) for s in chosen)
        text = "\n".join(lines)
        if self.doc.kind != "基礎" and lo and rng.random() < self.boiler:
            extra = rng.choice((MIDDLE_PLATFORM, MIDDLE_SOFTWARE, VRS_MEASURES if self.vrs else MIDDLE_STORAGE))
            text += "\n\n" + "\n".join(extra)
        return text

    def rating(self, label: str = " リスクへの対策は十分か") -> None:
        r = self.rng.random()
        sel = V.CHOICE_ENOUGH[1] if r < 0.85 else V.CHOICE_ENOUGH[0] if r < 0.97 else V.CHOICE_ENOUGH[2]
        self.c(label, sel, V.CHOICE_ENOUGH)

    # -- cover ------------------------------------------------------------
    def cover(self, title: str) -> None:
        d, rng = self.doc, self.rng
        self.p(f"特定個人情報保護評価書（{title}評価書）")
        name = f"{d.affair_name}　{title}評価書"
        if d.kind == "基礎" and rng.random() < 0.5:
            name = f"{d.municipality}　{name}"
        if rng.random() < 0.5:
            self.p("評価書番号  評価書名")
            self.p(f"{d.number} {name}", 36)
        else:
            self.p("評価書番号")
            self.p(d.number)
            self.p(" 評価書名")
            self.p(name, 30)
        self.p(" 個人のプライバシー等の権利利益の保護の宣言")
        self.p(DECLARATION.format(muni=d.municipality, affair=d.affair_name), 36)
        note = self.fill(rng.choice(SPECIAL_NOTES).replace("{affair}", d.affair_name))
        self.p(("特記事項 " + note) if len(note) < 10 else "特記事項\n" + note)
        self.p(d.stamp)
        self.p(" 評価実施機関名")
        self.p(d.body)
        self.p(" 公表日")
        self.p(d.published_text)
        if self.full:
            self.p(" 個人情報保護委員会　承認日　【行政機関等のみ】")
        self.brk()

    def contents(self, parts: list[str]) -> None:
        self.p("\n\n".join(["項目一覧", *parts]))
        self.brk()

    # -- Ⅰ ----------------------------------------------------------------
    def basic_info(self) -> None:
        d, rng, full = self.doc, self.rng, self.full
        self.h("Ⅰ　基本情報\n １．特定個人情報ファイルを取り扱う事務")
        self.f(" ①事務の名称", d.affair_name)
        self.f(" ②事務の内容" + ("　※" if full else ""), "\n".join(self.fill(s) for s in d.affair.summary))
        self.c(" ③対象人数", d.people, V.CHOICE_PEOPLE_SMALL)
        self.h(" ２．特定個人情報ファイルを取り扱う事務において使用するシステム")
        done: set[int] = set()
        systems = list(d.systems)
        n = len(systems)
        for i, s in enumerate(systems, 1):
            for lo, hi in GROUPS:
                if i == lo:
                    done.add(lo)
                    self.h(f" システム{lo}～{hi}")
            self.h(f" システム{i}")
            self.f(" ①システムの名称", s.name)
            self.f(" ②システムの機能", s.functions)
            entries = [(c, c in s.connections, None, "") for c in V.CONNECTIONS]
            entries.append(("その他", bool(s.other), s.other, ""))
            self.x(" ③他のシステムとの接続", entries)
            if i % 3 == 0:
                self.brk()
        if full and n % 5 and rng.random() < 0.4:  # an empty slot, as printed by the form
            self.h(f" システム{n + 1}")
            self.f(" ①システムの名称")
            self.f(" ②システムの機能")
            self.x(" ③他のシステムとの接続", [(c, False, None, "") for c in V.CONNECTIONS] + [("その他", False, "", "")])
        for lo, hi in GROUPS:
            if lo not in done:
                self.h(f" システム{lo}～{hi}")
        self.brk()
        k = 3
        self.h(f" {_num(k)}．特定個人情報ファイル名")
        names = [f.name for f in d.files]
        self.p("　".join(f"({_num(i)}) {x}" for i, x in enumerate(names, 1)) if len(names) > 1 else names[0])
        if full:
            k += 1
            self.h(f" {_num(k)}．特定個人情報ファイルを取り扱う理由")
            self.f(" ①事務実施上の必要性", "当該事務において、以下のファイルを下記の目的遂行のため取り扱う。\n" + "\n".join(
                f"({i}) {x}\n　・{d.affair.purpose}" for i, x in enumerate(names, 1)))
            self.f(" ②実現が期待されるメリット", self.measure(("acq_accuracy",), 1, 2, 0) + "\n・住民票の写し等の添付書類の省略が"
                   "図られ、もって国民・住民の負担軽減につながることが見込まれる。")
        k += 1
        self.h(f" {_num(k)}．個人番号の利用　※")
        self.f(" 法令上の根拠", d.use_basis)
        k += 1
        self.h(f" {_num(k)}．情報提供ネットワークシステムによる情報連携 ※")
        linked = d.link_provide != "なし" or d.link_query != "なし"
        self.c(" ①実施の有無", V.CHOICE_DO[0] if linked else V.CHOICE_DO[1], V.CHOICE_DO)
        self.f(" ②法令上の根拠", f"（情報提供の根拠）\n{d.link_provide}\n（情報照会の根拠）\n{d.link_query}")
        k += 1
        self.h(f" {_num(k)}．評価実施機関における担当部署")
        self.f(" ①部署", f"{d.bureau}　{d.dept}")
        self.f(" ②所属長の役職名", d.chief)
        k += 1
        self.h(f" {_num(k)}．他の評価実施機関")
        self.p(rng.choice(("なし", "－", "")) or " ")
        self.brk()

    def flow_diagram(self) -> None:
        """別添1 事務の内容: scattered box labels, then the 備考 with numbered steps."""
        d, rng = self.doc, self.rng
        self.h(" （別添1） 事務の内容")
        actors = ["住\n民", d.affair.report[0], "医療機関", "他市町村", "委託事業者", "情報提供ネットワーク\n\nシステム"]
        for sub, steps in d.steps:
            self.p(f"{sub}に関する事務")
            for s in steps:
                num, _, text = s.partition("　")
                self.p(num + text[: rng.randint(4, 12)])
            self.p(rng.choice(actors))
        for s in d.systems[:4]:
            self.p(s.name)
        self.p("特定個人情報の流れ")
        self.p("そ の 他 の 流 れ")
        self.brk()
        lines = ["（備考）"]
        for sub, steps in d.steps:
            lines.append(f"○{sub}に関する事務")
            lines.extend("　" + s for s in steps)
        self.p("\n".join(lines), 64)
        self.brk()

    # -- Ⅱ ----------------------------------------------------------------
    def overview(self, f: PIFile, annex: str) -> None:
        d, rng, full = self.doc, self.rng, self.full
        self.h("Ⅱ　特定個人情報ファイルの概要\n １．特定個人情報ファイル名")
        self.p(f.name)
        self.h(" ２．基本情報")
        self.c(" ①ファイルの種類　※", f.kind, V.CHOICE_FILE_KIND)
        self.c(" ②対象となる本人の数", f.count, V.CHOICE_PEOPLE)
        self.f(" ③対象となる本人の範囲　※", f.scope)
        self.f(" その必要性", f.necessity)
        self.c(" ④記録される項目", f.items_band, V.CHOICE_ITEMS)
        entries: list[tuple] = [("・識別情報", None, None, "")]
        entries += [(o, o in f.ids, None, "") for o in V.ID_ITEMS]
        entries.append(("・連絡先等情報", None, None, ""))
        entries += [(o, o in f.contacts, None, "") for o in V.CONTACT_ITEMS]
        entries.append(("・業務関係情報", None, None, ""))
        entries += [(o, o in f.business, None, "") for o in V.BUSINESS_ITEMS]
        entries.append(("その他", False, "", ""))
        self.x(" 主な記録項目　※", entries)
        self.f(" その妥当性", "・識別情報\n　対象者を正確に特定するため保有\n・連絡先等情報\n　正確な本人特定のため保有"
               + "".join(f"\n・{b}\n　{d.affair.key}の事務を適正に行うため保有" for b in f.business))
        self.f(" 全ての記録項目", f"{annex}を参照。")
        self.f(" ⑤保有開始日", f.start)
        self.f(" ⑥事務担当部署", f.dept)
        self.brk()
        self.h(" ３．特定個人情報の入手・使用")
        labels = dict(f.sources)
        self.x(" ①入手元　※", [(s, s in labels, labels.get(s, "") if i else None, "") for i, s in enumerate(V.SOURCES)])
        self.x(" ②入手方法", [(m, m in f.methods, f.method_other if m == "その他" else None, "") for m in V.METHODS])
        usage = "\n".join(f"{i}．{u}" for i, u in enumerate(f.usage, 1))
        match = "・" + rng.choice(("申請書に記載された4情報と住民基本台帳の情報を突合する。",
                                   "予診票に記入された住所、氏名、生年月日等と突合し、対象者かどうか確認する。",
                                   "個人番号により他市区町村から入手した情報と突合する。"))
        users = (" 使用部署", f.dept)
        if full:
            self.f(" ③入手の時期・頻度", "・" + rng.choice(("庁内連携システムから日次で自動的に入手する。",
                                                          "申請・届出の都度入手する。", "月次単位で入手する。"))
                   + "\n・情報提供ネットワークシステムを通じた照会の都度入手する。")
            self.f(" ④入手に係る妥当性", "・" + d.affair.purpose)
            self.f(" ⑤本人への明示", "・本人から特定個人情報の提供を受ける場合は、当該事務が番号法第9条に定める個人番号利用事務"
                   "であること及び個人番号の利用目的を説明する。")
            self.f(" ⑥使用目的　※", f.purpose)
            self.f(" 変更の妥当性", "－")
            self.h(" ⑦使用の主体")
            self.f(*users)
            self.c(" 使用者数", f.users, V.CHOICE_USERS)
            self.f(" ⑧使用方法　※", usage)
            self.f(" 情報の突合　※", match)
            self.f(" 情報の統計分析\n※", "特定の個人を判別するような情報の統計や分析は行わない。")
            self.f(" 権利利益に影響を\n与え得る決定　※", rng.choice(("－", f"{d.affair.key}に係る決定")))
            self.f(" ⑨使用開始日", f.start)
        else:
            self.f(" ③使用目的　※", f.purpose)
            self.h(" ④使用の主体")
            self.f(*users)
            self.c(" 使用者数", f.users, V.CHOICE_USERS)
            self.f(" ⑤使用方法", usage)
            self.f(" 情報の突合", match)
            self.f(" ⑥使用開始日", f.start)
        self.brk()
        self.entrustment(f)
        self.provision(f)
        self.storage()

    def entrustment(self, f: PIFile) -> None:
        rng, full = self.rng, self.full
        es = f.entrustments
        self.h(" ４．特定個人情報ファイルの取扱いの委託")
        self.c(" 委託の有無　※", V.CHOICE_ENTRUST[0] if es else V.CHOICE_ENTRUST[1], V.CHOICE_ENTRUST,
               f"（ {len(es)} ）　件" if es else "（ ）　件")
        done: set[int] = set()
        for i, e in enumerate(es, 1):
            for lo, hi in GROUPS:
                if i == lo:
                    done.add(lo)
                    self.h(f" 委託事項{lo}～{hi}")
            self.entrust_one(i, e)
            if i % 2 == 0 or full:
                self.brk()
        if full and es and len(es) % 5 and rng.random() < 0.5:
            self.entrust_one(len(es) + 1, None)
        for lo, hi in GROUPS:
            if lo not in done:
                self.h(f" 委託事項{lo}～{hi}")
        self.brk()

    def entrust_one(self, i: int, e: Entrustment | None) -> None:
        full = self.full
        g = (lambda attr: getattr(e, attr)) if e else (lambda attr: "")
        names = "、".join(e.contractors) if e else ""
        sub = (V.CHOICE_SUB[0] if e.subcontract else V.CHOICE_SUB[1]) if e else ""
        self.f(f" 委託事項{i}", g("title"))
        self.f(" ①委託内容", g("content"))
        if full:
            self.c(" ②取扱いを委託する特定個\n人情報ファイルの範囲", g("scope"), V.CHOICE_SCOPE)
            self.c(" 対象となる本人の\n数", self.doc.files[0].count if e else "", V.CHOICE_PEOPLE)
            self.f(" 対象となる本人の\n範囲　※", self.doc.files[0].scope if e else "")
            self.f(" その妥当性", "委託業務の遂行にあたり、上記の範囲を取り扱う必要がある。" if e else "")
            self.c(" ③委託先における取扱者数", g("handlers"), V.CHOICE_USERS)
            methods = e.methods if e else []
            self.x(" ④委託先への特定個人情報\nファイルの提供方法",
                   [(m, m in methods, (e.method_other if e else "") if m == "その他" else None, "")
                    for m in V.ENTRUST_METHODS])
            self.f(" ⑤委託先名の確認方法", g("confirm"))
            self.f(" ⑥委託先名", names, inline=True)
            self.items.append(("v", "再委託"))
            self.c(" ⑦再委託の有無　※", sub, V.CHOICE_SUB)
            self.f(" ⑧再委託の許諾方法", g("permit"))
            self.f(" ⑨再委託事項", g("sub_items"))
        else:
            self.c(" ②委託先における取扱者数", g("handlers"), V.CHOICE_USERS)
            self.f(" ③委託先名", names)
            self.items.append(("v", "再委託"))
            self.c(" ④再委託の有無　※", sub, V.CHOICE_SUB)
            self.f(" ⑤再委託の許諾方法", g("permit"))
            self.f(" ⑥再委託事項", g("sub_items"))

    def provision(self, f: PIFile) -> None:
        ps, ts = f.provisions, f.transfers
        self.h(" ５．特定個人情報の提供・移転（委託に伴うものを除く。）")
        self.x(" 提供・移転の有無", [("提供を行っている", bool(ps), str(len(ps) or ""), "件"),
                                  ("移転を行っている", bool(ts), str(len(ts) or ""), "件"),
                                  ("行っていない", not ps and not ts, None, "")])
        for word, flows in (("提供", ps), ("移転", ts)):
            done: set[int] = set()
            for i, pr in enumerate(flows, 1):
                for lo, hi in GROUPS:
                    if i == lo:
                        done.add(lo)
                        self.h(f" {word}先{lo}～{hi}")
                self.flow_one(word, i, pr)
            if not flows and word == "移転":
                self.flow_one(word, 1, None)
            for lo, hi in GROUPS:
                if lo not in done:
                    self.h(f" {word}先{lo}～{hi}")
            self.brk()

    def flow_one(self, word: str, i: int, pr: Provision | None) -> None:
        g = (lambda attr: getattr(pr, attr)) if pr else (lambda attr: "")
        self.f(f" {word}先{i}", g("recipient"))
        self.f(" ①法令上の根拠", g("basis"))
        self.f(f" ②{word}先における用途", g("usage"))
        self.f(f" ③{word}する情報", g("info"))
        self.c(f" ④{word}する情報の対象となる\n本人の数", g("count"), V.CHOICE_PEOPLE)
        self.f(f" ⑤{word}する情報の対象となる\n本人の範囲", g("scope"))
        methods = pr.methods if pr else []
        options = V.PROVIDE_METHODS if word == "提供" else V.TRANSFER_METHODS
        self.x(f" ⑥{word}方法", [(m, m in methods, (pr.method_other if pr else "") if m == "その他" else None, "")
                                for m in options])
        self.f(" ⑦時期・頻度", g("frequency"))

    def storage(self) -> None:
        rng = self.rng
        self.h(" ６．特定個人情報の保管・消去")
        place = self.measure(("keep_phys",), 2, 4, 0.8) + "\n\n" + "\n".join(MIDDLE_STORAGE)
        if self.vrs:
            place += "\n\n" + "\n".join(VRS_MEASURES)
        if self.full:
            self.f(" ①保管場所　※", place)
            self.c(" ②保管期間 期間", rng.choice(("5年", "6年以上10年未満", "20年以上", "定められていない")),
                   V.CHOICE_PERIOD)
            self.f(" その妥当性", f"{self.doc.affair.law}等の関係法令に基づき、必要な期間保存を行うため。")
            self.f(" ③消去方法", self.measure(("keep_erase",), 2, 4, 0.8))
        else:
            self.f(" 保管場所　※", place)
        self.h(" ７．備考")
        self.p(rng.choice(("－", "", "特になし")) or " ")
        self.brk()

    def records(self, title: str) -> None:
        self.h(title)
        for f in self.doc.files:
            sep = self.rng.choice(("．", ".", "．"))
            self.p(f"【{f.name}に関する記録項目】\n" + "\n".join(f"{i}{sep}{x}" for i, x in enumerate(f.items, 1)))
        self.brk()

    # -- Ⅲ ----------------------------------------------------------------
    def risks(self, f: PIFile) -> None:
        full = self.full
        if full:
            self.h("Ⅲ　特定個人情報ファイルの取扱いプロセスにおけるリスク対策 ※（７．リスク１⑨を除く。）")
        else:
            self.h("Ⅲ　リスク対策　※（７．②を除く。）")
        self.h(" １．特定個人情報ファイル名")
        self.p(f.name)
        self.h(" ２．特定個人情報の入手 （情報提供ネットワークシステムを通じた入手を除く。）")
        other_acq = " 特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）におけるその他のリスク及びそのリスクに対する措置"
        if full:
            self.h(" リスク１：　目的外の入手が行われるリスク")
            self.f(" 対象者以外の情報の入手を\n防止するための措置の内容", self.measure(("acq_target",), 2, 4))
            self.f(" 必要な情報以外を入手する\nことを防止するための措置の\n内容", self.measure(("acq_needed",), 1, 3, 0))
            self.f(" その他の措置の内容", "－")
            self.rating()
            self.h(" リスク２：　不適切な方法で入手が行われるリスク")
            self.f(" リスクに対する措置の内容", self.measure(("acq_method",), 2, 4))
            self.rating()
            self.h(" リスク３：　入手した特定個人情報が不正確であるリスク")
            self.f(" 入手の際の本人確認の措置\nの内容", self.measure(("acq_identity",), 1, 3, 0))
            self.f(" 個人番号の真正性確認の措\n置の内容", self.measure(("acq_true",), 1, 2, 0))
            self.f(" 特定個人情報の正確性確保\nの措置の内容", self.measure(("acq_accuracy",), 2, 3, 0))
            self.rating()
            self.h(" リスク４：　入手の際に特定個人情報が漏えい・紛失するリスク")
            self.f(" リスクに対する措置の内容", self.measure(("acq_leak",), 2, 4))
            self.rating()
        else:
            self.h(" リスク：　目的外の入手が行われるリスク")
            self.f(" リスクに対する措置の内容", self.measure(("acq_target", "acq_needed"), 2, 4))
            self.rating()
        self.f(other_acq, "\n".join(VRS_MEASURES[:3]) if self.vrs else self.measure(("acq_leak",), 0, 2, 0))
        self.brk()
        self.h(" ３．特定個人情報の使用")
        self.h(" リスク１：　目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスク")
        if full:
            self.f(" 宛名システム等における措置\nの内容", self.measure(("use_link",), 2, 4, 0))
            self.f(" 事務で使用するその他のシ\nステムにおける措置の内容", self.measure(("use_link",), 1, 3, 0))
        else:
            self.f(" リスクに対する措置の内容", "宛名システム等における措置\n" + self.measure(("use_link",), 2, 4, 0))
        self.rating()
        self.h(" リスク２：　権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスク")
        self.c(" ユーザ認証の管理", V.CHOICE_PERFORM[0], V.CHOICE_PERFORM)
        self.f(" 具体的な管理方法", self.measure(("use_auth",), 2, 4, 0))
        if full:
            self.c(" アクセス権限の発効・失効の\n管理", V.CHOICE_PERFORM[0], V.CHOICE_PERFORM)
            self.f(" 具体的な管理方法", self.measure(("use_access",), 2, 4, 0))
            self.c(" アクセス権限の管理", V.CHOICE_PERFORM[0], V.CHOICE_PERFORM)
            self.f(" 具体的な管理方法", self.measure(("use_access",), 1, 3, 0))
            self.c(" 特定個人情報の使用の記録", V.CHOICE_RECORD[0], V.CHOICE_RECORD)
            self.f(" 具体的な方法", self.measure(("use_log",), 2, 4, 0))
            self.f(" その他の措置の内容", "－")
            self.rating()
            self.h(" リスク３：　従業者が事務外で使用するリスク")
            self.f(" リスクに対する措置の内容", self.measure(("use_outside",), 2, 4, 0))
            self.rating()
            self.h(" リスク４：　特定個人情報ファイルが不正に複製されるリスク")
            self.f(" リスクに対する措置の内容", self.measure(("use_copy",), 2, 5, 0))
            self.rating()
        else:
            self.f(" その他の措置の内容", "従業者が事務外で使用するリスクへの措置\n" + self.measure(("use_outside", "use_copy"), 1, 3, 0))
            self.rating()
        self.f(" 特定個人情報の使用におけるその他のリスク及びそのリスクに対する措置",
               "\n".join(VRS_MEASURES) if self.vrs else self.measure(("use_log",), 1, 2, 0))
        self.brk()
        self.entrust_risk(bool(f.entrustments), any(e.subcontract for e in f.entrustments))
        self.provision_risk(bool(f.provisions or f.transfers))
        self.network_risk()
        self.storage_risk()

    def entrust_risk(self, entrusted: bool, sub: bool) -> None:
        full = self.full
        self.x(" ４．特定個人情報ファイルの取扱いの委託", [("委託しない", not entrusted, None, "")])
        if full:
            self.h(" 委託先による特定個人情報の不正入手・不正な使用に関するリスク\n 委託先による特定個人情報の不正な提供に関する"
                   "リスク\n 委託先による特定個人情報の保管・消去に関するリスク\n 委託契約終了後の不正な使用等のリスク\n 再委託に関するリスク")
            self.f(" 情報保護管理体制の確認", self.measure(("ent_org",), 2, 3, 0))
            self.c(" 特定個人情報ファイルの閲\n覧者・更新者の制限", V.CHOICE_LIMIT[0], V.CHOICE_LIMIT)
            self.f(" 具体的な制限方法", self.measure(("ent_limit",), 2, 4, 0))
            self.c(" 特定個人情報ファイルの取\n扱いの記録", V.CHOICE_RECORD[0], V.CHOICE_RECORD)
            self.f(" 具体的な方法", self.measure(("ent_record",), 1, 3, 0))
            self.c(" 特定個人情報の提供ルール", V.CHOICE_DEFINED[0], V.CHOICE_DEFINED)
            self.f(" 委託先から他者への\n提供に関するルールの\n内容及びルール遵守\nの確認方法", self.measure(("ent_rules",), 1, 2, 0))
            self.f(" 委託元と委託先間の\n提供に関するルールの\n内容及びルール遵守\nの確認方法", self.measure(("ent_rules",), 1, 2, 0))
            self.c(" 特定個人情報の消去ルール", V.CHOICE_DEFINED[0], V.CHOICE_DEFINED)
            self.f(" ルールの内容及び\nルール遵守の確認方\n法", self.measure(("ent_rules",), 1, 3, 0))
        else:
            self.h(" リスク：　委託先における不正な使用等のリスク")
        self.c(" 委託契約書中の特定個人情\n報ファイルの取扱いに関する\n規定", V.CHOICE_DEFINED[0], V.CHOICE_DEFINED)
        self.f(" 規定の内容", self.measure(("ent_contract",), 5, 10, 0))
        care = V.CHOICE_SUBCARE[1] if sub else V.CHOICE_SUBCARE[3]
        label = " 再委託先による特定個人情\n報ファイルの適切な取扱いの\n" + ("確保" if full else "担保")
        self.c(label, care, V.CHOICE_SUBCARE)
        self.f(" 具体的な方法", self.measure(("ent_sub", "ent_limit", "ent_record"), 1, 3, 0.3) if sub else "")
        self.f(" その他の措置の内容", "－")
        self.rating()
        self.f(" 特定個人情報ファイルの取扱いの委託におけるその他のリスク及びそのリスクに対する措置", "")
        self.brk()

    def provision_risk(self, provided: bool) -> None:
        full = self.full
        self.x(" ５．特定個人情報の提供・移転 （委託や情報提供ネットワークシステムを通じた提供を除く。）",
               [("提供・移転しない", not provided, None, "")])
        self.h(" リスク" + ("１" if full else "") + "：　不正な提供・移転が行われるリスク")
        if full:
            self.c(" 特定個人情報の提供・移転\nの記録", V.CHOICE_RECORD[0], V.CHOICE_RECORD)
            self.f(" 具体的な方法", self.measure(("prov_record",), 1, 3, 0))
        self.c(" 特定個人情報の提供・移転\nに関するルール", V.CHOICE_DEFINED[0], V.CHOICE_DEFINED)
        self.f(" ルールの内容及び\nルール遵守の確認方\n法", self.measure(("prov_rules",), 1, 3, 0))
        self.f(" その他の措置の内容", "－")
        self.rating()
        if full:
            self.h(" リスク２：　不適切な方法で提供・移転が行われるリスク")
            self.f(" リスクに対する措置の内容", self.measure(("prov_rules",), 1, 2, 0))
            self.rating()
            self.h(" リスク３：　誤った情報を提供・移転してしまうリスク、誤った相手に提供・移転してしまうリスク")
            self.f(" リスクに対する措置の内容", self.measure(("prov_wrong",), 2, 3, 0))
            self.rating()
        self.f(" 特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）におけるその他のリスク"
               "及びそのリスクに対する措置", "")
        self.brk()

    def network_risk(self) -> None:
        rng = self.rng
        self.x(" ６．情報提供ネットワークシステムとの接続",
               [("接続しない（入手）", False, None, ""), ("接続しない（提供）", False, None, "")])
        soft = "\n".join((MIDDLE_SOFTWARE[0], *rng.sample(MIDDLE_SOFTWARE[1:], rng.randint(2, 4))))
        plat = "\n".join(MIDDLE_PLATFORM)
        risks = (("目的外の入手が行われるリスク", soft),
                 ("安全が保たれない方法によって入手が行われるリスク", plat),
                 ("入手した特定個人情報が不正確であるリスク", soft),
                 ("入手の際に特定個人情報が漏えい・紛失するリスク", plat),
                 ("不正な提供が行われるリスク", soft),
                 ("不適切な方法で提供されるリスク", plat),
                 ("誤った情報を提供してしまうリスク、誤った相手に提供してしまうリスク", soft))
        chosen = risks if self.full else (risks[0], risks[4])
        for i, (name, text) in enumerate(chosen, 1):
            self.h(f" リスク{_num(i)}：　{name}")
            body = text if rng.random() < 0.7 else self.measure(("use_link", "use_auth"), 1, 2) + "\n\n" + text
            self.f(" リスクに対する措置の内容", body)
            self.rating()
            if i % 2 == 0:
                self.brk()
        self.f(" 情報提供ネットワークシステムとの接続に伴うその他のリスク及びそのリスクに対する措置", "")
        self.brk()

    def storage_risk(self) -> None:
        rng, full = self.rng, self.full
        self.h(" ７．特定個人情報の保管・消去")
        self.h(" リスク" + ("１" if full else "") + "：　特定個人情報の漏えい・滅失・毀損リスク")
        incident = rng.random() < 0.06
        if full:
            for label in (" ①NISC政府機関統一基準群", " ②安全管理体制", " ③安全管理規程",
                          " ④安全管理体制・規程の職\n員への周知"):
                self.c(label, V.CHOICE_DOING[1], V.CHOICE_DOING)
            self.c(" ⑤物理的対策", V.CHOICE_DOING[1], V.CHOICE_DOING)
            self.f(" 具体的な対策の内容", self.measure(("keep_phys",), 2, 4, 0.5) + "\n\n" + "\n".join(MIDDLE_STORAGE))
            self.c(" ⑥技術的対策", V.CHOICE_DOING[1], V.CHOICE_DOING)
            self.f(" 具体的な対策の内容", self.measure(("keep_tech",), 2, 4, 0.5))
            self.c(" ⑦バックアップ", V.CHOICE_DOING[1], V.CHOICE_DOING)
            self.c(" ⑧事故発生時手順の策定・\n周知", V.CHOICE_DOING[1], V.CHOICE_DOING)
            label9 = " ⑨過去３年以内に、評価実施\n機関において、個人情報に関\nする重大事故が発生したか"
        else:
            self.c(" ①事故発生時手順の策定・\n周知", V.CHOICE_DOING[1], V.CHOICE_DOING)
            label9 = " ②過去３年以内に、評価実施\n機関において、個人情報に関\nする重大事故が発生したか"
        self.c(label9, V.CHOICE_INCIDENT[0] if incident else V.CHOICE_INCIDENT[1], V.CHOICE_INCIDENT)
        self.f(" その内容", "委託事業者がデータ納品時に他団体のデータの一部を混入させ、誤って送付した。" if incident else "－")
        self.f(" 再発防止策の内容", "事業者のフォルダアクセス制限を強化し、納品前の複数人による確認を徹底した。"
               if incident else "－")
        if full:
            self.c(" ⑩死者の個人番号", V.CHOICE_KEEP_DEAD[0], V.CHOICE_KEEP_DEAD)
            self.f(" 具体的な保管方法", "生存する個人の個人番号と同様の管理を行う。")
        self.f(" その他の措置の内容", self.measure(("keep_backup",), 0, 2, 0) or "－")
        self.rating()
        if full:
            self.h(" リスク２：　特定個人情報が古い情報のまま保管され続けるリスク")
            self.f(" リスクに対する措置の内容", self.measure(("keep_old",), 1, 3, 0))
            self.rating()
            self.h(" リスク３：　特定個人情報が消去されずいつまでも存在するリスク")
            self.c(" 消去手順", V.CHOICE_DEFINED[0], V.CHOICE_DEFINED)
            self.f(" 手順の内容", self.measure(("keep_erase",), 2, 3, 0))
            self.rating()
        self.f(" 特定個人情報の保管・消去におけるその他のリスク及びそのリスクに対する措置", "")
        self.brk()
        if not full:
            self.h(" ８．監査")
            self.x(" 実施の有無", [(a, a == "自己点検" or self.rng.random() < 0.3, None, "") for a in V.AUDITS])
            self.h(" ９．従業者に対する教育・啓発")
            self.c(" 従業者に対する教育・啓発", V.CHOICE_DOING[1], V.CHOICE_DOING)
            self.f(" 具体的な方法", self.measure(("education",), 2, 4, 0.5))
            self.h(" １０．その他のリスク対策")
            self.p("\n".join(MIDDLE_PLATFORM[:2]) if rng.random() < 0.4 else " ")
            self.brk()

    def other_measures(self) -> None:
        self.h("Ⅳ　その他のリスク対策 ※\n １．監査")
        self.c(" ①自己点検", V.CHOICE_DOING[1], V.CHOICE_DOING)
        self.f(" 具体的なチェック方法", self.measure(("audit",), 1, 2, 0.8))
        self.c(" ②監査", V.CHOICE_DOING[1], V.CHOICE_DOING)
        self.f(" 具体的な内容", self.measure(("audit",), 1, 3, 0.8) + "\n\n" + "\n".join(MIDDLE_PLATFORM[:2]))
        self.h(" ２．従業者に対する教育・啓発")
        self.c(" 従業者に対する教育・啓発", V.CHOICE_DOING[1], V.CHOICE_DOING)
        self.f(" 具体的な方法", self.measure(("education",), 2, 4, 0.8))
        self.h(" ３．その他のリスク対策")
        self.p("\n".join(MIDDLE_PLATFORM[:2]))
        self.brk()

    # -- Ⅳ/Ⅴ/Ⅵ -------------------------------------------------------------
    def contacts(self, roman: str) -> None:
        d = self.doc
        self.h(f"{roman}　開示請求、問合せ\n １．特定個人情報の開示・訂正・利用停止請求")
        self.f(" ①請求先", f"{self.rng.choice(d.files[0].dept.split('　')[:1])}　総務課\n住所：{d.address}\n電話番号：{d.phone}")
        self.f(" ②請求方法", "本人確認書類の提示及び指定様式による請求書の提出により請求する。")
        if self.full:
            self.c(" ③手数料等", V.CHOICE_FEE[1], V.CHOICE_FEE)
            self.c(" ④個人情報ファイル簿の公\n表", V.CHOICE_PERFORM[0], V.CHOICE_PERFORM)
            self.f(" 個人情報ファイル名", d.files[0].name)
            self.f(" 公表場所", f"{d.municipality}役所　市政情報コーナー")
        self.f(" ⑤法令による特別の手続" if self.full else " ③法令による特別の手続", "－")
        self.f(" ⑥個人情報ファイル簿への\n不記載等" if self.full else " ④個人情報ファイル簿への不\n記載等", "－")
        self.h(" ２．特定個人情報ファイルの取扱いに関する問合せ")
        self.f(" ①連絡先", f"{d.bureau}　{d.dept}\n住所：{d.address}\n電話番号：{d.phone}")
        self.f(" ②対応方法", "対応の受付日時及びその対応等について記録を残す。")
        self.brk()

    def procedure(self, roman: str) -> None:
        d, full = self.doc, self.full
        self.h(f"{roman}　評価実施手続\n １．基礎項目評価")
        self.f(" ①実施日", d.published_text)
        opts = V.CHOICE_THRESHOLD_FULL if full else V.CHOICE_THRESHOLD_FOCUSED
        self.c(" ②しきい値判断結果", opts[0] if self.rng.random() < 0.8 else opts[1], opts)
        self.h(" ２．国民・住民等からの意見の聴取" + ("" if full else "　【任意】"))
        if full:
            self.f(" ①方法", "評価書を本市Webページにて掲載及び市政情報コーナーに配架し、閲覧できるようにする。")
            self.f(" ②実施日・期間", "30日間")
            self.f(" ③期間を短縮する特段の理\n由", "－")
            self.f(" ④主な意見の内容", "評価書の修正に係る意見の提出はありませんでした。")
            self.f(" ⑤評価書への反映", "－")
            self.h(" ３．第三者点検")
            self.f(" ①実施日", d.published_text)
            self.f(" ②方法", f"{d.municipality}個人情報保護審議会で審議")
            self.f(" ③結果", "評価書の内容について修正を求める意見はありませんでした。")
            self.h(" ４．個人情報保護委員会の承認　【行政機関等のみ】")
            self.f(" ①提出日")
            self.f(" ②個人情報保護委員会によ\nる審査")
            self.f(" ③結果")
        else:
            for label in (" ①方法", " ②実施日・期間", " ③主な意見の内容"):
                self.f(label, "－")
            self.h(" ３．第三者点検　【任意】")
            for label in (" ①実施日", " ②方法", " ③結果"):
                self.f(label, "－")
        self.brk()

    def change_log(self, title: str) -> None:
        if not self.doc.changes and self.rng.random() < 0.5:
            return
        self.items.append(("chghead", title))
        for ch in self.doc.changes:
            self.items.append(("chg", ch))
        self.brk()

    # -- 基礎 ---------------------------------------------------------------
    def basic_form(self) -> None:
        d, rng = self.doc, self.rng
        self.h("Ⅰ　関連情報\n １．特定個人情報ファイルを取り扱う事務")
        self.f(" ①事務の名称", d.affair_name)
        a = d.affair
        summary = [self.fill(s) for s in a.summary]
        summary.append(f"本市は、{a.law}及び番号法の規定に従い、特定個人情報を以下の事務で取り扱う。")
        summary += [f"{CIRCLED[i]}{u}" for i, u in enumerate(a.usage)]
        summary.append(f"※なお、{a.key}に係る事務の一部は外部事業者に委託しており、委託先においても特定個人情報を"
                       "適切に取り扱うよう契約により担保している。")
        self.f(" ②事務の概要", "\n".join(summary))
        self.f(" ③システムの名称", "、".join(s.name for s in d.systems))
        self.h(" ２．特定個人情報ファイル名")
        self.p("\n".join(f"（{_num(i)}）{f.name}" for i, f in enumerate(d.files, 1)))
        self.h(" ３．個人番号の利用")
        self.f(" 法令上の根拠", d.use_basis)
        self.brk()
        self.h(" ４．情報提供ネットワークシステムによる情報連携")
        linked = d.link_provide != "なし" or d.link_query != "なし"
        self.c(" ①実施の有無", V.CHOICE_DO[0] if linked else V.CHOICE_DO[1], V.CHOICE_DO)
        self.f(" ②法令上の根拠", f"（情報提供の根拠）\n{d.link_provide}\n（情報照会の根拠）\n{d.link_query}")
        self.h(" ５．評価実施機関における担当部署")
        self.f(" ①部署", f"{d.bureau}　{d.dept}")
        self.f(" ②所属長の役職名", d.chief)
        self.h(" ６．他の評価実施機関")
        self.h(" ７．特定個人情報の開示・訂正・利用停止請求")
        self.f(" 請求先", f"{d.municipality}　総務部　総務課\n電話：{d.phone}")
        self.h(" ８．特定個人情報ファイルの取扱いに関する問合せ")
        self.f(" 連絡先", f"{d.address}\n{d.municipality}　{d.bureau}　{d.dept}\n電話：{d.phone}")
        self.brk()
        self.h("Ⅱ　しきい値判断項目\n １．対象人数")
        opts = [V.CHOICE_PEOPLE_SMALL[0] + "（任意実施）", *V.CHOICE_PEOPLE_SMALL[1:]]
        self.c(" 評価対象の事務の対象人数は何人か", d.people, opts)
        self.f(" いつ時点の計数か", f"{d.published_text} 時点")
        self.h(" ２．取扱者数")
        self.c(" 特定個人情報ファイル取扱者数は500人以上か", V.CHOICE_HANDLERS_500[1], V.CHOICE_HANDLERS_500)
        self.f(" いつ時点の計数か", f"{d.published_text} 時点")
        self.h(" ３．重大事故")
        self.c(" 過去１年以内に、評価実施機関において特定個人\n情報に関する重大事故が発生したか", V.CHOICE_INCIDENT[1],
               V.CHOICE_INCIDENT)
        self.h("Ⅲ　しきい値判断結果\n しきい値判断結果")
        self.p(rng.choice(("基礎項目評価の実施が義務付けられる", "基礎項目評価及び重点項目評価の実施が義務付けられる",
                           "基礎項目評価及び全項目評価の実施が義務付けられる")))
        self.brk()
        self.h("Ⅳ　リスク対策")
        self.c(" １．提出する特定個人情報保護評価書の種類", V.CHOICE_SUBMIT[0], V.CHOICE_SUBMIT)
        self.p("2)又は3)を選択した評価実施機関については、それぞれ重点項目評価書又は全項目評価書において、リスク対策の詳細が"
               "記載されている。", 64)
        for head, q in ((" ２．特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）",
                         " 目的外の入手が行われるリ\nスクへの対策は十分か"),
                        (" ３．特定個人情報の使用", " 目的を超えた紐付け、事務に\n必要のない情報との紐付けが\n行われるリスクへの対策は十\n分か"),
                        ("", " 権限のない者（元職員、アク\nセス権限のない職員等）に\nよって不正に使用されるリスク\nへの対策は十分か"),
                        (" ４．特定個人情報ファイルの取扱いの委託", " 委託先における不正な使用\n等のリスクへの対策は十分か"),
                        (" ５．特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）",
                         " 不正な提供・移転が行われる\nリスクへの対策は十分か"),
                        (" ６．情報提供ネットワークシステムとの接続", " 目的外の入手が行われるリ\nスクへの対策は十分か"),
                        ("", " 不正な提供が行われるリスク\nへの対策は十分か"),
                        (" ７．特定個人情報の保管・消去", " 特定個人情報の漏えい・滅\n失・毀損リスクへの対策は十\n分か")):
            if head:
                self.h(head)
            self.rating(q)
        self.h(" ８．監査")
        self.x(" 実施の有無", [(a, a == "自己点検" or rng.random() < 0.3, None, "") for a in V.AUDITS])
        self.h(" ９．従業者に対する教育・啓発")
        self.c(" 従業者に対する教育・啓発", V.CHOICE_DOING[1], V.CHOICE_DOING)
        self.brk()


def build_items(doc: Doc, rng: random.Random) -> list[Item]:
    """The whole form for `doc`, in reading order."""
    fm = Form(doc, rng)
    if doc.kind == "基礎":
        fm.cover("基礎項目")
        fm.basic_form()
        fm.change_log("変更箇所")
        return fm.items
    full = doc.kind == "全項目"
    fm.cover("全項目" if full else "重点項目")
    if full:
        fm.contents(["Ⅰ　基本情報", "Ⅱ　特定個人情報ファイルの概要", "Ⅲ　特定個人情報ファイルの取扱いプロセスにおけるリスク対策",
                     "Ⅳ　その他のリスク対策", "Ⅴ　開示請求、問合せ", "Ⅵ　評価実施手続", "　（別添１） 事務の内容",
                     "　（別添２） 特定個人情報ファイル記録項目", "　（別添３）　変更箇所"])
    else:
        fm.contents(["Ⅰ　基本情報", "Ⅱ　特定個人情報ファイルの概要", "（別添１） 特定個人情報ファイル記録項目", "Ⅲ　リスク対策",
                     "Ⅳ　開示請求、問合せ", "Ⅴ　評価実施手続", "　（別添２）　変更箇所"])
    fm.basic_info()
    if full:
        fm.flow_diagram()
    annex = "別添２" if full else "別添１"
    for f in doc.files:
        fm.overview(f, annex)
    fm.records(" （別添２） 特定個人情報ファイル記録項目" if full else " （別添１） 特定個人情報ファイル記録項目")
    for f in doc.files if full else doc.files[:1]:
        fm.risks(f)
    if full:
        fm.other_measures()
        fm.contacts("Ⅴ")
        fm.procedure("Ⅵ")
        fm.change_log("（別添３）変更箇所")
    else:
        fm.contacts("Ⅳ")
        fm.procedure("Ⅴ")
        fm.change_log("（別添２）変更箇所")
    return fm.items
