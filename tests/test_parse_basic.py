"""Ⅰ 基本情報 (parse_basic) on the sample texts: values as the documents print them.

Expected values were read off the sample files by eye (line numbers in the comments)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from permute import permute_blocks

from piagraph.model import Assessment
from piagraph.normalize.text import squash
from piagraph.parse.acquisition import parse_acquisition
from piagraph.parse.basic import parse_basic, split_roles
from piagraph.parse.doctext import DocText
from piagraph.parse.files import parse_files
from piagraph.read import read_path, split_documents

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
S000 = SAMPLES / "000_85a35887ceb83a89.txt"
S002 = SAMPLES / "002_395353e375fa5b93.txt"
S003 = SAMPLES / "003_66d7ab723edd6fff.txt"
S004 = SAMPLES / "004_32a03fc301fb5106.txt"


def parse_path(path: Path) -> dict[int, Assessment]:
    """Assessments of a file by document index, read by the Ⅰ/Ⅱ parsers only."""
    source = read_path(str(path))
    out = {}
    for span in split_documents(source):
        if span.family != "assessment":
            continue
        doc = DocText(span)
        assessment = Assessment(source.path, span.index, span.line_start, span.line_end)
        for section in (parse_basic, parse_files, parse_acquisition):
            section(doc, assessment)
        assessment.warnings.extend(doc.warnings)
        out[span.index] = assessment
    return out


@cache
def parsed(path: Path) -> dict[int, Assessment]:
    return parse_path(path)


def fact(assessment: Assessment, key: str) -> str:
    return squash(assessment.facts[key].value)


def refs(assessment: Assessment, role: str) -> list[str]:
    return [ref.raw for ref in assessment.legal_refs if ref.role == role]


def warned(assessment: Assessment, text: str) -> bool:
    return any(text in w.message for w in assessment.warnings)


# -- 000 飯塚市 重点 ---------------------------------------------------------------------------------

def test_000_affair_and_department() -> None:
    a = parsed(S000)[0]
    assert fact(a, "affair") == "予防接種に関する事務"  # l.55, its label at l.51
    assert a.facts["affair"].evidence.line_start == 55
    assert a.facts["affair_description"].value.startswith("飯塚市では、予防接種法第5条に基づき")  # l.119
    assert fact(a, "department") == "福祉部健幸保健課"  # l.243 「①部署 福祉部　健幸保健課」
    assert fact(a, "department_head") == "健幸保健課長"  # l.239
    assert fact(a, "other_bodies") == "なし"  # l.212
    assert fact(a, "information_linkage") == "実施する"  # l.256 under ＜選択肢＞ l.251-254


def test_000_legal_bases() -> None:
    a = parsed(S000)[0]
    (use,) = refs(a, "use")  # l.216-219
    assert "別表14の項" in use and "第19条第6号(委託先への提供)" in use
    assert "情報提供の根拠" not in use
    (provision,) = refs(a, "provision")  # l.225-228
    (inquiry,) = refs(a, "inquiry")  # l.229-231
    assert "第2条の表25、26、29、153、154" in provision and "照会" not in provision
    assert "第2条の表25、27、28、29、153" in inquiry and "提供の根拠" not in inquiry
    ref = next(r for r in a.legal_refs if r.role == "use")
    assert (ref.evidence.line_start, ref.evidence.line_end) == (216, 219)


def test_000_file_name_of_part_one() -> None:
    a = parsed(S000)[0]
    # Ⅰ3 names 健康管理情報ファイル (l.235) while Ⅱ describes 予防接種情報ファイル: both kept, mismatch reported.
    by_name = {f.name: f for f in a.files}
    assert by_name["健康管理情報ファイル"].evidence.line_start == 235
    assert warned(a, "「健康管理情報ファイル」 but no Ⅱ part")


# -- 002 横浜市 全項目 -------------------------------------------------------------------------------

def test_002_basic() -> None:
    a = parsed(S002)[0]
    assert fact(a, "affair") == "予防接種法による予防接種の実施に関する事務"  # l.67
    assert a.facts["affair_description"].value.startswith("対象者への接種勧奨、予防接種の実費徴収")  # l.71
    assert fact(a, "department") == "医療局健康安全部健康安全課"  # l.419
    assert fact(a, "department_head") == "医療局健康安全部健康安全課長"  # l.421
    assert fact(a, "other_bodies") == "-"  # l.404 「－」
    assert fact(a, "information_linkage") == "実施する"  # l.362 「①実施の有無 [ 実施する」
    # l.366 「(１) 予防接種対象者関係情報ファイル　(２) 統合番号連携ファイル」
    assert [(f.number, f.name) for f in a.files] == [(1, "予防接種対象者関係情報ファイル"),
                                                      (2, "統合番号連携ファイル")]


def test_002_legal_bases() -> None:
    a = parsed(S002)[0]
    (use,) = refs(a, "use")  # l.355-358
    assert "別表第1 10項" in use and "第19条第6号" in use
    (provision,) = refs(a, "provision")  # l.408-411 【情報提供】
    (inquiry,) = refs(a, "inquiry")  # l.412-415 【情報照会】
    assert "16の2項、3項" in provision and "第12条の2" in provision and "17項" not in provision
    assert "16の2項、17項、18項、19項" in inquiry and "第13条の2" in inquiry


# -- 003 栃木市 重点 (table layout) ------------------------------------------------------------------

def test_003_basic() -> None:
    a = parsed(S003)[0]
    # This file starts at 「3. 特定個人情報ファイル名」: there is no Ⅰ1 to read.
    assert "affair" not in a.facts and warned(a, "①事務の名称 not found")
    assert fact(a, "information_linkage") == "実施する"  # l.43 「[実施する]」
    assert fact(a, "department") == "健康増進課"  # l.48
    assert fact(a, "department_head") == "健康増進課長"  # l.49
    assert [f.name for f in a.files] == ["予防接種ファイル"]  # l.34


def test_003_legal_bases() -> None:
    a = parsed(S003)[0]
    (use,) = refs(a, "use")  # l.38
    assert "別表第一の93の2" in use and "第67条の2" in use
    (provision,) = refs(a, "provision")  # l.44, up to 「■情報照会の根拠」
    (inquiry,) = refs(a, "inquiry")
    assert provision.startswith("■情報提供の根拠") and "別表第二省令(第59条の2)" in provision
    assert "情報照会" not in provision
    assert inquiry.startswith("■情報照会の根拠") and "第一欄(情報照会者)" in inquiry
    assert "第三欄(情報提供者)" not in inquiry


# -- 004 高槻市: 予防接種 全項目 (doc 2), 住基 基礎 (doc 4), 住基 全項目 (doc 5) -------------------------

def test_004_vaccination() -> None:
    a = parsed(S004)[2]
    assert fact(a, "affair") == "予防接種事務"  # l.372
    # l.648-651: 「①部署」 and three departments, one per line
    assert a.facts["department"].value.split("、") == [
        "健康福祉部 保健所 健康づくり推進課 新型コロナワクチン接種対策チーム",
        "健康福祉部 保健所 保健予防課", "子ども未来部 子ども保健課"]
    assert fact(a, "department_head") == "課長"  # l.653
    assert fact(a, "information_linkage") == "実施する"  # l.603
    (use,) = refs(a, "use")  # l.595-599
    assert "別表第一の10、93の2の項" in use and "第19条第16号" in use
    (inquiry,) = refs(a, "inquiry")  # l.636-639, printed before the 提供 block
    (provision,) = refs(a, "provision")  # l.641-644
    assert "別表第2の16の2、17、18、19、115の2の項" in inquiry
    assert "別表第2の16の2、16の3、115の2の項" in provision
    assert [f.name for f in a.files] == ["予防接種情報ファイル"]  # l.607


def test_004_basic_assessment() -> None:
    a = parsed(S004)[4]  # 基礎項目評価書: sections numbered 2, 3, 4, 5 and 「②事務の概要」
    assert fact(a, "affair") == "住民基本台帳に関する事務"  # l.4824
    assert a.facts["affair_description"].value.startswith("市町村(特別区を含む。")  # l.4828
    assert fact(a, "department") == "市民生活環境部市民課"  # l.4919
    assert fact(a, "department_head") == "市民課長"  # l.4933
    assert fact(a, "information_linkage") == "実施する"  # l.4925 「[ 実施する ] 1) 実施する」
    (use,) = refs(a, "use")  # l.4872-4881 and, on the next page, l.4885-4895
    assert "第7条(指定及び通知)" in use and "第8条(住民票の記載等)" in use and "第30条の12" in use
    (provision,) = refs(a, "provision")  # l.4905-4911 (l.4905 is common to both parts)
    (inquiry,) = refs(a, "inquiry")  # l.4913-4915
    assert "第19条第8号" in provision and "住民票関係情報" in provision
    assert "第19条第8号" in inquiry and ":なし" in inquiry and "住民票関係情報" not in inquiry
    assert [(f.number, f.name) for f in a.files] == [  # l.4866-4868
        (1, "住民基本台帳ファイル"), (2, "本人確認情報ファイル"), (3, "送付先情報ファイル")]


def test_004_resident_registry_full() -> None:
    a = parsed(S004)[5]
    assert fact(a, "affair") == "住民基本台帳に関する事務"  # l.5332
    assert fact(a, "department") == "市民生活環境部市民課"  # l.5637
    assert fact(a, "department_head") == "市民課長"  # l.5639
    assert fact(a, "information_linkage") == "実施する"  # l.5669
    (use,) = refs(a, "use")  # l.5645-5665
    assert "住民基本台帳法(住基法)" in use and "第30条の12" in use
    (provision,) = refs(a, "provision")  # l.5625-5630 「(番号法別表第二における情報提供の根拠)」
    (inquiry,) = refs(a, "inquiry")  # l.5631-5633
    assert "120の項" in provision.replace("\n", "") and "・なし" in inquiry
    # 「８．他の評価実施機関」 (l.5621) has no value: reported, not filled from the next diagram.
    assert "other_bodies" not in a.facts and warned(a, "他の評価実施機関: no value found")


def test_split_roles_keeps_the_preface_apart() -> None:
    preface, parts = split_roles([(1, "・番号法第19条第8号及び別表第二"), (2, "(別表第二における情報提供の根拠)"),
                                  (3, ":第三欄(情報提供者)が「市町村長」の項"), (4, "(別表第二における情報照会の根拠)"),
                                  (5, ":なし")])
    assert preface == [(1, "・番号法第19条第8号及び別表第二")]
    assert [n for n, _ in parts["provision"]] == [2, 3] and [n for n, _ in parts["inquiry"]] == [4, 5]


# -- the order of text boxes within a page must not matter ----------------------------------------

@pytest.mark.parametrize("path", [S000, S002, S003], ids=["000", "002", "003"])
@pytest.mark.parametrize("seed", [1, 2])
def test_permuted_blocks_give_the_same_basic_information(path: Path, seed: int, tmp_path: Path) -> None:
    permuted = tmp_path / path.name
    permuted.write_text(permute_blocks(path.read_text(encoding="utf-8"), seed), encoding="utf-8")

    def summary(assessments: dict[int, Assessment]) -> list[tuple]:
        return [(sorted((k, squash(v.value)) for k, v in a.facts.items() if k != "affair_description"),
                 sorted((r.role, squash(r.raw)) for r in a.legal_refs),
                 sorted(f.name for f in a.files)) for a in assessments.values()]

    assert summary(parse_path(permuted)) == summary(parsed(path))
