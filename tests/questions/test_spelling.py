"""Homophone typos put right against the notes' own words (spelling.Speller)."""

from __future__ import annotations

import pytest

from egov_qa.engine import Engine
from egov_qa.evaluation.generated import questions_from_headings
from egov_qa.questions.spelling import Speller

NOTES = """第一章 电子政务概述
1、电子政务的特征
电子政务的主体是政府机关。政府人员队伍建设要求公务员掌握信息技术。
2、权力监督
行政权力受到监督，每一次公开都提高透明度，有时还要听证。信息发布讲求时效。政府推行业务流程再造。
"""


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller([NOTES])


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("电子正务有哪些特征？", "电子政务有哪些特征？"),  # 正 for 政: the word falls apart
        ("政府认员队伍建设有什么要求？", "政府人员队伍建设有什么要求？"),
        ("公务猿要掌握什么？", "公务员要掌握什么？"),
        ("电子政务的特症是什么？", "电子政务的特征是什么？"),
        ("震府为什么要推行业务流程再造？", "政府为什么要推行业务流程再造？"),  # zhen for zheng (fuzzy pinyin)
        ("业务纽程再造是什么？", "业务流程再造是什么？"),  # niu for liu (n/l)
    ],
)
def test_homophone_typo_becomes_the_notes_word(speller, typed, meant):
    assert speller.correct(typed) == meant


@pytest.mark.parametrize(
    "question",
    [
        "公民的权利有哪些？",  # a real word that merely sounds like the notes' 权力
        "“政务”一词是什么意思？",  # 一词 ≈ 一次 (yi ci), but 一次 is a numeral, not a topic word
        "这段历史效果如何？",  # 史效 sounds like the notes' 时效 but cuts across 历史 / 效果
        "电子政务的主体是谁？",
        "What is e-government?",
    ],
)
def test_right_words_are_left_alone(speller, question):
    assert speller.correct(question) == question


def test_questions_made_from_the_notes_are_never_changed(egov_engine):
    """No false corrections on correctly spelled questions about the real e-gov notes."""
    questions = [q for q, _ in questions_from_headings(egov_engine.notes.chunks)]
    assert len(questions) > 50
    speller = Speller(c.search_text for c in egov_engine.notes.chunks)  # as the typos rule builds it
    changed = [(q, speller.correct(q)) for q in questions if speller.correct(q) != q]
    assert changed == []


def test_a_typo_is_answered_from_the_right_unit_and_says_how_it_was_read(egov_engine):
    question = "电子政吴的含义"  # 吴 (wu) for 务
    meaning = {c.label for c in egov_engine.notes.chunks if c.unit_title == "电子政务的含义"}
    without = Engine(egov_engine.settings.model_copy(update={"rules_off": {"typos"}}), egov_engine.index)
    uncorrected = without.ask(question)
    assert uncorrected.refused or uncorrected.citations[0].label not in meaning  # why the correction exists

    answer = egov_engine.ask(question)
    assert not answer.refused
    assert answer.citations[0].label in meaning
    assert answer.understood_as == "电子政务的含义"
    assert answer.answer.startswith("（按笔记用词理解为：电子政务的含义）\n")


def test_a_right_question_says_nothing_about_how_it_was_read(egov_engine):
    answer = egov_engine.ask("电子政务的发展趋势是什么？")
    assert answer.understood_as is None
    assert "理解为" not in answer.answer
