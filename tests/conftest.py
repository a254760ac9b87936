"""Shared fixtures: the bundled samples, parsed once, and a store loaded with them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from piagraph.paths import SAMPLES_DIR

SAMPLES = {
    "iizuka": "000_85a35887ceb83a89.txt",
    "kumagaya": "001_b8bb4d46b8d2544c.txt",
    "yokohama": "002_395353e375fa5b93.txt",
    "tochigi": "003_66d7ab723edd6fff.txt",
    "takatsuki": "004_32a03fc301fb5106.txt",
}


def sample_path(key: str) -> Path:
    return SAMPLES_DIR / SAMPLES[key]


@pytest.fixture(scope="session")
def parsed_samples():
    """{key: ParseResult} for every sample, parsed once per test session."""
    from piagraph.parse import parse_source
    from piagraph.read import read_path

    return {key: parse_source(read_path(str(sample_path(key)))) for key in SAMPLES}


@pytest.fixture(scope="session")
def loaded_store_path(tmp_path_factory) -> str:
    """A store folder with every sample ingested (built once; tests open it read-only)."""
    from piagraph.ingest import ingest
    from piagraph.store import EmbeddedStore

    path = tmp_path_factory.mktemp("store") / "piagraph-store"
    cwd = os.getcwd()
    os.chdir(SAMPLES_DIR.parent.parent)  # evidence paths relative to the project, as users see them
    try:
        with EmbeddedStore(path) as store:
            report = ingest([str(SAMPLES_DIR.relative_to(Path.cwd()))], store)
        assert not report.failed, [f.error for f in report.failed]
    finally:
        os.chdir(cwd)
    return str(path)


@pytest.fixture()
def loaded_store(loaded_store_path):
    from piagraph.store import EmbeddedStore

    with EmbeddedStore(loaded_store_path, read_only=True) as store:
        yield store


# -- SPARQL server (Virtuoso) fixtures: tests/virtuoso.py -----------------------------------------
@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """A private Virtuoso on free 127.0.0.1 ports, stopped at the end of the session. Tests that use
    it skip, saying why, when Virtuoso cannot be installed or started."""
    from tests.virtuoso import VirtuosoServer, VirtuosoUnavailable

    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    try:
        server.start()
    except VirtuosoUnavailable as exc:
        pytest.skip(f"Virtuoso integration tests skipped: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_loaded(virtuoso_server):
    """The Virtuoso server with every sample ingested through RemoteStore (piagraph's ingest path)."""
    from piagraph.ingest import ingest
    from piagraph.store.remote import RemoteStore

    cwd = os.getcwd()
    os.chdir(SAMPLES_DIR.parent.parent)  # the same evidence paths as loaded_store_path
    try:
        report = ingest([str(SAMPLES_DIR.relative_to(Path.cwd()))], RemoteStore(virtuoso_server.endpoint))
        assert not report.failed, [f.error for f in report.failed]
    finally:
        os.chdir(cwd)
    return virtuoso_server


CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_LAUNCH_ARGS = [
    "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium through Playwright, one per session (Playwright's sync API allows
    only one running instance per thread, so every browser test shares it)."""
    if not CHROMIUM_PATH.exists():
        pytest.skip(f"{CHROMIUM_PATH} is absent: run scripts/install-system-deps.sh (as root) to install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()
