"""Rewrite rules: the characters and typos of every question read, and what a follow-up searches."""

from __future__ import annotations

from dataclasses import replace

from egov_qa.questions.followups import followup_queries
from egov_qa.questions.question import Question
from egov_qa.questions.spelling import Speller
from egov_qa.rules.base import Context, Example, RewriteRule, Turn
from egov_qa.text import to_simplified


class Traditional(RewriteRule):
    """Matched in simplified characters, what jieba's dictionary and the model know best."""

    name = "traditional"
    example = Example("什麼是電子政務？", "is read as 什么是电子政务？")

    def rewrite(self, turn: Turn) -> Turn:
        return turn.with_questions(self._simplified)

    def _simplified(self, question: Question) -> Question:
        if self.name in question.rewritten:
            return question
        return question.rewrite(self.name, to_simplified(question.text), typed=to_simplified(question.typed))


class Typos(RewriteRule):
    """Homophone typos of a pinyin keyboard put right against the notes' own words (``spelling``)."""

    name = "typos"
    example = Example("电子政吴的含义", "is read as 电子政务的含义 (吴 for 务), and the answer says so")

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.speller = Speller(c.search_text for c in ctx.notes.chunks)

    def rewrite(self, turn: Turn) -> Turn:
        return turn.with_questions(self._corrected)

    def _corrected(self, question: Question) -> Question:
        if self.name in question.rewritten:
            return question
        return question.rewrite(self.name, self.speller.correct(question.text))


class FollowUps(RewriteRule):
    """A question that only means something after the earlier ones ("它呢？", "那第二点呢",
    "那电子商务呢？") is searched together with them (``followups``)."""

    name = "followups"
    example = Example(
        "那它的目标呢？",
        "searches 电子政务规划的目标 (它 = the earlier question's subject)",
        history=("电子政务规划是什么？",),
    )

    def rewrite(self, turn: Turn) -> Turn:
        # A turn that named nothing ("那第二点呢", "还有呢") leaves the topic where it was.
        earlier = [h.plain.text for h in turn.history if not h.names_nothing]
        pairs = followup_queries(turn.question.plain.text, earlier)
        if pairs is None:
            return turn
        return replace(turn, searches=tuple(Question.of(text).query(weight) for text, weight in pairs))
