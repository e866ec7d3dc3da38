"""The courses' notes files, managed from the teacher page: list, upload and preview, publish,
remove.

An uploaded file is kept aside (``<data>/uploads``) until it is published. Its preview is built in
a preview index of its own (``<data>/preview``, one at a time): the outline tree, the parse report
and a few questions generated from its outline answered from it — what students would get. Publish
copies it into the corpus folder and rebuilds the index aside (``builder.run_ingest``); the
serving app swaps the new build in. A file replaced or removed is moved to ``<data>/removed``,
never deleted, and a build that fails puts the corpus folder back as it was, so nothing is lost.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from egov_qa.config import Settings
from egov_qa.ingest.loading import SUPPORTED_SUFFIXES, UnreadableFile, iter_corpus_files
from egov_qa.ingest.notes import report_file
from egov_qa.ingest.report import outline_lines, render_report
from egov_qa.models import Answer
from egov_qa.teacher.builder import BuildFailed, Progress, ingest_env, run_ingest

MAX_NOTES_BYTES = 10 * 1024 * 1024  # a course's notes are tens of kB; a 10 MB .docx has images
MAX_NAME_CHARS = 100
SAMPLE_QUESTIONS = 3
UPLOADS, PREVIEW, REMOVED = "uploads", "preview", "removed"


class NotesError(ValueError):
    """What the teacher is told when a file cannot be taken, published or removed."""


@dataclass(frozen=True)
class NotesFile:
    name: str  # relative to the corpus folder
    size: int
    modified: float


@dataclass(frozen=True)
class Preview:
    """What was understood of an uploaded file, before it goes live."""

    name: str
    replaces: bool  # a published file of this name would be replaced
    outline: list[str]
    report: list[str]
    chapters: int
    points: int
    sections: int
    samples: list[tuple[str, Answer]]  # generated questions, answered from this file alone


def notes_name(name: str) -> str:
    """The file name an upload is kept under (no folders, no hidden files, a notes suffix)."""
    base = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name).strip()
    base = "".join(ch for ch in base if ch.isprintable())
    if not base or base.startswith("."):
        raise NotesError("文件名无效")
    if Path(base).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise NotesError(f"只能上传 .txt、.md 或 .docx 笔记（收到 {Path(base).suffix or '没有扩展名的文件'}）")
    if len(base) > MAX_NAME_CHARS:
        raise NotesError(f"文件名太长（最多 {MAX_NAME_CHARS} 个字符）")
    return base


class Library:
    """The notes files of ``settings``' corpus folder and the teacher's uploads."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.corpus = Path(settings.corpus_dir)
        self.data = Path(settings.data_dir)
        self._busy = threading.Lock()  # one preview, publish or removal at a time

    # --- what is there -----------------------------------------------------------------------

    def files(self) -> list[NotesFile]:
        found = []
        for path in iter_corpus_files(self.corpus):
            stat = path.stat()
            found.append(NotesFile(path.relative_to(self.corpus).as_posix(), stat.st_size, stat.st_mtime))
        return found

    def _published(self, name: str) -> Path:
        path = (self.corpus / name).resolve()
        if not path.is_relative_to(self.corpus.resolve()) or not path.is_file():
            raise NotesError(f"没有这份笔记：{name}")
        return path

    # --- upload and preview --------------------------------------------------------------------

    def upload(self, uploaded: Path, name: str | None = None) -> str:
        """Keep an uploaded file aside under its (checked) name; returns the name."""
        kept_name = notes_name(name or uploaded.name)
        try:
            size = uploaded.stat().st_size
        except OSError as exc:
            raise NotesError(f"上传的文件读不到：{exc.strerror}") from exc
        if size > MAX_NOTES_BYTES:
            raise NotesError(f"文件太大（{size / 1e6:.1f} MB，最多 {MAX_NOTES_BYTES // 1_000_000} MB）")
        folder = self.data / UPLOADS
        folder.mkdir(parents=True, exist_ok=True)
        _copy_atomically(uploaded, folder / kept_name)
        return kept_name

    def _uploaded(self, name: str) -> Path:
        path = self.data / UPLOADS / notes_name(name)
        if not path.is_file():
            raise NotesError(f"请先上传 {name}")
        return path

    def preview(self, name: str, progress: Progress) -> Preview:
        """Parse the uploaded file, build its preview index, answer a few generated questions."""
        from egov_qa.engine import Engine  # noqa: PLC0415 — the heavy part, only when a preview is made

        path = self._uploaded(name)
        try:
            outline, report = report_file(path)
        except UnreadableFile as exc:
            raise NotesError(str(exc)) from exc
        if not any(chapter.units for chapter in outline.chapters):
            raise NotesError(f"{name} 里没有找到任何章节或要点：请检查文件内容")
        preview = self.data / PREVIEW
        settings = self.settings.model_copy(
            update={
                "corpus_dir": preview / "notes",
                "index_dir": preview / "index",
                "data_dir": preview / "data",
                "chroma_host": "",  # the preview index is this machine's own, never on a shared server
                "insights": False,
                "llm_base_url": "",
            }
        )
        with self._one_at_a_time():
            shutil.rmtree(settings.corpus_dir, ignore_errors=True)
            settings.corpus_dir.mkdir(parents=True)
            shutil.copy2(path, settings.corpus_dir / path.name)
            self._build(ingest_env(settings), progress, "预览")
            engine = Engine.open(settings, progress=False, auto_build=False)
            samples = [(q, engine.ask(q)) for q in engine.example_questions(SAMPLE_QUESTIONS)]
        points = [p for chapter in outline.chapters for p in chapter.points]
        return Preview(
            name=name,
            replaces=(self.corpus / name).is_file(),
            outline=outline_lines(outline),
            report=render_report(outline, report),
            chapters=len(outline.chapters),
            points=len(points),
            sections=sum(len(c.sections) for c in outline.chapters) + sum(len(p.sections) for p in points),
            samples=samples,
        )

    # --- publish and remove --------------------------------------------------------------------

    def publish(self, name: str, progress: Progress) -> None:
        """Put the uploaded file among the notes and rebuild; the old file of that name (if any)
        is kept in ``removed``. A failed build restores the corpus folder."""
        source = self._uploaded(name)
        target = self.corpus / notes_name(name)
        with self._one_at_a_time():
            self.corpus.mkdir(parents=True, exist_ok=True)
            kept = self._set_aside(target) if target.is_file() else None
            _copy_atomically(source, target)
            try:
                self._build(ingest_env(self.settings), progress, "发布")
            except NotesError:
                target.unlink(missing_ok=True)
                if kept is not None:
                    os.replace(kept, target)
                raise
            source.unlink(missing_ok=True)

    def remove(self, name: str, progress: Progress) -> None:
        """Take a file out of the notes (kept in ``removed``) and rebuild; the last one stays."""
        path = self._published(name)
        with self._one_at_a_time():
            if len(self.files()) <= 1:
                raise NotesError("这是唯一的一份笔记，不能删除（先上传并发布新的笔记）")
            kept = self._set_aside(path)
            try:
                self._build(ingest_env(self.settings), progress, "删除")
            except NotesError:
                os.replace(kept, path)
                raise

    # --- helpers ---------------------------------------------------------------------------------

    @contextmanager
    def _one_at_a_time(self) -> Iterator[None]:
        if not self._busy.acquire(blocking=False):
            raise NotesError("正在处理另一份笔记，请等它完成后再试")
        try:
            yield
        finally:
            self._busy.release()

    def _set_aside(self, path: Path) -> Path:
        folder = self.data / REMOVED
        folder.mkdir(parents=True, exist_ok=True)
        kept = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{path.name}"
        shutil.move(path, kept)
        return kept

    @staticmethod
    def _build(env: dict[str, str], progress: Progress, what: str) -> None:
        try:
            run_ingest(env, progress, what)
        except BuildFailed as exc:
            raise NotesError(f"索引没有建成，学生仍在使用原来的笔记：{exc}") from exc


def _copy_atomically(source: Path, target: Path) -> None:
    """Copy so that a reader (the index build) never sees half a file."""
    partial = target.with_name(f".{target.name}.part")
    shutil.copyfile(source, partial)
    os.replace(partial, target)
