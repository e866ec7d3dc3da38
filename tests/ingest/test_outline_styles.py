"""Outline parsing on small made-up notes, one numbering style each (第1章 / 一、, textbook 1.1 / 1.2.1,
第一章 / 第一节 / 一、, 一、 / （一）, 一、 / 1、, 第一部分, 第一讲), and titles cut from headings run
into their text; the real notes (MIS, e-gov) are in test_outline.py."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from egov_qa.app.cli import app
from egov_qa.config import Settings
from egov_qa.ingest.headings import split_heading
from egov_qa.ingest.notes import chunk_document
from egov_qa.ingest.outline import build_outline
from helpers import JIE_NOTES, LECTURE_NOTES


def _titles(text: str, markdown: bool = False) -> list[tuple]:
    outline = build_outline(text, source="t.txt", markdown=markdown)
    return [
        (c.number, c.title, [(p.number, p.title, [(s.label, s.title) for s in p.sections]) for p in c.points])
        for c in outline.chapters
    ]


def test_chinese_numeral_points_and_numbered_chapters():
    text = (
        "第1章 市场营销概述\n一、市场营销的含义\n市场营销是指个人和集体通过创造并同别人交换产品而获得所需之物。\n"
        "二、市场营销观念 常见的营销观念有生产观念、产品观念和推销观念。\n"
        "第2章 市场细分\n一、市场细分的依据\n（一）地理因素\n（二）人口因素\n"
        "二、目标市场的选择\n①无差异营销\n②差异性营销\n"
    )
    assert _titles(text) == [
        (1, "市场营销概述", [(1, "市场营销的含义", []), (2, "市场营销观念", [])]),
        (2, "市场细分", [(1, "市场细分的依据", []), (2, "目标市场的选择", [])]),
    ]


def test_textbook_numbering_leaf_and_parent_two_level_headings():
    """第1章 / 1.1 / 1.2 / 1.2.1: a leaf 1.1 is a heading like the parent 1.2 (it takes its place in
    the chapter's run 1.1, 1.2, …), while a number in the text ("增长2.5倍") stays text."""
    text = (
        "第1章 绪论\n1.1 统计学的含义\n统计学是收集、分析数据的科学，近年应用增长2.5倍。\n"
        "1.2 统计数据的类型\n1.2.1 按计量尺度分类\n分类数据、顺序数据。\n1.2.2 按收集方法分类\n观测数据。\n"
        "1.3 统计学的分科\n描述统计和推断统计。\n"
        "第2章 数据的收集\n2.1 数据的来源\n直接来源和间接来源。\n2.2 调查方法\n2.2.1 普查\n一次性全面调查。\n"
    )
    outline = build_outline(text, source="t.txt")
    assert [(c.number, [(s.label, s.title) for s in c.sections]) for c in outline.chapters] == [
        (
            1,
            [
                ("1.1", "统计学的含义"),
                ("1.2", "统计数据的类型"),
                ("1.2.1", "按计量尺度分类"),
                ("1.2.2", "按收集方法分类"),
                ("1.3", "统计学的分科"),
            ],
        ),
        (2, [("2.1", "数据的来源"), ("2.2", "调查方法"), ("2.2.1", "普查")]),
    ]
    assert "增长2.5倍" in outline.text[outline.chapters[0].sections[0].start : outline.chapters[0].sections[1].start]


# JIE_NOTES (第一章 / 第一节 / 一、) and LECTURE_NOTES (第一讲) are in tests/helpers.py: the question tests
# index them too.
JIE_OUTLINE = [
    (
        1,
        "行政管理概述",
        [(1, "行政管理的含义", [("一、", "行政的概念"), ("二、", "行政管理的特点")]), (2, "行政管理学的研究对象", [])],
    ),
    (2, "行政环境", [(1, "行政环境的含义", []), (2, "行政环境的特点", [("一、", "复杂性"), ("二、", "约束性")])]),
]


def test_jie_are_points_and_their_numbered_parts_sections():
    """第一章 / 第一节 / 一、 / （一）: a 节 is a point of its chapter, its 一、 二、 are its sections
    (labelled as the notes number them), （一） stays an item, "第一节课" is no heading."""
    assert _titles(JIE_NOTES) == JIE_OUTLINE
    markdown = re.sub(
        r"^(第.章)", r"# \1", re.sub(r"^(第.节|[一二]、)", r"## \1", JIE_NOTES, flags=re.MULTILINE), flags=re.MULTILINE
    )
    assert _titles(markdown, markdown=True) == JIE_OUTLINE
    chunk_labels = [c.label for c in chunk_document(build_outline(JIE_NOTES, source="t.txt"), Settings())]
    assert "第一章 · 第一节 行政管理的含义 › 一、行政的概念" in chunk_labels
    assert "第二章 · 第二节 行政环境的特点 › 二、约束性" in chunk_labels


def _as_markdown(notes: str, points: str, sections: str) -> str:
    """The notes with the lines ``points`` matches made "## " headings, then those ``sections``
    matches "### " headings."""
    with_points = re.sub(points, r"## \1", notes, flags=re.MULTILINE)
    return re.sub(sections, r"### \1", with_points, flags=re.MULTILINE)


PAREN_NOTES = (
    "公共政策学复习提纲\n一、公共政策概述\n（一）公共政策的含义\n公共政策是政府为解决公共问题而制定的行为准则。\n"
    "（二）公共政策的特征\n1.政治性：反映统治阶级的意志。\n2.公共性：以公共利益为目标。\n"
    "二、公共政策的制定\n（一）政策问题的确认\n政策问题是进入政府议程的社会问题。\n"
    "（二）政策方案的规划\n确定目标、设计方案。\n"
    "三、公共政策的执行\n（一）行政手段：命令、指示；\n（二）法律手段：法律、法规。\n"
)
PAREN_OUTLINE = [
    (
        1,
        None,
        [
            (1, "公共政策概述", [("（一）", "公共政策的含义"), ("（二）", "公共政策的特征")]),
            (2, "公共政策的制定", [("（一）", "政策问题的确认"), ("（二）", "政策方案的规划")]),
            (3, "公共政策的执行", []),  # "（一）行政手段：命令、指示；" has its text on its line: an item
        ],
    )
]


def test_parenthesised_numerals_heading_lines_are_sections_of_their_point():
    """一、 / （一） on lines of their own, as Word outlines and typed revision notes number them: the
    （一） are sections of the 一、 ("一、公共政策概述 › （一）公共政策的含义"). As "## 一、" /
    "### （一）" Markdown the same; before, each "### （一）" was read as a point of its own, and the
    二、 after them, numbered lower, was dropped."""
    assert _titles(PAREN_NOTES) == PAREN_OUTLINE
    markdown = _as_markdown(PAREN_NOTES, points=r"^([一二三]、)", sections=r"^(（[一二]）[^：\n]*)$")
    assert "### （一）公共政策的含义" in markdown and "### （一）行政手段" not in markdown
    assert [chapter[2] for chapter in _titles(markdown, markdown=True)] == [PAREN_OUTLINE[0][2]]
    labels = [c.label for c in chunk_document(build_outline(PAREN_NOTES, source="t.txt"), Settings())]
    assert "一、公共政策概述 › （一）公共政策的含义" in labels  # notes without chapters: no 第一章 to cite


def test_the_notes_tab_and_cli_show_chapterless_notes_as_they_are_cited(tmp_path):
    from egov_qa.app.render import outline_nodes
    from egov_qa.models import WHOLE_NOTES

    outline = build_outline(PAREN_NOTES, source="t.txt")
    nodes = outline_nodes([outline])
    assert nodes[0].name == WHOLE_NOTES
    titles = {n.title for n in nodes}
    assert {c.label for c in chunk_document(outline, Settings()) if c.point is not None} <= titles
    path = tmp_path / "notes.txt"
    path.write_text(PAREN_NOTES, encoding="utf-8")
    lines = CliRunner().invoke(app, ["outline", str(path)]).stdout.splitlines()
    assert lines[:3] == [WHOLE_NOTES, "  一、公共政策概述", "      （一）公共政策的含义"]


DIGIT_PART_NOTES = (
    "一、行政管理概述\n1、行政管理的含义\n行政管理是国家行政机关对社会公共事务的管理。\n"
    "2、行政管理的特点\n（1）政治性；（2）社会性。\n二、行政职能\n1、政治职能\n2、经济职能\n"
    "三、行政职能的转变\n1、转变的方向\n从管制型向服务型转变。\n"
)


def test_arabic_numbered_heading_lines_under_chinese_numeral_points_are_sections():
    """一、 / 1、 on lines of their own: the 1、 with text below are sections ("一、行政管理概述 › 1、行政管理的
    含义"); a run of bare "1、政治职能 / 2、经济职能" lines is a list. The same as "## 一、" / "### 1、"."""
    expected = [
        (
            1,
            None,
            [
                (1, "行政管理概述", [("1、", "行政管理的含义"), ("2、", "行政管理的特点")]),
                (2, "行政职能", []),
                (3, "行政职能的转变", [("1、", "转变的方向")]),
            ],
        )
    ]
    assert _titles(DIGIT_PART_NOTES) == expected
    markdown = _as_markdown(
        DIGIT_PART_NOTES, points=r"^([一二三]、)", sections=r"^(1、行政管理的含义|2、行政管理的特点|1、转变的方向)$"
    )
    assert _titles(markdown, markdown=True) == expected


def test_parts_are_chapters_only_in_notes_without_chapters_and_only_as_headings():
    parts = (
        "第一部分 总论\n一、对象\n社会学研究社会，本书第二部分还会讲到。\n二、方法\n调查。\n"
        "第二部分 分论\n一、社会化\n过程。\n"
    )
    assert [(c.label, c.title, [p.title for p in c.points]) for c in build_outline(parts, "t.txt").chapters] == [
        ("第一部分", "总论", ["对象", "方法"]),
        ("第二部分", "分论", ["社会化"]),
    ]
    grouped = "第一部分 基础\n第一章 导论\n1、对象\n研究社会。\n第二部分 应用\n第二章 社会问题\n1、贫困\n贫困是问题。\n"
    assert [(c.label, [p.title for p in c.points]) for c in build_outline(grouped, "t.txt").chapters] == [
        ("第一章", ["对象"]),
        ("第二章", ["贫困"]),
    ]


def test_lecture_notes_name_their_chapters_as_the_notes_do():
    """第一讲 / 第二讲 are chapters (cited 第二讲 · …), so a lecture's 一、 starts its own points."""
    outline = build_outline(LECTURE_NOTES, source="t.txt")
    assert [(c.label, c.title, [p.title for p in c.points]) for c in outline.chapters] == [
        ("第一讲", "公共政策概述", ["公共政策的含义", "公共政策的功能"]),
        ("第二讲", "公共政策的制定", ["政策问题的确认"]),
    ]
    labels = [c.label for c in chunk_document(outline, Settings())]
    assert labels[-1] == "第二讲 · 一、政策问题的确认"


def test_cli_outline_numbers_as_the_notes_do(tmp_path):
    path = tmp_path / "jie.txt"
    path.write_text(JIE_NOTES, encoding="utf-8")
    lines = CliRunner().invoke(app, ["outline", str(path)]).stdout.splitlines()
    assert lines[:4] == [
        "第一章 行政管理概述",
        "  第一节 行政管理的含义",
        "      一、行政的概念",
        "      二、行政管理的特点",
    ]


def test_sub_items_do_not_become_points_and_end_titles():
    text = "1、会计要素的分类（一）资产（二）负债2、会计信息质量要求①可靠性②相关性3、会计等式资产=负债+所有者权益"
    assert _titles(text) == [
        (1, None, [(1, "会计要素的分类", []), (2, "会计信息质量要求", []), (3, "会计等式资产=负债+所有者权益", [])])
    ]


def test_run_on_headings_with_stray_spaces():
    # Titles run into their bodies with no separator and spaces inside words, as on scraped pages.
    text = (
        "1、需求与供 给需求是指消费者在一定价格下愿意购买的数量。"
        "2、弹性理论从价格变动的角度看,弹性衡量反应程度。"
        "3、比较优势理论英国经济学家李嘉图认为各国应生产具有比较优势的产品。"
        "4、市场失灵的原因 市场失灵主要有四个原因。"
    )
    assert [p[1] for p in _titles(text)[0][2]] == ["需求与供给", "弹性理论", "比较优势理论", "市场失灵的原因"]


def test_siblings_share_a_head_word():
    # 1.1.3's title has no separator at all; its clear siblings all end in 原则.
    text = "1.1.1 公平原则1.1.2效率原则1.1.3 合法、合理、透明三统一原则行政机关的行为必须有法律依据,1.1.4 公开原则"
    outline = build_outline(text, source="t.txt")
    sections = [s.title for s in outline.chapters[0].sections]
    assert sections == ["公平原则", "效率原则", "合法、合理、透明三统一原则", "公开原则"]


def test_markdown_heading_is_the_whole_line():
    text = "# 第一章 概述\n## 1、以人为本的管理理念从何而来\n正文。\n### 1.1.1 原型法原型法\n正文。"
    assert _titles(text, markdown=True) == [
        (1, "概述", [(1, "以人为本的管理理念从何而来", [("1.1.1", "原型法原型法")])])
    ]


@pytest.mark.parametrize(
    ("segment", "title"),
    [
        ("需求需求是指消费者在一定时期内愿意而且能够购买的商品数量。", "需求"),
        ("需求 需求是指消费者在一定时期内愿意而且能够购买的商品数量。", "需求"),
        ("原型法原型法先根据用户的基本需求，快速构造一个原型。", "原型法"),
    ],
)
def test_body_repeating_the_whole_title_ends_it(segment, title):
    """A body that opens by repeating the whole title: the surest cue, whatever the POS tags."""
    assert split_heading(segment).title == title


def test_separator_after_a_heading_number_is_not_part_of_the_title():
    text = "# 第1章：导论\n\n## 一、经济学的研究对象\n\n经济学研究稀缺资源的配置问题。\n"
    outline = build_outline(text, "notes.md", markdown=True)
    assert outline.chapters[0].title == "导论"
    assert [(p.number, p.title) for p in outline.chapters[0].points] == [(1, "经济学的研究对象")]
