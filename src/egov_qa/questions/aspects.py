"""Questions that ask for two aspects of one topic: "简述电子政务的含义及其特征。".

Exam questions often join two aspects ("X的含义和特征", "X的原因与对策", "X的作用、意义分别是什么？")
that revision notes keep under two headings ("X的含义", "X的特征"). Searched as one question, the
first unit wins and the other aspect goes unanswered, so each aspect is searched on its own and
both units are quoted when they differ ("X的指导思想和原则" under one heading stays one answer).
"""

from __future__ import annotations

import re

from egov_qa.lexicon import ASPECT_JOINS, alternation
from egov_qa.questions.followups import refers_back

_ASPECT = r"[\u4e00-\u9fff]{1,6}"
_JOIN = alternation(ASPECT_JOINS)
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
