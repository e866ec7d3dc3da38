"""``evaluation.calibrate``: the refusal threshold chosen from a labelled question set."""

from __future__ import annotations

import pytest

from egov_qa.evaluation.metrics import Question, calibrate


def _questions(answerable: list[float], out_of_scope: list[float]) -> tuple[list[Question], dict[str, float]]:
    items, relevance = [], {}
    for i, r in enumerate(answerable):
        items.append(Question(id=f"a{i}", question="q", type="detail"))
        relevance[f"a{i}"] = r
    for i, r in enumerate(out_of_scope):
        items.append(Question(id=f"o{i}", question="q", type="out_of_scope"))
        relevance[f"o{i}"] = r
    return items, relevance


ANSWERABLE = [1.0 + i / 10 for i in range(20)]  # 1.0 … 2.9: 5% = 1 may be refused


def test_target_out_of_reach_refuses_as_many_as_the_allowed_false_refusals_permit():
    items, rel = _questions(ANSWERABLE, [0.5, 1.04, 3.5])  # 80% would need 3.5, above all answerable
    result = calibrate(items, lambda q: rel[q.id], max_false_refusals=0.05, min_refusal=0.8)
    assert result.threshold == pytest.approx((1.04 + 1.1) / 2)  # in the gap above 1.04
    assert result.false_refusals == pytest.approx(1 / 20)
    assert result.out_of_scope_refusal == pytest.approx(2 / 3)  # 0.5 and 1.04 fall below


def test_target_reached_with_the_fewest_false_refusals():
    items, rel = _questions(ANSWERABLE, [0.5, 0.6, 0.7, 0.8, 1.05])
    result = calibrate(items, lambda q: rel[q.id], max_false_refusals=0.05, min_refusal=0.8)
    # 4 of 5 refused without refusing 1.0; refusing 1.05 too would cost one answerable question
    assert result.threshold == pytest.approx((0.8 + 1.0) / 2)
    assert (result.false_refusals, result.out_of_scope_refusal) == (0.0, pytest.approx(0.8))
    strict = calibrate(items, lambda q: rel[q.id], max_false_refusals=0.05, min_refusal=1.0)
    assert strict.threshold == pytest.approx((1.05 + 1.1) / 2)
    assert (strict.false_refusals, strict.out_of_scope_refusal) == (pytest.approx(1 / 20), 1.0)


def test_no_false_refusals_allowed_puts_the_threshold_below_every_answerable_question():
    items, rel = _questions([0.8, 0.9, 1.2], [0.1])
    result = calibrate(items, lambda q: rel[q.id], max_false_refusals=0.0)
    assert result.threshold < 0.8 and result.false_refusals == 0.0
    assert result.out_of_scope_refusal == 1.0


def test_needs_answerable_questions():
    items, rel = _questions([], [0.1])
    # the calibration's own message, not some other ValueError (a pydantic ValidationError is one too)
    with pytest.raises(ValueError, match="no answerable questions to calibrate on"):
        calibrate(items, lambda q: rel[q.id])
