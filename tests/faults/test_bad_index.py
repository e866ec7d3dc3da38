"""A missing, stale or corrupted index. With ``EGOV_QA_AUTO_INGEST=false`` the console script
stops with one line naming ``egov-qa ingest`` (status 2, no traceback); with auto-ingest (the
default) the index is rebuilt, saying why. Chroma's files are garbled for real: the SQLite file
overwritten or cut short, the HNSW files cut short or scribbled on — including an HNSW index
Chroma has written out (a collection of over ~1,000 vectors), whose garbling can kill the process
that opens it inside Chroma's native code (SIGABRT, SIGSEGV: no exception, no message) unless
``index.integrity`` refuses it first. (A running app whose files are garbled under it:
``test_security.py``, on a server of its own.)"""

from __future__ import annotations

import json
import os
import random
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from egov_qa.index.integrity import chroma_problem
from egov_qa.index.store import IndexNotReady, IndexState, index_status, open_index
from helpers import live_build_dir

pytestmark = pytest.mark.slow

QUESTION = "行政环境的特点有哪些？"
HINT = "请运行 / run: egov-qa ingest"
NO_AUTO = {"EGOV_QA_AUTO_INGEST": "false"}


def _segments(build: Path) -> list[Path]:
    return [p for p in (build / "chroma").iterdir() if p.is_dir()]


def _sqlite_random(build: Path) -> None:
    path = build / "chroma" / "chroma.sqlite3"
    path.write_bytes(random.Random(0).randbytes(path.stat().st_size))


def _sqlite_cut(build: Path) -> None:
    os.truncate(build / "chroma" / "chroma.sqlite3", 8192)


def _hnsw_cut(build: Path) -> None:
    for segment in _segments(build):
        for path in segment.glob("*.bin"):
            os.truncate(path, path.stat().st_size // 3)


def _build_deleted(build: Path) -> None:
    shutil.rmtree(build)


GARBLED = {
    "sqlite-random": _sqlite_random,
    "sqlite-cut": _sqlite_cut,
    "hnsw-cut": _hnsw_cut,
    "build-deleted": _build_deleted,
}


def _stopped(done: subprocess.CompletedProcess[str], state: str) -> None:
    """Status 2, one line on stderr: the state, why, and the command that fixes it."""
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"错误 / error: {state}") and HINT in done.stderr, done.stderr


# --- missing, stale, garbled: without auto-ingest ---------------------------------------------------


def test_missing_index(small, cli):
    shutil.rmtree(small.index_dir)
    _stopped(cli("ask", QUESTION, env=NO_AUTO), "还没有建立索引 / index missing: no index in")


def test_stale_index(small, cli):
    with (small.corpus_dir / "jie.txt").open("a", encoding="utf-8") as notes:
        notes.write("第三章 行政领导\n一、行政领导的含义\n行政领导是行政机关中的领导活动。\n")
    _stopped(cli("ask", QUESTION, env=NO_AUTO), "索引已过期 / index stale: notes changed: jie.txt")


def test_garbled_index(small, cli):
    _sqlite_random(live_build_dir(small.index_dir))
    _stopped(cli("ask", QUESTION, env=NO_AUTO), "索引已损坏 / index corrupt: chroma.sqlite3 is not a readable database")


@pytest.mark.parametrize(
    ("garble", "reason"),
    [
        ("sqlite-cut", "chroma.sqlite3 is not a readable database (database disk image is malformed)"),
        ("hnsw-cut", "header.bin has 33 bytes, not 100"),
        ("build-deleted", "is missing"),
    ],
)
def test_garbled_index_message(small, garble, reason):
    """The same refusal as the console script's above (it prints this message), in-process."""
    GARBLED[garble](live_build_dir(small.index_dir))
    with pytest.raises(IndexNotReady) as refused:
        open_index(small, auto_build=False)
    assert str(refused.value).startswith("索引已损坏 / index corrupt: ") and reason in str(refused.value)
    assert str(refused.value).endswith(HINT)


# --- garbled, with auto-ingest: rebuilt, saying so --------------------------------------------------


@pytest.mark.parametrize("garble", ["sqlite-random", "hnsw-cut"])
def test_auto_ingest_rebuilds_a_garbled_index(small, capsys, garble):
    before = live_build_dir(small.index_dir)
    GARBLED[garble](before)
    assert index_status(small).state is IndexState.CORRUPT
    index = open_index(small, progress=False)
    assert index.build_dir != before and index_status(small).ok
    said = capsys.readouterr().err
    assert "索引已损坏 / index corrupt: " in said and "正在自动重建 / rebuilding" in said
    assert index.dense_search(QUESTION, 1)


# --- an HNSW index Chroma has written out ------------------------------------------------------------

PAD = 1200  # vectors added to the piece collection: enough for Chroma to write its HNSW files

# Run in its own process, so nothing of Chroma's is left open in the tests' process.
PAD_SCRIPT = """
import sys
import chromadb, chromadb.config, numpy as np
client = chromadb.PersistentClient(path=sys.argv[1], settings=chromadb.config.Settings(anonymized_telemetry=False))
pieces = client.get_collection(sys.argv[2], embedding_function=None)
chunk = pieces.get(limit=1)["ids"][0].rpartition(":")[0]
vectors = np.random.default_rng(0).normal(size=(int(sys.argv[3]), 384)).astype("float32")
for i in range(0, len(vectors), 400):
    batch = vectors[i : i + 400]
    pieces.add(ids=[f"{chunk}:{9000 + i + n}" for n in range(len(batch))], embeddings=batch.tolist(),
               documents=["（填充）"] * len(batch), metadatas=[{"chunk_id": chunk}] * len(batch))
"""


@pytest.fixture(scope="module")
def padded_index(small_index, tmp_path_factory) -> Path:
    """A copy of ``small_index`` with 1,200 more piece vectors (random, under a real chunk's id):
    Chroma writes an HNSW index of them to disk. The manifest counts them, so the build checks out
    as sound."""
    root = tmp_path_factory.mktemp("padded")
    shutil.copytree(small_index / "index", root / "index", ignore=shutil.ignore_patterns("tmp"))
    build = live_build_dir(root / "index")
    name = "notes-pieces"  # Settings().collection_name + PIECES_SUFFIX
    subprocess.run([sys.executable, "-c", PAD_SCRIPT, str(build / "chroma"), name, str(PAD)], check=True)
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    manifest["piece_count"] += PAD
    (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert any((segment / "index_metadata.pickle").is_file() for segment in _segments(build))
    assert chroma_problem(build) is None
    return root / "index"


@pytest.fixture
def written_hnsw(small, padded_index) -> Path:
    """``small`` with ``padded_index`` as its index: the live build's folder."""
    shutil.rmtree(small.index_dir)
    shutil.copytree(padded_index, small.index_dir)
    return live_build_dir(small.index_dir)


def _header(build: Path) -> Path:
    return next(s / "header.bin" for s in _segments(build) if (s / "index_metadata.pickle").is_file())


def _small_capacity(build: Path) -> None:
    """The header's capacity set below its element count (a few flipped bits do it): loading it,
    hnswlib writes past what it allocated and the process aborts ("free(): invalid pointer",
    status -6) inside ``collection.count()``."""
    header = _header(build)
    data = bytearray(header.read_bytes())
    _, count = struct.unpack_from("<QQ", data, 12)  # capacity, count: after the int32 version and offsetLevel0
    struct.pack_into("<QQ", data, 12, count // 4, count)
    header.write_bytes(bytes(data))


def _scribbled_links(build: Path) -> None:
    """The level-0 records (neighbour counts and ids) overwritten with random bytes: a query on them
    dies with SIGSEGV; reading the vectors out fails with "Error getting embedding"."""
    level0 = _header(build).with_name("data_level0.bin")
    level0.write_bytes(random.Random(1).randbytes(level0.stat().st_size))


@pytest.mark.parametrize("garble", [_small_capacity, _scribbled_links], ids=["capacity", "links"])
def test_garbled_hnsw_is_refused_before_chroma_opens_it(small, written_hnsw, cli, capsys, garble):
    """Without the check, ``egov-qa ask`` died on the first (status -6, no message of ours) and
    printed Chroma's "Error getting embedding" on the second, and no rebuild could mend either."""
    garble(written_hnsw)
    assert "HNSW segment" in (chroma_problem(written_hnsw) or "")
    done = cli("ask", QUESTION, env=NO_AUTO)  # in a process of its own: a miss would kill it, not the tests
    _stopped(done, "索引已损坏 / index corrupt: HNSW segment ")
    index = open_index(small, progress=False)  # auto-ingest (the check has been seen to hold): rebuilt
    said = capsys.readouterr().err
    assert "索引已损坏 / index corrupt: HNSW segment" in said and "正在自动重建 / rebuilding" in said
    assert index.build_dir != written_hnsw and index_status(small).ok
