"""The one interface of question rules, the turn they read, and what they may use of the engine.

A rule is a small object with a ``name``, an ``Example`` and one method. Its kind says when it runs:

* ``RewriteRule.rewrite(turn) -> Turn``: before anything else, on the question and the earlier
  ones (traditional characters, typos) or on what is searched (follow-ups);
* ``AnswerRule.answer(turn) -> Answer | None``: in registry order, the first that answers wins
  (small talk, a named chapter or point, "还有呢");
* ``ReorderRule.reorder(turn, draft) -> Draft``: on the fused ranking, each in turn (a heading
  that is what was asked moves up; a point asked about as a whole is answered with its sections).

A question no answer rule takes is searched for, reordered and answered extractively. Rules read
the analysed ``Question`` records of the turn and never normalise text again; they reach notes,
retrieval and answer composition only through the ``Context`` they are built with.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import ClassVar, Protocol

from egov_qa.answer.compose import Composer, Draft
from egov_qa.config import Settings
from egov_qa.ingest.notes import Notes
from egov_qa.models import Answer, Chunk, Query, RetrievalResult
from egov_qa.questions.question import Question
from egov_qa.questions.spelling import Speller
from egov_qa.retrieval.vocabulary import Vocabulary


@dataclass(frozen=True, eq=False)
class Turn:
    """One question in its conversation, as the rules see it."""

    question: Question
    history: tuple[Question, ...] = ()  # earlier questions, oldest first
    # The answers the earlier questions got, where the caller kept them (filled in when a rule
    # needs one that is missing).
    answers: list[Answer | None] = field(default_factory=list)
    searches: tuple[Query, ...] = ()  # what to search for, when a rewrite rule set it
    follows_on: bool = False  # read as going on from the earlier questions (else as if asked first)

    @property
    def queries(self) -> list[Query]:
        """What is searched: the rewritten queries, else what the question itself asks."""
        return list(self.searches) or [self.question.plain.asked.query()]

    @cached_property
    def query(self) -> Question:
        """The first (most important) query, analysed: what the reorder rules match headings with."""
        first = self.queries[0].text
        return self.question.plain.asked if first == self.question.plain.asked.text else Question.of(first)

    def with_questions(self, rewrite: Callable[[Question], Question]) -> Turn:
        """The turn with the question and every earlier one rewritten."""
        return replace(self, question=rewrite(self.question), history=tuple(map(rewrite, self.history)))


class Context(Protocol):
    """What rules may use of the engine."""

    settings: Settings
    notes: Notes
    vocabulary: Vocabulary
    compose: Composer

    def retrieve(self, queries: Sequence[Query], within: Callable[[Chunk], bool] | None = None) -> RetrievalResult:
        """The fused ranking (top_k), restricted to the chunks ``within`` accepts, reranked when set."""
        ...

    @property
    def speller(self) -> Speller:
        """Homophone typos put right against the notes' own words."""
        ...

    def standalone(self, question: str, history: Sequence[str]) -> str | None:
        """The follow-up rewritten by the LLM as a question of its own; None without one."""
        ...

    def search(self, queries: Sequence[Query], k: int) -> RetrievalResult:
        """The fused ranking ``k`` deep, as the retrievers give it."""
        ...

    def reorder(self, turn: Turn, draft: Draft) -> Draft:
        """The draft after every reorder rule."""
        ...

    def answer_ranked(self, asked: Question, turn: Turn, ranking: RetrievalResult) -> Answer:
        """``asked`` answered from ``ranking`` after the reorder rules (read from ``turn``)."""
        ...

    def earlier(self, turn: Turn, i: int) -> Turn:
        """The turn of the ``i``-th earlier question, with the questions before it."""
        ...

    def earlier_answer(self, turn: Turn, i: int) -> Answer:
        """The answer the ``i``-th earlier question got (a copy: the caller may change it)."""
        ...

    def example(self) -> str:
        """An example question on these notes."""
        ...


@dataclass(frozen=True)
class Example:
    """A question a rule handles on the bundled e-government notes (after ``history``), and what
    the rule does with it: the docs list it, and a test checks the answer changes without the rule."""

    question: str
    does: str
    history: tuple[str, ...] = ()


class Rule(ABC):
    name: ClassVar[str]
    example: ClassVar[Example]

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx


class RewriteRule(Rule):
    @abstractmethod
    def rewrite(self, turn: Turn) -> Turn:
        """The turn rewritten, or the same turn."""


class AnswerRule(Rule):
    @abstractmethod
    def answer(self, turn: Turn) -> Answer | None:
        """The answer, or None to leave the question to the rules after it."""


class ReorderRule(Rule):
    @abstractmethod
    def reorder(self, turn: Turn, draft: Draft) -> Draft:
        """The draft reordered or reshaped, or the same draft."""
