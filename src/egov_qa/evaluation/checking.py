"""Scores "check my answer" on a labelled set of student answers (``tests/data/check/README.md``).

- within 0.2: the share of answers whose coverage is within ±0.2 of the label;
- right point: the share whose rubric is the gold unit (or a unit inside the gold place);
- order holds: the share of questions where complete ≥ paraphrase > partial > wrong point;
- named instead: of the answers about another point, the share told which point that is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from pydantic import BaseModel

from egov_qa.evaluation.metrics import cites
from egov_qa.models import CheckResult, Citation

WITHIN = 0.2
ORDER = ("complete", "paraphrase", "partial", "wrong_point")  # each ≥ (then >) the next


class Place(BaseModel):
    chapter: int
    point: int | None = None
    section: str | None = None


class LabelledAnswer(BaseModel):
    id: str
    notes: str
    question: str
    kind: str
    chapter: int
    point: int | None = None
    section: str | None = None
    items: list[str]
    covered: list[int] = []
    partly: list[int] = []
    label: float
    answer: str
    answers_instead: Place | None = None
    why: str = ""

    @property
    def place(self) -> Place:
        return Place(chapter=self.chapter, point=self.point, section=self.section)


def _at(citation: Citation | None, place: Place | None) -> bool:
    """The citation names the place, as ``citation_correct`` of the question sets reads it."""
    return citation is not None and place is not None and cites(citation, place.chapter, place.point, place.section)


@dataclass(frozen=True)
class CheckReport:
    answers: int
    within: float  # share within ±WITHIN of the label
    right_point: float
    order_holds: float  # share of questions
    questions: int
    named_instead: float | None  # of the wrong-point answers
    mean_abs_error: dict[str, float]  # per kind
    p50_ms: float

    def as_dict(self) -> dict:
        return asdict(self)


def evaluate_checks(
    rows: Sequence[LabelledAnswer], check: Callable[[LabelledAnswer], CheckResult]
) -> tuple[CheckReport, list[CheckResult]]:
    results = [check(row) for row in rows]
    errors: dict[str, list[float]] = defaultdict(list)
    by_question: dict[str, dict[str, float]] = defaultdict(dict)
    for row, result in zip(rows, results, strict=True):
        errors[row.kind].append(abs(result.coverage - row.label))
        by_question[row.id.rsplit("-", 1)[0]][row.kind] = result.coverage
    within = sum(abs(r.coverage - row.label) <= WITHIN + 1e-9 for row, r in zip(rows, results, strict=True))
    right = sum(_at(r.citation, row.place) for row, r in zip(rows, results, strict=True))
    ordered = [q for q in by_question.values() if all(k in q for k in ORDER)]
    holds = sum(q["complete"] >= q["paraphrase"] > q["partial"] > q["wrong_point"] for q in ordered)
    instead = [(row, r) for row, r in zip(rows, results, strict=True) if row.kind == "wrong_point"]
    named = sum(_at(r.seems_to_answer, row.answers_instead) for row, r in instead)
    times = sorted(r.ms for r in results)
    report = CheckReport(
        answers=len(rows),
        within=round(within / len(rows), 3) if rows else 0.0,
        right_point=round(right / len(rows), 3) if rows else 0.0,
        order_holds=round(holds / len(ordered), 3) if ordered else 0.0,
        questions=len(ordered),
        named_instead=round(named / len(instead), 3) if instead else None,
        mean_abs_error={k: round(sum(v) / len(v), 3) for k, v in sorted(errors.items())},
        p50_ms=times[len(times) // 2] if times else 0.0,
    )
    return report, results
