"""Answer rule for a question that asks two aspects of one topic: "简述电子政务的含义及其特征。"."""

from __future__ import annotations

from egov_qa.answer.compose import Draft
from egov_qa.models import Answer
from egov_qa.questions.question import Question
from egov_qa.rules.base import AnswerRule, Example, Turn


class Aspects(AnswerRule):
    """Exam questions join two aspects ("X的含义和特征") that notes keep under two headings: each
    aspect is searched (and reordered) on its own and both units are quoted when they differ
    ("X的指导思想和原则" under one heading stays one answer, from the search as a whole)."""

    name = "aspects"
    example = Example("简述电子政务的含义及其特征。", "quotes both 电子政务的含义 and 电子政务的特征")

    def answer(self, turn: Turn) -> Answer | None:
        aspects = turn.query.aspects if len(turn.queries) == 1 else None
        if not aspects:
            return None
        parts = []
        for text in aspects:
            asked = Question.of(text)
            alone = Turn(asked, searches=(asked.query(),))
            parts.append((asked, self.ctx.reorder(alone, Draft(self.ctx.retrieve(alone.queries))).ranking))
        return self.ctx.compose.aspects(parts)
