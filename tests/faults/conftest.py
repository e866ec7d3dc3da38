"""Fixtures of the fault tests: a small real index built once and copied into each test's own
folders, the ``egov-qa`` console script as a teacher runs it, and a second app server on a copy of
the session app's index, with its home and temp folders empty and one fault it can be told to
raise (``sitecustomize`` in its ``PYTHONPATH``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from helpers import JIE_NOTES, AppServer, start_server, stop_server

EGOV_QA = Path(sys.executable).with_name("egov-qa")
NOTES_NAME = "jie.txt"
BOOM = "触发一个内部错误"  # the question the fault-injected server fails on, with a file path in the error
SECRET_PATH = "/srv/egov-qa/index/builds/secret/chroma/chroma.sqlite3"

# Loaded by the second server's Python at start: the engine fails, as a garbled disk or a bug would,
# on one question (chat and /ask) and one answer (/check), with an error naming a file.
SITECUSTOMIZE = f'''
import errno


def _boom(text):
    if "{BOOM}" in str(text):
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", "{SECRET_PATH}")


def _patch():
    from egov_qa.check.checker import Checker
    from egov_qa.engine import Engine

    ask, stream, check = Engine.ask, Engine.stream, Checker.check

    def failing_ask(self, question, history=()):
        _boom(question)
        return ask(self, question, history)

    def failing_stream(self, question, history=()):
        _boom(question)
        return stream(self, question, history)

    def failing_check(self, question, answer, citation=None):
        _boom(answer)
        return check(self, question, answer, citation)

    Engine.ask, Engine.stream, Checker.check = failing_ask, failing_stream, failing_check


import importlib.abc
import sys


class _AfterEngine(importlib.abc.MetaPathFinder):
    done = False

    def find_spec(self, name, path, target=None):
        if name == "egov_qa.app.ui" and not self.done:  # imported once the engine is open: patch then
            self.done = True
            _patch()
        return None


sys.meta_path.insert(0, _AfterEngine())
'''


@pytest.fixture(scope="session")
def small_index(tmp_path_factory) -> Path:
    """A folder with ``corpus/`` (helpers.JIE_NOTES) and ``index/``, built once for real."""
    from egov_qa.config import Settings
    from egov_qa.index.store import build_index

    root = tmp_path_factory.mktemp("small")
    (root / "corpus").mkdir()
    (root / "corpus" / NOTES_NAME).write_text(JIE_NOTES, encoding="utf-8")
    build_index(Settings(corpus_dir=root / "corpus", index_dir=root / "index"), progress=False)
    return root


@pytest.fixture
def small(small_index, tmp_path):
    """Settings of a copy of ``small_index`` in this test's own folders (where conftest's autouse
    fixture points EGOV_QA_CORPUS_DIR and EGOV_QA_INDEX_DIR), free to garble."""
    from egov_qa.config import Settings

    shutil.copytree(small_index / "corpus", tmp_path / "corpus")
    shutil.copytree(small_index / "index", tmp_path / "index", ignore=shutil.ignore_patterns("tmp"))
    return Settings()


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed ``egov-qa`` console script (with the test's environment plus ``env``)."""

    def run(*args: str, env: Mapping[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(EGOV_QA), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            timeout=timeout,
        )

    return run


@pytest.fixture(scope="session")
def served_egov(tmp_path_factory, app_server, app_workdir):
    """Settings of a copy of the e-gov index the session's app server built (``app_server``): these
    tests need that server anyway, so the e-gov notes are embedded once for them, not twice; a copy,
    so the console script's Chroma never opens the files the server has open."""
    from egov_qa.config import Settings

    root = tmp_path_factory.mktemp("served_egov")
    shutil.copytree(app_workdir / "corpus", root / "corpus")
    shutil.copytree(app_workdir / "index", root / "index", ignore=shutil.ignore_patterns("tmp", ".lock"))
    return Settings(corpus_dir=root / "corpus", index_dir=root / "index", auto_ingest=False)


@pytest.fixture(scope="session")
def served_engine(served_egov):
    """The engine over ``served_egov`` (conftest's ``egov_engine``, without a second e-gov build)."""
    from egov_qa.engine import Engine

    return Engine.open(served_egov, progress=False)


@pytest.fixture(scope="session")
def isolated_workdir(tmp_path_factory, app_server, app_workdir) -> Path:
    """A copy of the session app's corpus and built index, plus empty ``home/``, ``tmp/`` and
    ``cwd/`` folders and the fault's ``sitecustomize.py`` in ``site/``."""
    root = tmp_path_factory.mktemp("isolated")
    shutil.copytree(app_workdir / "corpus", root / "corpus")
    shutil.copytree(app_workdir / "index", root / "index", ignore=shutil.ignore_patterns("tmp", ".lock"))
    for name in ("home", "tmp", "cwd", "site"):
        (root / name).mkdir()
    (root / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def isolated_server(isolated_workdir: Path) -> Iterator[AppServer]:
    """``egov-qa serve`` on ``isolated_workdir``: HOME and TMPDIR are its empty folders, its working
    directory is ``cwd/`` (where only its log is written) and it fails on the question ``BOOM``."""
    root = isolated_workdir
    env = {
        "HOME": str(root / "home"),
        "TMPDIR": str(root / "tmp"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root / "site"), os.environ.get("PYTHONPATH")])),
        "PYTHONDONTWRITEBYTECODE": "1",
        "EGOV_QA_AUTO_INGEST": "false",  # the copied index is ready; a rebuild would be a failure here
        "GRADIO_TEMP_DIR": "",  # unset: the app's own choice is under test
    }
    server = start_server(root / "corpus", root / "index", root / "cwd" / "server.log", env=env, timeout=120)
    try:
        yield server
    finally:
        stop_server(server)
