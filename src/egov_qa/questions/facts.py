"""A question that asks for a fact of a kind — a year, a number, a person, a place — is answered
only by a unit that states one: "电子签名法是哪一年生效的？" is not answered by a unit on electronic
signatures that names no year. Revision notes state few dates and figures, so this is common
evidence that a question asks beyond them (or presupposes what they never say)."""

from __future__ import annotations

import re

import jieba.posseg

from egov_qa.lexicon import CN_NUMERAL, FACT_QUESTIONS

_ASKS = {kind: re.compile("|".join(words), re.IGNORECASE) for kind, words in FACT_QUESTIONS.items()}
_YEAR = re.compile(rf"\d{{4}}|[{CN_NUMERAL}]{{2,4}}年|\d{{1,2}}\s*(?:世纪|年代|月|日)|世纪|年代")
# A figure with what it counts ("3000万户", "两个"), not a list item's own number ("1)").
_NUMBER = re.compile(
    rf"(?:\d+(?:\.\d+)?|[{CN_NUMERAL}千万亿]+)\s*(?:个|种|项|条|人|次|倍|成|万|亿|%|％|元|户|家|名|位|所|台|部|年)"
)
_NAME_TAGS = {"person": ("nr",), "place": ("ns",)}


def asked_fact(question: str) -> str | None:
    """ "year", "number", "person" or "place" for a question that asks one, else None."""
    return next((kind for kind, pattern in _ASKS.items() if pattern.search(question)), None)


def states_fact(kind: str, text: str) -> bool:
    """Does the text state a fact of that kind (a year or date, a figure, a name of a person or place)?"""
    if kind == "year":
        return bool(_YEAR.search(text))
    if kind == "number":
        return bool(_NUMBER.search(text))
    tags = _NAME_TAGS[kind]
    return any(token.flag.startswith(tags) for token in jieba.posseg.cut(text))
