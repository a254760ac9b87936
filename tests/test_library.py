"""The library's face (``import piagraph``): the same answers as the modules behind it."""

from __future__ import annotations

import pytest

import piagraph
from tests.conftest import sample_path


def test_exports_resolve_to_the_library_functions():
    from piagraph.analyse.who_receives import who_receives
    from piagraph.ingest import ingest

    assert piagraph.ingest_files is ingest
    assert piagraph.who_receives is who_receives
    assert set(piagraph.__all__) <= set(dir(piagraph))
    with pytest.raises(AttributeError, match="no_such_name"):
        piagraph.no_such_name  # noqa: B018


def test_ingest_and_ask_through_the_package(tmp_path):
    # 000 (飯塚市 重点 No.4) lines 642-664: 提供先1 市区町村長, ⑥提供方法 情報提供ネットワークシステム.
    with piagraph.open_store(str(tmp_path / "store")) as store:
        report = piagraph.ingest_files([str(sample_path("iizuka"))], store)
        assert report.documents == 1 and not report.failed
        rows = {str(r["recipient"]): r for r in piagraph.who_receives(store, municipality="飯塚市").rows}
        assert rows["市区町村長"]["method"] == "情報提供ネットワークシステム"
        assert rows["市区町村長"]["assessment"] == "重点 No.4"
        found = piagraph.find_assessments(store, piagraph.Selection(municipality="飯塚市"))
        assert [(r["kind"], r["number"]) for r in found] == [("重点", "4")]


def test_a_script_ingests_with_parser_processes(tmp_path):
    """The README's example as a script: workers=2 spawns parser processes, which import the script
    again; its ``__main__`` guard keeps them from running it."""
    import subprocess
    import sys

    script = tmp_path / "job.py"
    script.write_text(
        "import piagraph\n"
        "if __name__ == '__main__':\n"
        f"    with piagraph.open_store({str(tmp_path / 'store')!r}) as store:\n"
        f"        report = piagraph.ingest_files([{str(sample_path('iizuka'))!r}, {str(sample_path('tochigi'))!r}],"
        " store, workers=2)\n"
        "        print(report.documents, len(report.failed))\n"
        "        print(sorted({str(r['recipient']) for r in piagraph.who_receives(store, municipality='飯塚市').rows}))\n",
        encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    documents, recipients = run.stdout.splitlines()
    assert documents == "2 0"  # 000 is one 重点 assessment, 003 one 全項目
    assert recipients == "['市区町村長', '都道府県知事']"  # 000 lines 612-664
