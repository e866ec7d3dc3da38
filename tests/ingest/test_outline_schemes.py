"""The five made-up courses re-typed in ten numbering schemes (``numbering_schemes``), each in a
clean, a Markdown and a scraped form: the outline's levels are inferred from the markers each file
uses (which families head text, how they nest and count), not from a rule per convention.

Outline F1 against each course's gold outline in the scheme's labels: 1.0 for every clean and
Markdown form; for the scraped forms the structure (chapters, point numbers, section labels) is
exact and the titles are, but for the few run-on titles in ``SCRAPED_TITLE_MISSES``.
"""

from __future__ import annotations

import pytest
from numbering_schemes import COURSES, SCHEMES, Course, clean, gold, markdown, read_course, scraped

from egov_qa.ingest.cleaning import clean_text
from egov_qa.ingest.outline import build_outline
from helpers import outline_f1, structure

CASES = [pytest.param(scheme, course, id=f"{i}-{course}") for i, scheme in enumerate(SCHEMES) for course in COURSES]

# Titles that run straight into a plain clause in the scraped text and are still cut wrongly (the
# stray spaces differ per scheme, so which scheme meets which one differs too).
SCRAPED_TITLE_MISSES = {
    "accounting": {"经济业务对会计等式的影响"},  # "…的影响企业发生的任何经济业务都…": subject and verb
    "management": {"现代管理理论丛林"},  # "现 代管理 理论丛 林 孔茨把…": three stray spaces in one title
}


@pytest.fixture(scope="module")
def courses() -> dict[str, Course]:
    return {name: read_course(name) for name in COURSES}


def _outline(raw: str, name: str, is_markdown: bool = False) -> dict:
    text, _ = clean_text(raw, markdown=is_markdown)
    return build_outline(text, source=f"{name}.txt", markdown=is_markdown).to_json()


@pytest.mark.parametrize(("scheme", "course"), CASES)
def test_clean_form_outline_is_exact(courses, scheme, course):
    score = outline_f1(_outline(clean(courses[course], scheme), course), gold(courses[course], scheme))
    assert score.f1 == 1.0, (score.missing, score.extra)


@pytest.mark.parametrize(("scheme", "course"), CASES)
def test_markdown_form_outline_is_exact(courses, scheme, course):
    predicted = _outline(markdown(courses[course], scheme), course, is_markdown=True)
    score = outline_f1(predicted, gold(courses[course], scheme))
    assert score.f1 == 1.0, (score.missing, score.extra)


@pytest.mark.parametrize(("scheme", "course"), CASES)
def test_scraped_form_structure_is_exact_and_titles_too(courses, scheme, course):
    predicted = _outline(scraped(courses[course], scheme), course)
    want = gold(courses[course], scheme)
    assert structure(predicted) == structure(want)
    score = outline_f1(predicted, want)
    assert {title for *_, title in score.missing} <= SCRAPED_TITLE_MISSES.get(course, set()), score.extra


def test_scraped_forms_outline_f1(courses):
    """Over all schemes and courses, scraped titles are right but for a handful."""
    scores = [
        outline_f1(_outline(scraped(courses[course], scheme), course), gold(courses[course], scheme)).f1
        for scheme in SCHEMES
        for course in COURSES
    ]
    assert min(scores) >= 0.9
    assert sum(scores) / len(scores) >= 0.98
    assert sum(score == 1.0 for score in scores) >= 44  # of 50


def test_official_hierarchy_is_cited_without_an_invented_chapter(courses):
    """一、 → （一） → 1. → （1） with no 第N章: the 一、 are points of notes cited without a chapter,
    the （一） their sections, 1. and （1） items of a section's text."""
    from egov_qa.config import Settings
    from egov_qa.ingest.notes import chunk_document

    text, _ = clean_text(clean(courses["accounting"], "一、 / （一） / 1. / （1）"))
    outline = build_outline(text, source="accounting.txt")
    assert outline.chapters[0].implicit and len(outline.chapters) == 1
    chunks = {chunk.label: chunk for chunk in chunk_document(outline, Settings())}
    assert not any("第一章" in label or "会计主体" in label for label in chunks)
    assumptions = chunks["一、总论 › （三）会计基本假设"].body.split("\n")
    assert [line[:6] for line in assumptions[1:]] == ["1.会计主体", "2.持续经营", "3.会计分期"]


def test_sections_numbered_under_their_point(courses):
    """第N章 → 四、 → 4.1: an x.y whose x is the point's number is a section of that point, in
    every chapter (the course this failed on lost 13 of 41 units)."""
    text, _ = clean_text(clean(courses["accounting"], "第N章 / 四、 / 4.1"))
    outline = build_outline(text, source="accounting.txt")
    chapter2 = outline.chapters[1]
    assert [(p.marker, [s.label for s in p.sections]) for p in chapter2.points][-1] == ("四、", ["4.1", "4.2", "4.3"])
    assert not chapter2.sections  # none left loose under the chapter
