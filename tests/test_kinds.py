"""piagraph.normalize.kinds: printed names -> canonical SKOS kinds, value by value from the samples."""

from __future__ import annotations

import re
import time

import pytest

from piagraph.normalize.kinds import (
    KINDS_NS,
    KindMatch,
    kind_label,
    match_actor,
    match_any,
    match_method,
    match_system,
    normalize_label,
)
from piagraph.paths import DATA_DIR

SAMPLES = DATA_DIR / "samples"

# Every ①システムの名称 in data/samples (grep -n "システムの名称" data/samples/*), plus the names written in
# その他（…） of ③他のシステムとの接続 and in the 基礎項目評価書 list of 004.
SAMPLE_SYSTEMS = [
    ("地域健康支援システム「健康かるて」", "BusinessSystem"),  # 000
    ("MICJET番号連携サーバ", "IntegratedAddressee"),  # 000
    ("中間サーバー", "IntermediateServer"),  # 000, 002, 004
    ("ワクチン接種記録システム（VRS）", "VRS"),  # 000 (変更箇所), 002
    ("予防接種台帳システム", "BusinessSystem"),  # 002
    ("統合番号連携システム", "IntegratedAddressee"),  # 002
    ("住民基本台帳ネットワークシステム", "JukiNet"),  # 002, 004
    ("福祉保健システム", "BusinessSystem"),  # 002
    ("情報共有基盤システム", "InternalLinkage"),  # 002 (横浜市の庁内データ連携基盤)
    ("健康情報管理システム", "BusinessSystem"),  # 004
    ("ワクチン接種管理システム", "BusinessSystem"),  # 004
    ("予防接種証明書発行管理システム", "BusinessSystem"),  # 004
    ("ワクチン接種記録システム（ＶＲＳ）", "VRS"),  # 004 (全角)
    ("団体内統合宛名システム", "IntegratedAddressee"),  # 004
    ("既存住民基本台帳システム(以下「既存住基システム」という。)", "ResidentRegistry"),  # 004
    ("既存住民基本台帳システム", "ResidentRegistry"),
    ("中間サーバ", "IntermediateServer"),  # 004
    ("コンビニ交付システム", "CertificateIssuance"),  # 004
    ("健康管理システム", "BusinessSystem"),  # 003 (予防接種ファイル(健康管理システム))
    ("宛名システム等", "IntegratedAddressee"),  # checkbox label
    ("住民記録システム", "ResidentRegistry"),  # 000 別添1
    ("住民基本台帳システム", "ResidentRegistry"),  # 001
    ("既存住基システム", "ResidentRegistry"),
    ("庁内連携システム", "InternalLinkage"),
    ("府内連携システム", "InternalLinkage"),  # 001 (高槻市・大阪府内の表記)
    ("税務システム", "Tax"),
    ("個人番号カード管理システム", "IndividualNumberCard"),  # 004 その他
    ("戸籍システム", "BusinessSystem"),  # 004 その他
    ("証明書交付センター", "CertificateIssuance"),  # 004 その他
    ("証明書交付センターシステム", "CertificateIssuance"),
    ("中間サーバ（中間サーバ端末含む）", "IntermediateServer"),  # 004 その他
    ("中間サーバー・プラットフォーム", "IntermediateServer"),
    ("基盤関連システム", "BusinessSystem"),  # 002 その他
    ("既存業務システム", "BusinessSystem"),  # 002 その他
    ("情報提供ネットワークシステム", "InformationProvisionNetwork"),
    ("情報提供ネットワークシステム（インターフェイスシステム）", "InformationProvisionNetwork"),
    ("市町村ＣＳ", "JukiNet"),
    ("市町村コミュニケーションサーバ", "JukiNet"),
    ("都道府県サーバ", "JukiNet"),
    ("全国サーバ", "JukiNet"),
    ("住基ネット", "JukiNet"),
    ("統合端末", "JukiNet"),  # 004 (住基ネットの端末)
    ("都道府県の都道府県サーバ", "JukiNet"),  # 004
    ("ガバメントクラウド", "GovernmentCloud"),
    ("LGWAN", "LGWAN"),
    ("ＬＧ－ＷＡＮ回線", "LGWAN"),
    ("賦課システム", "Tax"),
]


@pytest.mark.parametrize(("name", "key"), SAMPLE_SYSTEMS)
def test_sample_system_names(name: str, key: str) -> None:
    match = match_system(name)
    assert match.key == key, match
    assert match.iri == f"{KINDS_NS}system/{key}"
    assert match.method in ("exact", "rule")
    assert match.label == kind_label(match.iri)


def _printed_system_names() -> list[str]:
    """Names printed on the same line as ①システムの名称 / ③システムの名称 in the samples."""
    names = []
    for path in sorted(SAMPLES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            found = re.search(r"システムの名称[ \t\u3000]+(\S.*)$", line)
            if found:
                names += [n.strip() for n in re.split(r"[、,]", found.group(1)) if n.strip()]
    return names


def test_every_printed_system_name_in_samples_is_known() -> None:
    names = _printed_system_names()
    assert len(names) >= 15
    known = {normalize_label(n) for n, _ in SAMPLE_SYSTEMS}
    for name in names:
        match = match_system(name)
        assert match.matched and match.key != "other", (name, match)
        assert match.method in ("exact", "rule"), (name, match)
        # ...and each is pinned to a value in SAMPLE_SYSTEMS above.
        assert normalize_label(name) in known, f"add {name!r} to SAMPLE_SYSTEMS"


def test_unseen_variants() -> None:
    # 「統合宛名管理システム」 is in no sample: reached through the 宛名 keyword or similarity.
    match = match_system("統合宛名管理システム")
    assert match.key == "IntegratedAddressee" and match.method in ("rule", "fuzzy")
    # Misspellings reach their kind by similarity only.
    for name, key in (("情報提供ネットワクシステム", "InformationProvisionNetwork"),
                      ("団体内統合宛命システム", "IntegratedAddressee"),
                      ("ワクチン接種記緑システム", "VRS"),
                      ("ガバメントクラウト", "GovernmentCloud")):
        match = match_system(name)
        assert (match.key, match.method) == (key, "fuzzy"), (name, match)
        assert 0.8 <= match.score < 1.0
    # An unknown local system is a business system (weak rule).
    assert match_system("新マイナンバー管理システム").key == "BusinessSystem"
    assert match_system("予防接種台帳管理システム").key == "BusinessSystem"
    assert match_system("電子申請・届出システム").key == "BusinessSystem"


def test_nonsense_is_other() -> None:
    for name in ("あいうえお", "xyzzy", "", "   "):
        match = match_system(name)
        assert (match.key, match.method, match.score) == ("other", "none", 0.0), match
        assert not match.matched
        assert match.iri == f"{KINDS_NS}system/other"


def test_normalisation() -> None:
    assert normalize_label("ワクチン接種記録システム（ＶＲＳ）") == "ワクチン接種記録システム(vrs)"
    assert normalize_label("中間サーバー ・ プラットフォーム") == normalize_label("中間サーバ・プラットフォーム")
    assert normalize_label("地域健康支援システム「健康かるて」").endswith("「健康かるて」")
    assert normalize_label("・ 宛名システム等") == "宛名システム等"
    assert match_system("　中間\nサーバー ").key == "IntermediateServer"  # spaces and a line wrap


def test_affair_resolves_generic_names() -> None:
    assert match_system("既存システム", "住民基本台帳に関する事務").key == "ResidentRegistry"
    assert match_system("既存システム", "個人住民税の賦課に関する事務").key == "Tax"
    assert match_system("既存システム", "予防接種に関する事務").key == "BusinessSystem"
    assert match_system("既存システム").key == "BusinessSystem"


SAMPLE_ACTORS = [
    ("都道府県知事又は市町村長", "LocalGovernment"),  # 002 提供先1 (either of two kinds: the broader one)
    ("厚生労働大臣", "NationalAgency"),
    ("厚生労働省", "NationalAgency"),
    ("本人又は本人の代理人", "Resident"),  # 入手元 checkbox
    ("評価実施機関内の他部署", "OtherDepartment"),
    ("行政機関・独立行政法人等", "NationalAgency"),
    ("地方公共団体・地方独立行政法人", "LocalGovernment"),
    ("民間事業者", "Contractor"),
    ("都道府県知事", "PrefecturalGovernor"),  # 000 提供先2
    ("大阪府知事", "PrefecturalGovernor"),  # 004 提供先1
    ("市区町村長", "MunicipalityHead"),  # 000 提供先1
    ("市町村長", "MunicipalityHead"),  # 001
    ("転出元市区町村", "MunicipalityHead"),
    ("地方公共団体情報システム機構", "JLIS"),  # 004 提供先1
    ("医療機関", "MedicalInstitution"),  # 002 入手元 その他
    ("医師会", "MedicalInstitution"),
    ("株式会社ミラボ", "Contractor"),  # 002/004 ⑥委託先名
    ("日本コンピューター株式会社", "Contractor"),
    ("(株)TKC", "Contractor"),  # 003
    ("株式会社　日立製作所　関西支社", "Contractor"),  # 004
    ("番号法別表第１に定める事務実施所管課（別紙２参照）", "OtherDepartment"),  # 004 移転先1
    ("市民課", "OtherDepartment"),
    ("健康増進課", "OtherDepartment"),
    ("自部署", "EvaluatingBody"),  # 004 その他
    ("本人", "Resident"),
    ("住民", "Resident"),
    ("保護者", "Resident"),
    ("デジタル庁", "NationalAgency"),
    ("内閣府", "NationalAgency"),
    ("個人情報保護審議会", "Council"),
    ("高槻市個人情報保護運営審議会", "Council"),
    ("横浜市予防接種事故対策調査会", "Council"),  # 002
    ("他市区町村", "MunicipalityHead"),  # 000
    ("本市", "EvaluatingBody"),
]


@pytest.mark.parametrize(("name", "key"), SAMPLE_ACTORS)
def test_sample_actor_names(name: str, key: str) -> None:
    match = match_actor(name)
    assert match.key == key, match
    assert match.iri == f"{KINDS_NS}actor/{key}"
    assert match.matched


def test_actor_hierarchy_and_other() -> None:
    assert match_actor("ほげほげ").key == "other"
    assert not match_actor("ほげほげ").matched
    assert kind_label(f"{KINDS_NS}actor/LocalGovernment") == "地方公共団体・地方独立行政法人"


SAMPLE_METHODS = [
    ("紙", "Paper"),
    ("電子記録媒体（フラッシュメモリを除く。）", "ElectronicMedia"),
    ("電子記録媒体(フラッシュメモリを除く。)", "ElectronicMedia"),
    ("フラッシュメモリ", "FlashMemory"),
    ("電子メール", "Email"),
    ("専用線", "LeasedLine"),
    ("庁内連携システム", "InternalLinkageSystem"),
    ("府内連携システム", "InternalLinkageSystem"),
    ("情報提供ネットワークシステム", "InformationProvisionNetwork"),
    ("その他", "Other"),
    ("その他（住民基本台帳ネットワークシステム、ワクチン接種記録システム（VRS））", "Other"),
    ("住民基本台帳ネットワークシステム", "Other"),  # a system written inside その他（…）
    ("ＬＧ－ＷＡＮ回線", "Other"),
]


@pytest.mark.parametrize(("label", "key"), SAMPLE_METHODS)
def test_methods(label: str, key: str) -> None:
    match = match_method(label)
    assert match.key == key, match
    assert match.iri == f"{KINDS_NS}method/{key}"
    assert match.matched


def test_unknown_method_is_other_none() -> None:
    match = match_method("伝書鳩")
    assert (match.key, match.method) == ("Other", "none")


def test_match_any() -> None:
    assert match_any("中間サーバー").iri == f"{KINDS_NS}system/IntermediateServer"
    assert match_any("ワクチン接種記録システム（VRS）").iri == f"{KINDS_NS}system/VRS"
    assert match_any("医療機関").iri == f"{KINDS_NS}actor/MedicalInstitution"
    assert match_any("厚生労働大臣").iri == f"{KINDS_NS}actor/NationalAgency"
    assert match_any("本人又は本人の代理人").iri == f"{KINDS_NS}actor/Resident"
    assert match_any("健康増進課").iri == f"{KINDS_NS}actor/OtherDepartment"
    assert not match_any("あいうえお").matched


def test_kind_match_is_frozen() -> None:
    match = match_system("中間サーバー")
    assert isinstance(match, KindMatch)
    with pytest.raises(AttributeError):
        match.key = "x"  # type: ignore[misc]


def test_fast_on_thousands_of_names() -> None:
    names = [f"テスト業務{i}管理システム" for i in range(2000)] + [f"謎の相手{i}" for i in range(2000)]
    start = time.perf_counter()
    for name in names:
        match_any(name)
    uncached = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(5):
        for name in names:
            match_any(name)
    cached = time.perf_counter() - start
    assert uncached < 10.0, uncached
    assert cached < 1.0, cached
