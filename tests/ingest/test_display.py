"""The display form of a unit (``ingest/display.py``): made-up scrapes in, what a student should
read out; and over every note file, that no letter of the notes is lost or replaced."""

from __future__ import annotations

import re
import unicodedata

import pytest

from benchmarks.ablation import notes_and_sets
from egov_qa.ingest.chunking import chunk_outline
from egov_qa.ingest.display import display_line, display_unit, standard_characters
from egov_qa.ingest.notes import outline_file
from egov_qa.ingest.outline import build_outline
from egov_qa.ingest.punctuation import balance, full_width

# --- punctuation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scraped", "shown"),
    [
        ("所谓政务,简单地理解就是办理事务:包括两层;对吗?", "所谓政务，简单地理解就是办理事务：包括两层；对吗？"),
        ("政府与政府的电子政务(G-G)电子法规", "政府与政府的电子政务（G-G）电子法规"),
        ("(1)电子政务系统规划", "（1）电子政务系统规划"),
        ("1)应用的主体范围不同", "1）应用的主体范围不同"),
        ("6).我国电子政务发展的战略选择", "6）我国电子政务发展的战略选择"),
        ("有利于改善政府决策信息的有限性.", "有利于改善政府决策信息的有限性。"),
        ('如何理解"统一的网络管理"', "如何理解“统一的网络管理”"),
        ("内联网Intranet;政府部门之间", "内联网Intranet；政府部门之间"),
        # English and numbers keep their own marks
        ("速率1.5Mb/s,可以", "速率1.5Mb/s，可以"),
        ("4.电子政务的实施原则", "4.电子政务的实施原则"),
        ("see A,B and C (Smith, 2001).", "see A,B and C (Smith, 2001)."),
    ],
)
def test_half_width_marks_in_chinese_text_become_full_width(scraped, shown):
    assert full_width(scraped)[0] == shown


@pytest.mark.parametrize(
    ("line", "terms", "balanced"),
    [
        # a quote opened again before the first closed: closed before the word linking the two
        ("如何理解“统一的网络管理就是“网络资源集中”", set(), "如何理解“统一的网络管理”就是“网络资源集中”"),
        # a closing mark with no opening one: before the term the notes quote elsewhere
        ("普遍存在的信息孤岛”现象", {"信息孤岛"}, "普遍存在的“信息孤岛”现象"),
        # …else before the clause's last word
        ("“e”指的是电子化”或数字化”", set(), "“e”指的是“电子化”或“数字化”"),
        # a bracket never closed: after the code it opens with
        ("政府与公众的电子政务（G-C教育培训服务就业服务", set(), "政府与公众的电子政务（G-C）教育培训服务就业服务"),
        # …else at the end of its clause
        ("对“MPA的电子化和转型。", set(), "对“MPA”的电子化和转型。"),
        ("规划普遍存在（如下一些问题，第一", set(), "规划普遍存在（如下一些问题），第一"),
        # a list marker's "）" closes nothing and needs nothing
        ("1）应用的主体范围不同", set(), "1）应用的主体范围不同"),
        ("“政府上网工程”与电子政务（G2G）", set(), "“政府上网工程”与电子政务（G2G）"),
    ],
)
def test_a_lost_bracket_or_quote_mark_is_put_back_where_the_line_shows(line, terms, balanced):
    assert balance(line, terms)[0] == balanced


# --- characters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scraped", "shown"),
    [
        ("从需求岀发，量入为岀", "从需求出发，量入为出"),  # CC-CEDICT: 岀 is an old variant of 出
        ("眞正的服务", "真正的服务"),
        ("⾏政管理", "行政管理"),  # a Kangxi radical from a PDF, NFKC
        ("\uf900", "\u8c48"),  # a CJK compatibility ideograph
        ("ＧＤＰ增长１０%", "GDP增长10%"),  # full-width letters and digits
        # what stays: list markers, full-width marks, the notes' script, names in GB 2312
        ("①可靠性；②相关性", "①可靠性；②相关性"),
        ("電子政務的含義", "電子政務的含義"),
        ("王斌老师", "王斌老师"),
    ],
)
def test_variant_and_compatibility_characters_take_their_standard_form(scraped, shown):
    assert standard_characters(scraped)[0] == shown


# --- run-together items --------------------------------------------------------------------------


def _body(body: str, heading: str = "1、标题") -> list[str]:
    return display_unit(heading, body).body.split("\n")


def test_names_that_end_in_one_head_word_are_one_a_line_and_the_stray_number_goes():
    shown = _body("4.政府与公务员的电子政务(G-E)1电子办公系统电子培训系统业绩评价系统")
    assert shown == ["4.政府与公务员的电子政务（G-E）", "电子办公系统", "电子培训系统", "业绩评价系统"]


def test_a_count_in_the_heading_lets_a_one_character_head_word_split():
    assert _body("局域网城域网广域网", heading="3、网络的三种类型") == ["局域网", "城域网", "广域网"]
    assert _body("局域网城域网广域网") == ["局域网城域网广域网"]  # no count: one character is too little


@pytest.mark.parametrize(
    "prose",
    [
        "三控制是指质量控制、投资控制和进度控制，两管理是指合同管理和信息管理，一协调是指监理方的工作。",
        "政府机构条块分布，机构由一个个专业部门组成，随着政府管理服务范围的拓展，专业部门持续扩大。",
        "以用户为中心，实施客户关系管理门户网站将成为政府服务的主要窗口",
        "1全球化各国的电子政务建设相互之间既有一定的独立性。2以服务为中心服务堪称是终极目的。",
    ],
)
def test_prose_is_not_split(prose):
    assert _body(prose) == [full_width(prose)[0]]


def test_term_clauses_and_the_sentence_leading_into_them_are_one_a_line():
    shown = _body(
        "1安全第一安全威胁常表现为以下特征:窃听:获得敏感信息;重传:再次发送;伪造:伪造信息。"
        "网络安全的目标应当满足:身份真实性:能够鉴别;信息机密性:不会泄露;可审查性:提供依据。"
    )
    assert shown == [
        "1安全第一安全威胁常表现为以下特征：",
        "窃听：获得敏感信息；",
        "重传：再次发送；",
        "伪造：伪造信息。",
        "网络安全的目标应当满足：",
        "身份真实性：能够鉴别；",
        "信息机密性：不会泄露；",
        "可审查性：提供依据。",
    ]


def test_segments_whose_surviving_numbers_are_their_places_are_one_a_line_without_them():
    shown = _body("1先进性和成熟性:开放性和标准性:时效性:安全性:5共享性和兼容性:易维护性:")
    assert shown == ["先进性和成熟性：", "开放性和标准性：", "时效性：", "安全性：", "共享性和兼容性：", "易维护性："]
    # a 5 that is not the fifth segment shows nothing
    assert len(_body("1先进性:开放性:5时效性:")) == 1


def test_numbers_that_count_on_start_lines():
    assert _body("4)道德伦理方面的要求2电子政务与制度改革3电子政务环境中的培训") == [
        "4）道德伦理方面的要求",
        "2电子政务与制度改革",
        "3电子政务环境中的培训",
    ]
    assert _body("运行格局:1使格局加剧2使差距加大。3使主权突出。4使风险增加。") == [
        "运行格局：",
        "1使格局加剧",
        "2使差距加大。",
        "3使主权突出。",
        "4使风险增加。",
    ]


def test_a_misread_marker_between_two_numbered_items_gets_its_number():
    shown = _body("1)观念意识方面的要求\n2)技术知识方面的要求\na)心理生理方面的要求\n4)道德伦理方面的要求")
    assert shown[2] == "3）心理生理方面的要求"
    lettered = _body("a)系统集成\nb)无限扩展\nc)开放公开")  # a list of letters stays one
    assert lettered == ["a）系统集成", "b）无限扩展", "c）开放公开"]


def test_an_item_the_numbering_skips_is_found_run_into_the_one_before():
    shown = _body("1)电子化的说明。政务E52).“e-M”网络驱动管理的说明\n3)“e-P”网络驱动业务")
    assert shown == ["1）电子化的说明。政务E5", "2）“e-M”网络驱动管理的说明", "3）“e-P”网络驱动业务"]


# --- units and labels ------------------------------------------------------------------------------


# As a download site runs the notes together ("2、 3.1.1 …": a point whose title was lost).
SCRAPED = (
    "第三章 电子政务的实施1、电子政务的工作模式 按照服务对象的不同 : 政府与政府、政府与企业。"
    "2、 3.1.1 以服务为取向的工作模式1.政府与企业的电子政务 (G-B) 电子采购系统电子税务系统电子证照系统"
    "3.1.2 政务内外网的工作模式政务内网是内部办公网,政务外网面向公众。"
    "\n3、如何理解“统一的网络管理就是“网络资源集中”\n统一管理不等于集中,从需求岀发。"
)


def test_units_keep_their_source_text_beside_the_display_form():
    chunks = chunk_outline(build_outline(SCRAPED, source="scraped.txt"))
    unit = next(c for c in chunks if c.point == 1)
    assert "不同:政府" in unit.body and "不同：政府" in unit.display_body
    assert unit.text == f"{unit.heading}\n{unit.body}"
    assert unit.display_text == f"{unit.display_heading}\n{unit.display_body}"
    quoted = next(c for c in chunks if c.point == 3)
    assert quoted.display_heading == "3、如何理解“统一的网络管理”就是“网络资源集中”"
    assert "从需求出发" in quoted.display_body and "从需求岀发" in quoted.body


def test_a_point_whose_title_was_lost_is_left_out_of_the_shown_label_only():
    chunks = chunk_outline(build_outline(SCRAPED, source="scraped.txt"))
    section = next(c for c in chunks if c.section == "3.1.1")
    assert section.label == "第三章 · 2、 › 3.1.1 以服务为取向的工作模式"  # the key citations match on
    assert section.display_label == "第三章 › 3.1.1 以服务为取向的工作模式"
    assert section.display_body.split("\n")[1:] == ["电子采购系统", "电子税务系统", "电子证照系统"]
    titled = next(c for c in chunks if c.point == 3)
    assert titled.display_label == "第三章 · 3、如何理解“统一的网络管理”就是“网络资源集中”"


def test_display_line_counts_what_it_changed():
    shown, changes = display_line("观念上的误区:电子政务“神化”那,量入为岀")
    assert shown == "观念上的误区：电子政务“神化”那，量入为出"
    assert (changes["width"], changes["characters"], changes["marks put back"]) == (2, 1, 0)


# --- every note file -----------------------------------------------------------------------------


def _letters(text: str) -> str:
    """The letters of a text (Han characters included), in order: what a word is made of; a list
    marker's letter ("a）") is a number, not a letter of a word."""
    words = re.sub(r"^[a-h](?=\s*[)）])", "", text, flags=re.MULTILINE)
    return "".join(ch for ch in words if unicodedata.category(ch)[0] == "L")


@pytest.mark.parametrize("notes", sorted({n for n, _ in notes_and_sets()}), ids=lambda p: p.name)
def test_no_letter_of_the_notes_is_lost_or_replaced(notes):
    """The display form only changes marks, digits of stray list numbers and line breaks, and writes
    a variant character in its standard form: the letters are the notes' own, in order."""
    for chunk in chunk_outline(outline_file(notes)):
        assert _letters(chunk.display_body) == _letters(standard_characters(chunk.body)[0]), chunk.label
        assert _letters(chunk.display_heading) == _letters(standard_characters(chunk.heading)[0]), chunk.label
