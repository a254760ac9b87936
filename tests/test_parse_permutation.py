"""The issue's robustness test: shuffling the text boxes of every page must not change what is read.

PDF extractors print the text boxes of a page in an order of their own, so every sample is rewritten
with the blank-line separated blocks of each page (pages: runs of >= 3 empty lines) in a random order
(tests/permute.py, several seeds; line numbers and page breaks stay where they are) and parsed again.
Each assessment must still yield the same cover facts and the same sets of systems, files, record
items, contractors and provision/transfer recipients. Which 委託事項 a contractor belongs to, a
system's number and other pairings inside a set may follow the order of boxes; the sets may not.

Samples: 000 (飯塚市, PDF text), 002 (横浜市, PDF text), 003 (栃木市, table layout: its rows are the
blocks) and 004 (高槻市, five documents). 004 was extracted without page breaks for long stretches: a
"page" of 004 is up to 3,500 lines, i.e. many PDF pages, and shuffling inside it moves boxes between
pages, which no extractor does. So for 004 what a parser reads from a box *apart from its label* is
excluded, because on a page without breaks only the box printed right after a label can be taken as
its value (there is nothing else to tell which of dozens of candidate boxes is meant):

* systems whose name is a box of its own after 「①システムの名称」 (004 line 5411, 住民基本台帳ネットワーク
  システム): only names in their label's own box are compared;
* files: the Ⅰ3 list 「(1) 住民基本台帳ファイル (2) … (3) 送付先情報ファイル」 is a box apart from its
  label, searched within 110 lines of it on a page of 1,500 lines; shuffled elsewhere it is not found
  (seed 5 loses 送付先情報ファイル). For 004 the files read after shuffling must be among the original
  ones (nothing invented), not all of them;
* record items, contractors and recipients of 004 are not compared (the 記録項目 attachment, the 委託
  and 提供・移転 slots of 004 lie in pages of 1,500-3,500 lines, where lists, names and headings are
  scattered boxes).

Its cover facts and the systems named in their label's box are compared like the other samples'.
"""

from __future__ import annotations

from functools import cache

import pytest

from piagraph.model import Assessment
from piagraph.parse import ParseResult, parse_source
from piagraph.read import read_path
from tests.conftest import sample_path
from tests.permute import permute_blocks

SEEDS = (1, 2, 3, 4)
FULL = ("iizuka", "yokohama", "tochigi")  # pages with their breaks: every set is compared
RUN_TOGETHER = ("takatsuki",)


def assessments(result: ParseResult) -> list[Assessment]:
    return [d for d in result.documents if isinstance(d, Assessment) and not d.change_log_only]


def cover(a: Assessment) -> dict[str, str | None]:
    keys = ("number", "title", "body", "municipality", "published_on", "form_stamp", "affair")
    return {k: a.fact(k) for k in keys} | {"kind": a.kind}


def label_box_systems(a: Assessment, path: str) -> list[str]:
    """Names read from their label's own text box (the label line or the lines right under it)."""
    lines = _lines(path)
    out = []
    for system in a.systems:
        number = system.evidence.line_start
        start = number
        while start > 1 and lines[start - 2].strip():
            start -= 1  # back to the first line of the name's block
        block = "".join(lines[start - 1:number])
        if "システムの名称" in block.replace(" ", "").replace("\u3000", ""):
            out.append(system.name)
    return sorted(out)


def sets(a: Assessment, path: str, full: bool) -> dict[str, object]:
    facts: dict[str, object] = {
        "cover": cover(a),
        "systems": sorted(s.name for s in a.systems) if full else label_box_systems(a, path),
        "files": sorted(f.name for f in a.files),
    }
    if full:
        # Which 【category】 heading an item stands under is a pairing (its list may be a box of its own):
        # the set is of (file, item).
        facts["record_items"] = sorted({(f.name, i.name) for f in a.files for i in f.record_items})
        facts["contractors"] = sorted({(f.file_name or "", c) for f in a.flows if f.kind == "Entrustment"
                                       for c in f.contractors})
        facts["recipients"] = sorted({(f.kind, f.file_name or "", f.recipient or "") for f in a.flows
                                      if f.kind in ("Provision", "Transfer")})
    return facts


@cache
def _lines(path: str) -> list[str]:
    from pathlib import Path

    return Path(path).read_text(encoding="utf-8").split("\n")


@cache
def _parsed_permutation(key: str, seed: int, folder: str) -> ParseResult:
    from pathlib import Path

    target = Path(folder) / f"{key}-{seed}.txt"
    target.write_text(permute_blocks(sample_path(key).read_text(encoding="utf-8"), seed), encoding="utf-8")
    return parse_source(read_path(str(target)))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("permuted"))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("key", FULL + RUN_TOGETHER)
def test_sets_survive_block_permutation(parsed_samples, folder, key, seed):
    full = key in FULL
    permuted = _parsed_permutation(key, seed, folder)
    original = [sets(a, str(sample_path(key)), full) for a in assessments(parsed_samples[key])]
    shuffled = [sets(a, permuted.source.path, full) for a in assessments(permuted)]
    assert len(shuffled) == len(original)
    for before, after in zip(original, shuffled, strict=True):
        for name in before:
            if name == "files" and not full:
                assert set(after[name]) <= set(before[name]), f"{key} seed {seed}: files invented"
                continue
            assert after[name] == before[name], f"{key} seed {seed}: {name} changed"


def test_the_sets_compared_are_not_empty(parsed_samples):
    """Guard against a vacuous pass: the samples do hold what the permutation test compares."""
    got = {key: [sets(a, str(sample_path(key)), key in FULL) for a in assessments(parsed_samples[key])]
           for key in FULL + RUN_TOGETHER}
    iizuka, yokohama, tochigi = (got[k][0] for k in FULL)
    assert iizuka["systems"] and iizuka["record_items"] and iizuka["contractors"]
    # 002's 記録項目 attachment is an image in the PDF (its page holds the heading only, line 2800).
    assert yokohama["systems"] and yokohama["contractors"] and yokohama["recipients"]
    assert tochigi["files"] and tochigi["record_items"] and tochigi["contractors"]
    assert all(a["files"] for a in got["takatsuki"])
    assert sum(len(a["systems"]) for a in got["takatsuki"]) >= 10
