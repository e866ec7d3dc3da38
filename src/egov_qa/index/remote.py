"""The index on a Chroma server (``chroma run --path …``), shared by every app process pointed at it.

Collections on the server, for ``collection_name`` N::

    N-<build>          one vector per chunk (as in the embedded store)
    N-<build>-pieces   one vector per quotable piece
    N-live             the registry: its metadata {"build", "manifest"} names the live build (the
                       atomic switch is one metadata update); its records hold each complete
                       build's parsed notes (``codec``), ids "<build>:<n>", metadata {"build", "n"}

A build is made live only after its collections hold every vector (counted) and its notes are
stored; the switch then drops every other complete build except the one it replaced (a process
may still be reading it). A build with collections but no notes yet is being built right now
(perhaps from another machine) and is left alone, unless it started over an hour ago (a crashed
build). Every answer queries the server (``ChromaSearch``), so all processes
serve what the server holds; a server that does not answer raises ``IndexUnavailable`` with a
clear message, and the next call simply tries again.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import chromadb
import chromadb.config
import httpx
from chromadb.config import DEFAULT_DATABASE, DEFAULT_TENANT
from chromadb.errors import ChromaError, NotFoundError

from egov_qa.config import Settings
from egov_qa.index.backend import HNSW_COSINE, Live
from egov_qa.index.codec import notes_documents, notes_of
from egov_qa.index.local import build_lock
from egov_qa.index.manifest import LIVE_SUFFIX, PIECES_SUFFIX, IndexUnavailable, check_manifest
from egov_qa.index.vectors import ChromaSearch, VectorSearch
from egov_qa.ingest.notes import Notes

CONNECT_TIMEOUT_S = 5.0
REQUEST_TIMEOUT_S = 60.0  # a request to a server that stopped answering fails after this
BUILD_NAME = r"\d{8}T\d{6}-[0-9a-f]{8}"  # store.new_build_name()
ABANDONED_AFTER = timedelta(hours=1)
PAGE = 100  # collections listed per request

_clients: dict[tuple[str, int], Any] = {}
_clients_lock = threading.Lock()


def _abandoned(build: str) -> bool:
    """A build with collections but no stored notes is being built now, or was abandoned (a crash)
    if it started more than ``ABANDONED_AFTER`` ago."""
    try:
        started = datetime.strptime(build[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return False
    return datetime.now(UTC) - started > ABANDONED_AFTER


def _detail(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


class ServerBackend:
    serves_stored_notes = True

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.host, self.port = settings.chroma_host, settings.chroma_port
        self.name = settings.collection_name
        self.key = ("chroma", self.host, self.port, self.name)
        self.where = f"Chroma server {self.host}:{self.port}"
        self.registry_name = self.name + LIVE_SUFFIX
        self._builds = re.compile(rf"^{re.escape(self.name)}-({BUILD_NAME})(?:{re.escape(PIECES_SUFFIX)})?$")

    # --- connection -----------------------------------------------------------------------------

    def unreachable(self, exc: BaseException) -> IndexUnavailable:
        return IndexUnavailable(
            f"笔记索引服务器暂时连不上，请稍后再试 / the Chroma server at {self.host}:{self.port} is not "
            f"reachable ({_detail(exc)}); answers work again as soon as it is back"
        )

    @contextlib.contextmanager
    def reachable(self) -> Iterator[None]:
        """Connection failures (refused, reset, timed out) become ``IndexUnavailable``."""
        try:
            yield
        except (httpx.TransportError, ConnectionError) as exc:
            raise self.unreachable(exc) from exc

    @contextlib.contextmanager
    def answering(self) -> Iterator[None]:
        """Around the searches of an answer: a build the server no longer has (dropped after two
        newer ones went live) or a server error is unavailable too, not a traceback."""
        with self.reachable():
            try:
                yield
            except NotFoundError as exc:
                raise IndexUnavailable(
                    f"笔记索引已更新，请再问一次 / this index build is no longer on the {self.where} "
                    f"(a newer one is live; reopen the index): {_detail(exc)}"
                ) from exc
            except ChromaError as exc:
                raise IndexUnavailable(
                    f"笔记索引服务器出错，请稍后再试 / the {self.where} failed: {_detail(exc)}"
                ) from exc

    def client(self) -> Any:
        """One HTTP client per server and process (it reconnects by itself once the server is back)."""
        key = (self.host, self.port)
        with _clients_lock:
            if key in _clients:
                return _clients[key]
            try:  # fail fast and clearly: chromadb's own client has no timeout at all
                httpx.get(f"http://{self.host}:{self.port}/api/v2/heartbeat", timeout=CONNECT_TIMEOUT_S)
                client = chromadb.HttpClient(
                    host=self.host, port=self.port, settings=chromadb.config.Settings(anonymized_telemetry=False)
                )
            except (httpx.HTTPError, ValueError, ConnectionError) as exc:
                raise self.unreachable(exc) from exc
            session = getattr(getattr(client, "_server", None), "_session", None)
            if isinstance(session, httpx.Client):
                session.timeout = httpx.Timeout(REQUEST_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
            _clients[key] = client
            return client

    def _registry(self, create: bool = False) -> Any:
        client = self.client()
        if create:
            return client.get_or_create_collection(self.registry_name, embedding_function=None)
        return client.get_collection(self.registry_name, embedding_function=None)

    def _pointer(self) -> dict[str, Any]:
        """The registry's metadata ({} when there is no registry yet)."""
        with self.reachable():
            try:
                return dict(self._registry().metadata or {})
            except NotFoundError:
                return {}
            except ChromaError as exc:  # the server answers, with an error of its own
                raise IndexUnavailable(f"笔记索引服务器出错 / the {self.where} failed: {_detail(exc)}") from exc

    # --- reading ----------------------------------------------------------------------------------

    def build_dir(self, build: str) -> Path | None:
        return None

    def live_build(self) -> str | None:
        build = self._pointer().get("build")
        return str(build) if build else None

    def live(self) -> Live | None:
        pointer = self._pointer()
        build = pointer.get("build")
        if not build:
            return None
        try:
            return Live(str(build), check_manifest(json.loads(str(pointer.get("manifest")))))
        except (ValueError, TypeError) as exc:
            return Live(str(build), problem=f"unreadable manifest ({_detail(exc)})")

    def _names(self, build: str) -> tuple[str, str]:
        return f"{self.name}-{build}", f"{self.name}-{build}{PIECES_SUFFIX}"

    def collections(self, build: str) -> tuple[Any, Any]:
        client = self.client()
        units, pieces = self._names(build)
        with self.reachable():
            return (
                client.get_collection(units, embedding_function=None),
                client.get_collection(pieces, embedding_function=None),
            )

    def stored_notes(self, build: str) -> Notes:
        with self.reachable():
            stored = self._registry().get(where={"build": build}, include=["documents", "metadatas"])
        if not stored["ids"]:
            raise ValueError(f"no notes stored for build {build}")
        parts = sorted(zip(stored["metadatas"], stored["documents"], strict=True), key=lambda p: int(p[0]["n"]))
        return notes_of([document for _, document in parts])

    def search(self, collection: Any, count: int) -> VectorSearch:
        return ChromaSearch(collection, count, guard=self.answering)

    # --- building ---------------------------------------------------------------------------------

    def lock(self) -> contextlib.AbstractContextManager[None]:
        return build_lock(self.settings.index_dir)  # builds from one machine; see docs/deploy.md

    def create(self, build: str) -> tuple[Any, Any]:
        client = self.client()
        units, pieces = self._names(build)
        with self.reachable():
            return (
                client.create_collection(units, embedding_function=None, configuration=HNSW_COSINE),
                client.create_collection(pieces, embedding_function=None, configuration=HNSW_COSINE),
            )

    def commit(self, build: str, manifest: dict[str, Any], notes: Notes) -> None:
        documents = notes_documents(notes)
        with self.reachable():
            registry = self._registry(create=True)
            registry.add(
                ids=[f"{build}:{n}" for n in range(len(documents))],
                embeddings=[[1.0]] * len(documents),  # records, not vectors: Chroma wants one anyway
                documents=documents,
                metadatas=[{"build": build, "n": n} for n in range(len(documents))],
            )
            stored = registry.get(where={"build": build}, include=[])["ids"]
        if len(stored) != len(documents):
            raise RuntimeError(f"Chroma stored {len(stored)} of {len(documents)} notes records")

    def discard(self, build: str) -> None:
        with contextlib.suppress(Exception):  # as far as it got; a later build drops what is left
            client = self.client()
            for name in self._names(build):
                with contextlib.suppress(NotFoundError):
                    client.delete_collection(name)
            self._registry().delete(where={"build": build})

    def switch(self, build: str, manifest: dict[str, Any]) -> None:
        client = self.client()
        with self.reachable():
            registry = self._registry(create=True)
            previous = (registry.metadata or {}).get("build")
            for collection in self.collections(build):  # still there (not dropped by another build)
                collection.count()
            registry.modify(
                metadata={
                    "build": build,
                    "manifest": json.dumps(manifest, ensure_ascii=False),
                    "switched_at": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            )
            keep = {build, previous}
            complete = {m["build"] for m in registry.get(include=["metadatas"])["metadatas"]}
            for name in self._collection_names():
                found = self._builds.match(name)
                if found and found[1] not in keep and (found[1] in complete or _abandoned(found[1])):
                    with contextlib.suppress(NotFoundError):  # dropped by another process meanwhile
                        client.delete_collection(name)
            if complete - keep:
                registry.delete(where={"build": {"$in": sorted(complete - keep)}})

    def builds(self) -> list[str]:
        """Every build with a collection on the server (tests and ``egov-qa status``)."""
        with self.reachable():
            names = self._collection_names()
        return sorted({found[1] for name in names if (found := self._builds.match(name))})

    def _collection_names(self) -> list[str]:
        """The names of all collections on the server, over its REST API, page by page
        (``client.list_collections()`` would give each one Chroma's default embedding function)."""
        url = f"http://{self.host}:{self.port}/api/v2/tenants/{DEFAULT_TENANT}/databases/{DEFAULT_DATABASE}/collections"
        names: list[str] = []
        while True:
            response = httpx.get(url, params={"limit": PAGE, "offset": len(names)}, timeout=REQUEST_TIMEOUT_S)
            response.raise_for_status()
            page = [str(c["name"]) for c in response.json()]
            names += page
            if len(page) < PAGE:
                return names
