"""Where a heading's title ends and its body begins.

Scraped notes run a heading straight into its body ("3、系统的概念与特征系统是由…") and sprinkle
stray spaces inside words, so the end of a title is inferred from generic cues only:

* hard ends: a line end, sentence punctuation, a sub-item marker or a digit;
* strong cues: the body opens with a sentence-opening function word (从 以 目前 所谓 该 …), restates
  the title's first words ("数据与信息数据是…"), names a title word as the subject of its first
  clause ("…原则管理信息系统规划是…"), opens with a term it repeats at once ("…模式自建模式 自建模式是指"),
  or the title ends on the head word that its clear siblings share ("应用原则", "方向原则" → "…原则"),
  or a name or English term after the title is the subject of the body's first clause
  ("…理论梅奥通过…", "…结构OSI参考模型共有…");
* surest cues: the body repeats the whole title ("需求需求是指…"), or the whole title after a
  short modifier ("传输媒体导引型传输媒体有…"), or an English term is written twice ("…IPIP协议…");
* a weak cue: a space that does not split a word (scraped pages put spaces inside words).

The title is cut at the earliest strong cue, else at the earliest weak one. A cut is only made
where jieba sees a word boundary and where the title would not end on a word that cannot end one.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import jieba
import jieba.posseg

from egov_qa.ingest.numbering import SUB_ITEM
from egov_qa.lexicon import DANGLING_CHARS, DANGLING_WORDS, NON_INITIAL, OPENERS
from egov_qa.text import to_simplified

jieba.setLogLevel(logging.WARNING)

MAX_TITLE_CHARS = 30
# A digit ends a title unless it belongs to a name or version ("3G", "Web 2.0").
_HARD_END = re.compile(r"[\n，。；：！？,;:!?]|(?<![A-Za-z0-9.] )(?<![A-Za-z0-9.])\d(?![A-Za-z]|[.．]\d)")
_LINE_END = re.compile(r"\n")

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
# An English term written twice in a row ("网际协议IPIP协议是…"): the title ends on the first.
_DOUBLED_ASCII = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]+)(?=\1(?![a-z]))")


@dataclass(frozen=True)
class HeadingSplit:
    title: str
    body_offset: int  # where the body begins in the segment
    sure: bool  # ended by a hard end or a strong cue (trusted when siblings are compared)
    head: str  # the title's last word, for the sibling cue


@dataclass(frozen=True)
class _Token:
    word: str
    flag: str
    start: int
    end: int


def _simplified(text: str) -> str:
    """Traditional-character notes as simplified, what jieba's dictionary and the cue word lists
    know, when the conversion keeps every position (so a cut applies to the notes' own text)."""
    simple = to_simplified(text)
    return simple if len(simple) == len(text) else text


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[_Token, ...]:
    out, pos = [], 0
    for pair in jieba.posseg.lcut(text):
        out.append(_Token(pair.word, pair.flag, pos, pos + len(pair.word)))
        pos += len(pair.word)
    return tuple(out)


def is_word(text: str) -> bool:
    """A dictionary word of two or more characters."""
    jieba.dt.check_initialized()
    return len(text) >= 2 and jieba.dt.FREQ.get(_simplified(text), 0) > 0


def _splits_word(tokens: tuple[_Token, ...], text: str, gap: int) -> bool:
    """True when ``gap`` falls inside a word whose two halves are not words themselves."""
    for token in tokens:
        if token.start < gap < token.end:
            return not (is_word(text[token.start : gap]) and is_word(text[gap : token.end]))
    return False


def _tokens_between(text: str, cuts: list[int]) -> tuple[_Token, ...]:
    """Tokens of ``text`` with a word boundary forced at every position in ``cuts``."""
    out: list[_Token] = []
    bounds = [0, *cuts, len(text)]
    for a, b in pairwise(bounds):
        out.extend(_Token(t.word, t.flag, t.start + a, t.end + a) for t in _tokens(text[a:b]))
    return tuple(out)


def _is_ascii_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _squeeze(raw: str) -> tuple[str, list[int], set[int]]:
    """Squeezed text, raw index of each squeezed char (plus the end), and where spaces were."""
    chars: list[str] = []
    index: list[int] = []
    gaps: set[int] = set()
    i = 0
    while i < len(raw):
        if not raw[i].isspace():
            chars.append(raw[i])
            index.append(i)
            i += 1
            continue
        j = i
        while j < len(raw) and raw[j].isspace():
            j += 1
        if chars and j < len(raw):
            if _is_ascii_word_char(chars[-1]) and _is_ascii_word_char(raw[j]):
                chars.append(" ")
                index.append(i)
            else:
                gaps.add(len(chars))
        i = j
    index.append(len(raw))
    return "".join(chars), index, gaps


class _Cutter:
    """Candidate cuts of one squeezed heading run and the cues that support them."""

    def __init__(self, text: str, gaps: set[int], heads: frozenset[str]) -> None:
        self.text = text
        self.heads = heads
        joined = _tokens(text)
        # A space inside a word ("测 试", "面 向对象") is stray; one between two words is real.
        self.real_gaps = sorted(g for g in gaps if not _splits_word(joined, text, g))
        self.doubled = [m.end() for m in _DOUBLED_ASCII.finditer(text)]
        self.tokens = _tokens_between(text, sorted({*self.real_gaps, *self.doubled}))
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

    def _word_at(self, c: int) -> _Token | None:
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

    def sibling_head(self, c: int) -> bool:
        last = self.by_end.get(c)
        return last is not None and last.word in self.heads and last.start > 0


def _skip_gloss(tokens: list[_Token]) -> list[_Token]:
    """Drop a bracketed gloss such as "(Nolan)" at the front."""
    if tokens and tokens[0].word in _CLOSERS:
        closer = _CLOSERS[tokens[0].word]
        for i, token in enumerate(tokens):
            if token.word == closer:
                return tokens[i + 1 :]
    return tokens


def _head(text: str) -> str:
    words = [t.word for t in _tokens(text) if re.search(r"\w", t.word)]
    return words[-1] if words else ""


def split_heading(segment: str, heads: frozenset[str] = frozenset(), line_only: bool = False) -> HeadingSplit:
    """Split the text after a heading marker into its title and the offset of its body.

    ``heads`` are the last words shared by this heading's clear siblings (simplified characters);
    ``line_only`` is for explicit (Markdown) headings, whose title is the whole line. Traditional
    characters are cut as their simplified form, and the title keeps the notes' own characters.
    """
    simple = _simplified(segment)
    split = _split_heading(simple, heads, line_only)
    if simple == segment:
        return split
    lead = len(segment) - len(segment.lstrip())
    title = _squeeze(segment[lead : split.body_offset])[0].strip()
    return HeadingSplit(title, split.body_offset, split.sure, split.head)


def _split_heading(segment: str, heads: frozenset[str], line_only: bool) -> HeadingSplit:
    lead = len(segment) - len(segment.lstrip())
    rest = segment[lead:]
    hard = (_LINE_END if line_only else _HARD_END).search(rest)
    end = hard.start() if hard else len(rest)
    if not line_only:
        sub = SUB_ITEM.search(rest[:end])
        end = sub.start() if sub else end
    raw = rest[:end]
    text, index, gaps = _squeeze(raw)
    if line_only or not text:
        return HeadingSplit(text.strip(), lead + end, True, _head(text))

    cutter = _Cutter(text, gaps, heads)
    strong: list[int] = []
    weak: list[int] = []
    for c in range(2, len(text)):
        if not cutter.title_ok(c) or not cutter.body_ok(c):
            continue
        if (
            cutter.opener(c)
            or cutter.restates(c)
            or cutter.subject_restates(c)
            or cutter.sibling_head(c)
            or cutter.named_subject(c)
        ):
            strong.append(c)
        elif c in cutter.real_gaps and len([t for t in cutter.tokens if t.end <= c]) >= 2:
            weak.append(c)
    for gap in cutter.real_gaps:
        lead_start = cutter.lead_term(gap)
        if lead_start is not None:
            strong.append(lead_start)

    # The body repeating the whole title is the surest cue of all ("原型法原型法先…", "需求需求是指…"),
    # whatever jieba makes of the words.
    whole = [
        c
        for c in range(2, min(len(text) // 2, MAX_TITLE_CHARS) + 1)
        if text[c:].startswith(text[:c]) and not text[:c].endswith(DANGLING_CHARS)
    ]
    whole += [c for c in cutter.doubled if cutter.title_ok(c)]
    whole += [c for c in range(3, min(len(text), MAX_TITLE_CHARS + 1)) if cutter.echo(c)]
    if whole:
        cut, sure = min(whole), True
    elif strong and not (weak and min(weak) < min(strong)):
        cut, sure = min(strong), True
    elif weak:
        cut, sure = min(weak), False
    elif len(text) <= MAX_TITLE_CHARS:
        cut, sure = len(text), True
    else:
        fits = [t.end for t in cutter.tokens if t.end <= MAX_TITLE_CHARS and cutter.title_ok(t.end)]
        cut, sure = (max(fits) if fits else MAX_TITLE_CHARS), False
    title = text[:cut].strip()
    return HeadingSplit(title, lead + index[cut], sure, _head(title))
