"""Practice (自测): exam-style questions made from the outline, and what to review next.

Every unit of the notes with a title and at least two key items is a practice point; its question is
the heading question chat answers best (``questions.examples``). The tally of what a student has
practised lives in their browser; ``review_next`` reads it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from egov_qa.answer.compose import Composer
from egov_qa.check.rubric import build_rubric, unit_chunks
from egov_qa.models import Chunk, Citation
from egov_qa.questions.examples import example_question

MIN_ITEMS = 2  # a point with one item is no checklist


@dataclass(frozen=True)
class PracticePoint:
    label: str  # the citation label ("第一章 · 9、电子政务的特征")
    question: str  # the exam-style question asked about it
    citation: Citation
    items: int  # how many key items its rubric has


def practice_points(chunks: Sequence[Chunk], compose: Composer) -> list[PracticePoint]:
    """The notes' practice points, in the notes' order (one per unit; a unit in parts once)."""
    points: list[PracticePoint] = []
    seen: set[tuple[str, str]] = set()
    for chunk in chunks:
        key = (chunk.source, chunk.label)
        question = example_question(chunk.unit_title) if chunk.unit_title else None
        if key in seen or question is None:
            continue
        seen.add(key)
        citation = compose.citation(chunk)
        rubric = build_rubric(citation, unit_chunks(chunks, citation), question)
        if rubric is not None and len(rubric.items) >= MIN_ITEMS:
            points.append(PracticePoint(citation.label, question, citation, len(rubric.items)))
    return points


def pick(points: Sequence[PracticePoint], tally: Mapping[str, float], rng: random.Random) -> PracticePoint | None:
    """A random point, one not practised yet when there is any."""
    fresh = [p for p in points if p.label not in tally]
    return rng.choice(fresh or list(points)) if points else None


def review_next(points: Sequence[PracticePoint], tally: Mapping[str, float], n: int = 3) -> list[str]:
    """The labels to review next: the practised points with the lowest coverage (below full)."""
    known = {p.label for p in points}
    weak = sorted((coverage, label) for label, coverage in tally.items() if label in known and coverage < 1.0)
    return [label for _, label in weak[:n]]
