"""Answer rules for questions that name their place in the notes: "第三章第5点讲了什么？",
"第三章讲了什么？", "第三章里规划的步骤有哪些？", "1.3.2讲了什么？"."""

from __future__ import annotations

from egov_qa.answer.compose import Draft, refusal
from egov_qa.answer.messages import NO_CHAPTER, NO_POINT, NO_SECTION
from egov_qa.lexicon import chinese_numeral
from egov_qa.models import Answer
from egov_qa.questions.places import Location
from egov_qa.questions.question import Question
from egov_qa.rules.base import AnswerRule, Context, Example, Turn


def number_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5, 7, 8] → "1–3、5、7–8"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "、".join(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


class NamedSection(AnswerRule):
    """A section named by its number is answered from that section, whatever the relevance."""

    name = "named_section"
    example = Example("1.3.2讲了什么？", "quotes section 1.3.2")

    def answer(self, turn: Turn) -> Answer | None:
        named = turn.question.plain.section
        if named is None or not any(c.section for c in self.ctx.notes.chunks):
            return None
        result = self.ctx.retrieve(turn.queries, lambda c: c.section == named.section)
        if not result.hits:
            return refusal(NO_SECTION.format(section=named.section))
        return self.ctx.compose.extractive(Question.of(named.rest), Draft(result, sure=True, outline=named.whole))


class NamedPlace(AnswerRule):
    """A chapter (and point) named by number: the chapter's points, or the point (all its sections),
    or the question searched within that chapter; a chapter or point the notes lack is said so."""

    name = "named_place"
    example = Example("第三章第5点讲了什么？", "quotes chapter 3, point 5")

    def answer(self, turn: Turn) -> Answer | None:
        location = turn.question.plain.location
        if location is None:
            return None
        if location.point is None and location.whole_chapter:
            return chapter_overview(self.ctx, turn, location.chapter)
        return located_answer(self.ctx, turn, location)


def missing_chapter(ctx: Context, number: int) -> Answer | None:
    """The reply when the notes have no chapter ``number``, else None."""
    chapters = ctx.notes.chapters
    if any(ch.number == number for ch in chapters):
        return None
    have = "、".join(dict.fromkeys(ch.label for ch in chapters))
    word = chapters[0].word if chapters else "章"  # the notes' own 章 / 讲
    return refusal(NO_CHAPTER.format(asked=f"第{chinese_numeral(number)}{word}", chapters=have))


def chapter_overview(ctx: Context, turn: Turn, number: int) -> Answer:
    missing = missing_chapter(ctx, number)
    if missing:
        return missing
    found = [(o.source, ch) for o in ctx.notes.outlines for ch in o.chapters if ch.number == number]
    # Passages: the chapter's units, best match to the question first.
    return ctx.compose.chapters(found, ctx.retrieve(turn.queries, lambda c: c.chapter == number))


def located_answer(ctx: Context, turn: Turn, location: Location) -> Answer:
    """A question that names its place: "第三章第5点讲了什么？", "第三章里规划的步骤有哪些？"."""
    missing = missing_chapter(ctx, location.chapter)
    if missing:
        return missing
    result = ctx.retrieve(turn.queries, lambda c: (c.chapter, c.point) == (location.chapter, location.point))
    chapters = [ch for ch in ctx.notes.chapters if ch.number == location.chapter]
    numbers = sorted({p.number for ch in chapters for p in ch.points})
    if location.point is not None and not result.hits and numbers:
        return refusal(NO_POINT.format(chapter=chapters[0].label, point=location.point, numbers=number_ranges(numbers)))
    rest = Question.of(location.rest)
    if location.point is None or not result.hits:  # a chapter with no numbered points: the chapter
        return ctx.answer_ranked(rest, turn, ctx.retrieve(turn.queries, lambda c: c.chapter == location.chapter))
    # The point was named: answer from it whatever the relevance; all of it if it has sections.
    source = result.hits[0].chunk.source
    sections = [c for c in ctx.notes.sections_of(location.chapter, location.point) if c.source == source]
    overview = sections if len({c.section for c in sections}) >= 2 else None
    return ctx.compose.extractive(rest, Draft(result, overview=overview, sure=True, outline=location.whole))
