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

The load generator runs on the same machine as the server: its CPU use is reported beside the
server's so the figures can be read with that in mind.

    python -m benchmarks.loadtest [--users 10,30,60] [--duration 20] [--compare 1,2,4]
                               [--compare-threads 1,2] [--no-compare] [--think 0]
                               [--out .bench/loadtest.json] [--quick]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from benchmarks.appserver import AppServer, start_app, stop_app
from benchmarks.report import fmt

# Nothing here imports ssl/urllib at module level: locust (gevent) monkey-patches the standard
# library when it is imported, and that must come first — see ``_import_locust``.

REQUEST_TIMEOUT_S = 60.0  # one question, POST to complete; more counts as a timeout (a failure)
START_TIMEOUT_S = 300.0  # server start (the index is already built)
PREPARE_TIMEOUT_S = 600.0  # index build + question generation
DRAIN_TIMEOUT_S = 90.0  # a stage's questions in flight must be answered within this after it ends
PROBE_EVERY_S = 1.0
FOLLOW_UP_SHARE = 0.35
NEW_CHAT_SHARE = 0.15  # a student presses 新对话 before a question
MAX_HISTORY = 6
FOLLOW_UPS = ("它有哪些特点？", "它的含义是什么？", "它要遵循哪些原则？", "它有什么作用？", "能具体说说吗？")
MIX = {"example": 0.25, "outline": 0.35, "phrase": 0.40}  # new questions; see QuestionMix
OPENERS = ("", "", "请问", "老师，", "想问一下，", "复习的时候没看懂：")
PHRASE_TEMPLATES = ("{}是什么意思？", "怎么理解“{}”？", "笔记里说“{}”，这是什么意思？")
CJK = "\u4e00-\u9fff"
PHRASE_MIN, PHRASE_MAX = 6, 14
WARM_UP_QUESTIONS = 5
SEED = 20240601


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


@dataclass(frozen=True)
class QuestionMix:
    """What students type, drawn per question by ``MIX``.

    * ``example``: one of the 4 example questions on the page (clicked; the server's query cache
      answers these after the first time);
    * ``outline``: a question about a heading of the notes (``Engine.example_questions``), phrased
      with one of a few openers;
    * ``phrase``: a phrase copied from the notes, "…是什么意思？" — practically never the same
      string twice, so the embedding is computed every time.
    """

    examples: list[str]
    outline: list[str]
    phrases: list[str]

    def draw(self, rng: random.Random) -> tuple[str, str]:
        kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
        if kind == "example" and self.examples:
            return kind, rng.choice(self.examples)
        if kind == "outline" or not self.phrases:
            return "outline", rng.choice(OPENERS) + rng.choice(self.outline)
        run = rng.choice(self.phrases)
        n = rng.randint(PHRASE_MIN, min(len(run), PHRASE_MAX))
        start = rng.randint(0, len(run) - n)
        return "phrase", rng.choice(PHRASE_TEMPLATES).format(run[start : start + n])


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


# --- one question over Gradio's HTTP queue API ----------------------------------------------------


class AskError(Exception):
    pass


def ask(session: Any, url: str, question: str, history: list[str]) -> tuple[dict, int]:
    """POST the question, read the event stream until ``complete``; (answer dict, bytes read)."""
    import gevent

    with gevent.Timeout(REQUEST_TIMEOUT_S, TimeoutError(f"no answer within {REQUEST_TIMEOUT_S:.0f} s")):
        resp = session.post(f"{url}/gradio_api/call/ask", json={"data": [question, history]}, timeout=REQUEST_TIMEOUT_S)
        resp.raise_for_status()
        event_id = resp.json()["event_id"]
        size = len(resp.content)
        with session.get(f"{url}/gradio_api/call/ask/{event_id}", stream=True, timeout=REQUEST_TIMEOUT_S) as stream:
            stream.raise_for_status()
            event = None
            for line in stream.iter_lines(decode_unicode=True):
                size += len(line) + 1
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    payload = line[5:].strip()
                    if event == "error":
                        raise AskError(f"server error: {payload[:200]}")
                    data = json.loads(payload)
                    if not (isinstance(data, list) and data and isinstance(data[0], dict)):
                        raise AskError(f"unexpected answer: {payload[:200]}")
                    return data[0], size
    raise AskError("event stream ended without an answer")


# --- locust --------------------------------------------------------------------------------------


def _import_locust() -> None:
    """Import locust (and with it gevent's monkey-patching) before anything imports ssl/urllib3."""
    import locust  # noqa: F401


def make_student_class(mix: QuestionMix, think_s: float) -> type:
    from locust import User, between, constant, task

    class Student(User):
        """One student at the chat page: asks, reads (``think_s``), asks again; sometimes a follow-up."""

        abstract = False
        wait_time = between(think_s / 2, think_s * 1.5) if think_s > 0 else constant(0)
        _seeds: ClassVar[Iterator[int]] = itertools.count(SEED)  # each student its own, reproducible

        def on_start(self) -> None:
            import requests

            self.session = requests.Session()
            self.rng = random.Random(next(Student._seeds))
            self.history: list[str] = []

        def on_stop(self) -> None:
            self.session.close()

        @task
        def ask_question(self) -> None:
            if self.history and (self.rng.random() < NEW_CHAT_SHARE or len(self.history) >= MAX_HISTORY):
                self.history = []  # 新对话
            follow_up = bool(self.history) and self.rng.random() < FOLLOW_UP_SHARE
            kind, question = ("follow-up", self.rng.choice(FOLLOW_UPS)) if follow_up else mix.draw(self.rng)
            history = list(self.history)
            t0 = time.perf_counter()
            answer: dict | None = None
            size, exc = 0, None
            try:
                answer, size = ask(self.session, self.environment.host, question, history)
            except Exception as e:  # noqa: BLE001 — every failure is a locust failure (a timeout: TimeoutError)
                exc = e
            self.environment.events.request.fire(
                request_type="ASK",
                name=kind,
                response_time=(time.perf_counter() - t0) * 1000,
                response_length=size,
                exception=exc,
                context={
                    "engine_ms": answer.get("ms") if answer else None,
                    "refused": answer.get("refused") if answer else None,
                    "timeout": isinstance(exc, TimeoutError),
                },
            )
            if answer is not None:
                self.history = history + [question]

    return Student


@dataclass
class Collector:
    """What locust's stats do not keep: engine time, refusals, timeouts, last completion."""

    engine_ms: list[float] = field(default_factory=list)
    refused: int = 0
    timeouts: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    last_done: float = 0.0

    def __call__(self, response_time: float, exception: Any, context: dict, **_: Any) -> None:
        self.last_done = time.perf_counter()
        if exception is not None:
            key = f"{type(exception).__name__}: {str(exception)[:80]}"
            self.errors[key] = self.errors.get(key, 0) + 1
            self.timeouts += bool(context.get("timeout"))
            return
        if context.get("engine_ms") is not None:
            self.engine_ms.append(float(context["engine_ms"]))
        self.refused += bool(context.get("refused"))


def _cpu_s(pid: int | None = None) -> float:
    import psutil

    t = psutil.Process(pid).cpu_times()
    return t.user + t.system


def _machine_busy_s() -> float:
    """CPU seconds the whole machine has been busy (all processes, all cores)."""
    import psutil

    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return round(s[lo] + (s[hi] - s[lo]) * (k - lo), 1)


def run_stage(server: AppServer, limit: int, student: type, users: int, duration: float, label: str) -> dict[str, Any]:
    """``users`` students for ``duration`` seconds (graceful end), plus the page-load probe; ``limit``
    is the server's concurrency limit, for the report."""
    import gevent
    import requests
    from locust.env import Environment

    env = Environment(user_classes=[student], host=server.url, stop_timeout=DRAIN_TIMEOUT_S)
    collector = Collector()
    env.events.request.add_listener(collector)
    runner = env.create_local_runner()

    page_ms: list[float] = []
    page_failures = 0

    def probe() -> None:
        nonlocal page_failures
        session = requests.Session()
        for _ in range(int(duration / PROBE_EVERY_S) + 1):  # bounded
            t0 = time.perf_counter()
            try:
                with gevent.Timeout(REQUEST_TIMEOUT_S, TimeoutError()):
                    ok = session.get(server.url + "/", timeout=REQUEST_TIMEOUT_S).status_code == 200
            except Exception:  # noqa: BLE001 — any failure is a failed page load
                ok = False
            if ok:
                page_ms.append((time.perf_counter() - t0) * 1000)
            else:
                page_failures += 1
            gevent.sleep(max(0.0, PROBE_EVERY_S - (time.perf_counter() - t0)))

    cpu_server0, cpu_self0, busy0 = _cpu_s(server.proc.pid), _cpu_s(), _machine_busy_s()
    started = time.perf_counter()
    runner.start(users, spawn_rate=max(users, 1))  # everyone within a second
    prober = gevent.spawn(probe)
    gevent.sleep(duration)
    runner.stop()  # graceful: questions in flight are answered (at most DRAIN_TIMEOUT_S)
    ended = time.perf_counter()
    prober.join(timeout=REQUEST_TIMEOUT_S + 5)
    prober.kill()
    runner.quit()
    wall = ended - started
    cpu_server, cpu_self = _cpu_s(server.proc.pid) - cpu_server0, _cpu_s() - cpu_self0
    busy = _machine_busy_s() - busy0

    total = env.stats.total
    n = total.num_requests
    span = max((collector.last_done or ended) - started, 1e-9)
    return {
        "label": label,
        "users": users,
        "concurrency_limit": limit,
        "duration_s": duration,
        "wall_s": round(wall, 2),
        "requests": n,
        "failures": total.num_failures,
        "timeouts": collector.timeouts,
        "errors": collector.errors,
        "refused": collector.refused,
        "by_kind": {k: env.stats.get(k, "ASK").num_requests for k in ("example", "outline", "phrase", "follow-up")},
        "rps": round(n / span, 2),
        "p50_ms": total.get_response_time_percentile(0.5) if n else None,
        "p95_ms": total.get_response_time_percentile(0.95) if n else None,
        "max_ms": round(total.max_response_time, 1) if n else None,
        "mean_ms": round(total.avg_response_time, 1) if n else None,
        "engine_mean_ms": round(sum(collector.engine_ms) / len(collector.engine_ms), 1)
        if collector.engine_ms
        else None,
        "engine_p95_ms": _pct(collector.engine_ms, 0.95),
        "page_p50_ms": _pct(page_ms, 0.5),
        "page_max_ms": _pct(page_ms, 1.0),
        "page_loads": len(page_ms),
        "page_failures": page_failures,
        "server_cpu_cores": round(cpu_server / wall, 2),
        "loadgen_cpu_cores": round(cpu_self / wall, 2),
        # everything else on the machine meanwhile (other jobs skew the figures: read them with this)
        "other_cpu_cores": round(max(busy - cpu_server - cpu_self, 0.0) / wall, 2),
    }


def with_ratios(stage: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    def ratio(key: str) -> float | None:
        a, b = stage.get(key), base.get(key)
        return round(a / b, 2) if a is not None and b else None

    stage["ratio"] = {k: ratio(k) for k in ("rps", "p50_ms", "p95_ms", "max_ms")}
    return stage


# --- report --------------------------------------------------------------------------------------


def _mix_text(results: dict[str, Any]) -> str:
    m, mat = results["mix"], results["material"]
    return (
        f"{m['example']:.0%} page examples ({mat['examples']}), {m['outline']:.0%} about outline headings "
        f"({mat['outline']}), {m['phrase']:.0%} phrases from the notes ({mat['phrases']} passages to cut from); "
        f"after the first, {results['follow_up_share']:.0%} are follow-ups (它…) sent with the session's history"
    )


def format_table(results: dict[str, Any]) -> str:
    width = max(len(s["label"]) for s in results["stages"] + results.get("compare", [])) + 2
    head = (
        f"{'stage':<{width}}{'req':>6}{'req/s':>8}{'×1u':>6}{'p50 ms':>8}{'×1u':>7}{'p95 ms':>8}{'×1u':>7}"
        f"{'max ms':>8}{'×1u':>7}{'fail':>6}{'engine ms':>10}{'page max':>9}{'srv cpu':>8}{'gen cpu':>8}"
        f"{'other':>7}"
    )

    def row(s: dict[str, Any]) -> str:
        r = s["ratio"]
        return (
            f"{s['label']:<{width}}{s['requests']:>6}{fmt(s['rps'], 1):>8}{fmt(r['rps'], 1):>6}"
            f"{fmt(s['p50_ms'], 0):>8}{fmt(r['p50_ms'], 1):>7}{fmt(s['p95_ms'], 0):>8}{fmt(r['p95_ms'], 1):>7}"
            f"{fmt(s['max_ms'], 0):>8}{fmt(r['max_ms'], 1):>7}{s['failures']:>6}{fmt(s['engine_mean_ms'], 1):>10}"
            f"{fmt(s['page_max_ms'], 0):>9}{fmt(s['server_cpu_cores'], 2):>8}{fmt(s['loadgen_cpu_cores'], 2):>8}"
            f"{fmt(s['other_cpu_cores'], 2):>7}"
        )

    m = results["machine"]
    title = (
        f"\n== /ask under load: concurrency_limit={results['concurrency_limit']}, {m['cpus']} CPUs, "
        f"think time {results['think_s']} s"
    )
    out = [title, f"questions: {_mix_text(results)}", head]
    out += [row(s) for s in results["stages"]]
    if results.get("compare"):
        out.append(
            f"\n== at {results['compare_users']} students: EGOV_QA_CONCURRENCY_LIMIT and "
            f"EGOV_QA_EMBEDDING_THREADS (ratios to the 1-student baseline)"
        )
        out.append(head)
        out += [row(s) for s in results["compare"]]
    stages = results["stages"] + results.get("compare", [])
    total = sum(s["requests"] for s in stages)
    failed = sum(s["failures"] for s in stages)
    timeouts = sum(s["timeouts"] for s in stages)
    page_failed = sum(s["page_failures"] for s in stages)
    out.append(
        f"\nresponsive: {total - failed}/{total} questions answered, {failed} failures "
        f"({timeouts} timeouts past {REQUEST_TIMEOUT_S:.0f} s), {page_failed} failed page loads during load"
    )
    for s in stages:
        for err, count in s["errors"].items():
            out.append(f"  {s['label']}: {count} × {err}")
    out.append(
        "req = questions answered or failed; ×1u = ratio to the 1-student stage; engine ms = the engine's own "
        "time per answer (the rest of the latency is queueing and HTTP); page max = slowest GET / during the "
        "stage (not queued); srv/gen/other cpu = cores used by the server / the load generator / every other "
        "process on the machine (other > 0.2: the figures are skewed by other work)"
    )
    out.append(
        f"server start (index built) {results['server_start_s']} s; index build {results['build_s']} s; "
        f"run took {results['run_s']:.0f} s"
    )
    return "\n".join(out)


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
    print(format_table(results))
    print(f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
