"""Hybrid retrieval: dense (Chroma: chunk vectors and piece vectors) + jieba-word BM25 +
character-bigram BM25 (bm25s), fused.

A chunk's piece score is its best piece's (sub-item line's or sentence's) cosine similarity: a
long unit's one relevant sentence is diluted in the chunk vector, and a paraphrase often matches a
sentence far better than a whole unit (measured in the README).

Fusion is a weighted sum of z-scored scores by default: unlike reciprocal-rank fusion it keeps
how far ahead a retriever's best passage is, so a clear dense winner is not outvoted by two
lexical rankers that each put it second (measured in the README). Each z-score is clipped at
``fusion_clip`` (3) standard deviations, as distribution-based score fusion does: a word only one
chunk contains can give it a BM25 z-score up to √(number of chunks), which alone would outvote
every other retriever. ``EGOV_QA_FUSION=rrf`` gives classic RRF with ``EGOV_QA_RRF_K``.

Relevance, for refusing questions the notes do not answer, is the answerability of the best query
(``answerability``): evidence from the embedding model (the best chunk's and piece's cosine
similarity) and from the notes' words (``vocabulary``: how much of the question's topic the notes,
and its best unit, put in words), weighed into one number.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import bm25s
import numpy as np
from langchain_core.embeddings import Embeddings

from egov_qa.config import Settings
from egov_qa.index.vectors import Vector
from egov_qa.models import Chunk, Hit, Query, RetrievalResult
from egov_qa.questions.facts import states_fact
from egov_qa.retrieval.answerability import Evidence, answerability
from egov_qa.retrieval.vocabulary import Vocabulary, matching_text
from egov_qa.text import bigrams, keywords, query_bigrams

QUERY_CACHE_SIZE = 2048  # query embeddings kept per process
BEST_UNITS = 3  # the units whose words and facts answerability reads
MAX_DENSE_POOL = 2000  # chunks scored by Chroma per query; the rest count as least similar

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG


class DenseIndex(Protocol):
    embeddings: Embeddings

    def dense_search_vector(self, vector: Vector, k: int) -> list[tuple[str, float]]: ...

    def piece_search_vector(self, vector: Vector, k: int) -> list[tuple[str, float]]: ...


class HybridRetriever:
    def __init__(self, chunks: list[Chunk], dense: DenseIndex, settings: Settings) -> None:
        self.chunks = chunks
        self.position = {c.id: i for i, c in enumerate(chunks)}
        self.dense = dense
        self.settings = settings
        self.word_bm25 = self._bm25([keywords(c.search_text) for c in chunks])
        self.gram_bm25 = self._bm25([sorted(bigrams(c.search_text)) for c in chunks])
        # A class asks the same (example) questions again and again; embedding is most of the cost.
        # Kept as float32 arrays: 1.5 kB a question, a sixth of a tuple of Python floats.
        self._embed = lru_cache(maxsize=QUERY_CACHE_SIZE)(lambda q: _frozen(dense.embeddings.embed_query(q)))
        self.vocabulary = Vocabulary(chunks)
        self._unit_texts = [matching_text(c.search_text) for c in chunks]

    def forget_queries(self) -> None:
        """Drop the kept query vectors (a benchmark measures a question never asked before)."""
        self._embed.cache_clear()

    @staticmethod
    def _bm25(corpus_tokens: list[list[str]]) -> bm25s.BM25:
        model = bm25s.BM25()
        model.index([tokens or ["<empty>"] for tokens in corpus_tokens], show_progress=False)
        return model

    def _dense_scores(self, vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of every chunk (from Chroma)."""
        return self._per_chunk(self.dense.dense_search_vector(vector, min(len(self.chunks), MAX_DENSE_POOL)))

    def _piece_scores(self, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every chunk's best piece similarity, and the similarities of all pieces (from Chroma)."""
        hits = self.dense.piece_search_vector(vector, MAX_DENSE_POOL)
        return self._per_chunk(hits), np.array([sim for _, sim in hits] or [0.0])

    def _per_chunk(self, hits: list[tuple[str, float]]) -> np.ndarray:
        """The best similarity of each chunk among (chunk id, similarity) hits; a chunk not among
        them counts as the least similar one."""
        scores = np.full(len(self.chunks), -np.inf)
        for chunk_id, sim in hits:
            if chunk_id in self.position:
                i = self.position[chunk_id]
                scores[i] = max(scores[i], sim)
        return np.where(np.isfinite(scores), scores, min((sim for _, sim in hits), default=0.0))

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
                z = (scores - scores.mean()) / (spread if spread > 0 else 1.0)
                if self.settings.fusion_clip:
                    z = np.clip(z, -self.settings.fusion_clip, self.settings.fusion_clip)
                total += weight * z
        return total

    def search(self, queries: Sequence[Query], k: int | None = None) -> RetrievalResult:
        """Fuse every retriever's scores for every query (by its weight), most important first."""
        s = self.settings
        k = k or s.top_k
        rankings: list[tuple[np.ndarray, float]] = []
        similarities: list[tuple[float, float]] = []
        for query in queries:
            decay = query.weight
            vector = self._embed(query.text)
            dense = self._dense_scores(vector)
            best_piece, pieces = self._piece_scores(vector)
            rankings += [(dense, s.dense_weight * decay), (best_piece, s.piece_weight * decay)]
            for model, tokens, weight in (
                (self.word_bm25, keywords(query.text), s.bm25_weight),
                (self.gram_bm25, query_bigrams(query.text), s.bigram_weight),
            ):
                if tokens:
                    rankings.append((model.get_scores(tokens), weight * decay))
            similarities.append((float(dense.max()), float(pieces.max())))
        fused = self._fuse(rankings)
        order = np.argsort(-fused, kind="stable")[:k]
        best = [self.chunks[int(i)] for i in order[:BEST_UNITS]]
        evidence = [self.evidence(q, similarity, best) for q, similarity in zip(queries, similarities, strict=True)]
        relevance, weighed = max(((answerability(e, s.answerability), e) for e in evidence), key=lambda p: p[0])
        hits = [Hit(self.chunks[i], float(fused[i])) for i in order]
        return RetrievalResult(hits, relevance, weighed.as_dict())

    def evidence(self, query: Query, similarity: tuple[float, float], best: list[Chunk]) -> Evidence:
        """What answerability weighs for one query: its best chunk's and piece's similarity, how
        much of its topic the notes and the ``best`` units put in words (the best few, not the first
        alone: a reorder rule may still put another first), and whether the first states the kind of
        fact it asks for (a year in a neighbouring unit is about something else)."""
        topic = self.vocabulary.topic(query)
        unit = "".join(self._unit_texts[self.position[c.id]] for c in best)
        missing = query.fact is not None and not (best and states_fact(query.fact, best[0].text))
        return Evidence(
            similarity[0],
            similarity[1],
            self.vocabulary.coverage(topic),
            self.vocabulary.coverage(topic, unit),
            float(missing),
        )


def _frozen(vector: Sequence[float]) -> np.ndarray:
    """A query vector to keep and share between requests (read-only)."""
    array = np.asarray(vector, dtype=np.float32)
    array.flags.writeable = False
    return array
