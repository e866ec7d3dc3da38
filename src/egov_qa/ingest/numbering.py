"""The sub-item markers inside a unit: 1) (1) （一） ① a) 1. and scraped runs of bare numbers."""

from __future__ import annotations

import re

from egov_qa.ingest.punctuation import HAN
from egov_qa.lexicon import CIRCLED, CN_SMALL, parse_number

# Sub-items: 1)  2 )  (1)  （1）  （一）  ①  a)  and 1. (when it is not a point).
SUB_ITEM = re.compile(
    r"(?<![A-Za-z0-9.])\d{1,2}\s*[)）]"
    rf"|[(（]\s*(?:\d{{1,2}}|[{CN_SMALL}]{{1,3}})\s*[)）]"
    rf"|[{CIRCLED}]"
    r"|(?<![A-Za-z0-9])[a-h]\s*[)）]"
    r"|(?<![A-Za-z0-9.．])\d{1,2}[.．](?![\d])"
)


# A scraped page loses the line breaks of a plain "1…2…3…" list ("1电子政务的主体是政府机关2电子政务的核心…"):
# a bare number right before a word, not part of a number, a code or a count ("3个", "第2章", "图1").
BARE_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.．%％/:：\-第图表])(\d{1,2})"
    r"(?=[\u4e00-\u9fff“\"《(（])(?![个种年月日天周次项条点层类倍章节届岁元万亿千百十])"
)
TERM_LINE = re.compile(f"^([{HAN}]{{2,8}})：")  # "窃听：攻击者…": an unnumbered item
_HALF_WIDTH_PARENS = str.maketrans("（）", "()")
MIN_BARE_RUN = 3  # "1…2…" alone is too often two counts; three in a row is a list


def bare_item_starts(text: str) -> list[int]:
    """Where the items of runs of bare numbers 1, 2, 3 … (at least ``MIN_BARE_RUN``) begin."""
    starts: list[int] = []
    run: list[int] = []
    for match in BARE_NUMBER.finditer(text):
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
    match = SUB_ITEM.match(line) or BARE_NUMBER.match(line)
    if match is None:
        return None
    marker = match.group().replace(" ", "").translate(_HALF_WIDTH_PARENS)  # "(1)" and "（2）" are one list
    if marker[0] in CIRCLED:
        return "C", CIRCLED.index(marker[0]) + 1
    found = re.search(rf"\d+|[{CN_SMALL}]+|[a-h]", marker)
    if found is None:  # every marker SUB_ITEM and BARE_NUMBER match holds its number
        return None
    number = found.group()
    value = ord(number) - ord("a") + 1 if number.isalpha() and number.isascii() else parse_number(number)
    return marker.replace(number, "N", 1), value


def is_item(line: str) -> bool:
    return item_marker(line) is not None


def list_marker(line: str) -> tuple[str, int] | None:
    """How a display line numbers its list item (``list_marker``); a "term：text" line, as the
    display form lays out a scrape's run of definitions, is an unnumbered item ("T", 0)."""
    return item_marker(line) or (("T", 0) if TERM_LINE.match(line) else None)


def list_around(markers: list[tuple[str, int] | None], i: int) -> range:
    """The list line ``i`` belongs to (``markers``: each line's ``item_marker``): the run of items
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
