"""Check my answer on the real e-gov index: the real embedding model, the real Chroma piece
vectors, the same retrieval and refusal as chat."""

from __future__ import annotations

import random

import pytest

from egov_qa.answer.messages import CHECK_NO_ANSWER, CHECK_NOT_COVERED
from egov_qa.check.practice import pick, review_next

pytestmark = pytest.mark.slow

FEATURES = "电子政务有哪些特征？"


def statuses(result) -> dict[str, str]:
    return {item.text: item.status for item in result.items}


def test_a_complete_answer_covers_every_item_and_cites_the_point(egov_engine) -> None:
    result = egov_engine.checker.check(
        FEATURES,
        "一是使用手段和技术先进实用；二是政府信息公开共享；三是政府与公众之间沟通互动；"
        "四是政府提供的服务有创新；五是政府内外管理开放。",
    )
    assert result.refused is False
    assert "电子政务的特征" in result.citation.label
    assert len(result.items) == 5 and result.coverage == 1.0
    assert all(item.match for item in result.items)
    assert all(any(item.text in line for line in result.rubric) for item in result.items)


CASUAL = [
    "首先它用的技术都挺新的，而且是真能用上的，不是摆样子。",
    "然后政府的信息大家都能看到、都能拿来用。",
    "当官的和群众能在网上来回交流，不再是政府一个人说了算。",
    "政府给大家办事的方式也会不断出新花样。",
    "最后就是政府里里外外的管理都更放得开、更透明了。",
]


def test_casual_words_count_and_the_order_does_not_matter(egov_engine) -> None:
    casual = egov_engine.checker.check(FEATURES, "".join(CASUAL))
    assert casual.coverage >= 0.8, statuses(casual)
    assert statuses(casual)["政府信息的公开共享性"] == "covered"
    swapped = egov_engine.checker.check(FEATURES, "".join(reversed(CASUAL)))
    assert swapped.coverage == casual.coverage


def test_a_partial_answer_scores_between_nothing_and_everything(egov_engine) -> None:
    partial = egov_engine.checker.check(FEATURES, "电子政务的特征有：政府信息公开共享，政府和公众之间的沟通有互动性。")
    assert 0.3 <= partial.coverage <= 0.5
    assert "写到 2 个" in partial.message


def test_restating_the_question_or_not_knowing_covers_nothing(egov_engine) -> None:
    for answer in ("不知道", "电子政务有很多特征。", "特征这块没复习到，不会。", "电子政务的特征有哪些呢？"):
        result = egov_engine.checker.check(FEATURES, answer)
        assert result.coverage == 0.0, (answer, statuses(result))


def test_typos_are_read_against_the_notes_words(egov_engine) -> None:
    result = egov_engine.checker.check(FEATURES, "政府与公众之间沟通的互洞性，政府信息的公开共想性。")
    found = statuses(result)
    assert found["政府与公众之间沟通的互动性"] == "covered"
    assert found["政府信息的公开共享性"] == "covered"


def test_an_answer_about_another_point_scores_low_and_names_it(egov_engine) -> None:
    result = egov_engine.checker.check(
        FEATURES,
        "电子政务可以增强政府监管、维护市场秩序，整合决策依据、实现决策支持，降低行政成本、提高办公效率，"
        "发挥主导作用、带动社会信息化。",
    )
    assert result.coverage <= 0.2
    assert result.seems_to_answer is not None and "电子政务的功能" in result.seems_to_answer.label
    assert "电子政务的功能" in result.message


def test_the_part_of_a_point_that_answers_the_question_is_the_rubric(egov_engine) -> None:
    result = egov_engine.checker.check("制定电子政务规划要坚持哪些原则？", "适用、经济、能扩展、安全")
    assert [item.text for item in result.items] == ["适用性原则", "经济性原则", "可扩展性原则", "安全性原则"]
    assert result.coverage == 1.0


def test_a_question_the_notes_do_not_cover_is_refused_with_no_items(egov_engine) -> None:
    result = egov_engine.checker.check("今天食堂吃什么？", "吃面条")
    assert result.refused is True and result.items == [] and result.citation is None
    assert result.message == CHECK_NOT_COVERED


def test_an_empty_answer_gets_the_rubric_and_a_note(egov_engine) -> None:
    result = egov_engine.checker.check(FEATURES, "   ")
    assert result.refused is False and result.coverage == 0.0
    assert result.note == CHECK_NO_ANSWER
    assert [i.status for i in result.items] == ["missing"] * 5 and result.rubric


def test_every_practice_question_is_checked_against_its_own_point(egov_engine) -> None:
    """The questions practice asks come from the headings: each must find its own unit again."""
    points = egov_engine.practice_points
    assert len(points) >= 20
    wrong = [p.label for p in points if egov_engine.checker.check(p.question, "x").citation.label != p.label]
    assert not wrong, wrong


def test_practice_picks_new_points_first_and_suggests_the_weakest() -> None:
    from egov_qa.check.practice import PracticePoint
    from egov_qa.models import Citation

    def point(label: str) -> PracticePoint:
        return PracticePoint(label, f"{label}?", Citation(chapter=1, point=1, section=None, label=label, source="x"), 3)

    points = [point(name) for name in "ABCD"]
    tally = {"A": 0.9, "B": 0.2, "C": 1.0}
    assert pick(points, tally, random.Random(1)).label == "D"
    assert review_next(points, tally) == ["B", "A"]
    assert review_next(points, {"Z": 0.0}) == []  # a point of other notes is no suggestion
