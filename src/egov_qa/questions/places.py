"""A place in the notes a question names by number: "第三章第5点讲了什么？", "第2章的重点",
"1.3.2讲了什么？"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from egov_qa.lexicon import CHAPTER_WORD, CN_SMALL, OVERVIEW_WORDS, PART_WORD, POINT_WORDS, alternation, parse_number
from egov_qa.text import content_words

_CHAPTER = re.compile(rf"第\s*([{CN_SMALL}百零〇两\d]+)\s*(?:{CHAPTER_WORD}|{PART_WORD})")
# "第5点", "第五个知识点", "第2条" after a chapter reference: the notes' point of that number.
_POINT = re.compile(rf"第\s*([{CN_SMALL}百零\d]+)\s*个?\s*(?:{alternation(POINT_WORDS)})")
# A section's own number ("1.3.2"), not part of a longer number or a decimal.
_SECTION_NUMBER = re.compile(r"(?<![\d.．])(\d{1,2})[.．](\d{1,2})[.．](\d{1,2})(?![\d.．])")


@dataclass(frozen=True)
class Location:
    """A place in the notes a question names by number, and what it asks there."""

    chapter: int
    point: int | None
    rest: str  # the question without "第N章" / "第M点"

    @property
    def whole_chapter(self) -> bool:
        """Nothing but the chapter is asked about ("第三章讲了什么？", "第2章的重点", "那第五章呢？")."""
        return names_only(self.rest)

    @property
    def whole(self) -> bool:
        """Nothing but the place is asked about ("第三章第5点讲了什么？")."""
        return names_only(self.rest)


def names_only(rest: str) -> bool:
    """What a question says besides the place it names asks nothing of its own."""
    return not set(content_words(rest)) - OVERVIEW_WORDS


def asked_location(question: str) -> Location | None:
    """The chapter (and point) a question names: "第三章第5点讲了什么？" → 3, 5, "讲了什么？"."""
    chapter = _CHAPTER.search(question)
    if not chapter:
        return None
    rest = f"{question[: chapter.start()]} {question[chapter.end() :]}"
    point = _POINT.search(rest)
    if point:
        rest = f"{rest[: point.start()]}{rest[point.end() :]}"
    return Location(parse_number(chapter.group(1)), parse_number(point.group(1)) if point else None, rest)


@dataclass(frozen=True)
class NamedSection:
    section: str  # "1.3.2"
    rest: str  # the question without it

    @property
    def whole(self) -> bool:
        """Nothing but the section is asked about ("1.3.2讲了什么？")."""
        return names_only(self.rest)


def asked_section(question: str) -> NamedSection | None:
    """The section a question names by its number: "1.3.2讲了什么？" → "1.3.2", "讲了什么？"."""
    match = _SECTION_NUMBER.search(question)
    if not match:
        return None
    rest = re.sub(r"\s+", " ", f"{question[: match.start()]} {question[match.end() :]}").strip()
    return NamedSection(".".join(match.groups()), rest)
