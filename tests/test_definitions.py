"""Definition questions and exam instructions, on the real e-gov index.

The expected units come from the notes' own outline (every heading "X的含义/定义/概念/内涵"),
so the test follows the notes, not a list written for it.
"""

from __future__ import annotations

import re

import pytest

from egov_qa.chat import retrieval_queries
from egov_qa.definitions import DEFINITION_HEADS, defined_term
from egov_qa.text import as_plain_question


@pytest.mark.parametrize(("question", "term"), [
    ("什么是电子政务？", "电子政务"),
    ("电子政务是什么", "电子政务"),
    ("请问何谓政务", "政务"),
    ("电子政务规划的含义是什么？", "电子政务规划"),
    ("MIS 的定义", "mis"),
    ("电子政务的特征有哪些？", None),
    ("电子政务和电子商务有什么区别？", None),
])
def test_defined_term(question, term):
    assert defined_term(question) == term


@pytest.mark.parametrize(("exam", "plain"), [
    ("名词解释：电子政务", "什么是电子政务？"),
    ("三、名词解释 电子政务。", "什么是电子政务？"),
    ("简述电子政务的特征。", "电子政务的特征。"),
    ("论述题：电子政务的功能有哪些？", "电子政务的功能有哪些？"),
    ("电子政务的简述", "电子政务的简述"),  # not an instruction at the start
    ("简述", "简述"),  # nothing after it: left alone
])
def test_exam_instruction_becomes_the_question(exam, plain):
    assert as_plain_question(exam) == plain
    assert retrieval_queries(exam, [])[0][0] == plain


def _defined_units(engine):
    heading = re.compile(rf"^(.+?)的?(?:{'|'.join(DEFINITION_HEADS)})$")
    units = {}
    for chunk in engine.retriever.chunks:
        title = chunk.section_title if chunk.section else chunk.point_title
        match = heading.match((title or "").strip())
        if match:
            units.setdefault(match.group(1), chunk.label)
    return units


@pytest.mark.slow
def test_what_is_questions_cite_the_defining_unit(egov_engine):
    units = _defined_units(egov_engine)
    assert {"政务", "电子政务", "电子政务规划"} <= set(units)  # the notes' own definition headings
    for term, label in units.items():
        for question in (f"什么是{term}？", f"名词解释：{term}", f"{term}是什么？"):
            answer = egov_engine.ask(question)
            assert not answer.refused, question
            assert answer.citations[0].label == label, (question, answer.citations[0].label)
            scores = [p.score for p in answer.passages]
            assert scores == sorted(scores, reverse=True)
