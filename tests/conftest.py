"""Shared fixtures. Every test runs with corpus and index pointed at its own temp dirs, so no
test touches the user's ``corpus/`` or ``index/`` (as in simonw/llm's autouse fixture)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EGOV_NOTES = SHARED / "corpus" / "电子政务期末考试重点整理.txt"
EVAL_DIR = SHARED / "eval"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("EGOV_QA_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("EGOV_QA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.chdir(tmp_path)  # a stray relative path or .env never hits the checkout


@pytest.fixture(scope="session")
def egov_notes() -> Path:
    return EGOV_NOTES


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    return EVAL_DIR


@pytest.fixture
def corpus_with(tmp_path):
    """Copy the given files into a fresh corpus folder and return it."""

    def make(*files: Path) -> Path:
        corpus = tmp_path / "corpus"
        corpus.mkdir(exist_ok=True)
        for f in files:
            shutil.copy(f, corpus / f.name)
        return corpus

    return make


# Session-scoped chat-app server (real subprocess) for tests/test_ui_api.py and tests/test_ui_browser.py.
from server_fixture import app_server, app_workdir  # noqa: E402,F401
