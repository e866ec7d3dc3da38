"""Reorder rules: the unit a question names moves to the front of the ranking, and the ranking is
shaped into how it is answered.

Revision notes give a term's definition a heading of its own ("X的含义") and a comparison too
("X与Y"), while X and Y also appear in many other units; a small model's vectors often rank a unit
that merely mentions them first ("电子政务与政府信息化" for "什么是电子政务？"). An acronym that one
unit alone uses names that unit. A question about a point as a whole is answered with the point's
sections, and a question worded differently from a heading of the same meaning goes to that heading.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from egov_qa.answer.compose import Draft
from egov_qa.answer.messages import NOTES_WORDING
from egov_qa.lexicon import OVERVIEW_WORDS, PAIR_RELATION_WORDS
from egov_qa.models import Chunk, RetrievalResult
from egov_qa.questions.acronyms import AcronymIndex
from egov_qa.questions.definitions import DEFINITION_HEADING, defining_lines, states_what, term_key
from egov_qa.questions.pairs import PAIR_HEADING, pair_sides
from egov_qa.questions.question import Question
from egov_qa.questions.synonyms import synonyms
from egov_qa.rules.base import Context, Example, ReorderRule, Turn
from egov_qa.text import content_words, normalize


class Acronyms(ReorderRule):
    """An English acronym that one unit of the notes alone uses points at that unit ("G2C"), even
    when the question's other words are spoken ("老百姓") and match another unit better."""

    name = "acronyms"
    example = Example("政府和公众之间的G2C能干嘛", "goes to the one unit that names G-C")

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.index = AcronymIndex(ctx.notes.chunks)

    def reorder(self, turn: Turn, draft: Draft) -> Draft:
        unit = self.index.only_unit(turn.query.acronyms)
        promoted = draft.ranking.first_where(lambda c: (c.source, c.label) == unit) if unit else None
        return replace(draft, ranking=promoted) if promoted else draft


def _heading_tests(asked: Question, result: RetrievalResult) -> list[Callable[[Chunk], bool]]:
    """Tests a unit passes when its heading is what ``asked`` asks about, surest first."""
    tests: list[Callable[[Chunk], bool]] = []
    term, pair = asked.defined_term, asked.pair
    if term is not None:  # "什么是X": the unit headed "X的含义"

        def defines(chunk: Chunk) -> bool:
            match = DEFINITION_HEADING.match(chunk.unit_title)
            return match is not None and term_key(match.group("term")) == term

        tests.append(defines)
    elif pair is not None and len(pair) == 2:  # "X和Y有什么区别": the unit headed "X与Y"
        tests.append(lambda c: pair_sides(c.unit_title) == pair)
    if term:  # no heading defines X: a unit with a line of its own that does
        tests.append(lambda c: bool(defining_lines(asked.plain.defined_term, c.body.split("\n"))))
        # nor a line: the comparison whose heading names X ("电子政务与电子政府" for "什么是电子政府？",
        # a term the notes only set against another), unless a unit says what X is in a sentence
        if not any(states_what(term, hit.chunk.text) for hit in result.hits):
            tests.append(lambda c: term in pair_sides(c.unit_title))
    if asked.words:  # the question's topic is a heading, word for word ("概念结构有哪些？", not "概念结构设计")
        tests.append(lambda c: set(content_words(c.unit_title)) == asked.words)
        # or the heading of a point made of sections, which then answers as a whole (WholePoint)
        tests.append(lambda c: bool(c.section) and set(content_words(c.point_title or "")) == asked.words)
    return tests


class HeadingMatch(ReorderRule):
    """The retrieved unit whose heading is what the question asks about comes first: the heading
    that defines X for "什么是X", the comparison "X与Y" for "X和Y的区别", a heading word for word."""

    name = "heading_match"
    example = Example("电子政务和电子政府是什么关系？", "goes to the unit headed 电子政务与电子政府")

    def reorder(self, turn: Turn, draft: Draft) -> Draft:
        for test in _heading_tests(turn.query, draft.ranking):
            promoted = draft.ranking.first_where(test)
            if promoted is not None:
                return replace(draft, ranking=promoted)
        return draft


class WholePoint(ReorderRule):
    """A question about a point as a whole ("电子政务建设的原则有哪些？", whose principles are its
    sections 5.1.1–5.1.7) is answered with the point's sections, not the one section ranked first.

    It applies when the best hit lies in a numbered point with two or more sections and the
    question's topic words are those of the point's title: one more ("那测试一般按什么顺序来做？"
    adds 顺序) asks about a part of it, unless it is an overview word (需要, 把握, 重点…), a relation
    word added to a point headed "X与Y", or a word the point never uses.
    """

    name = "whole_point"
    example = Example("电子政务建设的原则有哪些？", "lists the point's sections 5.1.1–5.1.7")

    def reorder(self, turn: Turn, draft: Draft) -> Draft:
        sections = self._sections(turn.query, draft.ranking)
        return replace(draft, overview=sections) if sections else draft

    def _sections(self, asked: Question, result: RetrievalResult) -> list[Chunk] | None:
        if not result.hits:
            return None
        top = result.hits[0].chunk
        if top.point is None or not top.point_title:
            return None
        sections = [
            c
            for c in self.ctx.notes.sections_of(top.chapter, top.point)
            if (c.source, c.point_title) == (top.source, top.point_title)
        ]
        if len({c.section for c in sections}) < 2:
            return None
        title_words = set(content_words(top.point_title))
        if not title_words or not title_words <= asked.words:
            return None
        extra = asked.words - title_words - OVERVIEW_WORDS  # "…需要把握哪几块": asks for the whole
        # "论述X对Y的影响" asks about a point headed "X与Y" as a whole: the relation is what it covers.
        relation = extra <= PAIR_RELATION_WORDS and PAIR_HEADING.match(top.point_title)
        # A word the point never uses cannot narrow the question to one of its parts ("…要遵循哪些原则").
        texts = [normalize(c.text) for c in sections] if extra else []
        unused = not any(word in text for word in extra for text in texts)
        if extra and not (relation or unused):
            return None
        return sections


class RewordedHeading(ReorderRule):
    """A heading that says what the question asks in other words of the same meaning (Cilin's
    synonyms: "公共管理有哪些特点？" for "公共管理的特征") answers a question about to be refused, or one
    whose best unit's heading is not what it asks; the answer says how the notes word it."""

    name = "reworded_heading"
    example = Example("电子政务有哪些特点？", "goes to the unit headed 电子政务的特征, saying so")

    def reorder(self, turn: Turn, draft: Draft) -> Draft:
        result, asked = draft.ranking, turn.query
        if not result.hits or not asked.words:
            return draft
        top = result.hits[0].chunk
        refused = not draft.sure and result.relevance < self.ctx.settings.min_relevance
        # …unless that unit says what the X of "X是什么" is, word for word ("电子政务的主体是什么？" and
        # a unit reading "电子政务的主体是政府机关": not "电子政务的核心", though Cilin puts 主体 with 核心).
        asks_other = (
            not draft.overview
            and set(content_words(top.unit_title)) != asked.words
            and not states_what(asked.defined_term, top.text)
        )
        if not (refused or asks_other):
            return draft
        reworded = result.first_where(lambda c: _reworded(asked.words, c))
        if reworded is None or not (refused or reworded.hits[0].chunk is not top):
            return draft
        return Draft(reworded, sure=True, note=NOTES_WORDING.format(heading=reworded.hits[0].chunk.unit_title))


def _reworded(asked: frozenset[str], chunk: Chunk) -> bool:
    """Every topic word of the question is a word of the heading or a synonym of one, some word is
    a synonym, and every heading word is matched."""
    title = set(content_words(chunk.unit_title))
    matched = {w: w if w in title else next(iter(synonyms(w) & title), None) for w in asked}
    return (
        all(matched.values())
        and any(w != t for w, t in matched.items())
        and title <= asked | {s for w in asked for s in synonyms(w)}
    )
