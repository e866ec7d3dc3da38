"""Where a heading's title ends and its body begins.

Scraped notes run a heading straight into its body ("3、系统的概念与特征系统是由…") and sprinkle
stray spaces inside words, so the end of a title is inferred from generic cues only
(``title_cues``):

* hard ends: a line end, sentence punctuation, a sub-item marker, a digit or a section number;
* strong, surest and weak cues (``title_cues.Cutter``); the surest of all is the body repeating
  the whole title ("需求需求是指…").

The title is cut at the surest cue, else at the earliest strong cue, else at the earliest weak
one; of two cuts a short noun apart the later wins when the later is the surer (the earlier cut
the title's last noun off). A title with nothing after it but the next heading is whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from egov_qa.ingest.numbering import SUB_ITEM
from egov_qa.ingest.title_cues import MAX_TITLE_CHARS, Cutter, simplified, tokens
from egov_qa.lexicon import DANGLING_CHARS

# A digit ends a title unless it belongs to a name or version ("3G", "Web 2.0").
# So does a section number ("2.4.1静态会计等式") where its heading is no unit of the outline.
_HARD_END = re.compile(
    r"[\n，。；：！？,;:!?]|(?<![A-Za-z0-9.] )(?<![A-Za-z0-9.])\d(?![A-Za-z]|[.．]\d)"
    r"|(?<![\d.．])\d{1,2}[.．]\d{1,2}(?:[.．]\d{1,2})?(?=\s*[\u4e00-\u9fff])"
)
_LINE_END = re.compile(r"\n")


@dataclass(frozen=True)
class HeadingSplit:
    title: str
    body_offset: int  # where the body begins in the segment
    sure: bool  # ended by a hard end or a strong cue (trusted when siblings are compared)
    head: str  # the title's last word, for the sibling cue


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


def _head(text: str) -> str:
    words = [t.word for t in tokens(text) if re.search(r"\w", t.word)]
    return words[-1] if words else ""


def split_heading(segment: str, heads: frozenset[str] = frozenset(), line_only: bool = False) -> HeadingSplit:
    """Split the text after a heading marker into its title and the offset of its body.

    ``heads`` are the last words shared by this heading's clear siblings (simplified characters);
    ``line_only`` is for explicit (Markdown) headings, whose title is the whole line. Traditional
    characters are cut as their simplified form, and the title keeps the notes' own characters.
    """
    simple = simplified(segment)
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

    cutter = Cutter(text, gaps, heads)
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
            or cutter.head_echo(c)
        ):
            strong.append(c)
        elif c in cutter.real_gaps and len([t for t in cutter.tokens if t.end <= c]) >= 2:
            weak.append(c)
    if end == len(rest) and len(text) <= MAX_TITLE_CHARS:
        weak = []  # the next heading follows at once: the title is all there is, its spaces are stray
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
    if hard is not None and hard.group() in "。；;" and (formula := cutter.formula_start()) is not None:
        whole.append(formula)  # "静态会计等式资产=负债+所有者权益。": the sentence is a formula
    whole += [c for c in range(3, min(len(text), MAX_TITLE_CHARS + 1)) if cutter.echo(c)]
    whole += [c for c in range(3, min(len(text), MAX_TITLE_CHARS + 1)) if cutter.title_ok(c) and cutter.verb_object(c)]
    # Of two cuts a short noun apart ("负债与所有者|权益|负债是指…", "合法行政 原则 行政机关…"), the
    # later wins when the body then opens with the title's first words or a kind of its head noun,
    # the title ends on its siblings' head word or a name opens the body: the earlier one cut the
    # title's last noun off.
    surer = [
        c
        for c in strong
        if (text[c : c + 2] == text[:2] or cutter.sibling_head(c) or cutter.named_subject(c) or cutter.head_echo(c))
        and cutter.noun_after_cut(c, sorted({*weak, *strong}))
    ]
    if whole:
        cut, sure = min(whole), True
    elif surer:
        cut, sure = min(surer), True
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
