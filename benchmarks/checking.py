"""``make checkeval`` (and a part of ``make bench``): "check my answer" on the labelled student
answers of ``tests/data/check/labelled.jsonl``, per course.

For each course's notes (the e-gov notes; the MIS notes, which nothing in ``check`` was tuned on
beyond this set's e-gov half), a fresh index in a temp folder, then: the share of answers whose
coverage is within ±0.2 of the label, the share checked against the right point, the share of
questions where complete ≥ paraphrase > partial > wrong point, the share of wrong-point answers told
which point they answer, mean error per kind; and warm latency per check beside the floor measured
in the same run: one query embedding of the same answers (a check embeds the answer's clauses, so it
cannot be faster than that).

    python -m benchmarks.checking [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.datasets import TEST_DATA, Dataset, settings_for
from benchmarks.latency import elapsed_ms, percentiles
from egov_qa.config import Settings
from egov_qa.engine import Engine
from egov_qa.evaluation.checking import LabelledAnswer, evaluate_checks
from egov_qa.evaluation.metrics import read_records

LABELLED = TEST_DATA / "check" / "labelled.jsonl"
NOTES = {
    "egov": sorted((TEST_DATA / "egov").glob("*.txt")),
    "mis": [TEST_DATA / "eval" / "notes_mis_scraped.txt"],
}


def bench_course(settings: Settings, rows: list[LabelledAnswer]) -> dict[str, Any]:
    engine = Engine.open(settings, progress=False)
    checker = engine.checker
    for row in rows:  # warm: jieba, the speller, each item's vector, each clause's
        checker.check(row.question, row.answer)
    report, _ = evaluate_checks(rows, lambda r: checker.check(r.question, r.answer))
    check_ms, embed_ms = [], []
    for row in rows:
        # Warm process, new answer: nothing of this question or answer is cached (the notes' items
        # stay embedded, as they are after a class's first answers).
        checker.forget_answers()
        engine.retriever.forget_queries()
        check_ms.append(elapsed_ms(lambda row=row: checker.check(row.question, row.answer)))
        embed_ms.append(elapsed_ms(lambda row=row: engine.index.embeddings.embed_query(row.answer)))
    check, floor = percentiles(check_ms), percentiles(embed_ms)
    return {
        **report.as_dict(),
        "check_ms": check,
        "embed_answer_ms": floor,
        "check_over_embedding": round(check["p50_ms"] / floor["p50_ms"], 2) if floor["p50_ms"] else None,
    }


def run(root: Path, labelled: Path = LABELLED) -> dict[str, Any]:
    rows = read_records(labelled, LabelledAnswer, "answers")
    results: dict[str, Any] = {}
    for course, notes in NOTES.items():
        mine = [r for r in rows if r.notes == course]
        if mine and all(n.is_file() for n in notes):
            print(f"[check] {course}: {len(mine)} answers…", file=sys.stderr, flush=True)
            settings = settings_for(Dataset(f"check-{course}", labelled, notes), root)
            results[course] = bench_course(settings, mine)
    return results


def table(results: dict[str, Any]) -> str:
    lines = [
        "| notes | answers | within ±0.2 | right point | order holds | told the other point | check p50 ms "
        "| one answer embedding p50 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for course, r in results.items():
        named = "–" if r["named_instead"] is None else f"{r['named_instead']:.2f}"
        lines.append(
            f"| {course} | {r['answers']} | {r['within']:.3f} | {r['right_point']:.3f} | "
            f"{r['order_holds']:.2f} ({r['questions']} questions) | {named} | "
            f"{r['check_ms']['p50_ms']:.0f} | {r['embed_answer_ms']['p50_ms']:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(".bench/checking.json"))
    parser.add_argument("--labelled", type=Path, default=LABELLED)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="egov-qa-check-") as tmp:
        results = run(Path(tmp), args.labelled)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(table(results))
    for course, r in results.items():
        errors = ", ".join(f"{k} {v:.2f}" for k, v in r["mean_abs_error"].items())
        print(f"{course}: mean |coverage - label| by kind: {errors}")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
