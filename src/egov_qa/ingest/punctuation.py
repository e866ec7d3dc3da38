"""Punctuation of the display form: full width in Chinese context, brackets and quotes paired.

Scraped and pasted notes mix half-width ``, : ; ( )`` into Chinese text and lose one mark of a
pair ("如何理解“统一的网络管理就是“网络资源集中”", "(G-C教育培训服务"). The display form writes the
marks a Chinese text uses and puts back the lost one where the line shows where it was; the stored
text keeps the notes' own characters.
"""

from __future__ import annotations

import re
import unicodedata

import jieba

from egov_qa.lexicon import QUOTE_LINKS

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
# Chinese context: a Han character or a mark only Chinese text uses (full-width forms, CJK
# symbols and punctuation, curly quotes).
_CHINESE = re.compile(f"[{HAN}\u3000-\u303f\uff01-\uff0f\uff1a-\uff20“”‘’]")
# The full-width marks and the half-width ones they replace, read off Unicode (NFKC folds each
# full-width mark to its ASCII twin), not written by hand.
_FULL = "，：；？！（）"
_TO_FULL = {unicodedata.normalize("NFKC", mark): mark for mark in _FULL}
_CLAUSE_MARKS = re.compile(r"[,:;?!]")
_ITEM_PAREN_DOT = re.compile(r"(?<![A-Za-z0-9.])(\d{1,2})\)\.(?=\S)")  # a scrape's "6).我国…" marker
_PAREN_PAIR = re.compile(r"\(([^()\n]*)\)")

PAIRS = {"“": "”", "（": "）", "《": "》", "【": "】", "「": "」", "『": "』"}
_OPENS = {close: open_ for open_, close in PAIRS.items()}
_CLAUSE_END = re.compile(r"[，。；：、！？,.;:!?]")
_MARK = re.compile(r"[，。；：、！？,.;:!?“”（）《》【】「」『』]")
_LATIN_HEAD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-./]*(?=[" + HAN + "])")
_ITEM_CLOSE = re.compile(r"^\s*(?:\d{1,2}|[A-Za-z])$")  # "1）", "a）": a list marker closes nothing
_QUOTED_TERM = re.compile(r"“([^“”\n]{1,12})”")


def _chinese(ch: str) -> bool:
    return bool(ch) and _CHINESE.match(ch) is not None


def _near_chinese(text: str, start: int, end: int) -> bool:
    """Is text[start:end] next to Chinese text (spaces skipped)?"""
    before = text[:start].rstrip()[-1:]
    after = text[end:].lstrip()[:1]
    return _chinese(before) or _chinese(after)


def full_width(line: str) -> tuple[str, int]:
    """The line with the half-width marks of its Chinese text written full width; and how many
    characters changed. ``( )`` pairs go full width when they hold or touch Chinese text, straight
    double quotes become curly ones, a sentence's ``.`` after a Han character becomes ``。``."""
    changed = 0

    def count(new: str, old: str) -> str:
        nonlocal changed
        changed += sum(a != b for a, b in zip(new, old, strict=False)) + abs(len(new) - len(old))
        return new

    line = _ITEM_PAREN_DOT.sub(lambda m: count(f"{m.group(1)}）", m.group()), line)

    def pair(m: re.Match[str]) -> str:
        inside = m.group(1)
        if _CHINESE.search(inside) or _near_chinese(line, m.start(), m.end()):
            return count(f"（{inside}）", m.group())
        return m.group()

    line = _PAREN_PAIR.sub(pair, line)
    chars = list(line)
    quotes = 0
    for i, ch in enumerate(chars):
        near = _near_chinese(line, i, i + 1)
        # a clause mark, or a bracket whose twin was lost (paired by ``balance``) or a "1)" marker
        if (ch in "()" or _CLAUSE_MARKS.match(ch)) and near:
            chars[i] = _TO_FULL[ch]
        elif ch == "." and re.match(f"[{HAN}]", line[i - 1 : i] or " ") and (i + 1 == len(line) or near):
            chars[i] = "。"
        elif ch == '"' and near:
            chars[i] = "”" if quotes % 2 else "“"
            quotes += 1
        else:
            continue
        changed += 1
    return "".join(chars), changed


def quoted_terms(text: str) -> set[str]:
    """The terms a text puts in quotes ("“信息孤岛”"): where a lost quote mark most likely was."""
    return set(_QUOTED_TERM.findall(text))


def _problem(line: str) -> tuple[str, int, int] | None:
    """The first unpaired mark: ("again", i, j) a quote opened at j while the one at i is open,
    ("close", j, j) a closing mark with nothing open, ("open", i, i) one never closed."""
    stack: list[int] = []
    for j, ch in enumerate(line):
        if ch == "“" and stack and line[stack[-1]] == "“":
            return "again", stack[-1], j
        if ch in PAIRS:
            stack.append(j)
        elif ch in _OPENS:
            if stack and line[stack[-1]] == _OPENS[ch]:
                stack.pop()
            elif ch == "）" and _ITEM_CLOSE.match(line[:j]):
                continue
            else:
                return "close", j, j
    return ("open", stack[0], stack[0]) if stack else None


def _clause_start(line: str, end: int) -> int:
    """Where the clause that ends at ``end`` begins (after the last mark before it)."""
    start = end
    while start > 0 and not _MARK.match(line[start - 1]):
        start -= 1
    return start


def _opening_at(line: str, close: int, terms: set[str]) -> int:
    """Where the opening mark of the closing one at ``close`` was lost: before the longest quoted
    term of the unit that the clause ends with, else before the clause's last word."""
    clause = line[_clause_start(line, close) : close]
    if not clause:
        return close
    ending = [t for t in terms if clause.endswith(t)]
    if ending:
        return close - len(max(ending, key=len))
    return close - len(jieba.lcut(clause)[-1])


def _closing_at(line: str, open_: int, terms: set[str]) -> int:
    """Where the closing mark of the one opened at ``open_`` was lost: after the quoted term of
    the unit it starts with, after an English code running into Chinese ("（G-C教育…"), else at
    the end of its clause."""
    rest = line[open_ + 1 :]
    starting = [t for t in terms if rest.startswith(t)]
    if starting:
        return open_ + 1 + len(max(starting, key=len))
    latin = _LATIN_HEAD.match(rest)
    if latin:
        return open_ + 1 + latin.end()
    end = _CLAUSE_END.search(rest)
    return open_ + 1 + (end.start() if end else len(rest.rstrip()))


def balance(line: str, terms: set[str]) -> tuple[str, int]:
    """The line with each lost mark of a bracket or quote pair put back (``terms``: the unit's
    quoted terms); and how many were put back."""
    added = 0
    for _ in range(len(line)):  # each pass adds one mark; a line cannot need more than its length
        found = _problem(line)
        if found is None:
            break
        kind, i, j = found
        if kind == "again":
            # Closed where its own text shows ("“MPA的电子化…“e-M”": after the code), else before
            # the word linking it to the next quote ("“统一的网络管理就是“网络资源集中”").
            at = _closing_at(line, i, terms)
            if at >= j:
                at = j
                for link in QUOTE_LINKS:
                    if line[i + 1 : j].endswith(link) and j - len(link) > i + 1:
                        at = j - len(link)
                        break
            line = line[:at] + "”" + line[at:]
        elif kind == "close":
            at = _opening_at(line, i, terms)
            line = line[:at] + _OPENS[line[i]] + line[at:]
        else:
            at = _closing_at(line, i, terms)
            line = line[:at] + PAIRS[line[i]] + line[at:]
        added += 1
    return line, added
