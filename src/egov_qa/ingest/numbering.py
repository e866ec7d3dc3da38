"""The notes' own numbering: Chinese numerals and the sub-item markers inside a unit."""

from __future__ import annotations

import re

_CN_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMERAL = "零〇一二两三四五六七八九十百"
# What notes call their top level: 第三章, or in lecture notes 第三讲 / 第三单元.
CHAPTER_WORD = r"(?:章|讲|单元)"
# What notes without any of those call their top level: 第一部分, 第一篇.
PART_WORD = r"(?:部分|篇)"
# A point named by what it is for the exam: 考点1, 知识点二 (a 节 of its own kind).
TOPIC_WORD = r"(?:考点|知识点)"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Sub-items: 1)  2 )  (1)  （1）  （一）  ①  a)  and 1. (when it is not a point).
SUB_ITEM = re.compile(
    r"(?<![A-Za-z0-9.])\d{1,2}\s*[)）]"
    r"|[(（]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]"
    rf"|[{CIRCLED}]"
    r"|(?<![A-Za-z0-9])[a-h]\s*[)）]"
    r"|(?<![A-Za-z0-9.．])\d{1,2}[.．](?![\d])"
)


def parse_number(text: str) -> int:
    """'12' → 12, '三' → 3, '十二' → 12, '二十' → 20."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += max(current, 1) * 100
            current = 0
        elif char == "十":
            total += max(current, 1) * 10
            current = 0
        elif char in _CN_VALUES:
            current = _CN_VALUES[char]
        else:
            raise ValueError(f"not a number: {text!r}")
    return total + current


# A scraped page loses the line breaks of a plain "1…2…3…" list ("1电子政务的主体是政府机关2电子政务的核心…"):
# a bare number right before a word, not part of a number, a code or a count ("3个", "第2章", "图1").
_BARE_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.．%％/:：\-第图表])(\d{1,2})"
    r"(?=[\u4e00-\u9fff“\"《(（])(?![个种年月日天周次项条点层类倍章节届岁元万亿千百十])"
)
_HALF_WIDTH_PARENS = str.maketrans("（）", "()")
MIN_BARE_RUN = 3  # "1…2…" alone is too often two counts; three in a row is a list


def bare_item_starts(text: str) -> list[int]:
    """Where the items of runs of bare numbers 1, 2, 3 … (at least ``MIN_BARE_RUN``) begin."""
    starts: list[int] = []
    run: list[int] = []
    for match in _BARE_NUMBER.finditer(text):
        number = int(match.group(1))
        if number == 1:
            starts += run if len(run) >= MIN_BARE_RUN else []
            run = [match.start()]
        elif run and number == len(run) + 1:
            run.append(match.start())
    return starts + (run if len(run) >= MIN_BARE_RUN else [])


def item_marker(line: str) -> tuple[str, int] | None:
    """How a line of a unit's body (as ``format_body`` lays it out) numbers its list item, and its
    number: ("N)", 2) for "2 )", ("(N)", 3) for "（三）" and "(3)", ("C", 1) for ①, ("N", 4) for a bare "4";
    None for a line that is no item."""
    match = SUB_ITEM.match(line) or _BARE_NUMBER.match(line)
    if match is None:
        return None
    marker = match.group().replace(" ", "").translate(_HALF_WIDTH_PARENS)  # "(1)" and "（2）" are one list
    if marker[0] in CIRCLED:
        return "C", CIRCLED.index(marker[0]) + 1
    number = re.search(r"\d+|[一二三四五六七八九十]+|[a-h]", marker).group()
    value = ord(number) - ord("a") + 1 if number.isalpha() and number.isascii() else parse_number(number)
    return marker.replace(number, "N", 1), value


def is_item(line: str) -> bool:
    return item_marker(line) is not None
