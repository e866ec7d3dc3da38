"""Notes text → Outline (Document → Chapter → Point → Section).

Markers are found anywhere in the text, not only at line starts, because scraped notes run
everything into one line. Each candidate is accepted or rejected from the state so far:
  * ``第X章`` / ``第N章`` (lecture notes: ``第N讲``, ``第N单元``) opens a chapter when its number is
    higher than the current one;
    text before the first chapter heading is chapter 1.
  * ``N、`` / ``一、`` opens a point when N is not below the last point (gaps and duplicates are
    the notes' own); ``N.`` only when it is the next point number and not the next item of a
    ``1. 2. 3.`` list already running inside the point. A Chinese numeral that ends a word
    (``统一、`` ``之一、``) is no marker; in a chapter whose points are ``一、 二、 …``, Arabic
    ``1、 2、`` are items inside a point (Chinese notes rank 一、 above 1、).
  * ``第N节`` opens a point (numbered on from the chapter's last 节); inside a 节, ``一、`` / ``1、``
    open its sections, labelled as the notes number them (``一、``), and ``1.`` is an item.
  * ``x.y.z`` / ``x.y`` (x = the chapter) opens a section. It belongs to the current point
    unless that point already holds sections of another ``x.y`` group; then, and when no point
    is open, it sits under the chapter with ``point: null``. A two-level ``x.y`` in notes whose
    sections are ``x.y.z`` is a number in the text ("1.5Mb/s", "2.4GHz") unless it heads x.y.z
    sections; in notes with only two-level labels, a single one is a number too.
Markdown headings (``#``) are read the same way, one heading per line.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from egov_qa.ingest.headings import is_word
from egov_qa.lexicon import CHAPTER_WORD, CN_NUMERAL, CN_SMALL, PART_WORD, TOPIC_WORD, parse_number

_PAREN_NUMERAL = f"[{CN_SMALL}]{{1,3}}"  # "（一）" … "（十二）"

_MARKER = re.compile(
    rf"(?P<chapter>第\s*(?P<chnum>[{CN_NUMERAL}]{{1,4}}|\d{{1,3}})\s*(?P<chword>{CHAPTER_WORD}|{PART_WORD}))"
    rf"|(?P<jie>第\s*(?P<jnum>[{CN_NUMERAL}]{{1,3}}|\d{{1,2}})\s*节|{TOPIC_WORD}\s*(?P<tnum>\d{{1,2}}|[{CN_SMALL}]{{1,3}}))"
    r"(?![课次])"
    r"|(?P<section>(?<![\d.．])(?P<sec>\d{1,2}[.．]\d{1,2}(?:[.．]\d{1,2})?)(?![\d.．])"
    r"(?=\s*[\u4e00-\u9fffA-Za-z（(“\"]))"
    rf"|(?P<point>(?<![\d.．(（])(?P<pnum>\d{{1,2}}|[{CN_SMALL}]{{1,3}})\s*(?P<psep>[、.．])(?!\d))"
    rf"|(?P<paren>[（(]\s*(?P<parnum>{_PAREN_NUMERAL})\s*[)）])"
)
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]*(.*)$", re.MULTILINE)
# A "（一）" (or under "一、" a "1、") that opens a short line of its own heads a part of its point
# ("（一）公共政策的含义"); one followed by text on its line is a list item ("（一）计划：确定组织的目标…；").
PART_HEADING_MAX_CHARS = 30
_SENTENCE_PUNCTUATION = re.compile(r"[，,。；;：:！？!?]")
_PAREN = re.compile(rf"[（(]\s*{_PAREN_NUMERAL}\s*[)）]")
_DIGIT_PART = re.compile(r"\d{1,2}\s*、")
_LINE_POINT = re.compile(rf"^[ \t]*(\d{{1,2}}|[{CN_SMALL}]{{1,3}})\s*、", re.MULTILINE)


@dataclass
class Marker:
    kind: str  # chapter | point | section
    number: int | str
    start: int
    end: int  # end of the marker itself (title follows)
    under_point: bool = False  # sections only: inside the current numbered point
    line_heading: bool = False  # a whole "#" line: its title is the rest of the line
    label: str | None = None  # a chapter's word (章, 讲), a 节 point's "第一节"


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
        self.last_jie: int | None = None  # the chapter's last 第N节: its 一、 二、 are that 节's sections
        self.part_style: str | None = None  # how the current point numbers its parts: "（）" or "、"
        self.last_part = 0  # and its last part's number

    def _open(self, kind: str, number: int | str, start: int, end: int) -> None:
        self.markers.append(Marker(kind, number, start, end))
        self.dot_run = None
        if kind != "section":
            self.part_style, self.last_part = None, 0

    def chapter_marker(self, number: int, start: int, end: int, word: str = "章") -> bool:
        first = not self.explicit_chapter and number == 1 and self.last_point is None
        if number <= self.chapter and not first:
            return False
        self.chapter, self.explicit_chapter = number, True
        self.last_point, self.point_groups, self.in_point, self.last_jie = None, [], False, None
        self._open("chapter", number, start, end)
        self.markers[-1].label = word
        return True

    def point_marker(self, number: int, dotted: bool, start: int, end: int) -> bool:
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
        self._open("point", number, start, end)
        return True

    def jie_marker(self, number: int, label: str, start: int, end: int) -> bool:
        """第N节: a point of the chapter, numbered on from its last 节."""
        if self.last_jie is not None and number <= self.last_jie:
            return False
        self.last_jie = self.last_point = number
        self.point_groups, self.in_point = [], True
        self._open("point", number, start, end)
        self.markers[-1].label = label
        return True

    def jie_item_marker(self, label: str, start: int, end: int) -> None:
        """ "一、" / "1、" inside a 节: a section of it, labelled as the notes number it (and the 节's
        parts are numbered so: a "（一）" below is an item of it)."""
        self._open("section", label, start, end)
        self.markers[-1].under_point = True
        self.part_style = "节"

    def part_marker(self, style: str, number: int, label: str, start: int, end: int) -> bool:
        """ "（一）" (or "1、" under "一、") heading a part of the current point: a section of it,
        numbered on from the point's last part, all its parts numbered alike."""
        if not self.in_point or self.part_style not in (None, style) or number != self.last_part + 1:
            return False
        self.part_style, self.last_part = style, number
        self._open("section", label, start, end)
        self.markers[-1].under_point = True
        return True

    def section_marker(self, label: str, start: int, end: int) -> bool:
        parts = label.split(".")
        if int(parts[0]) != self.chapter:
            return False
        group = ".".join(parts[:2]) if len(parts) == 3 else parts[0]
        if self.in_point and self.point_groups and group not in self.point_groups:
            self.in_point = False  # a new x.y group: no numbered point above it
        if self.in_point:
            self.point_groups.append(group)
        self._open("section", label, start, end)
        self.markers[-1].under_point = self.in_point
        return True


def _in_word(text: str, m: re.Match[str]) -> bool:
    """A Chinese numeral that ends a word ("统一、" "之一、" "第二、"), not a point number."""
    i = m.start("pnum")
    return any(is_word(text[i - k : i + 1]) for k in (1, 2) if i - k >= 0)


def _starts_line(text: str, m: re.Match[str]) -> bool:
    return not text[text.rfind("\n", 0, m.start()) + 1 : m.start()].strip()


def _heads_line(text: str, m: re.Match[str], sibling: re.Pattern[str]) -> bool:
    """Does the marker open a short line of its own with no sentence punctuation, with text of its
    own below it, not a ``sibling`` marker (a heading; "（一）计划\n（二）组织\n…" is a list)?"""
    line_end = text.find("\n", m.end())
    line_end = len(text) if line_end < 0 else line_end
    rest = text[m.end() : line_end].strip()
    below = text[line_end:].lstrip()
    return (
        _starts_line(text, m)
        and 0 < len(rest) <= PART_HEADING_MAX_CHARS
        and not _SENTENCE_PUNCTUATION.search(rest)
        and bool(below)
        and not sibling.match(below)
    )


def _is_part_word(m: re.Match[str]) -> bool:
    return re.fullmatch(PART_WORD, m.group("chword")) is not None


def _parts_are_chapters(candidates: list[re.Match[str]]) -> bool:
    """第一部分 / 第一篇 are the chapters of notes that have no 第N章 (讲, 单元); in notes that do,
    they group chapters (or are words of the text) and number nothing."""
    return not any(m.group("chapter") and not _is_part_word(m) for m in candidates)


def _paren_label(m: re.Match[str]) -> str:
    """ "( 一 )" / "（一）" → "（一）"."""
    return f"（{m.group('parnum')}）"


def _jie_number(m: re.Match[str]) -> int:
    """The number of a 第N节 or of a 考点N / 知识点N."""
    return parse_number(m.group("jnum") or m.group("tnum"))


def _compact(marker: str) -> str:
    return re.sub(r"\s+", "", marker)


def _section_label(m: re.Match[str]) -> str:
    return re.sub("[.．]", ".", m.group("sec"))


def _stray_two_level(candidates: list[re.Match[str]]) -> set[str]:
    """Two-level labels (x.y) that are numbers in the text ("1.5Mb/s", "增长2.4倍"), not sections.

    Notes that number sections x.y use more than one of them. Notes that number sections x.y.z
    write x.y as the parent of x.y.z labels, or as a leaf heading in the run x.1, x.2, … of its
    chapter (a textbook's "1.1 统计学的含义" before "1.2 统计数据的类型" and its 1.2.1, 1.2.2): a
    number in the text rarely takes the next place in that run.
    """
    labels = [_section_label(m) for m in candidates if m.group("section")]
    deep = [label for label in labels if label.count(".") == 2]
    shallow = [label for label in labels if label.count(".") == 1]
    if not deep:
        return set(shallow) if len(set(shallow)) < 2 else set()
    parents = {label.rsplit(".", 1)[0] for label in deep}
    headings: set[str] = set()
    next_in_run: dict[int, int] = {}  # chapter → the y that continues its x.y run
    for label in shallow:
        chapter, y = map(int, label.split("."))
        if label in parents or y == next_in_run.get(chapter, 1):
            headings.add(label)
            next_in_run[chapter] = y + 1
    return set(shallow) - headings


def _cn_point_chapters(candidates: list[re.Match[str]]) -> set[int]:
    """Chapters whose points are numbered 一、 二、 … (the chapter's first numbered marker is 一、
    and 二、 follows): there, 1、 2、 … are items inside a point (Chinese notes rank 一、 above 1、)."""
    chapter, explicit = 1, False
    first: dict[int, bool] = {}  # chapter → its first point-like marker is a Chinese numeral
    cn: defaultdict[int, set[int]] = defaultdict(set)
    for m in candidates:
        if m.group("chapter"):
            number = parse_number(m.group("chnum"))
            if number > chapter or (number == 1 and not explicit):
                chapter, explicit = number, True
        elif m.group("point"):
            chinese = not m.group("pnum").isdigit()
            if chinese and m.group("psep") != "、":
                continue
            first.setdefault(chapter, chinese)
            if chinese:
                cn[chapter].add(parse_number(m.group("pnum")))
    return {c for c, numbers in cn.items() if first.get(c) and {1, 2} <= numbers}


def scan_plain(text: str) -> list[Marker]:
    builder = _Builder()
    candidates = [
        m
        for m in _MARKER.finditer(text)
        if not (m.group("point") and not m.group("pnum").isdigit() and _in_word(text, m))
    ]
    # "第一部分" is a chapter only as a heading line: "报告的第一部分…" in a sentence is none
    parts_are_chapters = _parts_are_chapters(candidates)
    candidates = [
        m
        for m in candidates
        if not (m.group("chapter") and _is_part_word(m) and not (parts_are_chapters and _starts_line(text, m)))
    ]
    stray = _stray_two_level(candidates)
    cn_chapters = _cn_point_chapters(candidates)
    for m in candidates:
        if m.group("chapter"):
            builder.chapter_marker(parse_number(m.group("chnum")), m.start(), m.end(), m.group("chword"))
        elif m.group("jie"):
            builder.jie_marker(_jie_number(m), _compact(m.group("jie")), m.start(), m.end())
        elif m.group("section"):
            if _section_label(m) not in stray:
                builder.section_marker(_section_label(m), m.start(), m.end())
        elif m.group("paren"):
            if _heads_line(text, m, _PAREN):
                builder.part_marker("（）", parse_number(m.group("parnum")), _paren_label(m), m.start(), m.end())
        else:
            sep = m.group("psep")
            number = m.group("pnum")
            if sep != "、" and not number.isdigit():
                continue
            if number.isdigit() and builder.chapter in cn_chapters:
                # under "一、": a "1、" heading a line of its own is a part of it, else a list item
                if sep == "、" and _heads_line(text, m, _DIGIT_PART):
                    builder.part_marker("、", int(number), f"{number}、", m.start(), m.end())
                continue
            if builder.last_jie is not None:  # inside a 节: "一、" is a section, "1." an item
                if sep == "、":
                    builder.jie_item_marker(f"{number}、", m.start(), m.end())
                continue
            builder.point_marker(parse_number(number), sep != "、", m.start(), m.end())
    return builder.markers


def scan_markdown(text: str) -> list[Marker]:
    """Markdown headings carry the structure; their text is parsed like any heading.

    When no heading is below chapter level (a Word file whose chapters alone are styled), points
    typed at the start of a paragraph ("1、…", "一、…") count as well.
    """
    builder = _Builder()
    headings = list(_MD_HEADING.finditer(text))
    inners = [inner for m in headings if (inner := _MARKER.match(m.group(2)))]
    parts_are_chapters = _parts_are_chapters(inners)
    numbered_chapters = any(
        inner.group("chapter") and (parts_are_chapters or not _is_part_word(inner)) for inner in inners
    )
    events: list[tuple[int, re.Match[str], bool]] = [(m.start(), m, True) for m in headings]
    if not any(len(m.group(1)) > 1 for m in headings):
        events += [(m.start(), m, False) for m in _LINE_POINT.finditer(text)]
    cn_point_level: int | None = None  # heading level of the current "一、" point
    for _, m, is_heading in sorted(events, key=lambda e: e[0]):
        if not is_heading:
            builder.point_marker(parse_number(m.group(1)), False, m.start(), m.end())
            continue
        content_start = m.start(2)
        level = len(m.group(1))
        inner = _MARKER.match(m.group(2))
        if inner is not None and inner.group("chapter") and _is_part_word(inner) and not parts_are_chapters:
            inner = None  # "# 第一部分 …" above "## 第一章 …": a grouping heading, read as unnumbered
        part = _md_part(inner, level, cn_point_level)
        if part is not None and inner is not None:  # "### （一）…" or "### 1、…" under "## 一、…"
            if builder.part_marker(*part, m.start(), content_start + inner.end()):
                builder.markers[-1].line_heading = True
                continue
            if inner.group("paren"):  # a "（一）" heading that heads no part is read as unnumbered
                inner = None
        if inner is None:
            if level == 1 and not numbered_chapters and m.group(2).strip():
                # Unnumbered top headings are the chapters (Word's automatic numbering is not
                # text); with numbered chapters elsewhere, a "# …" line is the document's title.
                builder.chapter_marker(builder.chapter + int(builder.explicit_chapter), m.start(), content_start)
            elif level > 1 and (builder.explicit_chapter or not numbered_chapters):
                builder.point_marker((builder.last_point or 0) + 1, False, m.start(), content_start)
        else:
            end = content_start + inner.end()
            if inner.group("chapter"):
                builder.chapter_marker(parse_number(inner.group("chnum")), m.start(), end, inner.group("chword"))
            elif inner.group("jie"):
                builder.jie_marker(_jie_number(inner), _compact(inner.group("jie")), m.start(), end)
            elif inner.group("section"):
                builder.section_marker(re.sub("[.．]", ".", inner.group("sec")), m.start(), end)
            elif builder.last_jie is not None and inner.group("psep") == "、":
                builder.jie_item_marker(f"{inner.group('pnum')}、", m.start(), end)
            elif builder.point_marker(parse_number(inner.group("pnum")), False, m.start(), end):
                cn_point_level = None if inner.group("pnum").isdigit() else level
        if builder.markers and builder.markers[-1].start == m.start():
            builder.markers[-1].line_heading = True
            if builder.markers[-1].kind == "chapter":
                cn_point_level = None
    return builder.markers


def _md_part(inner: re.Match[str] | None, level: int, cn_point_level: int | None) -> tuple[str, int, str] | None:
    """(style, number, label) of a Markdown heading that may head a part of the current point:
    "（一）…", or "1、…" below the level of a "一、" point."""
    if inner is None:
        return None
    if inner.group("paren"):
        return "（）", parse_number(inner.group("parnum")), _paren_label(inner)
    if (
        inner.group("point")
        and inner.group("pnum").isdigit()
        and inner.group("psep") == "、"
        and cn_point_level is not None
        and level > cn_point_level
    ):
        return "、", int(inner.group("pnum")), f"{inner.group('pnum')}、"
    return None
