"""``make loadtest``'s default run: a class, realistically, against the real app on 127.0.0.1.

1. copies the notes, builds the index and measures the embedding floor (``loadprep``, a subprocess);
2. starts ``egov-qa serve`` and warms it up;
3. capacity: ``--capacity-users`` students asking back-to-back for ``--capacity-seconds`` — the
   throughput, as a share of the embedding-bound limit (cores ÷ one single-thread query embedding,
   measured in step 1): no machine answers faster than it can embed the questions;
4. the class: ``--users`` students for ``--seconds``, each asking a question generated from the
   notes, waiting for the whole answer, reading ``--think`` seconds (a range, e.g. 1-3), a third of
   the time asking a follow-up with the conversation's history. With ``--ingest-at S``, S seconds
   in, the teacher adds a file of notes and runs ``egov-qa ingest`` (``--via teacher``: uploads,
   previews and publishes it on the teacher page); a probe then asks what only the new file answers
   until an answer cites it. Every answer is checked against the units of the old
   and the new notes: one that matches neither build (old passages with new labels) is a failure.

The server's memory is sampled once a second and latency is reported for the first and the last
minute (``make soak`` runs the class for five minutes). The last line printed is one JSON object:
``{"users", "requests", "failures", "p50_ms", "p95_ms", "rps", …}``. Nothing here asserts a figure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.appserver import AppServer, start_app, stop_app
from benchmarks.loadprep import UPDATE_FILE, UPDATE_NOTES, UPDATE_QUESTION, digest, prepare, units_now
from benchmarks.stages import run_stage
from benchmarks.students import QuestionMix, ask, make_student_class
from egov_qa.models import LABEL_SEP, PATH_SEP

START_TIMEOUT_S = 300.0  # server start (the index is already built)
WARM_UP_QUESTIONS = 5
SWAP_TIMEOUT_S = 120.0  # after the ingest: how long the probe waits for the new notes to be cited
PROBE_EVERY_S = 0.5
INGEST_TIMEOUT_S = 600.0
TEACHER_PASSWORD = "loadtest"  # --via teacher: the page the update is published on


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


def warm_up(server: AppServer, mix: QuestionMix) -> None:
    import requests

    session = requests.Session()
    for q in mix.outline[:WARM_UP_QUESTIONS]:  # jieba, first queries: not measured
        ask(session, server.url, q, [])


class Builds:
    """The units of each version of the notes; which one an answer comes from."""

    def __init__(self, units: dict[str, list[str]]) -> None:
        self.versions: list[tuple[set[tuple[str, str, str]], set[tuple[str, str]]]] = []
        self.add(units)
        self.counts = {"old": 0, "new": 0, "either": 0}

    def add(self, units: dict[str, list[str]]) -> None:
        """A version: its passages (id, label, text digest) and the places a citation may name —
        a unit's label or the point or chapter above it (``第五章 · 1、… › 5.1.3 …``)."""
        passages = {(cid, label, digest) for cid, (_, label, digest) in units.items()}
        places = set()
        for source, label, _ in units.values():
            parts = label.split(PATH_SEP)
            places |= {(source, PATH_SEP.join(parts[: n + 1])) for n in range(len(parts))}
            places.add((source, label.split(LABEL_SEP)[0]))
        self.versions.append((passages, places))

    def check(self, answer: dict) -> str | None:
        """None when one build has every passage and every cited place of the answer."""
        passages = {(p["chunk_id"], p["label"], digest(p["text"])) for p in answer.get("passages", [])}
        cited = {(c["source"], c["label"]) for c in answer.get("citations", [])}
        fits = [n for n, (units, places) in enumerate(self.versions) if passages <= units and cited <= places]
        if not fits:
            return f"answer matches no build of the notes: cites {sorted(cited)[:2]}"
        kind = "either" if len(fits) > 1 else ("old" if fits[0] == 0 else "new")
        self.counts[kind] += 1
        return None


def _update(root: Path, server: AppServer, at: float, started: float, via: str) -> dict:
    """The teacher's update, ``at`` seconds into the class: a new file, then ``egov-qa ingest``
    (``via`` "ingest") or upload, preview and publish on the teacher page (``via`` "teacher"); then
    ask what only the new file answers until an answer cites it."""
    import gevent
    import requests

    gevent.sleep(max(0.0, started + at - time.perf_counter()))
    corpus, index = root / "corpus", root / "index"
    if via == "teacher":
        upload = root / "upload" / UPDATE_FILE
        upload.parent.mkdir(exist_ok=True)
        upload.write_text(UPDATE_NOTES, encoding="utf-8")
        command = ["-m", "benchmarks.publish", server.url, TEACHER_PASSWORD, str(upload)]
    else:
        (corpus / UPDATE_FILE).write_text(UPDATE_NOTES, encoding="utf-8")
        command = ["-m", "egov_qa.app.cli", "ingest"]
    env = {**os.environ, "EGOV_QA_CORPUS_DIR": str(corpus), "EGOV_QA_INDEX_DIR": str(index)}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=INGEST_TIMEOUT_S,
        check=False,
    )
    built = time.perf_counter()
    result: dict[str, Any] = {
        "via": via,
        "at_s": round(t0 - started, 1),
        "ingest_s": round(built - t0, 1),
        "ingest_ok": proc.returncode == 0,
        "cited_new_after_s": None,
    }
    if via == "teacher" and proc.returncode == 0:
        published = json.loads(proc.stdout.strip().splitlines()[-1])
        result.update(
            ingest_ok=published["ok"], preview_s=published.get("preview_s"), publish_s=published.get("publish_s")
        )
    if not result["ingest_ok"]:
        result["ingest_error"] = (proc.stderr or proc.stdout)[-500:]
        return result
    session = requests.Session()
    while time.perf_counter() < built + SWAP_TIMEOUT_S:
        answer, _ = ask(session, server.url, UPDATE_QUESTION, [])
        if any(c["source"] == UPDATE_FILE for c in answer.get("citations", [])):
            result["cited_new_after_s"] = round(time.perf_counter() - built, 2)
            break
        gevent.sleep(PROBE_EVERY_S)
    return result


def run_class(args: Any, results: dict[str, Any], root: Path) -> None:
    """Steps 1–4 into ``results``."""
    corpus, index = root / "corpus", root / "index"
    print(f"[loadtest] building the index over a copy of {args.corpus}…", file=sys.stderr, flush=True)
    shutil.copytree(args.corpus, corpus)
    prep = prepare(corpus, index)
    mix = QuestionMix(prep["examples"], prep["outline"], prep["phrases"])
    cores = os.cpu_count() or 1
    limit = cores * 1000 / prep["embed_floor_ms"]
    results.update(
        build_s=prep["build_s"],
        chunks=prep["chunks"],
        embed_floor_ms=prep["embed_floor_ms"],
        answer_p50_ms=prep["answer_p50_ms"],
        warm_ratio=round(prep["answer_p50_ms"] / prep["embed_floor_ms"], 3),
        embedding_bound_rps=round(limit, 1),
    )
    builds = Builds(prep["units"])
    teacher = {"EGOV_QA_TEACHER_PASSWORD": TEACHER_PASSWORD} if args.via == "teacher" else {}
    server = start_server(corpus, index, root / "server.log", teacher)
    try:
        results["server_start_s"] = server.started_s
        warm_up(server, mix)
        if args.capacity_seconds > 0:
            n = args.capacity_users
            print(f"[loadtest] capacity: {n} students back-to-back for {args.capacity_seconds:.0f} s…", file=sys.stderr)
            capacity = run_stage(
                server,
                results["concurrency_limit"],
                make_student_class(mix, (0, 0)),
                n,
                args.capacity_seconds,
                "capacity",
            )
            capacity["share_of_bound"] = round(capacity["rps"] / limit, 3)
            results["capacity"] = capacity
        if args.capacity_only:
            return
        during = None
        if args.ingest_at is not None:
            # the notes as they will be after the update, parsed beforehand in a copy of the folder
            shutil.copytree(corpus, root / "corpus-next")
            (root / "corpus-next" / UPDATE_FILE).write_text(UPDATE_NOTES, encoding="utf-8")
            builds.add(units_now(root / "corpus-next", root / "index-next"))

            def during(started: float) -> dict:
                return _update(root, server, args.ingest_at, started, args.via)

        think = tuple(args.think)
        student = make_student_class(mix, think, builds.check)
        print(
            f"[loadtest] class: {args.users} students, think {think[0]:g}-{think[1]:g} s, {args.seconds:.0f} s"
            + (f", {args.via} at {args.ingest_at:g} s" if during else "")
            + "…",
            file=sys.stderr,
            flush=True,
        )
        stage = run_stage(server, results["concurrency_limit"], student, args.users, args.seconds, "class", during)
        stage["builds"] = dict(builds.counts)
        results["class"] = stage
    finally:
        stop_app(server)
