"""What a student typed, made safe to answer before anything reads it.

A question (or an answer to check) comes from a browser, a script calling the API or a terminal.
Characters that are not text are removed: control characters (``\\x00``, a terminal's
``\\x1b[31m``) except tab and line breaks, format characters (the bidirectional overrides
``\\u202e`` and friends, zero-width characters, a stray byte-order mark) and lone surrogates
(which JSON's ``"\\ud800"`` escapes can carry, and which cannot be encoded: the embedding model
and every UTF-8 writer would fail on them). What is left is plain text; HTML in it stays text
(the page escapes everything it shows, ``app.render``).
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

from egov_qa.answer.messages import EMPTY_QUESTION, EMPTY_QUESTION_EN, TOO_LONG, TOO_LONG_EN

_KEPT_CONTROLS = frozenset("\t\n\r")
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})  # control, format, surrogate


def plain_text(text: str) -> str:
    """``text`` without control, format and surrogate characters (tab and line breaks kept)."""
    if text.isprintable():  # the usual case: nothing to remove
        return text
    return "".join(c for c in text if c in _KEPT_CONTROLS or unicodedata.category(c) not in _DROPPED_CATEGORIES)


class Problem(NamedTuple):
    """Why a question is not answered: what the student reads, and the teacher's English half."""

    zh: str
    en: str

    @property
    def both(self) -> str:
        return f"{self.zh} / {self.en}"


def question_problem(question: str, limit: int) -> Problem | None:
    """An empty or too long question (``question`` as ``plain_text`` left it, stripped)."""
    if not question:
        return Problem(EMPTY_QUESTION, EMPTY_QUESTION_EN)
    if len(question) > limit:
        return Problem(TOO_LONG.format(limit=limit), TOO_LONG_EN.format(length=len(question), limit=limit))
    return None
