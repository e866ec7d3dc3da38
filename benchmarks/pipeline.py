"""Our pipeline measured by ``make bench`` on one question set.

hit@1, hit@5, MRR, citation accuracy, key-term coverage, refusals (the metrics of
``egov_qa.evaluation``), mean passage length, warm latency per question, the share of questions made
from the notes' own headings (``questions_from_headings``) that cite their unit, of "简述X的A及其B。"
questions (``aspect_questions_from_headings``) that cite both units, of the student-style checks of
``question_checks`` that pass; and the same questions with a homophone or a fuzzy-pinyin typo
(``typo_questions``), answered with typo correction on and off.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from benchmarks.latency import WARM_UP, percentiles
from benchmarks.question_checks import run_checks
from benchmarks.typo_questions import with_slips
from egov_qa.config import Settings
from egov_qa.evaluation.generated import aspect_questions_from_headings, questions_from_headings
from egov_qa.evaluation.metrics import Question, evaluate, first_hit_rank
from egov_qa.models import Answer

TYPO_VARIANTS = 3  # typo'd copies of each answerable question
TYPO_SEED = 7


def bench_pipeline(settings: Settings, questions: list[Question]) -> dict[str, Any]:
    from egov_qa.engine import Engine
    from egov_qa.index.store import build_index, open_index

    started = time.perf_counter()
    info = build_index(settings, progress=False)
    build_s = time.perf_counter() - started
    engine = Engine(settings, open_index(settings, auto_build=False, progress=False))
    engine.ask(WARM_UP)  # jieba's dictionary, first Chroma query: not part of the per-question figure

    wall: list[float] = []
    lengths: list[int] = []  # of the passages shown (a refusal shows none)

    asked = {id(q) for q in questions}  # evaluate() also asks refusals' suggestions: not timed

    def ask(q: Question) -> Answer:
        t0 = time.perf_counter()
        answer = engine.ask(q.question, q.history)
        if id(q) in asked:
            wall.append((time.perf_counter() - t0) * 1000)
            lengths.extend(len(p.text) for p in answer.passages)
        return answer

    report, _ = evaluate(questions, ask)
    result = report.as_dict()
    from_headings = questions_from_headings(engine.notes.chunks)
    right = sum(
        bool(a.citations) and a.citations[0].label == label
        for a, label in ((engine.ask(q), label) for q, label in from_headings)
    )
    two_aspects = aspect_questions_from_headings(engine.notes.chunks)
    both = sum(set(labels) <= {c.label for c in engine.ask(q).citations} for q, labels in two_aspects)
    checks = run_checks(lambda q, history: engine.ask(q, list(history)), engine.notes.chunks)
    result.pop("p50_ms"), result.pop("p95_ms")
    return {
        **typo_robustness(engine, questions),
        **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in result.items()},
        "chunks": info.chunk_count,
        "build_s": round(build_s, 2),
        "mean_passage_chars": round(statistics.fmean(lengths), 1) if lengths else 0.0,
        "passages_per_answer": settings.top_k,
        "latency": percentiles(wall),
        "heading_questions": len(from_headings),
        "heading_questions_cited_right": round(right / max(len(from_headings), 1), 4),
        "aspect_questions": len(two_aspects),
        "aspect_questions_both_cited": round(both / len(two_aspects), 4) if two_aspects else None,
        "question_checks": {name: {"passed": passed, "asked": asked} for name, (passed, asked) in checks.items()},
    }


def typo_robustness(engine: Any, questions: list[Question]) -> dict[str, Any]:
    """hit@1 and refusals on answerable questions with one typo (a homophone, or a sound-alike
    under fuzzy pinyin), correction on and off."""
    from egov_qa.engine import Engine

    uncorrected = Engine(
        engine.settings.model_copy(update={"rules_off": engine.settings.rules_off | {"typos"}}), engine.index
    )
    out: dict[str, Any] = {}
    for kind, fuzzy in (("typo", False), ("fuzzy_typo", True)):
        rng = random.Random(TYPO_SEED)
        typed = [
            (q, with_slips(q.question, engine.vocabulary.notes_text, rng, fuzzy=fuzzy))
            for q in questions
            if q.answerable
            for _ in range(TYPO_VARIANTS)
        ]
        out[f"{kind}_questions"] = len(typed)
        for name, eng in (("corrected", engine), ("uncorrected", uncorrected)):
            answers = [(q, eng.ask(text, q.history)) for q, text in typed]
            out[f"{kind}_hit_at_1_{name}"] = round(
                sum(first_hit_rank(q, a) == 1 for q, a in answers) / max(len(typed), 1), 4
            )
            out[f"{kind}_refused_{name}"] = round(sum(a.refused for _, a in answers) / max(len(typed), 1), 4)
    return out
