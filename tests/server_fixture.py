"""Start the real chat app in a subprocess for the UI tests (API and browser) and always stop it.

One server per test session (``app_server``, registered in conftest.py) on a free port, with a temp
corpus holding a copy of the course notes and a temp index dir (built on first start).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTES = REPO.parent / "shared" / "corpus" / "电子政务期末考试重点整理.txt"
START_TIMEOUT_S = float(os.environ.get("EGOV_QA_TEST_START_TIMEOUT", "420"))  # first start builds the index


@dataclass
class AppServer:
    proc: subprocess.Popen
    host: str
    port: int
    log: Path
    started_s: float  # process start → page served

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serving(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_server(corpus: Path, index: Path, log: Path, args: Sequence[str] = (),
                 timeout: float = START_TIMEOUT_S) -> AppServer:
    """``egov-qa serve --port <free> *args``; returns once the page answers (or fails with its log)."""
    port = free_port()
    env = {**os.environ, "EGOV_QA_CORPUS_DIR": str(corpus), "EGOV_QA_INDEX_DIR": str(index),
           "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-c", "from egov_qa.cli import app; app()", "serve", "--port", str(port), *args]
    t0 = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=log.parent, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = AppServer(proc, "127.0.0.1", port, log, 0.0)
    deadline = t0 + timeout
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{server.output()}")
        if _serving(server.url + "/"):
            server.started_s = time.perf_counter() - t0
            return server
        time.sleep(0.2)
    stop_server(server)
    raise TimeoutError(f"server not up after {timeout:.0f}s:\n{server.output()}")


def stop_server(server: AppServer) -> None:
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(timeout=15)


@pytest.fixture(scope="session")
def app_workdir(tmp_path_factory) -> Path:
    """A temp dir with corpus/ (a copy of the notes) and index/ shared by every server of the session."""
    root = tmp_path_factory.mktemp("app")
    (root / "corpus").mkdir()
    shutil.copy(NOTES, root / "corpus" / NOTES.name)
    return root


@pytest.fixture(scope="session")
def app_server(app_workdir: Path) -> Iterator[AppServer]:
    server = start_server(app_workdir / "corpus", app_workdir / "index", app_workdir / "server.log")
    try:
        yield server
    finally:
        stop_server(server)
