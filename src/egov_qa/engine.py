"""The question-answering engine: one per process, shared by the CLI, the app and its API.

It checks the message, analyses the question and the conversation once, runs the question rules
(``rules.registry``) and otherwise answers from the fused, reordered ranking. With several notes
files (courses) in the corpus folder, ``course`` gives an engine answering from one of them alone.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from pathlib import Path

from egov_qa.answer.compose import Composer, Draft, refusal
from egov_qa.answer.messages import FALLBACK_EXAMPLE, INDEX_UNAVAILABLE, UNDERSTOOD_AS, WARM_UP
from egov_qa.check.checker import Checker
from egov_qa.check.practice import PracticePoint, practice_points
from egov_qa.config import Settings
from egov_qa.generate.generator import Generator
from egov_qa.generate.grounding import Block, Grounding
from egov_qa.generate.llm import Llm
from egov_qa.index.embeddings import embed_queries
from egov_qa.index.store import IndexUnavailable, NotesIndex, open_index
from egov_qa.ingest.chunking import display_line_texts
from egov_qa.ingest.notes import Notes
from egov_qa.models import Answer, Chunk, Exchange, Passage, Query, RetrievalResult
from egov_qa.questions.examples import example_question
from egov_qa.questions.question import Question
from egov_qa.questions.spelling import Speller
from egov_qa.questions.typed import plain_text, question_problem
from egov_qa.retrieval.hybrid import HybridRetriever
from egov_qa.retrieval.rerank import load_reranker
from egov_qa.rules.base import AnswerRule, ReorderRule, RewriteRule, Turn
from egov_qa.rules.registry import build_rules

log = logging.getLogger(__name__)
RECENT_ANSWERS = 512  # recomputed earlier answers kept for the next follow-ups (a class's conversations)


class Engine:
    def __init__(self, settings: Settings, index: NotesIndex, name_sources: bool | None = None) -> None:
        """``name_sources``: labels name the document (default: when the notes are several files;
        a course's engine names its file as the whole notes' engine does)."""
        self.settings = settings
        self.index = index
        self.notes: Notes = index.notes
        self.retriever = HybridRetriever(index.notes.chunks, index, settings)
        self.vocabulary = self.retriever.vocabulary
        self.reranker = load_reranker(settings)  # one instance per process: course engines share it
        named = self.notes.multi_source if name_sources is None else name_sources
        self.compose = Composer(named, settings.answer_budget, settings.min_relevance)
        self.generator = self._generator() if settings.llm_base_url else None
        self._recent: OrderedDict[tuple[tuple[str, str, str, frozenset[str]], ...], Answer] = OrderedDict()
        self._recent_lock = threading.Lock()
        rules = build_rules(self, settings.rules_off)
        self.rewrites = [r for r in rules if isinstance(r, RewriteRule)]
        self.answerers = [r for r in rules if isinstance(r, AnswerRule)]
        self.reorders = [r for r in rules if isinstance(r, ReorderRule)]
        self._courses: dict[str, Engine] = {}
        self._courses_lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings, progress: bool = True, auto_build: bool = True) -> Engine:
        """Open (building or rebuilding when needed, unless ``auto_build`` is off) the index;
        raises IndexNotReady, ModelError or UnknownRule."""
        load_reranker(settings)  # a bad reranker setting fails before a long index build
        return cls(settings, open_index(settings, auto_build=auto_build, progress=progress))

    def _generator(self) -> Generator:
        def block_of(passage: Passage) -> Block | None:
            chunk = self.chunk(passage.chunk_id)
            if chunk is None:
                return None
            lines = tuple(display_line_texts(chunk))
            return Block(self.compose.citation(chunk), chunk.id, chunk.display_text, lines)

        def nearest(texts: list[str]) -> list[str]:
            vectors = [v.tolist() for v in embed_queries(self.index.embeddings, texts)]
            return [near[0][0] if near else "" for near in self.index.piece_search_vectors(vectors, 1)]

        return Generator(Llm(self.settings), Grounding(nearest), block_of, self.settings.llm_blocks)

    @cached_property
    def speller(self) -> Speller:
        """Homophone typos put right against the notes' words (questions, and answers checked)."""
        return Speller(c.search_text for c in self.notes.chunks)

    @cached_property
    def checker(self) -> Checker:
        """Check my answer, against these notes."""
        return Checker(self)

    @cached_property
    def practice_points(self) -> list[PracticePoint]:
        """The units practice (自测) asks about, with their questions."""
        return practice_points(self.notes.chunks, self.compose)

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self.index.chunks_by_id.get(chunk_id)

    @property
    def build(self) -> str:
        """The name of the index build this engine serves."""
        return self.index.build

    def warm_up(self) -> None:
        """Everything the first question and the first checked answer would build (the speller,
        the checker, the practice points), built now, and so for every course's engine: a
        swapped-in engine answers at full speed."""
        self.extractive(WARM_UP)
        _ = self.checker, self.practice_points
        if len(self.courses) > 1:
            for source in self.courses:
                self.course(source).warm_up()

    # --- courses ---------------------------------------------------------------------------------

    @property
    def courses(self) -> list[str]:
        """The notes files (courses) served, by file name, in corpus order."""
        return self.notes.sources

    def course(self, name: str | None) -> Engine:
        """The engine answering from one course alone, named by its file name or stem: a question
        about another course is then refused there rather than cited to an unrelated point. This
        engine (the whole notes) for no name, an unknown one, or a single notes file. Each course's
        engine is made once and kept."""
        sources = self.courses if name else []
        sources = sources if len(sources) > 1 else []
        named = [s for s in sources if s == name] or [s for s in sources if Path(s).stem == name]
        if not named:
            return self
        source = named[0]
        made = self._courses.get(source)
        if made is not None:  # without the lock: every question in a course comes here
            return made
        with self._courses_lock:  # two first questions at once must not build two engines
            if source not in self._courses:
                index = self.index.only(source)
                self._courses[source] = Engine(self.settings, index, name_sources=self.compose.multi_source)
            return self._courses[source]

    # --- questions -------------------------------------------------------------------------------

    def ask(self, question: str, history: Sequence[str | Exchange] = ()) -> Answer:
        """Answer ``question`` after the earlier questions of the conversation (oldest first; with
        the answers they got, when the caller kept them)."""
        started = time.perf_counter()
        try:
            answer, asked = self._extractive(question, history)
            generator = self._generator_for(answer)
            if generator is not None:
                *_, answer = generator.stream(asked, answer)  # the last is the complete answer
        except IndexUnavailable as exc:  # a Chroma server gone: say so; the next question tries again
            answer = _index_unavailable(exc)
        answer.ms = round((time.perf_counter() - started) * 1000, 2)
        return answer

    def extractive(self, question: str, history: Sequence[str | Exchange] = ()) -> Answer:
        """The answer from the notes' own lines, never a model's (what check my answer grades by)."""
        return self._extractive(question, history)[0]

    def stream(self, question: str, history: Sequence[str | Exchange] = ()) -> Iterator[Answer]:
        """Growing partial answers; the last one is the complete answer. With an LLM endpoint the
        model writes it from the passages the extractive answer ranked (only its supported
        sentences, as they are completed); otherwise the extractive answer, line by line."""
        started = time.perf_counter()
        try:
            answer, asked = self._extractive(question, history)
            generator = self._generator_for(answer)
            parts = generator.stream(asked, answer) if generator is not None else _line_by_line(answer)
            final = next(parts)
            for part in parts:  # one behind, so the last can carry the time taken
                yield final
                final = part
        except IndexUnavailable as exc:  # a Chroma server gone, even mid-answer: the message replaces it
            final = _index_unavailable(exc)
        final.ms = round((time.perf_counter() - started) * 1000, 2)
        yield final

    def _generator_for(self, answer: Answer) -> Generator | None:
        """The LLM writes the answer when there is one and the notes answer the question."""
        return self.generator if not answer.refused and answer.passages else None

    def _extractive(self, question: str, history: Sequence[str | Exchange]) -> tuple[Answer, str]:
        """The extractive answer, and the question as the model should read it (a follow-up as
        the standalone question it was searched as)."""
        question = plain_text(question or "").strip()  # no control characters, bidi overrides, surrogates
        problem = question_problem(question, self.settings.max_question_chars)
        if problem is not None:  # empty or too long
            return refusal(problem.zh), question
        turn = self.prepare(question, history)
        asked = turn.queries[0].text if turn.follows_on else turn.question.text
        return self._respond(turn), asked

    def relevance(self, question: str, history: Sequence[str | Exchange] = ()) -> float:
        """The number compared with ``min_relevance`` (answerability: higher = more answerable)."""
        return self.search_for(question, history).relevance

    def search_for(self, question: str, history: Sequence[str | Exchange] = ()) -> RetrievalResult:
        """The fused ranking of what the question searches, with its answerability and evidence."""
        return self.retriever.search(self.prepare(question, history).queries)

    def prepare(self, question: str, history: Sequence[str | Exchange] = ()) -> Turn:
        """The question and its conversation analysed, with the rewrite rules applied. An earlier
        question too long to be answered is no context either (and embedding 20,000 characters
        sent to the API as "history" would hold the engine for seconds); only the last
        ``history_turns`` count."""
        limit = self.settings.max_question_chars
        turns = [_plain_exchange(h) for h in history]
        turns = [t for t in turns if t.question.strip() and len(t.question) <= limit]
        turns = turns[-self.settings.history_turns :] if self.settings.history_turns > 0 else []
        turn = Turn(
            Question.of(plain_text(question)), tuple(Question.of(t.question) for t in turns), [t.answer for t in turns]
        )
        for rule in self.rewrites:
            turn = rule.rewrite(turn)
        return turn

    def _respond(self, turn: Turn) -> Answer:
        for rule in self.answerers:
            answer = rule.answer(turn)
            if answer is not None:
                break
        else:
            answer = self.answer_ranked(turn.question, turn, self.retrieve(turn.queries))
        question = turn.question
        if question.text != question.typed:  # say how the question was read, so a wrong correction shows
            answer.understood_as = question.text
            answer.lead_with(UNDERSTOOD_AS.format(question=question.text))
        return answer

    # --- what rules use (rules.base.Context) -------------------------------------------------------

    def retrieve(self, queries: Sequence[Query], within: Callable[[Chunk], bool] | None = None) -> RetrievalResult:
        wanted = self.settings.top_k if self.reranker is None else max(self.settings.top_k, self.reranker.candidates)
        if within is None:
            result = self.retriever.search(queries, k=wanted)
        else:
            ranked = self.retriever.search(queries, k=len(self.notes.chunks))
            result = RetrievalResult([h for h in ranked.hits if within(h.chunk)][:wanted], ranked.relevance)
        if self.reranker is not None:
            result = self.reranker.rerank(queries[0].text, result, self.settings.top_k)
        return result

    def search(self, queries: Sequence[Query], k: int) -> RetrievalResult:
        return self.retriever.search(queries, k=k)

    def reorder(self, turn: Turn, draft: Draft) -> Draft:
        for rule in self.reorders:
            draft = rule.reorder(turn, draft)
        return draft

    def answer_ranked(self, asked: Question, turn: Turn, ranking: RetrievalResult) -> Answer:
        return self.compose.extractive(asked, self.reorder(turn, Draft(ranking)))

    def earlier(self, turn: Turn, i: int) -> Turn:
        earlier = Turn(turn.history[i], turn.history[:i], turn.answers[:i])
        for rule in self.rewrites:  # the questions are rewritten already: this sets what is searched
            earlier = rule.rewrite(earlier)
        return earlier

    def earlier_answer(self, turn: Turn, i: int) -> Answer:
        answer = turn.answers[i]
        if answer is None:  # not kept by the caller: answered again, as it was then
            answer = turn.answers[i] = self._answered_again(turn, i)
        return answer.model_copy(deep=True)

    def _answered_again(self, turn: Turn, i: int) -> Answer:
        """The earlier answer recomputed — and remembered: a ``/ask`` history is questions only,
        so each follow-up of a conversation would otherwise answer all its earlier questions again
        (measured: a follow-up after 4 questions 2-4x one answer). Only a conversation whose
        answers were all recomputed is remembered; the key is the questions as analysed, so a hit
        is exactly what recomputing would give."""
        if any(a is not None for a in turn.answers[:i]):
            return self._respond(self.earlier(turn, i))
        key = tuple((q.raw, q.typed, q.text, q.rewritten) for q in turn.history[: i + 1])
        with self._recent_lock:
            kept = self._recent.get(key)
            if kept is not None:
                self._recent.move_to_end(key)
                return kept.model_copy(deep=True)
        answer = self._respond(self.earlier(turn, i))
        with self._recent_lock:
            self._recent[key] = answer.model_copy(deep=True)
            while len(self._recent) > RECENT_ANSWERS:
                self._recent.popitem(last=False)
        return answer

    def standalone(self, question: str, history: Sequence[str]) -> str | None:
        """A follow-up rewritten as a question of its own by the LLM; None without one."""
        return self.generator.standalone(question, history) if self.generator is not None else None

    def example(self) -> str:
        return next(iter(self.example_questions(1)), FALLBACK_EXAMPLE)

    # --- for the surfaces --------------------------------------------------------------------------

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


def _plain_exchange(earlier: str | Exchange) -> Exchange:
    """An earlier question of the conversation (text, or kept with its answer) as plain text."""
    if isinstance(earlier, Exchange):
        text = plain_text(earlier.question)
        return earlier if text == earlier.question else earlier.model_copy(update={"question": text})
    return Exchange(question=plain_text(earlier))


def _index_unavailable(exc: IndexUnavailable) -> Answer:
    """The answer when the index's Chroma server does not answer (the details go to the log)."""
    log.warning("answering without the index: %s", exc)
    return refusal(INDEX_UNAVAILABLE)


def _line_by_line(answer: Answer) -> Iterator[Answer]:
    """The answer's first lines, one more each time, then the answer itself."""
    lines = answer.answer.split("\n")
    for n in range(1, len(lines)):
        yield answer.model_copy(update={"answer": "\n".join(lines[:n])})
    yield answer
