"""The command line as a user runs it: ingest, stats, show, query, export, outputs."""

from __future__ import annotations

import json
import re
import shutil

from click.testing import CliRunner

from piagraph.cli import main
from tests.conftest import sample_path


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_every_command_has_help_with_an_example():
    for command in main.commands:
        result = run(command, "--help")
        assert result.exit_code == 0, command
        assert "Example" in result.output, command


def test_ingest_reports_per_file_and_fails_on_bad_files(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample_path("iizuka"), folder / "iizuka.txt")
    (folder / "empty.txt").write_text("")
    (folder / "random.txt").write_text("これは評価書ではありません。\n" * 20, encoding="utf-8")
    store = str(tmp_path / "store")
    result = CliRunner().invoke(main, ["ingest", "--store", store, str(folder)])
    assert result.exit_code == 1
    assert "重点評価書: 飯塚市 No.4 予防接種に関する事務 重点項目評価書" in result.output
    assert "empty.txt: empty file" in result.output
    assert "random.txt: not a 特定個人情報保護評価書" in result.output
    assert "1 file(s) ingested" in result.stderr


def test_ingest_says_when_it_optimises_the_store_and_how_long_it_took(tmp_path, monkeypatch):
    """After a large bulk load the store is compacted, minutes at national scale with no file to
    report: the command says so when it starts, and the summary gives its time."""
    import piagraph.ingest as ingest_module

    folder = tmp_path / "in"
    folder.mkdir()
    for key in ("iizuka", "tochigi"):
        shutil.copy(sample_path(key), folder / f"{key}.txt")
    monkeypatch.setattr(ingest_module, "OPTIMIZE_AFTER_DOCUMENTS", 2)
    result = run("ingest", "--store", str(tmp_path / "store"), str(folder))
    assert result.exit_code == 0
    documents = int(re.search(r"(\d+) document\(s\), 0 failed", result.stderr).group(1))
    assert documents >= 2
    assert f"optimising the store after loading {documents} documents" in result.stderr
    seconds = float(re.search(r"; store optimised in ([\d.]+) s$", result.stderr.strip()).group(1))
    assert seconds >= 0.0
    # Below the threshold (a handful of files) there is no such step.
    monkeypatch.setattr(ingest_module, "OPTIMIZE_AFTER_DOCUMENTS", documents + 1)
    small = run("ingest", "--store", str(tmp_path / "other"), str(folder))
    assert small.exit_code == 0 and "optimis" not in small.stderr


def test_store_from_environment_and_stats_json(tmp_path):
    store = str(tmp_path / "envstore")
    assert run("ingest", str(sample_path("tochigi")), env={"PIAGRAPH_STORE": store}).exit_code == 0
    result = run("stats", "--format", "json", env={"PIAGRAPH_STORE": store})
    rows = {r["what"]: r["count"] for r in json.loads(result.output)}
    assert rows["documents (named graphs)"] == 1
    assert rows["  重点項目評価書"] == 1


def test_show_prints_facts_with_line_references(tmp_path):
    store = str(tmp_path / "store")
    run("ingest", "--store", store, str(sample_path("yokohama")))
    result = run("show", "--store", store, "--municipality", "横浜市", "--number", "38")
    assert result.exit_code == 0
    assert "予防接種法による予防接種の実施に関する事務 全項目評価書" in result.output
    assert "publishedOn: 2023-08-04" in result.output
    assert "・予防接種台帳システム" in result.output and "002_395353e375fa5b93.txt:78" in result.output
    # a parser warning is listed with the line it is about (pia:warningLine, not an Evidence node)
    warning = next(line for line in result.output.splitlines() if "3 systems share the page" in line)
    assert warning.startswith("  ・システム「予防接種台帳システム」③他のシステムとの接続")
    assert re.search(r"  \[(\S*/)?002_395353e375fa5b93\.txt:78\]$", warning)
    # bookkeeping (graph format, the evidence node links) stays out of the outline
    assert "graphFormat" not in result.output and "ownEvidence" not in result.output
    assert "/evidence/" not in result.output


def test_show_without_a_match_is_a_clear_error(tmp_path):
    store = str(tmp_path / "store")
    run("ingest", "--store", store, str(sample_path("tochigi")))
    result = CliRunner().invoke(main, ["show", "--store", store, "--municipality", "どこにもない市"])
    assert result.exit_code == 2
    assert "no loaded assessment matches" in result.output


def test_query_with_params_and_formats(tmp_path):
    store = str(tmp_path / "store")
    run("ingest", "--store", store, str(sample_path("iizuka")), str(sample_path("tochigi")))
    result = run("query", "assessments", "--store", store, "--param", "municipality=栃木市", "--format", "csv")
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and ",932," in lines[1]


def test_export_and_outputs(tmp_path):
    store = str(tmp_path / "store")
    run("ingest", "--store", store, str(sample_path("tochigi")))
    out = tmp_path / "export.trig"
    assert run("export", "--store", store, "--format", "trig", "-o", str(out)).exit_code == 0
    assert out.stat().st_size > 1000
    result = run("outputs", "--store", store, "-o", str(tmp_path / "out"))
    assert result.exit_code == 0
    assert (tmp_path / "out" / "summary.txt").read_text(encoding="utf-8").count("栃木市") >= 1
