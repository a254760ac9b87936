"""Cover facts read from the samples, value by value, and stable under block permutation."""

from __future__ import annotations

import pytest

from piagraph.model import Assessment
from piagraph.parse import parse_source
from piagraph.read import read_path
from tests.conftest import sample_path
from tests.permute import permute_blocks
from tests.test_parse_permutation import label_box_systems


def assessments(result) -> list[Assessment]:
    return [d for d in result.documents if isinstance(d, Assessment) and not d.change_log_only]


def cover(a: Assessment) -> dict[str, str | None]:
    keys = ("number", "title", "body", "municipality", "published_on", "form_stamp")
    return {k: a.fact(k) for k in keys} | {"kind": a.kind}


def test_iizuka_cover(parsed_samples):
    (a,) = assessments(parsed_samples["iizuka"])
    assert cover(a) == {
        "number": "4", "title": "予防接種に関する事務 重点項目評価書", "body": "福岡県 飯塚市長",
        "municipality": "飯塚市", "published_on": "2025-01-10", "form_stamp": "令和6年10月 様式3", "kind": "重点",
    }
    assert a.facts["published_on"].value == "令和7年1月10日"
    assert a.facts["published_on"].evidence.line_start == 26  # 「令和7年1月10日」 on line 26


def test_yokohama_cover_with_wrapped_title(parsed_samples):
    (a,) = assessments(parsed_samples["yokohama"])
    assert cover(a) == {
        "number": "38", "title": "予防接種法による予防接種の実施に関する事務 全項目評価書", "body": "横浜市長",
        "municipality": "横浜市", "published_on": "2023-08-04", "form_stamp": "平成30年5月 様式4", "kind": "全項目",
    }
    assert a.facts["title"].evidence.line_start == 8 and a.facts["title"].evidence.line_end == 9  # wrapped title


def test_tochigi_cover_from_table_rows(parsed_samples):
    (a,) = assessments(parsed_samples["tochigi"])
    assert cover(a) == {
        "number": "932", "title": "新型インフルエンザ等対策特別措置法による予防接種の実施に関する事務 重点項目評価書",
        "body": "栃木市長", "municipality": "栃木市", "published_on": "2024-03-31", "form_stamp": None, "kind": "重点",
    }


def test_takatsuki_three_assessments(parsed_samples):
    found = [(a.kind, a.number, a.fact("title"), a.fact("published_on")) for a in assessments(parsed_samples["takatsuki"])]
    assert found == [
        ("全項目", "49", "予防接種事務 全項目評価書", "2022-07-08"),
        ("基礎", "1", "高槻市 住民基本台帳事務 基礎項目評価書", None),
        ("全項目", "1", "高槻市 住民基本台帳事務 全項目評価書", None),
    ]
    # A missing 公表日 is a warning with the file and line, not a silent gap.
    warnings = [str(w) for w in parsed_samples["takatsuki"].warnings if "公表日" in w.message]
    assert warnings and all("004_32a03fc301fb5106.txt:" in w for w in warnings)


def test_yokohama_systems(parsed_samples):
    (a,) = assessments(parsed_samples["yokohama"])
    assert [s.name for s in a.systems] == [
        "予防接種台帳システム", "統合番号連携システム", "中間サーバー", "住民基本台帳ネットワークシステム",
        "福祉保健システム", "情報共有基盤システム", "ワクチン接種記録システム(VRS)", "ワクチン接種記録システム(VRS)",
    ]
    assert a.systems[0].evidence.line_start == 78
    assert a.systems[0].function.startswith("1 対象者管理機能")


def test_iizuka_systems(parsed_samples):
    (a,) = assessments(parsed_samples["iizuka"])
    assert [s.name for s in a.systems] == ["地域健康支援システム「健康かるて」", "MICJET番号連携サーバ", "中間サーバー"]
    # Only connections whose mark stands next to its label are reported as checked.
    assert a.systems[2].connections == ["情報提供ネットワークシステム", "宛名システム等"]


@pytest.mark.parametrize("key", ["iizuka", "yokohama", "takatsuki"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cover_and_systems_survive_block_permutation(tmp_path, parsed_samples, key, seed):
    permuted = tmp_path / f"{key}-{seed}.txt"
    permuted.write_text(permute_blocks(sample_path(key).read_text(encoding="utf-8"), seed), encoding="utf-8")
    original = assessments(parsed_samples[key])
    shuffled = assessments(parse_source(read_path(str(permuted))))
    assert [cover(a) for a in shuffled] == [cover(a) for a in original]
    if key == "takatsuki":
        # A name printed as a box of its own after its label (004 line 5411) is read by position on a
        # page without breaks; see tests/test_parse_permutation.py (which also compares the other sets).
        original_names = [label_box_systems(a, str(sample_path(key))) for a in original]
        shuffled_names = [label_box_systems(a, str(permuted)) for a in shuffled]
    else:
        original_names = [sorted(s.name for s in a.systems) for a in original]
        shuffled_names = [sorted(s.name for s in a.systems) for a in shuffled]
    assert shuffled_names == original_names
