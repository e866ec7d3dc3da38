"""Generative answers: the model rewrites what the notes say into a readable answer, and only what
the notes support is shown (``grounding``); anything else ends in the extractive answer.

The extractive pipeline runs first and decides: a question it refuses is refused whatever a model
would say, and its ranking gives the numbered blocks the model answers from. Sentences are checked
as they are completed, so the chat streams only supported sentences.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence

from egov_qa.answer.messages import LLM_FALLBACK, LLM_NO_SUPPORT
from egov_qa.generate.grounding import LEANS, Block, Grounding, Supported, sentences, share_said
from egov_qa.generate.llm import Llm, LlmError
from egov_qa.generate.prompts import ANSWER, FEEDBACK, STANDALONE, numbered_blocks
from egov_qa.models import Answer, Passage

log = logging.getLogger(__name__)

MAX_STANDALONE_CHARS = 120  # a longer "rewritten question" is the model answering instead
GENERATIVE = "generative"


class Generator:
    def __init__(
        self, llm: Llm, grounding: Grounding, block_of: Callable[[Passage], Block | None], blocks: int
    ) -> None:
        self.llm = llm
        self.grounding = grounding
        self.block_of = block_of
        self.max_blocks = blocks

    def blocks(self, answer: Answer) -> list[Block]:
        """The passages the model answers from: the cited units first, then the ranking."""
        cited = {c.label for c in answer.citations}
        ranked = sorted(answer.passages, key=lambda p: p.label not in cited)
        found = [b for b in map(self.block_of, ranked) if b is not None]
        unique = {b.chunk_id: b for b in found}
        return list(unique.values())[: self.max_blocks]

    def stream(self, question: str, extractive: Answer) -> Iterator[Answer]:
        """Partial answers of the supported sentences so far; the last is the complete answer, or
        the extractive answer with a warning when the model fails or nothing it says is supported."""
        blocks = self.blocks(extractive)
        if not blocks:
            yield extractive
            return
        messages = ANSWER.format_messages(
            blocks=numbered_blocks([(b.citation.label, b.text) for b in blocks]), question=question
        )
        text, checked = "", 0
        shown: list[Supported] = []
        try:
            for piece in self.llm.stream(messages):
                text += piece
                done = sentences(text, len(blocks))[:-1]  # the last may still be growing
                if len(done) > checked:
                    shown += _new(shown, self.grounding.check(done[checked:], blocks))
                    checked = len(done)
                    if shown:
                        yield self._answer(shown, blocks, extractive)
        except LlmError as exc:
            yield _fallback(extractive, LLM_FALLBACK.format(reason=exc))
            return
        shown += _new(shown, self.grounding.check(sentences(text, len(blocks))[checked:], blocks))
        yield self._answer(shown, blocks, extractive) if shown else _fallback(extractive, LLM_NO_SUPPORT)

    def standalone(self, question: str, history: Sequence[str]) -> str | None:
        """The follow-up as a question of its own, or None (the rule-based reading stays)."""
        lines = "\n".join(f"学生：{h}" for h in history)
        try:
            text = self.llm.complete(STANDALONE.format_messages(history=lines, question=question)).strip()
        except LlmError:
            log.info("follow-up rewriting failed; the rule-based reading is used", exc_info=True)
            return None
        text = text.splitlines()[0].strip() if text else ""
        return text if 0 < len(text) <= MAX_STANDALONE_CHARS else None

    def feedback(self, question: str, missing: Sequence[str], answer: str) -> str | None:
        """One or two sentences on what the answer misses, when they name a missing item."""
        if not missing:
            return None
        listed = "\n".join(f"- {m}" for m in missing)
        try:
            text = self.llm.complete(FEEDBACK.format_messages(question=question, missing=listed, answer=answer)).strip()
        except LlmError:
            return None
        kept = "".join(s.text for s in sentences(text, 0)[:2])
        # Feedback that does not repeat the missing items' words is about something else.
        return kept if kept and share_said(kept, "\n".join(missing)) >= LEANS else None

    def _answer(self, shown: list[Supported], blocks: list[Block], extractive: Answer) -> Answer:
        used = list(dict.fromkeys(s.block for s in shown))  # blocks in order of first use
        number = {b: n for n, b in enumerate(used, start=1)}
        body = "\n".join(f"{s.text}[{number[s.block]}]" for s in shown)
        sources = "；".join(f"[{number[b]}] {blocks[b].citation.label}" for b in used)
        cited = {blocks[b].chunk_id for b in used}
        answer = Answer(
            answer=f"{body}\n\n出处：{sources}",
            refused=False,
            citations=[blocks[b].citation for b in used],
            passages=[p for p in extractive.passages if p.chunk_id in cited],
            ms=0.0,
            mode=GENERATIVE,
            quotes=list(dict.fromkeys(s.quote for s in shown if s.quote)),
            understood_as=extractive.understood_as,
        )
        return answer


def _new(shown: list[Supported], checked: list[Supported | None]) -> list[Supported]:
    """The supported sentences not shown yet (a small model repeats itself)."""
    seen = {s.text for s in shown}
    fresh = []
    for sentence in checked:
        if sentence is not None and sentence.text not in seen:
            seen.add(sentence.text)
            fresh.append(sentence)
    return fresh


def _fallback(extractive: Answer, warning: str) -> Answer:
    answer = extractive.model_copy(deep=True, update={"warning": warning})
    answer.lead_with(f"（{warning}）")
    return answer
