"""Which numbering family heads which level of a file's outline, inferred from the markers the file
actually uses, not from a rule per convention:

* which families head text and which only number list items: a marker on a short line of its own
  with text below, or (in run-on scraped text) one after a sentence end whose text holds a sentence,
  heads text; one after ``：`` / ``；`` or on a line of list text numbers an item;
* how they nest: a family that restarts under each marker of another (``（一）`` back to one after
  every ``二、``) belongs below it, one that counts on across another's markers above it;
* where the file shows neither, the order Chinese notes conventionally use (the official-document
  hierarchy ``一、`` → ``（一）`` → ``1.`` → ``（1）``, then ``①``).

In each chapter the highest family that counts (two numbers or more) numbers the points and the
next one that heads text the sections; deeper families are items of a unit's text. ``第N章`` (``讲``, ``单元``, or
``部分`` in notes without those) are the chapters. A file without any is cited without a chapter
(``Chapter.implicit``): its top family are the points, so the official hierarchy reads
``一、总论 › （二）…`` with its ``1.`` and ``（1）`` as items, the way its own numbers cite it, and no
``第一章`` the notes never wrote is invented. Decimal labels say their parent themselves: ``x.y.z``
under chapter ``x`` (or its point ``y``), or ``x.y`` under the point numbered ``x`` (``四、`` →
``4.1``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from egov_qa.ingest.candidates import (
    PART_HEADING_MAX_CHARS,
    Candidate,
    heads_line,
    match_candidate,
    opens_sentence,
    starts_line,
)

# The conventional order of the families (the lower, the higher the level), used where the file's
# nesting says nothing.
CONVENTIONAL_RANK = {
    "jie": 1,
    "topic": 1,
    "cn": 2,
    "roman": 2,
    "paren_cn": 3,
    "ar": 4,
    "letter": 4,
    "paren_ar": 5,
    "circled": 6,
    "ar_close": 6,
    "letter_close": 7,
}
# Families notes also number list items with: one of their markers heads a section only when it
# looks like a heading. 一、, 第N节 and Roman numerals number headings only.
ITEM_PRONE = frozenset({"ar", "paren_cn", "paren_ar", "letter", "circled", "ar_close", "letter_close"})
_LIST_LEAD = "：:；;，,、"  # a marker right after these opens a list item
_SENTENCE_END = re.compile(r"[。！？!?]")
_LIST_LINE_MAX_CHARS = 60  # a typed list line ("（一）计划：确定组织的目标…；"), not a scraped run
_MIN_BODY_CHARS = 12  # a heading run into its text is followed by a sentence of some length


@dataclass
class Levels:
    """What the file's markers were found to number (``infer_levels``)."""

    order: list[str]  # the families by level, highest first
    points: dict[int, str]  # chapter number → the family numbering its points
    sections: dict[int, str]  # chapter number → the family numbering its points' sections
    decimal_under_point: bool  # two-level x.y are sections of the point numbered x (四、 → 4.1)
    stray: set[int]  # starts of two-level x.y that are numbers in the text, not sections
    headings: set[int] = field(default_factory=set)  # starts of item-prone markers that head text
    items: set[int] = field(default_factory=set)  # starts of markers that number list items
    heading_families: set[str] = field(default_factory=set)  # item-prone families mostly heading text

    def role(self, chapter: int, c: Candidate) -> str | None:
        """ "point", "section" or None (an item, or a family that numbers nothing here)."""
        if self.points.get(chapter) == c.family:
            return "point"
        if self.sections.get(chapter) == c.family:
            return "section"
        return None

    def heads_text(self, c: Candidate) -> bool:
        """May the marker head a section (not a list item)?"""
        if c.family not in ITEM_PRONE or c.start in self.headings:
            return True
        # one that does not show (its text begins with a list) heads text when its family mostly does
        return c.start not in self.items and c.family in self.heading_families


def _line(text: str, start: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    return line_start, len(text) if line_end < 0 else line_end


def _bare_sibling(line: str, family: str) -> bool:
    """Is the line a marker of the family with a short title and nothing else?"""
    line = line.strip()
    other = match_candidate(line)
    rest = line[other.end :] if other is not None else ""
    return other is not None and other.family == family and len(rest) <= PART_HEADING_MAX_CHARS


def _previous_char(text: str, start: int) -> str:
    """The last character before ``start`` that is not whitespace ("" at the text's start)."""
    i = start - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return text[i] if i >= 0 else ""


def instance_kind(text: str, c: Candidate, next_start: int) -> str:
    """ "heading", "item" or "" (no telling) for one marker; ``next_start`` is where the next
    marker of any family begins."""
    line_start, line_end = _line(text, c.start)
    if starts_line(text, c.start):
        if heads_line(text, c.start, c.end):
            below = text[line_end:].lstrip().split("\n", 1)[0]
            above = text[: max(line_start - 1, 0)].rstrip().rsplit("\n", 1)[-1]
            if _bare_sibling(below, c.family) or _bare_sibling(above, c.family):
                return "item"  # "（一）政治性\n（二）社会性": a list of bare lines
            return "heading"
        if 0 < len(text[c.end : line_end].strip()) <= _LIST_LINE_MAX_CHARS:
            return "item"
    if _previous_char(text, c.start) in _LIST_LEAD:
        return "item"
    segment = text[c.end : next_start]
    if _SENTENCE_END.search(segment) and len(segment.strip()) >= _MIN_BODY_CHARS:
        return "heading"
    return ""


class _Chapters:
    """The chapter each offset falls in, as the builder will accept chapters (a rising number;
    text before the first chapter heading is chapter 1)."""

    def __init__(self, candidates: list[Candidate]) -> None:
        self.starts: list[int] = [0]
        self.numbers: list[int] = [1]
        explicit = False
        current = 1
        for c in candidates:
            if c.family in ("chapter", "part") and (c.number > current or (c.number == 1 and not explicit)):
                current, explicit = c.number, True
                self.starts.append(c.start)
                self.numbers.append(c.number)

    def at(self, offset: int) -> int:
        return self.numbers[bisect_right(self.starts, offset) - 1]

    def index(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1


def _below(lower: list[Candidate], upper: list[Candidate], chapters: _Chapters) -> tuple[int, int]:
    """(restarts, continuations) of ``lower`` with an ``upper`` marker since its last marker: a
    family that starts again at 1 after another's marker nests under it; one that counts on
    across it does not."""
    uppers = sorted(c.start for c in upper)
    restarts = continued = 0
    previous: Candidate | None = None
    for c in lower:
        if previous is not None and chapters.index(previous.start) != chapters.index(c.start):
            previous = None  # a chapter restarts everything
        if previous is not None:
            since = bisect_right(uppers, previous.start)
        else:  # the chapter's first: any marker since the chapter began
            since = bisect_left(uppers, chapters.starts[chapters.index(c.start)])
        between = bisect_right(uppers, c.start) > since
        if between:
            if c.number == 1:
                restarts += 1
            elif previous is not None and c.number > previous.number:
                continued += 1
        previous = c
    return restarts, continued


def _order(families: dict[str, list[Candidate]], chapters: _Chapters) -> list[str]:
    names = sorted(families, key=lambda f: CONVENTIONAL_RANK[f])
    below: set[tuple[str, str]] = set()  # (lower, upper)
    for lower in names:
        for upper in names:
            if lower != upper:
                restarts, continued = _below(families[lower], families[upper], chapters)
                if restarts > continued:
                    below.add((lower, upper))
    order: list[str] = []
    remaining = list(names)
    while remaining:
        tops = [f for f in remaining if not any((f, g) in below and (g, f) not in below for g in remaining)]
        pick = (tops or remaining)[0]  # names are in conventional order
        order.append(pick)
        remaining.remove(pick)
    return order


def infer_levels(text: str, candidates: list[Candidate], headings: bool = False) -> Levels:
    """What each family numbers in this text (``headings``: every candidate is a heading's, as in
    Markdown)."""
    chapters = _Chapters(candidates)
    kinds: dict[int, str] = {}
    for i, c in enumerate(candidates):
        if c.family in ITEM_PRONE:
            next_start = candidates[i + 1].start if i + 1 < len(candidates) else len(text)
            kinds[c.start] = "heading" if headings else instance_kind(text, c, next_start)
    heading_starts = {start for start, kind in kinds.items() if kind == "heading"}
    items = {start for start, kind in kinds.items() if kind == "item"}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    families: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        if c.family in CONVENTIONAL_RANK:
            votes[c.family][kinds.get(c.start, "")] += 1
            families[c.family].append(c)
    # A family that numbers list items too heads sections where its markers head text.
    heading_families = {f for f, v in votes.items() if f not in ITEM_PRONE or v["heading"]}
    order = _order(families, chapters)

    points: dict[int, str] = {}
    for number in set(chapters.numbers):
        present = {f: {c.number for c in cs if chapters.at(c.start) == number} for f, cs in families.items()}
        ranked = [f for f in order if present[f]]
        counting = [f for f in ranked if len(present[f]) >= 2] or ranked
        if counting:
            points[number] = counting[0]
    under_point = _decimal_under_point(candidates, chapters, points)
    stray = stray_two_level(text, candidates, under_point)
    with_decimals = {chapters.at(c.start) for c in candidates if c.family == "decimal" and c.start not in stray}
    sections: dict[int, str] = {}
    for number, point_family in points.items():
        if number in with_decimals:
            continue  # its x.y.z number its sections; its other numbers are items
        below = order[order.index(point_family) + 1 :]
        heading = [
            f
            for f in below
            if f in heading_families
            and any(chapters.at(c.start) == number and c.start not in items for c in families[f])
        ]
        if heading:
            sections[number] = heading[0]
    mostly = {f for f in heading_families if votes[f]["heading"] > votes[f]["item"]}
    return Levels(order, points, sections, under_point, stray, heading_starts, items, mostly)


def _decimal_under_point(candidates: list[Candidate], chapters: _Chapters, points: dict[int, str]) -> bool:
    """Are two-level x.y numbered under their point (x = the point's number) rather than their
    chapter (x = the chapter's number)?"""
    point = chapter = 0
    votes: Counter[str] = Counter()
    for c in candidates:
        if chapters.at(c.start) != chapter:
            chapter, point = chapters.at(c.start), 0
        if c.family == points.get(chapter):
            point = c.number
        elif c.family == "decimal" and c.label.count(".") == 1:
            x = int(c.label.split(".")[0])
            if x == point and x != chapter:
                votes["point"] += 1
            elif x == chapter and x != point:
                votes["chapter"] += 1
    return votes["point"] > votes["chapter"]


def stray_two_level(text: str, candidates: list[Candidate], under_point: bool) -> set[int]:
    """Two-level labels (x.y) that are numbers in the text ("1.5Mb/s", "增长2.4倍"), not sections.

    Notes that number sections x.y write them in runs x.1, x.2, … (a number in the text rarely
    takes the next place in one), and more than one of them; a label that opens a line or a
    sentence is a heading wherever it falls (the notes' own gaps). Notes that number sections
    x.y.z write x.y as the parent of x.y.z labels, or as a leaf heading in the run x.1, x.2, … of
    its chapter (a textbook's "1.1 统计学的含义" before "1.2 统计数据的类型" and its 1.2.1, 1.2.2).
    """
    decimals = [c for c in candidates if c.family == "decimal"]
    deep = [c.label for c in decimals if c.label.count(".") == 2]
    shallow = [c for c in decimals if c.label.count(".") == 1]
    parents = {label.rsplit(".", 1)[0] for label in deep} if not under_point else set()
    headings: set[int] = set()
    next_in_run: dict[int, int] = {}  # x → the y that continues its x.y run
    for c in shallow:
        x, y = map(int, c.label.split("."))
        in_run = y == next_in_run.get(x, 1) or (under_point and y == 1)
        if c.label in parents or in_run or (under_point and opens_sentence(text, c.start)):
            headings.add(c.start)
            next_in_run[x] = y + 1
    if len(headings) < 2 and not deep:
        headings = set()
    return {c.start for c in shallow} - headings
