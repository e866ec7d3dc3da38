"""Where an index lives: the embedded store in ``index_dir`` (``local.py``) or a Chroma server
shared by several app processes (``remote.py``). ``store.py`` holds the policy (build, check,
open) and talks to either through this protocol.

Both keep builds side by side and make one live by a single atomic switch (a pointer file, or one
metadata update of a registry collection), so a reader never sees half an index.
"""

from __future__ import annotations

from collections.abc import Hashable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from egov_qa.index.vectors import VectorSearch
from egov_qa.ingest.notes import Notes

HNSW_COSINE = {"hnsw": {"space": "cosine"}}  # Chroma's distance is then 1 - cosine similarity


@dataclass(frozen=True)
class Live:
    """The build a backend's pointer names, with its manifest, or why it cannot be used."""

    build: str
    manifest: dict[str, Any] | None = None
    problem: str = ""  # English: the build's folder is missing, the manifest is unreadable


class Backend(Protocol):
    @property
    def key(self) -> Hashable:
        """Identifies the index for ``open_index``'s per-process cache."""
        ...

    where: str  # for messages: the index folder, or "Chroma server host:port"
    serves_stored_notes: bool  # a build carries its parsed notes (servable without the files)

    def build_dir(self, build: str) -> Path | None:
        """The build's folder (embedded store only)."""
        ...

    def reachable(self) -> AbstractContextManager[None]:
        """Around reads and writes: a server that does not answer raises ``IndexUnavailable``."""
        ...

    def live_build(self) -> str | None:
        """The live build's name, cheaply (the app polls it to notice a new build)."""
        ...

    def live(self) -> Live | None:
        """The live build and its manifest; None when nothing was ever built."""
        ...

    def collections(self, build: str) -> tuple[Any, Any]:
        """The build's chunk and piece collections (raises when they are unreadable)."""
        ...

    def stored_notes(self, build: str) -> Notes:
        """The notes the build was made from (``serves_stored_notes`` only; raises ValueError,
        TypeError or KeyError when they are unreadable)."""
        ...

    def search(self, collection: Any, count: int) -> VectorSearch:
        """How answers search this collection of ``count`` vectors."""
        ...

    def lock(self) -> AbstractContextManager[None]:
        """Held while building: one build at a time (per machine at least)."""
        ...

    def create(self, build: str) -> tuple[Any, Any]:
        """Fresh, empty chunk and piece collections for a new build."""
        ...

    def commit(self, build: str, manifest: dict[str, Any], notes: Notes) -> None:
        """Store what the complete build needs besides its vectors (not live yet)."""
        ...

    def discard(self, build: str) -> None:
        """Remove an unfinished build, as far as it got."""
        ...

    def switch(self, build: str, manifest: dict[str, Any]) -> None:
        """Make the committed build live atomically, then drop the builds no reader can be using
        (all but it and the one it replaces)."""
        ...
