"""A question that is a heading in other words ("管理有哪些作用？" for "管理的职能") is answered
from that heading's unit instead of being refused or answered from another unit (synonyms from
the Cilin thesaurus)."""

from __future__ import annotations

import pytest

from egov_qa.engine import Engine
from egov_qa.questions.synonyms import synonyms


def test_synonyms_are_same_meaning_words():
    assert "特征" in synonyms("特点") and "特点" in synonyms("特征")
    assert "特点" not in synonyms("特点")
    assert "缺点" not in synonyms("特征")
    assert synonyms("电子政务") == frozenset()


@pytest.fixture(scope="module")
def management_engine(unseen_engine):
    """A made-up management course (tests/data/unseen), indexed for real."""
    return unseen_engine("management.md")


def _unit(engine: Engine, title: str) -> str:
    return next(c.label for c in engine.notes.chunks if c.unit_title == title)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("管理有哪些作用？", "管理的职能"),
        ("管理的功能有哪些？", "管理的职能"),  # (a definition, "管理的定义是什么？", needs no rule: its topic is 管理)
    ],
)
def test_a_heading_in_other_words_is_answered(management_engine, question, heading):
    answer = management_engine.ask(question)
    assert not answer.refused and answer.citations[0].label == _unit(management_engine, heading)
    assert answer.answer.startswith(f"（笔记里的说法是「{heading}」）\n")

    settings = management_engine.settings.model_copy(update={"rules_off": {"reworded_heading"}})
    without = Engine(settings, management_engine.index).ask(question)  # why the rule exists:
    assert without.refused or without.citations[0].label != _unit(management_engine, heading)  # another unit


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        pytest.param(
            "管理有哪些缺点？",
            marks=pytest.mark.xfail(
                strict=True,
                reason="answered from 管理的二重性 (answerability -1.1 > -2.46): the notes never name a 缺点 of "
                "management, but similarity 0.89 outweighs the missing word; see the issue note",
            ),
        ),
        "会计有哪些作用？",
        "红烧肉怎么做才好吃？",
    ],
)
def test_other_wordings_are_still_refused(management_engine, question):
    assert management_engine.ask(question).refused


@pytest.mark.slow
def test_a_heading_in_other_words_beats_a_unit_that_shares_the_word(egov_engine):
    """The e-gov notes head their unit "电子政务的特征", while "特点" appears in the unit on the
    network platform, which the search ranked first for "电子政务有哪些特点？"."""
    answer = egov_engine.ask("电子政务有哪些特点？")
    assert answer.citations[0].label.endswith("电子政务的特征")
    assert answer.answer.startswith("（笔记里的说法是「电子政务的特征」）\n")


@pytest.mark.slow
@pytest.mark.parametrize(
    "question", ["电子政务的主体是什么？", "单选题：电子政务的主体是（ ） A.企业 B.政府机关 C.公众"]
)
def test_a_unit_that_states_it_word_for_word_keeps_its_place(egov_engine, question):
    """ "电子政务的主体是政府机关" answers what the 主体 is: not the unit headed "电子政务的核心",
    though the thesaurus puts 主体 with 核心 (the other sense, "main part")."""
    answer = egov_engine.ask(question)
    assert answer.citations[0].label.endswith("电子政务的理解要点"), answer.answer
    assert "笔记里的说法是" not in answer.answer
