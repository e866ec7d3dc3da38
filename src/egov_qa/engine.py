"""The question-answering engine: one per process, shared by the CLI, the app and its API."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence

from egov_qa.questions.acronyms import AcronymIndex
from egov_qa.answer.extractive import (
    EMPTY_QUESTION,
    MORE_LEAD,
    NO_CHAPTER,
    NO_MORE,
    NO_POINT,
    NO_SECTION,
    NO_TOPIC,
    NOTES_WORDING,
    SMALL_TALK,
    TOO_LONG,
    UNDERSTOOD_AS,
    aspects_answer,
    chapter_answer,
    continued_answer,
    extractive_answer,
    list_items,
    refusal,
)
from egov_qa.questions.aspects import asked_aspects
from egov_qa.questions.followups import (
    LAST,
    ORDINAL,
    asks_for_more,
    names_nothing,
    ordinal,
    retrieval_queries,
    small_talk,
)
from egov_qa.config import Settings
from egov_qa.questions.definitions import defined_term
from egov_qa.questions.headings import (
    Location,
    asked_location,
    asked_section,
    example_question,
    point_overview,
    promote_heading_unit,
    reworded_heading_unit,
    sections_of,
    states_what,
)
from egov_qa.index.store import NotesIndex, open_index
from egov_qa.models import Answer, Chunk, chinese_numeral
from egov_qa.ingest.notes import Notes
from egov_qa.retrieval.rerank import load_reranker
from egov_qa.retrieval.hybrid import Hit, HybridRetriever, RetrievalResult
from egov_qa.questions.spelling import Speller
from egov_qa.text import as_plain_question, content_words, to_simplified

MORE_DEPTH = 2  # "还有呢" goes this many answers' worth of passages down the earlier question's ranking
# The turns a follow-up is read against: far more than any follow-up reaches back (the last three
# topical ones are searched), and a bound on the work a long "history" sent to the API can cause.
HISTORY_TURNS = 20


def _number_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5, 7, 8] → "1–3、5、7–8"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "、".join(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


class Engine:
    def __init__(self, settings: Settings, index: NotesIndex) -> None:
        self.settings = settings
        self.index = index
        self.notes: Notes = index.notes
        self.retriever = HybridRetriever(index.notes.chunks, index, settings)
        self.multi_source = len({c.source for c in index.notes.chunks}) > 1
        self.reranker = load_reranker(settings)
        self.acronyms = AcronymIndex(index.notes.chunks)
        self.speller = Speller(c.search_text for c in index.notes.chunks) if settings.correct_typos else None

    @classmethod
    def open(cls, settings: Settings, progress: bool = True) -> Engine:
        """Open (building or rebuilding when needed) the index; raises IndexNotReady or ModelError."""
        load_reranker(settings)  # a bad reranker setting fails before a long index build
        return cls(settings, open_index(settings, progress=progress))

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self.index.chunks_by_id.get(chunk_id)

    def relevance(self, question: str, history: Sequence[str] = ()) -> float:
        """The number compared with ``min_relevance`` (higher = more relevant)."""
        queries = retrieval_queries(self._plain(question), [self._plain(h) for h in self._context(history)])
        return self.retriever.search(queries).relevance

    def _context(self, history: Sequence[str]) -> list[str]:
        """The earlier questions a follow-up is read against. One too long to be answered is no
        context either (and embedding 20,000 characters sent to the API as "history" would hold
        the engine for seconds); only the last ``HISTORY_TURNS`` count."""
        limit = self.settings.max_question_chars
        return [h for h in history if h and h.strip() and len(h) <= limit][-HISTORY_TURNS:]

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        started = time.perf_counter()
        question = (question or "").strip()

        def elapsed() -> float:
            return round((time.perf_counter() - started) * 1000, 2)

        if not question:
            return refusal(EMPTY_QUESTION, elapsed())
        limit = self.settings.max_question_chars
        if len(question) > limit:
            return refusal(TOO_LONG.format(limit=limit), elapsed())
        # Matched in simplified characters (what jieba's dictionary and the model know best),
        # with homophone typos put right.
        typed = to_simplified(question)
        question = self._corrected(typed)
        history = self._context(history)
        talk = small_talk(question)
        if talk:
            answer = refusal(SMALL_TALK[talk].format(example=self._example()), 0.0)
        elif not history and names_nothing(question):
            answer = self._no_topic()
        elif history and asks_for_more(question):
            answer = self._more(history)
        elif history and (nth := self._nth_listed(question, history)):
            answer = nth
        else:
            answer = self._answer_with(question, retrieval_queries(question, [self._plain(h) for h in history]))
        if question != typed:  # say how the question was read, so a wrong correction shows
            answer.understood_as = question
            answer.lead_with(UNDERSTOOD_AS.format(question=question))
        answer.ms = elapsed()
        return answer

    def _answer_with(self, question: str, queries: list[tuple[str, float]]) -> Answer:
        """A question that names its place goes there; any other is searched for."""
        plain = as_plain_question(question)
        named = asked_section(plain)
        if named and any(c.section for c in self.notes.chunks):
            # "1.3.2讲了什么？": the notes' own section number, answered from that section
            result = self._retrieve(queries, lambda c: c.section == named.section)
            if not result.hits:
                return refusal(NO_SECTION.format(section=named.section), 0.0)
            return extractive_answer(named.rest, result, -math.inf, self.multi_source)
        location = asked_location(plain)
        if location is None:
            return self._answer(question, queries)
        if location.point is None and location.whole_chapter:
            return self._chapter_overview(location.chapter, queries)
        return self._located_answer(location, queries)

    def _plain(self, text: str) -> str:
        return self._corrected(to_simplified(text))

    def _corrected(self, simplified: str) -> str:
        return self.speller.correct(simplified) if self.speller else simplified

    def _example(self) -> str:
        return next(iter(self.example_questions(1)), "第一章讲了什么？")

    def _no_topic(self) -> Answer:
        """A question with no topic of its own and nothing before it ("还有呢？")."""
        return refusal(NO_TOPIC.format(example=self._example()), 0.0)

    def _retrieve(self, queries: list[tuple[str, float]],
                  within: Callable[[Chunk], bool] | None = None) -> RetrievalResult:
        """The fused ranking, restricted to the chunks ``within`` accepts when given (a chapter, a
        point, a section the question names), reranked when set."""
        wanted = self.settings.top_k if self.reranker is None else max(self.settings.top_k,
                                                                        self.reranker.candidates)
        if within is None:
            result = self.retriever.search(queries, k=wanted)
        else:
            ranked = self.retriever.search(queries, k=len(self.notes.chunks))
            result = RetrievalResult([h for h in ranked.hits if within(h.chunk)][:wanted], ranked.relevance)
        if self.reranker is not None:
            result = self.reranker.rerank(queries[0][0], result, self.settings.top_k)
        return result

    def _answer(self, question: str, queries: list[tuple[str, float]],
                ranked: RetrievalResult | None = None) -> Answer:
        aspects = asked_aspects(queries[0][0]) if ranked is None and len(queries) == 1 else None
        if aspects:  # "X的含义及其特征": each aspect from its own unit, if they differ
            parts = [(q, promote_heading_unit(q, self._retrieve([(q, 1.0)]))) for q in aspects]
            answer = aspects_answer(parts, self.settings.min_relevance, self.multi_source)
            if answer:
                return answer
        result = promote_heading_unit(queries[0][0],
                                      self.acronyms.promote(queries[0][0], ranked or self._retrieve(queries)))
        overview = point_overview(queries[0][0], result, self.notes.chunks)
        answer = extractive_answer(question, result, self.settings.min_relevance, self.multi_source,
                                   overview=overview)
        if not result.hits:
            return answer
        # "公共管理有哪些特点？" on notes that say "公共管理的特征": a heading in other words answers
        # a question about to be refused, or one whose best unit's heading is not what it asks.
        top, asked = result.hits[0].chunk, set(content_words(queries[0][0]))
        # …unless that unit says what the X of "X是什么" is, word for word ("电子政务的主体是什么？" and
        # a unit reading "电子政务的主体是政府机关": not "电子政务的核心", though Cilin puts 主体 with 核心).
        asks_other = (not overview and set(content_words(top.unit_title)) != asked
                      and not states_what(defined_term(queries[0][0]), top))
        reworded = reworded_heading_unit(queries[0][0], result) if answer.refused or asks_other else None
        if reworded and (answer.refused or reworded.hits[0].chunk is not top):
            answer = extractive_answer(question, reworded, -math.inf, self.multi_source)
            answer.lead_with(NOTES_WORDING.format(heading=reworded.hits[0].chunk.unit_title))
        return answer

    def _more(self, history: list[str]) -> Answer:
        """"还有呢？": the question the run of "还有呢" follows, answered from the best units that no
        answer in the run has cited yet."""
        start = len(history)
        while start and asks_for_more(history[start - 1]):
            start -= 1
        if not start:  # nothing but "还有呢"
            return self._no_topic()
        earlier, before = history[start - 1], list(history[:start - 1])
        answer = self.ask(earlier, before)
        if answer.refused:
            return answer
        queries = retrieval_queries(self._plain(earlier), [self._plain(h) for h in before])
        ranked = self.retriever.search(queries, k=MORE_DEPTH * self.settings.top_k)
        cited, shown = list(answer.citations), set(answer.quotes)
        for _ in range(len(history) - start + 1):  # once per "还有呢" so far, this one included
            # First the rest of what was cited (a trimmed unit, a point's sections), then new units.
            units = [c for c in self.notes.chunks if any(cite.covers(c) for cite in cited)]
            top = RetrievalResult(ranked.hits[:self.settings.top_k], ranked.relevance)
            more = continued_answer(units, shown, top, self.multi_source)
            if more is None:
                rest = [h for h in ranked.hits if not any(c.covers(h.chunk) for c in cited)]
                if not rest:
                    return refusal(NO_MORE.format(earlier=earlier), 0.0)
                more = extractive_answer(earlier, RetrievalResult(rest[:self.settings.top_k], ranked.relevance),
                                         -math.inf, self.multi_source)
            answer = more
            cited += answer.citations
            shown |= set(answer.quotes)
        answer.lead_with(MORE_LEAD.format(earlier=earlier))
        return answer

    def _nth_listed(self, question: str, history: list[str]) -> Answer | None:
        """"那第四个呢？" / "最后那个呢？" after an answer that listed a point's sections (or a
        chapter's points, or the items of one unit): that section (point, item). None when the
        earlier answer was no such list."""
        n = ordinal(question)
        topical = [i for i, h in enumerate(history) if not names_nothing(h)]
        if n is None or not topical:
            return None
        i = topical[-1]
        listed = self.ask(history[i], history[:i])
        if listed.refused or len(listed.citations) != 1:
            return None
        cited = listed.citations[0]
        queries = retrieval_queries(self._plain(question), [self._plain(h) for h in history])
        if cited.point is None and cited.section is None:  # a chapter's points
            if n == LAST:
                return None
            return self._located_answer(Location(cited.chapter, n, ORDINAL.sub("", question)), queries)
        units = [c for c in self.notes.chunks if cited.covers(c)]
        sections = [c for c in units if c.section]
        order = list(dict.fromkeys(c.section for c in sections))
        was_overview = cited.section is None and set(listed.quotes) == {c.heading for c in sections}
        if was_overview and (n == LAST or 0 < n <= len(order)):
            chosen = [c for c in sections if c.section == order[-1 if n == LAST else n - 1]]
        elif len(units) == 1 and len(list_items(units[0])) > 1:
            chosen = units  # one unit's list: its n-th item is picked when the answer is quoted
        else:
            return None
        ranked = self._retrieve(queries)
        hits = [Hit(c, 0.0) for c in chosen] + [h for h in ranked.hits if h.chunk not in chosen]
        result = RetrievalResult(hits[:self.settings.top_k], ranked.relevance)
        item_asked = question if chosen is units else ORDINAL.sub("", question)
        return extractive_answer(item_asked, result, -math.inf, self.multi_source)

    def _missing_chapter(self, number: int) -> Answer | None:
        chapters = self.notes.chapters
        if any(ch.number == number for ch in chapters):
            return None
        have = "、".join(dict.fromkeys(ch.label for ch in chapters))
        word = chapters[0].word if chapters else "章"  # the notes' own 章 / 讲
        return refusal(NO_CHAPTER.format(asked=f"第{chinese_numeral(number)}{word}", chapters=have), 0.0)

    def _chapter_overview(self, number: int, queries: list[tuple[str, float]]) -> Answer:
        missing = self._missing_chapter(number)
        if missing:
            return missing
        found = [(o.source, ch) for o in self.notes.outlines for ch in o.chapters if ch.number == number]
        # Passages: the chapter's units, best match to the question first.
        return chapter_answer(found, self._retrieve(queries, lambda c: c.chapter == number), self.multi_source)

    def _located_answer(self, location: Location, queries: list[tuple[str, float]]) -> Answer:
        """A question that names its place: "第三章第5点讲了什么？", "第三章里规划的步骤有哪些？"."""
        missing = self._missing_chapter(location.chapter)
        if missing:
            return missing
        result = self._retrieve(queries, lambda c: (c.chapter, c.point) == (location.chapter, location.point))
        chapters = [ch for ch in self.notes.chapters if ch.number == location.chapter]
        numbers = sorted({p.number for ch in chapters for p in ch.points})
        if location.point is not None and not result.hits and numbers:
            return refusal(NO_POINT.format(chapter=chapters[0].label, point=location.point,
                                           numbers=_number_ranges(numbers)), 0.0)
        if location.point is None or not result.hits:  # a chapter with no numbered points: the chapter
            return self._answer(location.rest, queries,
                                self._retrieve(queries, lambda c: c.chapter == location.chapter))
        # The point was named: answer from it whatever the relevance; all of it if it has sections.
        source = result.hits[0].chunk.source
        sections = [c for c in sections_of(self.notes.chunks, location.chapter, location.point)
                    if c.source == source]
        overview = sections if len({c.section for c in sections}) >= 2 else None
        return extractive_answer(location.rest, result, -math.inf, self.multi_source, overview=overview)

    def stream(self, question: str, history: Sequence[str] = ()) -> Iterator[Answer]:
        """Growing partial answers, line by line; the last one is the complete answer."""
        final = self.ask(question, history)
        lines = final.answer.split("\n")
        for n in range(1, len(lines)):
            yield final.model_copy(update={"answer": "\n".join(lines[:n])})
        yield final

    def example_questions(self, n: int = 4) -> list[str]:
        """Questions generated from the loaded outline, spread over the chapters."""
        per_chapter: list[list[str]] = []
        for outline in self.notes.outlines:
            for chapter in outline.chapters:
                titles = [p.title for p in chapter.points] + [s.title for s in chapter.sections]
                questions = [q for q in map(example_question, titles) if q]
                if questions:
                    per_chapter.append(questions)
        picked: list[str] = []
        round_no = 0
        while len(picked) < n and any(round_no < len(qs) for qs in per_chapter):
            for questions in per_chapter:
                if round_no < len(questions) and len(picked) < n:
                    picked.append(questions[round_no])
            round_no += 1
        return list(dict.fromkeys(picked))
