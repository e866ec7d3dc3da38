"""``make loadtest``: a class of students asking questions at once, against the real chat app.

    python -m benchmarks.loadtest [--users 60] [--seconds 30] [--think 1-3] [--ingest-at 15 [--via teacher]]
                                  [--capacity-users 30] [--capacity-seconds 15]
    python -m benchmarks.loadtest --staged [--users 10,30,60] [--duration 20] [--compare 1,2,4]
                                  [--compare-threads 1,2] [--no-compare] [--think 0] [--quick]

The default run is a class (``classrun``): the embedding floor and the capacity at saturation,
then the class for the given time, optionally with a notes update in the middle; its last line is
one JSON object. ``--staged`` is the staged run with comparisons (``staged``). All on 127.0.0.1:
the app in a subprocess (``egov-qa serve`` on a free port, index built first, start-up not
measured), driven headless by locust (``locust.env.Environment`` and a local runner); every
simulated student is a locust ``User`` asking ``/ask`` over Gradio's HTTP queue API
(``students``). Questions come from the notes, not the eval set. Writes ``.bench/loadtest.json``.
The load generator runs on the same machine: its CPU use is reported beside the server's.
"""

# locust first: it monkey-patches the standard library with gevent, which every later import of
# ssl/socket must see (egov_qa imports them through chromadb).
import locust  # noqa: F401, I001

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.classrun import run_class
from benchmarks.staged import run_staged
from benchmarks.students import FOLLOW_UP_SHARE, REQUEST_TIMEOUT_S, think_range
from benchmarks.tables import class_lines, loadtest_table


def _corpus_dir() -> Path:
    for root in (Path.cwd(), Path(__file__).resolve().parents[1]):  # the checkout: benchmarks/ is top-level
        if (root / "corpus").is_dir() and any((root / "corpus").iterdir()):
            return root / "corpus"
    return Path.cwd() / "corpus"


def summary(results: dict[str, Any]) -> dict[str, Any]:
    """The last line: the class's figures (or the capacity stage's), with the two ratios and memory."""
    capacity = results.get("capacity")
    stage = results.get("class") or capacity
    assert stage is not None
    line = {k: stage[k] for k in ("users", "requests", "failures", "p50_ms", "p95_ms", "rps")}
    line["warm_p50_over_embedding"] = results["warm_ratio"]
    line["capacity_rps"] = capacity["rps"] if capacity else None
    line["share_of_embedding_bound"] = capacity["share_of_bound"] if capacity else None
    line["peak_rss_mb"] = stage["rss_mb"]["peak"] if stage["rss_mb"] else None
    if stage.get("during") is not None:
        line["ingest"] = stage["during"]
    return line


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--staged", action="store_true", help="the staged run with comparisons instead of a class")
    parser.add_argument("--users", default=None, help="students (staged: counts after the 1-student baseline)")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the class asks")
    parser.add_argument("--think", type=think_range, default=None, help="seconds a student reads, e.g. 1-3")
    parser.add_argument("--ingest-at", type=float, default=None, help="add notes and ingest this many seconds in")
    parser.add_argument(
        "--via",
        choices=["ingest", "teacher"],
        default="ingest",
        help="how --ingest-at adds the notes: egov-qa ingest, or publishing on the teacher page",
    )
    parser.add_argument("--capacity-users", type=int, default=30, help="students asking back-to-back (capacity)")
    parser.add_argument("--capacity-seconds", type=float, default=15.0, help="0: skip the capacity stage")
    parser.add_argument("--capacity-only", action="store_true", help="the floor and the capacity stage, no class")
    parser.add_argument("--duration", type=float, default=20.0, help="staged: seconds per stage")
    parser.add_argument("--compare", default="1,2,4", help="staged: concurrency limits to try at 30 students")
    parser.add_argument("--compare-threads", default="1,2", help="staged: embedding threads to try at 30 students")
    parser.add_argument("--no-compare", action="store_true", help="staged: skip both comparisons")
    parser.add_argument("--quick", action="store_true", help="staged: 8-second stages, 10 and 30 students")
    parser.add_argument("--corpus", type=Path, default=None, help="notes folder (default: the checkout's corpus/)")
    parser.add_argument("--out", type=Path, default=Path(".bench") / "loadtest.json")
    return parser


def main(argv: list[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    from egov_qa.config import Settings

    if args.staged:
        args.users = args.users or "10,30,60"
        args.think = args.think or (0.0, 0.0)
        if args.quick:
            args.duration, args.users, args.no_compare = 8.0, "10,30", True
        if args.no_compare:
            args.compare = args.compare_threads = ""
        if not 0 < args.duration <= 600:
            parser.error("--duration must be in (0, 600] seconds")
    else:
        args.users = int(args.users or 60)
        args.think = args.think or (1.0, 3.0)
        if args.users < 1 or not 0 < args.seconds <= 3600:
            parser.error("--users must be at least 1 and --seconds in (0, 3600]")
        if args.ingest_at is not None and not 0 <= args.ingest_at < args.seconds:
            parser.error("--ingest-at must fall inside the class's --seconds")
        if args.capacity_only and args.capacity_seconds <= 0:
            parser.error("--capacity-only needs --capacity-seconds above 0")
    args.corpus = args.corpus or _corpus_dir()
    if not args.corpus.is_dir() or not any(args.corpus.iterdir()):
        print(f"error: no notes in {args.corpus} (use --corpus)", file=sys.stderr)
        raise SystemExit(2)
    defaults = Settings()
    started = time.perf_counter()
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        },
        "concurrency_limit": defaults.concurrency_limit,
        "embedding_threads": defaults.embedding_threads,
        "think_s": list(args.think),
        "request_timeout_s": REQUEST_TIMEOUT_S,
        "follow_up_share": FOLLOW_UP_SHARE,
    }
    with tempfile.TemporaryDirectory(prefix="egov-qa-load-") as tmp:
        (run_staged if args.staged else run_class)(args, results, Path(tmp))
    results["run_s"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.staged:
        print(loadtest_table(results))
        print(f"\nwritten: {args.out}")
        return
    print("\n".join(class_lines(results)))
    print(f"written: {args.out}")
    print(json.dumps(summary(results), ensure_ascii=False))


if __name__ == "__main__":
    main()
