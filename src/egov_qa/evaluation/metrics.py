"""Metrics over a JSONL question set, exactly as ``tests/data/eval/README.md`` defines them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
from pydantic import BaseModel, ValidationError

from egov_qa.ingest.loading import UnreadableFile, decode_bytes
from egov_qa.models import Answer, Citation

Record = TypeVar("Record", bound=BaseModel)


class Question(BaseModel):
    id: str
    question: str
    history: list[str] = []
    type: str | None = None
    chapter: int | None = None
    point: int | None = None
    section: str | None = None
    evidence: list[str] = []
    must_include: list[str] = []

    @property
    def answerable(self) -> bool:
        return self.type != "out_of_scope"


@dataclass(frozen=True)
class Report:
    questions: int
    answerable: int
    hit_at_1: float
    hit_at_5: float
    mrr: float
    citation_accuracy: float
    key_term_coverage: float
    out_of_scope_refusal: float | None
    false_refusals: float
    p50_ms: float
    p95_ms: float
    # Of the answerable questions refused, the share with a suggested question that is answered
    # from their gold point (the citation rule); None when none was refused. Not in the eval README.
    suggestions_recover: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


class QuestionFileError(ValueError):
    """A questions file that cannot be read; the message names the file (and the line)."""


def read_records(path: Path, model: type[Record], what: str = "questions") -> list[Record]:
    """The records of a JSONL file, one object per line, in UTF-8 or any encoding the notes may
    come in (a teacher's file saved as GBK)."""
    try:
        text, _ = decode_bytes(path.read_bytes(), path.name)
    except (OSError, UnreadableFile) as exc:
        raise QuestionFileError(str(exc)) from exc
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(model.model_validate_json(line))
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(map(str, error["loc"]))
            raise QuestionFileError(
                f"{path.name} line {number}: {f'{field}: ' if field else ''}{error['msg']}"
            ) from exc
    if not records:
        raise QuestionFileError(f"{path.name}: no {what} in it")
    return records


def read_questions(path: Path) -> list[Question]:
    return read_records(path, Question)


def first_hit_rank(question: Question, answer: Answer) -> int | None:
    """1-based rank of the first passage holding an evidence string (whitespace deleted)."""
    evidence = [_squash(e) for e in question.evidence]
    for rank, passage in enumerate(answer.passages, start=1):
        text = _squash(passage.text)
        if any(e in text for e in evidence):
            return rank
    return None


def cites(citation: Citation, chapter: int | None, point: int | None, section: str | None) -> bool:
    """The citation names the gold place (a point cited as a whole, or a section of it, for a gold
    point; the section for a gold section)."""
    if citation.chapter != chapter:
        return False
    if point is None:
        return citation.section == section
    if citation.point != point:
        return False
    return section is None or citation.section in (section, None)


def citation_correct(question: Question, answer: Answer) -> bool:
    if answer.refused or not answer.citations:
        return False
    return cites(answer.citations[0], question.chapter, question.point, question.section)


def key_term_share(question: Question, answer: Answer) -> float:
    if answer.refused or not question.must_include:
        return 0.0
    text = _squash(answer.answer)
    return sum(_squash(term) in text for term in question.must_include) / len(question.must_include)


def evaluate(questions: Iterable[Question], ask: Callable[[Question], Answer]) -> tuple[Report, list[dict]]:
    rows, answers = [], []
    for q in questions:
        answer = ask(q)
        answers.append((q, answer))
        rows.append({**answer.model_dump(exclude={"passages", "quotes", "id"}), "id": q.id})
    answerable = [(q, a) for q, a in answers if q.answerable]
    out_of_scope = [(q, a) for q, a in answers if not q.answerable]
    ranks = [first_hit_rank(q, a) for q, a in answerable]
    ms = [a.ms for _, a in answers]
    n = max(len(answerable), 1)
    refused = [(q, a) for q, a in answerable if a.refused]
    recovered = sum(
        any(citation_correct(q, ask(Question(id=q.id, question=s))) for s in a.suggestions) for q, a in refused
    )
    report = Report(
        questions=len(answers),
        answerable=len(answerable),
        hit_at_1=sum(r == 1 for r in ranks) / n,
        hit_at_5=sum(r is not None and r <= 5 for r in ranks) / n,
        mrr=sum(1 / r for r in ranks if r) / n,
        citation_accuracy=sum(citation_correct(q, a) for q, a in answerable) / n,
        key_term_coverage=sum(key_term_share(q, a) for q, a in answerable) / n,
        out_of_scope_refusal=(sum(a.refused for _, a in out_of_scope) / len(out_of_scope) if out_of_scope else None),
        false_refusals=sum(a.refused for _, a in answerable) / n,
        p50_ms=float(np.percentile(ms, 50)) if ms else 0.0,
        p95_ms=float(np.percentile(ms, 95)) if ms else 0.0,
        suggestions_recover=recovered / len(refused) if refused else None,
    )
    return report, rows


def format_report(report: Report) -> str:
    def pct(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    return "\n".join(
        [
            f"questions            {report.questions} ({report.answerable} answerable)",
            f"hit@1                {pct(report.hit_at_1)}",
            f"hit@5                {pct(report.hit_at_5)}",
            f"MRR                  {pct(report.mrr)}",
            f"citation accuracy    {pct(report.citation_accuracy)}",
            f"key-term coverage    {pct(report.key_term_coverage)}",
            f"out-of-scope refusal {pct(report.out_of_scope_refusal)}",
            f"false refusals       {pct(report.false_refusals)}",
            f"  one click away     {pct(report.suggestions_recover)}"
            "  (a suggested question answers from the gold point)",
            f"latency p50 / p95    {report.p50_ms:.1f} / {report.p95_ms:.1f} ms",
        ]
    )


def dumps(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False)
