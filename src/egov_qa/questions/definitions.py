"""What a definition question asks about: "什么是X", "X是什么意思", "X怎么定义" → X.

Shared by relevance (a definition question is in scope when its term is in the notes, whatever
words it is asked with), the heading rules (the unit headed "X的含义" answers it) and line
selection (the line "1.政务内网:…" of a unit defining several terms answers it).
"""

from __future__ import annotations

import re

from egov_qa.lexicon import CN_SMALL, DEFINITION_HEADS
from egov_qa.text import acronyms, normalize

_DEFINED = "|".join(DEFINITION_HEADS)
_END = r"[啊呀呢吗哈]*[\s？?。.!！]*$"
_REALLY = r"(?:到底|究竟)?"
# "X怎么定义", "X用一句话怎么定义", "X到底是怎么定义的啊", "X如何下定义"
_HOW = r"(?:(?:用一句话|简单|该|应该|要|是)?(?:怎么|怎样|如何)下?)?"
_TERM = r"(?P<term>[^，,；;？?。！!]+?)"  # within one clause
_ASKS_WHAT = (
    re.compile(rf"^(?:请问)?(?:什么是|什么叫|啥是|啥叫|何谓|何为){_TERM}{_END}"),
    re.compile(rf"^(?:请问)?(?:怎么|怎样|如何)给?{_TERM}下?(?:{_DEFINED}){_END}"),
    re.compile(rf"^{_TERM}{_REALLY}的?(?:是个?什么样?的?|{_HOW})(?:{_DEFINED})的?(?:是什么|是啥)?{_END}"),
    re.compile(rf"^{_TERM}{_REALLY}(?:是什么|是指什么|指的是什么|是什么意思|是啥意思|是啥|指啥|指什么){_END}"),
)
# A heading that defines its term ("电子政务的含义", "MIS的定义").
DEFINITION_HEADING = re.compile(rf"^(?P<term>.+?)的?(?:{_DEFINED})$")
_CLAUSE_END = re.compile(r"(?<=[？?。！!；;])")
_QUOTED = re.compile(r"[“\"「『](?P<term>[^”\"」』]+)[”\"」』]")


def term_key(term: str) -> str:
    return re.sub(r"[\s\"“”'‘’《》（）()]", "", normalize(term))


def _asked_term(clause: str) -> str | None:
    """The X of a clause that asks what X is, as written."""
    for pattern in _ASKS_WHAT:
        match = pattern.match(clause.strip())
        if match and match.group("term").strip():
            return match.group("term")
    return None


def _clauses(question: str) -> list[str]:
    return [c for c in _CLAUSE_END.split(question) if c.strip()]


def defined_term(question: str) -> str | None:
    """The X of a question that asks what X is (in its first such clause), else None, as a key to
    match headings with. A quoted word is the term: "老师老说的“分录”是什么意思？" → 分录."""
    term = next(filter(None, map(_asked_term, _clauses(question))), None)
    if term is None:
        return None
    quoted = _QUOTED.search(term)
    return term_key(quoted.group("term") if quoted else term)


def definition_topic(question: str) -> str | None:
    """What a question that only asks what X is is about: X as written, quotes and all
    ("电子政务的“建设模式”"), else None. With another clause ("…的原则？另一条是什么") the question is
    about more than X."""
    terms = [_asked_term(c) for c in _clauses(question)]
    return terms[0] if terms and all(terms) else None


# A list item's own number in front of the term it defines ("1.政务内网:…", "(2)外网：…").
_ITEM_NUMBER = re.compile(rf"^\s*(?:\d{{1,2}}\s*[.、．)）]|[(（]\s*[\d{CN_SMALL}]{{1,3}}\s*[)）]|[①-⑳])")


def defining_lines(term: str | None, lines: list[str]) -> list[str]:
    """The lines that define ``term`` (the X a "what is X" question asks about: "1.政务内网:…" for
    "名词解释：政务内网"; for an acronym, the lines that name it), when a unit defines several terms
    one per line; else none."""
    if not term:
        return []
    if term in acronyms(term):  # an acronym ("G2B是什么？"): the lines that name it, "(G-B)…"
        return [line for line in lines if term in acronyms(line)]
    pattern = re.compile(rf"{re.escape(term)}[:：是指即]")
    return [line for line in lines if pattern.match(term_key(_ITEM_NUMBER.sub("", line)))]


def states_what(term: str | None, text: str) -> bool:
    """Does the text say what ``term`` is, word for word ("电子政务的主体是…")?"""
    return bool(term) and re.search(rf"{re.escape(term or '')}[是:：指即]", normalize(text)) is not None
