"""Page furniture of documents shown or converted page by page: page numbers ("- 3 -", "第 3 页 共 16
页", "3/16", "Page 3 of 16") and running headers or footers (the document's title on every page).

It is removed before titles are cut, and the text on either side of a page break is joined again
when the break cut it: a heading split by a page break ("三、电子政务的" | "实施措施") is whole again.
On a line of its own furniture is found by its shape (page numbers) and by repetition next to
page numbers (running headers, or any short line repeated on three pages); inside a scraped page's
run-on text, by the same page-number shapes with whitespace around them and the text that repeats
next to them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import jieba

from egov_qa.ingest.candidates import match_candidate
from egov_qa.lexicon import DANGLING_CHARS, DANGLING_WORDS, NON_INITIAL
from egov_qa.text import to_simplified

_PAGE = r"(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页\s*[,，/／]?\s*共\s*\d{1,4}\s*页|page\s*\d{1,4}\s*of\s*\d{1,4})"
PAGE_NUMBER_LINE = re.compile(
    rf"^\s*(?:{_PAGE}|第\s*\d{{1,4}}\s*页|\d{{1,4}}\s*/\s*\d{{1,4}}|page\s*\d{{1,4}})\s*$", re.IGNORECASE
)
# Inside run-on text only the unmistakable shapes, set off by whitespace ("…的 - 3 - 实施…").
_INLINE_PAGE_NUMBER = re.compile(rf"(?:^|(?<=\s)){_PAGE}(?=\s|$)", re.IGNORECASE)
_HEADER_MAX_CHARS = 40
_NEAR_PAGE_NUMBER = 2  # lines from a page number where its page's header or footer sits
_REPEATS_ALONE = 3  # a short line on three pages is a running header even with no page numbers
_MIN_HEADER_CHARS = 4
_WORD_WINDOW = 6  # characters on each side of a break that jieba reads for a word across it
_TERMINAL = tuple("。！？；：.!?;:)）”」》")
_SENTENCE_PUNCTUATION = re.compile(r"[，,。；;：:！？!?]")


@dataclass(frozen=True)
class Furniture:
    """Lines of page furniture (index → "page number" or "running header")."""

    lines: dict[int, str]

    def __contains__(self, index: int) -> bool:
        return index in self.lines


def _key(line: str) -> str:
    return re.sub(r"\s+", "", line)


def _could_be_header(line: str) -> bool:
    key = _key(line)
    return (
        _MIN_HEADER_CHARS <= len(key) <= _HEADER_MAX_CHARS
        and not _SENTENCE_PUNCTUATION.search(key)
        and match_candidate(key) is None
    )


def find_furniture(lines: list[str]) -> Furniture:
    """Page numbers, and the short lines that repeat beside them (or on three pages)."""
    numbers = {i for i, line in enumerate(lines) if PAGE_NUMBER_LINE.match(line)}
    near: Counter[str] = Counter()
    everywhere: Counter[str] = Counter()
    for i, line in enumerate(lines):
        if i in numbers or not _could_be_header(line):
            continue
        everywhere[_key(line)] += 1
        if any(abs(i - n) <= _NEAR_PAGE_NUMBER for n in numbers):
            near[_key(line)] += 1
    headers = {key for key, n in near.items() if n >= 2} | {k for k, n in everywhere.items() if n >= _REPEATS_ALONE}
    found = {i: "page number" for i in numbers}
    found.update({i: "running header" for i, line in enumerate(lines) if i not in found and _key(line) in headers})
    return Furniture(found)


def joins_across_break(before: str, after: str) -> bool:
    """Did a page break cut the text between these two lines? Not when the first ends a sentence
    or the second opens a numbered item; a heading line is cut only where the break splits a word
    ("电子政务与办公" | "自动化"), leaves one dangling ("电子政务的" | "实施措施") or the second half
    cannot begin a text ("电子政务" | "的含义"), while body text wraps anywhere."""
    before, after = before.rstrip(), after.lstrip()
    if not before or not after or before.endswith(_TERMINAL) or match_candidate(after) is not None:
        return False
    if match_candidate(before) is None or after.startswith(NON_INITIAL):
        return True
    dangling = before.endswith(DANGLING_CHARS) or any(before.endswith(w) for w in DANGLING_WORDS)
    return dangling or _splits_word(before[-_WORD_WINDOW:], after[:_WORD_WINDOW])


def _splits_word(left: str, right: str) -> bool:
    """Does jieba read a word across the join of the two texts?"""
    position = 0
    for word in jieba.lcut(to_simplified(left + right)):
        if position < len(left) < position + len(word):
            return True
        position += len(word)
    return False


def strip_inline(text: str) -> tuple[str, list[str]]:
    """Run-on text without the page numbers set in it and the running header beside them (the
    text that repeats right after, or right before, two or more of them); returns what was cut."""
    matches = list(_INLINE_PAGE_NUMBER.finditer(text))
    if not matches:
        return text, []
    after = _common_prefix([text[m.end() :].lstrip() for m in matches])
    before = _common_prefix([text[: m.start()].rstrip()[::-1] for m in matches])[::-1]
    cut: list[str] = []
    pieces: list[str] = []
    last = 0
    for m in matches:
        start = m.start()
        head = text[last:start].rstrip()
        if len(matches) >= 2 and len(before) >= _MIN_HEADER_CHARS and head.endswith(before):
            head = head[: -len(before)].rstrip()
        pieces.append(head)
        start = last + len(head)
        end = m.end()
        rest = text[end:].lstrip()
        skipped = len(text) - end - len(rest)
        if len(matches) >= 2 and len(after) >= _MIN_HEADER_CHARS and rest.startswith(after):
            end += skipped + len(after)
            rest = text[end:].lstrip()
            skipped = len(text) - end - len(rest)
        cut.append(text[start:end].strip())
        last = end + skipped
    pieces.append(text[last:])
    return "".join(pieces), cut


def _common_prefix(texts: list[str]) -> str:
    """What every text begins with, up to its last whitespace (a header is set off from the text)."""
    if len(texts) < 2:
        return ""
    prefix = texts[0]
    for t in texts[1:]:
        while not t.startswith(prefix):
            prefix = prefix[:-1]
    space = max(prefix.rfind(" "), prefix.rfind("\u3000"))
    return prefix[:space].rstrip() if space > 0 else ""
