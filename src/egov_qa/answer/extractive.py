"""Which of the notes' own lines answer a question: the lines of the best unit to quote, and the
units to cite.

No paraphrase: every quoted line is an exact substring of a stored passage, so the UI can
highlight it and a student can check it. Short units are quoted whole; long ones are trimmed to
the sentences that share most wording with the question (list items stay together), and a unit
stored in parts may fill the budget from its other parts among the best hits; an ordinal
follow-up ("第二条") gets that item; "名词解释：政务内网" in a unit defining several terms gets the
line that defines it; a comparison also quotes the next unit whose heading names the other side.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from egov_qa.ingest.chunking import quotable_pieces
from egov_qa.ingest.numbering import is_item, item_marker
from egov_qa.lexicon import CN_SMALL, COMPARE_WORDS, alternation
from egov_qa.models import Chunk, RetrievalResult
from egov_qa.questions.definitions import defining_lines
from egov_qa.questions.followups import LAST
from egov_qa.questions.question import Question
from egov_qa.text import bigrams, keywords

_COMPARE = re.compile(alternation(COMPARE_WORDS))
RUNNER_UP_DEPTH = 4  # how far down the ranking the other side of a comparison (or a part) may be
_CN_ORDINAL_CLAUSE = f"(?:第{{n}}|(?<![{CN_SMALL}第]){{n}})是[^，,。；;]+"


def _ordinal_item(n: int | None, pieces: list[str]) -> list[str] | None:
    """'第二条/第二点' (``n`` = 2) → the second list item, or the sentence saying '二是/第二是…'."""
    if n is None:
        return None
    items = [p for p in pieces if is_item(p)]
    if n == LAST:
        return items[-1:] or None
    if 0 < n <= len(items):
        return [items[n - 1]]
    cn = ("零" + CN_SMALL)[n] if n <= 10 else str(n)
    said = re.compile(_CN_ORDINAL_CLAUSE.format(n=cn))
    # Every "二是…/第二是…" clause: a unit may hold more than one enumeration.
    clauses = [m.group() for piece in pieces for m in said.finditer(piece)]
    return clauses or None


def _list_around(markers: list[tuple[str, int] | None], i: int) -> range:
    """The list piece ``i`` belongs to (``markers``: each piece's ``item_marker``): the run of items
    numbered like it from its item 1 on, with the line that leads into them; for a lead-in line,
    the items that follow it."""
    marker = markers[i]
    style = marker[0] if marker else None
    after = markers[i + 1] if i + 1 < len(markers) else None
    if after is not None and after[0] != style:  # "4).存在的问题" followed by "1…", "2…": a lead-in
        first, style = i + 1, after[0]
    elif style is None:
        return range(0)
    else:
        first = i

    def same_list(j: int) -> bool:
        marker = markers[j]
        return marker is not None and marker[0] == style

    def numbered(j: int) -> int:
        marker = markers[j]
        return marker[1] if marker is not None else 0

    last = first
    while first > 0 and numbered(first) != 1 and same_list(first - 1):
        first -= 1
    while last + 1 < len(markers) and same_list(last + 1) and numbered(last + 1) != 1:
        last += 1
    return range(max(first - 1, 0), last + 1)


def unit_parts(best: Chunk, result: RetrievalResult) -> list[Chunk]:
    """The parts of ``best``'s unit among the best-ranked hits, in the notes' order. A long unit is
    stored in parts, and the part with most of the question's words need not hold all it asks
    (`ERP 跟 MRP II 是啥关系？`: ERP's line in one part, MRP II's in the one before)."""
    parts = {best.id: best} | {
        h.chunk.id: h.chunk
        for h in result.hits[:RUNNER_UP_DEPTH]
        if (h.chunk.source, h.chunk.label) == (best.source, best.label)
    }
    return sorted(parts.values(), key=lambda c: (c.start, c.part))


def select(asked: Question, chunk: Chunk, parts: list[Chunk], budget: int) -> list[str]:
    """The lines of ``chunk`` to quote; when its unit is long and stored in ``parts`` (``chunk``
    among them), lines of the other parts may fill what the ``budget`` (characters) leaves."""
    own = quotable_pieces(chunk)
    ordinal = _ordinal_item(asked.ordinal, own)
    if ordinal:
        return ordinal
    defining = defining_lines(asked.plain.defined_term, own)
    if defining and len(defining) < len(own):  # "名词解释：政务内网" in a unit on 内网 and 外网
        return defining
    # Consecutive parts repeat the line they were cut at.
    pieces = list(dict.fromkeys(p for part in parts for p in quotable_pieces(part)))
    if sum(len(p) for p in pieces) <= budget:
        return pieces
    # What of the question each piece says: its bigrams and its words (jieba), segmented once.
    grams, words = asked.bigrams, asked.keywords
    said_grams = [grams & bigrams(p) for p in pieces]
    said_words = [words & set(keywords(p)) for p in pieces]

    def covered(indices: Iterable[int]) -> int:
        """How much of the question the pieces say between them (a list answers as a whole)."""
        chosen = list(indices)
        return len(set().union(*(said_grams[i] for i in chosen))) + 2 * len(
            set().union(*(said_words[i] for i in chosen))
        )

    scores = [covered([i]) for i in range(len(pieces))]
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
        if i not in chosen and used + len(pieces[i]) <= budget:
            chosen.add(i)
            used += len(pieces[i])
    return [pieces[i] for i in sorted(chosen)]


def cited_chunks(asked: Question, result: RetrievalResult) -> list[Chunk]:
    """The best unit; for a comparison also the next unit that names the other side."""
    best = result.hits[0].chunk
    cited = [best]
    if _COMPARE.search(asked.text):
        # Character bigrams, not words: "主要内容" vs "主要步骤" differ only in a generic word.
        covered = asked.bigrams & bigrams(best.label)
        for hit in result.hits[1:RUNNER_UP_DEPTH]:
            other_side = (asked.bigrams & bigrams(hit.chunk.label)) - covered
            if hit.chunk.label != best.label and other_side:
                cited.append(hit.chunk)
                break
    return cited
