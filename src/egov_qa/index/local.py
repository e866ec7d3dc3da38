"""The embedded store: builds in ``index_dir``, one made live by replacing a pointer file.

Layout of ``settings.index_dir``::

    CURRENT                   name of the live build (replaced atomically with os.replace)
    builds/<time>-<uuid>/     one complete build: chroma/ (two collections) + manifest.json

A build is written into a fresh directory and only then made live by replacing ``CURRENT``. After
the swap every other build is deleted except the one just replaced: a server that opened it a
moment ago keeps working until it reopens. Answers search the vectors in memory (``MatrixSearch``),
read once when the build is opened.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import chromadb
import chromadb.config

from egov_qa.config import Settings
from egov_qa.index.backend import HNSW_COSINE, Live
from egov_qa.index.manifest import BUILDS, CHROMA_DIR, CURRENT, MANIFEST, PIECES_SUFFIX, read_manifest
from egov_qa.index.vectors import MatrixSearch, VectorSearch
from egov_qa.ingest.notes import Notes


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
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


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)


class LocalBackend:
    serves_stored_notes = False  # the notes files are beside it: they are parsed again

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.index_dir = settings.index_dir
        self.key = ("local", settings.index_dir.resolve(), settings.collection_name)
        self.where = str(settings.index_dir)

    def build_dir(self, build: str) -> Path:
        return self.index_dir / BUILDS / build

    def _client(self, build: str) -> Any:
        return chromadb.PersistentClient(
            path=str(self.build_dir(build) / CHROMA_DIR),
            settings=chromadb.config.Settings(anonymized_telemetry=False),
        )

    def reachable(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    def live_build(self) -> str | None:
        pointer = self.index_dir / CURRENT
        try:
            return pointer.read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def live(self) -> Live | None:
        build = self.live_build()
        if build is None:
            return None
        build_dir = self.build_dir(build)
        if not build_dir.is_dir():
            return Live(build, problem=f"build {build} is missing")
        try:
            return Live(build, read_manifest(build_dir))
        except (OSError, ValueError) as exc:  # JSONDecodeError is a ValueError
            return Live(build, problem=f"unreadable manifest ({exc})")

    def collections(self, build: str) -> tuple[Any, Any]:
        client = self._client(build)
        name = self.settings.collection_name
        return (
            client.get_collection(name, embedding_function=None),
            client.get_collection(name + PIECES_SUFFIX, embedding_function=None),
        )

    def stored_notes(self, build: str) -> Notes:
        raise ValueError("the embedded store keeps no parsed notes: they are read from the corpus folder")

    def search(self, collection: Any, count: int) -> VectorSearch:
        return MatrixSearch.of_collection(collection)

    def lock(self) -> contextlib.AbstractContextManager[None]:
        return build_lock(self.index_dir)

    def create(self, build: str) -> tuple[Any, Any]:
        self.build_dir(build).mkdir(parents=True)
        client = self._client(build)
        name = self.settings.collection_name
        return (
            client.create_collection(name, embedding_function=None, configuration=HNSW_COSINE),
            client.create_collection(name + PIECES_SUFFIX, embedding_function=None, configuration=HNSW_COSINE),
        )

    def commit(self, build: str, manifest: dict[str, Any], notes: Notes) -> None:
        _write_json(self.build_dir(build) / MANIFEST, manifest)

    def discard(self, build: str) -> None:
        shutil.rmtree(self.build_dir(build), ignore_errors=True)

    def switch(self, build: str, manifest: dict[str, Any]) -> None:
        previous = self.live_build()
        tmp = self.index_dir / f"{CURRENT}.{uuid.uuid4().hex}.tmp"
        tmp.write_text(build, encoding="utf-8")
        tmp.replace(self.index_dir / CURRENT)  # os.replace: atomic on POSIX and Windows
        for old in (self.index_dir / BUILDS).iterdir():
            if old.name not in {build, previous}:
                shutil.rmtree(old, ignore_errors=True)
