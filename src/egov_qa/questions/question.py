"""A question analysed once, into the record every rule reads.

The engine builds one ``Question`` for the student's message and one for each earlier question;
rewrite rules give it its simplified and corrected forms; every other form and everything it names
(content words, a defined term, a compared pair, a named place, an ordinal …) is worked out the
first time a rule reads it and kept. No rule normalises a question again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from egov_qa.models import Query
from egov_qa.questions import followups
from egov_qa.questions.aspects import asked_aspects
from egov_qa.questions.definitions import defined_term, definition_topic
from egov_qa.questions.facts import asked_fact
from egov_qa.questions.forms import as_plain_question, asked_part
from egov_qa.questions.pairs import compared_pair
from egov_qa.questions.places import Location, NamedSection, asked_location, asked_section
from egov_qa.questions.talk import small_talk
from egov_qa.text import acronyms, bigrams, content_words, keywords


@dataclass(frozen=True, eq=False)
class Question:
    raw: str  # as the student typed it
    typed: str  # in simplified characters, before typos are put right
    text: str  # what is answered: simplified, typos put right
    rewritten: frozenset[str] = field(default=frozenset())  # the rewrite rules applied so far

    @classmethod
    def of(cls, text: str) -> Question:
        """A text the engine derived (a search query, the rest of a question), taken as it is."""
        return cls(text, text, text)

    def rewrite(self, rule: str, text: str, typed: str | None = None) -> Question:
        """This question as ``rule`` rewrote it (``typed`` too for a change of characters)."""
        return replace(self, text=text, typed=self.typed if typed is None else typed, rewritten=self.rewritten | {rule})

    # --- forms ---------------------------------------------------------------------------------

    @cached_property
    def plain(self) -> Question:
        """The question an instruction asks: "名词解释：X" → "什么是X？" (``forms``)."""
        return Question.of(as_plain_question(self.text.strip()))

    @cached_property
    def asked(self) -> Question:
        """What a case question asks, without its material (``forms.asked_part``)."""
        return Question.of(asked_part(self.text))

    def query(self, weight: float = 1.0) -> Query:
        """This text as a search query (relevance reads what it asks and any term it defines)."""
        asked = self.asked
        return Query(
            self.text, weight, asked.text, asked.definition_topic, asked.defined_term, fact=asked_fact(asked.text)
        )

    # --- words ---------------------------------------------------------------------------------

    @cached_property
    def words(self) -> frozenset[str]:
        """Its content words (``text.content_words``)."""
        return frozenset(content_words(self.text))

    @cached_property
    def keywords(self) -> frozenset[str]:
        return frozenset(keywords(self.text))

    @cached_property
    def bigrams(self) -> set[str]:
        return bigrams(self.text)

    @cached_property
    def acronyms(self) -> set[str]:
        return acronyms(self.text)

    # --- what it asks --------------------------------------------------------------------------

    @cached_property
    def defined_term(self) -> str | None:
        """The X of "什么是X" / "X是什么意思", as a matching key."""
        return defined_term(self.text)

    @cached_property
    def definition_topic(self) -> str | None:
        return definition_topic(self.text)

    @cached_property
    def pair(self) -> frozenset[str] | None:
        """{X, Y} of "X和Y有什么区别", as matching keys."""
        return compared_pair(self.text)

    @cached_property
    def aspects(self) -> tuple[str, ...] | None:
        """("X的A", "X的B") of "X的A及其B"."""
        return asked_aspects(self.text)

    @cached_property
    def location(self) -> Location | None:
        """The chapter (and point) it names: "第三章第5点…"."""
        return asked_location(self.text)

    @cached_property
    def section(self) -> NamedSection | None:
        """The section it names by number: "1.3.2…"."""
        return asked_section(self.text)

    @cached_property
    def ordinal(self) -> int | None:
        """The place it points to in an earlier list: "第三点" → 3, "最后那个" → ``followups.LAST``."""
        return followups.ordinal(self.text)

    @cached_property
    def without_ordinal(self) -> str:
        """The text with "第三点" / "最后那个" taken out."""
        return followups.ORDINAL.sub("", self.text)

    # --- its place in a conversation -----------------------------------------------------------

    @cached_property
    def small_talk(self) -> str | None:
        """ "greeting" or "thanks" for a message to the assistant itself."""
        return small_talk(self.text)

    @cached_property
    def asks_for_more(self) -> bool:
        """ "还有呢？", "继续"."""
        return followups.asks_for_more(self.text)

    @cached_property
    def names_nothing(self) -> bool:
        """No topic of its own at all ("还有呢？", "为什么？")."""
        return followups.names_nothing(self.text)
