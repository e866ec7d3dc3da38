"""The figures ``benchmarks/display.py`` reports on answers: half-width marks next to Chinese text
and brackets or quotes that do not pair up."""

from __future__ import annotations

import pytest

from benchmarks.display import half_width, unbalanced


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("所谓政务,简单地理解", True),
        ("电子政务(G-G)", True),
        ("所谓政务，简单地理解", False),
        ("MRP II (Manufacturing Resource Planning), ERP", False),
        ("速率1.5Mb/s", False),
    ],
)
def test_half_width_marks_next_to_chinese_are_flagged(text, flagged):
    assert half_width(text) is flagged


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("如何理解“统一的网络管理就是“网络资源集中”", True),
        ("（G-C教育培训服务", True),
        ("普遍存在的信息孤岛”现象", True),
        ('如何理解"统一的网络管理', True),
        ("如何理解“统一的网络管理”就是“网络资源集中”", False),
        ("1）应用的主体范围不同\na）心理生理方面的要求", False),  # list markers close nothing
        ("根据笔记「第一章 · 1、政务的含义」：\n“政务”的含义（两层）", False),
    ],
)
def test_unpaired_brackets_and_quotes_are_flagged(text, flagged):
    assert unbalanced(text) is flagged
