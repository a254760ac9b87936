"""答申 and 諮問 documents of seed 004 (高槻市), value by value as the letters print them."""

from __future__ import annotations

import pytest

from piagraph.model import CouncilReview
from piagraph.normalize.text import nfkc
from piagraph.parse.council import parse_council
from piagraph.parse.doctext import DocText
from piagraph.read import read_path, split_documents
from tests.conftest import sample_path
from tests.permute import permute_blocks


def reviews_of(path: str) -> list[CouncilReview]:
    """Only the council parser, on the council documents of a file."""
    out = []
    for span in split_documents(read_path(path)):
        if span.family not in ("answer", "consultation"):
            continue
        review = CouncilReview(span.source.path, span.index, span.line_start, span.line_end,
                               doc_type="答申" if span.family == "answer" else "諮問")
        doc = DocText(span)
        parse_council(doc, review)
        review.warnings.extend(doc.warnings)
        out.append(review)
    return out


@pytest.fixture(scope="module")
def reviews() -> list[CouncilReview]:
    return reviews_of(str(sample_path("takatsuki")))


def values(review: CouncilReview, *keys: str) -> dict[str, str | None]:
    return {k: review.fact(k) for k in keys}


def test_three_council_documents(reviews: list[CouncilReview]) -> None:
    assert [(r.doc_type, r.line_start) for r in reviews] == [("答申", 1), ("諮問", 152), ("諮問", 4663)]


def test_answer_facts(reviews: list[CouncilReview]) -> None:
    answer = reviews[0]
    assert values(answer, "council", "municipality", "number", "consultation_ref", "consultation_date", "subject",
                  "ordinance_basis", "affair", "department", "external_recipient", "contractor",
                  "deliberated_on", "decision") == {
        "council": "高槻市個人情報保護運営審議会",
        "municipality": "高槻市",
        "number": nfkc("令和４年度答申第３号"),
        "consultation_ref": nfkc("令和４年１０月１３日付け高健予第２３８７号"),
        "consultation_date": "2022-10-13",
        "subject": "新型コロナウイルス感染症の抗体保有率疫学調査に必要となる対象者リストの外部提供について",
        "ordinance_basis": nfkc("高槻市個人情報保護条例第１０条第２項第５号"),
        "affair": "新型コロナウイルス感染症対策事業",
        "department": "健康福祉部 保健所 保健予防課",
        "external_recipient": "厚生労働省 健康局 結核感染症課",
        "contractor": "株式会社サーベイリサーチセンター",
        "deliberated_on": "2022-10-21",
        "decision": "承認",
    }
    evidence = {k: answer.facts[k].evidence.line_start for k in ("number", "subject", "external_recipient",
                                                                  "contractor", "deliberated_on", "decision")}
    assert evidence == {"number": 2, "subject": 22, "external_recipient": 33, "contractor": 33,
                        "deliberated_on": 38, "decision": 40}
    assert answer.facts["contractor"].evidence.line_end == 36


def test_answer_blank_date_uses_deliberation_date(reviews: list[CouncilReview]) -> None:
    answer = reviews[0]
    # 「令 和 ４ 年  月  日」 (line 4) is blank: the 答申 is dated by its 審議日 and says so.
    assert answer.fact("date") == "2022-10-21" and answer.facts["date"].value == "令和4年10月21日"
    assert answer.fact("date_basis") == "審議日"
    assert answer.facts["date_blank"].evidence.line_start == 4
    assert any("blank" in w.message and w.line == 4 for w in answer.warnings)


def test_answer_conditions(reviews: list[CouncilReview]) -> None:
    conditions = reviews[0].conditions
    assert [c.normalized for c in conditions] == ["(1)", "(2)", "(3)", "(4)"] + [f"(5){n}" for n in "①②③④⑤⑥⑦"]
    assert conditions[0].value == "本件における管理責任者を保健予防課長と定め、業務担当者を指名して限定すること"
    assert conditions[1].value == nfkc("対象者リストは暗号化及びパスワード設定を施した上でＣＤに保存して、"
                                       "パスワードは受託事業者に電子メールで別途送付すること")
    assert conditions[4].value == "業務従事者を限定していること"
    assert conditions[4].evidence.quote.startswith("受託事業者における保護措置として")
    # 「⑤と同期間保管し」 inside ⑥ does not split ⑥.
    assert conditions[9].value.startswith(nfkc("オリジナルＣＤから受託事業者の業務システムサーバに"))
    assert "⑤と同期間保管し" in conditions[9].value
    assert conditions[10].value == "個人情報の保護に関する法律及び高槻市個人情報保護条例を遵守すること"
    assert [(c.evidence.line_start, c.evidence.line_end) for c in conditions[:4]] == [
        (86, 88), (88, 92), (92, 98), (98, 102)]
    assert (conditions[10].evidence.line_start, conditions[10].evidence.line_end) == (128, 130)


def test_consultation_about_the_vaccination_assessment(reviews: list[CouncilReview]) -> None:
    consultation = reviews[1]
    assert values(consultation, "council", "number", "date", "subject", "affair", "ordinance_basis", "department",
                  "reviewed_assessment_title", "reviewed_assessment_kind", "review_kind") == {
        "council": "高槻市個人情報保護運営審議会",
        "number": nfkc("高健推第１２５３号"),  # printed just above the letter's title (line 138)
        "date": "2022-11-15",
        "subject": "「特定個人情報保護評価書(全項目評価書)」に係る第三者点検について",
        "affair": "予防接種事務",
        "ordinance_basis": nfkc("高槻市個人情報保護条例第２３条の２第１項"),
        "department": "健康福祉部保健所健康づくり推進課、健康福祉部保健所保健予防課及び子ども未来部子ども保健課",
        "reviewed_assessment_title": "特定個人情報保護評価書(全項目評価書)",
        "reviewed_assessment_kind": "全項目",
        "review_kind": "第三者点検",
    }
    assert consultation.facts["number"].evidence.line_start == 138
    assert consultation.facts["date"].evidence.line_start == 140
    assert [f.value for f in consultation.listed_files] == ["予防接種情報ファイル"]
    assert [f.value for f in consultation.listed_systems] == [
        "健康情報管理システム", "ワクチン接種管理システム", "ワクチン接種記録システム(VRS)", "団体内統合宛名システム",
        "中間サーバー"]
    assert [f.evidence.line_start for f in consultation.listed_systems] == [242, 244, 246, 248, 250]
    assert consultation.conditions == []


def test_consultation_about_the_resident_register_assessment(reviews: list[CouncilReview]) -> None:
    consultation = reviews[2]
    assert values(consultation, "number", "date", "affair", "department", "reviewed_assessment_title") == {
        "number": nfkc("高市市第１５７７号"),
        "date": "2022-11-30",
        "affair": "住民基本台帳事務",
        "department": "市民生活環境部市民課",
        "reviewed_assessment_title": "特定個人情報保護評価書(全項目評価書)",
    }
    assert [f.value for f in consultation.listed_files] == ["住民基本台帳ファイル", "本人確認情報ファイル", "送付先情報ファイル"]
    assert [f.value for f in consultation.listed_systems] == [
        "既存住民基本台帳システム", "住民基本台帳ネットワークシステム", "中間サーバ", "団体内統合宛名システム", "コンビニ交付システム"]
    materials = consultation.fact("materials") or ""
    assert materials.startswith(nfkc("資料１ 特定個人情報保護評価書（基礎項目評価書）"))
    assert nfkc("別紙１-２ 証明書発行の流れ（コンビニ交付システム再構築後）") in materials


@pytest.mark.parametrize("seed", [3, 11])
def test_same_line_values_stable_under_block_permutation(tmp_path, seed: int) -> None:
    # The letters print one line per text box, so only values printed on their label's line can
    # survive any order of boxes; those must.
    keys = ("ordinance_basis", "affair", "deliberated_on", "decision")
    source = sample_path("takatsuki")
    expected = [(r.doc_type, values(r, *keys)) for r in reviews_of(str(source))]
    permuted = tmp_path / source.name
    permuted.write_text(permute_blocks(source.read_text(encoding="utf-8"), seed), encoding="utf-8")
    got = reviews_of(str(permuted))
    assert [(r.doc_type, values(r, *keys)) for r in got] == expected
    assert got[0].fact("department") == "健康福祉部 保健所 保健予防課"
