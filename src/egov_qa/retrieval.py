"""Hybrid retrieval: dense (Chroma) + jieba-word BM25 + character-bigram BM25 (bm25s), fused.

Fusion is a weighted sum of z-scored scores by default: unlike reciprocal-rank fusion it keeps
how far ahead a retriever's best passage is, so a clear dense winner is not outvoted by two
lexical rankers that each put it second (measured in the README). ``EGOV_QA_FUSION=rrf`` gives
classic RRF with ``EGOV_QA_RRF_K``.

Relevance, for refusing out-of-scope questions, is one number (higher = more relevant):
  the best passage's cosine similarity minus the question's similarity to the centroid of all
  passages (so it does not depend on how similar a corpus's passages are to everything), plus a
  small share for how much of the question's distinctive wording (weighted by rarity in general
  Chinese, from jieba's dictionary) occurs anywhere in the notes.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, Sequence

import bm25s
import jieba
import numpy as np
from langchain_core.embeddings import Embeddings

from .config import Settings
from .models import Chunk
from .text import bigrams, content_words, keywords, normalize, query_bigrams

VOCABULARY_WEIGHT = 0.05
QUERY_CACHE_SIZE = 2048  # query embeddings kept per process
MAX_DENSE_POOL = 2000  # chunks scored by Chroma per query; the rest count as least similar

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG


class DenseIndex(Protocol):
    embeddings: Embeddings

    @property
    def centroid(self) -> np.ndarray: ...

    def dense_search_vector(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]: ...


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float  # fused score (higher = better; scale depends on the fusion)


@dataclass(frozen=True)
class RetrievalResult:
    hits: list[Hit]
    relevance: float  # higher = more relevant; compared with Settings.min_relevance


@lru_cache(maxsize=1)
def _general_frequencies() -> tuple[dict[str, int], int]:
    jieba.initialize()
    return jieba.dt.FREQ, jieba.dt.total


def rarity(word: str) -> float:
    """Information content of a word in general Chinese (rare words weigh more)."""
    freq, total = _general_frequencies()
    return math.log(total / (freq.get(word, 0) + 1))


class HybridRetriever:
    def __init__(self, chunks: list[Chunk], dense: DenseIndex, settings: Settings) -> None:
        self.chunks = chunks
        self.position = {c.id: i for i, c in enumerate(chunks)}
        self.dense = dense
        self.settings = settings
        self.word_bm25 = self._bm25([keywords(c.search_text) for c in chunks])
        self.gram_bm25 = self._bm25([sorted(bigrams(c.search_text)) for c in chunks])
        # A class asks the same (example) questions again and again; embedding is most of the cost.
        self._embed = lru_cache(maxsize=QUERY_CACHE_SIZE)(lambda q: tuple(dense.embeddings.embed_query(q)))
        # Spaces removed so a scrape's "Extra net" still contains the word "extranet".
        self.notes_text = re.sub(r"\s+", "", normalize("".join(c.search_text for c in chunks)))

    @staticmethod
    def _bm25(corpus_tokens: list[list[str]]) -> bm25s.BM25:
        model = bm25s.BM25()
        model.index([tokens or ["<empty>"] for tokens in corpus_tokens], show_progress=False)
        return model

    def vocabulary_coverage(self, query: str) -> float:
        words = content_words(query)
        total = sum(rarity(w) for w in words)
        if not total:
            return 1.0
        return sum(rarity(w) for w in words if w in self.notes_text) / total

    def _dense_scores(self, vector: Sequence[float]) -> tuple[np.ndarray, float]:
        """Cosine similarity of every chunk (from Chroma) and the best one."""
        hits = self.dense.dense_search_vector(vector, min(len(self.chunks), MAX_DENSE_POOL))
        scores = np.full(len(self.chunks), min((sim for _, sim in hits), default=0.0))
        for chunk_id, sim in hits:
            if chunk_id in self.position:
                scores[self.position[chunk_id]] = sim
        return scores, (hits[0][1] if hits else 0.0)

    def _fuse(self, rankings: list[tuple[np.ndarray, float]]) -> np.ndarray:
        """Weighted sum of standardised scores (z-score) or of reciprocal ranks (RRF)."""
        total = np.zeros(len(self.chunks))
        for scores, weight in rankings:
            if self.settings.fusion == "rrf":
                ranks = np.empty(len(scores))
                ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
                total += weight / (self.settings.rrf_k + ranks)
            else:
                spread = scores.std()
                total += weight * (scores - scores.mean()) / (spread if spread > 0 else 1.0)
        return total

    def search(self, queries: Sequence[tuple[str, float]], k: int | None = None) -> RetrievalResult:
        """Fuse every retriever's scores for every (query, weight), most important first."""
        s = self.settings
        k = k or s.top_k
        rankings: list[tuple[np.ndarray, float]] = []
        relevance = -1.0
        for query, decay in queries:
            vector = self._embed(query)
            dense, best = self._dense_scores(vector)
            rankings.append((dense, s.dense_weight * decay))
            for model, tokens, weight in ((self.word_bm25, keywords(query), s.bm25_weight),
                                          (self.gram_bm25, query_bigrams(query), s.bigram_weight)):
                if tokens:
                    rankings.append((model.get_scores(tokens), weight * decay))
            baseline = float(np.dot(np.asarray(vector, dtype=np.float32), self.dense.centroid))
            relevance = max(relevance, best - baseline + VOCABULARY_WEIGHT * self.vocabulary_coverage(query))
        fused = self._fuse(rankings)
        order = np.argsort(-fused, kind="stable")[:k]
        return RetrievalResult([Hit(self.chunks[i], float(fused[i])) for i in order], relevance)
