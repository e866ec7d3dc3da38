"""What each question rule is worth: a question set evaluated with every rule on, then with each
rule switched off in turn (``egov-qa eval FILE --ablate``)."""

from __future__ import annotations

from dataclasses import dataclass

from egov_qa.engine import Engine
from egov_qa.evaluation.metrics import Question, Report, evaluate
from egov_qa.rules.registry import NAMES

ALL_ON = "(none)"


@dataclass(frozen=True)
class Ablation:
    rule: str  # the rule switched off, or ALL_ON
    report: Report
    changed: int  # questions whose answer differs from the one with every rule on


def ablate(engine: Engine, questions: list[Question]) -> list[Ablation]:
    """The figures with every rule on, then with each rule (of the registry) off in turn."""

    def run(on: Engine) -> tuple[Report, list[str]]:
        report, rows = evaluate(questions, lambda q: on.ask(q.question, q.history))
        return report, [row["answer"] for row in rows]

    base, answers = run(engine)
    results = [Ablation(ALL_ON, base, 0)]
    for name in NAMES:
        if name in engine.settings.rules_off:
            continue
        settings = engine.settings.model_copy(update={"rules_off": engine.settings.rules_off | {name}})
        report, changed = run(Engine(settings, engine.index))
        results.append(Ablation(name, report, sum(a != b for a, b in zip(answers, changed, strict=True))))
    return results


def format_ablation(results: list[Ablation]) -> str:
    """A Markdown table: one row per rule switched off."""

    def cell(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    lines = [
        "| rule off | hit@1 | hit@5 | MRR | citation | key terms | out-of-scope refused | "
        "false refusals | answers changed |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for a in results:
        r = a.report
        lines.append(
            f"| {a.rule} | {cell(r.hit_at_1)} | {cell(r.hit_at_5)} | {cell(r.mrr)} | "
            f"{cell(r.citation_accuracy)} | {cell(r.key_term_coverage)} | "
            f"{cell(r.out_of_scope_refusal)} | {cell(r.false_refusals)} | {a.changed} |"
        )
    return "\n".join(lines)
