"""Talk to the assistant rather than about the notes: greetings, who/what it is, thanks."""

from __future__ import annotations

import re

from egov_qa.lexicon import GREETINGS, THANKS, alternation

_GREETING = re.compile(
    rf"^\s*(?:{alternation(GREETINGS)})(?:呀|啊|呢|吗)?[\s，,。.!！？?~～]*$",
    re.IGNORECASE,
)
_THANKS = re.compile(rf"^\s*(?:{alternation(THANKS)})(?:你|您|啦|了)?[\s，,。.!！~～]*$", re.IGNORECASE)


def small_talk(question: str) -> str | None:
    """ "greeting" or "thanks" for a message to the assistant itself, else None."""
    if _GREETING.match(question):
        return "greeting"
    if _THANKS.match(question):
        return "thanks"
    return None
