"""Ⅱ3 入手・使用 (parse_acquisition), value by value against the samples.

Expected values were read off the sample files by eye (line numbers in the comments)."""

from __future__ import annotations

from pathlib import Path

import pytest
from permute import permute_blocks
from test_parse_basic import S000, S002, S003, S004, parse_path, parsed, warned

from piagraph.model import Assessment, Flow
from piagraph.normalize.text import squash


def flows(assessment: Assessment, file_name: str) -> list[Flow]:
    return [f for f in assessment.flows if f.kind == "Acquisition" and f.file_name == file_name]


def file_facts(assessment: Assessment, name: str) -> dict[str, str]:
    file = next(f for f in assessment.files if f.name == name)
    return {k: (v.normalized or squash(v.value)) for k, v in file.facts.items()}


def test_000_acquisition() -> None:
    a = parsed(S000)[0]
    (flow,) = flows(a, "予防接種情報ファイル")
    # l.408 「[ ○ ] 評価実施機関内の他部署 （ ）」: the only source whose mark stayed with its label.
    assert (flow.source, flow.title, flow.recipient) == ("評価実施機関内の他部署", "評価実施機関内の他部署", None)
    # l.398 「… ○ ] 紙 [」; the other method marks are split from their labels (l.467-469).
    assert flow.methods == ["紙"]
    assert flow.information == "予防接種情報ファイル" and flow.frequency is None  # 重点: no 時期・頻度
    assert flow.carries_personal_number is None
    assert warned(a, "①入手元: marks not readable for 本人又は本人の代理人")
    assert warned(a, "②入手方法: marks not readable")


def test_000_use() -> None:
    got = file_facts(parsed(S000)[0], "予防接種情報ファイル")
    assert got["use_purpose"].startswith("予防接種の実施にあたり対象者の資格確認を行い")  # l.440
    assert got["use_department"] == "福祉部健幸保健課"  # l.414
    assert got["user_count"] == "10人以上50人未満"  # l.457
    assert got["use_method"].startswith("1.年齢や接種履歴により対象者を抽出")  # l.495
    assert got["data_matching"].startswith("・接種医療機関から回送された予診票に記載の接種券番号")  # l.452
    assert got["use_start"] == "2021-04-01"  # l.448


def test_002_first_file() -> None:
    a = parsed(S002)[0]
    got = {f.title: f for f in flows(a, "予防接種対象者関係情報ファイル")}
    # l.707, l.709 with its parenthesis printed apart (l.699), l.711, and l.688 「○ ] 地方公共団体…」
    assert set(got) == {"本人又は本人の代理人", "評価実施機関内の他部署(市民局窓口サービス課)", "その他(医療機関)",
                        "地方公共団体・地方独立行政法人"}
    assert got["評価実施機関内の他部署(市民局窓口サービス課)"].source == "市民局窓口サービス課"
    assert got["その他(医療機関)"].source == "医療機関"
    flow = got["本人又は本人の代理人"]
    assert set(flow.methods) == {"紙", "庁内連携システム", "情報提供ネットワークシステム"}  # l.684, 686, 695
    assert flow.carries_personal_number is True  # via 情報提供ネットワークシステム
    assert flow.frequency is not None and flow.frequency.startswith("◎住民登録内の者の分")  # l.670
    facts = file_facts(a, "予防接種対象者関係情報ファイル")
    assert facts["use_purpose"] == "対象者の資格管理、接種記録の管理・保管に係る事務を適正かつ公正に行うため"  # l.662
    assert facts["use_department"] == "医療局健康安全部健康安全課"  # l.641
    assert facts["user_count"] == "10人未満"  # l.647
    assert facts["use_start"] == "2016-04-01"  # l.721
    assert facts["data_matching"].startswith("・予診票に記入された住所、氏名、生年月日等と突合")  # l.723


def test_002_second_file() -> None:
    a = parsed(S002)[0]
    got = {f.source: f for f in flows(a, "統合番号連携ファイル")}
    # l.1507 with 「（ 市民局窓口サービス課」 apart (l.1519); l.1509-1511 その他 over three lines
    assert set(got) == {"市民局窓口サービス課", "地方公共団体情報システム機構が管理する住民基本台帳ネットワークシステム"}
    assert set(got["市民局窓口サービス課"].methods) == {"紙", "その他"}  # l.1580, l.1582
    facts = file_facts(a, "統合番号連携ファイル")
    assert facts["user_count"] == "50人以上100人未満"  # l.1591
    assert facts["use_department"] == "医療局健康安全課、各区役所福祉保健センター福祉保健課"  # l.1589


def test_003_methods_without_source() -> None:
    a = parsed(S003)[0]
    # l.70: every 入手元 box unchecked; l.71: only 庁内連携システム checked.
    (flow,) = flows(a, "予防接種ファイル")
    assert flow.methods == ["庁内連携システム"] and flow.source is None
    assert warned(a, "①入手元: no checked box")
    facts = file_facts(a, "予防接種ファイル")
    assert facts["use_purpose"] == "予防接種に関する事務、および必要な記録の作成"  # l.72
    assert facts["use_department"] == "健康増進課"  # l.73
    assert facts["user_count"] == "50人以上100人未満"  # l.74
    assert facts["use_start"] == "2021-04-01"  # l.81


def test_004_vaccination() -> None:
    a = parsed(S004)[2]
    got = {f.title: f for f in flows(a, "予防接種情報ファイル")}
    # l.1061 + 「（ 市民課、市民税課」 (l.1068), l.1066 + 「（ 他市区町村 ）」 (l.1120), l.1063
    assert set(got) == {"評価実施機関内の他部署(市民課、市民税課)", "地方公共団体・地方独立行政法人(他市区町村)",
                        "その他(ワクチン接種記録システム(VRS))"}
    flow = got["その他(ワクチン接種記録システム(VRS))"]
    assert {"紙", "その他"} <= set(flow.methods)  # l.1136, l.1138
    assert flow.frequency is not None and "日次" in flow.frequency  # l.1087
    facts = file_facts(a, "予防接種情報ファイル")
    assert facts["user_count"] == "50人以上100人未満"  # l.1149
    assert facts["use_start"] == "2021-06-08"  # l.1173
    assert facts["use_department"].count("、") == 2  # l.1145-1147


def test_004_resident_registry() -> None:
    a = parsed(S004)[5]
    assert {f.source for f in flows(a, "住民基本台帳ファイル")} == {"地方公共団体情報システム機構", "市町村"}
    assert {f.source for f in flows(a, "本人確認情報ファイル")} == {"市町村", "自部署"}  # l.6828, l.6851
    assert {f.source for f in flows(a, "送付先情報ファイル")} == {"市町村", "自部署"}  # l.7244, l.7267
    facts = file_facts(a, "住民基本台帳ファイル")
    assert facts["use_department"] == "市民生活環境部市民課(各支所を含む)"  # l.6131
    assert facts["user_count"] == "100人以上500人未満"  # l.6133


@pytest.mark.parametrize("path", [S000, S003], ids=["000", "003"])
@pytest.mark.parametrize("seed", [5, 8])
def test_permuted_blocks_give_the_same_acquisitions(path: Path, seed: int, tmp_path: Path) -> None:
    permuted = tmp_path / path.name
    permuted.write_text(permute_blocks(path.read_text(encoding="utf-8"), seed), encoding="utf-8")

    def sets(assessments: dict) -> list[set]:
        return [{(f.file_name, f.source, tuple(sorted(f.methods))) for f in a.flows if f.kind == "Acquisition"}
                for a in assessments.values()]

    assert sets(parse_path(permuted)) == sets(parsed(path))
