"""Nearest-neighbour search over one Chroma collection's vectors, two ways.

* ``MatrixSearch``: the collection's vectors read once into a matrix, searched exactly with one
  matrix product. For the embedded store: a course's notes are a few hundred to a few thousand
  vectors, where one product takes microseconds and a Chroma query (HNSW, approximate) about 1.5 ms
  of every answer's own work.
* ``ChromaSearch``: a Chroma query per question. For a Chroma server shared by several app
  processes, so every answer reads the index the server holds.

Both return (id, cosine similarity) pairs, best first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Protocol

import numpy as np

Hits = list[tuple[str, float]]
Vector = Sequence[float] | np.ndarray  # a list of floats or a float array


class VectorSearch(Protocol):
    count: int

    def search(self, vectors: Sequence[Vector], k: int) -> list[Hits]:
        """The k nearest ids of each vector, best first."""
        ...


def _as_matrix(vectors: Sequence[Vector]) -> np.ndarray:
    return np.asarray([np.asarray(v, dtype=np.float32) for v in vectors], dtype=np.float32).reshape(len(vectors), -1)


class MatrixSearch:
    """Exact cosine search over vectors held in memory."""

    def __init__(self, ids: Sequence[str], vectors: Any) -> None:
        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self._ids = list(ids)
        self._matrix = matrix / np.where(norms > 0, norms, 1.0)
        self.count = len(self._ids)

    @classmethod
    def of_collection(cls, collection: Any) -> MatrixSearch:
        stored = collection.get(include=["embeddings"])
        return cls(stored["ids"], stored["embeddings"])

    def search(self, vectors: Sequence[Vector], k: int) -> list[Hits]:
        k = min(k, self.count)
        if k <= 0 or not len(vectors):
            return [[] for _ in vectors]
        queries = _as_matrix(vectors)
        queries /= np.where((n := np.linalg.norm(queries, axis=1, keepdims=True)) > 0, n, 1.0)
        scores = queries @ self._matrix.T
        found: list[Hits] = []
        for row in scores:
            top = np.argpartition(-row, k - 1)[:k] if k < self.count else np.arange(self.count)
            top = top[np.argsort(-row[top], kind="stable")]
            found.append([(self._ids[i], float(row[i])) for i in top])
        return found


class ChromaSearch:
    """A Chroma query per call (cosine space: distance = 1 − similarity). ``guard`` wraps each
    query: a Chroma server's backend turns a lost connection into ``IndexUnavailable`` there."""

    def __init__(
        self, collection: Any, count: int, guard: Callable[[], AbstractContextManager[object]] = nullcontext
    ) -> None:
        self._collection = collection
        self._guard = guard
        self.count = count

    def search(self, vectors: Sequence[Vector], k: int) -> list[Hits]:
        k = min(k, self.count)
        if k <= 0 or not len(vectors):
            return [[] for _ in vectors]
        with self._guard():
            result = self._collection.query(
                query_embeddings=[np.asarray(v, dtype=np.float32).tolist() for v in vectors],
                n_results=k,
                include=["distances"],
            )
        return [
            [(i, 1.0 - d) for i, d in zip(ids, distances, strict=True)]
            for ids, distances in zip(result["ids"], result["distances"], strict=True)
        ]
