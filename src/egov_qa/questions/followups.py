"""Conversation handling without an LLM: turning a follow-up into retrieval queries.

A short or anaphoric question ("它呢？", "那第二点呢", "为什么") cannot be searched on its own,
so it is searched together with the student's most recent earlier question, then on its own
(unless it has hardly any words of its own), then with the older questions, each with a weight
for fusion. A "它" is replaced by the earlier question's leading noun phrase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import jieba.posseg

from egov_qa.questions.headings import pair_asked
from egov_qa.ingest.numbering import parse_number
from egov_qa.text import as_plain_question, asked_part, content_words, keywords

ORDINAL = re.compile(r"第([一二三四五六七八九十\d]+)[点条个种项步类层]|最后(?:一|那|这)?[点条个种项步类层]")
LAST = -1  # what ``ordinal`` says for "最后那个"


def ordinal(question: str) -> int | None:
    """The place a question points to in an earlier list: "第三点" → 3, "最后那个" → LAST."""
    match = ORDINAL.search(question)
    if not match:
        return None
    return parse_number(match.group(1)) if match.group(1) else LAST


# Pronouns, demonstratives, ordinal references and bare continuations.
_ANAPHORA = re.compile(
    r"它|它们|这个|那个|这些|那些|这一|那一|这种|那种|这样|那样|其中|其|该|上述|前者|后者|两者|二者|"
    rf"此|这|那|{ORDINAL.pattern}|最后|还有|另外|呢[？?]?$|"
    r"^(为什么|为啥|怎么说|具体|举例|比如|里面|里头|当中)"  # "里面的A代表什么": inside what was asked
)
_SHORT_QUESTION_WORDS = 2  # fewer content words than this: the question cannot stand alone


def _too_short(question: str) -> bool:
    """Hardly any words besides pronouns and ordinals ("其中第二条具体是什么意思？")."""
    return len(content_words(_ANAPHORA.sub(" ", question))) < _SHORT_QUESTION_WORDS


# "还有呢？", "还有别的吗？", "其他的呢？", "继续": more on the earlier question than was shown.
_MORE = re.compile(
    r"^\s*那?(?:还有别的|还有其他|还有其它|还有|另外|其他|其它|别的|继续说?|接着说|再说说|再多说点)"
    r"的?(?:内容|知识点)?(?:呢|吗|么|没有|没)?[\s？?。！!…]*$"
)


# Talk to the assistant rather than about the notes: greetings, who/what it is, thanks.
_GREETING = re.compile(
    r"^\s*(?:你好|您好|嗨|哈喽|hi|hello|hey|早上好|下午好|晚上好|在吗|你是谁|你是什么|你叫什么|"
    r"你能做什么|你会什么|你能干什么|你有什么用|怎么用|怎么使用|如何使用)(?:呀|啊|呢|吗)?[\s，,。.!！？?~～]*$",
    re.IGNORECASE,
)
_THANKS = re.compile(r"^\s*(?:谢谢|多谢|感谢|谢了|thanks?|thank you|好的|明白了|懂了)(?:你|您|啦|了)?[\s，,。.!！~～]*$",
                     re.IGNORECASE)


def small_talk(question: str) -> str | None:
    """"greeting" or "thanks" for a message to the assistant itself, else None."""
    if _GREETING.match(question):
        return "greeting"
    if _THANKS.match(question):
        return "thanks"
    return None


def asks_for_more(question: str) -> bool:
    return bool(_MORE.match(question))


def refers_back(text: str) -> bool:
    """A pronoun, ordinal reference or bare continuation ("它", "那第二点", "还有")."""
    return bool(_ANAPHORA.search(text))


def names_nothing(question: str) -> bool:
    """No topic of its own at all ("还有呢？", "为什么？"): it only means something after a question."""
    return not keywords(_ANAPHORA.sub(" ", as_plain_question(question)))


def is_followup(question: str) -> bool:
    return refers_back(question) or _too_short(question)


_PRONOUN = re.compile(r"它们|它|这个|那个")
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


def retrieval_queries(question: str, history: Sequence[str]) -> list[tuple[str, float]]:
    """(query, weight) pairs to search and fuse, most important first."""
    question = as_plain_question(question)
    # A turn that named nothing ("那第二点呢", "还有呢") leaves the topic where it was.
    earlier = [as_plain_question(h.strip()) for h in history if h and h.strip() and not names_nothing(h)]
    if not earlier or not is_followup(question):
        # A case question is searched by what it asks: its material is about a city or a firm
        # the notes never name, and would pull the search towards whatever shares its words.
        return [(asked_part(question), 1.0)]
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
    alone = [] if _too_short(question) else [(question, 1.0)]  # "其中第二条呢？" alone finds noise
    return [(combined, 1.0), *alone, *older][:3]
