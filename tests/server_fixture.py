"""Start the real chat app in a subprocess for the UI tests (API and browser) and always stop it.

One server per test session (``app_server``, registered in conftest.py) on a free port, with a temp
corpus holding a copy of the course notes and a temp index dir (built on first start).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from benchmarks.appserver import AppServer, start_app, stop_app

stop_server = stop_app  # the name the tests use

REPO = Path(__file__).resolve().parents[1]
NOTES = REPO.parent / "shared" / "corpus" / "电子政务期末考试重点整理.txt"
START_TIMEOUT_S = float(os.environ.get("EGOV_QA_TEST_START_TIMEOUT", "420"))  # first start builds the index


def start_server(corpus: Path, index: Path, log: Path, args: Sequence[str] = (),
                 timeout: float = START_TIMEOUT_S) -> AppServer:
    """``egov-qa serve --port <free> *args``; returns once the page answers (or fails with its log)."""
    return start_app(corpus, index, log, args=args, timeout=timeout)


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
        stop_app(server)
