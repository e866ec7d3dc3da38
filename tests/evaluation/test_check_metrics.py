"""The "check my answer" metrics (``evaluation.checking``) on hand-made results."""

from __future__ import annotations

from egov_qa.evaluation.checking import LabelledAnswer, Place, evaluate_checks
from egov_qa.models import CheckResult, Citation

GOLD = Citation(chapter=1, point=9, section=None, label="第一章 · 9、特征", source="n.txt")
OTHER = Citation(chapter=1, point=10, section=None, label="第一章 · 10、功能", source="n.txt")


def row(kind: str, label: float, question: str = "q1") -> LabelledAnswer:
    instead = Place(chapter=1, point=10) if kind == "wrong_point" else None
    return LabelledAnswer(
        id=f"{question}-{kind}",
        notes="egov",
        question=question,
        kind=kind,
        chapter=1,
        point=9,
        items=["a", "b"],
        label=label,
        answer="x",
        answers_instead=instead,
    )


def result(coverage: float, cited: Citation | None = GOLD, instead: Citation | None = None) -> CheckResult:
    return CheckResult(
        question="q", coverage=coverage, citation=cited, items=[], refused=False, message="", seems_to_answer=instead
    )


def test_metrics_count_what_they_say() -> None:
    rows = [row("complete", 1.0), row("paraphrase", 1.0), row("partial", 0.5), row("wrong_point", 0.0)]
    given = {
        "complete": result(1.0),
        "paraphrase": result(0.7),
        "partial": result(0.5),
        "wrong_point": result(0.0, instead=OTHER),
    }
    report, _ = evaluate_checks(rows, lambda r: given[r.kind])
    assert report.within == 0.75  # paraphrase 0.7 is 0.3 off
    assert report.right_point == 1.0 and report.order_holds == 1.0 and report.named_instead == 1.0
    assert report.mean_abs_error["paraphrase"] == 0.3


def test_order_and_points_fail_when_they_should() -> None:
    rows = [row("complete", 1.0), row("paraphrase", 1.0), row("partial", 0.5), row("wrong_point", 0.0)]
    given = {
        "complete": result(1.0),
        "paraphrase": result(0.5),
        "partial": result(0.5, OTHER),
        "wrong_point": result(0.0),
    }
    report, _ = evaluate_checks(rows, lambda r: given[r.kind])
    assert report.order_holds == 0.0  # paraphrase is not above partial
    assert report.right_point == 0.75 and report.named_instead == 0.0
