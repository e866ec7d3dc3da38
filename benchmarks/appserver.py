"""Run the real chat app (``egov-qa serve``) in a subprocess on a free 127.0.0.1 port.

Shared by the UI test fixtures (tests/server_fixture.py) and ``make loadtest``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
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
        wait_until_up(proc, lambda: _serving(server.url + "/"), server.output, t0 + timeout, "server")
        server.started_s = time.perf_counter() - t0
        return server
    except BaseException:
        stop_app(server)
        raise


def wait_until_up(
    proc: subprocess.Popen, up: Callable[[], bool], output: Callable[[], str], deadline: float, what: str
) -> None:
    """Poll ``up`` until it holds; raise with the process's ``output`` when the process exits first
    or ``deadline`` (a ``time.perf_counter`` value) passes."""
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{output()}")
        if up():
            return
        time.sleep(POLL_S)
    raise TimeoutError(f"{what} not up in time:\n{output()}")


def stop_process(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after 15 s; reaped either way."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def stop_app(server: AppServer) -> None:
    stop_process(server.proc)
