"""Readers: encodings, layouts, bad input, and splitting a file into documents."""

from __future__ import annotations

import itertools

import pytest

from piagraph.errors import ReadError
from piagraph.read import read_path, split_documents
from tests.conftest import sample_path


def test_layouts_of_the_samples():
    assert read_path(str(sample_path("iizuka"))).layout == "pdf-text"
    assert read_path(str(sample_path("tochigi"))).layout == "table"
    assert read_path(str(sample_path("kumagaya"))).layout == "table"


def test_cp932_and_utf16_and_bom_read_the_same_lines(tmp_path):
    original = read_path(str(sample_path("tochigi")))
    text = sample_path("tochigi").read_text(encoding="utf-8")
    for encoding in ("cp932", "utf-16", "utf-8-sig"):
        target = tmp_path / f"tochigi.{encoding}.txt"
        target.write_bytes(text.encode(encoding, errors="replace"))
        read = read_path(str(target))
        assert read.layout == "table"
        assert read.lines[1:20] == original.lines[1:20]


def test_crlf_and_cr_line_endings_keep_line_numbers(tmp_path):
    target = tmp_path / "mixed.txt"
    target.write_bytes("一行目\r\n二行目\r三行目\n四行目".encode())
    assert read_path(str(target)).lines == ["一行目", "二行目", "三行目", "四行目"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty file"), (b"  \n\n", "empty file"), (b"\x00\x01\x02binary\x00" * 50, "binary"),
     (b"abc\x80\xfd\xfe\xff" * 10, "not UTF-8")],
)
def test_bad_input_is_a_clear_error_naming_the_file(tmp_path, content, message):
    target = tmp_path / "bad.txt"
    target.write_bytes(content)
    with pytest.raises(ReadError) as info:
        read_path(str(target))
    assert str(target) in str(info.value)
    assert message in str(info.value)


def test_size_limit(tmp_path):
    target = tmp_path / "big.txt"
    target.write_bytes("あ".encode() * 1000)
    with pytest.raises(ReadError, match="over the limit"):
        read_path(str(target), max_bytes=100)


def test_takatsuki_file_splits_into_six_documents():
    spans = split_documents(read_path(str(sample_path("takatsuki"))))
    assert [s.family for s in spans] == ["answer", "consultation", "assessment", "consultation", "assessment",
                                         "assessment"]
    # Each span starts where its document's first page starts and they tile the file.
    assert spans[0].line_start == 1
    assert all(a.line_end + 1 == b.line_start for a, b in itertools.pairwise(spans))
    assert spans[2].line_start <= 305 <= spans[2].line_end  # [平成30年５月 様式４] of 予防接種 全項目
    assert spans[4].line_start <= 4801 <= spans[4].line_end  # 特定個人情報保護評価書（基礎項目評価書）


def test_change_log_alone_is_one_changelog_document():
    spans = split_documents(read_path(str(sample_path("kumagaya"))))
    assert [s.family for s in spans] == ["changelog"]
