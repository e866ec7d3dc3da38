"""Where a heading's title ends and its body begins.

Scraped notes often run a heading straight into its body ("3、系统的概念与特征系统是由…"), so the
end of a title is inferred from generic cues only: a line end, sentence punctuation, a sub-item
marker or digit, a space after a plausible title, and the body restating the title's subject.
"""

from __future__ import annotations

import re

from .cleaning import squeeze_spaces
from .numbering import SUB_ITEM

MAX_TITLE_CHARS = 30
_HARD_END = re.compile(r"[\n，。；：！？,;:!?]|\d(?![A-Za-z])")
# A title never ends on a word that joins it to what follows.
_DANGLING = tuple("的与和及、之或其对在")


def _hard_end(segment: str) -> int:
    ends = [m.start() for m in (_HARD_END.search(segment), SUB_ITEM.search(segment)) if m]
    return min(ends, default=len(segment))


def _restatement_cut(title: str) -> int | None:
    """Index where the body starts by repeating the title's first words ("数据与信息数据是…")."""
    for j in range(2, len(title) - 1):
        k = 0
        while j + k < len(title) and k < j and title[k] == title[j + k]:
            k += 1
        if k >= 2 and title[j - 1] not in _DANGLING:
            return j
    return None


def split_heading(segment: str) -> tuple[str, int]:
    """Return (title, offset in ``segment`` where the body begins)."""
    lead = len(segment) - len(segment.lstrip())
    rest = segment[lead:]
    end = _hard_end(rest)
    candidate = rest[:end]
    # A space after at least two characters usually separates title and body.
    for m in re.finditer(r"\s+", candidate):
        before = candidate[: m.start()]
        if len(squeeze_spaces(before)) >= 2 and not before.endswith(_DANGLING):
            end = m.start()
            candidate = rest[:end]
            break
    squeezed = squeeze_spaces(candidate)
    cut = _restatement_cut(squeezed)
    if cut is not None:
        end = _raw_index(candidate, cut)
        squeezed = squeezed[:cut]
    if len(squeezed) > MAX_TITLE_CHARS:
        end = _raw_index(candidate, MAX_TITLE_CHARS)
        squeezed = squeezed[:MAX_TITLE_CHARS]
    return squeezed.strip(), lead + end


def _raw_index(raw: str, squeezed_index: int) -> int:
    """Position in ``raw`` of the character at ``squeezed_index`` of its squeezed form."""
    count = 0
    for i, char in enumerate(raw):
        if count == squeezed_index:
            return i
        if not char.isspace() or (0 < i < len(raw) - 1 and raw[i - 1].isascii() and raw[i + 1].isascii()):
            count += 1
    return len(raw)
