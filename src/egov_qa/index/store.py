"""Build, check and open the Chroma index of note chunks.

Layout of ``settings.index_dir``::

    CURRENT                   name of the live build (replaced atomically with os.replace)
    builds/<time>-<uuid>/     one complete build: chroma/ (two collections) + manifest.json

The collections: one vector per chunk (its label path, heading and body), and one per quotable
piece of a chunk (a sub-item line or a sentence under its point's and section's titles), whose
best match ranks the chunk too — a long unit's one relevant sentence is diluted in the chunk's vector.

A build is written into a fresh directory and only then made live by replacing ``CURRENT``, so a
crash, a failing embedder or a concurrent reader never sees half an index. After the swap every
other build is deleted except the one just replaced: a server that opened it a moment ago keeps
working until it reopens.

Policy: ``open_index`` rebuilds automatically when the index is missing, stale (notes, embedding
model, chunking settings, egov-qa version, index format or the parsed chunks changed) or corrupt
(unreadable manifest or Chroma, vector count mismatch), printing why, because a teacher should
never face a broken page. With ``EGOV_QA_AUTO_INGEST=false`` (or ``auto_build=False``) it raises
``IndexNotReady`` naming ``egov-qa ingest`` instead. A corpus with no readable notes always raises
``IndexNotReady``. The opened ``NotesIndex`` is cached per index folder for the process.

Chroma never embeds anything itself: collections are created and opened with
``embedding_function=None`` and given our vectors, so its default ONNX model is never downloaded.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import chromadb
import chromadb.config
from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from egov_qa.config import Settings
from egov_qa.index.embeddings import load_embeddings
from egov_qa.index.manifest import (
    BUILDS,
    CHROMA_DIR,
    CURRENT,
    MANIFEST,
    MANIFEST_FORMAT,
    PIECE_ID_SEP,
    PIECES_SUFFIX,
    IndexInfo,
    IndexNotReady,
    IndexState,
    IndexStatus,
    corpus_files,
    current_build,
    expected_manifest,
    read_manifest,
    stale_reason,
)
from egov_qa.index.vectors import MatrixSearch, VectorSearch
from egov_qa.ingest.chunking import piece_search_text, quotable_pieces
from egov_qa.ingest.loading import SUPPORTED_SUFFIXES
from egov_qa.ingest.notes import Notes, load_notes
from egov_qa.models import Chunk

BATCH_SIZE = 16  # passages per embedding call: one progress-bar step


# --- Chroma -----------------------------------------------------------------------------------


def _client(build_dir: Path) -> Any:
    return chromadb.PersistentClient(
        path=str(build_dir / CHROMA_DIR),
        settings=chromadb.config.Settings(anonymized_telemetry=False),
    )


def _metadata(chunk: Chunk) -> dict[str, str | int]:
    # Chroma metadata cannot hold None: a missing point is -1, a missing section is omitted.
    meta: dict[str, str | int] = {
        "source": chunk.source,
        "chapter": chunk.chapter,
        "point": -1 if chunk.point is None else chunk.point,
        "label": chunk.label,
        "part": chunk.part,
    }
    if chunk.section is not None:
        meta["section"] = chunk.section
    return meta


# --- status -----------------------------------------------------------------------------------


@dataclass
class _Checked:
    status: IndexStatus
    notes: Notes | None = None  # parsed and matching the stored ids (deep checks only)
    collection: Any = None
    pieces: Any = None


def _check(settings: Settings, deep: bool = True) -> _Checked:
    """Status of the live index; ``deep`` also parses the notes and compares chunk ids."""
    build_dir = current_build(settings)
    if build_dir is None:
        return _Checked(IndexStatus(IndexState.MISSING, f"no index in {settings.index_dir}"))
    if not build_dir.is_dir():
        return _Checked(IndexStatus(IndexState.CORRUPT, f"build {build_dir.name} is missing", build_dir))
    try:
        manifest = read_manifest(build_dir)
    except (OSError, ValueError) as exc:  # JSONDecodeError is a ValueError
        return _Checked(IndexStatus(IndexState.CORRUPT, f"unreadable manifest ({exc})", build_dir))

    def status(state: IndexState, reason: str = "") -> IndexStatus:
        return IndexStatus(state, reason, build_dir, manifest)

    reason = stale_reason(manifest, expected_manifest(settings, corpus_files(settings)))
    if reason:
        return _Checked(status(IndexState.STALE, reason))
    try:
        client = _client(build_dir)
        collection = client.get_collection(settings.collection_name, embedding_function=None)
        pieces = client.get_collection(settings.collection_name + PIECES_SUFFIX, embedding_function=None)
        counts = (collection.count(), pieces.count())
    except Exception as exc:  # noqa: BLE001 - any Chroma failure means the build is unusable
        return _Checked(status(IndexState.CORRUPT, f"unreadable Chroma collection ({exc})"))
    if counts != (manifest["chunk_count"], manifest.get("piece_count")):
        return _Checked(
            status(
                IndexState.CORRUPT,
                f"{counts[0]} chunk and {counts[1]} piece vectors but manifest "
                f"says {manifest['chunk_count']} and {manifest.get('piece_count')}",
            )
        )
    if not deep:
        return _Checked(status(IndexState.OK), None, collection, pieces)
    notes = load_notes(settings)
    stored = collection.get(include=["documents"])
    if dict(zip(stored["ids"], stored["documents"], strict=True)) != {c.id: c.text for c in notes.chunks}:
        # Same files and settings, other chunks or other text in them: the notes parser itself changed.
        return _Checked(status(IndexState.STALE, "stored chunks differ from the parsed notes (parser changed)"))
    return _Checked(status(IndexState.OK), notes, collection, pieces)


def index_status(settings: Settings) -> IndexStatus:
    """Is the live index usable with the current notes and settings? (Never raises for the index.)"""
    return _check(settings).status


# --- build ------------------------------------------------------------------------------------


@contextlib.contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index folder, across processes (server + CLI) where possible."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as handle:
        try:
            import fcntl  # noqa: PLC0415 — POSIX only
        except ImportError:  # Windows: no cross-process lock; the atomic swap still holds
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _empty_corpus(settings: Settings) -> IndexNotReady:
    kinds = "/".join(sorted(SUPPORTED_SUFFIXES))
    return IndexNotReady(
        f"笔记文件夹里没有可读的笔记，请把 .txt / .md / .docx 文件放进 {settings.corpus_dir} / "
        f"no readable notes in the corpus folder {settings.corpus_dir}: put {kinds} files there, "
        "then run: egov-qa ingest"
    )


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)


def _swap_in(settings: Settings, build_name: str) -> None:
    """Make ``build_name`` live atomically, then drop the builds nobody can be using."""
    pointer = settings.index_dir / CURRENT
    previous = pointer.read_text(encoding="utf-8").strip() if pointer.is_file() else None
    tmp = settings.index_dir / f"{CURRENT}.{uuid.uuid4().hex}.tmp"
    tmp.write_text(build_name, encoding="utf-8")
    tmp.replace(pointer)  # os.replace: atomic on POSIX and Windows
    for old in (settings.index_dir / BUILDS).iterdir():
        if old.name not in {build_name, previous}:
            shutil.rmtree(old, ignore_errors=True)


@dataclass(frozen=True)
class _Record:
    id: str
    embedded: str  # the text the vector is made from
    document: str  # the text Chroma stores
    metadata: dict[str, str | int]


def _records(chunks: Sequence[Chunk]) -> tuple[list[_Record], list[_Record]]:
    """One record per chunk and one per quotable piece of each chunk."""
    units = [_Record(c.id, c.search_text, c.text, _metadata(c)) for c in chunks]
    pieces = [
        _Record(f"{c.id}{PIECE_ID_SEP}{n}", piece_search_text(c, piece), piece, {"chunk_id": c.id})
        for c in chunks
        for n, piece in enumerate(quotable_pieces(c))
    ]
    return units, pieces


def _add(collections: Sequence[tuple[Any, list[_Record]]], embeddings: Embeddings, progress: bool) -> None:
    total = sum(len(records) for _, records in collections)
    with tqdm(total=total, desc="embedding", unit="text", disable=not progress) as bar:
        for collection, records in collections:
            for i in range(0, len(records), BATCH_SIZE):
                batch = records[i : i + BATCH_SIZE]
                collection.add(
                    ids=[r.id for r in batch],
                    embeddings=embeddings.embed_documents([r.embedded for r in batch]),
                    documents=[r.document for r in batch],
                    metadatas=[r.metadata for r in batch],
                )
                bar.update(len(batch))


def build_index(settings: Settings, notes: Notes | None = None, progress: bool = True) -> IndexInfo:
    """Embed every chunk into a fresh build and swap it in (always builds; see index_status)."""
    started = time.perf_counter()
    with _build_lock(settings.index_dir):
        files = corpus_files(settings)  # hashed before parsing: a later edit reads as stale
        notes = notes if notes is not None else load_notes(settings)
        if not notes.chunks:
            raise _empty_corpus(settings)
        ids = [c.id for c in notes.chunks]
        if len(set(ids)) != len(ids):
            raise IndexNotReady("duplicate chunk ids: two notes files share a name / 笔记文件重名")
        embeddings = load_embeddings(settings)
        expected = expected_manifest(settings, files)

        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        build_dir = settings.index_dir / BUILDS / name
        build_dir.mkdir(parents=True)
        try:
            client = _client(build_dir)
            units, pieces = _records(notes.chunks)
            stored = [
                (
                    client.create_collection(
                        name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
                    ),
                    records,
                )
                for name, records in (
                    (settings.collection_name, units),
                    (settings.collection_name + PIECES_SUFFIX, pieces),
                )
            ]
            _add(stored, embeddings, progress)
            for collection, records in stored:
                if collection.count() != len(records):
                    raise IndexNotReady(f"Chroma stored {collection.count()} of {len(records)} vectors")
            manifest = {
                "format": MANIFEST_FORMAT,
                **expected,
                "chunk_count": len(units),
                "piece_count": len(pieces),
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "build_seconds": round(time.perf_counter() - started, 2),
            }
            _write_json(build_dir / MANIFEST, manifest)
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        _swap_in(settings, name)
    return IndexInfo(
        build_dir, len(notes.chunks), sorted(files), expected["embedding_model"], time.perf_counter() - started
    )


# --- open -------------------------------------------------------------------------------------


@dataclass
class NotesIndex:
    """The live index plus the parsed notes it was built from; shared by all requests."""

    notes: Notes
    chunks_by_id: dict[str, Chunk]
    embeddings: Embeddings
    manifest: dict[str, Any]
    build_dir: Path
    collection: Any = field(repr=False)  # the Chroma collections: the store of record
    pieces_collection: Any = field(repr=False)
    _units: VectorSearch = field(repr=False)
    _pieces: VectorSearch = field(repr=False)

    def dense_search(self, query: str, k: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity), best first."""
        return self.dense_search_vector(self.embeddings.embed_query(query), k)

    def dense_search_vector(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        return self._units.search([vector], k)[0]

    def piece_search_vector(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k pieces nearest the vector, best first; a chunk
        appears once per piece of it that is among them."""
        return self.piece_search_vectors([vector], k)[0]

    def piece_search_vectors(self, vectors: Sequence[Sequence[float]], k: int) -> list[list[tuple[str, float]]]:
        """``piece_search_vector`` for several vectors in one query."""
        return [
            [(piece_id.rpartition(PIECE_ID_SEP)[0], score) for piece_id, score in hits]
            for hits in self._pieces.search(vectors, k)
        ]


_open_lock = threading.Lock()
_opened: dict[Path, NotesIndex] = {}


def open_index(settings: Settings, auto_build: bool = True, progress: bool = True) -> NotesIndex:
    """The usable index, (re)building it first per the module's policy; raises IndexNotReady."""
    allowed = auto_build and settings.auto_ingest
    key = settings.index_dir.resolve()
    with _open_lock:  # concurrent first requests wait for one build instead of starting two
        cached = _opened.get(key)
        if cached is not None:
            quick = _check(settings, deep=False).status  # ids were verified when it was opened
            if quick.ok and quick.build_dir == cached.build_dir:
                return cached
        for attempt in range(2):
            checked = _check(settings)
            status = checked.status
            if status.ok and checked.notes is not None:
                notes = checked.notes
                assert status.build_dir is not None and status.manifest is not None
                opened = NotesIndex(
                    notes,
                    {c.id: c for c in notes.chunks},
                    load_embeddings(settings),
                    status.manifest,
                    status.build_dir,
                    checked.collection,
                    checked.pieces,
                    MatrixSearch.of_collection(checked.collection),
                    MatrixSearch.of_collection(checked.pieces),
                )
                _opened[key] = opened
                return opened
            if not allowed or attempt:
                raise IndexNotReady(status.message)
            if not corpus_files(settings):
                raise _empty_corpus(settings)
            print(f"{status.summary} — 正在自动重建 / rebuilding…", file=sys.stderr)
            build_index(settings, progress=progress)
    raise AssertionError("unreachable")
