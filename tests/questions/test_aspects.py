"""Two aspects of one topic asked together ("简述电子政务的含义及其特征。"), on the real e-gov index."""

from __future__ import annotations

import pytest

from egov_qa.evaluation.generated import aspect_questions_from_headings
from egov_qa.questions.aspects import asked_aspects


@pytest.mark.parametrize(
    ("question", "aspects"),
    [
        ("电子政务的含义及其特征。", ("电子政务的含义", "电子政务的特征")),
        ("电子政务的特征、功能有哪些？", ("电子政务的特征", "电子政务的功能")),
        ("测试的目的与原则及其步骤", ("测试的目的", "测试的原则", "测试的步骤")),
        ("电子政务规划的含义和原则分别是什么？", ("电子政务规划的含义", "电子政务规划的原则")),
    ],
)
def test_aspects_are_read_off_the_question(question, aspects):
    assert asked_aspects(question) == aspects


@pytest.mark.parametrize(
    "question",
    [
        "电子政务和电子商务的区别",  # two topics compared, not two aspects of one
        "什么是电子政务？",
        "电子政务的含义是什么？",
        "那它的含义和特征呢？",  # whose: the conversation says (a follow-up)
    ],
)
def test_other_questions_have_no_aspects(question):
    assert asked_aspects(question) is None


def _unit(engine, title: str) -> str:
    labels = {c.label for c in engine.notes.chunks if c.unit_title == title}
    assert len(labels) == 1, labels
    return labels.pop()


def test_both_aspects_are_quoted_and_cited(egov_engine):
    meaning, features = _unit(egov_engine, "电子政务的含义"), _unit(egov_engine, "电子政务的特征")
    answer = egov_engine.ask("简述电子政务的含义及其特征。")
    assert [c.label for c in answer.citations] == [meaning, features]
    assert f"根据笔记「{meaning}」" in answer.answer and f"根据笔记「{features}」" in answer.answer
    assert answer.answer.endswith(f"出处：{meaning}；{features}")
    texts = {p.label: p.display for p in answer.passages}
    assert {meaning, features} <= set(texts)
    for quote in answer.quotes:  # what the page highlights lies in the passages it shows
        assert any(quote in text for text in texts.values())


def test_aspects_under_one_heading_stay_one_answer(egov_engine):
    unit = _unit(egov_engine, "电子政务规划的指导思想和原则")
    answer = egov_engine.ask("电子政务规划的指导思想和原则是什么？")
    assert [c.label for c in answer.citations] == [unit]


def test_every_pair_of_sibling_headings_is_answered_whole(egov_engine):
    """ "简述X的A及其B。" for every two headings "X的A", "X的B" of the notes cites both units."""
    pairs = aspect_questions_from_headings(egov_engine.notes.chunks)
    assert len(pairs) >= 3
    for question, wanted in pairs:
        cited = [c.label for c in egov_engine.ask(question).citations]
        assert set(wanted) <= set(cited), (question, cited)
