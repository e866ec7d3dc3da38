"""Student-style questions made from the notes' own outline, each with what a right answer shows.

Self-checks that need no labelled questions, run by ``make bench`` on every notes file it has
(beside ``questions_from_headings`` and ``aspect_questions_from_headings``): definitions asked in
students' words, "第二个呢？" / "最后那个…" after a list, multiple-choice and case questions, a
heading asked with a same-meaning word, and a point asked about as a whole with words it never uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from egov_qa.ingest.chunking import list_items
from egov_qa.models import Answer, Chunk
from egov_qa.questions.definitions import DEFINITION_HEADING, states_what, term_key
from egov_qa.questions.examples import example_question
from egov_qa.questions.pairs import pair_sides
from egov_qa.questions.synonyms import synonyms

DEFINITION_PHRASINGS = (
    "{x}怎么定义",
    "{x}用一句话怎么定义？",
    "{x}到底是什么啊",
    "老师说的“{x}”是什么意思？",
    "什么叫{x}？书上怎么定义的",
    "怎么给{x}下定义",
)
ITEM_FOLLOW_UPS = (("那第二个呢？", 1), ("最后那个具体讲讲", -1), ("第三点是什么意思？", 2))
COMPARED_TERM_PHRASINGS = ("什么是{x}？", "名词解释：{x}")
OVERVIEW_PHRASINGS = ("{x}要遵循哪些？", "{x}需要把握哪几块？", "考试时{x}要背哪些？")
_ASPECT_HEADING = re.compile(r"^(?P<topic>.{2,}?)的(?P<aspect>[\u4e00-\u9fff]{2})$")
_ITEM_LEAD = re.compile(r"^[\s\d一二三四五六七八九十①-⑳()（）.、．)]+")


@dataclass(frozen=True)
class Check:
    question: str
    history: tuple[str, ...]
    passes: Callable[[Answer], bool]


def _cites(label: str) -> Callable[[Answer], bool]:
    return lambda a: not a.refused and bool(a.citations) and a.citations[0].label == label


def _single_units(chunks: list[Chunk]) -> dict[str, Chunk]:
    """{heading: its unit} for headings that name one unit only (either would be right otherwise)."""
    by_title: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        if chunk.unit_title:
            by_title.setdefault(chunk.unit_title, []).append(chunk)
    return {title: units[0] for title, units in by_title.items() if len({u.label for u in units}) == 1}


def definition_checks(chunks: list[Chunk]) -> list[Check]:
    """Each defining heading ("X的含义") asked in the words students use: it is the unit cited."""
    return [
        Check(p.format(x=m.group("term")), (), _cites(unit.label))
        for title, unit in _single_units(chunks).items()
        if (m := DEFINITION_HEADING.match(title))
        for p in DEFINITION_PHRASINGS
    ]


def list_item_checks(chunks: list[Chunk]) -> list[Check]:
    """After the example question on a unit with three or more list items, "那第二个呢？" and the
    like quote that item of that unit."""
    checks = []
    for title, unit in _single_units(chunks).items():
        items, asked = list_items(unit), example_question(title)
        if len(items) >= 3 and asked and unit.part == 0 and sum(c.label == unit.label for c in chunks) == 1:
            checks += [
                Check(q, (asked,), lambda a, item=items[k], label=unit.label: _cites(label)(a) and a.quotes == [item])
                for q, k in ITEM_FOLLOW_UPS
            ]
    return checks


def multiple_choice_checks(chunks: list[Chunk]) -> list[Check]:
    """ "<heading>包括（ ）。A.… B.… C.… D.…" with one item of the unit and three of other units
    (the first items of the next units with lists): the unit is cited."""
    units = [
        (title, unit, [_ITEM_LEAD.sub("", i).strip("；;。，, ")[:14] for i in list_items(unit)])
        for title, unit in _single_units(chunks).items()
    ]
    units = [(t, u, [i for i in items if len(i) > 2]) for t, u, items in units]
    units = [(t, u, items) for t, u, items in units if len(items) >= 2]
    checks = []
    for n, (title, unit, items) in enumerate(units):
        others = [units[(n + k) % len(units)][2][0] for k in (1, 2, 3)]
        if len(units) < 4 or any(o in items for o in others):
            continue
        options = [others[0], items[0], others[1], others[2]]
        question = f"{title}包括（ ）。" + " ".join(f"{letter}.{o}" for letter, o in zip("ABCD", options, strict=True))
        checks.append(Check(question, (), _cites(unit.label)))
    return checks


def case_checks(chunks: list[Chunk]) -> list[Check]:
    """ "案例：<a long sentence of another unit>。请结合材料回答：<the example question>": the unit
    the question is about is cited, not the one the material comes from."""
    sentences = [(c.label, s) for c in chunks for s in re.split(r"[。！？\n]", c.body) if 40 <= len(s) <= 90]
    checks = []
    for n, (title, unit) in enumerate(_single_units(chunks).items()):
        material = [s for label, s in sentences if label != unit.label]
        asked = example_question(title)
        if material and asked:
            checks.append(
                Check(f"案例：{material[n % len(material)]}。请结合材料回答：{asked}", (), _cites(unit.label))
            )
    return checks


def synonym_checks(chunks: list[Chunk]) -> list[Check]:
    """ "X的B有哪些？" for a heading "X的A", B a same-meaning word of A (Cilin): the unit is cited."""
    return [
        Check(f"{m.group('topic')}的{other}有哪些？", (), _cites(unit.label))
        for title, unit in _single_units(chunks).items()
        if (m := _ASPECT_HEADING.match(title))
        for other in sorted(synonyms(m.group("aspect")))[:3]
    ]


def overview_checks(chunks: list[Chunk]) -> list[Check]:
    """A point with two or more sections asked about as a whole with words such as 遵循 or 把握:
    the point is cited (no section) and the answer names all its sections."""
    points: dict[str, list[str]] = {}
    for c in chunks:
        if c.section and c.point is not None and c.point_title:
            headings = points.setdefault(c.point_unit_label, [])
            shown = c.display_heading or c.heading  # what the answer shows
            if shown not in headings:
                headings.append(shown)
    titles = {c.point_unit_label: c.point_title for c in chunks if c.point_title}

    def shows(label: str, headings: list[str]) -> Callable[[Answer], bool]:
        return lambda a: _cites(label)(a) and a.citations[0].section is None and all(h in a.answer for h in headings)

    return [
        Check(p.format(x=titles[label]), (), shows(label, headings))
        for label, headings in points.items()
        if len(headings) >= 2
        for p in OVERVIEW_PHRASINGS
    ]


def compared_term_checks(chunks: list[Chunk]) -> list[Check]:
    """A term the notes only set against another (one heading "X与Y"; no heading defines X, no unit
    says "X是…"), asked what it is: the comparison is cited."""
    by_term: dict[str, set[str]] = {}
    for title, unit in _single_units(chunks).items():
        sides = pair_sides(title)
        if any(re.search("[的、，]", side) for side in sides):  # "X的任务与原则": aspects, not terms
            continue
        for term in sides:
            by_term.setdefault(term, set()).add(unit.label)
    headed = {term_key(c.unit_title) for c in chunks if c.unit_title}
    defined = {term_key(m.group("term")) for c in chunks if (m := DEFINITION_HEADING.match(c.unit_title or ""))}
    return [
        Check(p.format(x=term), (), _cites(next(iter(labels))))
        for term, labels in by_term.items()
        if len(labels) == 1
        and len(term) >= 2
        and term not in headed | defined
        and not any(states_what(term, c.text) for c in chunks)
        for p in COMPARED_TERM_PHRASINGS
    ]


CHECKS: dict[str, Callable[[list[Chunk]], list[Check]]] = {
    "definition words": definition_checks,
    "list-item ordinal": list_item_checks,
    "multiple choice": multiple_choice_checks,
    "case question": case_checks,
    "synonym heading": synonym_checks,
    "whole point": overview_checks,
    "compared term": compared_term_checks,
}


def run_checks(ask: Callable[[str, tuple[str, ...]], Answer], chunks: list[Chunk]) -> dict[str, tuple[int, int]]:
    """{check name: (passed, asked)} over the notes' chunks."""
    results = {}
    for name, make in CHECKS.items():
        checks = make(chunks)
        results[name] = (sum(c.passes(ask(c.question, c.history)) for c in checks), len(checks))
    return results
