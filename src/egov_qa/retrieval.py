"""Hybrid retrieval: dense (Chroma) + jieba-word BM25 + character-bigram BM25 (bm25s), fused
by reciprocal rank.

Relevance, for refusing out-of-scope questions, is one number (higher = more relevant):
  the best passage's cosine similarity minus the question's similarity to the centroid of all
  passages (so it does not depend on how similar a corpus's passages are to everything), plus a
  small share for how much of the question's distinctive wording (weighted by rarity in general
  Chinese, from jieba's dictionary) occurs anywhere in the notes.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, Sequence

import bm25s
import jieba
import numpy as np
from langchain_core.embeddings import Embeddings

from .config import Settings
from .models import Chunk
from .text import bigrams, content_words, keywords, normalize

VOCABULARY_WEIGHT = 0.05

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG


class DenseIndex(Protocol):
    embeddings: Embeddings

    @property
    def centroid(self) -> np.ndarray: ...

    def dense_search_vector(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]: ...


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float  # fused RRF score
    dense: float  # cosine similarity (0 when the dense retriever did not return it)


@dataclass(frozen=True)
class RetrievalResult:
    query: str
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
        self.notes_text = normalize("".join(c.search_text for c in chunks))

    @staticmethod
    def _bm25(corpus_tokens: list[list[str]]) -> bm25s.BM25:
        model = bm25s.BM25()
        model.index([tokens or ["<empty>"] for tokens in corpus_tokens], show_progress=False)
        return model

    @staticmethod
    def _ranking(model: bm25s.BM25, tokens: list[str], k: int) -> list[int]:
        if not tokens:
            return []
        scores = model.get_scores(tokens)
        order = np.argsort(-scores)[:k]
        return [int(i) for i in order if scores[i] > 0]

    def vocabulary_coverage(self, query: str) -> float:
        words = content_words(query)
        total = sum(rarity(w) for w in words)
        if not total:
            return 1.0
        return sum(rarity(w) for w in words if w in self.notes_text) / total

    def search(self, queries: Sequence[str], k: int | None = None) -> RetrievalResult:
        """Fuse the rankings of every retriever for every query form (most important first)."""
        s = self.settings
        k = k or s.top_k
        fused: dict[int, float] = {}
        cosine: dict[int, float] = {}
        relevance = -1.0

        def add(ranking: list[int], weight: float) -> None:
            for rank, i in enumerate(ranking):
                fused[i] = fused.get(i, 0.0) + weight / (s.rrf_k + rank + 1)

        for n, query in enumerate(queries):
            decay = 1.0 if n < 2 else 0.5  # a follow-up with its context and on its own weigh alike
            vector = self.dense.embeddings.embed_query(query)
            dense_hits = self.dense.dense_search_vector(vector, s.candidate_k)
            ids = [self.position[cid] for cid, _ in dense_hits if cid in self.position]
            for (cid, sim) in dense_hits:
                if cid in self.position:
                    i = self.position[cid]
                    cosine[i] = max(cosine.get(i, 0.0), sim)
            add(ids, s.dense_weight * decay)
            add(self._ranking(self.word_bm25, keywords(query), s.candidate_k), s.bm25_weight * decay)
            grams = sorted(bigrams(query))
            add(self._ranking(self.gram_bm25, grams, s.candidate_k), s.bigram_weight * decay)
            if dense_hits:
                baseline = float(np.dot(np.asarray(vector, dtype=np.float32), self.dense.centroid))
                relevance = max(relevance, dense_hits[0][1] - baseline
                                + VOCABULARY_WEIGHT * self.vocabulary_coverage(query))
        ranked = sorted(fused.items(), key=lambda kv: -kv[1])[:k]
        hits = [Hit(self.chunks[i], score, cosine.get(i, 0.0)) for i, score in ranked]
        return RetrievalResult(queries[0] if queries else "", hits, relevance)
