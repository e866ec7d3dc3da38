"""The notes' own numbering: Chinese numerals and the sub-item markers inside a unit."""

from __future__ import annotations

import re

_CN_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMERAL = "零〇一二两三四五六七八九十百"
# What notes call their top level: 第三章, or in lecture notes 第三讲 / 第三单元.
CHAPTER_WORD = r"(?:章|讲|单元)"
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
