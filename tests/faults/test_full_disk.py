"""The disk fills up during ``egov-qa ingest``: the build fails with one line saying so (Chinese
and English, status 2), leaves nothing behind, and the previous build stays live and answers.

The first test uses a real full disk: a 16 MB tmpfs mounted for it (needs root, as in the test
container; skipped elsewhere), filled until 64 kB are left, where the build runs out of space
inside Chroma (SQLite's "database or disk is full", or a failed compaction that does not say why).
The second simulates ENOSPC (an ``OSError`` from the manifest write, by monkeypatching) to cover
our own writes failing, which the tmpfs does not reach reliably."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from egov_qa.index import local
from egov_qa.index.store import IndexNotReady, build_index, index_status, open_index
from helpers import live_build_dir

pytestmark = pytest.mark.slow

LEFT = 64 * 1024  # bytes left free on the small disk before the build


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A 16 MB tmpfs at ``tmp_path/disk`` (unmounted afterwards), or a skip where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root (the simulated full disk below still runs)")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(disk: Path, leave: int) -> None:
    """Write one file that leaves ``leave`` bytes free on ``disk``."""
    stats = os.statvfs(disk)
    with open(disk / "filler", "wb") as filler:
        filler.write(bytes(stats.f_bavail * stats.f_frsize - leave))


def test_a_full_disk_keeps_the_previous_build_live(small_index, small_disk, cli):
    from egov_qa.config import Settings

    settings = Settings(corpus_dir=small_index / "corpus", index_dir=small_disk / "index", auto_ingest=False)
    shutil.copytree(small_index / "index", settings.index_dir, ignore=shutil.ignore_patterns("tmp"))
    previous = live_build_dir(settings.index_dir).name
    _fill(small_disk, LEFT)

    env = {"EGOV_QA_CORPUS_DIR": str(settings.corpus_dir), "EGOV_QA_INDEX_DIR": str(settings.index_dir)}
    done = cli("ingest", "--force", env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    error = done.stderr.strip().splitlines()[-1]
    assert error.startswith(f"错误 / error: 磁盘空间不足，新索引没有建成，仍在使用原来的索引（{previous}）"), error
    assert f"disk full (0.0 MB free): the new index was not built and the previous build {previous} stays live" in error
    assert "then run: egov-qa ingest" in error

    index = settings.index_dir
    assert [p.name for p in (index / "builds").iterdir()] == [previous]  # the half build is gone
    assert sorted(p.name for p in index.iterdir() if p.name.startswith("CURRENT")) == ["CURRENT"]
    assert live_build_dir(index).name == previous

    (small_disk / "filler").unlink()
    assert index_status(settings).ok
    assert open_index(settings, progress=False).dense_search("行政环境的特点", 1)


def test_enospc_from_our_own_write_is_said_so(small, monkeypatch):
    """Simulated (monkeypatched): the manifest write raises ENOSPC once the vectors are stored."""
    previous = live_build_dir(small.index_dir).name

    def no_space(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(local, "_write_json", no_space)
    with pytest.raises(IndexNotReady) as failed:
        build_index(small, progress=False)
    assert str(failed.value).startswith(f"磁盘空间不足，新索引没有建成，仍在使用原来的索引（{previous}）")
    assert "No space left on device" in str(failed.value)
    assert [p.name for p in (small.index_dir / "builds").iterdir()] == [previous]
    assert index_status(small).ok and live_build_dir(small.index_dir).name == previous
