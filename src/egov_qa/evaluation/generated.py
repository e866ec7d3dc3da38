"""Questions generated from the notes' own headings: ones they answer, each with the unit that
answers it (checks that need no labelled questions, on any notes), and ones they cannot answer
(for calibrating when to refuse)."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from functools import lru_cache
from itertools import pairwise

import jieba
import jieba.posseg

from egov_qa.models import Chunk
from egov_qa.questions.definitions import DEFINITION_HEADING
from egov_qa.questions.examples import example_question
from egov_qa.text import content_words, is_cjk_word

_ASPECT = r"[\u4e00-\u9fff]{1,6}"


def questions_from_headings(chunks: list[Chunk]) -> list[tuple[str, str]]:
    """(question, label of the unit that answers it) made from the notes' own headings: the
    example question, "<heading>是怎么回事？", and for a definition heading "什么是X？" and
    "名词解释：X". A heading that names two units is skipped (either would be right)."""
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


def aspect_questions_from_headings(chunks: list[Chunk]) -> list[tuple[str, tuple[str, str]]]:
    """(question, the two unit labels that answer it) for every two units of a document whose
    headings are "X的A" and "X的B": "简述X的A及其B。"."""
    by_topic: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for chunk in chunks:
        head = re.fullmatch(rf"(?P<topic>[^的]{{2,}})的(?P<aspect>{_ASPECT})", chunk.unit_title or "")
        if head:
            by_topic[(chunk.source, head.group("topic"))].setdefault(head.group("aspect"), chunk.label)
    pairs = []
    for (_, topic), aspects in by_topic.items():
        names = list(aspects)
        for a, b in pairwise(names):  # neighbouring headings, as an exam pairs them
            if aspects[a] != aspects[b]:
                pairs.append((f"简述{topic}的{a}及其{b}。", (aspects[a], aspects[b])))
    return pairs


# --- questions the notes cannot answer (three of UAEval4RAG's kinds) --------------------------------

_MIN_NOUN_FREQ = 50  # jieba dictionary count: a real, known thing, not a rare compound


@lru_cache(maxsize=1)
def _nouns() -> tuple[str, ...]:
    """Nouns of jieba's dictionary, two to four characters (what a question may be about)."""
    jieba.initialize()
    tags = jieba.posseg.dt.word_tag_tab
    return tuple(
        sorted(
            w
            for w, f in jieba.dt.FREQ.items()
            if 2 <= len(w) <= 4 and f >= _MIN_NOUN_FREQ and tags.get(w, "").startswith(("n", "vn")) and is_cjk_word(w)
        )
    )


def _headings(chunks: list[Chunk]) -> list[str]:
    return sorted({c.unit_title for c in chunks if len(c.unit_title) >= 3})


def out_of_notes_questions(chunks: list[Chunk], notes_text: str, n: int, seed: int = 7) -> list[str]:
    """Questions shaped like the notes' own ("X的特征有哪些？", "什么是X？") about a near thing the
    notes never mention: a dictionary noun that shares a character pair with one of the notes'
    heading words but is none of them ("电子政务" → "电子竞技"). Out of the knowledge base, near
    the domain."""
    rng = random.Random(seed)
    nouns = _nouns()
    headings = _headings(chunks)
    words = sorted({w for title in headings for w in content_words(title) if w in title})
    pairs = {w[i : i + 2] for w in words for i in range(len(w) - 1)}
    near = [x for x in nouns if x not in notes_text and any(x[i : i + 2] in pairs for i in range(len(x) - 1))]
    aspects = sorted({m.group(1) for title in headings if (m := re.search(r"的(\w{2})$", title))}) or ["特点"]
    questions = []
    for noun in rng.sample(near, min(n, len(near))):
        question = example_question(f"{noun}的{rng.choice(aspects)}") if rng.random() < 0.7 else f"什么是{noun}？"
        questions.append(question or f"什么是{noun}？")
    return questions


_FALSE_PREMISES = (
    "笔记里说{x}是哪一年提出的？",
    "{x}最早是谁提出来的？",
    "{x}是在哪个国家最先出现的？",
    "为什么说{x}在全国有多少个试点？",
)


def false_premise_questions(chunks: list[Chunk], n: int, seed: int = 7) -> list[str]:
    """Questions that ask a fact about a heading's topic (a year, a person, a place, a number) that
    a note on it would have to contain: "笔记里说电子政务的特征是哪一年提出的？"."""
    rng = random.Random(seed)
    headings = _headings(chunks)
    return [rng.choice(_FALSE_PREMISES).format(x=title) for title in rng.sample(headings, min(n, len(headings)))]


_UNDERSPECIFIED = ("它有哪些{a}？", "这个的{a}是什么？", "那它的{a}呢？", "其{a}有哪些？")


def underspecified_questions(chunks: list[Chunk], n: int, seed: int = 7) -> list[str]:
    """Questions that leave out what they are about, as a first message: "它有哪些特征？"."""
    rng = random.Random(seed)
    aspects = sorted({m.group(1) for c in chunks if (m := re.search(r"的(\w{2})$", c.unit_title))})
    return [rng.choice(_UNDERSPECIFIED).format(a=a) for a in rng.sample(aspects, min(n, len(aspects)))]
