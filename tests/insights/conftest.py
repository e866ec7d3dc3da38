"""Fixtures of the class-insights tests: the insights file in this test's own folder, and a data
folder nothing can be written to."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """``EGOV_QA_DATA_DIR`` for this test (not created: the recorder makes it)."""
    folder = tmp_path / "data"
    monkeypatch.setenv("EGOV_QA_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def read_only_dir(tmp_path) -> Iterator[Path]:
    """A folder no process can write: a tmpfs mounted read-only (root, as in the test container; chmod
    does not stop root). Elsewhere a path through a regular file, which no one can create either."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    mounted = None
    if os.geteuid() == 0 and shutil.which("mount"):
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], capture_output=True
        )
    if mounted is None or mounted.returncode:
        blocker = tmp_path / "a-file"
        blocker.write_text("not a folder", encoding="utf-8")
        yield blocker / "data"
        return
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
