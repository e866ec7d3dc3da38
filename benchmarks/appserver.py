"""Run the real chat app (``egov-qa serve``) in a subprocess on a free 127.0.0.1 port.

Shared by the UI test fixtures (tests/server_fixture.py) and ``make loadtest``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# No urllib/ssl at module level: loadtest imports this before locust's gevent monkey-patching.

HOST = "127.0.0.1"
POLL_S = 0.2


@dataclass
class AppServer:
    proc: subprocess.Popen
    host: str
    port: int
    log: Path
    started_s: float = 0.0  # process start → page served
    tail: int | None = None  # output() keeps only the last `tail` characters

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def output(self) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return text[-self.tail :] if self.tail else text


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _serving(url: str) -> bool:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_app(
    corpus: Path,
    index: Path,
    log: Path,
    *,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    timeout: float,
    tail: int | None = None,
) -> AppServer:
    """``egov-qa serve --host 127.0.0.1 --port <free> *args`` with ``env`` added, output to ``log``;
    returns once ``GET /`` answers 200, else stops it and raises with its output."""
    port = free_port()
    full_env = {
        **os.environ,
        "EGOV_QA_CORPUS_DIR": str(corpus),
        "EGOV_QA_INDEX_DIR": str(index),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    cmd = [
        sys.executable,
        "-c",
        "from egov_qa.app.cli import app; app()",
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        *args,
    ]
    t0 = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=log.parent, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    server = AppServer(proc, HOST, port, log, tail=tail)
    try:
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}:\n{server.output()}")
            if _serving(server.url + "/"):
                server.started_s = time.perf_counter() - t0
                return server
            time.sleep(POLL_S)
        raise TimeoutError(f"server not up after {timeout:.0f}s:\n{server.output()}")
    except BaseException:
        stop_app(server)
        raise


def stop_app(server: AppServer) -> None:
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(timeout=15)
