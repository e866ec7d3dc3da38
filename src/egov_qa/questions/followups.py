"""Follow-ups without an LLM: what refers back to the conversation, and the retrieval queries of a
question that does.

A short or anaphoric question ("它呢？", "那第二点呢", "为什么") cannot be searched on its own,
so it is searched together with the student's most recent earlier question, then on its own
(unless it has hardly any words of its own), then with the older questions, each with a weight
for fusion. A "它" is replaced by the earlier question's leading noun phrase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import jieba.posseg

from egov_qa.lexicon import (
    ANAPHORA,
    CN_SMALL,
    CONTINUATIONS,
    MORE_WORDS,
    ORDINAL_MEASURES,
    PRONOUNS,
    SUBJECT_PRONOUNS,
    alternation,
    parse_number,
)
from egov_qa.questions.forms import as_plain_question
from egov_qa.questions.pairs import pair_asked
from egov_qa.text import content_words, keywords

ORDINAL = re.compile(rf"第([{CN_SMALL}\d]+)[{ORDINAL_MEASURES}]|最后(?:一|那|这)?[{ORDINAL_MEASURES}]")
LAST = -1  # what ``ordinal`` says for "最后那个"


def ordinal(question: str) -> int | None:
    """The place a question points to in an earlier list: "第三点" → 3, "最后那个" → LAST."""
    match = ORDINAL.search(question)
    if not match:
        return None
    return parse_number(match.group(1)) if match.group(1) else LAST


# Pronouns, demonstratives, ordinal references and bare continuations.
_ANAPHORA = re.compile(
    rf"{alternation(ANAPHORA)}|{ORDINAL.pattern}|最后|还有|另外|呢[？?]?$|"
    rf"^({alternation(CONTINUATIONS)})"  # "里面的A代表什么": inside what was asked
)
_SHORT_QUESTION_WORDS = 2  # fewer content words than this: the question cannot stand alone


def too_short(question: str) -> bool:
    """Hardly any words besides pronouns and ordinals ("其中第二条具体是什么意思？")."""
    return len(own_words(question)) < _SHORT_QUESTION_WORDS


# "还有呢？", "还有别的吗？", "其他的呢？", "继续": more on the earlier question than was shown.
_MORE = re.compile(
    rf"^\s*那?(?:{alternation(MORE_WORDS)})"
    r"的?(?:内容|知识点)?(?:呢|吗|么|没有|没)?[\s？?。！!…]*$"
)


def asks_for_more(question: str) -> bool:
    return bool(_MORE.match(question))


def refers_back(text: str) -> bool:
    """A pronoun, ordinal reference or bare continuation ("它", "那第二点", "还有")."""
    return bool(_ANAPHORA.search(text))


def names_nothing(question: str) -> bool:
    """No topic of its own at all ("还有呢？", "为什么？"): it only means something after a question."""
    return not keywords(_ANAPHORA.sub(" ", as_plain_question(question)))


# Cues that a question goes on from the conversation whatever else it says: a pronoun for its
# subject, "那…呢", an ordinal into the earlier answer. (A continuation such as "为什么" goes on only
# when little else is said: "为啥有了电子政务，考核政府会更容易？" is a question of its own.)
_PRONOUN_SUBJECT = re.compile(rf"^\s*(?:那么?\s*)?(?:{alternation(SUBJECT_PRONOUNS)})")
_LEANS_ON = re.compile(rf"{_PRONOUN_SUBJECT.pattern}|^\s*那.*呢[？?]?\s*$|{ORDINAL.pattern}")


def pronoun_subject(question: str) -> bool:
    """Opens with a pronoun for its subject: "它有哪些特点？", "这些原则是什么？"."""
    return bool(_PRONOUN_SUBJECT.search(question))


def leans_on_context(question: str) -> bool:
    """Goes on from what was said before, whatever else it names ("那它的作用呢", "第三点呢")."""
    return bool(_LEANS_ON.search(question))


def own_words(question: str) -> list[str]:
    """Its content words besides pronouns, ordinals and continuations."""
    return content_words(_ANAPHORA.sub(" ", question))


_PRONOUN = re.compile(alternation(PRONOUNS))
# jieba POS tags that may form a topic noun phrase ("政务内网", "电子政务规划", "MIS").
_NOMINAL = re.compile(r"^(n|vn|eng|nz|l|s|a)")


def subject_of(question: str) -> str:
    """The leading noun phrase of a question, up to its first 的: what a later "它" refers to.

    "电子政务规划的含义是什么？" → "电子政务规划": the 的-phrase names the attribute asked about
    then (含义), not the thing a follow-up asks about next.
    """
    words: list[str] = []
    for token in jieba.posseg.cut(question.strip()):
        if token.word == "的" or not _NOMINAL.match(token.flag) or not token.word.strip():
            break
        words.append(token.word)
    return "".join(words)


# "那电子商务呢？", "那和电子商务呢？": the earlier question, about something else.
_SOMETHING_ELSE = re.compile(
    r"^(?:那么?)?\s*(?:和|跟|与|同)?\s*(?P<other>[^，,。？?！!]+?)\s*(?:呢|怎么样|又如何|如何)\s*[？?]*$"
)


def asked_about_instead(question: str, earlier: str) -> str | None:
    """The earlier question with its subject, or the second side of its comparison, replaced by
    what the follow-up names: "电子政务的特征有哪些？" + "那电子商务呢？" → "电子商务的特征有哪些？"."""
    match = _SOMETHING_ELSE.match(question.strip())
    other = match.group("other") if match else ""
    if not other or refers_back(other) or not keywords(other):
        return None
    pair = pair_asked(earlier)
    replaced = pair[1] if pair else subject_of(earlier)
    return earlier.replace(replaced, other, 1) if replaced and replaced in earlier else None


def followup_queries(question: str, earlier: Sequence[str]) -> list[tuple[str, float]]:
    """(query, weight) pairs to search and fuse, most important first, for a question that follows
    on from ``earlier`` (the topical earlier questions, oldest first, at least one; both in their
    plain forms)."""
    # "第三点" points into the earlier answer; searched, its 第三 would match every "第三章".
    said = ORDINAL.sub(" ", question).strip()
    combined = f"{earlier[-1]} {said}"
    older = [(f"{h} {said}", 0.5) for h in reversed(earlier[:-1])]
    instead = asked_about_instead(question, earlier[-1])
    if instead:  # says it all; the joined form still counts, less
        return [(instead, 1.0), (combined, 0.5), *older][:3]
    subject = subject_of(earlier[-1])
    if subject and _PRONOUN.search(question):
        # "那它对安全…" → "那政务内网对安全…" says it all; the earlier question's own topic words
        # (含义, 重要性 …) would otherwise pull the answer back to the earlier unit.
        rewritten = _PRONOUN.sub(subject, question, count=1)
        return [(rewritten, 1.0), (combined, 0.5), *older][:3]
    alone = [] if too_short(question) else [(question, 1.0)]  # "其中第二条呢？" alone finds noise
    return [(combined, 1.0), *alone, *older][:3]
