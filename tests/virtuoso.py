"""A private Virtuoso for tests and benchmarks: free ports, a temporary folder, started and stopped
through scripts/virtuoso.sh (the one place that writes its ini and grants SPARQL Update).

    with VirtuosoServer(tmp_dir) as server:
        store = RemoteStore(server.endpoint)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "virtuoso.sh"


class VirtuosoUnavailable(RuntimeError):
    """Virtuoso is not installed and cannot be, or its server does not start: the reason, for skips."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_installed() -> None:
    """virtuoso-t and isql-vt present, else `scripts/virtuoso.sh install` (apt-get, needs root)."""
    if shutil.which("virtuoso-t") and shutil.which("isql-vt"):
        return
    if os.geteuid() != 0:
        raise VirtuosoUnavailable("virtuoso-t is not installed and installing it needs root "
                                  "(run: sudo bash scripts/virtuoso.sh install)")
    done = subprocess.run(["bash", str(SCRIPT), "install"], capture_output=True, text=True, timeout=900)
    if done.returncode != 0 or not shutil.which("virtuoso-t"):
        raise VirtuosoUnavailable(f"could not install virtuoso-opensource: {done.stderr.strip()[-500:]}")


@dataclass
class VirtuosoServer:
    """One virtuoso-t process with its database in ``folder`` (ports picked at run time)."""

    folder: Path
    buffers: int = 10000  # 8 KB pages: 80 MB is plenty for the samples
    sql_port: int = 0
    http_port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def endpoint(self) -> str:
        """Anonymous endpoint; the script lets it update (a private server on 127.0.0.1)."""
        return f"{self.base}/sparql"

    @property
    def auth_endpoint(self) -> str:
        """HTTP digest, user dba / password dba."""
        return f"{self.base}/sparql-auth"

    @property
    def graph_store(self) -> str:
        return f"{self.base}/sparql-graph-crud"

    def start(self, timeout: float = 300) -> VirtuosoServer:
        ensure_installed()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sql_port, self.http_port = self.sql_port or free_port(), self.http_port or free_port()
        try:
            done = subprocess.run(["bash", str(SCRIPT), "start", str(self.folder), str(self.sql_port),
                                   str(self.http_port), str(self.buffers)],
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise VirtuosoUnavailable(f"virtuoso-t did not answer within {timeout:.0f} s") from None
        if done.returncode != 0:
            self.stop()
            raise VirtuosoUnavailable(f"virtuoso-t did not start: {(done.stderr or done.stdout).strip()[-800:]}")
        return self

    def isql(self, sql: str, timeout: float = 3600) -> str:
        done = subprocess.run(["bash", str(SCRIPT), "isql", str(self.folder), f"exec={sql}"],
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"isql-vt failed: {(done.stderr or done.stdout).strip()[-500:]}")
        return done.stdout

    def bulk_load(self, folder: Path, pattern: str = "*.nq", timeout: float = 7200) -> None:
        """ld_dir + rdf_loader_run + checkpoint (DESIGN.md §5)."""
        done = subprocess.run(["bash", str(SCRIPT), "load", str(self.folder), str(folder), pattern],
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"bulk load failed: {(done.stderr or done.stdout).strip()[-500:]}")

    def pid(self) -> int | None:
        try:
            return int((self.folder / "virtuoso.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        if (self.folder / "virtuoso.ini").exists():
            subprocess.run(["bash", str(SCRIPT), "stop", str(self.folder)], capture_output=True, text=True,
                           timeout=120)

    def __enter__(self) -> VirtuosoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
