"""List items a scrape ran together, laid out one a line again for the display form.

A download site's page loses the line breaks (and often the numbers) of short lists:
"（G-E）1电子办公系统电子培训系统业绩评价系统", "1先进性和成熟性：开放性和标准性：时效性：安全性：5共享性…",
"窃听：…；重传：…；伪造：…". A line is split only where the notes' own structure shows the
boundaries:

- items that end in the same head word ("…系统…系统…系统", three or more, or as many as a count in
  the lead-in or heading announces, "三种网络");
- ``；``-separated "term：text" clauses (three or more), and the sentence that leads into them;
- bare numbers that count on: three or more (a list whose "1" was lost or stuck to a colon), or two
  that open with the same word ("2电子政务…3电子政务…");
- colon-ended segments whose surviving numbers are their places in the list (1 and 5 above).

A number left from a list whose other numbers were lost (the "1" above) is removed: the layout now
shows the items. Every other character stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import jieba

from egov_qa.ingest.numbering import BARE_NUMBER
from egov_qa.ingest.punctuation import HAN
from egov_qa.lexicon import CN_NUMERAL, DANGLING_WORDS, LIST_MEASURES, parse_number

_STRETCH = re.compile(f"[{HAN}]{{6,}}")  # Chinese text with no mark, digit or letter in it
_TERM = re.compile(rf"(?<=[；：。])[{HAN}]{{2,8}}：")  # "窃听：" after a clause
_SENTENCE_START = re.compile(r".*[。；]")  # up to the last sentence end
_COUNT = re.compile(rf"([{CN_NUMERAL}]+|\d+)(?:{'|'.join(LIST_MEASURES)})")
_HEAD_WORD = (2, 3, 4)  # lengths of a repeated head word
MAX_ITEM_CHARS = 12  # an item run into its neighbours is a name, not a sentence
MIN_ITEMS = 3


@dataclass
class Split:
    """A line laid out as lines, and what that took."""

    lines: list[str]
    breaks: int = 0  # line breaks put in
    numbers: int = 0  # stray list numbers taken out


@lru_cache(maxsize=4096)
def _word_ends(text: str) -> frozenset[int]:
    ends, at = set(), 0
    for word in jieba.lcut(text, HMM=False):
        at += len(word)
        ends.add(at)
    return frozenset(ends)


def _first_word(text: str) -> str:
    return next(iter(jieba.cut(text, HMM=False)), "")


def _item_ends(stretch: str, count: int | None) -> list[int] | None:
    """Where the items of a stretch of run-together names end: after each time the head word that
    ends the stretch comes back, when that gives short items (at least ``MIN_ITEMS``, or exactly
    ``count``, when a single character is head word enough); None when no head word does."""
    best: list[int] | None = None
    lengths = (1, *_HEAD_WORD) if count else _HEAD_WORD
    for size in lengths:
        head = stretch[-size:]
        ends = [m.end() for m in re.finditer(re.escape(head), stretch)]
        starts = [0, *ends[:-1]]
        if (count and len(ends) != count) or len(ends) < (count or MIN_ITEMS) or ends[-1] != len(stretch):
            continue
        # Each item names something before its head word ("就业服务", not "两管理") and opens with
        # a word that can open a name ("和信息管理" continues a phrase)
        if any(not size + 2 <= end - start <= MAX_ITEM_CHARS for start, end in zip(starts, ends, strict=True)):
            continue
        if not set(ends) <= _word_ends(stretch):  # "系统性" does not end in the word 系统
            continue
        if any(_first_word(stretch[start:]) in DANGLING_WORDS for start in starts):
            continue
        if best is None or len(ends) >= len(best):
            best = ends
    return best


def _announced(text: str) -> int | None:
    """The number of items a lead-in or heading announces ("分为三类", "4个功能"), if one (a
    list has two items or more: "一个" counts nothing)."""
    found = [parse_number(n) for n in _COUNT.findall(text)]
    return found[-1] if found and found[-1] >= 2 else None


def _lead_in(lead: str) -> str:
    """The clause that leads into a list right after it: "…分为三类：" (else nothing)."""
    return re.split("[，。；]", lead)[-1] if lead.endswith("：") else ""


def _head_word_items(line: str, heading: str) -> Split:
    """Names run together in the line, one a line; the stray "1" in front of them removed."""
    cuts: list[int] = []
    strays: list[int] = []
    last = 0
    for m in _STRETCH.finditer(line):
        lead = line[last : m.start()]
        ends = _item_ends(m.group(), _announced(_lead_in(lead)) or _announced(heading))
        if ends is None:
            continue
        if re.search(r"(?<![0-9])1$", lead) and not BARE_NUMBER.search(line, m.end()):
            strays.append(m.start() - 1)
        cuts += [m.start(), *(m.start() + e for e in ends[:-1])]
        last = m.end()
    if not cuts:
        return Split([line])
    bounds = [0, *cuts, len(line)]
    lines = [
        "".join(ch for i, ch in enumerate(line[a:b], start=a) if i not in strays)
        for a, b in zip(bounds, bounds[1:], strict=False)
    ]
    lines = [piece for piece in lines if piece]
    return Split(lines, len(lines) - 1, len(strays))


def _term_clauses(line: str) -> Split:
    """ "以下特征：窃听：…；重传：…；伪造：…": each "term：text" clause on a line of its own, and the
    sentence leading into a run of them ("…很难防范。网络安全的目标应当满足：身份真实性：…") too."""
    starts = [m.start() for m in _TERM.finditer(line)]
    after_semicolon = [s for s in starts if line[s - 1] == "；"]
    if len(after_semicolon) < MIN_ITEMS - 1 or len(starts) < MIN_ITEMS:
        return Split([line])
    lead_ins = [_SENTENCE_START.search(line[: s - 1]) for s in starts if line[s - 1] == "："]
    cuts = sorted({0, *starts, *(m.end() for m in lead_ins if m), len(line)})
    lines = [line[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if line[a:b]]
    return Split(lines, len(lines) - 1)


def _counting_numbers(line: str) -> Split:
    """ "4）…的要求2电子政务与…改革3电子政务环境中…", "…2外包模式…3自建模式和…4外包模式创新…":
    bare numbers that count on, three or more (a list whose "1" was lost or stuck to a colon) or two
    that open with the same head word, start lines of their own."""
    found = list(BARE_NUMBER.finditer(line))
    for i, first in enumerate(found):
        run = [first]
        for m in found[i + 1 :]:
            if int(m.group(1)) == int(run[-1].group(1)) + 1:
                run.append(m)
        heads = {line[m.end() : m.end() + 2] for m in run}
        same_head = len(heads) == 1 and re.fullmatch(f"[{HAN}]{{2}}", heads.pop())
        if len(run) >= MIN_ITEMS or (len(run) >= 2 and same_head):
            starts = [m.start() for m in run]
            # the item before the run, numbered right after a colon ("格局：1使…2使…3使…")
            before = re.search(rf".*：({int(first.group(1)) - 1})(?=[{HAN}])", line[: starts[0]])
            if before and int(first.group(1)) > 1:
                starts.insert(0, before.start(1))
            cuts = [0, *(start for start in starts if start > 0), len(line)]
            lines = [line[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
            return Split(lines, len(lines) - 1)
    return Split([line])


def _numbered_segments(line: str) -> Split:
    """ "1先进性和成熟性：开放性和标准性：时效性：安全性：5共享性…：": colon-ended segments whose
    surviving numbers are their places in the list; one a line, the numbers taken out."""
    segments = re.findall(r"[^：]+：?", line)
    if len(segments) < MIN_ITEMS:
        return Split([line])
    numbered = {i: m for i, s in enumerate(segments) if (m := BARE_NUMBER.match(s))}
    if 0 not in numbered or len(numbered) < 2 or any(int(m.group(1)) != i + 1 for i, m in numbered.items()):
        return Split([line])
    lines = [s[numbered[i].end() :] if i in numbered else s for i, s in enumerate(segments)]
    return Split(lines, len(lines) - 1, len(numbered))


def split_line(line: str, heading: str) -> Split:
    """The line as the notes laid it out, each run-together list item on a line of its own."""
    result = Split([])
    for step in (_numbered_segments, _term_clauses, _counting_numbers):
        split = step(line)
        if len(split.lines) > 1:
            result = Split([], split.breaks, split.numbers)
            for part in split.lines:
                inner = split_line(part, heading)
                result.lines += inner.lines
                result.breaks += inner.breaks
                result.numbers += inner.numbers
            return result
    return _head_word_items(line, heading)
