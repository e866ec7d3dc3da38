"""Questions that set two things side by side ("X和Y有什么区别？", "X与Y的关系") and headings that do
("X与Y", "X与Y的区别"): matching keys of their two sides."""

from __future__ import annotations

import re

from egov_qa.lexicon import RELATION_WORDS, alternation
from egov_qa.questions.definitions import term_key

_RELATION = alternation(RELATION_WORDS)
_ASKS_PAIR = re.compile(
    rf"^(?:请问)?(?P<a>[^，,。？?]+?)(?:和|与|跟|同|及)(?P<b>[^，,。？?]+?)(?:之间)?"
    rf"(?:有什么|有何|有啥|是什么|是啥|的)?(?:{_RELATION})"
)
PAIR_HEADING = re.compile(rf"^(?P<a>.+?)(?:与|和|及)(?P<b>.+?)(?:的(?:{_RELATION}))?$")


def pair_sides(title: str | None) -> set[str]:
    """{X, Y} (matching keys) of a heading "X与Y" / "X与Y的区别", else none."""
    match = PAIR_HEADING.match(title or "")
    return {term_key(match.group("a")), term_key(match.group("b"))} if match else set()


def pair_asked(question: str) -> tuple[str, str] | None:
    """(X, Y) as written in a question that asks how X and Y differ or relate, else None."""
    match = _ASKS_PAIR.match(question.strip())
    return (match.group("a").strip(), match.group("b").strip()) if match else None


def compared_pair(question: str) -> frozenset[str] | None:
    """{X, Y} of a question that asks how X and Y differ or relate (matching keys), else None."""
    pair = pair_asked(question)
    return frozenset(map(term_key, pair)) if pair else None
