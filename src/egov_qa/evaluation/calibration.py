"""When to refuse: the answerability of questions the notes answer and of questions they cannot,
how well it tells them apart (AUC) and the threshold that refuses most of the second kind while
refusing at most a given share of the first (``egov-qa calibrate``).

The questions come from the notes themselves, so any teacher can recalibrate on their own notes:
ones they answer (made from their headings) and three kinds they cannot (as UAEval4RAG sorts
them): out of the notes (the headings with a near thing swapped in), a false premise (a year,
person, place or number about a heading's topic) and underspecified (a pronoun for a subject, as a
first message); plus, when given, a labelled question file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from egov_qa.config import AnswerabilityWeights
from egov_qa.evaluation.generated import (
    false_premise_questions,
    out_of_notes_questions,
    questions_from_headings,
    underspecified_questions,
)
from egov_qa.evaluation.metrics import Question
from egov_qa.models import Chunk, RetrievalResult

ANSWERED = "headings"  # the source of the questions the notes answer


@dataclass(frozen=True)
class Probe:
    question: str
    history: tuple[str, ...]
    answerable: bool
    source: str  # where it comes from: "headings", "out of notes", "false premise", … or a file


@dataclass(frozen=True)
class Scored:
    probe: Probe
    relevance: float
    evidence: dict[str, float]


def generated_probes(chunks: list[Chunk], notes_text: str, per_kind: int = 40) -> list[Probe]:
    """Questions made from the notes: ones they answer and three kinds they cannot."""
    answered = [q for q, _ in questions_from_headings(chunks)][:per_kind]
    kinds = {
        "out of notes": out_of_notes_questions(chunks, notes_text, per_kind),
        "false premise": false_premise_questions(chunks, per_kind),
        "underspecified": underspecified_questions(chunks, per_kind),
    }
    return [Probe(q, (), True, ANSWERED) for q in answered] + [
        Probe(q, (), False, kind) for kind, questions in kinds.items() for q in questions
    ]


def labelled_probes(questions: Sequence[Question], source: str) -> list[Probe]:
    return [Probe(q.question, tuple(q.history), q.answerable, source) for q in questions]


def score(probes: Sequence[Probe], search: Callable[[str, tuple[str, ...]], RetrievalResult]) -> list[Scored]:
    """Each probe's answerability and the evidence it was weighed from."""
    scored = []
    for probe in probes:
        result = search(probe.question, probe.history)
        scored.append(Scored(probe, result.relevance, result.evidence or {}))
    return scored


def auc(positive: Sequence[float], negative: Sequence[float]) -> float | None:
    """The chance that a random positive scores above a random negative (ties count half)."""
    if not positive or not negative:
        return None
    pos, neg = np.asarray(positive)[:, None], np.asarray(negative)[None, :]
    return float(((pos > neg).sum() + 0.5 * (pos == neg).sum()) / (pos.size * neg.size))


def threshold(scored: Sequence[Scored], max_false_refusals: float) -> float:
    """The highest threshold that refuses at most ``max_false_refusals`` of the answerable probes,
    halfway between two neighbouring scores so it sits on no single question."""
    answerable = sorted(s.relevance for s in scored if s.probe.answerable)
    if not answerable:
        raise ValueError("no answerable questions to calibrate on")
    allowed = int(max_false_refusals * len(answerable))  # this many may fall below it
    cuts = [answerable[0] - 1e-3] + [(a + b) / 2 for a, b in pairwise(answerable)] + [answerable[-1] + 1e-3]
    return cuts[allowed]


@dataclass(frozen=True)
class SourceRow:
    source: str
    questions: int
    answerable: bool
    auc: float | None  # against the answered questions (for a source of unanswerable ones)
    below: float  # share below the threshold (refused, unless a rule answers or refuses first)


def report(scored: Sequence[Scored], cut: float) -> list[SourceRow]:
    """Per source: how many, how well told apart from the questions the notes answer, how many fall below."""
    answered = [s.relevance for s in scored if s.probe.answerable]
    rows = []
    for source in dict.fromkeys(s.probe.source for s in scored):
        for answerable in (True, False):
            mine = [s.relevance for s in scored if s.probe.source == source and s.probe.answerable == answerable]
            if mine:
                rows.append(
                    SourceRow(
                        source,
                        len(mine),
                        answerable,
                        None if answerable else auc(answered, mine),
                        sum(r < cut for r in mine) / len(mine),
                    )
                )
    return rows


FEATURES = tuple(name for name in AnswerabilityWeights.model_fields if name != "bias")
_L2 = 1e-3  # a little ridge: the features are nearly collinear (chunk and piece similarity)


def fit(scored: Sequence[Scored]) -> AnswerabilityWeights:
    """Logistic-regression weights of the evidence (Newton's method), answerable = 1."""
    x = np.array([[s.evidence.get(f, 0.0) for f in FEATURES] + [1.0] for s in scored])
    y = np.array([float(s.probe.answerable) for s in scored])
    w = np.zeros(x.shape[1])
    ridge = _L2 * np.diag([1.0] * len(FEATURES) + [0.0])
    for _ in range(50):
        p = 1 / (1 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + ridge @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + ridge
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return AnswerabilityWeights(bias=float(w[-1]), **{f: round(float(v), 3) for f, v in zip(FEATURES, w, strict=False)})
