"""The e-gov notes in other encodings and file types give the same outline; junk files are skipped."""

from __future__ import annotations

import logging
from pathlib import Path

import docx
import pytest

from egov_qa.ingest.loading import load_corpus
from egov_qa.ingest.notes import outline_file
from egov_qa.models import Outline
from helpers import outline_items, structure


@pytest.fixture(scope="module")
def egov_text(egov_notes) -> str:
    return egov_notes.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def egov_outline(egov_notes) -> Outline:
    return outline_file(egov_notes)


def _same_outline(path: Path, reference: Outline) -> None:
    got, want = outline_file(path).to_json(), reference.to_json()
    assert structure(got) == structure(want)
    assert outline_items(got) == outline_items(want)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-16"])
def test_encodings_give_the_same_outline(tmp_path, egov_text, egov_outline, encoding):
    path = tmp_path / "notes.txt"
    # GBK has no no-break space; the page's few are plain spaces in a GBK save.
    text = egov_text.replace("\xa0", " ") if encoding == "gbk" else egov_text
    path.write_bytes(text.encode(encoding))
    assert path.read_bytes() != text.encode("utf-8")  # the file really is not plain UTF-8
    _same_outline(path, egov_outline)


def test_docx_gives_the_same_outline(tmp_path, egov_text, egov_outline):
    document = docx.Document()
    for line in egov_text.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "notes.docx"
    document.save(str(path))
    _same_outline(path, egov_outline)


def _markdown(outline: Outline) -> str:
    """A tidy Markdown rendering of the notes: headings on their own lines, then the body text."""
    text, lines = outline.text, []
    for chapter in outline.chapters:
        lines.append(f"# {chapter.label}")
        units = sorted([*chapter.points, *chapter.sections], key=lambda u: u.start)
        for unit in units:
            sections = getattr(unit, "sections", [])
            if hasattr(unit, "number"):
                lines.append(f"## {unit.number}、{unit.title}".rstrip())
                lines.append(text[unit.body_start : sections[0].start if sections else unit.end].strip())
            else:
                sections = [unit]
            for section in sections:
                lines.append(f"### {section.label} {section.title}".rstrip())
                lines.append(text[section.body_start : section.end].strip())
    return "\n\n".join(line for line in lines if line)


def test_markdown_gives_the_same_outline(tmp_path, egov_outline):
    path = tmp_path / "notes.md"
    path.write_text(_markdown(egov_outline), encoding="utf-8")
    assert path.read_text(encoding="utf-8").startswith("# 第一章\n\n## 1、政务的含义")
    _same_outline(path, egov_outline)


def test_unreadable_files_are_skipped_with_a_warning(tmp_path, egov_notes, corpus_with, caplog):
    corpus = corpus_with(egov_notes)
    (corpus / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (corpus / "empty.txt").write_bytes(b"")
    with caplog.at_level(logging.WARNING, logger="egov_qa.ingest.loading"):
        documents = load_corpus(corpus)
    assert [d.path.name for d in documents] == [egov_notes.name]
    warned = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    assert "scan.png" in warned and "empty.txt" in warned


def test_docx_heading_styles_carry_the_structure(tmp_path):
    """Word's automatic numbering is not in the text: heading styles say what is a heading."""
    document = docx.Document()
    document.add_paragraph("微观经济学复习提纲", style="Title")
    document.add_heading("导论", level=1)
    document.add_heading("经济学的研究对象", level=2)
    document.add_paragraph("经济学研究稀缺资源的配置问题。")
    document.add_heading("需求与供给", level=1)
    document.add_heading("需求", level=2)
    document.add_paragraph("需求是指消费者愿意而且能够购买的数量。")
    path = tmp_path / "notes.docx"
    document.save(path)
    outline = outline_file(path)
    assert [(c.number, c.title, [(p.number, p.title) for p in c.points]) for c in outline.chapters] == [
        (1, "导论", [(1, "经济学的研究对象")]),
        (2, "需求与供给", [(1, "需求")]),
    ]


def test_docx_with_styled_chapters_and_typed_points(tmp_path):
    """Only the chapters are Word headings; the points are typed at paragraph starts."""
    document = docx.Document()
    document.add_heading("第一章 导论", level=1)
    document.add_paragraph("1、经济学的研究对象")
    document.add_paragraph("经济学研究稀缺资源的配置问题。")
    document.add_paragraph("2、实证分析与规范分析 实证分析回答是什么的问题，规范分析回答应该是什么。")
    document.add_heading("第二章 需求与供给", level=1)
    document.add_paragraph("一、需求")
    document.add_paragraph("需求是指消费者愿意而且能够购买的数量，1、2、3 不是要点。")
    path = tmp_path / "notes.docx"
    document.save(path)
    outline = outline_file(path)
    assert [(c.number, c.title, [(p.number, p.title) for p in c.points]) for c in outline.chapters] == [
        (1, "导论", [(1, "经济学的研究对象"), (2, "实证分析与规范分析")]),
        (2, "需求与供给", [(1, "需求")]),
    ]


def test_docx_headings_numbered_one_two_then_parenthesised(tmp_path):
    """Heading 1 "一、…", Heading 2 "（一）…": points and their sections (the 二、 was dropped before)."""
    document = docx.Document()
    document.add_paragraph("公共政策学复习提纲", style="Title")
    for level, text in [
        (1, "一、公共政策概述"),
        (2, "（一）公共政策的含义"),
        (0, "公共政策是政府的行为准则。"),
        (2, "（二）公共政策的特征"),
        (0, "政治性、公共性。"),
        (1, "二、公共政策的制定"),
        (2, "（一）政策问题的确认"),
        (0, "政策问题是进入议程的社会问题。"),
    ]:
        if level:
            document.add_heading(text, level=level)
        else:
            document.add_paragraph(text)
    path = tmp_path / "notes.docx"
    document.save(path)
    outline = outline_file(path)
    assert [
        [(p.number, p.title, [(s.label, s.title) for s in p.sections]) for p in c.points] for c in outline.chapters
    ] == [
        [
            (1, "公共政策概述", [("（一）", "公共政策的含义"), ("（二）", "公共政策的特征")]),
            (2, "公共政策的制定", [("（一）", "政策问题的确认")]),
        ]
    ]
