"""What of a generated answer the notes support, sentence by sentence.

The model cites blocks as ``[n]``. A marker for a block that was not given is dropped. A sentence
counts as supported by a block when most of its character pairs are the block's
(``SUPPORTED``), or a fair share are (``LEANS``) and the embedding model finds the block's unit the
nearest part of the whole notes to the sentence. A sentence its own markers do not support but
another given block does is cited with that block; a sentence no block supports, or too short to
say anything, is dropped. So every
sentence shown carries a citation that says what it says, whatever the model wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from egov_qa.models import Citation
from egov_qa.text import bigrams

_MARKER = re.compile(r"\s*[\[【［](\d{1,2})[\]】］]")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*(?:\s*[\[【［]\d{1,2}[\]】］])*")
SUPPORTED = 0.5  # share of a sentence's character pairs found in the block
LEANS = 0.25  # … or this share, with the block's unit the nearest notes to the sentence
MIN_PAIRS = 4  # a "sentence" of fewer character pairs ("<问题>", "1）") says nothing to check


@dataclass(frozen=True)
class Block:
    """One numbered passage of the notes given to the model."""

    citation: Citation
    chunk_id: str
    text: str  # as the model sees it (the display form)
    lines: tuple[str, ...]  # its display lines (what a supported sentence quotes)


@dataclass(frozen=True)
class Sentence:
    text: str  # without its markers
    cited: tuple[int, ...]  # the blocks it cites that exist, 0-based


@dataclass(frozen=True)
class Supported:
    text: str
    block: int  # the block that supports it, 0-based
    quote: str  # that block's line saying most of it


def sentences(text: str, blocks: int) -> list[Sentence]:
    """The generated text as sentences with the blocks they cite (markers past ``blocks`` dropped)."""
    found = []
    for m in _SENTENCE.finditer(text):
        raw = m.group().strip()
        cited = tuple(dict.fromkeys(int(n) - 1 for n in _MARKER.findall(raw) if 0 < int(n) <= blocks))
        plain = _MARKER.sub("", raw).strip()
        if plain:
            found.append(Sentence(plain, cited))
    return found


def share_said(sentence: str, source: str) -> float:
    """The share of the sentence's character pairs (CJK) that the source has."""
    said = bigrams(sentence)
    return len(said & bigrams(source)) / len(said) if said else 0.0


def _quote(sentence: str, lines: Sequence[str]) -> str:
    return max(lines, key=lambda line: share_said(sentence, line), default="")


class Grounding:
    """Checks sentences against blocks; ``nearest`` gives, for each text, the chunk id of the
    notes' piece nearest it (the embedding model over the index's piece vectors)."""

    def __init__(self, nearest: Callable[[list[str]], list[str]]) -> None:
        self.nearest = nearest

    def check(self, said: Sequence[Sentence], blocks: Sequence[Block]) -> list[Supported | None]:
        """For each sentence, the block that supports it (its own citation first), or None."""
        shares = [[share_said(s.text, b.text) for b in blocks] for s in said]
        leaning = [i for i, row in enumerate(shares) if max(row, default=0.0) < SUPPORTED]
        near = dict(zip(leaning, self.nearest([said[i].text for i in leaning]), strict=True)) if leaning else {}
        result: list[Supported | None] = []
        for i, sentence in enumerate(said):
            if len(bigrams(sentence.text)) < MIN_PAIRS:
                result.append(None)
                continue
            order = [*sentence.cited, *(b for b in range(len(blocks)) if b not in sentence.cited)]
            block = next(
                (
                    b
                    for b in order
                    if shares[i][b] >= SUPPORTED or (shares[i][b] >= LEANS and near.get(i) == blocks[b].chunk_id)
                ),
                None,
            )
            result.append(
                None if block is None else Supported(sentence.text, block, _quote(sentence.text, blocks[block].lines))
            )
        return result
