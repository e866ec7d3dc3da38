"""Questions generated from the notes' own headings, each with the unit that answers it: checks
that need no labelled questions, on any notes (``make bench`` runs them on every notes file)."""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import pairwise

from egov_qa.models import Chunk
from egov_qa.questions.definitions import DEFINITION_HEADING
from egov_qa.questions.examples import example_question

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
