"""Is a build's Chroma folder safe to open? Checked before chromadb opens it.

Chroma reports most damage as an exception (a garbled ``chroma.sqlite3`` is "file is not a
database" or "database disk image is malformed"), which the store reads as a corrupt index. Its
HNSW files are another matter: Chroma's native code (hnswlib) trusts them, and a garbled
``header.bin`` (an element count larger than the data) or ``data_level0.bin`` (neighbour ids
past the end) makes ``collection.count()`` or a query read out of bounds: the process dies with
SIGSEGV, no exception, no message. So the files are checked here first, the way hnswlib's own
``checkIntegrity`` would once loaded:

* ``chroma.sqlite3``: SQLite's ``PRAGMA quick_check``, read-only (a few ms for an index of a
  few MB). A database that is busy or locked is left to Chroma.
* each HNSW segment folder (Chroma writes one per collection once it holds about 1,000 vectors;
  before that the files are an empty allocation): the header's fields agree with each other and
  with the files' sizes; every element's neighbour count is within ``M``; every neighbour id is
  an element; every element's upper-level links fit ``link_lists.bin`` and point at elements of
  that level. Reading ``data_level0.bin`` costs about 17 MB per 10,000 vectors.

Chroma 1.x's persisted layout (format version 1): ``header.bin`` is ``<i6Qii3Qdq`` (version,
offsetLevel0, max elements, element count, bytes per element, label offset, data offset, max
level, entry point, maxM, maxM0, M, mult, ef_construction); ``data_level0.bin`` one record per
element (a uint32 whose low 16 bits count the level-0 neighbours, maxM0 uint32 ids, the vector,
a uint64 label); ``link_lists.bin`` per element a uint32 byte size then that many bytes of
upper-level blocks (each a uint32 count and maxM ids); ``length.bin`` one float32 per element.
"""

from __future__ import annotations

import contextlib
import sqlite3
import struct
from pathlib import Path

import numpy as np

from egov_qa.index.manifest import CHROMA_DIR

SQLITE = "chroma.sqlite3"
HEADER = struct.Struct("<i6Qii3Qdq")
HNSW_FILES = ("header.bin", "data_level0.bin", "link_lists.bin", "length.bin")
MAX_LEVEL = 64
MAX_M = 4096


def chroma_problem(build_dir: Path) -> str | None:
    """Why the Chroma files of the build in ``build_dir`` cannot be opened safely, or None."""
    chroma_dir = build_dir / CHROMA_DIR
    sqlite = chroma_dir / SQLITE
    if not sqlite.is_file():
        return f"{SQLITE} is missing"
    problem = _sqlite_problem(sqlite)
    if problem:
        return problem
    for segment in sorted(p for p in chroma_dir.iterdir() if p.is_dir()):
        problem = hnsw_problem(segment)
        if problem:
            return f"HNSW segment {segment.name}: {problem}"
    return None


def _sqlite_problem(path: Path) -> str | None:
    try:
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            rows = db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.OperationalError:  # busy, locked, a journal to roll back: Chroma's to judge
        return None
    except sqlite3.DatabaseError as exc:
        return f"{SQLITE} is not a readable database ({exc})"
    if rows != [("ok",)]:
        return f"{SQLITE} failed SQLite's integrity check ({rows[0][0] if rows else 'no result'})"
    return None


def hnsw_problem(segment: Path) -> str | None:
    """Why an HNSW segment folder would crash hnswlib, or None (also for a folder without one)."""
    present = [name for name in HNSW_FILES if (segment / name).is_file()]
    if not present:
        return None
    if len(present) < len(HNSW_FILES):
        return "missing " + ", ".join(sorted(set(HNSW_FILES) - set(present)))
    header = (segment / "header.bin").read_bytes()
    if len(header) != HEADER.size:
        return f"header.bin has {len(header)} bytes, not {HEADER.size}"
    (version, offset0, capacity, count, size, label_at, data_at, top, entry, m, m0, _, _, _) = HEADER.unpack(header)
    if not (
        version == 1
        and offset0 == 0
        and count <= capacity
        and 0 < m <= MAX_M
        and 0 < m0 <= MAX_M
        and data_at == 4 + 4 * m0
        and data_at < label_at
        and label_at + 8 == size
    ):
        return "header.bin does not describe an HNSW index"
    level0 = segment / "data_level0.bin"
    if level0.stat().st_size % size or level0.stat().st_size < count * size:
        return f"data_level0.bin has {level0.stat().st_size} bytes for {count} elements of {size}"
    if (segment / "length.bin").stat().st_size < 4 * count:
        return f"length.bin is shorter than {count} elements"
    if count == 0:
        return None
    if not (0 <= entry < count and 0 <= top < MAX_LEVEL):
        return f"entry point {entry} at level {top} is not an element"
    records = np.fromfile(level0, dtype=np.uint8, count=count * size).reshape(count, size)
    problem = _links(records[:, :data_at].copy().view("<u4"), m0, count)
    if problem:
        return f"data_level0.bin: {problem}"
    return _upper_links((segment / "link_lists.bin").read_bytes(), count, m, top, entry)


def _links(blocks: np.ndarray, most: int, count: int, levels: np.ndarray | None = None, level: int = 0) -> str | None:
    """``blocks``: rows of (count word, ``most`` neighbour ids). Each count must be within
    ``most``, each listed neighbour an element (of ``level`` or higher, when ``levels`` is given)."""
    sizes = blocks[:, 0] & 0xFFFF
    if (sizes > most).any():
        return f"a neighbour list of {int(sizes.max())} (at most {most})"
    listed = blocks[:, 1:][np.arange(most) < sizes[:, None]]
    if (listed >= count).any():
        return f"neighbour {int(listed.max())} of {count} elements"
    if levels is not None and (levels[listed] < level).any():
        return f"a level-{level} neighbour below that level"
    return None


def _upper_links(data: bytes, count: int, m: int, top: int, entry: int) -> str | None:
    """Check ``link_lists.bin``: per element, a byte size and that many bytes of level blocks."""
    block = 4 * (m + 1)
    spans: list[tuple[int, int]] = []  # (start, levels) of each element's blocks
    levels = np.zeros(count, dtype=np.int64)
    at = 0
    for element in range(count):
        if at + 4 > len(data):
            return f"link_lists.bin ends at element {element} of {count}"
        (length,) = struct.unpack_from("<I", data, at)
        if length % block or length // block > top or at + 4 + length > len(data):
            return f"link_lists.bin: element {element} has {length} bytes of links"
        levels[element] = length // block
        spans.append((at + 4, length // block))
        at += 4 + length
    if at != len(data):
        return f"link_lists.bin has {len(data) - at} bytes after the last element"
    if levels[entry] != top:
        return f"the entry point is at level {levels[entry]}, the header says {top}"
    words = np.frombuffer(data, dtype="<u4")
    for level in range(1, top + 1):
        starts = [start + (level - 1) * block for start, have in spans if have >= level]
        rows = np.stack([words[s // 4 : s // 4 + m + 1] for s in starts]) if starts else None
        problem = _links(rows, m, count, levels, level) if rows is not None else None
        if problem:
            return f"link_lists.bin: {problem}"
    return None
