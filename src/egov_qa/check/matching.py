"""Which key items a student's answer covers, and with which of its clauses.

Each item is compared with each clause of the answer in two ways, and the better one counts:
- **words**: the share of the item's own words (rarity-weighted; a word of the same meaning counts)
  and of its character bigrams that the clause says, typos put right against the notes' words;
- **meaning**: the embedding model's cosine between item and clause, measured against how close the
  clause comes to the *other* items (the model ranks a paraphrase nearer its item than the rest,
  while its raw cosines sit in a narrow band for any two sentences of one topic).
Words the question or the unit's heading already say are no evidence of an item: restating the
question covers nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from egov_qa.config import CheckSettings
from egov_qa.models import Status
from egov_qa.questions.synonyms import synonyms
from egov_qa.retrieval.vocabulary import matching_text, rarity
from egov_qa.text import bigrams, content_words, to_simplified

_CLAUSES = re.compile(r"[^。！？!?；;，,\n]+")
_SERIES_SEP = "、"
MIN_CLAUSE_CHARS = 2
MIN_MEANING_CHARS = 5
MIN_SERIES = 3  # items sharing a beginning or ending: a series of terms ("…性原则")
MIN_DISTINCT_CHARS = 2


@dataclass(frozen=True)
class ItemMatch:
    item: str
    status: Status
    match: str | None  # the student's clause that covers it
    score: float  # 0…1


def clauses(answer: str) -> list[str]:
    """The student's clauses (split at sentence and clause ends), then the parts of the 、 series
    inside them, as the student wrote them."""
    whole = [m.group().strip() for m in _CLAUSES.finditer(answer)]
    whole = [c for c in whole if len(c) >= MIN_CLAUSE_CHARS]
    parts = [p.strip() for c in whole if _SERIES_SEP in c for p in c.split(_SERIES_SEP)]
    return list(dict.fromkeys(whole + [p for p in parts if len(p) >= MIN_CLAUSE_CHARS]))


def distinctive(items: Sequence[str]) -> list[str]:
    """The items without the beginning and ending all of them share ("适用性原则, 经济性原则…" →
    "适用, 经济…"; "政府与企业, 政府与公众…" → "企业, 公众…"): what every item says is no
    evidence of any one of them."""
    if len(items) < MIN_SERIES:
        return list(items)
    head = len(os.path.commonprefix(list(items)))
    tail = len(os.path.commonprefix([i[::-1] for i in items]))
    cut = [i[head : len(i) - tail] for i in items]
    return cut if all(len(c) >= MIN_DISTINCT_CHARS for c in cut) else list(items)


@dataclass(frozen=True)
class _Evidence:
    """What of an item counts as evidence: its words (with their weights) and bigrams."""

    words: tuple[tuple[float, tuple[str, ...]], ...]
    grams: frozenset[str]

    @classmethod
    def of(cls, item: str, given: set[str], given_words: set[str]) -> _Evidence:
        words = [w for w in content_words(item, guess_new_words=True) if w not in given_words]
        return cls(
            tuple((rarity(w), (w, *sorted(synonyms(w)))) for w in words),
            frozenset(bigrams(item) - given),
        )

    def said_in(self, text: str) -> float:
        """The share of this evidence the (matching-form) text says, 0…1."""
        grams = len(self.grams & bigrams(text)) / len(self.grams) if self.grams else 0.0
        total = sum(w for w, _ in self.words)
        words = sum(w for w, forms in self.words if any(f in text for f in forms)) / total if total else grams
        return (grams + words) / 2


class Semantics(Protocol):
    """The embedding model and the notes' piece vectors, as matching reads them."""

    def items(self, texts: list[str]) -> np.ndarray:
        """The rubric's items, embedded as the notes' pieces are (rows L2-normalised)."""
        ...

    def clauses(self, texts: list[str]) -> np.ndarray:
        """The student's clauses, embedded as questions are."""
        ...

    def neighbours(self, vectors: np.ndarray) -> list[list[tuple[str, float]]]:
        """Each vector's nearest pieces of the notes: (chunk id, cosine), best first."""
        ...


class Matcher:
    """Matches items against answers; one per engine (the embedding model and the notes' speller)."""

    def __init__(self, semantics: Semantics, correct: Callable[[str], str], settings: CheckSettings) -> None:
        self.semantics = semantics
        self.correct = correct
        self.settings = settings

    def match(
        self, items: Sequence[str], answer: str, given: str, embedded: Sequence[str], unit: frozenset[str]
    ) -> list[ItemMatch]:
        """Each item's status against ``answer``; ``given``: the question and heading (their words
        are no evidence); ``embedded``: each item as its unit's pieces are embedded; ``unit``: the
        chunk ids of the unit."""
        said = [to_simplified(c) for c in clauses(answer)]
        if not items or not said:
            return [ItemMatch(item, "missing", None, 0.0) for item in items]
        corrected = [matching_text(self.correct(c)) for c in said]
        given_grams, given_words = bigrams(given), set(content_words(given, guess_new_words=True))
        evidence = [_Evidence.of(item, given_grams, given_words) for item in distinctive(items)]
        scores = np.array([[e.said_in(c) for c in corrected] for e in evidence])
        # Meaning is read from the clauses the words have not already matched to an item; a word
        # alone ("标准") says too little for its meaning to count.
        phrases = [
            j for j, c in enumerate(said) if len(c) >= MIN_MEANING_CHARS and scores[:, j].max() < self.settings.covered
        ]
        if phrases:
            meaning = self.meaning(list(embedded), [said[j] for j in phrases], unit)
            scores[:, phrases] = np.maximum(scores[:, phrases], meaning)
        results = []
        s = self.settings
        for i, item in enumerate(items):
            j = int(scores[i].argmax())
            score = float(scores[i, j])
            status: Status = "covered" if score >= s.covered else "partly" if score >= s.partly else "missing"
            results.append(ItemMatch(item, status, said[j] if status != "missing" else None, round(score, 3)))
        return results

    def meaning(self, items: list[str], said: list[str], unit: frozenset[str]) -> np.ndarray:
        """0…1 per (item, clause). A clause means an item when it
        is nearer that item than any other item of the rubric (by ``meaning_separation``), and
        nearer it than anything the notes say elsewhere (raw cosines sit in a narrow band: any
        clause of the topic is near every item of it, and a clause about another point is nearer
        that point). Falls off linearly over ``meaning_margin`` below the notes elsewhere."""
        items_v, said_v = self.semantics.items(items), self.semantics.clauses(said)
        cos = items_v @ said_v.T  # items × clauses
        around = self.semantics.neighbours(said_v)
        bars = np.array([next((sim for chunk, sim in near if chunk not in unit), near[-1][1]) for near in around])
        s = self.settings
        if len(items) > 1:
            ranked = np.sort(cos, axis=0)
            runner_up = np.where(cos >= ranked[-1], ranked[-2], ranked[-1])  # the best other item
            apart = np.clip((cos - runner_up - s.meaning_tie) / (s.meaning_separation - s.meaning_tie), 0.0, 1.0)
        else:
            apart = np.ones_like(cos)
        level = np.clip(1.0 + (cos - bars) / s.meaning_margin, 0.0, 1.0)
        result: np.ndarray = level * apart
        return result
