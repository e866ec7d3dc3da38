"""The chat model behind an OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp, a hosted API),
through LangChain's ``ChatOpenAI``, streaming.

Every way a request can fail — the endpoint unreachable, slower than ``llm_timeout``, an HTTP error,
a stream cut before the model said it had finished, output that cannot be read — becomes one
``LlmError`` whose message is the one line the student is shown; the caller then answers
extractively. No retries: the student is waiting.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import Any

from langchain_core.messages import BaseMessage

from egov_qa.config import Settings

log = logging.getLogger(__name__)

NO_KEY = "not-needed"  # local servers take any key; the client insists on one


class LlmError(RuntimeError):
    """The model gave no usable answer; the message says why, in one line for the student."""


class Llm:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def chat(self) -> Any:
        from langchain_openai import ChatOpenAI  # noqa: PLC0415 — loaded only when an endpoint is set

        s = self.settings
        return ChatOpenAI(
            base_url=s.llm_base_url,
            api_key=s.llm_api_key or NO_KEY,
            model=s.llm_model or self._served_model(),
            timeout=s.llm_timeout,
            max_retries=0,
            # max_tokens as such: langchain-openai sends max_completion_tokens, which llama.cpp's
            # and older servers ignore (the model then runs on to the context's end)
            extra_body={"max_tokens": s.llm_max_tokens},
            temperature=s.llm_temperature,
            streaming=True,
        )

    def _served_model(self) -> str:
        """The first model the endpoint lists (llama.cpp and vLLM serve one), else "default"."""
        import openai  # noqa: PLC0415 — langchain-openai's own client

        s = self.settings
        try:
            client = openai.OpenAI(base_url=s.llm_base_url, api_key=s.llm_api_key or NO_KEY, timeout=s.llm_timeout)
            models = client.models.list().data
            return str(models[0].id) if models else "default"
        except openai.OpenAIError:
            log.warning("the endpoint lists no models; asking for 'default'", exc_info=True)
            return "default"

    def stream(self, messages: Sequence[BaseMessage]) -> Iterator[str]:
        """The answer's text as it arrives; raises ``LlmError`` on any failure, including a stream
        that ends before the model finished and one that goes on past the timeout."""
        import openai  # noqa: PLC0415

        deadline = time.monotonic() + self.settings.llm_timeout
        finished = started = False
        try:
            for chunk in self.chat.stream(list(messages)):
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    started = True
                    yield text
                if chunk.response_metadata.get("finish_reason"):
                    finished = True
                if time.monotonic() > deadline:
                    raise LlmError(f"模型服务超过 {self.settings.llm_timeout:g} 秒没有答完")
        except LlmError:
            raise
        except openai.APITimeoutError as exc:
            raise LlmError(f"模型服务超过 {self.settings.llm_timeout:g} 秒没有回应") from exc
        except openai.APIConnectionError as exc:
            raise LlmError("模型服务的回复中断了" if started else "连不上模型服务") from exc
        except openai.APIStatusError as exc:
            raise LlmError(f"模型服务出错（HTTP {exc.status_code}）") from exc
        except Exception as exc:  # a malformed stream surfaces as many kinds of error; all mean the same
            log.warning("the model's reply could not be read", exc_info=True)
            raise LlmError("模型服务的回复无法读取") from exc
        if not finished:
            raise LlmError("模型服务的回复中断了")

    def complete(self, messages: Sequence[BaseMessage]) -> str:
        return "".join(self.stream(messages))
