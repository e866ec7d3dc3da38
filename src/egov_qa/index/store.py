"""Build, check and open the Chroma index of note chunks.

Where the index lives (``backend.py``): the embedded store in ``index_dir`` (``local.py``), or,
with ``EGOV_QA_CHROMA_HOST`` set, a Chroma server shared by every app process pointed at it
(``remote.py``). Either way each build is complete before one atomic switch makes it live, so a
crash, a failing embedder or a concurrent reader never sees half an index, and after the switch the
build it replaced is kept (a process may still be reading it) and older ones are dropped.

The collections: one vector per chunk (its label path, heading and body), and one per quotable
piece of a chunk (a sub-item line or a sentence under its point's and section's titles), whose
best match ranks the chunk too — a long unit's one relevant sentence is diluted in the chunk's vector.

Policy: ``open_index`` rebuilds automatically when the index is missing, stale (notes, embedding
model, chunking settings, egov-qa version, index format or the parsed chunks changed) or corrupt
(unreadable manifest or Chroma, vector count mismatch), printing why, because a teacher should
never face a broken page. With ``EGOV_QA_AUTO_INGEST=false`` (or ``auto_build=False``) it raises
``IndexNotReady`` naming ``egov-qa ingest`` instead. A corpus with no readable notes raises
``IndexNotReady`` — except that a machine with no notes files serves a Chroma server's live build
from the notes stored with it (only the index format and the embedding model must match). A server
that does not answer raises ``IndexUnavailable`` (an ``IndexNotReady``). The opened ``NotesIndex``
is cached per index for the process, and opened afresh when another build has gone live.

Chroma never embeds anything itself: collections are created and opened with
``embedding_function=None`` and given our vectors, so its default ONNX model is never downloaded.
"""

from __future__ import annotations

import sys
import threading
import time
import uuid
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from egov_qa.config import Settings
from egov_qa.index.backend import Backend
from egov_qa.index.disk import disk_full, disk_full_message
from egov_qa.index.embeddings import load_embeddings
from egov_qa.index.integrity import chroma_problem
from egov_qa.index.local import LocalBackend
from egov_qa.index.manifest import (
    BUILDS,
    CURRENT,
    MANIFEST,
    MANIFEST_FORMAT,
    PIECE_ID_SEP,
    IndexInfo,
    IndexNotReady,
    IndexState,
    IndexStatus,
    IndexUnavailable,
    corpus_files,
    expected_manifest,
    serving_stale_reason,
    stale_reason,
)
from egov_qa.index.remote import ServerBackend
from egov_qa.index.vectors import Vector, VectorSearch
from egov_qa.ingest.chunking import piece_search_text, quotable_pieces
from egov_qa.ingest.loading import SUPPORTED_SUFFIXES
from egov_qa.ingest.notes import Notes, load_notes
from egov_qa.models import Chunk

__all__ = [
    "BUILDS",
    "CURRENT",
    "MANIFEST",
    "IndexNotReady",
    "IndexState",
    "IndexStatus",
    "IndexUnavailable",
    "NotesIndex",
    "backend_for",
    "build_index",
    "index_status",
    "live_build",
    "open_index",
]

BATCH_SIZE = 16  # passages per embedding call: one progress-bar step


def backend_for(settings: Settings) -> Backend:
    """A Chroma server when ``chroma_host`` is set, else the embedded store in ``index_dir``."""
    return ServerBackend(settings) if settings.chroma_host else LocalBackend(settings)


def live_build(settings: Settings) -> str | None:
    """The name of the live build (None: nothing built yet), cheap enough to poll every second:
    the pointer file's content, or one request to the Chroma server (``IndexUnavailable`` when it
    does not answer)."""
    return backend_for(settings).live_build()


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
    notes: Notes | None = None  # parsed (or stored) and matching the stored ids (deep checks only)
    collection: Any = None
    pieces: Any = None


def _check(settings: Settings, backend: Backend, deep: bool = True, trusted: str | None = None) -> _Checked:
    """Status of the live index; ``deep`` also parses the notes and compares chunk ids. A build
    named ``trusted`` (opened and verified before) is not counted again by a shallow check.
    Raises ``IndexUnavailable`` when a Chroma server does not answer."""
    live = backend.live()
    if live is None:
        return _Checked(IndexStatus(IndexState.MISSING, f"no index in {backend.where}"))
    build_dir = backend.build_dir(live.build)

    def status(state: IndexState, reason: str = "") -> IndexStatus:
        return IndexStatus(state, reason, build_dir, live.manifest, live.build)

    manifest = live.manifest
    if manifest is None or live.problem:
        return _Checked(status(IndexState.CORRUPT, live.problem))
    files = corpus_files(settings)
    serving = backend.serves_stored_notes and not files  # no notes here: serve the stored ones
    if serving:
        reason = serving_stale_reason(manifest, settings)
    else:
        reason = stale_reason(manifest, expected_manifest(settings, files))
    if reason:
        return _Checked(status(IndexState.STALE, reason))
    if not deep and trusted == live.build:
        return _Checked(status(IndexState.OK))
    damaged = chroma_problem(build_dir) if build_dir is not None else None
    if damaged:  # files that would crash Chroma's native code: not opened (index.integrity)
        return _Checked(status(IndexState.CORRUPT, damaged))
    try:
        with backend.reachable():
            collection, pieces = backend.collections(live.build)
            counts = (collection.count(), pieces.count())
    except IndexUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - any Chroma failure means the build is unusable
        what = "disk full, Chroma cannot open the build" if disk_full(exc, None) else "unreadable Chroma collection"
        return _Checked(status(IndexState.CORRUPT, f"{what} ({exc})"))
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
    if serving:
        try:
            notes = backend.stored_notes(live.build)
        except (ValueError, TypeError, KeyError) as exc:
            return _Checked(status(IndexState.CORRUPT, f"unreadable stored notes ({exc})"))
        if len(notes.chunks) != manifest["chunk_count"]:
            return _Checked(status(IndexState.CORRUPT, f"{len(notes.chunks)} stored chunks, {counts[0]} vectors"))
        return _Checked(status(IndexState.OK), notes, collection, pieces)
    notes = load_notes(settings)
    with backend.reachable():
        stored = collection.get(include=["documents"])
    if dict(zip(stored["ids"], stored["documents"], strict=True)) != {c.id: c.text for c in notes.chunks}:
        # Same files and settings, other chunks or other text in them: the notes parser itself changed.
        return _Checked(status(IndexState.STALE, "stored chunks differ from the parsed notes (parser changed)"))
    return _Checked(status(IndexState.OK), notes, collection, pieces)


def index_status(settings: Settings) -> IndexStatus:
    """Is the live index usable with the current notes and settings? (Never raises for the index:
    a Chroma server that does not answer is ``IndexState.UNREACHABLE``.)"""
    try:
        return _check(settings, backend_for(settings)).status
    except IndexUnavailable as exc:
        return IndexStatus(IndexState.UNREACHABLE, str(exc))


# --- build ------------------------------------------------------------------------------------


def _empty_corpus(settings: Settings, backend: Backend) -> IndexNotReady:
    kinds = "/".join(sorted(SUPPORTED_SUFFIXES))
    served = (
        f" — or, to serve the notes indexed on the {backend.where}, run egov-qa ingest once where the notes are"
        if backend.serves_stored_notes
        else ""
    )
    return IndexNotReady(
        f"笔记文件夹里没有可读的笔记，请把 .txt / .md / .docx 文件放进 {settings.corpus_dir} / "
        f"no readable notes in the corpus folder {settings.corpus_dir}: put {kinds} files there, "
        f"then run: egov-qa ingest{served}"
    )


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


def new_build_name() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def build_index(settings: Settings, notes: Notes | None = None, progress: bool = True) -> IndexInfo:
    """Embed every chunk into a fresh build and switch it in (always builds; see index_status)."""
    started = time.perf_counter()
    backend = backend_for(settings)
    with backend.lock():
        files = corpus_files(settings)  # hashed before parsing: a later edit reads as stale
        notes = notes if notes is not None else load_notes(settings)
        if not notes.chunks:
            raise _empty_corpus(settings, backend)
        ids = [c.id for c in notes.chunks]
        if len(set(ids)) != len(ids):
            raise IndexNotReady("duplicate chunk ids: two notes files share a name / 笔记文件重名")
        embeddings = load_embeddings(settings)
        expected = expected_manifest(settings, files)
        name = new_build_name()
        units, pieces = _records(notes.chunks)
        try:
            stored = list(zip(backend.create(name), (units, pieces), strict=True))
            with backend.reachable():
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
            backend.commit(name, manifest, notes)
        except BaseException as exc:
            folder = backend.build_dir(name)  # None on a Chroma server
            full = isinstance(exc, Exception) and disk_full(exc, folder)  # measured before discard frees space
            backend.discard(name)
            if full:  # index.disk: a clear message; the live build is untouched
                local = settings.index_dir if folder is not None else None
                raise IndexNotReady(disk_full_message(backend.where, local, backend.live_build(), exc)) from exc
            raise
        backend.switch(name, manifest)
    return IndexInfo(
        build=name,
        build_dir=backend.build_dir(name),
        chunk_count=len(notes.chunks),
        files=sorted(files),
        model_id=expected["embedding_model"],
        seconds=time.perf_counter() - started,
        where=backend.where,
    )


# --- open -------------------------------------------------------------------------------------


@dataclass
class NotesIndex:
    """The live index plus the parsed notes it was built from; shared by all requests."""

    notes: Notes
    chunks_by_id: dict[str, Chunk]
    embeddings: Embeddings
    manifest: dict[str, Any]
    build: str  # the build's name: which build this is (a new one goes live under a new name)
    build_dir: Path | None  # the embedded store's build folder (None on a Chroma server)
    collection: Any = field(repr=False)  # the Chroma collections: the store of record
    pieces_collection: Any = field(repr=False)
    _units: VectorSearch = field(repr=False)  # in memory (embedded store) or a query per call (server)
    _pieces: VectorSearch = field(repr=False)

    def dense_search(self, query: str, k: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity), best first."""
        return self.dense_search_vector(self.embeddings.embed_query(query), k)

    def dense_search_vector(self, vector: Vector, k: int) -> list[tuple[str, float]]:
        return self._units.search([vector], k)[0]

    def piece_search_vector(self, vector: Vector, k: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k pieces nearest the vector, best first; a chunk
        appears once per piece of it that is among them."""
        return self.piece_search_vectors([vector], k)[0]

    def piece_search_vectors(self, vectors: Sequence[Vector], k: int) -> list[list[tuple[str, float]]]:
        """``piece_search_vector`` for several vectors in one query."""
        return [[(_chunk_of(piece_id), score) for piece_id, score in hits] for hits in self._pieces.search(vectors, k)]

    def only(self, source: str) -> NotesIndex:
        """One notes file's chunks and vectors (a course on its own); the rest is shared."""
        notes = self.notes.only(source)
        ids = {c.id for c in notes.chunks}
        units, pieces = self._units.only(ids.__contains__), self._pieces.only(lambda p: _chunk_of(p) in ids)
        return replace(self, notes=notes, chunks_by_id={c.id: c for c in notes.chunks}, _units=units, _pieces=pieces)


def _chunk_of(piece_id: str) -> str:
    """The id of the chunk a piece vector belongs to."""
    return piece_id.rpartition(PIECE_ID_SEP)[0]


_open_lock = threading.Lock()
_opened: dict[Hashable, NotesIndex] = {}


def open_index(settings: Settings, auto_build: bool = True, progress: bool = True) -> NotesIndex:
    """The usable index, (re)building it first per the module's policy; raises IndexNotReady
    (IndexUnavailable when a Chroma server does not answer)."""
    allowed = auto_build and settings.auto_ingest
    backend = backend_for(settings)
    with _open_lock:  # concurrent first requests wait for one build instead of starting two
        cached = _opened.get(backend.key)
        if cached is not None:
            quick = _check(settings, backend, deep=False, trusted=cached.build).status
            if quick.ok and quick.build == cached.build:
                return cached
        for attempt in range(2):
            checked = _check(settings, backend)
            status = checked.status
            if status.ok and checked.notes is not None:
                assert status.build is not None and status.manifest is not None
                notes, manifest = checked.notes, status.manifest
                with backend.reachable():
                    units = backend.search(checked.collection, manifest["chunk_count"])
                    pieces = backend.search(checked.pieces, manifest["piece_count"])
                opened = NotesIndex(
                    notes=notes,
                    chunks_by_id={c.id: c for c in notes.chunks},
                    embeddings=load_embeddings(settings),
                    manifest=manifest,
                    build=status.build,
                    build_dir=status.build_dir,
                    collection=checked.collection,
                    pieces_collection=checked.pieces,
                    _units=units,
                    _pieces=pieces,
                )
                _opened[backend.key] = opened
                return opened
            if not allowed or attempt:
                raise IndexNotReady(status.message)
            if not corpus_files(settings):
                raise _empty_corpus(settings, backend)
            print(f"{status.summary} — 正在自动重建 / rebuilding…", file=sys.stderr)
            build_index(settings, progress=progress)
    raise AssertionError("unreachable")
