"""The index manifest: what a build was made from (notes files' hashes, model, chunking settings,
version), and the status an index can be in (ok, missing, stale, corrupt)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from egov_qa import __version__
from egov_qa.config import Settings
from egov_qa.index.embeddings import model_id
from egov_qa.ingest.loading import iter_corpus_files

CURRENT = "CURRENT"
BUILDS = "builds"
MANIFEST = "manifest.json"
CHROMA_DIR = "chroma"
MANIFEST_FORMAT = 2  # 2: piece vectors beside the chunk vectors
PIECES_SUFFIX = "-pieces"  # the piece collection is "<collection_name>-pieces"
LIVE_SUFFIX = "-live"  # on a Chroma server: "<collection_name>-live" names the live build
PIECE_ID_SEP = ":"  # a piece's id is "<chunk id>:<n>", so a search names the chunk without metadata

_INGEST_HINT = "请运行 / run: egov-qa ingest"


class IndexNotReady(RuntimeError):
    """The index cannot be used as it is; the message (Chinese + English) says what to do."""


class IndexUnavailable(IndexNotReady):
    """The Chroma server holding the index cannot be reached (or lost the build being read); the
    next call tries again, so it is back when the server is."""


class IndexState(StrEnum):
    OK = "ok"
    MISSING = "missing"
    STALE = "stale"
    CORRUPT = "corrupt"
    UNREACHABLE = "unreachable"  # the Chroma server does not answer


_STATE_ZH = {
    IndexState.OK: "索引可用",
    IndexState.MISSING: "还没有建立索引",
    IndexState.STALE: "索引已过期",
    IndexState.CORRUPT: "索引已损坏",
    IndexState.UNREACHABLE: "连不上笔记索引服务器",
}


@dataclass(frozen=True)
class IndexStatus:
    state: IndexState
    reason: str = ""  # English detail, e.g. "notes changed: a.txt"
    build_dir: Path | None = None  # the embedded store's build folder (None on a Chroma server)
    manifest: dict[str, Any] | None = None
    build: str | None = None  # the live build's name, on either backend

    @property
    def ok(self) -> bool:
        return self.state is IndexState.OK

    @property
    def summary(self) -> str:
        if self.ok:
            return f"{_STATE_ZH[self.state]} / index is up to date"
        return f"{_STATE_ZH[self.state]} / index {self.state.value}: {self.reason}"

    @property
    def message(self) -> str:
        """The summary plus the command that fixes it."""
        if self.state is IndexState.UNREACHABLE:
            return f"{self.summary}。请确认 chroma run 在运行 / check that the Chroma server is running"
        return self.summary if self.ok else f"{self.summary}。{_INGEST_HINT}"


@dataclass(frozen=True)
class IndexInfo:
    """What a build produced (printed by ``egov-qa ingest``)."""

    build: str
    build_dir: Path | None  # the embedded store's build folder (None on a Chroma server)
    chunk_count: int
    files: list[str]
    model_id: str
    seconds: float
    where: str  # the index folder, or "Chroma server host:port"


# --- corpus fingerprint ---------------------------------------------------------------------


def corpus_files(settings: Settings) -> dict[str, str]:
    """Relative name → sha256 of every corpus file (unreadable ones too: fixing one must rebuild)."""
    root = settings.corpus_dir
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in iter_corpus_files(root)
    }


def expected_manifest(settings: Settings, files: dict[str, str]) -> dict[str, Any]:
    """The manifest fields an up-to-date index must have."""
    return {
        "files": files,
        "embedding_model": model_id(settings),
        "chunking": {
            "chunk_max_chars": settings.chunk_max_chars,
            "chunk_overlap_chars": settings.chunk_overlap_chars,
        },
        "version": __version__,
    }


def stale_reason(manifest: dict[str, Any], expected: dict[str, Any]) -> str | None:
    if manifest.get("format") != MANIFEST_FORMAT:
        return f"index format changed: {manifest.get('format')} → {MANIFEST_FORMAT}"
    old, new = manifest["files"], expected["files"]
    if old != new:
        changed = sorted(n for n in old.keys() | new.keys() if old.get(n) != new.get(n))
        return "notes changed: " + ", ".join(changed)
    if manifest["embedding_model"] != expected["embedding_model"]:
        return f"model changed: {manifest['embedding_model']} → {expected['embedding_model']}"
    if manifest["chunking"] != expected["chunking"]:
        return f"chunking changed: {manifest['chunking']} → {expected['chunking']}"
    if manifest["version"] != expected["version"]:
        return f"version changed: {manifest['version']} → {expected['version']}"
    return None


def serving_stale_reason(manifest: dict[str, Any], settings: Settings) -> str | None:
    """Why a build cannot be served without its notes files (a machine with an empty corpus folder
    serving a Chroma server's build): the stored notes are used as parsed, so only the index format
    and the embedding model (questions must be embedded as the notes were) have to match."""
    if manifest.get("format") != MANIFEST_FORMAT:
        return f"index format changed: {manifest.get('format')} → {MANIFEST_FORMAT}"
    if manifest["embedding_model"] != model_id(settings):
        return f"model changed: {manifest['embedding_model']} → {model_id(settings)}"
    return None


def check_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    for key in ("files", "embedding_model", "chunking", "version", "chunk_count"):
        if key not in manifest:
            raise ValueError(f"manifest has no '{key}'")
    return manifest


def current_build(settings: Settings) -> Path | None:
    pointer = settings.index_dir / CURRENT
    if not pointer.is_file():
        return None
    return settings.index_dir / BUILDS / pointer.read_text(encoding="utf-8").strip()


def read_manifest(build_dir: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((build_dir / MANIFEST).read_text(encoding="utf-8"))
    return check_manifest(manifest)
