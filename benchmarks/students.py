"""The simulated students of ``make loadtest``: what they type, how one question is asked over
Gradio's HTTP queue API, the locust ``User`` that asks again and again, and the collector of what
locust's own statistics do not keep.

Nothing here imports ssl/urllib or locust at module level: locust (gevent) monkey-patches the
standard library when it is imported, and that must come first (``loadtest.main``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

REQUEST_TIMEOUT_S = 60.0  # one question, POST to complete; more counts as a timeout (a failure)
FOLLOW_UP_SHARE = 0.35
NEW_CHAT_SHARE = 0.15  # a student presses 新对话 before a question
MAX_HISTORY = 6
FOLLOW_UPS = ("它有哪些特点？", "它的含义是什么？", "它要遵循哪些原则？", "它有什么作用？", "能具体说说吗？")
MIX = {"example": 0.25, "outline": 0.35, "phrase": 0.40}  # new questions; see QuestionMix
OPENERS = ("", "", "请问", "老师，", "想问一下，", "复习的时候没看懂：")
PHRASE_TEMPLATES = ("{}是什么意思？", "怎么理解“{}”？", "笔记里说“{}”，这是什么意思？")
CJK = "\u4e00-\u9fff"
PHRASE_MIN, PHRASE_MAX = 6, 14
SEED = 20240601


@dataclass(frozen=True)
class QuestionMix:
    """What students type, drawn per question by ``MIX``.

    * ``example``: one of the 4 example questions on the page (clicked; the server's query cache
      answers these after the first time);
    * ``outline``: a question about a heading of the notes (``Engine.example_questions``), phrased
      with one of a few openers;
    * ``phrase``: a phrase copied from the notes, "…是什么意思？" — practically never the same
      string twice, so the embedding is computed every time.
    """

    examples: list[str]
    outline: list[str]
    phrases: list[str]

    def draw(self, rng: random.Random) -> tuple[str, str]:
        kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
        if kind == "example" and self.examples:
            return kind, rng.choice(self.examples)
        if kind == "outline" or not self.phrases:
            return "outline", rng.choice(OPENERS) + rng.choice(self.outline)
        run = rng.choice(self.phrases)
        n = rng.randint(PHRASE_MIN, min(len(run), PHRASE_MAX))
        start = rng.randint(0, len(run) - n)
        return "phrase", rng.choice(PHRASE_TEMPLATES).format(run[start : start + n])


def think_range(text: str) -> tuple[float, float]:
    """ "1-3" → (1, 3); "2" → (2, 2); "0" → no thinking."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?)\s*)?", text)
    if not match:
        raise argparse.ArgumentTypeError(f"think time must be seconds or a range such as 1-3, not {text!r}")
    lo = float(match.group(1))
    hi = float(match.group(2)) if match.group(2) else lo
    if hi < lo:
        raise argparse.ArgumentTypeError(f"think range {text!r}: the second number must not be smaller")
    return lo, hi


# --- one question over Gradio's HTTP queue API ----------------------------------------------------


class AskError(Exception):
    pass


def ask(session: Any, url: str, question: str, history: list[str], session_hash: str | None = None) -> tuple[dict, int]:
    """POST the question, read the event stream until ``complete``; (answer dict, bytes read).
    ``session_hash`` names the page session, as the browser does: Gradio sets up a session's state
    once, where a call without one gets a fresh state each time."""
    import gevent

    with gevent.Timeout(REQUEST_TIMEOUT_S, TimeoutError(f"no answer within {REQUEST_TIMEOUT_S:.0f} s")):
        resp = session.post(
            f"{url}/gradio_api/call/ask",
            json={"data": [question, history], "session_hash": session_hash},
            timeout=REQUEST_TIMEOUT_S,
        )
        resp.raise_for_status()
        event_id = resp.json()["event_id"]
        size = len(resp.content)
        with session.get(f"{url}/gradio_api/call/ask/{event_id}", stream=True, timeout=REQUEST_TIMEOUT_S) as stream:
            stream.raise_for_status()
            event = None
            for line in stream.iter_lines(decode_unicode=True):
                size += len(line) + 1
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    payload = line[5:].strip()
                    if event == "error":
                        raise AskError(f"server error: {payload[:200]}")
                    data = json.loads(payload)
                    if not (isinstance(data, list) and data and isinstance(data[0], dict)):
                        raise AskError(f"unexpected answer: {payload[:200]}")
                    return data[0], size
    raise AskError("event stream ended without an answer")


# --- locust --------------------------------------------------------------------------------------


# An answer that mixes two index builds (or cites what no build has): the reason, or None when fine.
AnswerCheck = Callable[[dict], str | None]


def make_student_class(mix: QuestionMix, think_s: tuple[float, float], check: AnswerCheck | None = None) -> type:
    """The locust user; ``think_s``: (shortest, longest) seconds of reading before the next question."""
    from locust import User, between, constant, task

    class Student(User):
        """One student at the chat page: asks, reads (``think_s``), asks again; sometimes a follow-up."""

        abstract = False
        wait_time = between(*think_s) if think_s[1] > 0 else constant(0)
        _seeds: ClassVar[Iterator[int]] = itertools.count(SEED)  # each student its own, reproducible

        def on_start(self) -> None:
            import requests

            self.session = requests.Session()
            self.rng = random.Random(next(Student._seeds))
            self.history: list[str] = []
            self.page = f"{self.rng.getrandbits(64):016x}"  # one page session per student

        def on_stop(self) -> None:
            self.session.close()

        @task
        def ask_question(self) -> None:
            if self.history and (self.rng.random() < NEW_CHAT_SHARE or len(self.history) >= MAX_HISTORY):
                self.history = []  # 新对话
            follow_up = bool(self.history) and self.rng.random() < FOLLOW_UP_SHARE
            kind, question = ("follow-up", self.rng.choice(FOLLOW_UPS)) if follow_up else mix.draw(self.rng)
            history = list(self.history)
            t0 = time.perf_counter()
            answer: dict | None = None
            size, exc = 0, None
            try:
                answer, size = ask(self.session, self.environment.host, question, history, self.page)
                wrong = check(answer) if check is not None else None
                if wrong:
                    raise AskError(wrong)
            except Exception as e:  # noqa: BLE001 — every failure is a locust failure (a timeout: TimeoutError)
                exc = e
            self.environment.events.request.fire(
                request_type="ASK",
                name=kind,
                response_time=(time.perf_counter() - t0) * 1000,
                response_length=size,
                exception=exc,
                context={
                    "engine_ms": answer.get("ms") if answer else None,
                    "refused": answer.get("refused") if answer else None,
                    "timeout": isinstance(exc, TimeoutError),
                },
            )
            if answer is not None:
                self.history = history + [question]

    return Student


@dataclass
class Collector:
    """What locust's stats do not keep: engine time, refusals, timeouts, last completion."""

    engine_ms: list[float] = field(default_factory=list)
    refused: int = 0
    timeouts: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    last_done: float = 0.0
    done: list[tuple[float, float]] = field(default_factory=list)  # (finished, ms) of each answered question

    def __call__(self, response_time: float, exception: Any, context: dict, **_: Any) -> None:
        self.last_done = time.perf_counter()
        if exception is not None:
            key = f"{type(exception).__name__}: {str(exception)[:80]}"
            self.errors[key] = self.errors.get(key, 0) + 1
            self.timeouts += bool(context.get("timeout"))
            return
        self.done.append((self.last_done, response_time))
        if context.get("engine_ms") is not None:
            self.engine_ms.append(float(context["engine_ms"]))
        self.refused += bool(context.get("refused"))
