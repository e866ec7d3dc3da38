"""Conversation handling: follow-up questions become retrieval queries with the earlier turns.

Unit tests of what the follow-up rule searches (``helpers.searched``) plus the engine on the real e-gov index, with and
without the history, so a follow-up that only works thanks to its history is told apart from one
that would have worked alone.
"""

from __future__ import annotations

from itertools import pairwise

import pytest

from egov_qa.engine import Engine
from egov_qa.models import Answer
from egov_qa.questions.followups import asks_for_more, names_nothing
from egov_qa.questions.talk import small_talk
from helpers import searched

# --- what is searched (no index) -------------------------------------------------------------


def test_no_history_searches_the_question_alone(egov_engine):
    assert searched(egov_engine, "电子政务的特征有哪些？", []) == [("电子政务的特征有哪些？", 1.0)]
    assert searched(egov_engine, "那它呢？", []) == [("那它呢？", 1.0)]


def test_blank_history_is_ignored(egov_engine):
    assert searched(egov_engine, "那它呢？", ["", "   "]) == [("那它呢？", 1.0)]


@pytest.mark.parametrize(
    "question",
    ["那它对安全有啥要求？", "那外包呢？", "其中第二条是什么意思？", "为什么？", "具体怎么做？", "里面的A代表什么"],
)
def test_followups_are_recognised(question, egov_engine):
    """Each opens with a pronoun, asks "那…呢", points into the answer or only continues: searched
    with the earlier question (joined to it, or rewritten by it), not alone."""
    weighted = searched(egov_engine, question, ["电子政务的功能有哪些？"])
    assert weighted != [(question, 1.0)]
    assert any("电子政务" in q or "功能" in q for q, _ in weighted)


@pytest.mark.parametrize("question", ["电子政务规划的主要步骤有哪些？", "政府信息化与电子政务是什么关系？"])
def test_standalone_questions_are_not_followups(question, egov_engine):
    assert searched(egov_engine, question, ["电子政务的功能有哪些？"]) == [(question, 1.0)]


def test_followup_queries_carry_the_latest_turn_first(egov_engine):
    history = ["电子政务是在什么背景下产生的？", "当时西方国家面临哪几种压力？"]
    weighted = searched(egov_engine, "最后那一种具体包括哪些？", history)
    queries = [q for q, _ in weighted]
    weights = [w for _, w in weighted]
    assert weights == sorted(weights, reverse=True) and all(w > 0 for w in weights)
    assert 1 < len(queries) <= 4
    assert all(q.strip() for q in queries)
    joined = [i for i, q in enumerate(queries) if history[-1] in q]
    older = [i for i, q in enumerate(queries) if history[0] in q and history[-1] not in q]
    assert joined, queries  # the latest turn is searched together with the follow-up
    assert not older or min(joined) < min(older)  # ...and before the older turn
    assert any("最后那一种" in q for q in queries)  # the follow-up's own words are searched


def test_pronoun_is_replaced_by_the_earlier_subject(egov_engine):
    weighted = searched(egov_engine, "它要遵循哪些原则？", ["电子政务规划的含义是什么？"])
    assert weighted[0] == ("电子政务规划要遵循哪些原则？", 1.0)  # the earlier topic, not its 含义
    assert all(w < 1.0 for _, w in weighted[1:])


@pytest.mark.parametrize(
    ("history", "question", "rewritten"),
    [
        ("电子政务的特征有哪些？", "那电子商务呢？", "电子商务的特征有哪些？"),
        ("电子政务和办公自动化有什么区别？", "那和电子商务呢？", "电子政务和电子商务有什么区别？"),
        ("政务内网是什么？", "那外网呢？", "外网是什么？"),
    ],
)
def test_the_earlier_question_about_something_else(history, question, rewritten, egov_engine):
    weighted = searched(egov_engine, question, [history])
    assert weighted[0] == (rewritten, 1.0)
    assert all(w < 1.0 for _, w in weighted[1:])


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("那第三个呢？", "那 呢？"),  # the ordinal points into the earlier answer: not searched ("第三章")
        ("还有呢？", "还有呢？"),
        ("为什么呢？", "为什么呢？"),
    ],
)
def test_a_followup_naming_nothing_new_is_not_rewritten(question, said, egov_engine):
    history = "电子政务的特征有哪些？"
    assert searched(egov_engine, question, [history])[0] == (f"{history} {said}", 1.0)


def test_a_turn_that_named_nothing_leaves_the_topic_where_it_was(egov_engine):
    history = ["电子政务的功能有哪些？", "那第二点呢"]
    assert searched(egov_engine, "第三点呢？", history)[0] == ("电子政务的功能有哪些？ 呢？", 1.0)


@pytest.mark.parametrize(
    ("question", "more"),
    [
        ("还有呢？", True),
        ("还有别的吗？", True),
        ("其他的呢？", True),
        ("继续", True),
        ("那还有吗", True),
        ("还有哪些原则？", False),
        ("另外两种模式是什么？", False),
        ("电子政务还有什么作用？", False),
    ],
)
def test_asks_for_more(question, more):
    assert asks_for_more(question) is more


@pytest.mark.parametrize(
    ("question", "nothing"),
    [
        ("还有呢？", True),
        ("为什么？", True),
        ("它呢？", True),
        ("是吗", True),
        ("G2B是什么？", False),
        ("那第二章呢？", False),
        ("为什么要搞电子政务？", False),
    ],
)
def test_names_nothing(question, nothing):
    assert names_nothing(question) is nothing


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("你好", "greeting"),
        ("您好！", "greeting"),
        ("Hello", "greeting"),
        ("你是谁？", "greeting"),
        ("你能做什么", "greeting"),
        ("谢谢！", "thanks"),
        ("Thank you", "thanks"),
        ("好的", "thanks"),
        ("你好，电子政务的特征有哪些？", None),
        ("谢谢你的回答，那它的功能呢？", None),
        ("电子政务是谁在做", None),
    ],
)
def test_small_talk(message, kind):
    assert small_talk(message) == kind


# --- the engine with history (real index) -----------------------------------------------------


def first_rank(answer: Answer, needle: str) -> int | None:
    for rank, passage in enumerate(answer.passages, start=1):
        if needle in passage.text:
            return rank
    return None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("history", "question", "unit_word"),
    [
        (["外包模式是什么？"], "那它有什么优缺点？", "外包"),
        (["效益原则是什么？"], "具体怎么做？", "效益原则"),
        (["eMPA是什么？"], "里面的P指的是啥", "电子政务的核心"),  # the unit that spells out eMPA
    ],
)
def test_history_resolves_the_followup(egov_engine: Engine, history, question, unit_word):
    with_history = egov_engine.ask(question, history)
    alone = egov_engine.ask(question)
    assert not with_history.refused, with_history.answer
    assert first_rank(with_history, unit_word) == 1, [p.label for p in with_history.passages[:4]]
    assert unit_word in with_history.answer or unit_word in with_history.citations[0].label
    # the history is what made it work: alone, the same words do not find the unit first
    assert alone.refused or first_rank(alone, unit_word) != 1


@pytest.mark.slow
def test_the_same_comparison_with_another_side(egov_engine: Engine):
    unit = next(c.label for c in egov_engine.notes.chunks if c.unit_title == "电子政务与电子商务")
    answer = egov_engine.ask("那和电子商务呢？", ["电子政务和办公自动化有什么区别？"])
    assert answer.citations[0].label == unit
    assert "1）实施主体不同" in answer.answer  # the display form: full-width in Chinese text


@pytest.mark.slow
def test_history_does_not_change_a_standalone_question(egov_engine: Engine):
    question = "电子政务规划的主要步骤有哪些？"
    alone = egov_engine.ask(question)
    with_history = egov_engine.ask(question, ["红烧肉怎么做？"])
    assert [p.chunk_id for p in with_history.passages] == [p.chunk_id for p in alone.passages]
    assert with_history.answer == alone.answer


@pytest.mark.slow
def test_ordinal_followup_quotes_that_item(egov_engine: Engine):
    unit = next(c for c in egov_engine.notes.chunks if c.heading.endswith("电子政务的功能"))
    second_item = [line for line in unit.display_body.split("\n") if line.strip()][1]
    answer = egov_engine.ask("第二条是什么意思？", ["电子政务的功能有哪些？"])
    assert answer.citations and answer.citations[0].label == unit.label
    assert second_item in answer.quotes


@pytest.mark.slow
def test_ordinal_after_an_ordinal_stays_on_the_list(egov_engine: Engine):
    """ "第三点呢？" after "那第二点呢" is still about the list, not about "第三章"."""
    unit = next(c for c in egov_engine.notes.chunks if c.heading.endswith("电子政务的功能"))
    third_item = [line for line in unit.display_body.split("\n") if line.strip()][2]
    answer = egov_engine.ask("第三点呢？", ["电子政务的功能有哪些？", "那第二点呢"])
    assert answer.citations[0].label == unit.label
    assert answer.quotes == [third_item]


@pytest.mark.slow
def test_ordinal_after_a_list_of_sections_is_that_section(egov_engine: Engine):
    overview = "电子政务建设的原则有哪些？"
    listed = egov_engine.ask(overview)
    assert listed.citations[0].section is None and len(listed.quotes) >= 4  # the sections' headings
    fourth = [c for c in egov_engine.notes.chunks if c.heading == listed.quotes[3]][0]
    for followup in ("那第四个呢？", "第四个原则具体讲什么"):
        answer = egov_engine.ask(followup, [overview])
        assert answer.citations[0].section == fourth.section, followup


@pytest.mark.slow
def test_last_after_a_list_of_sections_is_the_last_section(egov_engine: Engine):
    overview = "电子政务建设的原则有哪些？"
    last = next(c for c in egov_engine.notes.chunks if c.heading == egov_engine.ask(overview).quotes[-1])
    answer = egov_engine.ask("最后一个呢？", [overview])
    assert answer.citations[0].section == last.section


@pytest.mark.slow
@pytest.mark.parametrize(("followup", "item"), [("最后那个具体是干嘛的", -1), ("第二个呢", 1)])
def test_ordinal_after_one_units_list_is_that_item(unseen_engine, followup, item):
    """The management notes list four functions as （一）…（四） in one unit. "最后那个…" named nothing
    the notes say and was refused; now it quotes the last item, from the unit the list came from."""
    engine = unseen_engine("management.md")
    listed = engine.ask("管理职能一般说是哪四个？")
    unit = next(c for c in engine.notes.chunks if listed.citations[0].covers(c))
    items = [line for line in unit.body.split("\n") if line.strip().startswith("（")]
    answer = engine.ask(followup, ["管理职能一般说是哪四个？"])
    assert answer.citations[0] == listed.citations[0]
    assert answer.quotes == [items[item]]


@pytest.mark.slow
def test_ordinal_after_a_chapter_overview_is_that_point(egov_engine: Engine):
    answer = egov_engine.ask("第五点呢？", ["第三章讲了什么？"])
    assert (answer.citations[0].chapter, answer.citations[0].point) == (3, 5)


@pytest.mark.slow
def test_stream_ends_with_the_full_answer(egov_engine: Engine):
    parts = list(egov_engine.stream("电子政务的功能有哪些？"))
    final = egov_engine.ask("电子政务的功能有哪些？")
    assert len(parts) > 1 and parts[-1].answer == final.answer
    for shorter, longer in pairwise(parts):
        assert longer.answer.startswith(shorter.answer) and len(longer.answer) > len(shorter.answer)


@pytest.mark.slow
@pytest.mark.parametrize("question", ["电子政务建设的原则有哪些？", "电子政务实施的措施有哪些？"])
def test_asking_for_more_never_quotes_a_line_twice(egov_engine: Engine, question):
    """ "还有呢" goes on with what was cited (a point's sections after their headings, the rest of a
    trimmed unit), then down the earlier question's ranking; every answer brings new lines."""
    history = [question]
    first = egov_engine.ask(question)
    shown = set(first.quotes)
    cited = {c.label for c in first.citations}
    for _ in range(4):
        more = egov_engine.ask("还有呢？", history)
        assert not more.refused and more.answer.startswith(f"关于「{question}」，笔记里还讲到：")
        assert more.quotes and not set(more.quotes) & shown
        for quote in more.quotes:  # what the page highlights lies in the passages it shows
            assert any(quote in p.display for p in more.passages)
        shown |= set(more.quotes)
        cited |= {c.label for c in more.citations}
        history.append("还有呢？")
    assert len(cited) > 2  # it went past the first unit


def test_more_first_finishes_a_trimmed_unit(egov_engine: Engine):
    question = "电子政务实施的措施有哪些？"
    first = egov_engine.ask(question)
    unit = first.citations[0].label
    assert sum(len(q) for q in first.quotes) < len(egov_engine.chunk(first.passages[0].chunk_id).body)
    assert egov_engine.ask("还有呢？", [question]).citations[0].label == unit


@pytest.mark.slow
def test_an_earlier_question_too_long_to_answer_is_no_context(egov_engine: Engine):
    too_long = "电子政务的功能" * (egov_engine.settings.max_question_chars // 7 + 1)
    assert egov_engine.ask(too_long).refused  # it was refused as too long when it was asked
    assert egov_engine.ask("它有哪些特点", [too_long]).answer == egov_engine.ask("它有哪些特点").answer
    with_it = egov_engine.ask("它有哪些特点", [too_long, "电子政务的目标是什么"])
    assert with_it.answer == egov_engine.ask("它有哪些特点", ["电子政务的目标是什么"]).answer


@pytest.mark.slow
def test_only_the_last_turns_are_read(egov_engine: Engine):
    """5,000 earlier questions sent to the API: the answer is the one the last turns give, and only
    those turns are read (each read = one typo check, ~3 ms)."""
    recent = ["电子政务的目标是什么"]
    history = ["政务内网主要是用来干什么的？"] * 5000 + recent
    expected = egov_engine.ask("它有哪些特点", recent).answer
    assert egov_engine.ask("它有哪些特点", history).answer == expected
    turns = egov_engine.settings.history_turns
    assert len(egov_engine.prepare("它有哪些特点", history).history) == turns < 5000


@pytest.mark.slow
def test_a_bare_followup_without_history_asks_for_the_whole_question(egov_engine: Engine):
    answer = egov_engine.ask("还有呢？")
    assert answer.refused and answer.citations == [] and answer.passages == []
    example = egov_engine.example_questions(1)[0]
    assert answer.answer.endswith(example) and "请把问题说完整" in answer.answer


@pytest.mark.slow
@pytest.mark.parametrize("message", ["你好", "你是谁？", "谢谢！"])
def test_small_talk_gets_a_reply_not_a_passage(egov_engine: Engine, message):
    answer = egov_engine.ask(message)
    assert answer.refused and answer.citations == [] and answer.passages == []
    assert egov_engine.example_questions(1)[0] in answer.answer


@pytest.mark.slow
def test_earlier_questions_are_read_in_simplified_characters_too(egov_engine: Engine):
    """A run of "还有呢" typed once in traditional characters is still a run: the second "还有呢" goes
    on past what the first one quoted."""
    first = ["电子政务的特征有哪些？", "还有呢？"]
    simplified = egov_engine.ask("还有呢？", first + ["还有呢？"])
    assert egov_engine.ask("还有呢？", [first[0], "還有呢？", "还有呢？"]).answer == simplified.answer
    assert simplified.answer != egov_engine.ask("还有呢？", first).answer


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "earlier"),
    [
        ("今天吃什么", "电子政务有哪些特征？"),  # words the notes never use: a new question, refused
        ("第三章第5点讲了什么？", "电子政务有哪些特征？"),  # names its own place, not item 5 of the list
        ("电子政务规划的原则有哪些？", "电子商务是什么？"),  # a topic of its own
    ],
)
def test_a_question_of_its_own_is_answered_as_if_asked_first(egov_engine: Engine, question, earlier):
    alone, after = egov_engine.ask(question), egov_engine.ask(question, [earlier])
    assert (after.refused, after.answer, after.citations) == (alone.refused, alone.answer, alone.citations)


@pytest.mark.slow
def test_a_pronoun_for_a_subject_in_a_first_message_asks_for_the_whole_question(egov_engine: Engine):
    answer = egov_engine.ask("它有哪些特点？")
    assert answer.refused and answer.citations == [] and "请把问题说完整" in answer.answer
    assert not egov_engine.ask("它有哪些特点？", ["电子政务是什么？"]).refused  # after a question it is read with it
