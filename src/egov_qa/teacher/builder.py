"""``egov-qa ingest`` in a child process, with its progress read from the bar it prints.

The serving app never builds an index on its own threads: the child runs at a lower CPU priority
(the ingest command lowers its own), has its own memory, and switches the live build atomically
when it is complete, which the serving app then follows (``app.live``). So a class keeps being
answered while the teacher publishes — the same path ``make loadtest INGEST_AT=…`` measures.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from egov_qa.config import Settings

Progress = Callable[[float | None, str], None]  # (share done or None, what is happening)

_PERCENT = re.compile(r"(\d{1,3})%")
KEEP_OUTPUT = 4000  # characters of the child's output kept for the error message
POLL_S = 0.25


class BuildFailed(RuntimeError):
    """The index could not be built; the message is the last thing the build said."""


def ingest_env(settings: Settings, **changes: str) -> dict[str, str]:
    """The environment of an ingest child for ``settings``: the places (absolute), the Chroma
    server, and whatever else the parent's environment sets (the same ``EGOV_QA_*`` and ``.env``)."""
    env = {
        **os.environ,
        "EGOV_QA_CORPUS_DIR": str(Path(settings.corpus_dir).resolve()),
        "EGOV_QA_INDEX_DIR": str(Path(settings.index_dir).resolve()),
        "EGOV_QA_DATA_DIR": str(Path(settings.data_dir).resolve()),
        "EGOV_QA_CHROMA_HOST": settings.chroma_host,
        "EGOV_QA_CHROMA_PORT": str(settings.chroma_port),
        "EGOV_QA_COLLECTION_NAME": settings.collection_name,
        "EGOV_QA_EMBEDDING_MODEL": settings.embedding_model,
        "EGOV_QA_CHUNK_MAX_CHARS": str(settings.chunk_max_chars),
        "EGOV_QA_CHUNK_OVERLAP_CHARS": str(settings.chunk_overlap_chars),
        "EGOV_QA_AUTO_INGEST": "true",
        "PYTHONUNBUFFERED": "1",
        "TQDM_MININTERVAL": "0.5",
    }
    env.update(changes)
    return env


def run_ingest(env: dict[str, str], progress: Progress, what: str) -> None:
    """Run ``egov-qa ingest`` with ``env``; report its bar's percentage as it goes. Raises
    ``BuildFailed`` with its last message when it fails."""
    progress(0.0, f"{what}：正在读取笔记")
    proc = subprocess.Popen(
        [sys.executable, "-m", "egov_qa.app.cli", "ingest"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    said: list[str] = []
    done: list[float] = []  # the bar's latest share, as the reader saw it

    def read() -> None:
        assert proc.stdout is not None
        while chunk := proc.stdout.read1(4096):  # type: ignore[attr-defined]
            text = chunk.decode("utf-8", errors="replace")
            said.append(text)
            done.extend(min(int(p), 100) / 100 for p in _PERCENT.findall(text)[-1:])

    reader = threading.Thread(target=read, name="egov-qa-ingest-output", daemon=True)
    reader.start()
    shown = None
    while (code := proc.poll()) is None:  # reported from this thread: Gradio's bar is the caller's
        if done and done[-1] != shown:
            shown = done[-1]
            progress(shown, f"{what}：正在建立索引 {int(shown * 100)}%")
        time.sleep(POLL_S)
    reader.join(timeout=5)
    if code != 0:
        output = "".join(said)[-KEEP_OUTPUT:]
        lines = [ln.strip() for ln in re.split(r"[\r\n]+", output) if ln.strip() and "%" not in ln]
        raise BuildFailed(lines[-1] if lines else f"egov-qa ingest exited with {code}")
    progress(1.0, f"{what}：索引已建立")
