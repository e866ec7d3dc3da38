"""Check my answer: a student's answer to a question, item by item against the notes.

The question goes through the same retrieval and answerability decision as chat (``Engine.ask``):
a question the notes do not cover is refused, not graded against a wrong point. The cited unit
gives the rubric (``check.rubric``); the matcher (``check.matching``) marks each item covered,
partly covered or missing. An answer that covers little and reads like another unit of the notes
is told which one.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import numpy as np

from egov_qa.answer.messages import (
    CHECK_ELSEWHERE,
    CHECK_NO_ANSWER,
    CHECK_NO_QUESTION,
    CHECK_NOT_COVERED,
    CHECK_SUMMARY,
    CHECK_TOO_LONG,
    INDEX_UNAVAILABLE,
)
from egov_qa.check.matching import ItemMatch, Matcher, clauses
from egov_qa.check.rubric import Rubric, build_rubric, unit_chunks
from egov_qa.index.embeddings import embed_queries
from egov_qa.index.manifest import IndexUnavailable
from egov_qa.models import CheckedItem, CheckResult, Citation
from egov_qa.questions.typed import plain_text

if TYPE_CHECKING:
    from egov_qa.engine import Engine

PARTLY_WEIGHT = 0.5  # a partly covered item counts half
ELSEWHERE_AT = 0.5  # an answer covering less than this may be about another unit
ITEM_CACHE_SIZE = 4096
CLAUSE_CACHE_SIZE = 1024
OUTSIDE_DEPTH = 30  # pieces searched for the nearest one outside the rubric's unit


class Checker:
    """One per engine: checks answers against the notes the engine has loaded."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.settings = engine.settings.check
        self._vectors: dict[str, np.ndarray] = {}  # the notes' items recur: embedded once
        self._clauses: OrderedDict[str, np.ndarray] = OrderedDict()

    @cached_property
    def matcher(self) -> Matcher:
        return Matcher(self, lru_cache(maxsize=CLAUSE_CACHE_SIZE)(self.engine.speller.correct), self.settings)

    # --- Semantics (check.matching): the index's embedding model and its piece vectors ------------

    def items(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            vectors = self.engine.index.embeddings.embed_documents(missing)
            if len(self._vectors) + len(missing) > ITEM_CACHE_SIZE:
                self._vectors.clear()
            self._vectors.update(zip(missing, np.asarray(vectors, dtype=np.float32), strict=True))
        return np.stack([self._vectors[t] for t in texts])

    def clauses(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._clauses]
        # kept: the same answer is matched again against another unit
        self._clauses.update(zip(missing, embed_queries(self.engine.index.embeddings, missing), strict=True))
        while len(self._clauses) > CLAUSE_CACHE_SIZE:
            self._clauses.popitem(last=False)
        return np.stack([self._clauses[t] for t in texts])

    def forget_answers(self) -> None:
        """Drop the kept clause vectors and spellings (a benchmark measures a new answer)."""
        self._clauses.clear()
        self.matcher.correct.cache_clear()  # type: ignore[attr-defined]

    def neighbours(self, vectors: np.ndarray) -> list[list[tuple[str, float]]]:
        return self.engine.index.piece_search_vectors(vectors.tolist(), OUTSIDE_DEPTH)

    def rubric(self, question: str) -> Rubric | str:
        """The rubric of the question, or why there is none (the message to show)."""
        answer = self.engine.extractive(question)  # the notes' own answer decides, never a model's
        if answer.refused or not answer.citations:
            return CHECK_NOT_COVERED
        citation = answer.citations[0]
        found = build_rubric(citation, unit_chunks(self.engine.notes.chunks, citation), question)
        return found or CHECK_NOT_COVERED

    def rubric_at(self, citation: Citation, question: str | None = None) -> Rubric | None:
        """The rubric of a place of the notes chosen directly (practice: a point of the tree)."""
        return build_rubric(citation, unit_chunks(self.engine.notes.chunks, citation), question)

    def check(self, question: str, answer: str, citation: Citation | None = None) -> CheckResult:
        """Check ``answer`` against the notes' answer to ``question`` (at ``citation`` when the
        place is known, as in practice)."""
        started = time.perf_counter()
        question, answer = plain_text(question or "").strip(), plain_text(answer or "").strip()
        try:
            result = self._check(question, answer, citation)
        except IndexUnavailable:  # the index's Chroma server does not answer: nothing checked, say so
            result = _unchecked(question, INDEX_UNAVAILABLE, refused=True)
        result.ms = round((time.perf_counter() - started) * 1000, 2)
        return result

    def _check(self, question: str, answer: str, citation: Citation | None) -> CheckResult:
        if not question:
            return _unchecked("", CHECK_NO_QUESTION, refused=True)
        limit = self.settings.max_answer_chars
        if len(answer) > limit:
            return _unchecked(question, CHECK_TOO_LONG.format(limit=limit), refused=False)
        found = self.rubric_at(citation, question) if citation else self.rubric(question)
        if not isinstance(found, Rubric):
            return CheckResult(
                question=question,
                coverage=0.0,
                citation=None,
                items=[],
                refused=True,
                message=found or CHECK_NOT_COVERED,
            )
        if not clauses(answer):
            items = [CheckedItem(text=t, status="missing", match=None, score=0.0) for t in found.items]
            return CheckResult(
                question=question,
                coverage=0.0,
                citation=found.citation,
                items=items,
                refused=False,
                message=CHECK_NO_ANSWER,
                rubric=found.lines,
                note=CHECK_NO_ANSWER,
            )
        matches = self.matcher.match(found.items, answer, f"{question}\n{found.heading}", found.embedded, found.unit)
        coverage = _coverage(matches)
        elsewhere = self._elsewhere(answer, found, coverage) if coverage < ELSEWHERE_AT else None
        message = _summary(found, matches, coverage)
        if elsewhere is not None:
            message += CHECK_ELSEWHERE.format(label=elsewhere.label)
        generator = self.engine.generator
        missing = [m.item for m in matches if m.status != "covered"]
        feedback = generator.feedback(question, missing, answer) if generator is not None else None
        return CheckResult(
            question=question,
            coverage=coverage,
            feedback=feedback,
            citation=found.citation,
            items=[CheckedItem(text=m.item, status=m.status, match=m.match, score=m.score) for m in matches],
            refused=False,
            message=message,
            rubric=found.lines,
            seems_to_answer=elsewhere,
        )

    def _elsewhere(self, answer: str, rubric: Rubric, coverage: float) -> Citation | None:
        """The unit the answer is about instead: the best unit for the answer as a search, when the
        answer covers more of that unit's items than of the asked one's."""
        hits = self.engine.search_for(answer).hits
        if not hits or hits[0].chunk.id in rubric.unit:
            return None
        other = self.rubric_at(self.engine.compose.citation(hits[0].chunk))
        if other is None:
            return None
        covers = _coverage(self.matcher.match(other.items, answer, other.heading, other.embedded, other.unit))
        return other.citation if covers > coverage else None


def _coverage(matches: list[ItemMatch]) -> float:
    if not matches:
        return 0.0
    points = sum(1.0 if m.status == "covered" else PARTLY_WEIGHT if m.status == "partly" else 0.0 for m in matches)
    return round(points / len(matches), 3)


def _summary(rubric: Rubric, matches: list[ItemMatch], coverage: float) -> str:
    count = {s: sum(m.status == s for m in matches) for s in ("covered", "partly", "missing")}
    return CHECK_SUMMARY.format(
        label=rubric.citation.label,
        total=len(matches),
        covered=count["covered"],
        partly=count["partly"],
        missing=count["missing"],
        percent=round(coverage * 100),
    )


def _unchecked(question: str, message: str, refused: bool) -> CheckResult:
    """Nothing was checked; ``message`` (also the note above the result) says why."""
    return CheckResult(
        question=question, coverage=0.0, citation=None, items=[], refused=refused, message=message, note=message
    )
