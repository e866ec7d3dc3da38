"""Outline parsing: structure and titles on both MIS forms and the e-gov notes (the real notes;
small made-up notes, one numbering style each, are in test_outline_styles.py)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from egov_qa.app.cli import app
from egov_qa.ingest.notes import outline_file
from helpers import outline_f1, outline_items, structure

# The e-gov notes' outline, written from reading the notes (not from the parser's output).
EGOV_OUTLINE = {
    "chapters": [
        {
            "chapter": 1,
            "points": [
                {"point": 1, "title": "政务的含义"},
                {"point": 2, "title": "电子政务的含义"},
                {"point": 3, "title": "电子政务的理解要点"},
                {"point": 4, "title": "电子政务与办公自动化"},
                {"point": 5, "title": "电子政务与电子政府"},
                {"point": 6, "title": "电子政务与政府上网"},
                {"point": 7, "title": "电子政务与电子商务"},
                {"point": 8, "title": "电子政务与政府信息化"},
                {"point": 9, "title": "电子政务的特征"},
                {"point": 10, "title": "电子政务的功能"},
                {
                    "point": 11,
                    "title": "电子政务与政府管理创新",
                    "sections": [
                        {"section": "1.3.1", "title": "电子政务环境下政府管理理念的变革"},
                        {"section": "1.3.2", "title": "电子政务与政府行政体制改革"},
                        {"section": "1.3.3", "title": "电子政务与政府运行机制创新"},
                        {"section": "1.3.4", "title": "电子政务与政府人员队伍建设"},
                        {"section": "1.3.5", "title": "电子政务对政府业务流程的创新"},
                        {"section": "1.3.6", "title": "电子政务对政府工作效率的创新"},
                        {"section": "1.3.7", "title": "电子政务对政府决策的创新"},
                    ],
                },
            ],
        },
        {
            "chapter": 2,
            "points": [
                {
                    "point": 1,
                    "title": "电子政务产生背景",
                    "sections": [
                        {"section": "2.1.1", "title": "信息化时代的全面来临"},
                        {"section": "2.1.2", "title": "经济全球化的快速推进"},
                        {"section": "2.1.3", "title": "政府改革浪潮的举起"},
                    ],
                },
                {"point": None, "title": None, "sections": [{"section": "2.2.2", "title": "中国电子政务发展战略"}]},
                {"point": 6, "title": "我国电子政务建设现状、问题与对策"},
                {"point": 7, "title": "电子政务发展的总体趋势"},
                {"point": 8, "title": "全球电子政务未来的发展方向"},
                {"point": 9, "title": "电子政务发展面临的问题"},
            ],
        },
        {
            "chapter": 3,
            "points": [
                {"point": 1, "title": "电子政务的工作模式"},
                {
                    "point": 2,
                    "title": "",
                    "sections": [
                        {"section": "3.1.1", "title": "以服务为取向的工作模式"},
                        {"section": "3.1.2", "title": "政务内外网的工作模式"},
                        {"section": "3.1.3", "title": "以业务为取向的工作模式"},
                    ],
                },
                {"point": 3, "title": "电子政务的核心"},
                {"point": 4, "title": "电子政务的实施原则"},
                {"point": 5, "title": "电子政务实施措施"},
                {"point": 6, "title": "电子政务网络平台"},
                {"point": 7, "title": "电子政务基础平台"},
                {"point": 8, "title": "如何理解“统一的网络管理就是“网络资源集中”"},
                {"point": 9, "title": "电子政务规划的含义"},
                {"point": 10, "title": "电子政务规划的重要性"},
                {"point": 11, "title": "电子政务规划的指导思想和原则"},
                {"point": 12, "title": "电子政务规划的主要步骤"},
                {"point": 12, "title": "电子政务规划的主要内容"},
            ],
        },
        {
            "chapter": 5,
            "points": [
                {
                    "point": 1,
                    "title": "电子政务建设的原则",
                    "sections": [
                        {"section": "5.1.1", "title": "应用原则"},
                        {"section": "5.1.2", "title": "方向原则"},
                        {"section": "5.1.3", "title": "经济原则"},
                        {"section": "5.1.4", "title": "效益原则"},
                        {"section": "5.1.5", "title": "规划、实施、监理三结合原则"},
                        {"section": "5.1.6", "title": "标准、开放、安全三前提原则"},
                        {"section": "5.1.7", "title": "系统原则"},
                    ],
                },
                {"point": 2, "title": "电子政务建设模式的含义"},
                {"point": 3, "title": "电子政务建设模式的分类"},
                {"point": 4, "title": "电子政务建设模式选择原则"},
                {"point": 6, "title": "电子政务建设基本模式"},
            ],
        },
    ]
}


@pytest.fixture(scope="module")
def gold_mis(eval_dir) -> dict:
    return json.loads((eval_dir / "notes_mis_outline.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mis_outlines(eval_dir) -> dict[str, dict]:
    return {name: outline_file(eval_dir / name).to_json() for name in ("notes_mis.md", "notes_mis_scraped.txt")}


def test_mis_markdown_outline_is_exact(mis_outlines, gold_mis):
    score = outline_f1(mis_outlines["notes_mis.md"], gold_mis)
    assert score.f1 == 1.0, (score.missing, score.extra)


def test_mis_scraped_outline_f1(mis_outlines, gold_mis):
    score = outline_f1(mis_outlines["notes_mis_scraped.txt"], gold_mis)
    assert score.f1 >= 0.95, (score.missing, score.extra)


def test_mis_forms_give_the_same_outline(mis_outlines):
    md, scraped = mis_outlines["notes_mis.md"], mis_outlines["notes_mis_scraped.txt"]
    assert structure(md) == structure(scraped)
    same = sum((outline_items(md) & outline_items(scraped)).values())
    assert same / sum(outline_items(md).values()) >= 0.95


def test_egov_outline(egov_notes):
    score = outline_f1(outline_file(egov_notes).to_json(), EGOV_OUTLINE)
    assert score.f1 == 1.0, (score.missing, score.extra)


def test_egov_chapters_have_no_titles(egov_notes):
    chapters = outline_file(egov_notes).chapters
    assert [(c.number, c.title) for c in chapters] == [(1, None), (2, None), (3, None), (5, None)]


def test_cli_outline_json_has_the_gold_schema(egov_notes, gold_mis, eval_dir):
    result = CliRunner().invoke(app, ["outline", str(eval_dir / "notes_mis_scraped.txt"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert outline_f1(data, gold_mis).f1 >= 0.95
    for chapter, gold in zip(data["chapters"], gold_mis["chapters"], strict=True):
        assert set(chapter) == set(gold)
        for point in chapter["points"]:
            assert set(point) <= {"point", "title", "sections"} and {"point", "title"} <= set(point)
            for section in point.get("sections", []):
                assert set(section) == {"section", "title"}
    loose = CliRunner().invoke(app, ["outline", str(egov_notes), "--json"])
    chapter2 = json.loads(loose.output)["chapters"][1]
    assert chapter2["points"][1] == {
        "point": None,
        "title": None,
        "sections": [{"section": "2.2.2", "title": "中国电子政务发展战略"}],
    }
