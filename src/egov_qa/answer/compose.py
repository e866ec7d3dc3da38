"""Answers built from the notes: the quoted lines under their labels, the sources, and the fixed
refusal (with questions about the nearest units) when the notes do not cover a question."""

from __future__ import annotations

from dataclasses import dataclass

from egov_qa.answer.extractive import cited_chunks, outline_of, select, unit_parts
from egov_qa.answer.messages import REFUSAL
from egov_qa.ingest.chunking import display_pieces, point_label, section_label
from egov_qa.ingest.display import display_line
from egov_qa.models import Answer, Chapter, Chunk, Citation, Hit, Passage, Point, RetrievalResult
from egov_qa.questions.examples import example_question
from egov_qa.questions.question import Question

SUGGESTIONS = 3  # nearest units offered as questions with a "not in the notes" answer


@dataclass(frozen=True)
class Draft:
    """What an answer is made from: the ranking, and how the rules shaped it."""

    ranking: RetrievalResult
    overview: list[Chunk] | None = None  # a point asked about as a whole: its sections, in order
    outline: bool = False  # a unit named by its place and nothing more: its list's items
    sure: bool = False  # answer from the ranking whatever its relevance
    note: str | None = None  # a line above the answer (how the notes word what was asked)


def with_document(label: str, source: str, multi_source: bool) -> str:
    return f"《{source.rsplit('.', 1)[0]}》{label}" if multi_source else label


def citation_label(chunk: Chunk, multi_source: bool) -> str:
    """The label a citation is keyed on (the page matches citations, passages and units by it)."""
    return with_document(chunk.label, chunk.source, multi_source)


def shown_label(chunk: Chunk, multi_source: bool) -> str:
    """The label the answer text shows: the unit's display label."""
    return with_document(chunk.shown_label, chunk.source, multi_source)


def refusal(message: str, suggestions: list[str] | None = None) -> Answer:
    return Answer(answer=message, refused=True, citations=[], passages=[], ms=0.0, suggestions=suggestions or [])


def suggested_questions(result: RetrievalResult) -> list[str]:
    """Questions about the best-ranked units, made from their headings ("会计的基本职能" →
    "请介绍一下会计的基本职能。"), one per heading."""
    questions = (example_question(h.chunk.unit_title) or h.chunk.unit_title for h in result.hits)
    return list(dict.fromkeys(q for q in questions if q))[:SUGGESTIONS]


@dataclass(frozen=True)
class Composer:
    """Builds answers for one set of notes (labels name the document when there are several)."""

    multi_source: bool
    budget: int  # characters of quoted notes in one answer
    min_relevance: float

    def citation(self, chunk: Chunk) -> Citation:
        return Citation(
            chapter=chunk.chapter,
            point=chunk.point,
            section=chunk.section,
            label=citation_label(chunk, self.multi_source),
            source=chunk.source,
        )

    def _passages(self, result: RetrievalResult) -> list[Passage]:
        return [
            Passage(
                text=h.chunk.text,
                label=citation_label(h.chunk, self.multi_source),
                score=round(h.score, 6),
                chunk_id=h.chunk.id,
                display=h.chunk.display_text,
            )
            for h in result.hits
        ]

    def quoted(self, cited: list[tuple[Chunk, list[str]]], result: RetrievalResult) -> Answer:
        """Each (unit, its display lines to quote) under its label, then the sources."""
        labels = [shown_label(chunk, self.multi_source) for chunk, _ in cited]
        blocks = [
            f"根据笔记「{label}」：\n" + "\n".join(lines) for label, (_, lines) in zip(labels, cited, strict=True)
        ]
        text = "\n\n".join(blocks) + "\n\n出处：" + "；".join(labels)
        return Answer(
            answer=text,
            refused=False,
            citations=[self.citation(c) for c, _ in cited],
            passages=self._passages(result),
            ms=0.0,
            quotes=[line for _, lines in cited for line in lines],
        )

    def overview(self, sections: list[Chunk], result: RetrievalResult) -> Answer:
        """A point asked about as a whole: its sections' headings in order, the point cited."""
        first = sections[0]
        label = with_document(first.point_unit_label, first.source, self.multi_source)
        shown = with_document(display_line(first.point_unit_label)[0], first.source, self.multi_source)
        headings = list(dict.fromkeys(c.shown_heading for c in sections))  # a long section's parts share one
        text = f"根据笔记「{shown}」：\n" + "\n".join(headings) + f"\n\n出处：{shown}"
        citation = Citation(chapter=first.chapter, point=first.point, section=None, label=label, source=first.source)
        return Answer(
            answer=text, refused=False, citations=[citation], passages=self._passages(result), ms=0.0, quotes=headings
        )

    def chapters(self, chapters: list[tuple[str, Chapter]], result: RetrievalResult) -> Answer:
        """A chapter asked about as a whole: its points (and sections outside a point) in order, per
        document that has the chapter (source, chapter), the chapter cited."""
        blocks, citations = [], []
        for source, chapter in chapters:
            label = with_document(chapter.label, source, self.multi_source)
            lines = []
            for unit in chapter.units:
                if isinstance(unit, Point):
                    lines.append(point_label(unit))
                    lines += [f"　{section_label(s)}" for s in unit.sections]  # U+3000: indented under it
                else:
                    lines.append(section_label(unit))
            title = f" {chapter.title}" if chapter.title else ""
            shown = [display_line(line)[0] for line in lines]
            blocks.append(f"「{display_line(label + title)[0]}」包括：\n" + "\n".join(shown))
            citations.append(Citation(chapter=chapter.number, point=None, section=None, label=label, source=source))
        text = "\n\n".join(blocks) + "\n\n出处：" + "；".join(display_line(c.label)[0] for c in citations)
        return Answer(answer=text, refused=False, citations=citations, passages=self._passages(result), ms=0.0)

    def continued(self, units: list[Chunk], shown: set[str], result: RetrievalResult) -> Answer | None:
        """More of units already cited ("还有呢？" after a trimmed answer, or after a point's section
        headings): their lines not quoted yet, in document order, up to the answer budget."""
        cited: list[tuple[Chunk, list[str]]] = []
        used = 0
        for chunk in units:
            unshown = [line for line in display_pieces(chunk) if line not in shown]
            lines = []
            for line in unshown:
                if used and used + len(line) > self.budget:
                    break
                lines.append(line)
                used += len(line)
            if lines:
                cited.append((chunk, lines))
            if len(lines) < len(unshown):
                break  # the budget ran out inside this unit
        if not cited:
            return None
        quoted = {c.id for c, _ in cited}
        hits = [Hit(c, 0.0) for c, _ in cited] + [h for h in result.hits if h.chunk.id not in quoted]
        return self.quoted(cited, RetrievalResult(hits[: len(result.hits)], result.relevance))

    def _lines(self, asked: Question, result: RetrievalResult, share: int = 1) -> list[tuple[Chunk, list[str]]]:
        """Each unit to cite with its lines; units quoted together (a comparison, or ``share``
        aspects) split the budget, so an answer stays about as long whatever it quotes."""
        cited = cited_chunks(asked, result)
        budget = self.budget // (len(cited) * share)
        return [(c, select(asked, c, unit_parts(c, result), budget)) for c in cited]

    def _structure(self, result: RetrievalResult) -> list[tuple[Chunk, list[str]]] | None:
        """The best unit as its list's items (a unit named by its place), None when it has no list."""
        best = result.hits[0].chunk
        items = outline_of(unit_parts(best, result), self.budget)
        return [(best, items)] if items else None

    def extractive(self, asked: Question, draft: Draft) -> Answer:
        """The answer to ``asked`` from the draft: refused below the relevance threshold (unless the
        draft is sure), a point's sections for a point asked about as a whole, a unit named by its
        place as its list (``draft.outline``), else quoted lines."""
        result = draft.ranking
        if not result.hits or (not draft.sure and result.relevance < self.min_relevance):
            # Still the fixed message, no citations: the suggestions are questions, not sources.
            return refusal(REFUSAL, suggested_questions(result))
        if draft.overview:
            answer = self.overview(draft.overview, result)
        else:
            structure = self._structure(result) if draft.outline else None
            answer = self.quoted(structure or self._lines(asked, result), result)
        if draft.note:
            answer.lead_with(draft.note)
        return answer

    def aspects(self, parts: list[tuple[Question, RetrievalResult]]) -> Answer | None:
        """Aspects of one topic asked together ("X的含义及其特征"), each (aspect question, its own
        ranking): every aspect quoted from its unit. None when one is out of scope or all share a unit."""
        if any(not r.hits or r.relevance < self.min_relevance for _, r in parts):
            return None
        cited: dict[str, tuple[Chunk, list[str]]] = {}
        for asked, result in parts:
            for chunk, lines in self._lines(asked, result, share=len(parts)):
                cited.setdefault(chunk.id, (chunk, lines))
        if len({c.label for c, _ in cited.values()}) < 2:
            return None
        # Passages: the parts' rankings interleaved, best of each first.
        hits = list({h.chunk.id: h for rank in zip(*(r.hits for _, r in parts), strict=False) for h in rank}.values())
        merged = RetrievalResult(hits[: len(parts[0][1].hits)], min(r.relevance for _, r in parts))
        return self.quoted(list(cited.values()), merged)
