"""Questions that ask for two aspects of one topic: "简述电子政务的含义及其特征。".

Exam questions often join two aspects ("X的含义和特征", "X的原因与对策", "X的作用、意义分别是什么？")
that revision notes keep under two headings ("X的含义", "X的特征"). Searched as one question, the
first unit wins and the other aspect goes unanswered, so each aspect is searched on its own and
both units are quoted when they differ ("X的指导思想和原则" under one heading stays one answer).
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import pairwise

from egov_qa.questions.followups import refers_back
from egov_qa.models import Chunk

_ASPECT = r"[\u4e00-\u9fff]{1,6}"
_JOIN = "及其|以及|及|和|与|跟|、"
_ASPECTS = re.compile(
    rf"^(?P<topic>[^，,。？?！!的]{{2,}}?)的(?P<aspects>{_ASPECT}?(?:(?:{_JOIN}){_ASPECT}?)+)"
    r"(?:分别|各)?(?:是什么|是哪些|有哪些|有什么|包括哪些|包括什么|指什么)?[\s。？?！!]*$"
)


def asked_aspects(question: str) -> tuple[str, ...] | None:
    """("X的A", "X的B", …) for a question asking about A and B (and C) of X, else None."""
    match = _ASPECTS.match(question.strip())
    if not match or refers_back(match.group("topic")):  # "那它的含义和特征呢": whose, says the history
        return None
    aspects = tuple(dict.fromkeys(re.split(_JOIN, match.group("aspects"))))
    if len(aspects) < 2:
        return None
    return tuple(f"{match.group('topic').strip()}的{aspect}" for aspect in aspects)


def aspect_questions_from_headings(chunks: list[Chunk]) -> list[tuple[str, tuple[str, str]]]:
    """(question, the two unit labels that answer it) for every two units of a document whose
    headings are "X的A" and "X的B": "简述X的A及其B。". A check that needs no labelled questions."""
    by_topic: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for chunk in chunks:
        head = re.fullmatch(rf"(?P<topic>[^的]{{2,}})的(?P<aspect>{_ASPECT})", chunk.unit_title or "")
        if head:
            by_topic[(chunk.source, head.group("topic"))].setdefault(head.group("aspect"), chunk.label)
    pairs = []
    for (_, topic), aspects in by_topic.items():
        names = list(aspects)
        for a, b in pairwise(names):  # neighbouring headings, as an exam pairs them
            if aspects[a] != aspects[b]:
                pairs.append((f"简述{topic}的{a}及其{b}。", (aspects[a], aspects[b])))
    return pairs
