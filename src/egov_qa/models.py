"""Typed records passed between the pipeline stages (outline tree, chunks, answers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

from egov_qa.lexicon import chinese_numeral

# Separators used in display labels: "第一章 · 9、电子政务的特征 › 1.3.3 …"
LABEL_SEP = " · "
WHOLE_NOTES = "全部笔记"  # what the outline calls notes without chapters (never cited as 第一章)
PATH_SEP = " › "


@dataclass
class Section:
    """A numbered section such as ``1.3.1``; ``start``/``end`` index the notes text."""

    label: str
    title: str
    start: int
    end: int
    body_start: int  # where the section's body begins (after its heading)


@dataclass
class Point:
    """A numbered point (``N、``, ``N.``, ``一、`` or a Markdown ``##`` heading)."""

    number: int
    title: str
    start: int
    end: int
    body_start: int
    sections: list[Section] = field(default_factory=list)
    numeral: str | None = None  # the notes' own "三、" or "第三节 " when not "3、"

    @property
    def marker(self) -> str:
        """The point's number as labels show it: the notes' own "三、" / "第三节 ", else "3、"."""
        return self.numeral or f"{self.number}、"


@dataclass
class Chapter:
    number: int
    title: str | None
    start: int
    end: int
    body_start: int
    points: list[Point] = field(default_factory=list)
    # sections with no numbered point above them (cited with point = null)
    sections: list[Section] = field(default_factory=list)
    word: str = "章"  # what the notes call it: 第三章, 第三讲, 第三单元
    implicit: bool = False  # notes with no chapters at all: the whole document, never cited as 第一章

    @property
    def label(self) -> str:
        return f"第{chinese_numeral(self.number)}{self.word}"

    @property
    def heading(self) -> str:
        """How the outline shows it: "第三章 电子政务的实施", or for notes without chapters WHOLE_NOTES."""
        return WHOLE_NOTES if self.implicit else f"{self.label} {self.title or ''}".strip()

    @property
    def units(self) -> list[Point | Section]:
        """Its points and the sections outside a point, in document order."""
        return sorted([*self.points, *self.sections], key=lambda unit: unit.start)


@dataclass
class Outline:
    """Document → Chapter → Point → Section over the cleaned notes text of one file."""

    source: str
    text: str
    chapters: list[Chapter]

    def to_json(self) -> dict:
        """The schema of ``tests/data/eval/notes_mis_outline.json``: chapters → points → sections.

        Sections outside a numbered point sit, in document order, in a points entry with
        ``"point": null`` (consecutive ones share an entry).
        """

        def sections(items: list[Section]) -> list[dict]:
            return [{"section": s.label, "title": s.title} for s in items]

        chapters = []
        for ch in self.chapters:
            points: list[dict] = []
            for unit in ch.units:
                if isinstance(unit, Point):
                    item: dict = {"point": unit.number, "title": unit.title}
                    if unit.sections:
                        item["sections"] = sections(unit.sections)
                    points.append(item)
                elif points and points[-1]["point"] is None:
                    points[-1]["sections"] += sections([unit])
                else:
                    points.append({"point": None, "title": None, "sections": sections([unit])})
            chapters.append({"chapter": ch.number, "title": ch.title, "points": points})
        return {"source": self.source, "chapters": chapters}


@dataclass(frozen=True)
class Chunk:
    """One retrievable unit: a point, a point's intro, or a section (or a part of a long one)."""

    id: str
    source: str
    chapter: int
    chapter_title: str | None
    point: int | None
    point_title: str | None
    section: str | None
    section_title: str | None
    label: str  # "第一章 · 9、电子政务的特征" (› section when there is one)
    heading: str  # the heading lines of the unit, as in the notes
    body: str  # the unit's text below its heading, the notes' own characters
    start: int
    end: int
    part: int = 0
    # The same unit as shown and quoted (ingest/display.py: punctuation, variants, brackets, list
    # items made whole); "" = the source form. The source form stays what is indexed and matched.
    display_heading: str = ""
    display_body: str = ""
    display_label: str = ""  # the label as answers show it (``label`` stays the citation key)

    @property
    def text(self) -> str:
        """What is stored, indexed and matched as evidence: heading then body, the notes' own text."""
        return f"{self.heading}\n{self.body}" if self.body else self.heading

    @property
    def display_text(self) -> str:
        """What is shown and quoted: the display heading then the display body."""
        heading = self.display_heading or self.heading
        body = self.display_body or self.body
        return f"{heading}\n{body}" if body else heading

    @property
    def shown_label(self) -> str:
        """The label as shown: the display label, else the label."""
        return self.display_label or self.label

    @property
    def shown_heading(self) -> str:
        """The heading as shown: the display heading, else the heading."""
        return self.display_heading or self.heading

    @property
    def search_text(self) -> str:
        """What is embedded and keyword-indexed: the label path in front of the unit."""
        return f"{self.label}\n{self.text}"

    @property
    def unit_title(self) -> str:
        """The title of the unit's own heading: its section's, else its point's ("" for neither)."""
        return ((self.section_title if self.section else self.point_title) or "").strip()

    @property
    def point_unit_label(self) -> str:
        """The label of the point this unit belongs to ("第五章 · 1、…" for "第五章 · 1、… › 5.1.1 …")."""
        return self.label.split(PATH_SEP)[0]


@dataclass(frozen=True)
class EnglishWord:
    """An English word of a question, and whether (and how) the notes say it in Chinese."""

    word: str
    rarity: float  # information content in general English
    notes_words: tuple[str, ...]  # the notes' words that translate it (none: the notes lack it)


@dataclass(frozen=True)
class Query:
    """One text to search for, with its weight in the fusion and what the relevance reads of it."""

    text: str  # embedded and keyword-searched
    weight: float = 1.0
    asked: str = ""  # what it asks, without case material: whose words the notes must cover
    definition: str | None = None  # the X of a question that only asks what X is, as written
    term: str | None = None  # that X as a matching key
    english: tuple[EnglishWord, ...] = ()  # its English words, bridged to the notes' Chinese
    fact: str | None = None  # the kind of fact it asks for: "year", "number", "person", "place"


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float  # fused score (higher = better; scale depends on the fusion)


@dataclass(frozen=True)
class RetrievalResult:
    hits: list[Hit]
    relevance: float  # answerability, higher = more answerable; compared with Settings.min_relevance
    evidence: dict[str, float] | None = None  # what the relevance was weighed from (best query)

    def first_where(self, test: Callable[[Chunk], bool]) -> RetrievalResult | None:
        """The ranking with its best hit that passes ``test`` moved to the front (with the first
        place's score, so the passages stay ranked by score); None if no hit passes."""
        for rank, hit in enumerate(self.hits):
            if test(hit.chunk):
                if rank == 0:
                    return self
                hits = [Hit(hit.chunk, self.hits[0].score), *self.hits[:rank], *self.hits[rank + 1 :]]
                return RetrievalResult(hits, self.relevance)
        return None


class Citation(BaseModel):
    chapter: int
    point: int | None
    section: str | None
    label: str
    source: str

    def covers(self, chunk: Chunk) -> bool:
        """The chunk lies in the cited place (a chapter, a point with all its sections, a section)."""
        return (
            (chunk.source, chunk.chapter) == (self.source, self.chapter)
            and self.point in (None, chunk.point)
            and self.section in (None, chunk.section)
        )


class Passage(BaseModel):
    text: str  # the unit's source text (what evidence is matched on)
    label: str
    score: float
    chunk_id: str = ""
    display: str = ""  # the unit's display text: what the page shows, with Answer.quotes in it


class Answer(BaseModel):
    """The object ``ask --json``, a ``batch`` line and the app's ``/ask`` endpoint return."""

    id: str | None = None
    answer: str
    refused: bool
    citations: list[Citation]
    passages: list[Passage]
    ms: float
    mode: str = "extractive"  # or "generative": written by the model, every sentence checked
    quotes: list[str] = []  # exact note sentences the answer quotes (for highlighting)
    understood_as: str | None = None  # the question as searched, when typos in it were put right
    # Refused as not in the notes: questions about the nearest units, so a question asked in words
    # the notes do not use is one click from the unit it meant.
    suggestions: list[str] = []
    warning: str | None = None  # why a generative answer fell back to the extractive one

    def lead_with(self, line: str) -> None:
        """Put a line above the answer (how the question was read, what it goes on from)."""
        self.answer = f"{line}\n{self.answer}"


class Exchange(BaseModel):
    """An earlier turn of a conversation: the student's question and, when the caller kept it,
    the answer it got (follow-ups such as "还有呢" and "那第二个呢" read it)."""

    question: str
    answer: Answer | None = None


Status = Literal["covered", "partly", "missing"]


class CheckedItem(BaseModel):
    """One key item of the notes' answer, and whether the student's answer covers it."""

    text: str  # as the notes say it (a substring of one of CheckResult.rubric's lines)
    status: Status
    match: str | None  # the student's clause that covers it
    score: float  # 0…1, the evidence it is covered


class CheckResult(BaseModel):
    """The object ``check --json``, a ``check --batch`` line and the app's ``/check`` endpoint return."""

    id: str | None = None
    question: str
    coverage: float  # share of the items covered, a partly covered one counting half
    citation: Citation | None  # the unit the question is answered from (as ``ask`` cites it)
    items: list[CheckedItem]
    refused: bool  # the notes do not answer the question: nothing to check against
    message: str  # one line for the student
    rubric: list[str] = []  # the notes' lines that answer the question (display form)
    seems_to_answer: Citation | None = None  # an answer about another unit: that unit
    note: str | None = None  # why nothing was checked (an empty answer, a refused question)
    feedback: str | None = None  # with an LLM: one or two sentences on the missing items
    ms: float = 0.0


class CheckRequest(BaseModel):
    """A line of ``check --batch``'s input."""

    id: str | None = None
    question: str
    answer: str = ""
