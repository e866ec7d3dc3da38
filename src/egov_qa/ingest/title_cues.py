"""The cues where a title run into its text ends: candidate cuts of one heading run, each tested
against the words jieba reads (``headings`` weighs them):

* strong cues: the body opens with a sentence-opening function word (从 以 目前 所谓 该 …), restates
  the title's first words ("数据与信息数据是…"), names a title word as the subject of its first
  clause ("…原则管理信息系统规划是…"), opens with a term it repeats at once ("…模式自建模式 自建模式是指"),
  or the title ends on the head word that its clear siblings share ("应用原则", "方向原则" → "…原则"),
  or a name or English term after the title is the subject of the body's first clause
  ("…理论梅奥通过…", "…结构OSI参考模型共有…");
* surest cues: the whole title after a short modifier ("传输媒体导引型传输媒体有…"), an English term
  written twice ("…IPIP协议…"), a formula sentence after the title ("静态会计等式资产=负债+…。");
* a weak cue: a space that does not split a word (scraped pages put spaces inside words).

A cut is only made where jieba sees a word boundary and where the title would not end on a word
that cannot end one.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import jieba
import jieba.posseg

from egov_qa.lexicon import DANGLING_CHARS, DANGLING_WORDS, NON_INITIAL, OPENERS
from egov_qa.text import to_simplified

jieba.setLogLevel(logging.WARNING)

MAX_TITLE_CHARS = 30
_FUNCTION_FLAGS = ("p", "c", "u", "e", "y", "o")
_OPEN_QUOTES = "“‘「『《（("
_CLOSERS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "（": "）", "(": ")"}
_NOUNISH = ("n", "l", "j", "eng", "vn", "i")
# Words that may make up the subject phrase of a body's first clause.
_SUBJECT_FLAGS = ("n", "l", "j", "eng")
_PREDICATE_FLAGS = ("v", "p", "d", "f")
_MAX_SUBJECT_WORDS = 4
# Place names, adjectives, distinguishing words and numerals modify what follows them.
_MODIFIER_FLAGS = {"ns", "a", "b", "m", "mq"}
# Names (people, organisations, places) and English terms that can be the subject of a clause.
_NAME_FLAGS = ("nr", "nt", "ns", "eng")
_PLAIN_NOUN_FLAGS = ("n", "vn", "l", "j", "nz", "eng")
_MAX_NOUN_AFTER_CUT = 3  # a wrong cut splits a title's last word off, not a phrase
_OPERATORS = "+-－×÷*/"  # between the terms of a formula's left side
# An English term written twice in a row ("网际协议IPIP协议是…", "…IP IP协议…"): the title ends on the first.
_DOUBLED_ASCII = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]+)(?= ?\1(?![a-z]))")


@dataclass(frozen=True)
class Token:
    word: str
    flag: str
    start: int
    end: int


def simplified(text: str) -> str:
    """Traditional-character notes as simplified, what jieba's dictionary and the cue word lists
    know, when the conversion keeps every position (so a cut applies to the notes' own text)."""
    simple = to_simplified(text)
    return simple if len(simple) == len(text) else text


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[Token, ...]:
    out, pos = [], 0
    for pair in jieba.posseg.lcut(text):
        out.append(Token(pair.word, pair.flag, pos, pos + len(pair.word)))
        pos += len(pair.word)
    return tuple(out)


def is_word(text: str) -> bool:
    """A dictionary word of two or more characters."""
    jieba.dt.check_initialized()
    return len(text) >= 2 and jieba.dt.FREQ.get(simplified(text), 0) > 0


def _splits_word(words: tuple[Token, ...], text: str, gap: int) -> bool:
    """True when ``gap`` falls inside a word whose two halves are not words themselves."""
    for token in words:
        if token.start < gap < token.end:
            return not (is_word(text[token.start : gap]) and is_word(text[gap : token.end]))
    return False


def tokens_between(text: str, cuts: list[int]) -> tuple[Token, ...]:
    """Tokens of ``text`` with a word boundary forced at every position in ``cuts``."""
    out: list[Token] = []
    bounds = [0, *cuts, len(text)]
    for a, b in pairwise(bounds):
        out.extend(Token(t.word, t.flag, t.start + a, t.end + a) for t in tokens(text[a:b]))
    return tuple(out)


class Cutter:
    """Candidate cuts of one squeezed heading run and the cues that support them."""

    def __init__(self, text: str, gaps: set[int], heads: frozenset[str]) -> None:
        self.text = text
        self.heads = heads
        joined = tokens(text)
        # A space inside a word ("测 试", "面 向对象") is stray; one between two words is real.
        self.real_gaps = sorted(g for g in gaps if not _splits_word(joined, text, g))
        self.doubled = [m.end() for m in _DOUBLED_ASCII.finditer(text)]
        self.tokens = tokens_between(text, sorted({*self.real_gaps, *self.doubled}))
        self.by_start = {t.start: t for t in self.tokens}
        self.by_end = {t.end: t for t in self.tokens}

    def title_ok(self, c: int) -> bool:
        title = self.text[:c]
        last = self.by_end.get(c)
        if len(title) < 2 or len(title) > MAX_TITLE_CHARS or last is None:
            return False
        if (
            title.endswith(DANGLING_CHARS)
            or last.word in DANGLING_WORDS
            or (len(last.word) == 1 and last.flag.startswith(_FUNCTION_FLAGS))
        ):
            return False
        if last.flag in _MODIFIER_FLAGS:  # a modifier opens a phrase, it does not close a title
            return False
        if not any(t.flag.startswith(_NOUNISH) for t in self.tokens if t.end <= c):
            return False
        return not self._open_bracket(c)

    def _open_bracket(self, c: int) -> bool:
        """True when the title would stop inside quotes/brackets that close later on."""
        title, rest = self.text[:c], self.text[c:]
        for opener, closer in _CLOSERS.items():
            if opener != closer and title.count(opener) > title.count(closer) and closer in rest:
                return True
        return False

    def body_ok(self, c: int) -> bool:
        return c < len(self.text) and c in self.by_start and not self.text[c:].startswith(NON_INITIAL)

    def _word_at(self, c: int) -> Token | None:
        return self.by_start.get(c)

    def opener(self, c: int) -> bool:
        token = self._word_at(c)
        if token is None:
            return False
        rest = self.text[c:]
        before = self.by_end.get(c)
        if token.flag == "ns" and len(token.word) > 1 and before is not None and before.flag.startswith("n"):
            return True  # a place name opens a new phrase ("…理论英国经济学家…")
        if token.word == "在" and self.tokens[-1].flag == "f":
            return True  # "在…情况下/中/时" frames the clause that follows
        return any(
            rest.startswith(w) and (c + len(w) in self.by_start or c + len(w) == len(self.text)) for w in OPENERS
        )

    def restates(self, c: int) -> bool:
        """The body begins with the title's first characters, or a quoted title word."""
        title, rest = self.text[:c], self.text[c:]
        if len(rest) >= 2 and rest[:2] == title[:2]:
            return True
        first, again = self.tokens[0], self._word_at(c)
        if (
            again is not None
            and again.word == first.word
            and again.end in self.by_start
            and self.by_start[again.end].flag.startswith(_PREDICATE_FLAGS)
        ):
            return True  # a one-character subject restated before its verb ("法的特征法具有…")
        if rest[:1] in _OPEN_QUOTES:
            quoted = self._word_at(c + 1)
            words = {t.word for t in self.tokens if t.end <= c and len(t.word) >= 2}
            return quoted is not None and quoted.word in words
        return False

    def subject_restates(self, c: int) -> bool:
        """The body's first clause has a title word as its subject ("美国学者诺兰(Nolan)在…")."""
        title_words = [t.word for t in self.tokens if t.end <= c]
        words = {w for w in title_words if len(w) >= 2}
        content = [t.word for t in self.tokens if t.end <= c and t.flag.startswith(_NOUNISH)]
        if len(title_words) < 2:
            return False
        tokens = [t for t in self.tokens if t.start >= c]
        for i, token in enumerate(tokens):
            if (token.flag == "ns" and i > 0) or (i > 0 and token.start in self.real_gaps):
                return False
            if not token.flag.startswith(_SUBJECT_FLAGS):
                return False
            if i >= _MAX_SUBJECT_WORDS:
                return False
            if len(content) >= 2 and [t.word for t in tokens[i : i + 2]] == content[:2]:
                return True  # a modifier, then the title's first two words again
            if token.word in words:
                after = _skip_gloss(tokens[i + 1 :])
                return bool(after) and after[0].flag.startswith(_PREDICATE_FLAGS)
        return False

    def lead_term(self, gap: int) -> int | None:
        """ "…模式自建模式 自建模式是指": the repeated term before the space opens the body."""
        text = self.text
        for k in range(min(gap, len(text) - gap), 1, -1):
            if text[gap - k : gap] == text[gap : gap + k]:
                start = gap - k
                words = [t for t in self.tokens if start <= t.start and t.end <= gap]
                if len(words) >= 2 and start in self.by_start and self.title_ok(start):
                    return start
                return None
        return None

    def named_subject(self, c: int) -> bool:
        """A name or English term after a title noun opens a clause as its subject
        ("…理论梅奥通过…", "…机关国务院是…", "…体系结构OSI参考模型共有…")."""
        token, before = self._word_at(c), self.by_end.get(c)
        if token is None or before is None or len(token.word) < 2:
            return False
        if token.flag not in _NAME_FLAGS or not before.flag.startswith(("n", "eng")):
            return False
        following = [t for t in self.tokens if t.start >= token.end][:3]
        for t in following:
            if t.flag.startswith(_PREDICATE_FLAGS):
                return True
            if t.flag not in _PLAIN_NOUN_FLAGS:
                return False
        return False

    def echo(self, c: int) -> bool:
        """The body's subject is the whole title again after a short modifier
        ("传输媒体导引型传输媒体有…")."""
        title = self.text[:c]
        if len(title) < 3 or not self.title_ok(c) or not self.body_ok(c):
            return False
        j = self.text.find(title, c + 1, c + 4 + len(title))
        if j <= c or j not in self.by_start or self.text[c:j].startswith(NON_INITIAL):
            return False
        modifier = self.by_end.get(j)
        if modifier is None or modifier.flag in _PLAIN_NOUN_FLAGS:
            return False  # "CSMA/CD协议CSMA/CD的…": a noun after the title belongs to the title
        return not self.text[j + len(title) :].startswith(self.text[c:j])  # not a longer title repeated

    def head_echo(self, c: int) -> bool:
        """The body's subject is a kind of what the title names: a short noun phrase ending on the
        title's last noun, then its verb ("路由选择协议|内部网关协议有…")."""
        head = self.by_end.get(c)
        if head is None or head.start == 0 or not head.flag.startswith(_PLAIN_NOUN_FLAGS):
            return False
        following = [t for t in self.tokens if t.start >= c][: _MAX_SUBJECT_WORDS + 1]
        for i, token in enumerate(following[1:], 1):
            if token.word == head.word:
                rest = following[i + 1 : i + 2]
                return bool(rest) and rest[0].flag.startswith("v")
            if not token.flag.startswith(_PLAIN_NOUN_FLAGS):
                return False
        return False

    def verb_object(self, c: int) -> bool:
        """A title "object + verb" that the body says again as subject, verb, object
        ("目标市场选择|企业选择目标市场的策略…")."""
        before = [t for t in self.tokens if t.end <= c]
        after = [t for t in self.tokens if t.start >= c][:4]
        if len(before) < 2 or not before[-1].flag.startswith("v") or not before[-2].flag.startswith(_NOUNISH):
            return False
        verb, obj = before[-1].word, before[0].word
        for i, token in enumerate(after[:2]):
            if not token.flag.startswith(_SUBJECT_FLAGS) or token.word == obj:
                return False
            if i + 2 < len(after) + 1 and after[i + 1 : i + 3] and after[i + 1].word == verb:
                return len(after) > i + 2 and after[i + 2].word == obj
        return False

    def noun_after_cut(self, c: int, cuts: list[int]) -> bool:
        """Is ``c`` one short noun after every earlier cut close to it, with no cut further back?"""
        before = [g for g in cuts if g < c]
        between = [t for t in self.tokens if before and before[-1] <= t.start and t.end <= c]
        return (
            bool(before)
            and c - before[0] <= _MAX_NOUN_AFTER_CUT
            and len(between) == 1
            and between[0].flag.startswith(_NOUNISH)
        )

    def formula_start(self) -> int | None:
        """Where the formula "X=Y" (its left side "收入-费用" as well) after a title begins."""
        equals = self.text.find("=")
        start = equals
        while (token := self.by_end.get(start)) is not None and token.start > 0:
            start = token.start
            if self.text[start - 1 : start] not in _OPERATORS:
                break
            start -= 1
        return start if 0 < start < equals and self.title_ok(start) else None

    def sibling_head(self, c: int) -> bool:
        last = self.by_end.get(c)
        return last is not None and last.word in self.heads and last.start > 0


def _skip_gloss(tokens: list[Token]) -> list[Token]:
    """Drop a bracketed gloss such as "(Nolan)" at the front."""
    if tokens and tokens[0].word in _CLOSERS:
        closer = _CLOSERS[tokens[0].word]
        for i, token in enumerate(tokens):
            if token.word == closer:
                return tokens[i + 1 :]
    return tokens
