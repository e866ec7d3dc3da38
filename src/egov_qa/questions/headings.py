"""Questions shaped like a heading go to the unit with that heading.

Revision notes give a term's definition a heading of its own ("X的含义", "X的定义", "X的概念") and a
comparison too ("X与Y"), while X and Y also appear in many other units; a small model's vectors
often rank a unit that merely mentions them first ("电子政务与政府信息化" for "什么是电子政务？").
So when a question asks what X is and a retrieved unit's heading defines exactly X, or asks how X
and Y differ or relate and a retrieved unit's heading pairs exactly X and Y, that unit comes first.
And a question about a point as a whole ("电子政务建设的原则有哪些？") is answered with the point's
sections (its principles are its sections 5.1.1–5.1.7), not with the one section ranked first; one
about a chapter as a whole ("第三章讲了什么？") with the chapter's points; and a question that names its
place ("第三章第5点讲了什么？", "第三章里…") is answered from that place.

It also makes questions from headings: the chat page's examples, and a self-check that needs no
labelled questions (``questions_from_headings``, run by ``make bench``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from egov_qa.questions.definitions import DEFINITION_HEADING, DEFINITION_HEADS, defined_term, term_key
from egov_qa.models import Chunk
from egov_qa.ingest.numbering import CHAPTER_WORD, PART_WORD, parse_number
from egov_qa.retrieval.hybrid import Hit, RetrievalResult
from egov_qa.questions.synonyms import synonyms
from egov_qa.text import acronyms, as_plain_question, content_words, normalize

_RELATION = "区别|不同|异同|联系|关系|差别|差异|比较"
_ASKS_PAIR = re.compile(
    rf"^(?:请问)?(?P<a>[^，,。？?]+?)(?:和|与|跟|同|及)(?P<b>[^，,。？?]+?)(?:之间)?"
    rf"(?:有什么|有何|有啥|是什么|是啥|的)?(?:{_RELATION})"
)
_PAIR_RELATION_WORDS = frozenset({"影响", "作用", "关系", "联系"})
_PAIR_HEADING = re.compile(rf"^(?P<a>.+?)(?:与|和|及)(?P<b>.+?)(?:的(?:{_RELATION}))?$")


# Question templates by what a heading names (generic exam-note heading words).
_LIST_HEADS = ("特征", "特点", "功能", "作用", "原则", "措施", "内容", "步骤", "类型", "分类", "方法",
               "方式", "问题", "要点", "对策", "趋势", "任务", "结构", "层次")


def example_question(title: str) -> str | None:
    """A natural question whose answer is the unit with this heading."""
    title = title.strip()
    if len(title) < 3:
        return None
    if title.endswith((*DEFINITION_HEADS, "意义")):
        return f"{title}是什么？"
    if title.endswith(_LIST_HEADS):
        return f"{title}有哪些？"
    pair = re.fullmatch(r"(.+?)与(.+)", title)
    if pair:  # "关系": such a heading may set out differences, a relation or an influence
        return f"{pair.group(1)}和{pair.group(2)}是什么关系？"
    return f"请介绍一下{title}。"


def questions_from_headings(chunks: list[Chunk]) -> list[tuple[str, str]]:
    """(question, label of the unit that answers it) made from the notes' own headings: the
    example question, "<heading>是怎么回事？", and for a definition heading "什么是X？" and
    "名词解释：X". A check that needs no labelled questions; a heading that names two units is
    skipped (either would be right)."""
    labels: dict[str, set[str]] = {}
    for chunk in chunks:
        labels.setdefault(chunk.unit_title, set()).add(chunk.label)
    pairs = []
    for title, units in labels.items():
        if len(units) != 1 or not title:
            continue
        label = next(iter(units))
        questions = [example_question(title), f"{title}是怎么回事？"]
        defined = DEFINITION_HEADING.match(title)
        if defined:
            questions += [f"什么是{defined.group('term')}？", f"名词解释：{defined.group('term')}"]
        pairs += [(q, label) for q in dict.fromkeys(questions) if q]
    return pairs


# A list item's own number in front of the term it defines ("1.政务内网:…", "(2)外网：…").
_ITEM_NUMBER = re.compile(r"^\s*(?:\d{1,2}\s*[.、．)）]|[(（]\s*[\d一二三四五六七八九十]{1,3}\s*[)）]|[①-⑳])")


def defining_lines(question: str, lines: list[str]) -> list[str]:
    """The lines that define the X a "what is X" question asks about ("1.政务内网:…" for
    "名词解释：政务内网"; for an acronym, the lines that name it), when a unit defines several terms
    one per line; else none."""
    term = defined_term(as_plain_question(question))
    if not term:
        return []
    if term in acronyms(term):  # an acronym ("G2B是什么？"): the lines that name it, "(G-B)…"
        return [line for line in lines if term in acronyms(line)]
    pattern = re.compile(rf"{re.escape(term)}[:：是指即]")
    return [line for line in lines if pattern.match(term_key(_ITEM_NUMBER.sub("", line)))]


def states_what(term: str | None, chunk: Chunk) -> bool:
    """Does the unit say what ``term`` is, word for word ("电子政务的主体是…")?"""
    return bool(term) and re.search(rf"{re.escape(term)}[是:：指即]", normalize(chunk.text)) is not None


def pair_sides(title: str | None) -> set[str]:
    """{X, Y} (matching keys) of a heading "X与Y" / "X与Y的区别", else none."""
    match = _PAIR_HEADING.match(title or "")
    return {term_key(match.group("a")), term_key(match.group("b"))} if match else set()


def pair_asked(question: str) -> tuple[str, str] | None:
    """(X, Y) as written in a question that asks how X and Y differ or relate, else None."""
    match = _ASKS_PAIR.match(question.strip())
    return (match.group("a").strip(), match.group("b").strip()) if match else None


def compared_pair(question: str) -> frozenset[str] | None:
    """{X, Y} of a question that asks how X and Y differ or relate (matching keys), else None."""
    pair = pair_asked(question)
    return frozenset(map(term_key, pair)) if pair else None


def _answers(question: str) -> Callable[[str], bool] | None:
    """A test a chunk's heading must pass to answer this question, or None."""
    term = defined_term(question)
    if term is not None:
        def defines(title: str) -> bool:
            match = DEFINITION_HEADING.match(title)
            return bool(match) and term_key(match.group("term")) == term
        return defines
    pair = compared_pair(question)
    if pair is not None and len(pair) == 2:
        return lambda title: pair_sides(title) == pair
    return None


def promote_heading_unit(question: str, result: RetrievalResult) -> RetrievalResult:
    """Move the retrieved unit whose heading is what the question asks about to the front (with the
    first place's score, so the passages stay ranked by score)."""
    tests: list[Callable[[Chunk], bool]] = []
    fits = _answers(question)
    if fits is not None:
        tests.append(lambda c: fits(c.unit_title))
    term = defined_term(question)
    if term:  # no heading defines X: a unit with a line of its own that does
        tests.append(lambda c: bool(defining_lines(question, c.body.split("\n"))))
        # nor a line: the comparison whose heading names X ("电子政务与电子政府" for "什么是电子政府？",
        # a term the notes only set against another), unless a unit says what X is in a sentence
        if not any(states_what(term, hit.chunk) for hit in result.hits):
            tests.append(lambda c: term in pair_sides(c.unit_title))
    asked = set(content_words(question))
    if asked:  # the question's topic is a heading, word for word ("概念结构有哪些？", not "概念结构设计")
        tests.append(lambda c: set(content_words(c.unit_title)) == asked)
        # or the heading of a point made of sections, which then answers as a whole (point_overview)
        tests.append(lambda c: bool(c.section) and set(content_words(c.point_title or "")) == asked)
    for test in tests:
        promoted = first_where(result, test)
        if promoted is not None:
            return promoted
    return result


def reworded_heading_unit(question: str, result: RetrievalResult) -> RetrievalResult | None:
    """The ranking with the retrieved unit first whose heading is the question in other words of the
    same meaning ("公共管理有哪些特点？" for "公共管理的特征"), else None. Every topic word of the
    question is a word of the heading or a synonym of one, and every heading word is matched."""
    asked = set(content_words(question))
    if not asked:
        return None

    def reworded(chunk: Chunk) -> bool:
        title = set(content_words(chunk.unit_title))
        matched = {w: w if w in title else next(iter(synonyms(w) & title), None) for w in asked}
        return (all(matched.values()) and any(w != t for w, t in matched.items())
                and title <= asked | {s for w in asked for s in synonyms(w)})

    return first_where(result, reworded)


def first_where(result: RetrievalResult, test: Callable[[Chunk], bool]) -> RetrievalResult | None:
    """The ranking with its best hit that passes ``test`` moved to the front (with the first
    place's score, so the passages stay ranked by score); None if no hit passes."""
    for rank, hit in enumerate(result.hits):
        if test(hit.chunk):
            if rank == 0:
                return result
            hits = [Hit(hit.chunk, result.hits[0].score), *result.hits[:rank], *result.hits[rank + 1:]]
            return RetrievalResult(hits, result.relevance)
    return None


def point_overview(question: str, result: RetrievalResult, chunks: list[Chunk]) -> list[Chunk] | None:
    """The section units (document order) of the point the question asks about as a whole, else None.

    It applies when the best hit lies in a numbered point with two or more sections and the question's
    topic words are exactly those of the point's title: one more ("那测试一般按什么顺序来做？" after a
    question on "系统测试" adds 顺序) asks about a part of it. Only a relation word (影响, 作用, 关系,
    联系) may be added to the title of a point headed "X与Y" ("电子政务对政府管理创新的影响").
    """
    if not result.hits:
        return None
    top = result.hits[0].chunk
    if top.point is None or not top.point_title:
        return None
    sections = [c for c in sections_of(chunks, top.chapter, top.point)
                if (c.source, c.point_title) == (top.source, top.point_title)]
    if len({c.section for c in sections}) < 2:
        return None
    title_words, asked = set(content_words(top.point_title)), set(content_words(question))
    if not title_words or not title_words <= asked:
        return None
    extra = asked - title_words - _OVERVIEW_WORDS  # "…需要把握哪几块": asks for the whole, names no part
    # "论述X对Y的影响" asks about a point headed "X与Y" as a whole: the relation is what it covers.
    relation = extra <= _PAIR_RELATION_WORDS and _PAIR_HEADING.match(top.point_title)
    # A word the point never uses cannot narrow the question to one of its parts ("…要遵循哪些原则").
    texts = [normalize(c.text) for c in sections] if extra else []
    unused = not any(word in text for word in extra for text in texts)
    if extra and not (relation or unused):
        return None
    return sections


_CHAPTER = re.compile(rf"第\s*([一二三四五六七八九十百零〇两\d]+)\s*(?:{CHAPTER_WORD}|{PART_WORD})")
# What a question about a whole chapter may say besides "第N章" (generic, any course).
_OVERVIEW_WORDS = frozenset(
    "知识 知识点 重点 要点 考点 难点 掌握 把握 需要 大纲 目录 概括 总结 内容 主要内容 部分 涉及 包括 包含 "
    "学习 复习 讲述 讲解".split()
)


# "第5点", "第五个知识点", "第2条" after a chapter reference: the notes' point of that number.
_POINT = re.compile(r"第\s*([一二三四五六七八九十百零\d]+)\s*个?\s*(?:知识点|要点|考点|点|条|部分|节)")


@dataclass(frozen=True)
class Location:
    """A place in the notes a question names by number, and what it asks there."""

    chapter: int
    point: int | None
    rest: str  # the question without "第N章" / "第M点"

    @property
    def whole_chapter(self) -> bool:
        """Nothing but the chapter is asked about ("第三章讲了什么？", "第2章的重点", "那第五章呢？")."""
        return not set(content_words(self.rest)) - _OVERVIEW_WORDS


def asked_location(question: str) -> Location | None:
    """The chapter (and point) a question names: "第三章第5点讲了什么？" → 3, 5, "讲了什么？"."""
    chapter = _CHAPTER.search(question)
    if not chapter:
        return None
    rest = f"{question[:chapter.start()]} {question[chapter.end():]}"
    point = _POINT.search(rest)
    if point:
        rest = f"{rest[:point.start()]}{rest[point.end():]}"
    return Location(parse_number(chapter.group(1)), parse_number(point.group(1)) if point else None, rest)


# A section's own number ("1.3.2"), not part of a longer number or a decimal.
_SECTION_NUMBER = re.compile(r"(?<![\d.．])(\d{1,2})[.．](\d{1,2})[.．](\d{1,2})(?![\d.．])")


@dataclass(frozen=True)
class NamedSection:
    section: str  # "1.3.2"
    rest: str  # the question without it


def asked_section(question: str) -> NamedSection | None:
    """The section a question names by its number: "1.3.2讲了什么？" → "1.3.2", "讲了什么？"."""
    match = _SECTION_NUMBER.search(question)
    if not match:
        return None
    rest = re.sub(r"\s+", " ", f"{question[:match.start()]} {question[match.end():]}").strip()
    return NamedSection(".".join(match.groups()), rest)


def sections_of(chunks: list[Chunk], chapter: int, point: int) -> list[Chunk]:
    """The section units of a numbered point, in document order."""
    return [c for c in chunks if c.section and (c.chapter, c.point) == (chapter, point)]
