"""The notes files the teacher page manages: what an upload may be called and how big, and that
publishing or removing never loses a file — a build that fails (here: a real ``egov-qa ingest``
child that cannot load its embedding model) puts the corpus folder back as it was, and the last
course cannot be removed. The successful publish and removal run end to end over HTTP in
tests/app/test_teacher_page.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from egov_qa.config import Settings
from egov_qa.teacher.library import MAX_NOTES_BYTES, Library, NotesError, notes_name
from helpers import EGOV_NOTES, EVAL_DIR

MIS = EVAL_DIR / "notes_mis.md"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("notes_mis.md", "notes_mis.md"),
        ("../../etc/管理信息系统.txt", "管理信息系统.txt"),
        ("C:\\Users\\老师\\笔记.DOCX", "笔记.DOCX"),
        ("第一\u0000章.txt", "第一章.txt"),
    ],
)
def test_an_upload_keeps_a_plain_file_name(given: str, kept: str) -> None:
    assert notes_name(given) == kept


@pytest.mark.parametrize("given", [".hidden.txt", "notes.pdf", "notes", "", "x" * 200 + ".txt"])
def test_an_upload_that_is_not_notes_is_refused(given: str) -> None:
    with pytest.raises(NotesError):
        notes_name(given)


@pytest.fixture
def library(tmp_path: Path) -> Library:
    (tmp_path / "corpus").mkdir()
    shutil.copy(EGOV_NOTES, tmp_path / "corpus" / EGOV_NOTES.name)
    settings = Settings(
        corpus_dir=tmp_path / "corpus",
        index_dir=tmp_path / "index",
        data_dir=tmp_path / "data",
        embedding_model=str(tmp_path / "no-such-model"),  # every build fails
    )
    return Library(settings)


def test_too_big_a_file_is_refused_before_it_is_copied(library: Library, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(MAX_NOTES_BYTES + 1)
    with pytest.raises(NotesError, match="太大"):
        library.upload(big)
    assert not (library.data / "uploads" / "big.txt").exists()


def test_a_failed_publish_puts_the_notes_back(library: Library) -> None:
    before = {f.name: f.size for f in library.files()}
    said: list[str] = []
    name = library.upload(MIS)
    with pytest.raises(NotesError, match="学生仍在使用原来的笔记"):
        library.publish(name, lambda share, what: said.append(what))
    assert {f.name: f.size for f in library.files()} == before
    assert (library.data / "uploads" / name).is_file()  # still there to publish again
    assert said and said[0].startswith("发布")


def test_a_failed_publish_of_a_replacement_keeps_the_old_file(library: Library, tmp_path: Path) -> None:
    replacement = tmp_path / EGOV_NOTES.name
    replacement.write_text("第一章 新的\n1、新的要点\n内容。\n", encoding="utf-8")
    name = library.upload(replacement)
    with pytest.raises(NotesError):
        library.publish(name, lambda share, what: None)
    assert (library.corpus / EGOV_NOTES.name).read_bytes() == EGOV_NOTES.read_bytes()


def test_a_failed_removal_puts_the_file_back_and_the_last_file_stays(library: Library) -> None:
    with pytest.raises(NotesError, match="唯一"):
        library.remove(EGOV_NOTES.name, lambda share, what: None)
    shutil.copy(MIS, library.corpus / MIS.name)
    with pytest.raises(NotesError, match="学生仍在使用原来的笔记"):
        library.remove(MIS.name, lambda share, what: None)
    assert sorted(f.name for f in library.files()) == sorted([EGOV_NOTES.name, MIS.name])
    with pytest.raises(NotesError, match="没有这份笔记"):
        library.remove("../corpus/../../etc/passwd", lambda share, what: None)


def test_a_preview_of_a_file_without_structure_says_so(library: Library, tmp_path: Path) -> None:
    flat = tmp_path / "flat.txt"
    flat.write_text("这只是一段没有任何编号的文字。", encoding="utf-8")
    with pytest.raises(NotesError, match="没有找到任何章节"):
        library.preview(library.upload(flat), lambda share, what: None)


def test_a_preview_reports_its_build_and_answers_from_the_file(tmp_path: Path) -> None:
    """A real preview build (the real model, in a child process) of a small GBK file: the outline,
    the report, sample answers cited from it, and the build's progress as it went."""
    (tmp_path / "corpus").mkdir()
    shutil.copy(EGOV_NOTES, tmp_path / "corpus" / EGOV_NOTES.name)
    library = Library(Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", data_dir=tmp_path / "d"))
    notes = tmp_path / "会计基础.txt"
    text = (
        "第一章 总论\n1、会计的概念\n会计是以货币为主要计量单位，反映和监督一个单位经济活动的一种经济管理工作。\n"
        "2、会计的基本职能\n会计的基本职能是核算和监督。\n第二章 会计要素\n"
        "1、资产\n资产是企业过去的交易或者事项形成的、由企业拥有或者控制的、预期会给企业带来经济利益的资源。\n2、负债\n负债是企业过去的交易或者事项形成的、"
        "预期会导致经济利益流出企业的现时义务。\n"
    )
    notes.write_bytes(text.encode("gbk"))
    said: list[tuple[float | None, str]] = []
    preview = library.preview(library.upload(notes), lambda share, what: said.append((share, what)))
    assert (preview.chapters, preview.points, preview.replaces) == (2, 4, False)
    assert preview.outline[:3] == ["第一章 总论", "  1、会计的概念", "  2、会计的基本职能"]
    assert any("第N章" in line for line in preview.report)
    assert 1 <= len(preview.samples) <= 3  # questions generated from its outline (two chapters here)
    assert all(not a.refused and a.citations[0].source == notes.name for _, a in preview.samples)
    shares = [share for share, _ in said if share is not None]
    assert shares[0] == 0.0 and shares[-1] == 1.0 and shares == sorted(shares) and len(shares) > 2
    assert [f.name for f in library.files()] == [EGOV_NOTES.name]  # a preview publishes nothing
