"""Rewrite rules: the characters and typos of every question read, and what a follow-up searches."""

from __future__ import annotations

from dataclasses import replace

from egov_qa.models import Query
from egov_qa.questions.english import EnglishBridge
from egov_qa.questions.followups import followup_queries, leans_on_context, own_words, refers_back, too_short
from egov_qa.questions.question import Question
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

    def rewrite(self, turn: Turn) -> Turn:
        return turn.with_questions(self._corrected)

    def _corrected(self, question: Question) -> Question:
        if self.name in question.rewritten:
            return question
        return question.rewrite(self.name, self.ctx.speller.correct(question.text))


class FollowUps(RewriteRule):
    """A question that goes on from the earlier ones ("它呢？", "那第二点呢", "那电子商务呢？") is searched
    together with them (``followups``); any other is read exactly as if it were asked first.

    It goes on when it opens with a pronoun for its subject, asks "那…呢" or points into the earlier
    answer ("第三点"); when it is too short to stand alone and every word it has is one the notes use
    ("为什么？", "有什么作用？"); or when it refers back in passing ("其中", "这一") and the notes do not
    answer it alone. A question that names its place ("第三章第5点") or has words the notes never use
    ("今天吃什么") stands on its own, and so does any question after one the notes could not answer:
    there is no topic in the notes to go on from."""

    name = "followups"
    example = Example(
        "那它的目标呢？",
        "searches 电子政务规划的目标 (它 = the earlier question's subject)",
        history=("电子政务规划是什么？",),
    )

    def rewrite(self, turn: Turn) -> Turn:
        # A turn that named nothing ("那第二点呢", "还有呢") leaves the topic where it was.
        topical = [i for i, h in enumerate(turn.history) if not h.names_nothing]
        earlier = [turn.history[i].plain.text for i in topical]
        if not earlier or not self._follows_on(turn.question.plain):
            return turn
        if self.ctx.earlier_answer(turn, topical[-1]).refused:
            return turn
        pairs = followup_queries(turn.question.plain.text, earlier)
        searches = tuple(Question.of(t).query(w) for t, w in pairs)
        # With an LLM, its standalone question is searched first; the rule-based queries stay.
        standalone = self.ctx.standalone(turn.question.plain.text, earlier)
        if standalone:
            searches = (Question.of(standalone).query(), *searches)
        return replace(turn, searches=searches, follows_on=True)

    def _follows_on(self, plain: Question) -> bool:
        if plain.location or plain.section:
            return False
        if plain.names_nothing or leans_on_context(plain.text):
            return True
        if too_short(plain.text):
            return all(w in self.ctx.vocabulary.notes_text for w in own_words(plain.text))
        if refers_back(plain.text):
            alone = self.ctx.search([plain.asked.query()], k=1)
            return alone.relevance < self.ctx.settings.min_relevance
        return False


class English(RewriteRule):
    """English words of a question are searched (and weighed for relevance) in the notes' own
    Chinese words too, through a Chinese-English dictionary (``questions.english``)."""

    name = "english"
    example = Example(
        "What are the features of e-government?",
        "also searches 特征 and 特点, the notes' words for feature, and is answered from 电子政务的特征",
    )
    TRANSLATIONS = 3  # notes words added per English word: its longest, most specific translations

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.bridge = EnglishBridge(ctx.vocabulary.notes_text)

    def rewrite(self, turn: Turn) -> Turn:
        return replace(turn, searches=tuple(self._bridged(q) for q in turn.queries))

    def _bridged(self, query: Query) -> Query:
        english = self.bridge.bridge(query.asked)
        if not english:
            return query
        words = " ".join(dict.fromkeys(w for e in english for w in e.notes_words[: self.TRANSLATIONS]))
        return replace(query, text=f"{query.text} {words}".strip(), english=english)
