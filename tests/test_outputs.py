"""The main job's outputs: every file written, index links, safe names from document text."""

from __future__ import annotations

import re

from piagraph.outputs import safe_file_stem, write_outputs


def test_outputs_for_the_samples(loaded_store, tmp_path):
    written = write_outputs(loaded_store, tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in written}
    for expected in ("summary.txt", "summary.json", "assessments.csv", "who-receives.csv", "compare.html",
                     "compare.csv", "index.html", "diagrams/横浜市_全項目_38.html", "diagrams/飯塚市_重点_4.html",
                     "diagrams/栃木市_重点_932.html", "diagrams/高槻市_全項目_49.html"):
        assert expected in names
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for name in names - {"index.html"}:
        assert f'href="{name}"' in index
    for path in written:
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), path  # offline


def test_file_names_from_document_text_cannot_escape_the_folder():
    for parts in (("../../etc", "passwd"), ("/abs/path",), ("..",), ("a\\b", "c:d"), ("<script>",)):
        stem = safe_file_stem(*parts)
        assert "/" not in stem and "\\" not in stem and not stem.startswith(".") and stem
    assert safe_file_stem("横浜市", "全項目", "38") == "横浜市_全項目_38"
