"""Optional cross-encoder reranking of the fused candidates (``EGOV_QA_RERANKER``).

A cross-encoder reads the question and a passage together, which a bi-encoder cannot; it is also
~100× slower per passage, so it re-scores only the best ``reranker_candidates`` of the hybrid
retrieval. It is off by default: no PyPI package ships a Chinese cross-encoder, so the bundled
pipeline has to stand without one. A school that has one (e.g. a copy of bge-reranker-base) points
``EGOV_QA_RERANKER`` at its sentence-transformers directory; the Hub stays switched off.

The refusal decision is unchanged by reranking: it is calibrated on the hybrid relevance.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from egov_qa.config import Settings
from egov_qa.index.embeddings import ModelError, hub_offline, st_extra_error
from egov_qa.models import Hit, RetrievalResult


class CrossEncoderReranker:
    def __init__(self, model_dir: Path, candidates: int) -> None:
        hub_offline()
        try:
            from sentence_transformers import CrossEncoder  # noqa: PLC0415 — optional extra
        except ImportError as exc:
            raise st_extra_error(exc) from exc
        self.model: Any = CrossEncoder(str(model_dir), device="cpu", local_files_only=True)
        self.candidates = candidates

    def rerank(self, query: str, result: RetrievalResult, k: int) -> RetrievalResult:
        """The first ``candidates`` hits ordered by the cross-encoder's score, best ``k`` kept."""
        pool = result.hits[: self.candidates]
        if not pool:
            return result
        scores = self.model.predict([(query, hit.chunk.search_text) for hit in pool], show_progress_bar=False)
        ranked = sorted(zip(pool, scores, strict=True), key=lambda pair: -float(pair[1]))
        return RetrievalResult([Hit(hit.chunk, float(score)) for hit, score in ranked[:k]], result.relevance)


_cache: dict[tuple[Path, int], CrossEncoderReranker] = {}
_cache_lock = threading.Lock()


def load_reranker(settings: Settings) -> CrossEncoderReranker | None:
    """The configured reranker, loaded once per process; None when none is set (raises ModelError)."""
    if not settings.reranker:
        return None
    model_dir = Path(settings.reranker).expanduser()
    if not (model_dir / "config.json").is_file():
        raise ModelError(
            f"reranker '{settings.reranker}' is not a local cross-encoder directory with a "
            "config.json (set EGOV_QA_RERANKER, or leave it empty) / 重排序模型设置无效"
        )
    key = (model_dir.resolve(), settings.reranker_candidates)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = CrossEncoderReranker(key[0], settings.reranker_candidates)
        return _cache[key]
