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

Relevance, for refusing out-of-scope questions, is one number (higher = more relevant), built
from two scale-free parts so one threshold carries over to other notes:
  * vocabulary coverage: the share of the question's distinctive words (weighted by their rarity
    in general Chinese, from jieba's dictionary) that occur anywhere in the notes, 0…1;
  * dense standout: how many standard deviations the best chunk's cosine similarity lies above
    the question's mean similarity to all chunks, averaged with the same for pieces, scaled by
    ``standout_scale`` (0.25: 4 standard deviations = 1.0).
Raw cosine similarities are not comparable across notes (a 4-bit e5 model puts every Chinese text
pair near 0.85–0.95); both parts above are.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import bm25s
import jieba
import numpy as np
from langchain_core.embeddings import Embeddings

from egov_qa.config import Settings
from egov_qa.models import Chunk, Hit, Query, RetrievalResult
from egov_qa.text import bigrams, content_words, keywords, named_terms, normalize, query_bigrams

QUERY_CACHE_SIZE = 2048  # query embeddings kept per process
MAX_DENSE_POOL = 2000  # chunks scored by Chroma per query; the rest count as least similar

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG


class DenseIndex(Protocol):
    embeddings: Embeddings

    def dense_search_vector(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]: ...

    def piece_search_vector(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]: ...


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

    def vocabulary_coverage(self, query: Query) -> float:
        # A case question is in scope when what it asks is, whatever its material; "什么叫管理？书上
        # 怎么定义的" is about 管理 alone: the words a definition is asked with ("书上", "定义") are not its topic.
        words = self._topic_words(query.definition or query.asked)
        if query.definition and not words:  # "内卷是什么": no word jieba knows; is the term in the notes?
            return float(query.term is not None and query.term in self.notes_text)
        # A capitalised English term names a thing ("SaaS", "EGDI"): one the notes never use is
        # something they do not cover, however many of the question's other words they share.
        if any(term not in self.notes_text for term in named_terms(query.asked)):
            return 0.0
        total = sum(rarity(w) for w in words)
        if not total:
            return 1.0
        return sum(rarity(w) for w in words if w in self.notes_text) / total

    def _topic_words(self, text: str) -> set[str]:
        # A word jieba only guessed ("外包" is not in its dictionary) counts when the notes have it;
        # an absent guess is mostly not a word, and would weigh as much as the rarest real term.
        return set(content_words(text)) | {w for w in content_words(text, guess_new_words=True) if w in self.notes_text}

    def _dense_scores(self, vector: Sequence[float]) -> np.ndarray:
        """Cosine similarity of every chunk (from Chroma)."""
        return self._per_chunk(self.dense.dense_search_vector(vector, min(len(self.chunks), MAX_DENSE_POOL)))

    def _piece_scores(self, vector: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
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

    @staticmethod
    def _standout(similarities: np.ndarray) -> float:
        spread = float(similarities.std()) or 1.0
        return (float(similarities.max()) - float(similarities.mean())) / spread

    def relevance(self, query: Query, dense: np.ndarray, pieces: np.ndarray) -> float:
        standout = (self._standout(dense) + self._standout(pieces)) / 2
        return self.vocabulary_coverage(query) + self.settings.standout_scale * standout

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
        relevance = -math.inf
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
            relevance = max(relevance, self.relevance(query, dense, pieces))
        fused = self._fuse(rankings)
        order = np.argsort(-fused, kind="stable")[:k]
        return RetrievalResult([Hit(self.chunks[i], float(fused[i])) for i in order], relevance)
