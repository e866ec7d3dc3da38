"""Questions shaped like a heading (definitions, comparisons), instructions, on real indexes.

The expected units come from the notes' own outline (every heading "X的含义/定义/概念/内涵",
every "X与Y"), so the tests follow the notes, not a list written for them.
"""

from __future__ import annotations

import re

import pytest

from egov_qa.answer.compose import Draft
from egov_qa.evaluation.generated import questions_from_headings
from egov_qa.models import Hit, RetrievalResult
from egov_qa.questions.definitions import DEFINITION_HEADS, defined_term, defining_lines, definition_topic
from egov_qa.questions.forms import as_plain_question
from egov_qa.questions.pairs import compared_pair
from egov_qa.questions.question import Question
from egov_qa.rules.base import Turn
from egov_qa.rules.ranking import HeadingMatch
from helpers import JIE_NOTES, LECTURE_NOTES, searched


def heading_first(engine, question: str, ranked: RetrievalResult) -> RetrievalResult:
    """The ranking after the heading_match rule, for ``question``."""
    return HeadingMatch(engine).reorder(Turn(Question.of(question)), Draft(ranked)).ranking


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("什么是电子政务？", "电子政务"),
        ("电子政务是什么", "电子政务"),
        ("请问何谓政务", "政务"),
        ("电子政务规划的含义是什么？", "电子政务规划"),
        ("MIS 的定义", "mis"),
        ("电子政务的特征有哪些？", None),
        ("电子政务和电子商务有什么区别？", None),
        # how students ask it
        ("电子政务用一句话怎么定义", "电子政务"),
        ("负债到底是怎么定义的啊", "负债"),
        ("怎么给电子政务下定义？", "电子政务"),
        ("行政许可到底指什么", "行政许可"),
        ("老师老说的“分录”是什么意思？", "分录"),
        ("什么叫管理？书上怎么定义的", "管理"),
        ("管理，书上怎么定义的", None),  # a clause's term never runs over a comma
    ],
)
def test_defined_term(question, term):
    assert defined_term(question) == term


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("什么叫管理？书上怎么定义的", "管理"),
        ("电子政务的“建设模式”是个什么概念", "电子政务的“建设模式”"),  # the context stays
        ("“以横向区域性管理体系为主导”说的是哪方面的原则？另一条是什么", None),  # asks more than a definition
        ("电子政务是什么？有哪些特征？", None),
    ],
)
def test_definition_topic_is_the_term_only_when_nothing_else_is_asked(question, topic):
    assert definition_topic(question) == topic


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    ["什么叫管理？书上怎么定义的", "管理用一句话怎么定义？", "老师说的“管理”是什么意思？", "怎么给管理下定义"],
)
def test_a_definition_asked_in_any_words_is_answered_from_the_unit_that_defines_it(unseen_engine, question):
    """The management notes head it "管理的概念" and never say 定义, 书上 or 意思: those words
    must not make the question look out of scope (all four were refused)."""
    answer = unseen_engine("management.md").ask(question)
    assert not answer.refused
    assert answer.citations[0].label.endswith("管理的概念")


@pytest.mark.parametrize(
    ("exam", "plain"),
    [
        ("名词解释：电子政务", "什么是电子政务？"),
        ("三、名词解释 电子政务。", "什么是电子政务？"),
        ("简述电子政务的特征。", "电子政务的特征。"),
        ("论述题：电子政务的功能有哪些？", "电子政务的功能有哪些？"),
        ("电子政务的简述", "电子政务的简述"),  # not an instruction at the start
        ("简述", "简述"),  # nothing after it: left alone
        ("请介绍一下子网划分。", "子网划分。"),  # jieba would cut 一下子 / 网
        ("请说明电子政务建设模式的分类。", "电子政务建设模式的分类。"),
        ("说明书是什么", "说明书是什么"),  # a word, not a request
        ("三、论述题（每题15分）：试述电子政务的功能。", "电子政务的功能。"),  # marks, two instructions
        ("名词解释（每题3分）：电子政务", "什么是电子政务？"),
        ("1. 简述电子政务的特征。（10分）", "电子政务的特征。"),
        ("判断题：电子政务就是办公自动化。", "电子政务就是办公自动化。"),
        ("填空：电子政务的主体是____。", "电子政务的主体是什么。"),  # a blank after 是 asks what
        ("电子政务的功能（共6点）有哪些？", "电子政务的功能（共6点）有哪些？"),  # not marks
        ("论述题：结合实际，论述电子政务的作用。", "电子政务的作用。"),
        ("单选题：电子政务实施的核心是（  ）A.eMPA B.OA C.MIS D.ERP", "电子政务实施的核心是什么"),  # options go
        ("电子政务的主体是（ ）。A. 政府机关 B. 企业 C. 公众", "电子政务的主体是什么。"),
        ("电子政务的特征包括（ ）。A. x B. y", "电子政务的特征包括。"),  # elsewhere a blank says nothing
        ("A、B、C类地址的网络号各占几位", "A、B、C类地址的网络号各占几位"),  # no stem before: no options
        ("咱们国家电子政务分了哪几个阶段", "我国电子政务分了哪几个阶段"),  # the notes' word for it
        ("电子政务规划分几步", "电子政务规划分哪些步骤"),  # what a count of steps asks for
        ("MIS 从高层到基层分成哪几层？", "MIS 从高层到基层分成哪些层次？"),
        ("系统开发要经过几个步骤", "系统开发要经过几个步骤"),
        ("我们国家电子政务有哪些问题？", "我国电子政务有哪些问题？"),
    ],
)
def test_exam_instruction_becomes_the_question(exam, plain, egov_engine):
    assert as_plain_question(exam) == plain
    assert searched(egov_engine, exam, [])[0][0] == plain


def _defined_units(engine):
    heading = re.compile(rf"^(.+?)的?(?:{'|'.join(DEFINITION_HEADS)})$")
    units = {}
    for chunk in engine.retriever.chunks:
        title = chunk.unit_title
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


@pytest.mark.parametrize(
    ("question", "lines", "expected"),
    [
        (
            "名词解释：政务内网",
            ["1.政务内网:机关内部办公网。", "2.政务外网:对外服务网。"],
            ["1.政务内网:机关内部办公网。"],
        ),
        ("什么是政务外网？", ["(1)政务内网：内部。", "(2)政务外网是对外服务网。"], ["(2)政务外网是对外服务网。"]),
        ("什么是政务网？", ["1.政务内网:内部。", "2.政务外网:对外。"], []),  # defines neither
        ("政务内网有哪些？", ["1.政务内网:内部。"], []),  # not a "what is X" question
        ("G2B是什么？", ["1.政府与政府(G-G)公文", "2.政府与企业(G-B)采购"], ["2.政府与企业(G-B)采购"]),
        ("MRP是什么？", ["MRP II (Manufacturing) 制造资源", "MRP（Material）物料需求"], ["MRP（Material）物料需求"]),
    ],
)
def test_defining_lines(question, lines, expected):
    assert defining_lines(Question.of(question).plain.defined_term, lines) == expected


def test_a_term_defined_in_a_line_of_its_own_is_answered_with_that_line(egov_engine):
    answer = egov_engine.ask("名词解释：政务内网")
    assert len(answer.quotes) == 1 and answer.quotes[0].lstrip("1. ").startswith("政务内网")
    assert "政务外网:" not in answer.answer  # the unit's other terms are left out


@pytest.mark.parametrize(
    ("question", "pair"),
    [
        ("电子政务和电子政府有什么区别？", {"电子政务", "电子政府"}),
        ("电子政务跟电子商务有啥不同", {"电子政务", "电子商务"}),
        ("政府信息化与电子政务是什么关系？", {"政府信息化", "电子政务"}),
        ("电子政务的特征有哪些？", None),
    ],
)
def test_compared_pair(question, pair):
    assert compared_pair(question) == (frozenset(pair) if pair else None)


@pytest.mark.slow
def test_comparison_questions_cite_the_unit_that_pairs_both_sides(egov_engine):
    heading = re.compile(r"^(.+?)与(.+)$")
    pairs = {}
    for chunk in egov_engine.retriever.chunks:
        match = heading.match(chunk.unit_title)
        if match:
            pairs.setdefault(match.groups(), chunk.label)
    assert ("电子政务", "电子政府") in pairs
    for (a, b), label in pairs.items():
        for question in (f"{a}和{b}有什么区别？", f"{b}跟{a}有啥不同？"):
            assert egov_engine.ask(question).citations[0].label == label, question


@pytest.fixture(scope="module")
def network_engine(unseen_engine):
    """A made-up computer-networks course (tests/data/unseen), indexed for real."""
    return unseen_engine("network.md")


@pytest.mark.slow
@pytest.mark.parametrize("which", ["egov", "network"])
def test_questions_from_headings_cite_their_unit(which, egov_engine, network_engine):
    """The chat page's example questions and the other heading-made questions: none may be
    refused, and each must cite its own unit."""
    engine = egov_engine if which == "egov" else network_engine
    pairs = questions_from_headings(engine.retriever.chunks)
    assert len(pairs) >= 30
    for question in engine.example_questions(20):  # the page's examples, points without a body too
        assert not engine.ask(question).refused, question
    for question, label in pairs:
        answer = engine.ask(question)
        assert not answer.refused, question
        assert answer.citations[0].label == label, (question, answer.citations[0].label)


# --- a point asked about as a whole -------------------------------------------------------------


def _points_with_sections(engine):
    """{point label: [its section headings in order]} for every point with two or more sections."""
    points: dict[str, list[str]] = {}
    for chunk in engine.retriever.chunks:
        if chunk.section and chunk.point is not None and chunk.point_title:
            headings = points.setdefault(chunk.point_unit_label, [])
            if chunk.heading not in headings:
                headings.append(chunk.heading)
    return {label: h for label, h in points.items() if len(h) >= 2}


@pytest.mark.slow
def test_a_point_asked_as_a_whole_is_answered_with_its_sections(egov_engine):
    from egov_qa.app.render import cited_chunks

    points = _points_with_sections(egov_engine)
    label = "第五章 · 1、电子政务建设的原则"
    assert label in points and len(points[label]) >= 5
    for question in (
        "电子政务建设的原则有哪些？",
        "简述电子政务建设的原则。",
        "电子政务建设要遵循哪些原则？",
        "电子政务建设的原则需要把握哪几块？",
    ):  # 需要 / 把握 name no part of it
        answer = egov_engine.ask(question)
        citation = answer.citations[0]
        assert (citation.label, citation.section, citation.point) == (label, None, 1)
        assert answer.quotes == points[label]
        assert all(heading in answer.answer for heading in points[label])
        shown = cited_chunks(answer, egov_engine, egov_engine.notes.chunks)[0][1]
        assert [c.heading for c in shown if c.part == 0] == points[label]  # the 来源 panel


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "试论述电子政务对政府管理创新的影响。",
        "电子政务与政府管理创新有什么关系？",
    ],
)
def test_the_relation_a_pair_heading_names_is_asked_as_a_whole(egov_engine, question):
    """A point headed "X与Y" is what "X对Y的影响" / "X与Y有什么关系" asks about."""
    label = "第一章 · 11、电子政务与政府管理创新"
    assert label in _points_with_sections(egov_engine)
    citation = egov_engine.ask(question).citations[0]
    assert (citation.label, citation.section) == (label, None)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("电子政务建设的原则中效益原则是什么？", "5.1.4"),  # names one of its sections
        ("电子政务建设的原则里，衡量项目划不划算看哪几个指标？", "5.1.4"),  # asks about a part
        ("电子政务对政府工作效率有什么影响？", "1.3.6"),  # a relation, but of one of its sections
    ],
)
def test_a_question_about_part_of_a_point_is_not_an_overview(egov_engine, question, section):
    answer = egov_engine.ask(question)
    assert answer.citations[0].section == section


# --- a question that names a heading word for word ---------------------------------------------


def test_a_heading_named_word_for_word_comes_first(egov_engine):
    """ "概念结构有哪些？" is about the unit headed 概念结构, not one headed 概念结构设计 that the
    model ranked first (the notes of the MIS course have both)."""
    chunks = {c.unit_title: c for c in egov_engine.notes.chunks}
    longer, exact = chunks["电子政务规划的主要步骤"], chunks["电子政务规划的含义"]
    ranked = RetrievalResult([Hit(longer, 2.0), Hit(exact, 1.0)], relevance=1.5)
    assert heading_first(egov_engine, "电子政务规划的含义有哪些？", ranked).hits[0].chunk is exact
    # one word more than the heading: the ranking stands
    assert heading_first(egov_engine, "电子政务规划的含义和步骤有哪些？", ranked).hits[0].chunk is longer


def test_a_term_the_notes_only_compare_is_answered_from_the_comparison(egov_engine):
    """The notes never say what 电子政府 is; their one place for it is the unit headed
    电子政务与电子政府 (the model ranked units on 政府 first). A term some unit states ("X是…")
    keeps the ranking."""
    chunks = {c.unit_title: c for c in egov_engine.notes.chunks}
    other, pair = chunks["电子政务与政府信息化"], chunks["电子政务与电子政府"]
    ranked = RetrievalResult([Hit(other, 2.0), Hit(pair, 1.0)], relevance=1.5)
    for question in ("什么是电子政府？", "电子政府是什么意思？"):
        assert heading_first(egov_engine, question, ranked).hits[0].chunk is pair
    # a retrieved unit says "电子政务是政府信息化的主要表现形式": the ranking stands
    features = chunks["电子政务的特征"]
    ranked = RetrievalResult([Hit(features, 3.0), Hit(pair, 2.0), Hit(other, 1.0)], relevance=1.5)
    assert heading_first(egov_engine, "什么是电子政务？", ranked).hits[0].chunk is features
    answer = egov_engine.ask("名词解释：电子政府")
    assert answer.citations[0].label == "第一章 · 5、电子政务与电子政府"


def _engine_over(notes: str, root):
    from egov_qa.config import Settings
    from egov_qa.engine import Engine

    (root / "corpus").mkdir()
    (root / "corpus" / "notes.txt").write_text(notes, encoding="utf-8")
    return Engine.open(Settings(corpus_dir=root / "corpus", index_dir=root / "index"), progress=False)


@pytest.fixture(scope="module")
def jie_engine(tmp_path_factory):
    """Notes numbered 第一章 / 第一节 / 一、 (tests/helpers.py's JIE_NOTES), indexed for real."""
    return _engine_over(JIE_NOTES, tmp_path_factory.mktemp("jie"))


@pytest.mark.slow
def test_lecture_notes_are_asked_and_cited_by_lecture(tmp_path):
    engine = _engine_over(LECTURE_NOTES, tmp_path)
    assert engine.ask("政策问题是什么？").citations[0].label == "第二讲 · 一、政策问题的确认"
    overview = engine.ask("第二讲讲了什么？")
    assert [c.label for c in overview.citations] == ["第二讲"] and "政策问题的确认" in overview.answer
    missing = engine.ask("第五讲讲了什么？")
    assert missing.refused and "没有第五讲" in missing.answer and "第一讲、第二讲" in missing.answer


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("行政管理学的研究对象是什么？", "第一章 · 第二节 行政管理学的研究对象"),
        ("行政管理有哪些特点？", "第一章 · 第一节 行政管理的含义 › 二、行政管理的特点"),
        # a 节 made of parts, asked by its own heading: all of it, though 行政环境的含义 shares more words
        ("行政环境有什么特点", "第二章 · 第二节 行政环境的特点"),
        ("行政环境的特点是什么", "第二章 · 第二节 行政环境的特点"),
    ],
)
def test_jie_notes_are_cited_by_jie_and_part(jie_engine, question, label):
    answer = jie_engine.ask(question)
    assert not answer.refused and answer.citations[0].label == label, answer.answer
