"""``make loadtest STAGED=1`` (``python -m benchmarks.loadtest --staged``): the staged run.

* copies the course notes into a temp folder and builds the index there first (``loadprep``);
* starts the app (``egov-qa serve``) in a subprocess on a free port and waits until ``/ask`` answers;
* stages: a 1-student baseline, then 10, 30 and 60 students (all spawned within a second, no think
  time unless ``--think``: each student asks again as soon as the answer arrives — a burst far above
  what a real class produces), fixed duration each; a stage ends gracefully (questions in flight
  are answered and counted), so the next one starts on an empty queue;
* optionally the 30-student stage again with ``EGOV_QA_CONCURRENCY_LIMIT`` 1, 2 and 4 and with
  ``EGOV_QA_EMBEDDING_THREADS`` 1 and 2 (a fresh server each; the default's row is the main run's).

Reports requests/s, p50/p95/max latency, failures and timeouts per stage, each as a ratio to the
1-student baseline, the engine's own time per answer (the rest is queueing), and the CPU the server
and the load generator used.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

from benchmarks.appserver import stop_app
from benchmarks.classrun import start_server, warm_up
from benchmarks.loadprep import prepare
from benchmarks.stages import run_stage, with_ratios
from benchmarks.students import MIX, QuestionMix, make_student_class


def _ints(csv: str) -> list[int]:
    return [int(x) for x in csv.split(",") if x.strip()]


def run_staged(args: Any, results: dict[str, Any], root: Path) -> None:
    """The stages (and the comparison runs) into ``results``, working in the folder ``root``."""
    from egov_qa.config import Settings

    defaults = Settings()
    limit = results["concurrency_limit"]
    users = [int(u) for u in args.users.split(",") if u.strip()]
    # (label, setting, value) per extra server; the default's value reuses the main run's stage
    compare = [(f"limit {c}", "CONCURRENCY_LIMIT", c, c == limit) for c in _ints(args.compare)]
    compare += [
        (f"{t} embedding thread{'s' if t > 1 else ''}", "EMBEDDING_THREADS", t, t == defaults.embedding_threads)
        for t in _ints(args.compare_threads)
    ]
    compare_users = 30 if 30 in users else users[len(users) // 2]
    results["stages"] = []
    corpus, index = root / "corpus", root / "index"
    shutil.copytree(args.corpus, corpus)
    print(f"[loadtest] building the index over a copy of {args.corpus}…", file=sys.stderr, flush=True)
    prep = prepare(corpus, index)
    mix = QuestionMix(prep["examples"], prep["outline"], prep["phrases"])
    results.update(
        build_s=prep["build_s"],
        chunks=prep["chunks"],
        mix=MIX,
        material={"examples": len(mix.examples), "outline": len(mix.outline), "phrases": len(mix.phrases)},
    )
    student = make_student_class(mix, tuple(args.think))

    def stages_on(overrides: dict[str, str], plan: list[tuple[int, float, str]]) -> list[dict]:
        name = "-".join(f"{k}{v}" for k, v in overrides.items()) or "main"
        server = start_server(corpus, index, root / f"server-{name}.log", overrides)
        server_limit = int(overrides.get("EGOV_QA_CONCURRENCY_LIMIT", limit))
        try:
            if "server_start_s" not in results:
                results["server_start_s"] = server.started_s
            warm_up(server, mix)
            out = []
            for n, duration, label in plan:
                print(f"[loadtest] {label}: {n} student(s) for {duration:.0f} s…", file=sys.stderr, flush=True)
                stage = run_stage(server, server_limit, student, n, duration, label)
                out.append(stage)
            return out
        finally:
            stop_app(server)

    plan = [(1, args.duration, "1 student (baseline)")]
    plan += [(n, args.duration, f"{n} students") for n in users if n != 1]
    results["stages"] = stages_on({}, plan)
    base = results["stages"][0]
    for s in results["stages"]:
        with_ratios(s, base)
    if compare:
        results["compare_users"] = compare_users
        results["compare"] = []
        for label, setting, value, is_default in compare:
            if is_default:  # the main run's stage, same server settings
                same = next(s for s in results["stages"] if s["users"] == compare_users)
                results["compare"].append({**same, "label": f"{label} (main run)"})
                continue
            stage = stages_on({f"EGOV_QA_{setting}": str(value)}, [(compare_users, args.duration, label)])[0]
            results["compare"].append(with_ratios(stage, base))
