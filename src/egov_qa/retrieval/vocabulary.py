"""How much of a question's topic the notes (or one unit of them) put in words.

A question's topic words are its content words (jieba's dictionary words, and a word jieba only
guessed when the notes have it), each weighted by its rarity in general Chinese, and its English
words, weighted by their rarity in general English and found in the notes through their Chinese
translations. A Chinese word counts as said when the notes use it or a word of the same meaning
(the Cilin thesaurus: a student's 电脑 is the notes' 计算机). "什么叫管理？书上怎么定义的" is about 管理
alone: a question that only asks what X is counts X's words; a case question counts what it asks,
whatever its material.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import jieba

from egov_qa.models import Chunk, Query
from egov_qa.questions.synonyms import synonyms
from egov_qa.text import content_words, named_terms, normalize


@lru_cache(maxsize=1)
def _general_frequencies() -> tuple[dict[str, int], int]:
    jieba.initialize()
    return jieba.dt.FREQ, jieba.dt.total


def rarity(word: str) -> float:
    """Information content of a word in general Chinese (rare words weigh more)."""
    freq, total = _general_frequencies()
    return math.log(total / (freq.get(word, 0) + 1))


def matching_text(text: str) -> str:
    """Normalised with spaces removed, so a scrape's "Extra net" still contains "extranet"."""
    return re.sub(r"\s+", "", normalize(text))


@dataclass(frozen=True)
class Topic:
    """What a question is about, as the notes must say it."""

    words: tuple[tuple[float, tuple[str, ...]], ...]  # (weight, the forms any of which says it)
    term: str | None = None  # a defined term jieba knows no word of ("内卷是什么")
    foreign_name: str | None = None  # an English name the notes never use ("SaaS", "EGDI")


class Vocabulary:
    """The words of one set of notes."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.notes_text = matching_text("".join(c.search_text for c in chunks))

    def topic(self, query: Query) -> Topic:
        asked = query.definition or query.asked
        english = {w.word for w in query.english}
        # A word jieba only guessed ("外包" is not in its dictionary) counts when the notes have it;
        # an absent guess is mostly not a word, and would weigh as much as the rarest real term.
        guessed = {w for w in content_words(asked, guess_new_words=True) if w in self.notes_text}
        chinese = (set(content_words(asked)) | guessed) - english
        # A word is said in the notes in its own form or in one of the same meaning (电脑: 计算机).
        words: list[tuple[float, tuple[str, ...]]] = [(rarity(w), (w, *sorted(synonyms(w)))) for w in sorted(chinese)]
        words += [(w.rarity, (w.word, *w.notes_words)) for w in query.english]  # "Extranet" may be the notes' own
        # A capitalised English term names a thing: one the notes never use is something they do
        # not cover, however many of the question's other words they share.
        foreign = next((t for t in sorted(named_terms(query.asked)) if t not in self.notes_text), None)
        term = query.term if query.definition and not words else None
        return Topic(tuple(words), term, foreign)

    def coverage(self, topic: Topic, text: str | None = None) -> float:
        """The share (by weight) of the topic that ``text`` (matching form; default: the whole
        notes) says, 0…1."""
        text = self.notes_text if text is None else text
        if topic.foreign_name:
            return 0.0
        if not topic.words:
            return float(topic.term in text) if topic.term else 1.0
        total = sum(weight for weight, _ in topic.words)
        return sum(weight for weight, forms in topic.words if any(f in text for f in forms)) / total
