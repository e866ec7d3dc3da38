"""Check my answer as HTML (egov_qa.app.check_render): student text escaped, each item's status
marked in the checklist, the covered items highlighted inside the notes' lines and the missed ones
marked there; the tally line."""

from __future__ import annotations

import os
import re

from egov_qa.app.check_render import (
    NO_TALLY,
    checklist_html,
    error_html,
    item_places,
    percent,
    result_html,
    rubric_html,
    tally_html,
    tally_text,
)
from egov_qa.models import CheckedItem, CheckResult, Citation

FEATURES = Citation(chapter=1, point=9, section=None, label="第一章 · 9、电子政务的特征", source="notes.txt")
LINES = ["1）使用手段和技术先进实用性", "2）政府信息的公开共享性", "3）政府与公众之间沟通的互动性"]
XSS = "<img src=x onerror=alert(1)>"


def _result(items: list[CheckedItem], **changes) -> CheckResult:
    fields = {
        "question": "电子政务有哪些特征？",
        "coverage": 0.5,
        "citation": FEATURES,
        "items": items,
        "refused": False,
        "message": "对照笔记的 3 个要点：写到 1 个，写到一部分 1 个，没写到 1 个（覆盖 50%）。",
        "rubric": LINES,
    }
    return CheckResult(**{**fields, **changes})


ITEMS = [
    CheckedItem(text="使用手段和技术先进实用性", status="covered", match="技术先进" + XSS, score=0.9),
    CheckedItem(text="政府信息的公开共享性", status="partly", match="信息公开", score=0.4),
    CheckedItem(text="政府与公众之间沟通的互动性", status="missing", match=None, score=0.1),
]


def test_student_text_is_escaped() -> None:
    shown = result_html(_result(ITEMS, message="答案里有 " + XSS))
    assert "<img" not in shown
    assert shown.count("&lt;img src=x onerror=alert(1)&gt;") == 2  # the message and the matched clause
    assert "技术先进&lt;img" in shown  # the clause is shown, as text


def test_checklist_marks_each_status() -> None:
    rows = re.findall(r'<li class="egov-item egov-(\w+)">(.*?)</li>', checklist_html(ITEMS))
    assert [status for status, _ in rows] == ["covered", "partly", "missing"]
    (_, covered), (_, partly), (_, missing) = rows
    assert "✓" in covered and "使用手段和技术先进实用性" in covered and "你写的：“技术先进" in covered
    assert "◐" in partly and "你写的：“信息公开”" in partly
    assert "✗" in missing and "你写的" not in missing  # nothing of the student's under a missed item
    assert checklist_html([]) == ""


def test_rubric_highlights_items_inside_the_notes_lines() -> None:
    shown = rubric_html(_result(ITEMS))
    lines = re.findall(r'<div class="egov-rubric-line">(.*?)</div>', shown)
    assert len(lines) == 3
    assert lines[0] == '1）<mark class="egov-hit" title="写到了">使用手段和技术先进实用性</mark>'
    assert lines[1] == '2）<mark class="egov-part" title="写到一部分">政府信息的公开共享性</mark>'
    assert lines[2].startswith('3）<span class="egov-miss" title="没写到"><span class="egov-badge">✗</span>')
    assert "政府与公众之间沟通的互动性</span>" in lines[2] and "<mark" not in lines[2]
    assert "第一章 · 9、电子政务的特征" in shown  # the rubric names its unit


def test_notes_text_is_escaped_too() -> None:
    items = [CheckedItem(text="A<b>", status="covered", match="A<b>", score=1.0)]
    shown = rubric_html(_result(items, rubric=["x A<b> y <i>"]))
    assert '<mark class="egov-hit" title="写到了">A&lt;b&gt;</mark>' in shown
    assert "&lt;i&gt;" in shown and "<i>" not in shown and "<b>" not in shown


def test_items_are_placed_in_order_without_overlap() -> None:
    """An item repeated in the notes is marked once per checked item, in order; an item the lines do
    not hold is left out of the lines (the checklist still has it)."""
    lines = ["原则：适用性、经济性", "适用性是首要的"]
    items = [
        CheckedItem(text="适用性", status="covered", match="适用", score=1.0),
        CheckedItem(text="经济性", status="missing", match=None, score=0.0),
        CheckedItem(text="适用性", status="missing", match=None, score=0.0),
        CheckedItem(text="不在笔记里", status="covered", match="x", score=1.0),
    ]
    assert item_places(lines, items) == {0: [(3, 6, "covered"), (7, 10, "missing")], 1: [(0, 3, "missing")]}
    twice = [CheckedItem(text="甲", status="covered", match="甲", score=1.0)] * 3
    assert item_places(["甲乙甲"], twice) == {0: [(0, 1, "covered"), (2, 3, "covered")]}


def test_refused_and_empty_answers() -> None:
    refused = result_html(
        _result([], refused=True, citation=None, rubric=[], coverage=0.0, message="笔记里没有这道题的内容。")
    )
    assert "笔记里没有这道题的内容。" in refused and "egov-refused" in refused
    assert "egov-checklist" not in refused and "覆盖" not in refused and "egov-rubric" not in refused
    missing = [i.model_copy(update={"status": "missing", "match": None, "score": 0.0}) for i in ITEMS]
    empty = result_html(_result(missing, coverage=0.0, message="还没有写答案。", note="还没有写答案。"))
    assert "还没有写答案。" in empty and "覆盖 <b>0%</b>" in empty
    assert empty.count("✗") == 2 * len(ITEMS)  # checklist and notes' lines
    assert result_html(None) == ""
    assert "出错" in error_html() and "&lt;" in error_html("<")


def test_coverage_and_tally() -> None:
    assert (percent(0.4), percent(0.666), percent(1.7), percent(-1)) == (40, 67, 100, 0)
    assert "覆盖 <b>40%</b>" in result_html(_result(ITEMS, coverage=0.4))
    assert 'style="width:40%"' in result_html(_result(ITEMS, coverage=0.4))
    assert tally_text({}) == NO_TALLY
    assert tally_text({"a": 0.4, "b": 1.0}) == "已练习 2 个要点，平均覆盖 70%"
    shown = tally_html({"<a>": 0.4}, ["<a>"])
    assert "建议复习：" in shown and "已练习 1 个要点，平均覆盖 40%" in shown
    assert "建议复习" not in tally_html({"a": 1.0}, [])


def test_kept_tally_is_validated() -> None:
    """What the browser hands back is not trusted: only label → number, clamped to 0…1."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from egov_qa.app.practice_tab import load_tally

    assert load_tally({"a": 0.5, "b": 2, "c": "x", "d": True, "e": -1.0}) == {"a": 0.5, "b": 1.0, "e": 0.0}
    assert load_tally(None) == {} and load_tally(["a"]) == {} and load_tally("{}") == {}
