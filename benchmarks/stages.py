"""One stage of ``make loadtest``: ``users`` students asking at once for a fixed time against a
running server, with a probe loading the page once a second meanwhile; the figures of the stage
(requests/s, latency percentiles, failures, the engine's own time, CPU by process) and their
ratios to the 1-student stage."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from benchmarks.appserver import AppServer
from benchmarks.students import REQUEST_TIMEOUT_S, Collector

DRAIN_TIMEOUT_S = 90.0  # a stage's questions in flight must be answered within this after it ends
PROBE_EVERY_S = 1.0


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


def _rss_mb(pid: int) -> float:
    import psutil

    return round(psutil.Process(pid).memory_info().rss / 2**20, 1)


def _window(done: list[tuple[float, float]], lo: float, hi: float) -> dict[str, Any]:
    """Latency of the questions answered between ``lo`` and ``hi`` (perf_counter seconds)."""
    ms = [m for end, m in done if lo <= end < hi]
    return {"n": len(ms), "p50_ms": _pct(ms, 0.5), "p95_ms": _pct(ms, 0.95)}


def run_stage(
    server: AppServer,
    limit: int,
    student: type,
    users: int,
    duration: float,
    label: str,
    during: Callable[[float], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """``users`` students for ``duration`` seconds (graceful end), plus the page-load probe and the
    server's memory once a second; ``limit`` is the server's concurrency limit, for the report.
    ``during(started)``, if given, runs beside the students (e.g. an ingest); what it returns is
    reported under ``"during"``."""
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

    rss: list[float] = []

    def memory() -> None:
        while True:
            rss.append(_rss_mb(server.proc.pid))
            gevent.sleep(PROBE_EVERY_S)

    cpu_server0, cpu_self0, busy0 = _cpu_s(server.proc.pid), _cpu_s(), _machine_busy_s()
    started = time.perf_counter()
    runner.start(users, spawn_rate=max(users, 1))  # everyone within a second
    prober, sampler = gevent.spawn(probe), gevent.spawn(memory)
    side = gevent.spawn(during, started) if during is not None else None
    gevent.sleep(duration)
    runner.stop()  # graceful: questions in flight are answered (at most DRAIN_TIMEOUT_S)
    ended = time.perf_counter()
    prober.join(timeout=REQUEST_TIMEOUT_S + 5)
    prober.kill()
    sampler.kill()
    side_result = side.get(timeout=DRAIN_TIMEOUT_S) if side is not None else None
    runner.quit()
    wall = ended - started
    cpu_server, cpu_self = _cpu_s(server.proc.pid) - cpu_server0, _cpu_s() - cpu_self0
    busy = _machine_busy_s() - busy0

    total = env.stats.total
    n = total.num_requests
    span = max((collector.last_done or ended) - started, 1e-9)
    edge = min(60.0, duration / 5)  # the first and the last minute (a fifth of a short run)
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
        "rss_mb": {"start": rss[0], "end": rss[-1], "peak": max(rss), "per_minute": rss[:: int(60 / PROBE_EVERY_S)]}
        if rss
        else None,
        "first": _window(collector.done, started, started + edge),
        "last": _window(collector.done, ended - edge, ended + DRAIN_TIMEOUT_S),
        "during": side_result,
    }


def with_ratios(stage: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    def ratio(key: str) -> float | None:
        a, b = stage.get(key), base.get(key)
        return round(a / b, 2) if a is not None and b else None

    stage["ratio"] = {k: ratio(k) for k in ("rps", "p50_ms", "p95_ms", "max_ms")}
    return stage
