"""The LLM test kit works: the real llama_cpp.server answers as an OpenAI-compatible server (its model
listed, a Chinese RAG prompt answered as a stream), and each fault server produces its failure as the
clients see it, ``openai`` and ``langchain_openai.ChatOpenAI`` (what the app streams with).

What a client sees, so the app's error handling can rely on it (ChatOpenAI raises langchain_openai's
classes, each a subclass of both the openai error and langchain_core's ``Model*Error``):

* nothing listening: ``openai.APIConnectionError`` "Connection error." from a ConnectError;
* no answer: ``openai.APITimeoutError`` "Request timed out." after ``timeout`` s (per try);
* HTTP 5xx: ``openai.InternalServerError`` "Error code: 500 - <the body's message>", retried
  ``max_retries`` times (openai's default 2: three requests) before it is raised;
* a chunked stream cut mid-answer: the chunks sent arrive, then ``openai.APIConnectionError``
  "Connection error." from an "incomplete chunked read";
* a close-delimited stream cut mid-answer: no error at all, only no ``finish_reason``.
"""

from __future__ import annotations

import importlib.util
import operator
import re
import socket
import time
import urllib.parse
from functools import reduce

import openai
import pytest
from langchain_core.exceptions import ModelAPIError, ModelConnectionError, ModelTimeoutError
from langchain_openai import ChatOpenAI

from llm_helpers import MODEL_ALIAS, cut_stream_server, error_server, free_port, silent_server, start_llama_server

pytestmark = pytest.mark.slow

CJK = re.compile(r"[\u4e00-\u9fff]")
SYSTEM = "你是课程复习助手。只根据下面的笔记回答问题，用中文回答。"
NOTES = "【第一章 · 10、电子政务的功能】\n1)增强政府监管\n2)整合决策依据\n3)实施信息发布\n4)提供公共服务"
QUESTION = "电子政务有哪些功能？"
RAG = [("system", SYSTEM), ("human", f"笔记：\n{NOTES}\n\n问题：{QUESTION}")]
RAG_OPENAI = [
    {"role": "system", "content": SYSTEM},
    {"role": "user", "content": f"笔记：\n{NOTES}\n\n问题：{QUESTION}"},
]


def client(base_url: str, **kwargs) -> openai.OpenAI:
    return openai.OpenAI(base_url=base_url, api_key="not-needed", **kwargs)


def chat(base_url: str, **kwargs) -> ChatOpenAI:
    return ChatOpenAI(base_url=base_url, api_key="not-needed", model="fault-server", **kwargs)


def causes(error: BaseException) -> list[str]:
    """The class names down an exception's __cause__/__context__ chain."""
    names = []
    while error is not None:
        names.append(type(error).__name__)
        error = error.__cause__ or error.__context__
    return names


def messages(error: BaseException) -> str:
    """The messages down an exception's __cause__/__context__ chain, one a line."""
    lines = []
    while error is not None:
        lines.append(str(error))
        error = error.__cause__ or error.__context__
    return "\n".join(lines)


# --- the real server ------------------------------------------------------------------------------


def test_server_lists_its_model(llm_server):
    assert llm_server.base_url.startswith("http://127.0.0.1:") and llm_server.base_url.endswith("/v1")
    assert llm_server.model == MODEL_ALIAS
    assert [m.id for m in client(llm_server.base_url).models.list()] == [MODEL_ALIAS]


def test_server_streams_a_chinese_answer(llm_server):
    stream = client(llm_server.base_url, timeout=60).chat.completions.create(
        model=llm_server.model, messages=RAG_OPENAI, stream=True, max_tokens=48, temperature=0
    )
    chunks = list(stream)
    pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(pieces) >= 1
    text = "".join(pieces)
    assert text.strip() and CJK.search(text), text
    assert chunks[-1].choices[0].finish_reason in ("stop", "length")


def test_chat_openai_streams_from_the_server(llm_server):
    """The app's path: langchain_openai.ChatOpenAI streaming from the real server. Its ``max_tokens``
    is sent as ``max_completion_tokens``, which llama_cpp.server ignores (this base model then talks
    until the context is full, minutes on 2 cores): the limit goes in ``extra_body``."""
    llm = ChatOpenAI(
        base_url=llm_server.base_url,
        api_key="not-needed",
        model=llm_server.model,
        temperature=0,
        timeout=60,
        extra_body={"max_tokens": 48},
    )
    chunks = list(llm.stream(RAG))
    assert sum(bool(c.content) for c in chunks) >= 1
    answer = reduce(operator.add, chunks)  # the finish_reason is on the next-to-last chunk
    assert answer.content.strip() and CJK.search(answer.content), answer.content
    assert answer.response_metadata["finish_reason"] in ("stop", "length")
    assert answer.response_metadata["model_name"] == llm_server.model


def test_a_server_that_dies_is_reported_with_its_log(tmp_path):
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama_cpp not installed (the llm extra)")
    bogus = tmp_path / "not-a-model.gguf"
    bogus.write_bytes(b"not a gguf file")
    t0 = time.perf_counter()
    with pytest.raises(RuntimeError, match=r"llama_cpp.server exited with [1-9](.|\n)*not-a-model\.gguf"):
        start_llama_server(bogus, log=tmp_path / "server.log", timeout=60)
    assert time.perf_counter() - t0 < 60


def test_system_message_reaches_the_model(llm_server):
    """Gemma 3's template folds the system message into the first user turn; the server's built-in
    "gemma" chat format would drop it (and the notes in it) without a word."""
    llm = client(llm_server.base_url, timeout=60)

    def prompt_tokens(messages) -> int:
        reply = llm.chat.completions.create(model=llm_server.model, messages=messages, max_tokens=1)
        return reply.usage.prompt_tokens

    assert prompt_tokens(RAG_OPENAI) > prompt_tokens(RAG_OPENAI[1:]) + 5


# --- the fault servers, as the clients see them ---------------------------------------------------


def test_nothing_listening_is_a_connection_error():
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(openai.APIConnectionError) as caught:
        list(chat(url, max_retries=0).stream(RAG))
    assert isinstance(caught.value, ModelConnectionError)
    assert not isinstance(caught.value, openai.APITimeoutError)
    assert str(caught.value) == "Connection error."
    assert "ConnectError" in causes(caught.value)


def test_silent_server_accepts_connections():
    with silent_server() as url:
        port = urllib.parse.urlsplit(url).port
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.settimeout(0.5)
            with pytest.raises(TimeoutError):
                sock.recv(1)


@pytest.mark.parametrize("via", ["openai", "langchain"])
def test_silent_server_times_out(via):
    timeout = 2.0
    with silent_server() as url:
        t0 = time.perf_counter()
        with pytest.raises(openai.APITimeoutError) as caught:
            if via == "openai":
                client(url, timeout=timeout, max_retries=0).chat.completions.create(
                    model="m", messages=RAG_OPENAI, stream=True
                )
            else:
                list(chat(url, timeout=timeout, max_retries=0).stream(RAG))
        elapsed = time.perf_counter() - t0
    assert timeout - 0.1 <= elapsed <= timeout + 1
    assert str(caught.value) == "Request timed out."
    assert "ReadTimeout" in causes(caught.value)
    if via == "langchain":
        assert isinstance(caught.value, ModelTimeoutError)


@pytest.mark.parametrize("status", [500, 503])
def test_error_server_is_an_internal_server_error(status):
    requests: list[str] = []
    with error_server(status, requests=requests) as url, pytest.raises(openai.InternalServerError) as caught:
        list(chat(url, max_retries=0).stream(RAG))
    assert isinstance(caught.value, ModelAPIError)
    assert caught.value.status_code == status
    assert str(caught.value) == f"Error code: {status} - fault server: HTTP {status}"
    assert requests == ["POST /v1/chat/completions"]


def test_openai_retries_a_500_twice_by_default():
    requests: list[str] = []
    with error_server(500, requests=requests) as url, pytest.raises(openai.InternalServerError):
        list(chat(url).stream(RAG))
    assert requests == ["POST /v1/chat/completions"] * 3


def test_error_server_answers_every_request():
    with error_server(404) as url, pytest.raises(openai.NotFoundError):
        client(url, max_retries=0).models.list()


def test_cut_stream_server_lists_a_model():
    with cut_stream_server() as url:
        assert [m.id for m in client(url).models.list()] == ["fault-server"]


def test_cut_stream_delivers_the_first_chunk_then_fails():
    """Chunked (as uvicorn streams): the client tells the body is incomplete and raises, after the
    chunks that did arrive."""
    received: list[str] = []
    with cut_stream_server(("电子政务", "的功能")) as url, pytest.raises(openai.APIConnectionError) as caught:
        for chunk in chat(url, max_retries=0).stream(RAG):
            received.append(chunk.content)
    assert received[:2] == ["电子政务", "的功能"]
    assert isinstance(caught.value, ModelConnectionError)
    assert str(caught.value) == "Connection error."
    assert "RemoteProtocolError" in causes(caught.value)
    assert "incomplete chunked read" in messages(caught.value)


def test_cut_stream_without_chunking_ends_silently():
    """Close-delimited: the stream just ends; only the missing finish_reason tells the answer is cut."""
    with cut_stream_server(("电子政务", "的功能"), chunked=False) as url:
        raw = list(client(url, max_retries=0).chat.completions.create(model="m", messages=RAG_OPENAI, stream=True))
        chunks = list(chat(url, max_retries=0).stream(RAG))
    assert [c.choices[0].delta.content for c in raw] == ["电子政务", "的功能"]
    assert all(c.choices[0].finish_reason is None for c in raw)
    assert "".join(c.content for c in chunks) == "电子政务的功能"
    assert all("finish_reason" not in c.response_metadata for c in chunks)
