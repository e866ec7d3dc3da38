"""Definition questions ("什么是X？", "X是什么？", "名词解释：X") go to the unit that defines X.

Revision notes give a term's definition a heading of its own ("X的含义", "X的定义", "X的概念"),
while X itself appears in many other units; a small model's vectors often rank a unit that merely
mentions X ("X与Y") above it. When the question asks what X is and a retrieved unit's heading
defines exactly X, that unit is the answer.
"""

from __future__ import annotations

import re

from .models import Chunk
from .retrieval import Hit, RetrievalResult
from .text import normalize

DEFINITION_HEADS = ("含义", "定义", "概念", "内涵")
_END = r"[\s？?。.!！]*$"
_ASKS_WHAT = (
    re.compile(rf"^(?:请问)?(?:什么是|什么叫|何谓|何为)(?P<term>.+?){_END}"),
    re.compile(rf"^(?P<term>.+?)的?(?:{'|'.join(DEFINITION_HEADS)})(?:是什么)?{_END}"),
    re.compile(rf"^(?P<term>.+?)(?:是什么|是指什么|指的是什么|是什么意思|是啥){_END}"),
)
_HEADING = re.compile(rf"^(?P<term>.+?)的?(?:{'|'.join(DEFINITION_HEADS)})$")


def _key(term: str) -> str:
    return re.sub(r"[\s\"“”'‘’《》（）()]", "", normalize(term))


def defined_term(question: str) -> str | None:
    """The X of a question that asks what X is, else None."""
    for pattern in _ASKS_WHAT:
        match = pattern.match(question.strip())
        if match and match.group("term").strip():
            return _key(match.group("term"))
    return None


def _defines(chunk: Chunk) -> str | None:
    title = chunk.section_title if chunk.section else chunk.point_title
    match = _HEADING.match((title or "").strip())
    return _key(match.group("term")) if match else None


def promote_definition(question: str, result: RetrievalResult) -> RetrievalResult:
    """Move the retrieved unit whose heading defines the asked term to the front (with the first
    place's score, so the passages stay ranked by score)."""
    term = defined_term(question)
    if term is None:
        return result
    for rank, hit in enumerate(result.hits):
        if _defines(hit.chunk) == term:
            if rank == 0:
                return result
            hits = [Hit(hit.chunk, result.hits[0].score), *result.hits[:rank], *result.hits[rank + 1:]]
            return RetrievalResult(hits, result.relevance)
    return result
