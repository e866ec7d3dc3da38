"""Answer rules that go on from an earlier answer: "还有呢？" and "那第四个呢？"."""

from __future__ import annotations

from egov_qa.answer.compose import Draft, refusal
from egov_qa.answer.messages import MORE_LEAD, NO_MORE
from egov_qa.ingest.chunking import list_items
from egov_qa.models import Answer, Hit, RetrievalResult
from egov_qa.questions.followups import LAST
from egov_qa.questions.places import Location
from egov_qa.questions.question import Question
from egov_qa.rules.base import AnswerRule, Example, Turn
from egov_qa.rules.places import located_answer
from egov_qa.rules.talk import no_topic


class More(AnswerRule):
    """ "还有呢？": the question the run of "还有呢" follows, answered from what no answer in the run
    has quoted yet: first the rest of the units cited (a trimmed unit, a point's sections), then
    the next units of its ranking."""

    name = "more"
    example = Example(
        "还有呢？", "quotes what the earlier answer left out, then the next units", history=("电子政务的特征有哪些？",)
    )

    def answer(self, turn: Turn) -> Answer | None:
        if not turn.history or not turn.question.asks_for_more:
            return None
        start = len(turn.history)
        while start and turn.history[start - 1].asks_for_more:
            start -= 1
        if not start:  # nothing but "还有呢"
            return no_topic(self.ctx)
        ctx, top_k = self.ctx, self.ctx.settings.top_k
        earlier = turn.history[start - 1]
        answer = ctx.earlier_answer(turn, start - 1)
        if answer.refused:
            return answer
        ranked = ctx.search(ctx.earlier(turn, start - 1).queries, k=ctx.settings.more_depth * top_k)
        cited, shown = list(answer.citations), set(answer.quotes)
        for _ in range(len(turn.history) - start + 1):  # once per "还有呢" so far, this one included
            units = [c for c in ctx.notes.chunks if any(cite.covers(c) for cite in cited)]
            top = RetrievalResult(ranked.hits[:top_k], ranked.relevance)
            more = ctx.compose.continued(units, shown, top)
            if more is None:
                rest = [h for h in ranked.hits if not any(c.covers(h.chunk) for c in cited)]
                if not rest:
                    return refusal(NO_MORE.format(earlier=earlier.raw))
                more = ctx.compose.extractive(
                    earlier, Draft(RetrievalResult(rest[:top_k], ranked.relevance), sure=True)
                )
            answer = more
            cited += answer.citations
            shown |= set(answer.quotes)
        answer.lead_with(MORE_LEAD.format(earlier=earlier.raw))
        return answer


class NthItem(AnswerRule):
    """ "那第四个呢？" / "最后那个呢？" after an answer that listed a point's sections (or a chapter's
    points, or the items of one unit): that section (point, item)."""

    name = "nth_item"
    example = Example(
        "那第三个呢？",
        "quotes the third section of the point listed before (5.1.3)",
        history=("电子政务建设的原则有哪些？",),
    )

    def answer(self, turn: Turn) -> Answer | None:
        n, question, ctx = turn.question.ordinal, turn.question, self.ctx
        topical = [i for i, h in enumerate(turn.history) if not h.names_nothing]
        if n is None or not topical or not turn.follows_on:
            return None
        listed = ctx.earlier_answer(turn, topical[-1])
        if listed.refused or len(listed.citations) != 1:
            return None
        cited = listed.citations[0]
        if cited.point is None and cited.section is None:  # a chapter's points
            if n == LAST:
                return None
            return located_answer(ctx, turn, Location(cited.chapter, n, question.without_ordinal))
        units = [c for c in ctx.notes.chunks if cited.covers(c)]
        sections = [c for c in units if c.section]
        order = list(dict.fromkeys(c.section for c in sections))
        was_overview = cited.section is None and set(listed.quotes) == {c.shown_heading for c in sections}
        if was_overview and (n == LAST or 0 < n <= len(order)):
            chosen = [c for c in sections if c.section == order[-1 if n == LAST else n - 1]]
        elif len(units) == 1 and len(list_items(units[0])) > 1:
            chosen = units  # one unit's list: its n-th item is picked when the answer is quoted
        else:
            return None
        ranked = ctx.retrieve(turn.queries)
        hits = [Hit(c, 0.0) for c in chosen] + [h for h in ranked.hits if h.chunk not in chosen]
        result = RetrievalResult(hits[: ctx.settings.top_k], ranked.relevance)
        item_asked = question if chosen is units else Question.of(question.without_ordinal)
        return ctx.compose.extractive(item_asked, Draft(result, sure=True))
