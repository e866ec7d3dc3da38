"""Answer rules for messages that are not questions about the notes."""

from __future__ import annotations

from egov_qa.answer.compose import refusal
from egov_qa.answer.messages import NO_TOPIC, SMALL_TALK
from egov_qa.models import Answer
from egov_qa.rules.base import AnswerRule, Context, Example, Turn


class SmallTalk(AnswerRule):
    """A greeting or thanks to the assistant gets a reply and an example question, no search."""

    name = "small_talk"
    example = Example("你好", "gets a greeting and an example question, no search")

    def answer(self, turn: Turn) -> Answer | None:
        talk = turn.question.small_talk
        return refusal(SMALL_TALK[talk].format(example=self.ctx.example())) if talk else None


class NeedsContext(AnswerRule):
    """A message with no topic of its own and nothing before it asks to be completed."""

    name = "needs_context"
    example = Example("还有呢？", "as the first message asks for a whole question")

    def answer(self, turn: Turn) -> Answer | None:
        return None if turn.history or not turn.question.names_nothing else no_topic(self.ctx)


def no_topic(ctx: Context) -> Answer:
    """The reply to a message that only means something after a question, with none before it."""
    return refusal(NO_TOPIC.format(example=ctx.example()))
