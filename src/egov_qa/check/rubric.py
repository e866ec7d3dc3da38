"""The rubric of a question: the notes' unit that answers it, and the key items of the part of it
that answers *this* question (``check.items``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from egov_qa.check.items import key_items
from egov_qa.ingest.chunking import display_line_texts, piece_search_text
from egov_qa.models import Chunk, Citation
from egov_qa.questions.question import Question


@dataclass(frozen=True)
class Rubric:
    citation: Citation
    heading: str  # the unit's heading as shown
    lines: list[str]  # the display lines of the part that answers the question
    items: list[str]  # its key items, each a substring of one of ``lines``
    kind: str  # "list", "series", "claims" or "sections"
    embedded: list[str]  # each item as the unit's pieces are embedded (under its titles)
    unit: frozenset[str]  # the ids of the unit's chunks


def unit_chunks(chunks: Sequence[Chunk], citation: Citation) -> list[Chunk]:
    """The chunks of the cited place (a point's parts, its sections), in the notes' order."""
    return sorted((c for c in chunks if citation.covers(c)), key=lambda c: (c.start, c.part))


def _lines(parts: Sequence[Chunk]) -> list[str]:
    """The display lines of a unit's parts, a line repeated at a part boundary once."""
    return list(dict.fromkeys(line for part in parts for line in display_line_texts(part)))


def build_rubric(citation: Citation, unit: Sequence[Chunk], question: str | None) -> Rubric | None:
    """The rubric over ``unit`` (the chunks of ``citation``); None when it holds no text to check
    against. A place made of several units (a point and its sections, a chapter) is checked by its
    units' titles."""
    if not unit:
        return None
    labels = list(dict.fromkeys(c.label for c in unit))
    if len(labels) == 1:
        lines = _lines(unit)
        defines = question is not None and Question.of(question).plain.defined_term is not None
        found = key_items(lines, unit[0].unit_title or unit[0].shown_heading, question, defines)
        if not found.items:
            return None
        embedded = list(found.items)
        ids = frozenset(c.id for c in unit)
        return Rubric(citation, unit[0].shown_label, found.lines, found.items, found.kind, embedded, ids)
    heads = [next(c for c in unit if c.label == label) for label in labels]
    subs = [c for c in heads if c.label != citation.label and c.unit_title]
    if len(subs) < 2:
        return None
    lines = [c.shown_heading.splitlines()[-1] for c in subs]
    items = [c.unit_title for c in subs]
    embedded = [piece_search_text(c, c.unit_title) for c in subs]
    return Rubric(
        citation, heads[0].point_unit_label, lines, items, "sections", embedded, frozenset(c.id for c in unit)
    )
