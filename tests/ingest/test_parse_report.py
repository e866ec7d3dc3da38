"""The parse report a teacher reads before publishing notes (``egov-qa outline FILE --report``): the
levels found with their marker style and counts, numbering gaps and repeats, text outside any unit
and what was dropped as site or page furniture, each with the file's line numbers."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from egov_qa.app.cli import app
from egov_qa.ingest.notes import report_file
from egov_qa.ingest.report import Level, NumberingIssue


def test_scraped_page_report(eval_dir):
    path = eval_dir / "notes_mis_scraped.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    outline, report = report_file(path)
    levels = {(level.level, level.style): level for level in report.levels}
    assert levels["chapter", "第N章"].count == 3  # chapter 1's heading is lost on the page
    assert levels["point", "1、"].count + levels["point", "1."].count == sum(len(c.points) for c in outline.chapters)
    assert levels["section", "x.y.z"].count == 15
    assert {level.level for level in report.levels} == {"chapter", "point", "section", "item"}
    chapter2 = next(c for c in outline.chapters if c.number == 2)
    assert [p.number for p in chapter2.points][:4] == [1, 2, 3, 5]
    assert NumberingIssue("gap", chapter2.heading, "4", (46, 50)) in report.issues
    # every line number points at the line holding what is reported
    gap = next(i for i in report.issues if i.kind == "gap")
    assert "3、" in lines[gap.lines[0] - 1] or "3." in lines[gap.lines[0] - 1]
    assert [t.text for t in report.outside] == ["管理信息系统期末复习要点整理"]
    assert report.fragments == 20
    assert report.dropped[0].line == 1 and report.dropped[0].reason == "outside the notes"
    assert all(lines[d.line - 1].strip() == d.text for d in report.dropped)
    first_line = levels["chapter", "第N章"].first_line
    assert "第二章" in lines[first_line - 1]


def test_report_of_typed_notes_with_page_furniture(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text(
        "第一章 总论\n一、会计的概念\n会计是经济管理活动。\n（一）会计的特征\n以货币为主要计量单位。\n"
        "（三）会计的职能\n核算和监督。\n- 2 -\n会计学基础\n二、会计要素\n会计要素是对会计对象的分类。\n"
        "- 3 -\n会计学基础\n二、会计等式\n资产=负债+所有者权益。\n",
        encoding="utf-8",
    )
    _, report = report_file(path)
    assert [(lv.level, lv.style, lv.count, lv.first_line) for lv in report.levels] == [
        ("chapter", "第N章", 1, 1),
        ("point", "一、", 3, 2),
        ("section", "（一）", 2, 4),
    ]
    assert [(i.kind, i.numbers, i.lines) for i in report.issues] == [("gap", "2", (4, 6)), ("repeat", "2", (10, 14))]
    assert [(d.line, d.reason) for d in report.dropped] == [
        (8, "page number"),
        (9, "running header"),
        (12, "page number"),
        (13, "running header"),
    ]
    assert report.outside == ()


def test_cli_prints_the_report_and_its_json(eval_dir):
    path = str(eval_dir / "notes_mis_scraped.txt")
    printed = CliRunner().invoke(app, ["outline", path, "--report"])
    assert printed.exit_code == 0, printed.output
    assert "x.y.z" in printed.stdout and "4 missing (lines 46, 50)" in printed.stdout
    data = json.loads(CliRunner().invoke(app, ["outline", path, "--report", "--json"]).stdout)
    assert set(data) == {"source", "fragments", "levels", "issues", "outside", "dropped", "inline_furniture"}
    assert Level(**data["levels"][0]).level == "chapter"
