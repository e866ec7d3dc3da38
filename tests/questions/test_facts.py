"""A question that asks for a year, a number, a person or a place (questions.facts)."""

from __future__ import annotations

import pytest

from egov_qa.questions.facts import asked_fact, states_fact


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("电子签名法是什么时候生效的？", "year"),
        ("《政府信息公开条例》是哪一年正式施行的？", "year"),
        ("国家政务服务平台现在有多少实名注册用户？", "number"),
        ("科学管理理论是谁提出的？", "person"),
        ("早稻田大学的排名里，前五名是哪几个国家？", "place"),
        ("电子政务的特征有哪些？", None),
        ("电子政务是谁在做？", None),  # "who does it" asks for an actor, which notes name without a person
        ("When the reform began, which networks were built?", None),  # "when" as a conjunction
        ("How many stages does planning have?", "number"),
    ],
)
def test_asked_fact(question, kind):
    assert asked_fact(question) == kind


def test_states_fact():
    assert states_fact("year", "1999年提出政府上网工程")
    assert not states_fact("year", "电子政务的主体是政府机关")
    assert states_fact("number", "注册用户超过8亿，覆盖31个省")
    assert not states_fact("number", "1)使用手段先进\n2)信息公开")  # a list's own numbers count nothing
    assert states_fact("person", "泰勒提出了科学管理理论")
    assert states_fact("place", "美国和新加坡的电子政务")
    assert not states_fact("place", "政府与公众之间的互动")
