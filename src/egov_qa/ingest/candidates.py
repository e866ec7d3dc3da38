"""Numbering markers in notes text, each as a candidate of its family (``第三章``, ``三、``, ``（三）``,
``3.``, ``1.3.2``, ``III.``, ``C.``, ``③`` …), before anything is accepted as a heading.

Markers are found anywhere in the text, not only at line starts, because scraped notes run
everything into one line. Which family numbers which level of the outline is decided per file
(``levels``) and each candidate is accepted or rejected in document order (``markers``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from egov_qa.ingest.title_cues import is_word
from egov_qa.lexicon import (
    CHAPTER_WORD,
    CIRCLED,
    CN_NUMERAL,
    CN_SMALL,
    LETTER_NUMERALS,
    PART_WORD,
    ROMAN_CHARACTERS,
    ROMAN_NUMERALS,
    TOPIC_WORD,
    parse_number,
)

_PAREN_NUMERAL = f"[{CN_SMALL}]{{1,3}}"  # "（一）" … "（十二）"
_ROMAN = "|".join(sorted(ROMAN_NUMERALS, key=len, reverse=True))  # the longest first: "III" before "I"
# A Latin numeral heads a Chinese title ("II. 传输媒体", "III. SWOT分析", "IV. IPv6"), not an English
# sentence.
_TITLE_AHEAD = r"(?=\s*(?:[\u4e00-\u9fff“\"《（(]|[A-Za-z][A-Za-z0-9/\-. ]{0,30}(?:[\u4e00-\u9fff]|[ \t]*(?:\n|$))))"

MARKER = re.compile(
    rf"(?P<chapter>第\s*(?P<chnum>[{CN_NUMERAL}]{{1,4}}|\d{{1,3}})\s*(?P<chword>{CHAPTER_WORD}|{PART_WORD}))"
    rf"|(?P<jie>第\s*(?P<jnum>[{CN_NUMERAL}]{{1,3}}|\d{{1,2}})\s*节|{TOPIC_WORD}\s*(?P<tnum>\d{{1,2}}|[{CN_SMALL}]{{1,3}}))"
    r"(?![课次])"
    r"|(?P<section>(?<![\d.．])(?P<sec>\d{1,2}[.．]\d{1,2}(?:[.．]\d{1,2})?)(?![\d.．])"
    r"(?=\s*[\u4e00-\u9fffA-Za-z（(“\"]))"
    rf"|(?P<point>(?<![\d.．(（])(?P<pnum>\d{{1,2}}|[{CN_SMALL}]{{1,3}})\s*(?P<psep>[、.．])(?!\d))"
    rf"|(?P<paren>[（(]\s*(?P<parnum>{_PAREN_NUMERAL})\s*[)）])"
    r"|(?P<parar>[（(]\s*(?P<pararnum>\d{1,2})\s*[)）])"
    rf"|(?P<roman>(?<![A-Za-z0-9])(?P<rnum>{_ROMAN})\s*[.．、](?!\d){_TITLE_AHEAD}"
    rf"|(?P<rchar>[{ROMAN_CHARACTERS}])\s*[.．、]?)"
    rf"|(?P<letter>(?<![A-Za-z0-9])(?P<lnum>[{LETTER_NUMERALS}])\s*[.．、](?!\d){_TITLE_AHEAD})"
    rf"|(?P<circled>[{CIRCLED}])"
    r"|(?P<arclose>(?<![A-Za-z0-9.．])(?P<acnum>\d{1,2})\s*[)）])"
    r"|(?P<lclose>(?<![A-Za-z0-9])(?P<lcnum>[a-h])\s*[)）])"
)

# The families, and how the parse report shows each one's markers.
STYLES = {
    "chapter": "第N章",
    "part": "第N部分",
    "jie": "第N节",
    "topic": "考点N",
    "cn": "一、",
    "ar": "1、",
    "decimal": "x.y.z",
    "paren_cn": "（一）",
    "paren_ar": "（1）",
    "roman": "I.",
    "letter": "A.",
    "circled": "①",
    "ar_close": "1)",
    "letter_close": "a)",
    "heading": "# 标题",  # an unnumbered Markdown (or Word heading style) heading
}

_SENTENCE_PUNCTUATION = re.compile(r"[，,。；;：:！？!?]")
_SENTENCE_END = "。！？!?；;"
# A "（一）" (or under "一、" a "1、") that opens a short line of its own heads a part of its point
# ("（一）公共政策的含义"); one followed by text on its line is a list item ("（一）计划：确定组织的目标…；").
PART_HEADING_MAX_CHARS = 30


@dataclass(frozen=True)
class Candidate:
    """One numbering marker: its family, number, the label citations show and where it is."""

    family: str
    number: int
    label: str  # "第一节", "三、", "（一）", "1.3.2", "II.", a chapter's word (章, 讲, 部分)
    start: int
    end: int  # end of the marker itself (the title follows)
    sep: str = ""  # "、" or "." after a numeral


def _compact(marker: str) -> str:
    return re.sub(r"\s+", "", marker)


def _candidate(m: re.Match[str]) -> Candidate | None:
    start, end = m.start(), m.end()
    if m.group("chapter"):
        family = "part" if re.fullmatch(PART_WORD, m.group("chword")) else "chapter"
        return Candidate(family, parse_number(m.group("chnum")), m.group("chword"), start, end)
    if m.group("jie"):
        family = "topic" if m.group("tnum") else "jie"
        return Candidate(family, parse_number(m.group("jnum") or m.group("tnum")), _compact(m.group("jie")), start, end)
    if m.group("section"):
        return Candidate("decimal", 0, re.sub("[.．]", ".", m.group("sec")), start, end)
    if m.group("point"):
        number, sep = m.group("pnum"), "." if m.group("psep") in ".．" else "、"
        if not number.isdigit() and sep != "、":
            return None  # "一." is no Chinese numbering
        family = "ar" if number.isdigit() else "cn"
        return Candidate(family, parse_number(number), f"{number}{sep}", start, end, sep)
    if m.group("paren"):
        return Candidate("paren_cn", parse_number(m.group("parnum")), f"（{m.group('parnum')}）", start, end)
    if m.group("parar"):
        return Candidate("paren_ar", int(m.group("pararnum")), f"（{m.group('pararnum')}）", start, end)
    if m.group("roman"):
        if m.group("rchar"):
            char = m.group("rchar")
            return Candidate("roman", ROMAN_CHARACTERS.index(char) + 1, f"{char}、", start, end)
        numeral = m.group("rnum")
        return Candidate("roman", ROMAN_NUMERALS.index(numeral) + 1, f"{numeral}.", start, end, ".")
    if m.group("letter"):
        letter = m.group("lnum")
        return Candidate("letter", LETTER_NUMERALS.index(letter) + 1, f"{letter}.", start, end, ".")
    if m.group("circled"):
        char = m.group("circled")
        return Candidate("circled", CIRCLED.index(char) + 1, char, start, end)
    if m.group("arclose"):
        return Candidate("ar_close", int(m.group("acnum")), f"{m.group('acnum')})", start, end)
    letter = m.group("lcnum")
    return Candidate("letter_close", ord(letter) - ord("a") + 1, f"{letter})", start, end)


def _in_word(text: str, c: Candidate) -> bool:
    """A Chinese numeral that ends a word ("统一、" "之一、" "第二、"), not a point number."""
    i = c.start  # the numeral's first character
    return any(is_word(text[i - k : i + 1]) for k in (1, 2) if i - k >= 0)


def starts_line(text: str, start: int) -> bool:
    return not text[text.rfind("\n", 0, start) + 1 : start].strip()


def opens_sentence(text: str, start: int) -> bool:
    """At a line start or right after a sentence end: where a heading run into scraped text begins."""
    before = text[:start].rstrip(" \t\u3000")
    return not before or before[-1] == "\n" or before[-1] in _SENTENCE_END


def heads_line(text: str, start: int, end: int) -> bool:
    """Does the marker at ``start``–``end`` open a short line of its own with no sentence
    punctuation, and text of its own below it (a heading line: "（一）公共政策的含义\n…")?"""
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    rest = text[end:line_end].strip()
    return (
        starts_line(text, start)
        and 0 < len(rest) <= PART_HEADING_MAX_CHARS
        and not _SENTENCE_PUNCTUATION.search(rest)
        and bool(text[line_end:].strip())
    )


def parts_are_chapters(candidates: list[Candidate]) -> bool:
    """第一部分 / 第一篇 are the chapters of notes that have no 第N章 (讲, 单元); in notes that do,
    they group chapters (or are words of the text) and number nothing."""
    return not any(c.family == "chapter" for c in candidates)


def find_candidates(text: str) -> list[Candidate]:
    """Every marker in the text, in order, without those that cannot number anything: a Chinese
    numeral ending a word, and a 第一部分 inside a sentence ("报告的第一部分…") or beside 第N章."""
    found = [c for m in MARKER.finditer(text) if (c := _candidate(m)) is not None]
    found = [c for c in found if not (c.family == "cn" and _in_word(text, c))]
    parts_chapter = parts_are_chapters(found)
    return [c for c in found if c.family != "part" or (parts_chapter and opens_sentence(text, c.start))]


def match_candidate(text: str) -> Candidate | None:
    """The marker a heading line begins with (Markdown: "## 三、…"), if any."""
    m = MARKER.match(text)
    return _candidate(m) if m else None
