"""Extractive answers: the notes' own sentences from the best unit, quoted and cited.

No paraphrase: every quoted line is an exact substring of a stored passage, so the UI can
highlight it and a student can check it. Short units are quoted whole; long ones are trimmed to
the sentences that share most wording with the question (list items stay together), and a unit
stored in parts may fill the budget from its other parts among the best hits; an ordinal
follow-up ("第二条") gets that item; a comparison also quotes the next unit whose heading names the other side;
a point asked about as a whole is answered with its sections' headings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from egov_qa.questions.followups import LAST, ordinal
from egov_qa.ingest.chunking import point_label, quotable_pieces, section_label
from egov_qa.questions.headings import defining_lines, example_question
from egov_qa.models import Answer, Chapter, Chunk, Citation, Passage, Point
from egov_qa.ingest.numbering import is_item, item_marker
from egov_qa.retrieval.hybrid import Hit, RetrievalResult
from egov_qa.text import bigrams, keywords

REFUSAL = "抱歉，笔记中没有涉及这个问题的内容，无法根据笔记回答。可以换个说法，或问笔记里讲到的知识点。"
EMPTY_QUESTION = "请输入一个问题。"
TOO_LONG = "问题太长了（超过 {limit} 字），请精简后再问。"
NO_CHAPTER = "笔记里没有{asked}。笔记包括：{chapters}。"
NO_SECTION = "笔记里没有编号为 {section} 的一节。"
NO_POINT = "笔记的{chapter}没有第{point}点（它的要点编号为 {numbers}）。可以问“{chapter}讲了什么？”看它的全部要点。"
UNDERSTOOD_AS = "（按笔记用词理解为：{question}）"
NOTES_WORDING = "（笔记里的说法是「{heading}」）"
MORE_LEAD = "关于「{earlier}」，笔记里还讲到："
NO_MORE = "关于「{earlier}」，笔记里没有更多相关内容了。"
SUGGESTIONS_LEAD = "笔记里相近的内容，可以这样问："
NO_TOPIC = "这句话要接着前面的问题才能理解。请把问题说完整，例如：{example}"
SMALL_TALK = {
    "greeting": "你好！我是这门课的笔记问答助手：根据课程笔记回答问题，并注明出自哪一章哪一点，"
                "点开出处就能核对笔记原文。可以这样问：{example}",
    "thanks": "好的！还有问题可以接着问，例如：{example}",
}

ANSWER_BUDGET = 450  # characters of quoted notes in one answer
SUGGESTIONS = 3  # nearest units offered as questions with a "not in the notes" answer
_COMPARE = re.compile(r"区别|不同|异同|相比|比较|对比|还是|分别|联系")
_RUNNER_UP_DEPTH = 4  # how far down the ranking the other side of a comparison may be
_CN_ORDINAL_CLAUSE = "(?:第{n}|(?<![一二三四五六七八九十第]){n})是[^，,。；;]+"


def with_document(label: str, source: str, multi_source: bool) -> str:
    return f"《{source.rsplit('.', 1)[0]}》{label}" if multi_source else label


def citation_label(chunk: Chunk, multi_source: bool) -> str:
    return with_document(chunk.label, chunk.source, multi_source)


def citation_for(chunk: Chunk, multi_source: bool) -> Citation:
    return Citation(chapter=chunk.chapter, point=chunk.point, section=chunk.section,
                    label=citation_label(chunk, multi_source), source=chunk.source)


def list_items(chunk: Chunk) -> list[str]:
    """The unit's numbered sub-items, as quoted ("第二条" picks from these)."""
    return [p for p in quotable_pieces(chunk) if is_item(p)]


def _ordinal_item(question: str, pieces: list[str]) -> list[str] | None:
    """'第二条/第二点' → the second list item, or the sentence saying '二是/第二是…'."""
    n = ordinal(question)
    if n is None:
        return None
    items = [p for p in pieces if is_item(p)]
    if n == LAST:
        return items[-1:] or None
    if 0 < n <= len(items):
        return [items[n - 1]]
    cn = "零一二三四五六七八九十"[n] if n <= 10 else str(n)
    said = re.compile(_CN_ORDINAL_CLAUSE.format(n=cn))
    # Every "二是…/第二是…" clause: a unit may hold more than one enumeration.
    clauses = [m.group() for piece in pieces for m in said.finditer(piece)]
    return clauses or None


def _list_around(markers: list[tuple[str, int] | None], i: int) -> range:
    """The list piece ``i`` belongs to (``markers``: each piece's ``item_marker``): the run of items
    numbered like it from its item 1 on, with the line that leads into them; for a lead-in line,
    the items that follow it."""
    style = markers[i][0] if markers[i] else None
    after = markers[i + 1] if i + 1 < len(markers) else None
    if after is not None and after[0] != style:  # "4).存在的问题" followed by "1…", "2…": a lead-in
        first, style = i + 1, after[0]
    elif style is None:
        return range(0)
    else:
        first = i

    def same_list(j: int) -> bool:
        return markers[j] is not None and markers[j][0] == style

    last = first
    while first > 0 and markers[first][1] != 1 and same_list(first - 1):
        first -= 1
    while last + 1 < len(markers) and same_list(last + 1) and markers[last + 1][1] != 1:
        last += 1
    return range(max(first - 1, 0), last + 1)


def _unit_parts(best: Chunk, result: RetrievalResult) -> list[Chunk]:
    """The parts of ``best``'s unit among the best-ranked hits, in the notes' order. A long unit is
    stored in parts, and the part with most of the question's words need not hold all it asks
    (`ERP 跟 MRP II 是啥关系？`: ERP's line in one part, MRP II's in the one before)."""
    parts = {best.id: best} | {h.chunk.id: h.chunk for h in result.hits[:_RUNNER_UP_DEPTH]
                               if (h.chunk.source, h.chunk.label) == (best.source, best.label)}
    return sorted(parts.values(), key=lambda c: (c.start, c.part))


def _select(question: str, chunk: Chunk, parts: list[Chunk]) -> list[str]:
    """The lines of ``chunk`` to quote; when its unit is long and stored in ``parts`` (``chunk``
    among them), lines of the other parts may fill what the budget leaves."""
    own = quotable_pieces(chunk)
    ordinal = _ordinal_item(question, own)
    if ordinal:
        return ordinal
    defining = defining_lines(question, own)
    if defining and len(defining) < len(own):  # "名词解释：政务内网" in a unit on 内网 and 外网
        return defining
    # Consecutive parts repeat the line they were cut at.
    pieces = list(dict.fromkeys(p for part in parts for p in quotable_pieces(part)))
    if sum(len(p) for p in pieces) <= ANSWER_BUDGET:
        return pieces
    # What of the question each piece says: its bigrams and its words (jieba), segmented once.
    grams, words = bigrams(question), set(keywords(question))
    said_grams = [grams & bigrams(p) for p in pieces]
    said_words = [words & set(keywords(p)) for p in pieces]

    def covered(indices: range) -> int:
        """How much of the question the pieces say between them (a list answers as a whole)."""
        return (len(set().union(*(said_grams[i] for i in indices)))
                + 2 * len(set().union(*(said_words[i] for i in indices))))

    scores = [covered(range(i, i + 1)) for i in range(len(pieces))]
    own_lines = set(own)
    mine = [i for i, p in enumerate(pieces) if p in own_lines]
    best = max(mine, key=lambda i: scores[i])
    markers = [item_marker(p) for p in pieces]
    lists = {tuple(_list_around(markers, i)) for i in mine} - {()}
    anchor = max(lists, key=lambda r: covered(range(r[0], r[-1] + 1)), default=())
    if anchor and covered(range(anchor[0], anchor[-1] + 1)) > scores[best]:
        best = max(anchor, key=lambda i: scores[i])
    chosen, used = {best}, len(pieces[best])
    # Grow with the list the best piece is an item of (or leads into), then the best-scored pieces
    # around it, preferring the ones that follow it (a list under its lead-in).
    def nearest(indices: Iterable[int]) -> list[int]:
        return sorted(indices, key=lambda i: (-scores[i], abs(i - best - 0.5)))

    for i in [*nearest(_list_around(markers, best)), *nearest(range(len(pieces)))]:
        if i not in chosen and used + len(pieces[i]) <= ANSWER_BUDGET:
            chosen.add(i)
            used += len(pieces[i])
    return [pieces[i] for i in sorted(chosen)]


def _cited_chunks(question: str, result: RetrievalResult) -> list[Chunk]:
    """The best unit; for a comparison also the next unit that names the other side."""
    best = result.hits[0].chunk
    cited = [best]
    if _COMPARE.search(question):
        # Character bigrams, not words: "主要内容" vs "主要步骤" differ only in a generic word.
        asked = bigrams(question)
        covered = asked & bigrams(best.label)
        for hit in result.hits[1:_RUNNER_UP_DEPTH]:
            other_side = (asked & bigrams(hit.chunk.label)) - covered
            if hit.chunk.label != best.label and other_side:
                cited.append(hit.chunk)
                break
    return cited


def refusal(message: str, ms: float, suggestions: list[str] | None = None) -> Answer:
    return Answer(answer=message, refused=True, citations=[], passages=[], ms=ms, suggestions=suggestions or [])


def suggested_questions(result: RetrievalResult) -> list[str]:
    """Questions about the best-ranked units, made from their headings ("会计的基本职能" →
    "请介绍一下会计的基本职能。"), one per heading."""
    questions = (example_question(h.chunk.unit_title) or h.chunk.unit_title for h in result.hits)
    return list(dict.fromkeys(q for q in questions if q))[:SUGGESTIONS]


def _passages(result: RetrievalResult, multi_source: bool) -> list[Passage]:
    return [Passage(text=h.chunk.text, label=citation_label(h.chunk, multi_source),
                    score=round(h.score, 6), chunk_id=h.chunk.id) for h in result.hits]


def _overview_answer(sections: list[Chunk], result: RetrievalResult, multi_source: bool,
                     ms: float) -> Answer:
    """A point asked about as a whole: its sections' headings in order, the point cited."""
    first = sections[0]
    label = with_document(first.point_unit_label, first.source, multi_source)
    headings = list(dict.fromkeys(c.heading for c in sections))  # a long section's parts share one
    text = f"根据笔记「{label}」：\n" + "\n".join(headings) + f"\n\n出处：{label}"
    citation = Citation(chapter=first.chapter, point=first.point, section=None, label=label,
                        source=first.source)
    return Answer(answer=text, refused=False, citations=[citation], passages=_passages(result, multi_source),
                  ms=ms, quotes=headings)


def chapter_answer(chapters: list[tuple[str, Chapter]], result: RetrievalResult, multi_source: bool,
                   ms: float = 0.0) -> Answer:
    """A chapter asked about as a whole: its points (and sections outside a point) in order, per
    document that has the chapter (source, chapter), the chapter cited."""
    blocks, citations = [], []
    for source, chapter in chapters:
        label = with_document(chapter.label, source, multi_source)
        lines = []
        for unit in chapter.units:
            if isinstance(unit, Point):
                lines.append(point_label(unit))
                lines += [f"　{section_label(s)}" for s in unit.sections]  # U+3000: indented under it
            else:
                lines.append(section_label(unit))
        title = f" {chapter.title}" if chapter.title else ""
        blocks.append(f"「{label}{title}」包括：\n" + "\n".join(lines))
        citations.append(Citation(chapter=chapter.number, point=None, section=None, label=label, source=source))
    text = "\n\n".join(blocks) + "\n\n出处：" + "；".join(c.label for c in citations)
    return Answer(answer=text, refused=False, citations=citations, passages=_passages(result, multi_source),
                  ms=ms)


def _quoted(cited: list[tuple[Chunk, list[str]]], result: RetrievalResult, multi_source: bool,
            ms: float) -> Answer:
    """Each (unit, its lines to quote) under its label, then the sources."""
    blocks = [f"根据笔记「{citation_label(chunk, multi_source)}」：\n" + "\n".join(lines) for chunk, lines in cited]
    labels = "；".join(citation_label(c, multi_source) for c, _ in cited)
    text = "\n\n".join(blocks) + f"\n\n出处：{labels}"
    return Answer(answer=text, refused=False, citations=[citation_for(c, multi_source) for c, _ in cited],
                  passages=_passages(result, multi_source), ms=ms,
                  quotes=[line for _, lines in cited for line in lines])


def continued_answer(units: list[Chunk], shown: set[str], result: RetrievalResult,
                     multi_source: bool) -> Answer | None:
    """More of units already cited ("还有呢？" after a trimmed answer, or after a point's section
    headings): their lines not quoted yet, in document order, up to the answer budget."""
    cited: list[tuple[Chunk, list[str]]] = []
    used = 0
    for chunk in units:
        unshown = [line for line in quotable_pieces(chunk) if line not in shown]
        lines = []
        for line in unshown:
            if used and used + len(line) > ANSWER_BUDGET:
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
    return _quoted(cited, RetrievalResult(hits[:len(result.hits)], result.relevance), multi_source, 0.0)


def extractive_answer(question: str, result: RetrievalResult, min_relevance: float,
                      multi_source: bool, ms: float = 0.0, overview: list[Chunk] | None = None) -> Answer:
    """``overview``: the sections of a point the question asks about as a whole (answered with
    their headings; see ``heading_questions.point_overview``)."""
    if not result.hits or result.relevance < min_relevance:
        # Still the fixed message, no citations: the suggestions are questions, not sources.
        return refusal(REFUSAL, ms, suggested_questions(result))
    if overview:
        return _overview_answer(overview, result, multi_source, ms)
    return _quoted([(c, _select(question, c, _unit_parts(c, result))) for c in _cited_chunks(question, result)],
                   result, multi_source, ms)


def aspects_answer(parts: list[tuple[str, RetrievalResult]], min_relevance: float,
                   multi_source: bool) -> Answer | None:
    """Aspects of one topic asked together ("X的含义及其特征"), each (aspect question, its own
    retrieval): every aspect quoted from its unit. None when one is out of scope or all share a unit."""
    if any(not r.hits or r.relevance < min_relevance for _, r in parts):
        return None
    cited: dict[str, tuple[Chunk, list[str]]] = {}
    for question, result in parts:
        for chunk in _cited_chunks(question, result):
            if chunk.id not in cited:
                cited[chunk.id] = (chunk, _select(question, chunk, _unit_parts(chunk, result)))
    if len({c.label for c, _ in cited.values()}) < 2:
        return None
    # Passages: the parts' rankings interleaved, best of each first.
    hits = list({h.chunk.id: h for rank in zip(*(r.hits for _, r in parts)) for h in rank}.values())
    merged = RetrievalResult(hits[:len(parts[0][1].hits)], min(r.relevance for _, r in parts))
    return _quoted(list(cited.values()), merged, multi_source, 0.0)
