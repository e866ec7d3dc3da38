"""The student-style self-checks ``make bench`` runs, built from a course's own outline and asked
of the real engine (tests/data/unseen/management.md, indexed for real)."""

from __future__ import annotations

import pytest

from benchmarks.question_checks import (
    DEFINITION_PHRASINGS,
    compared_term_checks,
    definition_checks,
    list_item_checks,
    run_checks,
)
from egov_qa.questions.definitions import DEFINITION_HEADS


@pytest.fixture(scope="module")
def management(unseen_engine):
    return unseen_engine("management.md")


def test_checks_are_made_from_the_outline(management):
    chunks = management.notes.chunks
    defining = {c.unit_title for c in chunks if c.unit_title.endswith(DEFINITION_HEADS)}
    assert len(definition_checks(chunks)) == len(DEFINITION_PHRASINGS) * len(defining) > 0
    follow_ups = list_item_checks(chunks)
    assert follow_ups and all(len(c.history) == 1 for c in follow_ups)


@pytest.mark.slow
def test_the_engine_passes_the_definition_list_choice_and_case_checks(management):
    results = run_checks(lambda q, history: management.ask(q, list(history)), management.notes.chunks)
    for name in ("definition words", "list-item ordinal", "multiple choice", "case question"):
        passed, asked = results[name]
        assert asked and passed == asked, (name, results[name])


def test_compared_term_checks_ask_about_terms_the_notes_only_compare(egov_engine):
    questions = {c.question for c in compared_term_checks(egov_engine.notes.chunks)}
    assert {"什么是电子政府？", "名词解释：办公自动化"} <= questions
    assert not any("电子政务？" in q or "对策" in q for q in questions)  # defined; an aspect, not a term
