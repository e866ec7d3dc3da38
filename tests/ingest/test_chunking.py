"""Chunks: one per unit, carrying source, chapter/point/section, titles, label, span and a stable id."""

from __future__ import annotations

import re

import pytest

from egov_qa.ingest.chunking import chunk_outline
from egov_qa.ingest.notes import outline_file
from egov_qa.ingest.outline import build_outline
from egov_qa.models import Chunk


@pytest.fixture(scope="module")
def egov_chunks(egov_notes) -> list[Chunk]:
    return chunk_outline(outline_file(egov_notes))


def _one(chunks: list[Chunk], **where) -> Chunk:
    found = [c for c in chunks if all(getattr(c, k) == v for k, v in where.items())]
    assert len(found) == 1, (where, [c.label for c in found])
    return found[0]


def test_point_chunk_fields(egov_chunks, egov_notes):
    chunk = _one(egov_chunks, chapter=1, point=9, section=None)
    assert chunk.source == egov_notes.name
    assert chunk.point_title == "电子政务的特征" and chunk.section_title is None
    assert chunk.label == "第一章 · 9、电子政务的特征"
    assert chunk.heading == "9、电子政务的特征"
    assert chunk.body.startswith("1)使用手段和技术先进实用性")
    assert "10、" not in chunk.body  # the next point starts a new chunk


def test_section_chunk_label_has_the_heading_path(egov_chunks):
    chunk = _one(egov_chunks, chapter=1, section="1.3.3")
    assert chunk.point == 11 and chunk.point_title == "电子政务与政府管理创新"
    assert chunk.section_title == "电子政务与政府运行机制创新"
    assert chunk.label == "第一章 · 11、电子政务与政府管理创新 › 1.3.3 电子政务与政府运行机制创新"
    assert chunk.search_text.startswith(chunk.label + "\n")
    assert "1.3.3电子政务与政府运行机制创新" in chunk.text


def test_loose_section_and_duplicate_points(egov_chunks):
    loose = _one(egov_chunks, chapter=2, section="2.2.2")
    assert loose.point is None and loose.label == "第二章 · 2.2.2 中国电子政务发展战略"
    twelve = sorted(c.point_title for c in egov_chunks if c.chapter == 3 and c.point == 12)
    assert twelve == ["电子政务规划的主要内容", "电子政务规划的主要步骤"]


def test_span_points_into_the_notes_text(egov_chunks, egov_notes):
    text = outline_file(egov_notes).text
    for chunk in egov_chunks:
        assert 0 <= chunk.start < chunk.end <= len(text)
        span = re.sub(r"\s+", "", text[chunk.start : chunk.end])
        assert re.sub(r"\s+", "", chunk.heading) in span
        assert re.sub(r"\s+", "", chunk.body)[:20] in span


def test_ids_are_unique_and_stable(egov_chunks, egov_notes):
    again = chunk_outline(outline_file(egov_notes))
    assert [c.id for c in again] == [c.id for c in egov_chunks]
    assert len({c.id for c in egov_chunks}) == len(egov_chunks)


def test_long_units_are_split_at_sentence_ends(egov_notes):
    chunks = chunk_outline(outline_file(egov_notes), max_chars=200, overlap_chars=30)
    parts = [c for c in chunks if c.part > 0]
    assert parts
    for chunk in chunks:
        assert len(chunk.body) <= 200
    for chunk in parts:
        head = _one(chunks, label=chunk.label, part=0)
        assert chunk.heading == head.heading and chunk.id != head.id


def test_chinese_numeral_points_keep_their_numeral_in_labels():
    text = "第1章 导论\n一、经济学的研究对象\n经济学研究稀缺资源的配置问题。\n二、实证分析\n实证分析回答是什么的问题。"
    outline = build_outline(text, "notes.txt")
    assert [p.number for p in outline.chapters[0].points] == [1, 2]  # numbers stay numbers
    labels = [c.label for c in chunk_outline(outline)]
    assert labels == ["第一章 · 一、经济学的研究对象", "第一章 · 二、实证分析"]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        # a scraped list that lost its line breaks: each bare number starts an item
        (
            "1电子政务的主体是政府机关2电子政务的核心是政务3电子政务的目的是综合目标。",
            ["1电子政务的主体是政府机关", "2电子政务的核心是政务", "3电子政务的目的是综合目标。"],
        ),
        # counts, years, chapter and figure numbers are no items; two numbers are too few for a list
        (
            "分为3个层次,2010年起步,第1章与第2章和第3章,见图1、图2、图3。",
            ["分为3个层次,2010年起步,第1章与第2章和第3章,见图1、图2、图3。"],
        ),
        ("1对内应用多2对外应用少", ["1对内应用多2对外应用少"]),
        # a list restarts at 1 after a lead-in
        (
            "问题1认识不到位2重电子3轻政务对策1统一规划2防止黑洞3面向平民",
            ["问题", "1认识不到位", "2重电子", "3轻政务对策", "1统一规划", "2防止黑洞", "3面向平民"],
        ),
    ],
)
def test_bare_numbered_lists_are_laid_out_one_item_a_line(text, lines):
    from egov_qa.ingest.chunking import format_body

    assert format_body(text).split("\n") == lines


def test_the_egov_notes_scraped_run_on_list_is_one_item_a_line(egov_chunks):
    unit = _one(egov_chunks, chapter=1, point=3)
    assert unit.body.split("\n")[:2] == [
        "1电子政务的主体是政府机关",
        "2电子政务的核心或者说客体是政务,而电子仅仅是手段",
    ]
