"""A scripted class on the real e-gov index: questions answered by the real engine and recorded
as the surfaces record them, then ``egov-qa stats`` (typer's CliRunner) gives the expected
figures; what the file holds is only what was asked and cited; ``egov-qa ask`` / ``check`` record,
``batch`` does not, ``EGOV_QA_INSIGHTS=false`` writes nothing, and a data folder that cannot be
written changes no answer."""

from __future__ import annotations

import csv
import json
import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from egov_qa.app.cli import app
from egov_qa.insights.recorder import Recorder
from egov_qa.insights.report import bounds
from egov_qa.insights.store import Row, Store, Surface, db_path
from egov_qa.models import Answer, CheckResult
from helpers import EGOV_NOTES, INSIGHTS_COLUMNS, insight_rows

pytestmark = pytest.mark.slow

FEATURES_Q = "电子政务有哪些特征？"
FEATURES = "第一章 · 9、电子政务的特征"
STEPS_Q = "电子政务规划有哪些主要步骤？"
# (surface, question): two questions on the features, one on planning, three near-duplicate
# questions the notes cannot answer and one more, and a greeting (refused, but no gap).
CLASS: list[tuple[Surface, str]] = [
    ("chat", FEATURES_Q),
    ("api", "电子政务的特征是什么？"),
    ("cli", STEPS_Q),
    ("chat", "红烧肉怎么做？"),
    ("api", "怎么做红烧肉"),
    ("cli", "红烧肉怎么做"),
    ("chat", "区块链是什么？"),
    ("api", "你好"),
]
REFUSED = ["红烧肉怎么做？", "怎么做红烧肉", "红烧肉怎么做", "区块链是什么？", "你好"]
# two answers to the features question checked (自测, /check)
CHECKS: list[tuple[Surface, str]] = [
    ("practice", "政府信息的公开共享性；政府与公众之间沟通的互动性。"),
    ("check", "使用手段和技术先进实用性"),
]


@dataclass
class ScriptedClass:
    data_dir: Path
    answers: dict[str, Answer]
    checks: list[CheckResult]
    started: int
    ended: int


@pytest.fixture(scope="module")
def scripted_class(egov_engine, tmp_path_factory) -> ScriptedClass:
    data_dir = tmp_path_factory.mktemp("class") / "data"
    recorder = Recorder(db_path(data_dir))
    started = int(time.time())
    answers = {}
    for surface, question in CLASS:
        *_, answer = egov_engine.stream(question, [])  # as the chat answers (the last is complete)
        recorder.answered(surface, question, answer)
        answers[question] = answer
    checks = []
    for surface, written in CHECKS:
        result = egov_engine.checker.check(FEATURES_Q, written)
        recorder.checked(surface, result)
        checks.append(result)
    recorder.close()
    return ScriptedClass(data_dir, answers, checks, started, int(time.time()))


def stats(data_dir: Path, monkeypatch, *args: str):
    monkeypatch.setenv("EGOV_QA_DATA_DIR", str(data_dir))
    result = CliRunner().invoke(app, ["stats", *args])
    assert result.exit_code == 0, result.output
    return result


def test_a_scripted_class_gives_the_expected_stats(scripted_class: ScriptedClass, monkeypatch) -> None:
    answers = scripted_class.answers
    assert [q for q, a in answers.items() if a.refused] == REFUSED  # what the figures below rest on
    steps = answers[STEPS_Q].citations[0].label
    mean = round(sum(r.coverage for r in scripted_class.checks) / 2, 3)
    assert all(r.citation is not None and r.citation.label == FEATURES for r in scripted_class.checks)

    data = json.loads(stats(scripted_class.data_dir, monkeypatch, "--json").stdout)
    assert (data["questions"], data["refused"]) == (10, 5)
    assert data["days"] == [{"day": date.today().isoformat(), "questions": 10, "refused": 5}]
    assert [(p["label"], p["count"]) for p in data["points"]] == [(FEATURES, 2), (steps, 1)]
    assert [(g["question"], g["count"]) for g in data["gaps"]] == [("红烧肉怎么做？", 3), ("区块链是什么？", 1)]
    assert data["gaps"][0]["wordings"] == ["红烧肉怎么做？", "怎么做红烧肉"]  # "红烧肉怎么做" is the first
    assert data["checks"] == [{"label": FEATURES, "source": EGOV_NOTES.name, "answers": 2, "mean_coverage": mean}]

    table = stats(scripted_class.data_dir, monkeypatch).stdout
    assert "提问 / questions: 10" in table and "未能回答 / refused: 5" in table
    assert "      3  红烧肉怎么做？" in table and f"  {mean:5.2f}  (2 answers)  {FEATURES}" in table


def test_nothing_identifying_a_student_is_stored(scripted_class: ScriptedClass) -> None:
    """Every row holds only the allowed fields, each what was asked or cited; no answer text, no
    earlier questions, nothing else is in the file."""
    rows = insight_rows(scripted_class.data_dir)
    assert all(list(row) == INSIGHTS_COLUMNS for row in rows)
    asked = [*CLASS, *((surface, FEATURES_Q) for surface, _ in CHECKS)]
    assert [(row["surface"], row["question"]) for row in rows] == asked
    outcomes = [*scripted_class.answers.values(), *scripted_class.checks]
    for row, outcome in zip(rows, outcomes, strict=True):
        assert scripted_class.started <= row["at"] <= scripted_class.ended
        assert row["refused"] == int(outcome.refused)
        cited = outcome.citation if isinstance(outcome, CheckResult) else next(iter(outcome.citations), None)
        assert row["label"] == (cited.label if cited else None)
        assert row["source"] == (cited.source if cited else None)
        assert row["coverage"] == (outcome.coverage if isinstance(outcome, CheckResult) else None)
        assert row["mode"] == (None if isinstance(outcome, CheckResult) else "extractive")
    raw = (scripted_class.data_dir / "insights.sqlite3").read_bytes()
    for answer in scripted_class.answers.values():  # no answer's text (nor its quotes) is stored
        assert answer.answer.splitlines()[-1].encode() not in raw
    assert sorted(p.name for p in scripted_class.data_dir.iterdir()) == ["insights.sqlite3"]


def test_since_and_until_choose_the_period(data_dir: Path, monkeypatch, tmp_path: Path) -> None:
    today = date.today()
    days = [today - timedelta(days=n) for n in (3, 1, 0)]
    store = Store(db_path(data_dir), keep_days=180)
    for n, day in enumerate(days):
        start, _ = bounds(day, None)
        assert start is not None
        for k in range(n + 1):  # 1, 2 and 3 questions
            store.add(Row(start + 3600 + k, "chat", f"问题{n}{k}", refused=k == 1))
    store.close()
    everything = json.loads(stats(data_dir, monkeypatch, "--json").stdout)
    assert [(d["day"], d["questions"]) for d in everything["days"]] == [
        (days[0].isoformat(), 1),
        ((today - timedelta(days=2)).isoformat(), 0),
        (days[1].isoformat(), 2),
        (days[2].isoformat(), 3),
    ]
    since = json.loads(stats(data_dir, monkeypatch, "--since", days[1].isoformat(), "--json").stdout)
    assert (since["since"], since["questions"], since["refused"]) == (days[1].isoformat(), 5, 2)
    one_day = stats(data_dir, monkeypatch, "--since", days[0].isoformat(), "--until", days[0].isoformat(), "--json")
    assert json.loads(one_day.stdout)["questions"] == 1
    out = tmp_path / "today.csv"
    stats(data_dir, monkeypatch, "--since", today.isoformat(), "--csv", str(out))
    with out.open(encoding="utf-8-sig", newline="") as file:
        lines = list(csv.reader(file))
    assert lines[0] == ["time_utc", *INSIGHTS_COLUMNS[1:]] and [line[2] for line in lines[1:]] == [
        "问题20",
        "问题21",
        "问题22",
    ]
    bad = CliRunner().invoke(app, ["stats", "--since", "2026-13-01"])
    assert bad.exit_code == 2


def run(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_egov_qa_ask_and_check_are_recorded_and_batch_is_not(on_egov, data_dir: Path, tmp_path: Path) -> None:
    asked = json.loads(run("ask", FEATURES_Q, "--json").stdout)
    run("ask", "红烧肉怎么做？")
    checked = json.loads(run("check", "-q", FEATURES_Q, "-a", CHECKS[0][1], "--json").stdout)
    batch = tmp_path / "questions.jsonl"
    batch.write_text(json.dumps({"id": "1", "question": FEATURES_Q}, ensure_ascii=False) + "\n", encoding="utf-8")
    run("batch", str(batch))  # the teacher's own tooling: not the class
    rows = [(r["surface"], r["question"], r["refused"], r["label"], r["coverage"]) for r in insight_rows(data_dir)]
    assert rows == [
        ("cli", FEATURES_Q, 0, asked["citations"][0]["label"], None),
        ("cli", "红烧肉怎么做？", 1, None, None),
        ("cli-check", FEATURES_Q, 0, FEATURES, checked["coverage"]),
    ]


def test_insights_off_records_nothing(on_egov, data_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("EGOV_QA_INSIGHTS", "false")
    assert json.loads(run("ask", FEATURES_Q, "--json").stdout)["refused"] is False
    run("check", "-q", FEATURES_Q, "-a", CHECKS[1][1])
    assert not data_dir.exists()


def test_a_data_folder_that_cannot_be_written_changes_no_answer(
    on_egov, read_only_dir: Path, monkeypatch, caplog
) -> None:
    monkeypatch.setenv("EGOV_QA_DATA_DIR", str(read_only_dir))
    with caplog.at_level(logging.WARNING, logger="egov_qa.insights"):
        answer = json.loads(run("ask", FEATURES_Q, "--json").stdout)
    assert answer["refused"] is False and answer["citations"][0]["label"] == FEATURES
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("egov_qa.insights")]
    assert len(warnings) == 1 and "class insights not written" in warnings[0]
