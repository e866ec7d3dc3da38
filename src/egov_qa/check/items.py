"""The key items of a rubric: the part of a unit that answers the question, split by the notes'
own structure.

A unit's display lines hold lists (``1）…``, ``（一）…``, ``①…``, "term：text" lines, the run-on
``1…2…3…`` lists the display form lays out), series of terms (``原则：适用性原则、经济性原则…``,
``从技术保障、管理保障和基础设施保障等四个方面``) and sentences that introduce what follows
(``核心内容可以总结为：…``). Each such part is led by something: the unit's heading for the whole
unit and its top-level list, the line before a sub-list, the words around a series, a list item's
first clause, the words before a colon. The part a question asks for is the one whose lead (under
the unit's heading) says most of the question, and of those the one whose own lead is most about the
question (a point on 指导思想 and 原则 asked about 原则 gives its principles). A question asking what
X is gets the sentence defining it. Without any list, the unit's distinct claims (its clauses) are
the items.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from egov_qa.ingest.numbering import BARE_NUMBER, SUB_ITEM, TERM_LINE, list_marker
from egov_qa.text import query_bigrams

_SENTENCE = re.compile(r"[^。；;！？!?]+")
_CLAUSE = re.compile(r"[^。；;！？!?，,]+")
_COLON = re.compile(r"[：:]")
_SERIES = re.compile(r"[^、，。；：:,;（）()“”]+(?:、[^、，。；：:,;（）()“”]+)+")
_LAST_JOIN = re.compile(r"(?<=.)(?:以及|和|及|与|或)(?=.)")
_SERIES_TAIL = re.compile(r"(?:等|这|共|几|[一二三四五六七八九十两]+[个种类项大方层])")
_DEFINES = re.compile(r"^(?P<subject>[^，,]{0,30}?)(?:是指|是|指|即)")
_TRAILING = "。；;，,：:、 "
MIN_CLAIM_CHARS = 6  # a shorter clause ("并且", "如下") is part of its neighbour's claim
MIN_ITEM_CLAIMS = 3  # a list item of this many claims may be the part asked for (not "X，Y")
MAX_TERM_CHARS = 12  # a series item longer than this is a clause, not a term
MIN_LEAD_GAIN = 2  # bigrams of the question a part's lead says and the heading does not (a word)
MIN_LEAD_PRECISION = 0.5  # or the share of a part's own lead that the question says
MAX_ITEMS = 10  # more claims than this are joined into longer ones: a rubric is a checklist


@dataclass(frozen=True)
class KeyItems:
    lines: list[str]  # the display lines of the part that answers the question
    items: list[str]  # each a substring of one of those lines
    kind: str  # "list", "series", "claims" or "definition"


@dataclass(frozen=True)
class _Part:
    lead: str  # what leads into it, apart from the unit's heading
    first: int  # the lines it spans
    last: int
    items: list[str]
    kind: str


def item_text(line: str) -> str:
    """A list line without its marker and trailing punctuation ("1）政府信息的公开共享性" →
    "政府信息的公开共享性"; a "term：text" line stays whole)."""
    match = SUB_ITEM.match(line) or BARE_NUMBER.match(line)
    text = line[match.end() :] if match and not TERM_LINE.match(line) else line
    return text.strip().rstrip(_TRAILING).strip() or line.strip()


def _first_sentence(line: str) -> str:
    """A list item as a key item: its first sentence (a scrape may run the next paragraph into the
    last item: "…主动进行的修改。按照维护的对象，…")."""
    text = item_text(line)
    return next(iter(_SENTENCE.findall(text)), text).strip().rstrip(_TRAILING) or text


def claims(text: str, min_chars: int = MIN_CLAIM_CHARS) -> list[str]:
    """The clauses of a text, a short one joined to its neighbour in the same sentence (as the text
    has it: "统一规划，加强领导" is one claim); a text of more than ``MAX_ITEMS`` claims is cut
    into longer ones."""
    found: list[str] = []
    for sentence in _SENTENCE.finditer(text):
        merged: list[tuple[int, int]] = []
        for clause in _CLAUSE.finditer(sentence.group()):
            start, end = clause.span()
            if not clause.group().strip():
                continue
            if merged and (end - start < min_chars or merged[-1][1] - merged[-1][0] < min_chars):
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        found += [sentence.group()[s:e].strip().rstrip(_TRAILING) for s, e in merged]
    found = [c for c in found if c]
    if len(found) > MAX_ITEMS and min_chars < len(text):
        return claims(text, min_chars * 2)
    return found


def _series_in(sentence: str) -> tuple[str, list[str]] | None:
    """A series of three or more short terms in a sentence ("A、B和C", "A、B、C等四个方面"), and
    the rest of the sentence (what leads into it)."""
    best: tuple[str, list[str]] | None = None
    for run in _SERIES.finditer(sentence):
        parts = run.group().split("、")
        size = max(len(p) for p in parts[1:-1]) if len(parts) > 2 else len(parts[-1])
        # The first part starts after its lead-in ("需要从技术保障" → "技术保障"); the last may
        # hold two joined by 和 ("安全保障和基础设施保障") and stops where the series does
        # ("…保障等四个方面来构建", "政府与公务员从网络结构的角度").
        if len(parts[0]) > size + 2:
            parts[0] = parts[0][-size:]
        joined = _LAST_JOIN.split(parts[-1], maxsplit=1)
        if len(joined) == 2 and min(map(len, joined)) >= min(map(len, parts[:-1])) - 1:
            parts[-1:] = joined
        parts[-1] = _series_end(parts[-1], parts[:-1])
        parts = [p.strip().rstrip(_TRAILING) for p in parts]
        if len(parts) >= 3 and all(0 < len(p) <= MAX_TERM_CHARS for p in parts):
            lead = sentence.replace(run.group(), " ")
            if best is None or len(parts) > len(best[1]):
                best = (lead, parts)
    return best


def _series_end(last: str, others: list[str]) -> str:
    """The last term of a series without what follows it: cut before "等/这/四个…", else after
    the ending the other terms share (…阶段, …保障), else at their length."""
    tail = _SERIES_TAIL.search(last)
    if tail and tail.start() > 0:
        return last[: tail.start()]
    size = max(map(len, others))
    if len(last) <= size + 2:
        return last
    shared = min((len(os.path.commonprefix([o[::-1] for o in others]))), 4)
    ending = others[0][-shared:] if shared >= 1 else ""
    at = last.find(ending) if ending else -1
    return last[: at + len(ending)] if at > 0 else last[: size + 1]


def _parts(lines: list[str]) -> list[_Part]:
    """Every list, series, list item of several clauses and "lead：…" sentence of the unit, the
    top-level list first."""
    markers = [list_marker(line) for line in lines]
    found: list[_Part] = []
    styles = [m[0] for m in markers if m]
    top = styles[0] if styles else None
    rows = [n for n, m in enumerate(markers) if m and m[0] == top]
    if len(rows) >= 2:
        found.append(_Part("", 0, len(lines) - 1, [_first_sentence(lines[n]) for n in rows], "list"))
    n = 0
    while n < len(lines):  # runs of lines numbered in another style: a sub-list, led by the line before
        marker = markers[n]
        if marker is None or marker[0] == top:
            n += 1
            continue
        end = n
        while end + 1 < len(lines) and (after := markers[end + 1]) is not None and after[0] == marker[0]:
            end += 1
        if end > n:
            lead = item_text(lines[n - 1]) if n else ""
            found.append(_Part(lead, max(n - 1, 0), end, [_first_sentence(x) for x in lines[n : end + 1]], "list"))
        n = end + 1
    for n, line in enumerate(lines):
        text = item_text(line)
        for sentence in _SENTENCE.findall(text):
            series = _series_in(sentence)
            if series:
                found.append(_Part(series[0], n, n, series[1], "series"))
            if _COLON.search(sentence):  # "核心内容可以总结为：…": what follows the colon
                lead, rest = _COLON.split(sentence, maxsplit=1)
                said = claims(rest)
                if len(said) >= 2:
                    found.append(_Part(lead, n, n, said, "claims"))
        said = claims(text)
        if n in rows and len(said) >= MIN_ITEM_CLAIMS:  # a list item of several claims, led by its first
            found.append(_Part(said[0], n, n, said, "claims"))
    return found


def _definition(lines: list[str], asked: set[str]) -> _Part | None:
    """The sentence of the unit that says what something is, the one most about the question."""
    best: tuple[int, _Part] | None = None
    for n, line in enumerate(lines):
        for sentence in _SENTENCE.findall(item_text(line)):
            defines = _DEFINES.match(sentence.strip())
            if defines is None:
                continue
            score = len(asked & set(query_bigrams(defines.group("subject"))))
            part = _Part(defines.group("subject"), n, n, claims(sentence), "claims")
            if best is None or score > best[0]:
                best = (score, part)
    return best[1] if best else None


def _fit(asked: set[str], heading: set[str], part: _Part) -> tuple[int, float]:
    """How well a part's lead names what the question asks: how much of the question its lead
    and the heading above it say, then how much of its own lead is about the question."""
    own = set(query_bigrams(part.lead)) or heading
    return len(asked & (heading | own)), len(asked & own) / len(own) if own else 0.0


def _names(asked: set[str], heading: set[str], part: _Part) -> bool:
    own = set(query_bigrams(part.lead))
    return len((asked & own) - heading) >= MIN_LEAD_GAIN or _fit(asked, heading, part)[1] >= MIN_LEAD_PRECISION


def key_items(lines: list[str], heading: str, question: str | None = None, defines: bool = False) -> KeyItems:
    """The part of a unit (its display ``lines`` under ``heading``) that answers ``question`` (None:
    the whole unit), as key items; ``defines``: the question asks what something is."""
    asked = set(query_bigrams(question)) if question else set()
    if defines:
        definition = _definition(lines, asked)
        if definition is not None and len(definition.items) >= 2:
            return KeyItems(lines[definition.first : definition.last + 1], definition.items, "definition")
    parts = _parts(lines)
    whole = parts[0] if parts and parts[0].kind == "list" else _Part("", 0, len(lines) - 1, [], "claims")
    chosen = whole
    if asked:
        above = set(query_bigrams(heading))
        # Under a top-level list, a part inside it must name what the question asks beyond the
        # heading (a word of it), or be mostly about the question, to replace the list.
        inside = [p for p in parts if not whole.items or _names(asked, above, p)]
        best = max([whole, *inside], key=lambda p: _fit(asked, above, p))
        if _fit(asked, above, best) > _fit(asked, above, whole):
            chosen = best
    if not chosen.items:  # the unit's claims (never across lines: each stays inside one)
        return KeyItems(lines, claims("。".join(item_text(line) for line in lines)), "claims")
    return KeyItems(lines[chosen.first : chosen.last + 1], chosen.items, chosen.kind)
