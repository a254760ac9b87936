"""Browser fixtures: Debian's headless Chromium driven by Playwright, every request recorded.

``scripts/install-system-deps.sh`` installs the browser (apt-get: chromium, fonts-ipaexfont-gothic).
Tests here are skipped, with a message saying so, only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest


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


# ---------------------------------------------------------------------------------------------
# The web workspace (`piagraph serve`) in a background uvicorn, and a browser session recording it
# ---------------------------------------------------------------------------------------------


def _is_local(url: str) -> bool:
    """True for URLs that never leave this machine's loopback (data:, blob:, about: never do)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1"


@dataclass
class LiveServer:
    """An ASGI app served by uvicorn on 127.0.0.1 in a background thread."""

    url: str
    server: Any
    thread: Any

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def live_server() -> Iterator[Callable[[Any], LiveServer]]:
    """live_server(app) -> LiveServer (.url "http://127.0.0.1:PORT", .stop()); any left running stop at teardown."""
    import threading
    import time
    import urllib.request

    import uvicorn

    running: list[LiveServer] = []

    def start(app: Any) -> LiveServer:
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, name="piagraph-live-server", daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                raise RuntimeError("the web workspace did not start")
            time.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        live = LiveServer(f"http://127.0.0.1:{port}", server, thread)
        running.append(live)
        with urllib.request.urlopen(live.url + "/favicon.ico", timeout=10) as response:  # it answers
            assert response.status == 204
        return live

    yield start
    for live in running:
        live.stop()


@dataclass
class BrowserSession:
    """One browser context on a live server: every request, response, console message and page error."""

    context: Any
    page: Any
    base: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    responses: list[Any] = field(default_factory=list)  # playwright Response objects
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def outside(self) -> list[str]:
        """Requests to anything but 127.0.0.1 (they are aborted, and recorded here)."""
        return [url for url in self.requests if not _is_local(url)]

    def console_errors(self, since: int = 0) -> list[str]:
        """Console errors and uncaught page errors; ``since`` skips the first console messages."""
        return [text for kind, text in self.console[since:] if kind == "error"] + self.errors

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        assert response is not None and response.ok, (path, response and response.status)
        return response


@pytest.fixture(scope="module")
def browser_session(chromium) -> Iterator[Callable[[str], BrowserSession]]:
    """browser_session(base_url) -> BrowserSession: a fresh context whose requests outside 127.0.0.1 abort."""
    contexts = []

    def opener(base: str, viewport: tuple[int, int] = (1400, 1000)) -> BrowserSession:
        context = chromium.new_context(viewport={"width": viewport[0], "height": viewport[1]}, accept_downloads=True)
        contexts.append(context)
        session = BrowserSession(context, None, base)
        context.on("request", lambda request: session.requests.append(request.url))
        context.on("response", lambda response: session.responses.append(response))

        def route(r: Any) -> None:
            if _is_local(r.request.url):
                r.continue_()
            else:
                session.blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        session.page = context.new_page()
        session.page.on("console", lambda message: session.console.append((message.type, message.text)))
        session.page.on("pageerror", lambda error: session.errors.append(str(error)))
        return session

    yield opener
    for context in contexts:
        context.close()
