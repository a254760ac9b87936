"""Ⅱ5 提供・移転: every 提供先/移転先 checked value by value against what the samples print.

Expected values were read from data/samples by eye (line numbers in the comments).
"""

from __future__ import annotations

import pytest

from piagraph.model import Assessment, Flow
from piagraph.parse.slots import looks_like_recipient
from tests.test_parse_entrustment import (
    IIZUKA,
    KUMAGAYA,
    TAKATSUKI,
    TOCHIGI,
    YOKOHAMA,
    permuted_sample,
    sample,
    seeds,
    warned,
)

NETWORK = "情報提供ネットワークシステム"


def flows_of(assessment: Assessment, kind: str, file_name: str | None = None) -> dict[int, Flow]:
    found = [f for f in assessment.flows if f.kind == kind and (file_name is None or f.file_name == file_name)]
    by_ordinal = {f.ordinal: f for f in found}
    assert len(by_ordinal) == len(found), "one flow per slot and file"
    return by_ordinal  # type: ignore[return-value]


def test_recipient_boxes() -> None:
    assert looks_like_recipient("市区町村長（別表第2の16の2）、都道府県知事（別表第2の16の3）")
    assert looks_like_recipient("大阪府及び地方公共団体情報システム機構")
    assert not looks_like_recipient("予防接種法による予防接種の対象者")
    assert not looks_like_recipient("医療局健康安全部健康安全課")


# -- 000 飯塚市 重点: two 提供先 on one scrambled page (589-737) -------------------------------------------
def test_iizuka_provisions() -> None:
    (assessment,) = sample(IIZUKA)
    provided = flows_of(assessment, "Provision")
    assert not flows_of(assessment, "Transfer")  # 移転先1 (591) is an empty slot
    assert {n: f.recipient for n, f in provided.items()} == {1: "市区町村長", 2: "都道府県知事"}  # 660, 612
    assert provided[1].title == "市区町村長 提供先1"  # the recipient printed before the heading
    assert provided[1].evidence.line_start == 660 and provided[2].evidence.line_start == 612
    # Two ①法令上の根拠 with values (625, 642); the change log (1896-1920) confirms the pairing:
    # 提供先1 16の2 → 表25の項, 提供先2 16の3 → 表26の項.
    assert [r.raw for r in provided[1].legal_basis] == ["番号法第19条第8号に基づく主務省令第2条の表25の項"]
    assert [r.raw for r in provided[2].legal_basis] == ["番号法第19条第8号に基づく主務省令第2条の表26の項"]
    assert all(r.role == "basis" for f in provided.values() for r in f.legal_basis)
    assert provided[1].field_evidence["legal_basis"].line_start == 642
    # The one 「[ ○ ] 情報提供ネットワークシステム」 box (729) whose mark kept its label.
    assert provided[1].methods == [NETWORK]
    assert provided[2].methods == []
    assert warned(assessment, "提供先", "情報提供ネットワークシステム", "not reported as checked") or warned(
        assessment, "提供方法", "not reported as checked")
    assert provided[1].frequency == "情報提供ネットワークシステムを通じて特定個人情報の照会を受けた都度"  # 664
    assert {f.subject_count for f in provided.values()} == {"1万人以上10万人未満"}  # 589, 706
    assert all(f.carries_personal_number is True for f in provided.values())
    assert all(f.file_name == "予防接種情報ファイル" and f.source is None for f in provided.values())
    # Several 提供先 on one page: the pairing of fields is positional and said so.
    assert warned(assessment, "several 提供先/移転先 share this page")
    # 提供・移転の有無 (597): every mark is split from its label in this text.
    assert "provision" not in assessment.facts
    assert warned(assessment, "提供・移転の有無", "提供を行っている")


# -- 002 横浜市 全項目 ----------------------------------------------------------------------------------
def test_yokohama_provision() -> None:
    (assessment,) = sample(YOKOHAMA)
    provided = flows_of(assessment, "Provision")
    assert list(provided) == [1]
    assert not flows_of(assessment, "Transfer")  # 「[ ] 移転を行っている」 1235, 移転先1 (1336) empty
    flow = provided[1]
    assert flow.recipient == "都道府県知事又は市町村長"  # 1231
    assert flow.file_name == "予防接種対象者関係情報ファイル"
    assert [r.raw for r in flow.legal_basis] == ["番号法別表第二 16の2、16の3"]  # 1233
    assert flow.purpose == "予防接種法による予防接種の実施に関する事務であって主務省令で定めるもの"  # 1217
    assert flow.information == "予防接種履歴"  # 1219
    assert flow.subject_count == "10万人以上100万人未満"  # 1221 label, 1227 answer
    assert flow.subject_scope == "定期予防接種の接種履歴がある他市町村への転出者"  # 1201 label, 1204 value
    assert flow.methods == [NETWORK]  # 1208
    assert flow.frequency == "情報提供ネットワークシステムを通じて依頼のあった都度"  # 1189
    assert flow.carries_personal_number is True
    assert flow.field_evidence["methods"].quote.startswith("⑥提供方法")
    facts = assessment.facts
    assert facts["provision[予防接種対象者関係情報ファイル]"].normalized == "yes"  # 1240 [ ○ ]
    assert facts["provision_count[予防接種対象者関係情報ファイル]"].normalized == "1"
    assert facts["transfer[予防接種対象者関係情報ファイル]"].normalized == "no"  # 1235 [ ]
    # The second file provides nothing: 「[ ] 提供を行っている （ ） 件」 2616, empty 提供先1 2643.
    assert facts["provision[統合番号連携ファイル]"].normalized == "no"
    assert not [f for f in assessment.flows if f.kind != "Entrustment" and f.file_name == "統合番号連携ファイル"]


# -- 003 栃木市 重点 (table rows): 「[○] 行っていない」 ----------------------------------------------------
def test_tochigi_none() -> None:
    (assessment,) = sample(TOCHIGI)
    assert not [f for f in assessment.flows if f.kind in ("Provision", "Transfer")]  # 提供先1 (99) empty
    assert assessment.facts["provision"].normalized == "no"  # 98
    assert assessment.facts["transfer"].normalized == "no"
    assert "行っていない" in assessment.facts["transfer"].evidence.quote


# -- 004 高槻市 -----------------------------------------------------------------------------------------
def test_takatsuki_vaccination() -> None:
    assessment = {a.document_index: a for a in sample(TAKATSUKI)}[2]
    provided = flows_of(assessment, "Provision")
    assert list(provided) == [1, 2]  # 「[ ○ ] 提供を行っている （ 2 ） 件」 1520
    assert not flows_of(assessment, "Transfer")
    first, second = provided[1], provided[2]
    # The headings (1557, 1636) print no recipient; the recipient boxes are 1532-1533 and 1574.
    assert first.recipient == "市区町村長(別表第2の16の2)、都道府県知事(別表第2の16の3)、市区町村長(別表第2の115の2)"
    assert second.recipient == "市区町村"
    assert [r.raw for r in first.legal_basis] == ["番号法第19条第8号"]  # 1535
    assert [r.raw for r in second.legal_basis] == ["番号法第19条第16号"]  # 1576
    assert first.purpose == "予防接種事務"  # 1537
    assert second.purpose == "新型コロナウイルス感染症対策に係る予防接種事務"  # 1559
    assert second.information == "市区町村コード及び転入者の個人番号(本人から同意が得られた場合のみ)"  # 1561
    assert first.methods == [NETWORK]  # 1551
    assert second.methods == ["その他"] and second.other_methods == ["ワクチン接種記録システム(VRS)"]  # 1606
    assert second.frequency == "本市への転入者について、転出元市区町村へ接種記録の照会を行う必要が生じた都度"  # 1608
    assert first.carries_personal_number is True and second.carries_personal_number is True
    assert assessment.facts["provision_count"].normalized == "2"


def test_takatsuki_resident_register() -> None:
    assessment = {a.document_index: a for a in sample(TAKATSUKI)}[5]
    register, confirmation, addresses = "住民基本台帳ファイル", "本人確認情報ファイル", "送付先情報ファイル"
    provided = flows_of(assessment, "Provision", register)
    moved = flows_of(assessment, "Transfer", register)
    assert list(provided) == [1] and list(moved) == [1]  # the other 57 / 46 are listed in 別紙1 / 別紙2
    assert provided[1].recipient == "番号法別表第2(第19条関係)に定める情報照会者(別紙1参照)"  # 6558
    assert [r.raw for r in provided[1].legal_basis] == ["番号法別表第2の各項"]  # 6560
    assert provided[1].methods == [NETWORK]  # 6576
    assert moved[1].recipient == "番号法別表第1に定める事務実施所管課(別紙2参照)"  # 6535
    assert moved[1].methods == ["庁内連携システム"]  # 6524
    assert moved[1].information == "住所、氏名、生年月日、性別、世帯情報等"  # 6530
    assert moved[1].carries_personal_number is None  # nothing in the text says so
    facts = assessment.facts
    assert facts[f"provision_count[{register}]"].normalized == "58"  # 6591
    assert facts[f"transfer_count[{register}]"].normalized == "47"  # 6584
    by_file = flows_of(assessment, "Provision", confirmation)
    assert {n: f.recipient for n, f in by_file.items()} == {
        1: "大阪府知事", 2: "大阪府及び地方公共団体情報システム機構"}  # 7044, 6990
    assert [r.raw for r in by_file[2].legal_basis] == ["住基法第14条(住民基本台帳の正確な記録を確保するための措置)"]
    assert all("住民基本台帳ネットワークシステム" in f.other_methods for f in by_file.values())  # 6950, 6996
    assert all(f.carries_personal_number is True for f in by_file.values())  # ③ lists 個人番号
    last = flows_of(assessment, "Provision", addresses)
    assert {n: f.recipient for n, f in last.items()} == {1: "地方公共団体情報システム機構"}  # 7448


def test_change_log_mentions_are_not_slots() -> None:
    # 000 quotes 「提供先1」 and 「提供先2」 in its 変更箇所 (1900, 1913); 001 is a change log only.
    (iizuka,) = sample(IIZUKA)
    assert all(f.evidence.line_start < 1000 for f in iizuka.flows)
    assert all(not a.flows for a in sample(KUMAGAYA))


# -- order of text boxes ------------------------------------------------------------------------------
def recipients(assessments: tuple[Assessment, ...], inline_only: bool = False) -> list[list[tuple[str, str | None]]]:
    out = []
    for assessment in assessments:
        flows = [f for f in assessment.flows if f.kind in ("Provision", "Transfer")]
        if inline_only:  # recipients printed on their heading line
            flows = [f for f in flows if f.recipient and f.title and f.recipient in f.title]
        out.append(sorted((f.kind, f.recipient) for f in flows))
    return out


@pytest.mark.parametrize("name", [IIZUKA, YOKOHAMA, TOCHIGI])
def test_recipients_do_not_depend_on_box_order(name: str) -> None:
    expected = recipients(sample(name))
    for seed in seeds(name):
        assert recipients(permuted_sample(name, seed)) == expected, f"seed {seed}"


def test_recipients_on_headings_survive_box_order_in_run_together_pages() -> None:
    """004 lost its page breaks (one "page" of 2,800 lines): a recipient printed apart from its
    heading can only be paired by position there, so only heading-line recipients must hold."""
    expected = recipients(sample(TAKATSUKI), inline_only=True)
    assert sum(len(found) for found in expected) == 4  # 住基: 7044, 6990, 7448 and 移転先1 6535
    for seed in seeds(TAKATSUKI):
        assert recipients(permuted_sample(TAKATSUKI, seed), inline_only=True) == expected, f"seed {seed}"
