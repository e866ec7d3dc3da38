"""Answer rules for messages that are not questions about the notes."""

from __future__ import annotations

from egov_qa.answer.compose import refusal
from egov_qa.answer.messages import NO_TOPIC, SMALL_TALK
from egov_qa.models import Answer
from egov_qa.questions.followups import pronoun_subject
from egov_qa.rules.base import AnswerRule, Context, Example, Turn


class SmallTalk(AnswerRule):
    """A greeting or thanks to the assistant gets a reply and an example question, no search."""

    name = "small_talk"
    example = Example("你好", "gets a greeting and an example question, no search")

    def answer(self, turn: Turn) -> Answer | None:
        talk = turn.question.small_talk
        return refusal(SMALL_TALK[talk].format(example=self.ctx.example())) if talk else None


class NeedsContext(AnswerRule):
    """A first message with no topic of its own ("还有呢？") or a pronoun for its subject
    ("它有哪些特点？") asks to be completed."""

    name = "needs_context"
    example = Example("还有呢？", "as the first message asks for a whole question")

    def answer(self, turn: Turn) -> Answer | None:
        question = turn.question.plain
        incomplete = question.names_nothing or pronoun_subject(question.text)
        return no_topic(self.ctx) if incomplete and not turn.history else None


def no_topic(ctx: Context) -> Answer:
    """The reply to a message that only means something after a question, with none before it."""
    return refusal(NO_TOPIC.format(example=ctx.example()))
