"""Which of the notes' own lines answer a question: the lines of the best unit to quote, and the
units to cite.

No paraphrase: every quoted line is an exact substring of a unit's display form (the text the
page shows), so the UI can highlight it and a student can check it. Short units are quoted whole;
long ones are trimmed, what was asked first (the item and the sentence the question asks about, the
list it is in), then what else shares wording with the question; a unit stored in parts may fill
the budget from its other parts among the best hits; an ordinal follow-up ("第二条") gets that item;
"名词解释：政务内网" in a unit defining several terms gets the line that defines it; a unit named by
its place gets its list's items; a comparison also quotes the next unit whose heading names the
other side.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from egov_qa.ingest.chunking import display_lines, display_pieces, list_items
from egov_qa.ingest.numbering import TERM_LINE, list_around, list_marker
from egov_qa.lexicon import CN_SMALL, COMPARE_WORDS, alternation
from egov_qa.models import Chunk, RetrievalResult
from egov_qa.questions.definitions import defining_lines
from egov_qa.questions.followups import LAST
from egov_qa.questions.question import Question
from egov_qa.text import bigrams, keywords, sentences

_COMPARE = re.compile(alternation(COMPARE_WORDS))
RUNNER_UP_DEPTH = 4  # how far down the ranking the other side of a comparison (or a part) may be
_CAPITALISED = re.compile(r"[A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*")  # "A", "e-M", "eMPA", "G2C"
_CN_ORDINAL_CLAUSE = f"(?:第{{n}}|(?<![{CN_SMALL}第]){{n}})是[^，,。；;]+"


def _ordinal_item(n: int | None, chunk: Chunk, budget: int) -> list[str] | None:
    """'第二条/第二点' (``n`` = 2) → the second list item (the whole line when it fits the budget,
    else its first sentences), or the sentence saying '二是/第二是…'."""
    if n is None:
        return None
    items = list_items(chunk)
    chosen = items[-1] if n == LAST and items else items[n - 1] if 0 < n <= len(items) else None
    if chosen is not None:
        return [chosen] if len(chosen) <= budget else _within(sentences(chosen), budget)
    if n == LAST:
        return None
    cn = ("零" + CN_SMALL)[n] if n <= 10 else str(n)
    said = re.compile(_CN_ORDINAL_CLAUSE.format(n=cn))
    # Every "二是…/第二是…" clause: a unit may hold more than one enumeration.
    clauses = [m.group() for piece in display_pieces(chunk) for m in said.finditer(piece)]
    return clauses or None


def _within(pieces: list[str], budget: int) -> list[str]:
    """The first pieces that fit in ``budget`` characters (the first one whatever its length)."""
    kept: list[str] = []
    used = 0
    for piece in pieces:
        if kept and used + len(piece) > budget:
            break
        kept.append(piece)
        used += len(piece)
    return kept


def _says(piece: str, term: str) -> bool:
    """Does the piece write ``term`` as a word of its own (not inside a longer one: "A" in
    "“e-A”" but not in "eMPA")?"""
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z0-9])", piece) is not None


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


def _lines_of(parts: list[Chunk]) -> list[list[str]]:
    """The display lines of a unit's parts, a line repeated at a part boundary once."""
    lines: dict[str, list[str]] = {}
    for part in parts:
        for line in display_lines(part):
            lines.setdefault("".join(line), line)
    return list(lines.values())


def select(asked: Question, chunk: Chunk, parts: list[Chunk], budget: int) -> list[str]:
    """The display lines (and sentences of long lines) of ``chunk`` to quote, what the question
    asks first: the item, the list or the sentence it asks about, then what else of the unit fits
    in ``budget`` characters, in the notes' order. When the unit is long and stored in ``parts``
    (``chunk`` among them), the other parts' lines may fill the budget."""
    own = display_pieces(chunk)
    ordinal = _ordinal_item(asked.ordinal, chunk, budget)
    if ordinal:
        return ordinal
    defining = defining_lines(asked.plain.defined_term, own)
    if defining and len(defining) < len(own):  # "名词解释：政务内网" in a unit on 内网 and 外网
        return _within(defining, budget)
    lines = _lines_of(parts)
    pieces = [piece for line in lines for piece in line]
    if sum(len(p) for p in pieces) <= budget:
        return pieces
    line_of = [n for n, line in enumerate(lines) for _ in line]
    heads = [i for i, n in enumerate(line_of) if i == 0 or line_of[i - 1] != n]  # each line's first piece
    # What of the question each piece says: its bigrams and its words (jieba), segmented once.
    grams, words = asked.bigrams, asked.keywords
    said_grams = [grams & bigrams(p) for p in pieces]
    # English a student types in capitals names a term of the notes as written, a single letter
    # too ("里面的A代表什么" → the line on “e-A”, “A”), which keywords leave out as a stopword.
    typed = set(_CAPITALISED.findall(asked.text))
    said_words = [words & set(keywords(p)) | {t for t in typed if _says(p, t)} for p in pieces]

    def covered(indices: Iterable[int]) -> int:
        """How much of the question the pieces say between them (a list answers as a whole)."""
        chosen = list(indices)
        return len(set().union(*(said_grams[i] for i in chosen))) + 2 * len(
            set().union(*(said_words[i] for i in chosen))
        )

    # Ties go to the piece whose words the unit says least often ("e-M" over "eMPA", which every
    # piece of a unit on eMPA says): the one that is about what was asked.
    said_in = Counter(word for found in said_words for word in found)
    scores = [(covered([i]), sum(1 / said_in[w] for w in said_words[i])) for i in range(len(pieces))]
    own_pieces = set(own)
    mine = [i for i, p in enumerate(pieces) if p in own_pieces]
    single = best = max(mine, key=lambda i: scores[i])
    # Lists are made of lines: a long item's later sentences belong to it, not to the list.
    markers = [list_marker(line[0]) for line in lines]
    ends = [i for i, n in enumerate(line_of) if i + 1 == len(line_of) or line_of[i + 1] != n]  # each line's last

    def list_pieces(i: int) -> list[int]:
        """The list piece ``i`` heads or leads into: the first piece of each item line, and the last
        of the line leading into them (the sentence right before the list)."""
        if i not in heads and not (i in ends and markers[line_of[i]] is None):  # neither head nor lead-in
            return []
        return [heads[n] if markers[n] else ends[n] for n in list_around(markers, line_of[i])]

    lists = {tuple(list_pieces(i)) for i in mine} - {()}
    anchor = max(lists, key=covered, default=())
    if anchor and covered(anchor) > scores[best][0]:
        best = max(anchor, key=lambda i: scores[i])

    def nearest(indices: Iterable[int]) -> list[int]:
        return sorted(indices, key=lambda i: (-scores[i][0], -scores[i][1], abs(i - best - 0.5)))

    quotes: dict[int, str] = {}  # piece → what of it is quoted
    used = 0

    def take(i: int, text: str | None = None) -> None:
        nonlocal used
        text = text or pieces[i]
        if i not in quotes and (not quotes or used + len(text) <= budget):
            quotes[i] = text
            used += len(text)

    # What was asked, first: the item the best piece belongs to (that piece, what else of the item
    # says something of the question, the sentence after it, which often completes it: "一是…；
    # 二是…", the item's head) and the list it is in (or leads into); then the piece that says most
    # of the question when it lies outside them (taken before the list, so the budget keeps it);
    # then what else says something of it.
    item = [i for i in range(len(pieces)) if line_of[i] == line_of[best]]
    following = [best + 1] if best + 1 in item else []
    for i in [best, *nearest(j for j in item if scores[j][0] > 0), *following, item[0]]:
        take(i)
    take(single)
    members = list_pieces(best)
    terms = [TERM_LINE.match(pieces[i]) for i in members]
    if sum(len(pieces[i]) for i in members if i not in quotes) > budget - used and sum(map(bool, terms)) >= 2:
        # A list of "term：text" lines that does not fit is named by its terms; the passage has the rest.
        for i, term in zip(members, terms, strict=True):
            take(i, term.group(1) if term else None)
    for i in nearest(members):
        take(i)
    block = sorted(i for i in quotes if i in item or i in members)  # the item and its list, in order
    first = [*block, *([single] if single in quotes and single not in block else [])]
    for i in nearest(i for i in range(len(pieces)) if scores[i][0] > 0):
        take(i)
    return [quotes[i] for i in [*first, *sorted(set(quotes) - set(first))]]


def outline_of(parts: list[Chunk], budget: int) -> list[str] | None:
    """A unit named by its place ("第三章第5点讲了什么？") as its structure: the line leading into
    its list and the first sentence of each item of its top-level list, within ``budget``
    characters; None for a unit with no list of two items or more."""
    lines = _lines_of(parts)
    markers = [list_marker(line[0]) for line in lines]
    first = next((n for n, m in enumerate(markers) if m), None)
    if first is None:
        return None
    style = markers[first][0]  # type: ignore[index]  # first is an item line
    items = [n for n, m in enumerate(markers) if m and m[0] == style]
    if len(items) < 2:
        return None
    shown = ([first - 1] if first else []) + items
    return _within([lines[n][0] for n in shown], budget)


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
