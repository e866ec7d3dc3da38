"""Notes text → the markers that open the outline's chapters, points and sections.

The candidates (``candidates``) are accepted or rejected in document order, from the state so far
and from what ``levels`` found each family to number in this file:
  * ``第X章`` / ``第N章`` (lecture notes: ``第N讲``, ``第N单元``) opens a chapter when its number is
    higher than the current one; text before the first chapter heading is chapter 1.
  * The chapter's point family opens a point when its number does not go below the last point
    (gaps and duplicates are the notes' own); ``N.`` only when it is the next point number and
    not the next item of a ``1. 2. 3.`` list already running inside the point. ``第N节`` / ``考点N``
    points count on from the chapter's last one, and are labelled so (``第一节 …``).
  * The chapter's section family opens a section of the current point, labelled as the notes
    number it (``（一）``, ``一、``, ``A.``); a marker of a family that also numbers list items
    only when it heads text (``levels.instance_kind``).
  * ``x.y.z`` / ``x.y`` (x = the chapter) opens a section. It belongs to the current point
    unless that point already holds sections of another ``x.y`` group; then, and when no point
    is open, it sits under the chapter with ``point: null``. In notes whose ``x.y`` count under
    their point (``四、`` → ``4.1``) they are its sections. A two-level ``x.y`` that takes no place
    in a run ``x.1, x.2, …`` is a number in the text ("1.5Mb/s", "2.4GHz").
Markdown headings (``#``) are read the same way, one heading per line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from egov_qa.ingest.candidates import Candidate, find_candidates, heads_line, match_candidate, opens_sentence
from egov_qa.ingest.levels import Levels, infer_levels
from egov_qa.lexicon import parse_number

_MD_HEADING = re.compile(r"^(#{1,6})[ \t]*(.*)$", re.MULTILINE)
_LINE_POINT = re.compile(r"^[ \t]*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*、", re.MULTILINE)


@dataclass
class Marker:
    kind: str  # chapter | point | section
    number: int | str
    start: int
    end: int  # end of the marker itself (title follows)
    under_point: bool = False  # sections only: inside the current numbered point
    line_heading: bool = False  # a whole "#" line: its title is the rest of the line
    label: str | None = None  # a chapter's word (章, 讲), a point's own numbering ("第一节", "II.")
    family: str = ""  # the numbering family that opened it (candidates.STYLES)


class _Builder:
    """Accept or reject marker candidates in document order."""

    def __init__(self) -> None:
        self.markers: list[Marker] = []
        self.chapter = 1
        self.explicit_chapter = False
        self.last_point: int | None = None
        self.point_groups: list[str] = []  # x.y groups of the current point's sections
        self.in_point = False
        self.dot_run: int | None = None  # last number of a running "1. 2. 3." list
        self.last_jie: int | None = None  # the chapter's last 第N节 / 考点N
        self.part_family: str | None = None  # how the current point numbers its parts
        self.last_part = 0  # and its last part's number

    def _open(self, kind: str, number: int | str, start: int, end: int, family: str) -> Marker:
        self.markers.append(Marker(kind, number, start, end, family=family))
        self.dot_run = None
        if kind != "section":
            self.part_family, self.last_part = None, 0
        return self.markers[-1]

    def chapter_marker(self, number: int, start: int, end: int, word: str = "章", family: str = "chapter") -> bool:
        first = not self.explicit_chapter and number == 1 and self.last_point is None
        if number <= self.chapter and not first:
            return False
        self.chapter, self.explicit_chapter = number, True
        self.last_point, self.point_groups, self.in_point, self.last_jie = None, [], False, None
        self._open("chapter", number, start, end, family).label = word
        return True

    def point_marker(
        self, number: int, dotted: bool, start: int, end: int, family: str = "ar", label: str | None = None
    ) -> bool:
        if dotted:
            expected = 1 if self.last_point is None else self.last_point + 1
            continues_list = self.dot_run is not None and number == self.dot_run + 1
            if (
                number != expected
                or continues_list
                or (self.last_point is None and self.markers and self.markers[-1].kind == "section")
            ):
                self.dot_run = number
                return False
        elif self.last_point is not None and number < self.last_point:
            return False
        self.last_point, self.point_groups, self.in_point = number, [], True
        self._open("point", number, start, end, family).label = label
        return True

    def jie_marker(self, number: int, label: str, start: int, end: int, again: bool = False) -> bool:
        """第N节 / 考点N: a point of the chapter, numbered on from its last one (``again``: the same
        number may repeat, as the notes' own duplicate)."""
        if self.last_jie is not None and (number < self.last_jie or (number == self.last_jie and not again)):
            return False
        self.last_jie = self.last_point = number
        self.point_groups, self.in_point = [], True
        self._open("point", number, start, end, "topic" if label[0] != "第" else "jie").label = label
        return True

    def part_marker(
        self, family: str, number: int, label: str, start: int, end: int, consecutive: bool = False
    ) -> bool:
        """A section of the current point numbered by the point's part family ("（一）", "1、",
        "一、" under a 节): numbered on from the point's last part (gaps and repeats are the notes'
        own; ``consecutive``: only the next number), all its parts numbered alike."""
        if not self.in_point or self.part_family not in (None, family):
            return False
        if number < self.last_part or (consecutive and number != self.last_part + 1):
            return False
        self.part_family, self.last_part = family, number
        self._open("section", label, start, end, family).under_point = True
        return True

    def section_marker(self, label: str, start: int, end: int, under_point_number: bool = False) -> bool:
        parts = label.split(".")
        if under_point_number:  # "4.1" under "四、": a section of the point numbered 4
            if len(parts) != 2 or not self.in_point or int(parts[0]) != self.last_point:
                return False
            self._open("section", label, start, end, "decimal").under_point = True
            return True
        if int(parts[0]) != self.chapter:
            return False
        group = ".".join(parts[:2]) if len(parts) == 3 else parts[0]
        if self.in_point and self.point_groups and group not in self.point_groups:
            self.in_point = False  # a new x.y group: no numbered point above it
        if self.in_point:
            self.point_groups.append(group)
        self._open("section", label, start, end, "decimal").under_point = self.in_point
        return True


def scan_plain(text: str) -> list[Marker]:
    candidates = find_candidates(text)
    levels = infer_levels(text, candidates)
    builder = _Builder()
    for c in candidates:
        if c.family in ("chapter", "part"):
            builder.chapter_marker(c.number, c.start, c.end, c.label, c.family)
        elif c.family == "decimal":
            if c.start not in levels.stray:
                builder.section_marker(c.label, c.start, c.end, levels.decimal_under_point)
        else:
            _numbered(text, c, levels, builder)
    for marker in builder.markers:
        # typed notes: a heading on a short line of its own is titled by the whole line (its
        # siblings' shared head word cuts only titles run into their text)
        marker.line_heading = heads_line(text, marker.start, marker.end)
    return builder.markers


def _numbered(text: str, c: Candidate, levels: Levels, builder: _Builder) -> None:
    """A numbered marker (一、 1、 第一节 （一） I. A. ① …) as what its family numbers in the chapter."""
    role = levels.role(builder.chapter, c)
    if role == "point":
        if c.family in ("jie", "topic"):
            builder.jie_marker(c.number, c.label, c.start, c.end, again=opens_sentence(text, c.start))
        elif c.family in ("ar", "cn"):  # labelled "三、" (outline.py) or "3、"
            builder.point_marker(c.number, c.sep == ".", c.start, c.end, c.family)
        else:
            builder.point_marker(c.number, False, c.start, c.end, c.family, c.label)
    elif role == "section" and levels.heads_text(c):
        builder.part_marker(c.family, c.number, c.label, c.start, c.end)


def scan_markdown(text: str) -> list[Marker]:
    """Markdown headings carry the structure: a numbered heading is a candidate of its family and
    what each family numbers is inferred as in plain text (every heading heads text); a heading
    whose family numbers nothing here (an item's heading, "#### 1. 会计主体" under "### （三）") stays
    text of its unit.

    Unnumbered top-level headings are the chapters when no heading is numbered 第X章 (Word's
    automatic numbering is not text; otherwise a "# …" line is the document's title) and unnumbered
    lower headings are points. When no heading is below chapter level (a Word file whose chapters
    alone are styled), points typed at the start of a paragraph ("1、…", "一、…") count as well.
    """
    builder = _Builder()
    headings = list(_MD_HEADING.finditer(text))
    numbered = {m.start(): c for m in headings if (c := _heading_number(m)) is not None}
    parts_chapter = not any(c.family == "chapter" for c in numbered.values())
    if not parts_chapter:  # "# 第一部分 …" above "## 第一章 …": a grouping heading, read as unnumbered
        numbered = {start: c for start, c in numbered.items() if c.family != "part"}
    numbered_chapters = any(c.family in ("chapter", "part") for c in numbered.values())
    line_points = [] if any(len(m.group(1)) > 1 for m in headings) else list(_LINE_POINT.finditer(text))
    levels = infer_levels(text, _md_candidates(headings, numbered, line_points, numbered_chapters), headings=True)
    events = [(m.start(), m, True) for m in headings] + [(m.start(), m, False) for m in line_points]
    for _, m, is_heading in sorted(events, key=lambda e: e[0]):
        if not is_heading:
            family = "ar" if m.group(1).isdigit() else "cn"
            builder.point_marker(parse_number(m.group(1)), False, m.start(), m.end(), family)
            continue
        content_start = m.start(2)
        inner = numbered.get(m.start())
        if inner is not None:
            _md_numbered(builder, inner, levels, m.start())
        elif len(m.group(1)) == 1 and not numbered_chapters and m.group(2).strip():
            number = builder.chapter + int(builder.explicit_chapter)
            builder.chapter_marker(number, m.start(), content_start, family="heading")
        elif len(m.group(1)) > 1 and (builder.explicit_chapter or not numbered_chapters):
            builder.point_marker((builder.last_point or 0) + 1, False, m.start(), content_start, "heading")
        if builder.markers and builder.markers[-1].start == m.start():
            builder.markers[-1].line_heading = True
    return builder.markers


def _heading_number(m: re.Match[str]) -> Candidate | None:
    """The number a Markdown heading begins with, as a candidate where it stands in the text."""
    c = match_candidate(m.group(2))
    if c is None:
        return None
    return Candidate(c.family, c.number, c.label, m.start(2) + c.start, m.start(2) + c.end, c.sep)


def _md_candidates(
    headings: list[re.Match[str]],
    numbered: dict[int, Candidate],
    line_points: list[re.Match[str]],
    numbered_chapters: bool,
) -> list[Candidate]:
    """What the levels are inferred from: the headings' numbers, unnumbered top headings as the
    chapters they become, and points typed at a paragraph's start."""
    found = list(numbered.values())
    if not numbered_chapters:
        tops = [m for m in headings if len(m.group(1)) == 1 and m.group(2).strip() and m.start() not in numbered]
        found += [Candidate("chapter", n, "章", m.start(), m.start(2)) for n, m in enumerate(tops, 1)]
    for m in line_points:
        family = "ar" if m.group(1).isdigit() else "cn"
        found.append(Candidate(family, parse_number(m.group(1)), f"{m.group(1)}、", m.start(1), m.end(), "、"))
    return sorted(found, key=lambda c: c.start)


def _md_numbered(builder: _Builder, c: Candidate, levels: Levels, start: int) -> None:
    """A numbered Markdown heading (its "#" marks from ``start``) as what its family numbers."""
    if c.family in ("chapter", "part"):
        builder.chapter_marker(c.number, start, c.end, c.label, c.family)
    elif c.family == "decimal":
        builder.section_marker(c.label, start, c.end, levels.decimal_under_point)
    elif (role := levels.role(builder.chapter, c)) == "point":
        if c.family in ("jie", "topic"):  # a heading's repeated number is the notes' own duplicate
            builder.jie_marker(c.number, c.label, start, c.end, again=True)
        else:
            builder.point_marker(c.number, False, start, c.end, c.family, None if c.family in ("ar", "cn") else c.label)
    elif role == "section":
        builder.part_marker(c.family, c.number, c.label, start, c.end)
