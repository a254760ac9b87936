"""Legal citations in the forms used before and after the 2021 renumbering and the 2024 revision."""

from __future__ import annotations

import datetime as dt
import random

from .affairs import Affair
from .dates import to_full

RENUMBER = dt.date(2021, 9, 1)  # 第19条第7号 -> 第19条第8号
REVISION = dt.date(2024, 5, 27)  # 別表第二 -> 命令第2条の表, 別表第一 -> 別表
LAW_FULL = "行政手続における特定の個人を識別するための番号の利用等に関する法律（平成25年法律第27号。以下「番号法」という。）"
ORDER = "番号法第19条第8号に基づく利用特定個人情報の提供に関する命令"


def epoch(day: dt.date, rng: random.Random, stale: float = 0.15) -> int:
    """0: before 2021-09 (第7号), 1: 2021-09..2024-05 (第8号 + 別表第二), 2: 2024 forms; sometimes stale."""
    e = 2 if day >= REVISION else 1 if day >= RENUMBER else 0
    if e and rng.random() < stale:
        e -= 1
    return e


def _items(items: tuple[str, ...] | list[str], rng: random.Random, dash: bool = False) -> str:
    if dash:
        items = [i.replace("の", "ー") for i in items]
    style = rng.random()
    if style < 0.5:
        return "、".join(items) + "の項"
    if style < 0.8:
        return "、".join(f"{i}の項" for i in items)
    return "、".join(f"第{i}項" for i in items)


def maybe_full(text: str, rng: random.Random, date_style: str) -> str:
    return to_full(text) if date_style != "half" and rng.random() < 0.4 else text


def use_basis(a: Affair, e: int, rng: random.Random, vrs: bool) -> str:
    """Ⅰ 個人番号の利用 法令上の根拠."""
    if not a.b1_old:  # 住民基本台帳: the My Number Act's own articles and the Residents Registration Act
        lines = ["1．番号法", "・第7条（指定及び通知）", "・第16条（本人確認の措置）", "・第17条（個人番号カードの交付等）",
                 "2．住民基本台帳法", "・第5条（住民基本台帳の備付け）", "・第6条（住民基本台帳の作成）",
                 "・第7条（住民票の記載事項）", "・第30条の6（市町村長から都道府県知事への本人確認情報の通知等）"]
        return "\n".join(lines)
    entrust_no = "5" if e == 0 else "6"
    if e == 2:
        first = f"・{LAW_FULL}第9条第1項　別表{a.b1_new}の項"
        second = f"・番号法別表の主務省令で定める事務を定める命令（平成26年内閣府・総務省令第5号）{a.shorei}"
    elif rng.random() < 0.5:
        first = f"・{LAW_FULL}第9条第1項　別表第一の{a.b1_old}の項"
        second = f"・番号法別表第一の主務省令で定める事務を定める命令（平成26年内閣府・総務省令第5号）{a.shorei}"
    else:
        first = f"・番号法第9条第1項、別表第1　{a.b1_old}項"
        second = f"・行政手続における特定の個人を識別するための番号の利用等に関する法律別表第１の主務省令で定める事務を定める命令{a.shorei}"
    lines = [first, second, f"・番号法第19条第{entrust_no}号（委託先への提供）"]
    if vrs and e >= 1:
        lines.append("・番号法第19条第16号（新型コロナウイルス感染症対策に係る予防接種事務におけるワクチン接種記録システムを"
                     "用いた情報提供・照会のみ）")
    return "\n".join(lines)


def linkage(a: Affair, e: int, rng: random.Random, query: bool) -> str:
    """Ⅰ 情報提供ネットワークシステムによる情報連携 ②法令上の根拠 (one direction)."""
    old = a.b2_query if query else a.b2_provide
    new = a.order_query if query else a.order_provide
    if not old:
        return "なし"
    if e == 2:
        return f"番号法第19条第8号\n{ORDER}第2条の表{_items(list(new), rng)}"
    no = "7" if e == 0 else "8"
    style = rng.random()
    if style < 0.4:
        return f"番号法第19条第{no}号　別表第二　{_items(old, rng)}"
    if style < 0.7:
        col = "第一欄（情報照会者）" if query else "第三欄（情報提供者）"
        return (f"番号法第19条第{no}号（特定個人情報の提供の制限）及び別表第二\n：{col}が「市町村長」の項のうち、"
                f"「{a.law}」に関する情報が含まれる項（{_items(old, rng, dash=rng.random() < 0.3)}）")
    shorei = "第12条の2" if a.key == "予防接種" else "第" + str(10 + len(a.key)) + "条"
    return (f"番号法第19条第{no}号　別表第2　{_items(old, rng)}\n行政手続における特定の個人を識別するための番号の利用等に"
            f"関する法律別表第2の主務省令で定める事務及び情報を定める命令　{shorei}")


def provision(a: Affair, e: int, rng: random.Random, k: int) -> str:
    """提供先 ①法令上の根拠 for the k-th recipient."""
    if e == 2:
        item = a.order_provide[k % len(a.order_provide)] if a.order_provide else "1"
        if rng.random() < 0.5:
            return f"番号法第19条第8号に基づく主務省令第2条の表{item}の項"
        return f"{ORDER}第2条の表{item}の項"
    item = a.b2_provide[k % len(a.b2_provide)] if a.b2_provide else "1"
    no = "7" if e == 0 else "8"
    style = rng.random()
    if style < 0.4:
        return f"番号法第19条第{no}号（別表第二　{item}の項）"
    if style < 0.7:
        return f"番号法別表第二　{to_full(item)}"
    return f"番号法第19条第{no}号　別表第二　{item}の項"


def transfer(a: Affair, e: int, muni: str, rng: random.Random) -> str:
    """移転先 ①法令上の根拠."""
    if rng.random() < 0.5 and a.b1_old:
        return f"番号法第9条第1項　別表第一の{a.b1_old}の項" if e < 2 else f"番号法第9条第1項　別表{a.b1_new}の項"
    return (f"番号法第9条第2項に基づく条例（{muni}行政手続における特定の個人を識別するための番号の利用等に関する"
            f"法律に基づく個人番号の利用及び特定個人情報の提供に関する条例第{rng.randint(3, 6)}条）")
