"""The baseline ``make bench`` compares with: what a LangChain tutorial would write.

The SAME embedding model (``load_embeddings``), the whole cleaned notes text,
``RecursiveCharacterTextSplitter(1000, 200)``, dense ``langchain_chroma.Chroma`` in a temp dir, k=4,
no refusal — hit@1/hit@5/MRR by the same evidence rule (``evaluation.first_hit_rank``), mean passage
length, latency; and our figures as ratios to it.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.latency import WARM_UP, percentiles
from egov_qa.config import Settings
from egov_qa.evaluation.metrics import Question, first_hit_rank
from egov_qa.models import Answer, Passage

BASELINE_CHUNK_SIZE = 1000
BASELINE_CHUNK_OVERLAP = 200
BASELINE_K = 4
SETUP = {
    "splitter": "RecursiveCharacterTextSplitter",
    "chunk_size": BASELINE_CHUNK_SIZE,
    "chunk_overlap": BASELINE_CHUNK_OVERLAP,
    "k": BASELINE_K,
    "store": "langchain_chroma.Chroma",
}


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
        "latency": percentiles(wall),  # retrieval only: the baseline has no answer step
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
