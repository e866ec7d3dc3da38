"""The load test's own logic (no server here; ``make loadtest`` runs the real thing): the think-time
argument, and the check that an answer comes from one build of the notes — a mixed answer (old
passages with new labels) must be caught, or the load test could not show that none happens."""

from __future__ import annotations

import argparse

import pytest

from benchmarks.classrun import Builds
from benchmarks.loadprep import units
from benchmarks.students import think_range
from egov_qa.answer.compose import with_document
from egov_qa.config import Settings
from egov_qa.ingest.notes import load_notes


def test_think_time_is_seconds_or_a_range():
    assert think_range("1-3") == (1.0, 3.0)
    assert think_range(" 0.5 - 2 ") == (0.5, 2.0)
    assert think_range("2") == (2.0, 2.0)
    assert think_range("0") == (0.0, 0.0)
    for bad in ("3-1", "a", "1-", "-1", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            think_range(bad)


def _answer(notes, chunks) -> dict:
    multi = notes.multi_source
    return {
        "passages": [
            {"chunk_id": c.id, "label": with_document(c.label, c.source, multi), "text": c.text} for c in chunks
        ],
        "citations": [{"source": c.source, "label": with_document(c.label, c.source, multi)} for c in chunks[:1]],
    }


def test_an_answer_must_come_from_one_build(egov_notes, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / egov_notes.name).write_bytes(egov_notes.read_bytes())
    old = load_notes(Settings(corpus_dir=corpus))
    (corpus / "课堂更新.txt").write_text("第一章 课堂更新\n1、期末考试安排\n期末考试采用闭卷笔试。\n", encoding="utf-8")
    new = load_notes(Settings(corpus_dir=corpus))
    builds = Builds(units(old))
    builds.add(units(new))
    assert new.multi_source and not old.multi_source  # the labels name the file once there are two

    assert builds.check(_answer(old, old.chunks[:3])) is None
    assert builds.check(_answer(new, new.chunks[:3])) is None
    assert builds.counts == {"old": 1, "new": 1, "either": 0}
    # old passages under the new labels, and a passage whose text changed under its id: no build has them
    mixed = _answer(old, old.chunks[:3])
    mixed["citations"] = _answer(new, new.chunks[:1])["citations"]
    assert builds.check(mixed) is not None
    edited = _answer(old, old.chunks[:1])
    edited["passages"][0]["text"] += "（修订）"
    assert builds.check(edited) is not None
    # a citation of the point above a section unit names a place of that build
    section = next(c for c in old.chunks if " › " in c.label)
    point_level = _answer(old, [section])
    point_level["citations"][0]["label"] = section.label.split(" › ")[0]
    assert builds.check(point_level) is None
