"""The benchmark corpus generator: determinism, manifest truth, page layout and block shuffling."""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.generator import Options, generate_document, main, write_corpus
from benchmarks.generator.layout import PAGE_SEP

N = 16
DATE = re.compile(r"^(平成|令和)[元0-9０-９]+年[0-9０-９]+月[0-9０-９]+日$")
CHANGE_TITLES = {"変更箇所", "（別添２）変更箇所", "（別添３）変更箇所", "(別添2)変更箇所", "(別添3)変更箇所"}


def _corpus(tmp: Path, count: int = N, **kw: object) -> list[dict[str, str]]:
    opt = Options(**kw)  # type: ignore[arg-type]
    list(write_corpus(count, tmp, opt))
    with open(tmp / "manifest.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _pages(text: str) -> list[list[str]]:
    body = text.strip("\n")
    return [page.split("\n\n") for page in body.split(PAGE_SEP)]


def _split_at_changes(text: str) -> tuple[str, list[list[str]]]:
    """Text before the change log, and the change-log pages (the log is always the last part)."""
    pages = _pages(text)
    for i, page in enumerate(pages):
        if any(b.strip() in CHANGE_TITLES for b in page):
            return PAGE_SEP.join("\n\n".join(p) for p in pages[:i]), pages[i:]
    return text, []


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]]]:
    out = tmp_path_factory.mktemp("corpus")
    return out, _corpus(out, seed=3)


def test_same_seed_same_bytes(tmp_path: Path, corpus: tuple[Path, list[dict[str, str]]]) -> None:
    out, rows = corpus
    again = _corpus(tmp_path, seed=3)
    assert again == rows
    assert (tmp_path / "manifest.csv").read_bytes() == (out / "manifest.csv").read_bytes()
    for row in rows:
        assert (tmp_path / row["file"]).read_bytes() == (out / row["file"]).read_bytes()


def test_different_seed_differs(tmp_path: Path, corpus: tuple[Path, list[dict[str, str]]]) -> None:
    out, rows = corpus
    other = _corpus(tmp_path, count=4, seed=4)
    first = (out / rows[0]["file"]).read_bytes()
    assert all((tmp_path / r["file"]).read_bytes() != first for r in other)
    assert [r["file"] for r in other] != [r["file"] for r in rows[:4]]


def test_single_document_regenerates_alone(corpus: tuple[Path, list[dict[str, str]]]) -> None:
    out, rows = corpus
    for index in (0, 7, N - 1):
        text, row = generate_document(index, Options(seed=3))
        assert text.encode("utf-8") == (out / rows[index]["file"]).read_bytes()
        assert {k: str(v) for k, v in row.items()} == rows[index]


def test_manifest_matches_files(corpus: tuple[Path, list[dict[str, str]]]) -> None:
    out, rows = corpus
    assert len(rows) == N
    assert {r["kind"] for r in rows} <= {"基礎", "重点", "全項目"}
    for row in rows:
        text = (out / row["file"]).read_text(encoding="utf-8")
        assert int(row["bytes"]) == len(text.encode("utf-8"))
        assert re.fullmatch(r"\d{6}", row["code"])
        lines = {line.strip().replace("　", " ") for line in text.splitlines()}
        assert row["evaluating_body"].replace("　", " ") in lines  # the 評価実施機関名 value
        assert row["evaluating_body"].endswith(row["municipality"] + "長")
        assert row["municipality"] in text and row["affair_name"] in text
        assert row["published"] in text
        before, change_pages = _split_at_changes(text)
        if row["kind"] != "基礎":
            numbers = set(re.findall(r"(?m)^\s*提供先(\d+)(?:[ \t]|$)", before))
            assert len(numbers) == int(row["provisions"]), row["file"]
        blocks = [b for page in change_pages for b in page]
        if row["layout"] == "pdf":
            dated = [b for b in blocks if DATE.match(b.split("\n", 1)[0])]
        else:
            dated = [line for b in blocks for line in b.split("\n") if DATE.match(line.split("\t", 1)[0])]
        assert len(dated) == int(row["changes"]), row["file"]


def test_contractor_lines_match_manifest(tmp_path: Path) -> None:
    rows = _corpus(tmp_path, count=8, seed=5, full_ratio=1.0)
    assert {r["kind"] for r in rows} == {"全項目"}
    for row in rows:
        text = (tmp_path / row["file"]).read_text(encoding="utf-8")
        before, _ = _split_at_changes(text)
        named = re.findall(r"(?m)^\s*⑥委託先名[ \t]+\S", before)
        assert len(named) == int(row["contractors"]), row["file"]
        assert "備考" in before
        assert len(re.findall(r"　[①-⑳]　", before)) == int(row["steps"]) > 0


def test_pages_and_blocks(corpus: tuple[Path, list[dict[str, str]]]) -> None:
    out, rows = corpus
    for row in rows:
        text = (out / row["file"]).read_text(encoding="utf-8")
        assert PAGE_SEP in text
        runs = re.findall(r"\n{3,}", text.strip("\n"))
        assert runs and set(runs) == {PAGE_SEP}  # pages: exactly three empty lines; blocks: one
        if row["layout"] == "tsv":
            assert "\t" in text and "<選択肢>" in text
        else:
            assert "＜選択肢＞" in text and "\t" not in text


def test_shuffle_changes_order_not_content() -> None:
    moved = 0
    for index in range(6):
        a, _ = generate_document(index, Options(seed=9, shuffle_seed=1))
        b, _ = generate_document(index, Options(seed=9, shuffle_seed=2))
        plain, _ = generate_document(index, Options(seed=9, shuffle=False))
        pa, pb, pp = _pages(a), _pages(b), _pages(plain)
        assert len(pa) == len(pb) == len(pp)
        for x, y, z in zip(pa, pb, pp, strict=True):
            assert Counter(x) == Counter(y) == Counter(z)
        moved += sum(x != y for x, y in zip(pa, pb, strict=True))
        assert a != plain
    assert moved > 10


def test_layout_and_kind_options(tmp_path: Path) -> None:
    rows = _corpus(tmp_path / "a", count=10, seed=2, layouts=("tsv",), full_ratio=0.0, basic_ratio=0.0)
    assert {r["layout"] for r in rows} == {"tsv"} and {r["kind"] for r in rows} == {"重点"}
    rows = _corpus(tmp_path / "b", count=10, seed=2, layouts=("pdf",), full_ratio=0.0, basic_ratio=1.0)
    assert {r["layout"] for r in rows} == {"pdf"} and {r["kind"] for r in rows} == {"基礎"}


def test_cli(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    assert main(["--count", "3", "--seed", "1", "--out", str(out), "--layouts", "pdf", "--quiet"]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 4 and "manifest.csv" in files
    with pytest.raises(SystemExit):
        main(["--count", "1", "--out", str(out), "--layouts", "doc"])
