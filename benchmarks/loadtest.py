"""``make loadtest``: a class of students asking questions at once, against the real chat app.

One run, all on 127.0.0.1:

* copies the course notes (``corpus/``) into a temp folder and builds the index there first
  (in a subprocess that also generates the questions), so start-up is not measured;
* starts the app (``egov-qa serve``) in a subprocess on a free port and waits until ``/ask`` answers;
* drives it headless with locust from Python (``locust.env.Environment`` + a local runner): every
  simulated student is a locust ``User`` whose task asks ``/ask`` over Gradio's HTTP queue API
  (``POST /gradio_api/call/ask`` → event id, then the server-sent-event stream until ``complete``)
  and fires one locust request event with the whole wait. Questions come from the notes, not the
  eval set (``QuestionMix``): the page's example questions, questions about outline headings
  (``Engine.example_questions``) and phrases copied from the notes — the last so that the server's
  query-embedding cache does not answer everything; about a third are follow-ups ("它有哪些特点？")
  sent with the session's earlier questions as history, as the chat page does;
* stages: a 1-student baseline, then 10, 30 and 60 students (all spawned within a second, no think
  time unless ``--think``: each student asks again as soon as the answer arrives — a burst far above
  what a real class produces), fixed duration each; a stage ends gracefully (questions in flight
  are answered and counted), so the next one starts on an empty queue;
* meanwhile a probe loads the page (``GET /``, which bypasses the queue) once a second: can a
  student still open the app while the queue is full?
* optionally the 30-student stage again with ``EGOV_QA_CONCURRENCY_LIMIT`` 1, 2 and 4 and with
  ``EGOV_QA_EMBEDDING_THREADS`` 1 and 2 (a fresh server each; the default's row is the main run's).

Reports requests/s, p50/p95/max latency, failures and timeouts per stage, each as a ratio to the
1-student baseline, the engine's own time per answer (the rest is queueing), and the CPU the server
and the load generator used. Prints a table and writes ``.bench/loadtest.json``. Nothing here
asserts a wall-clock figure. The server is always stopped.

The simulated students are in ``students``, a stage in ``stages``, the printed table in ``tables``;
this module prepares the notes, starts the servers, runs the stages and is the command line.

The load generator runs on the same machine as the server: its CPU use is reported beside the
server's so the figures can be read with that in mind.

    python -m benchmarks.loadtest [--users 10,30,60] [--duration 20] [--compare 1,2,4]
                               [--compare-threads 1,2] [--no-compare] [--think 0]
                               [--out .bench/loadtest.json] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.appserver import AppServer, start_app, stop_app
from benchmarks.stages import run_stage, with_ratios
from benchmarks.students import (
    CJK,
    FOLLOW_UP_SHARE,
    MIX,
    PHRASE_MIN,
    REQUEST_TIMEOUT_S,
    QuestionMix,
    ask,
    make_student_class,
)
from benchmarks.tables import loadtest_table

# Nothing here imports ssl/urllib at module level: locust (gevent) monkey-patches the standard
# library when it is imported, and that must come first — see ``_import_locust``.

START_TIMEOUT_S = 300.0  # server start (the index is already built)
PREPARE_TIMEOUT_S = 600.0  # index build + question generation
WARM_UP_QUESTIONS = 5


# --- setup: notes, index, questions (no locust in this part) ------------------------------------


def _corpus_dir() -> Path:
    for root in (Path.cwd(), Path(__file__).resolve().parents[1]):  # the checkout: benchmarks/ is top-level
        if (root / "corpus").is_dir() and any((root / "corpus").iterdir()):
            return root / "corpus"
    return Path.cwd() / "corpus"


def _prepare_main() -> None:
    """Subprocess: open the engine (building the index), print the question material as JSON."""
    from egov_qa.config import Settings
    from egov_qa.engine import Engine

    engine = Engine.open(Settings(), progress=False)
    phrases = sorted({run for c in engine.notes.chunks for run in re.findall(rf"[{CJK}]{{{PHRASE_MIN},}}", c.body)})
    print(
        json.dumps(
            {
                "examples": engine.example_questions(4),
                "outline": engine.example_questions(10_000),
                "phrases": phrases,
                "chunks": len(engine.notes.chunks),
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def prepare(corpus: Path, index: Path) -> dict[str, Any]:
    env = {**os.environ, "EGOV_QA_CORPUS_DIR": str(corpus), "EGOV_QA_INDEX_DIR": str(index)}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.loadtest", "--_prepare"],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=PREPARE_TIMEOUT_S,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"index build failed:\n{proc.stderr[-2000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    if not data["outline"]:
        raise RuntimeError("the notes' outline gave no example questions")
    data["build_s"] = round(time.perf_counter() - t0, 2)
    return data


# --- the server subprocess ------------------------------------------------------------------------


def start_server(corpus: Path, index: Path, log: Path, overrides: dict[str, str]) -> AppServer:
    """``egov-qa serve`` on a free 127.0.0.1 port (settings ``overrides`` in its environment);
    returns once a question is answered."""
    env = {"EGOV_QA_AUTO_INGEST": "false", **overrides}
    t0 = time.perf_counter()
    server = start_app(corpus, index, log, env=env, timeout=START_TIMEOUT_S, tail=3000)
    try:
        import requests

        ask(requests.Session(), server.url, "预热问题：这门课讲了什么？", [])  # it answers
        server.started_s = round(time.perf_counter() - t0, 2)
        return server
    except BaseException:
        stop_app(server)
        raise


# --- locust --------------------------------------------------------------------------------------


def _import_locust() -> None:
    """Import locust (and with it gevent's monkey-patching) before anything imports ssl/urllib3."""
    import locust  # noqa: F401


# --- main ----------------------------------------------------------------------------------------


def _ints(csv: str) -> list[int]:
    return [int(x) for x in csv.split(",") if x.strip()]


def run(args: argparse.Namespace) -> dict[str, Any]:
    from egov_qa.config import Settings

    started = time.perf_counter()
    defaults = Settings()
    limit = defaults.concurrency_limit
    users = [int(u) for u in args.users.split(",") if u.strip()]
    # (label, setting, value) per extra server; the default's value reuses the main run's stage
    compare = [(f"limit {c}", "CONCURRENCY_LIMIT", c, c == limit) for c in _ints(args.compare)]
    compare += [
        (f"{t} embedding thread{'s' if t > 1 else ''}", "EMBEDDING_THREADS", t, t == defaults.embedding_threads)
        for t in _ints(args.compare_threads)
    ]
    compare_users = 30 if 30 in users else users[len(users) // 2]
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        },
        "concurrency_limit": limit,
        "embedding_threads": defaults.embedding_threads,
        "think_s": args.think,
        "duration_s": args.duration,
        "request_timeout_s": REQUEST_TIMEOUT_S,
        "follow_up_share": FOLLOW_UP_SHARE,
        "stages": [],
    }
    with tempfile.TemporaryDirectory(prefix="egov-qa-load-") as tmp:
        root = Path(tmp)
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
        student = make_student_class(mix, args.think)

        def stages_on(overrides: dict[str, str], plan: list[tuple[int, float, str]]) -> list[dict]:
            name = "-".join(f"{k}{v}" for k, v in overrides.items()) or "main"
            server = start_server(corpus, index, root / f"server-{name}.log", overrides)
            server_limit = int(overrides.get("EGOV_QA_CONCURRENCY_LIMIT", limit))
            try:
                if "server_start_s" not in results:
                    results["server_start_s"] = server.started_s
                import requests

                warm = requests.Session()
                for q in mix.outline[:WARM_UP_QUESTIONS]:  # jieba, first queries: not measured
                    ask(warm, server.url, q, [])
                out = []
                for n, duration, label in plan:
                    print(f"[loadtest] {label}: {n} student(s) for {duration:.0f} s…", file=sys.stderr, flush=True)
                    out.append(run_stage(server, server_limit, student, n, duration, label))
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
    results["run_s"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", default="10,30,60", help="student counts after the 1-student baseline")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per stage")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a student reads before asking again (0: at once, the worst case)",
    )
    parser.add_argument("--compare", default="1,2,4", help="concurrency limits to try at 30 students (empty: skip)")
    parser.add_argument(
        "--compare-threads", default="1,2", help="embedding threads to try at 30 students (empty: skip)"
    )
    parser.add_argument("--no-compare", action="store_true", help="skip both comparisons")
    parser.add_argument("--corpus", type=Path, default=None, help="notes folder (default: the checkout's corpus/)")
    parser.add_argument("--out", type=Path, default=Path(".bench") / "loadtest.json")
    parser.add_argument("--quick", action="store_true", help="8-second stages, 1/10/30 students, no comparison")
    parser.add_argument("--_prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._prepare:
        _prepare_main()
        return
    _import_locust()
    if args.quick:
        args.duration, args.users, args.no_compare = 8.0, "10,30", True
    if args.no_compare:
        args.compare = args.compare_threads = ""
    args.corpus = args.corpus or _corpus_dir()
    if not args.corpus.is_dir() or not any(args.corpus.iterdir()):
        print(f"error: no notes in {args.corpus} (use --corpus)", file=sys.stderr)
        raise SystemExit(2)
    if args.duration <= 0 or args.duration > 600:
        parser.error("--duration must be in (0, 600] seconds")
    results = run(args)
    print(loadtest_table(results))
    print(f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
