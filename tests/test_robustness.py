"""Bad input: each failure is one clear line naming the file, the other files go on, the store survives."""

from __future__ import annotations

import os
import shutil
import textwrap

import pytest

from piagraph.errors import PiagraphError, ReadError
from piagraph.ingest import ingest, loaded_sources, process_file
from piagraph.parse import parse_source
from piagraph.read import read_path
from piagraph.store import EmbeddedStore
from tests.conftest import sample_path

# A valid one-page PDF without any text layer (what a scanner produces, minus the image).
EMPTY_PDF = textwrap.dedent("""\
    %PDF-1.4
    1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
    2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
    3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj
    trailer << /Root 1 0 R >>
    %%EOF
    """).encode()


def test_pdf_without_text_layer_is_a_clear_error(tmp_path):
    target = tmp_path / "scan.pdf"
    target.write_bytes(EMPTY_PDF)
    result = process_file(str(target))
    assert result.status == "failed"
    assert "scan.pdf" in result.error and "no text layer" in result.error


def test_damaged_pdf_is_a_clear_error(tmp_path):
    target = tmp_path / "broken.pdf"
    target.write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    result = process_file(str(target))
    assert result.status == "failed" and "broken.pdf" in result.error


def test_truncated_assessment_is_parsed_as_far_as_it_goes(tmp_path):
    text = sample_path("yokohama").read_text(encoding="utf-8")
    target = tmp_path / "truncated.txt"
    target.write_text(text[: len(text) // 3], encoding="utf-8")  # cut mid-section
    result = parse_source(read_path(str(target)))
    (assessment,) = result.documents
    assert assessment.number == "38" and assessment.municipality == "横浜市"
    assert len(assessment.systems) >= 5


def test_huge_file_is_refused_without_reading_it(tmp_path):
    target = tmp_path / "huge.txt"
    with target.open("wb") as handle:  # sparse: 500 MB on paper, nothing on disk
        handle.truncate(500 * 1024 * 1024)
    with pytest.raises(ReadError, match="over the limit"):
        read_path(str(target))


def test_many_files_symlink_loop_and_bad_ones_do_not_stop_the_good_one(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2000):
        (folder / f"note{i:04d}.txt").write_text(f"メモ {i}\n", encoding="utf-8")
    shutil.copy(sample_path("tochigi"), folder / "tochigi.txt")
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    with EmbeddedStore(tmp_path / "store") as store:
        report = ingest([str(folder)], store, workers=2)
        loaded = [f for f in report.files if f.status == "loaded"]
        assert [os.path.basename(f.path) for f in loaded] == ["tochigi.txt"]
        assert len(report.failed) == 2001  # 2000 notes that are not assessments + the loop
        assert any("symbolic link loop" in f.error for f in report.failed)
        assert all(f.error for f in report.failed)


def test_unreadable_file_is_reported_not_raised(tmp_path, monkeypatch):
    target = tmp_path / "secret.txt"
    shutil.copy(sample_path("tochigi"), target)
    target.chmod(0o000)
    if os.geteuid() == 0:
        # Root reads any file: inject the error the OS gives an auditor's account instead.
        from pathlib import Path

        real_open = Path.open

        def denied(self, *args, **kwargs):
            if self.name == "secret.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", denied)
    result = process_file(str(target))
    assert result.status == "failed"
    assert "secret.txt" in result.error and "Permission denied" in result.error


def test_not_an_assessment_is_refused_with_a_clear_message(tmp_path):
    target = tmp_path / "letter.txt"
    target.write_text("拝啓 時下ますますご清栄のこととお慶び申し上げます。\n" * 30, encoding="utf-8")
    with pytest.raises(PiagraphError, match="not a 特定個人情報保護評価書"):
        parse_source(read_path(str(target)))


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes: POSIX")
def test_file_names_that_are_not_utf8_are_loaded_kept_apart_and_replaced(tmp_path):
    """Two names that differ only in bytes that are not UTF-8 (a folder copied from an old Windows
    share): both load, each under its own escaped name, and changing one and ingesting again replaces
    that one's graphs only; the unchanged one is skipped."""
    folder = tmp_path / "in"
    folder.mkdir()
    first, second = (os.path.join(os.fsencode(folder), name) for name in (b"\xff_a.txt", b"\xfe_a.txt"))
    shutil.copy(sample_path("kumagaya"), first)
    shutil.copy(sample_path("tochigi"), second)
    with EmbeddedStore(tmp_path / "store") as store:
        report = ingest([str(folder)], store)
        assert [f.status for f in report.files] == ["loaded", "loaded"]
        sources = {os.path.basename(name): digest for name, digest in loaded_sources(store).items()}
        assert set(sources) == {"\\xff_a.txt", "\\xfe_a.txt"}
        before = store.quad_count()

        with open(second, "ab") as handle:  # the second file changes; the first does not
            handle.write("\n追記\n".encode())
        again = ingest([str(folder)], store, skip_unchanged=True)
        statuses = {os.path.basename(os.fsencode(f.path)): f.status for f in again.files}
        assert statuses == {b"\xff_a.txt": "unchanged", b"\xfe_a.txt": "loaded"}
        after = {os.path.basename(name): digest for name, digest in loaded_sources(store).items()}
        assert after["\\xff_a.txt"] == sources["\\xff_a.txt"]
        assert after["\\xfe_a.txt"] != sources["\\xfe_a.txt"]
        assert store.quad_count() == before  # replaced, not added to: the appended line is no fact
