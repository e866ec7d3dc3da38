"""Nearest-neighbour search over one Chroma collection's vectors, two ways.

* ``MatrixSearch``: the collection's vectors read once into a matrix, searched exactly with one
  matrix product. For the embedded store: a course's notes are a few hundred to a few thousand
  vectors, where one product takes microseconds and a Chroma query (HNSW, approximate) about 1.5 ms
  of every answer's own work.
* ``ChromaSearch``: a Chroma query per question. For a Chroma server shared by several app
  processes, so every answer reads the index the server holds.

Both return (id, cosine similarity) pairs, best first, and narrow to some of the ids (``only``:
one course's vectors when the corpus folder holds several).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Protocol

import numpy as np

Hits = list[tuple[str, float]]
Vector = Sequence[float] | np.ndarray  # a list of floats or a float array


class VectorSearch(Protocol):
    @property
    def count(self) -> int: ...

    def search(self, vectors: Sequence[Vector], k: int) -> list[Hits]:
        """The k nearest ids of each vector, best first."""
        ...

    def only(self, keep: Callable[[str], bool]) -> VectorSearch:
        """The same search over the ids ``keep`` accepts."""
        ...


def _as_matrix(vectors: Sequence[Vector]) -> np.ndarray:
    return np.asarray([np.asarray(v, dtype=np.float32) for v in vectors], dtype=np.float32).reshape(len(vectors), -1)


class MatrixSearch:
    """Exact cosine search over vectors held in memory."""

    def __init__(self, ids: Sequence[str], vectors: Any) -> None:
        # No ids (``only`` kept none): numpy cannot infer the width of no rows.
        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1 if len(ids) else 0)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self._ids = list(ids)
        self._matrix = matrix / np.where(norms > 0, norms, 1.0)
        self.count = len(self._ids)

    @classmethod
    def of_collection(cls, collection: Any) -> MatrixSearch:
        stored = collection.get(include=["embeddings"])
        return cls(stored["ids"], stored["embeddings"])

    def only(self, keep: Callable[[str], bool]) -> MatrixSearch:
        rows = [n for n, i in enumerate(self._ids) if keep(i)]
        return MatrixSearch([self._ids[n] for n in rows], self._matrix[rows])

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
    request: a Chroma server's backend turns a lost connection into ``IndexUnavailable`` there."""

    def __init__(
        self,
        collection: Any,
        count: int,
        guard: Callable[[], AbstractContextManager[object]] = nullcontext,
        keep: Callable[[str], bool] | None = None,
    ) -> None:
        self._collection = collection
        self._guard = guard
        self._count = count
        self._keep = keep  # None: every id
        self._ids: list[str] | None = None  # the ids ``keep`` accepts, fetched at the first search

    def only(self, keep: Callable[[str], bool]) -> ChromaSearch:
        wider = self._keep
        return ChromaSearch(
            self._collection, self._count, self._guard, keep if wider is None else lambda i: wider(i) and keep(i)
        )

    def _kept(self) -> list[str] | None:
        """The ids searched (None: all). Fetched at the first search, not when made, so a server
        that is away then gives the answer's own "index unavailable" message; two first searches at
        once may both fetch, which is harmless."""
        if self._keep is not None and self._ids is None:
            with self._guard():
                stored = self._collection.get(include=[])
            self._ids = [i for i in stored["ids"] if self._keep(i)]
        return self._ids

    @property
    def count(self) -> int:
        kept = self._kept()
        return self._count if kept is None else len(kept)

    def search(self, vectors: Sequence[Vector], k: int) -> list[Hits]:
        k = min(k, self.count)
        if k <= 0 or not len(vectors):
            return [[] for _ in vectors]
        with self._guard():
            result = self._collection.query(
                query_embeddings=[np.asarray(v, dtype=np.float32).tolist() for v in vectors],
                ids=self._kept(),
                n_results=k,
                include=["distances"],
            )
        return [
            [(i, 1.0 - d) for i, d in zip(ids, distances, strict=True)]
            for ids, distances in zip(result["ids"], result["distances"], strict=True)
        ]
