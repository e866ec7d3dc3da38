"""The five made-up courses of tests/data/unseen re-typed in other numbering schemes, in a clean
form (one heading a line), as Markdown (each heading a "#" heading of its level) and a scraped form
(``make_fixtures.scrape``: run-on headings, stray spaces, mixed punctuation width, the site's
numbered page fragments and boilerplate), with each course's gold outline mapped to the scheme's
labels.

A scheme numbers the course's three levels (chapter, point, section). Notes with a chapter word
(第N章, 第N部分) keep the outline's three levels; notes without one are cited without a chapter
(``Chapter.implicit``), so their top level is the outline's points, the next its sections and the
course's sections are items inside them (``一、总论 › （三）会计基本假设``, its ``1.`` lines items).
A body list numbered like one of the scheme's levels is re-typed into the scheme's item style, as
an author using that level for headings would write it.
"""

from __future__ import annotations

import importlib.util
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from egov_qa.lexicon import CIRCLED, LETTER_NUMERALS, ROMAN_NUMERALS, chinese_numeral, parse_number
from helpers import UNSEEN

COURSES = ["accounting", "management", "network", "admin_law", "marketing"]

_spec = importlib.util.spec_from_file_location("make_fixtures", UNSEEN / "make_fixtures.py")
assert _spec is not None and _spec.loader is not None
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)


@dataclass
class Unit:
    """A chapter, point or section of a course: its number as written, title and body lines."""

    numeral: str
    title: str
    body: list[str] = field(default_factory=list)
    children: list[Unit] = field(default_factory=list)

    @property
    def number(self) -> int:
        return parse_number(self.numeral)


@dataclass
class Course:
    name: str
    preamble: list[str]  # the document's title line(s) before chapter 1
    chapters: list[Unit]


def read_course(name: str) -> Course:
    md = (UNSEEN / f"{name}.md").read_text(encoding="utf-8")
    course = Course(name, [], [])
    body = course.preamble
    for kind, marker, text in fixtures.course_pieces(md, set()):
        if kind == "chapter":
            course.chapters.append(Unit(re.sub(r"^第|章$", "", marker), text))
            body = course.chapters[-1].body
        elif kind == "point":
            course.chapters[-1].children.append(Unit(marker.rstrip("、"), text))
            body = course.chapters[-1].children[-1].body
        elif kind == "section":
            course.chapters[-1].children[-1].children.append(Unit(marker.rsplit(".", 1)[1], text))
            body = course.chapters[-1].children[-1].children[-1].body
        else:
            body.append(text)
    return course


# --- body list items ---------------------------------------------------------------------------------

# The list markers course bodies use, by family.
ITEM_FAMILIES = {
    "（一）": re.compile(r"[（(]([一二三四五六七八九十]{1,2})[)）]"),
    "（1）": re.compile(r"[（(](\d{1,2})[)）]"),
    "1、": re.compile(r"(?<![\d.A-Za-z])(\d{1,2})[、.．](?!\d)"),
    "①": re.compile(r"([①-⑳])"),
    "a）": re.compile(r"(?<![A-Za-z])([a-h])[)）]"),
}


def _item_number(family: str, numeral: str) -> int:
    if family == "①":
        return CIRCLED.index(numeral) + 1
    if family == "a）":
        return ord(numeral) - ord("a") + 1
    return parse_number(numeral)


ItemStyle = Callable[[int], str]


def paren_arabic(n: int) -> str:
    return f"（{n}）"


def letter(n: int) -> str:
    return f"{'abcdefgh'[n - 1]}）"


# --- schemes -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scheme:
    """How a scheme numbers the course's chapters (None: no chapter headings; the chapters become
    the outline's points), points (by point number and chapter) and sections (by their place k in
    the point, the point and the chapter), and which body list families it re-types."""

    chapter: Callable[[Unit], str] | None
    point: Callable[[Unit, Unit], str]
    section: Callable[[int, Unit, Unit], str]
    items: dict[str, ItemStyle] = field(default_factory=dict)

    @property
    def chapterless(self) -> bool:
        return self.chapter is None


def _cn(n: int) -> str:
    return chinese_numeral(n)


SCHEMES: dict[str, Scheme] = {
    "第N章 / 一、 / （一）": Scheme(
        lambda c: f"第{c.numeral}章 ",
        lambda p, c: f"{_cn(p.number)}、",
        lambda k, p, c: f"（{_cn(k)}）",
        {"（一）": paren_arabic},
    ),
    "第N章 / 一、 / 1、": Scheme(
        lambda c: f"第{c.numeral}章 ",
        lambda p, c: f"{_cn(p.number)}、",
        lambda k, p, c: f"{k}、",
        {"1、": paren_arabic},
    ),
    "第N部分 / 一、 / （一）": Scheme(
        lambda c: f"第{_cn(c.number)}部分 ",
        lambda p, c: f"{_cn(p.number)}、",
        lambda k, p, c: f"（{_cn(k)}）",
        {"（一）": paren_arabic},
    ),
    "第N章 / 考点N / （一）": Scheme(
        lambda c: f"第{c.numeral}章 ",
        lambda p, c: f"考点{p.number} ",
        lambda k, p, c: f"（{_cn(k)}）",
        {"（一）": paren_arabic},
    ),
    # The official-document hierarchy, the commonest in Chinese handouts: no chapter word, four levels.
    "一、 / （一） / 1. / （1）": Scheme(
        None,
        lambda c, _: f"{_cn(c.number)}、",
        lambda k, p, c: f"{k}. ",
        {"（一）": paren_arabic, "1、": paren_arabic},
    ),
    "第N章 / 四、 / 4.1": Scheme(
        lambda c: f"第{c.numeral}章 ", lambda p, c: f"{_cn(p.number)}、", lambda k, p, c: f"{p.number}.{k} "
    ),
    "第一章 / 第一节 / 一、": Scheme(
        lambda c: f"第{_cn(c.number)}章 ",
        lambda p, c: f"第{_cn(p.number)}节 ",
        lambda k, p, c: f"{_cn(k)}、",
        {"（一）": paren_arabic},
    ),
    "第N章 / I. / A.": Scheme(
        lambda c: f"第{c.numeral}章 ",
        lambda p, c: f"{ROMAN_NUMERALS[p.number - 1]}. ",
        lambda k, p, c: f"{LETTER_NUMERALS[k - 1]}. ",
    ),
    "1. / 1.1 / 1.1.1": Scheme(
        None, lambda c, _: f"{c.number}. ", lambda k, p, c: f"{c.number}.{p.number}.{k} ", {"1、": paren_arabic}
    ),
    "第N章 / 1、 / ① / a）": Scheme(
        lambda c: f"第{c.numeral}章 ",
        lambda p, c: f"{p.number}、",
        lambda k, p, c: CIRCLED[k - 1],
        {"①": letter, "1、": paren_arabic},
    ),
}
# Chapterless schemes number the course's points (the outline's sections) like this.
_CHAPTERLESS_SECTION: dict[str, Callable[[Unit, Unit], str]] = {
    "一、 / （一） / 1. / （1）": lambda p, c: f"（{_cn(p.number)}）",
    "1. / 1.1 / 1.1.1": lambda p, c: f"{c.number}.{p.number} ",
}


def _retype_items(line: str, scheme: Scheme) -> str:
    for family, style in scheme.items.items():

        def retyped(m: re.Match[str], family: str = family, style: ItemStyle = style) -> str:
            return style(_item_number(family, m.group(1)))

        line = ITEM_FAMILIES[family].sub(retyped, line)
    return line


def pieces(course: Course, name: str) -> list[tuple[str, str, str]]:
    """The course in the scheme, as ``make_fixtures.course_pieces`` gives notes: (kind, marker,
    title) headings, kind being the outline level the heading should become, and body lines."""
    scheme = SCHEMES[name]
    out = [("body", "", line) for line in course.preamble]

    def body(unit: Unit) -> None:
        out.extend(("body", "", _retype_items(line, scheme)) for line in unit.body)

    for chapter in course.chapters:
        if scheme.chapter is None:
            out.append(("point", scheme.point(chapter, chapter), chapter.title))
        else:
            out.append(("chapter", scheme.chapter(chapter), chapter.title))
        body(chapter)
        for point in chapter.children:
            if scheme.chapter is None:
                out.append(("section", _CHAPTERLESS_SECTION[name](point, chapter), point.title))
            else:
                out.append(("point", scheme.point(point, chapter), point.title))
            body(point)
            for k, section in enumerate(point.children, 1):
                out.append(
                    ("item" if scheme.chapterless else "section", scheme.section(k, point, chapter), section.title)
                )
                body(section)
    return out


def clean(course: Course, name: str) -> str:
    """One heading a line, as typed notes are."""
    return "\n".join(marker + text for _, marker, text in pieces(course, name)) + "\n"


def markdown(course: Course, name: str) -> str:
    """Each heading a Markdown heading of its outline level ("#" chapter, "##" point, "###"
    section, "####" a heading the outline keeps as an item)."""
    hashes = {"chapter": "#", "point": "##", "section": "###", "item": "####"}
    return "\n\n".join(
        f"{hashes[kind]} {marker}{text}" if kind != "body" else text for kind, marker, text in pieces(course, name)
    )


def scraped(course: Course, name: str) -> str:
    rng = random.Random(f"{course.name}|{name}")
    heads = [
        (kind if kind != "item" else "section", marker.strip(), text) for kind, marker, text in pieces(course, name)
    ]
    return fixtures.scraped_page(fixtures.scrape(heads, rng), fixtures.SITES[course.name], rng)


def gold(course: Course, name: str) -> dict:
    """The course's outline in the scheme's labels (titles and point numbers as the course has them)."""
    scheme = SCHEMES[name]

    def sections(items: list[tuple[str, str]]) -> dict:
        return {"sections": [{"section": label, "title": title} for label, title in items]} if items else {}

    if scheme.chapter is None:
        points = [
            {
                "point": chapter.number,
                "title": chapter.title,
                **sections([(_CHAPTERLESS_SECTION[name](p, chapter).strip(), p.title) for p in chapter.children]),
            }
            for chapter in course.chapters
        ]
        return {"source": name, "chapters": [{"chapter": 1, "title": None, "points": points}]}
    chapters = [
        {
            "chapter": chapter.number,
            "title": chapter.title,
            "points": [
                {
                    "point": point.number,
                    "title": point.title,
                    **sections(
                        [(scheme.section(k, point, chapter).strip(), s.title) for k, s in enumerate(point.children, 1)]
                    ),
                }
                for point in chapter.children
            ],
        }
        for chapter in course.chapters
    ]
    return {"source": name, "chapters": chapters}
