"""Page furniture (running headers, "- 3 -", "第 3 页 共 16 页") is removed before titles are cut, so
a heading split by a page break is whole again: on a document converted page by page (furniture on
lines of its own) and on a scraped page whose run-on text has it in the middle of a heading."""

from __future__ import annotations

import random
import re

from numbering_schemes import fixtures

from egov_qa.config import Settings
from egov_qa.ingest.chunking import chunk_outline
from egov_qa.ingest.cleaning import clean_text
from egov_qa.ingest.notes import chunk_document
from egov_qa.ingest.outline import build_outline
from helpers import UNSEEN

HEADER = "电子政务期末考试重点整理"
CONVERTED = f"""{HEADER}
第一章 电子政务概述
1、政务的含义
所谓政务，简单地理解就是政府部门需要处理的事务，包括政府的立法、司法和行政活动。
2、电子政务
- 3 -
{HEADER}
的含义
电子政务是借助电子信息技术而进行的政务活动，其实质是政府部门利用现代信息技术实现工作流程的优化重组。
3、电子政务的理解要点

第 4 页 共 16 页

{HEADER}
电子政务的主体是政府机关，电子政务的核心是政务而不是电子。
4、电子政务与办公
- 5 -
{HEADER}
自动化
办公自动化是电子政务的基础，电子政务是办公自动化的
- 6 -
{HEADER}
发展。
"""


def _titles(text: str) -> list[str]:
    return [p.title for c in build_outline(text, "t.txt").chapters for p in c.points]


def test_headings_cut_by_page_breaks_are_whole_again():
    text, report = clean_text(CONVERTED)
    assert _titles(text) == ["政务的含义", "电子政务的含义", "电子政务的理解要点", "电子政务与办公自动化"]
    assert "办公自动化的发展。" in text  # body text wraps across a break too
    assert re.search("3、电子政务的理解要点\n+电子政务的主体", text)  # a whole heading ending a page stays a line
    assert [(d.line, d.reason) for d in report.dropped] == [
        (1, "running header"),
        (6, "page number"),
        (7, "running header"),
        (12, "page number"),
        (14, "running header"),
        (17, "page number"),
        (18, "running header"),
        (21, "page number"),
        (22, "running header"),
    ]
    chunks = chunk_document(build_outline(text, "t.txt"), Settings())
    assert not any(HEADER in c.text or "页" in c.text or "- 5 -" in c.text for c in chunks)


def test_furniture_inside_a_scraped_pages_run_on_heading_is_cut_out():
    """The network course's scraped page with the document's running header and page number set
    into two headings, where the site flattened each page into run-on text."""
    body, _ = clean_text((UNSEEN / "network_scraped.txt").read_text(encoding="utf-8"))
    before = build_outline(body, "network.txt")
    points = [p for c in before.chapters for p in c.points]
    for number, point in reversed(list(enumerate([points[3], points[9]], start=3))):
        middle = point.start + (point.body_start - point.start) * 2 // 3
        body = f"{body[:middle]} 计算机网络复习重点 - {number} - {body[middle:]}"
    page = fixtures.scraped_page(body, fixtures.SITES["network"], random.Random(1))
    text, report = clean_text(page)
    assert report.inline_furniture == ("计算机网络复习重点 - 3 -", "计算机网络复习重点 - 4 -")
    assert build_outline(text, "network.txt").to_json() == before.to_json()
    assert not any("复习重点" in c.text for c in chunk_outline(build_outline(text, "network.txt")))


def test_notes_without_page_numbers_keep_their_repeated_lines():
    """A label repeated twice is notes, not a running header (that needs page numbers beside it, or
    three pages)."""
    notes = "1、优点与缺点\n优点\n速度快。\n缺点\n成本高。\n2、适用范围\n优点\n灵活。\n"
    text, report = clean_text(notes)
    assert text == notes.strip() and not report.dropped
