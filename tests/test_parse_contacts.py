"""Ⅳ/Ⅴ 開示請求・問合せ and 評価実施手続, checked value by value against what the samples print."""

from __future__ import annotations

import pytest

from piagraph.model import Assessment
from tests.test_parse_risks import IIZUKA, TAKATSUKI, TOCHIGI, YOKOHAMA, assessments, shuffled


def contacts(assessment: Assessment, role: str) -> list[tuple[str | None, str | None, str | None]]:
    return [(c.department, c.address, c.phone) for c in assessment.contacts if c.role == role]


def test_iizuka_contacts_and_procedures() -> None:
    (doc,) = assessments(IIZUKA)
    assert contacts(doc, "開示請求") == [("総務部 総務課", "飯塚市新立岩5番5号", "0948-22-5500")]
    assert contacts(doc, "問合せ") == [("福祉部 健幸保健課", "飯塚市忠隈523番地", "0948-96-8615")]
    # The 変更箇所 lists the former 問合せ (市民協働部 感染症対策室, 0948-22-0380): history, not a contact.
    assert all(c.phone != "0948-22-0380" for c in doc.contacts)
    assert doc.fact("disclosure_request_method") == "本人確認書類の提示及び指定様式による請求書の提出により請求する。"
    assert doc.fact("inquiry_handling") == "対応の受付日時及びその対応等について記録を残す。"
    assert doc.fact("threshold_result") == "基礎項目評価及び重点項目評価の実施が義務付けられる"
    assert doc.fact("basic_assessment_date") == "2023-03-01"
    assert doc.facts["basic_assessment_date"].value == "令和5年3月1日"
    # 意見の聴取 and 第三者点検 are 【任意】 and answered 「－」.
    for key in ("public_comment", "third_party_review", "third_party_review_date"):
        assert key not in doc.facts


def test_tochigi_table_layout() -> None:
    (doc,) = assessments(TOCHIGI)
    expected = [("栃木市役所 保健福祉部 健康増進課", "栃木県栃木市今泉町2丁目1番40号", "0282-25-3512")]
    assert contacts(doc, "開示請求") == expected
    assert contacts(doc, "問合せ") == expected
    assert doc.fact("threshold_result") == "基礎項目評価及び重点項目評価の実施が義務付けられる"
    assert doc.fact("basic_assessment_date") == "2024-03-01"
    assert doc.fact("inquiry_handling") == "問合せ受付時に、受付票を起票し、対応について記録を残す。"
    assert "third_party_review" not in doc.facts and "public_comment" not in doc.facts


def test_yokohama_contacts_and_procedures() -> None:
    (doc,) = assessments(YOKOHAMA)
    assert contacts(doc, "問合せ") == [("医療局健康安全部健康安全課 予防接種担当", "〒231-0005 横浜市中区本町6-50-10",
                                     "045-671-4190")]
    requests = contacts(doc, "開示請求")
    assert len(requests) == 19  # 市民局市民情報課 and the 18 区役所
    assert requests[0] == ("横浜市役所 市民局市民情報課", "231-0005 横浜市中区本町6-50-10", "045-671-3882")
    assert requests[-1] == ("瀬谷区役所 区政推進課広報相談係", "246-0021 横浜市瀬谷区二ッ橋町190", "045-367-5635")
    # 市民情報センター is the 公表場所 of the 個人情報ファイル簿: not placed, and said so.
    assert all(phone != "045-671-3900" for _, _, phone in requests)
    assert any("市民情報センター" in w.message for w in doc.warnings)
    assert doc.fact("threshold_result") == "基礎項目評価及び全項目評価の実施が義務付けられる"
    assert doc.fact("basic_assessment_date") == "2023-08-04"
    assert doc.fact("public_comment_period") == "2023-04-10/2023-05-10"
    assert doc.facts["public_comment_method"].value.startswith("評価書を本市Webページにて掲載")
    assert "令和5年4月10日から令和5年5月10日まで" in doc.facts["public_comment"].value
    assert doc.fact("public_comment_opinions") == "評価書の修正に係る意見の提出はありませんでした。"
    assert doc.fact("third_party_review_date") == "2023-05-31"
    assert doc.fact("third_party_review_method") == "横浜市個人情報保護審議会で審議"
    assert "横浜市個人情報保護審議会" in doc.facts["third_party_review"].value


def test_takatsuki_vaccination() -> None:
    vaccination = assessments(TAKATSUKI)[0]
    assert contacts(vaccination, "開示請求") == [
        ("高槻市総務部法務ガバナンス室", "〒569-0067 大阪府高槻市桃園町2番1号", "072-674-7322")]
    # ①連絡先 stands alone; its three offices follow as separate boxes. Fax numbers are not phones.
    assert contacts(vaccination, "問合せ") == [
        ("高槻市 健康福祉部 保健所 健康づくり推進課 新型コロナワクチン接種対策チーム", "〒569-0067 高槻市桃園町2番1号",
         "0120-090-555"),
        ("高槻市 健康福祉部 保健所 保健予防課", "〒569-0052 高槻市城東町5番7号", "072-661-9332"),
        ("高槻市 子ども未来部 子ども保健課", "〒569-0096 高槻市八丁畷町12番5号", "072-648-3272"),
    ]
    assert vaccination.fact("threshold_result") == "基礎項目評価及び全項目評価の実施が義務付けられる"
    assert vaccination.fact("basic_assessment_date") == "2021-08-23"
    assert vaccination.fact("public_comment_period") == "2022-09-20/2022-10-19"
    assert "パブリックコメント" in vaccination.facts["public_comment_method"].value
    # 第三者点検 by the council, planned for 令和4年12月 (no day printed): kept as a year-month.
    assert vaccination.facts["third_party_review_date"].value == "令和4年12月(予定)"
    assert vaccination.fact("third_party_review_date") == "2022-12"
    assert vaccination.fact("third_party_review_method") == "高槻市個人情報保護運営審議会による点検"


def test_takatsuki_basic_assessment() -> None:
    basic = assessments(TAKATSUKI)[1]
    assert contacts(basic, "問合せ") == [("高槻市 市民生活環境部 市民課", "〒569-8501 高槻市桃園町2番1号", "072-674-7067")]
    assert contacts(basic, "開示請求") == [
        ("高槻市 総務部 法務ガバナンス室", "〒569-8501 高槻市桃園町2番1号", "072-674-7322")]
    assert basic.fact("threshold_result") == "基礎項目評価及び全項目評価の実施が義務付けられる"


def test_takatsuki_resident_register() -> None:
    resident = assessments(TAKATSUKI)[2]
    office = [("高槻市 総務部 法務ガバナンス室", "〒569-8501 高槻市桃園町2番1号", "072-674-7322")]
    assert contacts(resident, "開示請求") == office
    assert contacts(resident, "問合せ") == office
    assert any(w.line == 9572 and "not placed" in w.message for w in resident.warnings)  # 公表場所
    assert resident.fact("basic_assessment_date") == "2022-10-03"
    assert resident.fact("public_comment_period") == "2022-10-03/2022-11-02"
    assert resident.fact("third_party_review_date") == "2022-12"
    assert resident.facts["third_party_review_method"].value == "高槻市個人情報保護運営審議会に諮問し、点検を実施する。(予定)"
    # The 変更箇所 after Ⅵ (変更日 令和4年7月8日 …) is not taken for a date of the procedures.
    assert all("2022-07-08" not in (f.normalized or "") for f in resident.facts.values())


PERMUTATIONS = [(name, seed) for name in (IIZUKA, TOCHIGI) for seed in (1, 2, 3)] + [(YOKOHAMA, 1), (YOKOHAMA, 2),
                                                                                   (TAKATSUKI, 1)]


@pytest.mark.parametrize(("name", "seed"), PERMUTATIONS)
def test_block_permutation_keeps_contacts(name: str, seed: int) -> None:
    for before, after in zip(assessments(name), shuffled(name, seed), strict=True):
        for role in ("開示請求", "問合せ"):
            if name == YOKOHAMA and role == "開示請求":
                # ①請求先 stands alone with two candidate boxes (its office list and the 公表場所): the
                # nearest one wins, so only their presence is stable.
                assert contacts(after, role)
                continue
            if name == TAKATSUKI and before.kind == "全項目" and role == "問合せ" and before.line_start < 5000:
                assert contacts(after, role)  # three separate boxes for one bare label
                continue
            assert set(contacts(after, role)) == set(contacts(before, role))
        for key in ("threshold_result", "basic_assessment_date"):
            assert after.fact(key) == before.fact(key)
        if name != TAKATSUKI:  # real pages: the procedures' boxes stay on their page
            for key in ("third_party_review_date", "public_comment_period"):
                assert after.fact(key) == before.fact(key)
