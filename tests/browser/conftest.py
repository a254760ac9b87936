"""Browser fixtures: Debian's headless Chromium driven by Playwright, every request recorded.

Install the browser with ``scripts/install-browser.sh`` (apt-get: chromium, fonts-ipaexfont-gothic).
Tests here are skipped, with a message saying so, only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: run scripts/install-browser.sh (as root) to install Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class OpenedPage:
    """A page opened from a file, with what happened while it loaded."""

    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def console_errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"] + self.errors

    def evaluate(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)


@pytest.fixture(scope="module")
def open_file(chromium) -> Iterator[Callable[[Path], OpenedPage]]:
    """open_file(path) -> OpenedPage: loads file://path, records every request, aborts any other."""
    contexts = []

    def opener(path: Path, viewport: tuple[int, int] = (1400, 1000)) -> OpenedPage:
        context = chromium.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(context)
        page = context.new_page()
        url = path.resolve().as_uri()
        opened = OpenedPage(page, url)
        page.on("request", lambda request: opened.requests.append(request.url))
        page.on("console", lambda message: opened.console.append((message.type, message.text)))
        page.on("pageerror", lambda error: opened.errors.append(str(error)))

        def route(r: Any) -> None:
            if r.request.url == url:
                r.continue_()
            else:
                opened.blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page.goto(url)
        page.wait_for_function("window.piagraphReady === true", timeout=15000)
        return opened

    yield opener
    for context in contexts:
        context.close()
