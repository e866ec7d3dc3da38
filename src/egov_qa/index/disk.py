"""A build that failed because the disk is full, said so.

A full disk reaches ``build_index`` in several disguises: an ``OSError`` with ``ENOSPC`` (or
``EDQUOT``, over quota) from our own writes, SQLite's "database or disk is full" inside a Chroma
error, Rust's "No space left on device (os error 28)", and, when Chroma's compaction is what
fails, only "Failed to apply logs to the metadata segment". So besides the error itself, the
free space where the build was being written is looked at, at the moment of the failure (before
the half-written build is removed).
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

LOW_SPACE_BYTES = 8 * 1024 * 1024  # less than this left when a build failed: the disk was full
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_FULL_WORDS = ("disk is full", "no space left", "os error 28", "os error 122", "quota exceeded")


def disk_full(exc: BaseException, where: Path | None) -> bool:
    """Did a build writing into ``where`` (None: not on this machine) fail for want of space?"""
    seen: set[int] = set()
    error: BaseException | None = exc
    while error is not None and id(error) not in seen:  # the error and what caused it
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in _FULL_ERRNOS:
            return True
        if any(words in str(error).lower() for words in _FULL_WORDS):
            return True
        error = error.__cause__ or error.__context__
    return where is not None and free_bytes(where) < LOW_SPACE_BYTES


def free_bytes(where: Path) -> int:
    """Free space for us on the filesystem of ``where`` (or of its nearest existing parent)."""
    for folder in (where, *where.parents):
        try:
            return shutil.disk_usage(folder).free
        except OSError:
            continue
    return LOW_SPACE_BYTES  # nothing to measure: do not claim the disk is full


def disk_full_message(where: str, folder: Path | None, previous: str | None, detail: BaseException) -> str:
    """The teacher's one line (Chinese + English) after a build into ``where`` (the index folder,
    or the Chroma server; ``folder`` when it is on this machine) ran out of space: what happened,
    what still serves, what to do."""
    free = f" ({free_bytes(folder) / 1024 / 1024:.1f} MB free)" if folder is not None else ""
    kept_zh = f"仍在使用原来的索引（{previous}）" if previous else "还没有可用的索引"
    kept_en = f"the previous build {previous} stays live" if previous else "there is no index yet"
    reason = " ".join(str(detail).split()) or type(detail).__name__
    return (
        f"磁盘空间不足，新索引没有建成，{kept_zh}。请清理 {where} 所在的磁盘后再运行 egov-qa ingest / "
        f"disk full{free}: the new index was not built and {kept_en}; free some space where {where} is, "
        f"then run: egov-qa ingest ({reason})"
    )
