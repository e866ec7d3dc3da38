"""``evaluation.calibration``: the refusal threshold, AUC per source, the fitted weights, and the
questions generated from notes that they cannot answer."""

from __future__ import annotations

import math

import pytest

from egov_qa.config import AnswerabilityWeights
from egov_qa.evaluation import calibration as cal
from egov_qa.evaluation.generated import (
    false_premise_questions,
    out_of_notes_questions,
    underspecified_questions,
)
from egov_qa.retrieval.answerability import Evidence, answerability


def _scored(relevance: float, answerable: bool, source: str = "s", **evidence: float) -> cal.Scored:
    return cal.Scored(cal.Probe("q", (), answerable, source), relevance, evidence)


def test_the_threshold_refuses_at_most_the_allowed_share_of_answerable_questions():
    scored = [_scored(1.0 + i / 10, True) for i in range(20)] + [_scored(0.5, False), _scored(3.5, False)]
    cut = cal.threshold(scored, max_false_refusals=0.05)  # 1 of 20 may fall below
    assert cut == pytest.approx((1.0 + 1.1) / 2)
    assert sum(s.relevance < cut for s in scored if s.probe.answerable) == 1
    assert cal.threshold(scored, max_false_refusals=0.0) < 1.0  # none refused: below the lowest


def test_no_answerable_questions_is_a_clear_error():
    with pytest.raises(ValueError, match="no answerable questions to calibrate on"):
        cal.threshold([_scored(0.5, False)], 0.05)


def test_auc_counts_the_pairs_told_apart_and_ties_half():
    assert cal.auc([2.0, 3.0], [1.0, 1.5]) == 1.0
    assert cal.auc([1.0], [1.0]) == 0.5
    assert cal.auc([1.0, 3.0], [2.0]) == 0.5
    assert cal.auc([], [1.0]) is None


def test_report_gives_each_source_its_auc_and_share_below():
    scored = [_scored(r, True, "headings") for r in (2.0, 3.0)] + [_scored(r, False, "out") for r in (1.0, 2.5)]
    rows = {(r.source, r.answerable): r for r in cal.report(scored, cut=2.2)}
    assert rows[("out", False)].auc == pytest.approx(0.75) and rows[("out", False)].below == 0.5
    assert rows[("headings", True)].auc is None and rows[("headings", True)].below == 0.5


def test_fit_learns_which_evidence_tells_answerable_from_not():
    """Answerable questions have a similar best unit and covered words; the fitted weights say so,
    and score every answerable probe above every other one."""
    names = [f for f in cal.FEATURES]
    rows = []
    for i in range(40):
        good = i % 2 == 0
        evidence = dict.fromkeys(names, 0.0) | {
            "similarity": 0.9 if good else 0.8 + (i % 5) / 100,
            "coverage": 0.8 + (i % 3) / 20 if good else 0.1 * (i % 4),
        }
        rows.append(_scored(0.0, good, **evidence))
    weights = cal.fit(rows)
    assert weights.similarity > 0 and weights.coverage > 0
    scores = [answerability(Evidence(**s.evidence), weights) for s in rows]
    good = [x for x, s in zip(scores, rows, strict=True) if s.probe.answerable]
    bad = [x for x, s in zip(scores, rows, strict=True) if not s.probe.answerable]
    assert min(good) > max(bad)
    assert all(math.isfinite(v) for v in weights.model_dump().values())


def test_answerability_is_the_weighted_sum_of_the_evidence():
    weights = AnswerabilityWeights(
        bias=-1, similarity=2, piece_similarity=0, coverage=1, unit_coverage=0, fact_missing=-3
    )
    evidence = Evidence(similarity=0.5, piece_similarity=0.9, coverage=0.5, unit_coverage=0.2, fact_missing=1)
    assert answerability(evidence, weights) == pytest.approx(-1 + 1 + 0.5 - 3)


@pytest.mark.slow
def test_generated_unanswerable_questions_are_about_what_the_notes_lack(egov_engine):
    chunks, notes = egov_engine.notes.chunks, egov_engine.vocabulary.notes_text
    outside = out_of_notes_questions(chunks, notes, 20)
    assert len(outside) == 20 and len(set(outside)) >= 15
    # each is about a noun the notes never use
    assert all(any(len(w) >= 2 and w not in notes for w in egov_engine.prepare(q).question.words) for q in outside)
    titles = {c.unit_title for c in chunks}
    premises = false_premise_questions(chunks, 10)
    assert len(premises) == 10 and all(any(t in q for t in titles) for q in premises)
    assert all(egov_engine.prepare(q).question.plain.text for q in premises)
    vague = underspecified_questions(chunks, 5)
    assert vague and all(egov_engine.ask(q).refused for q in vague)  # asked first, each asks for the subject
