"""``egov-qa check`` on the real e-gov index: one answer, a batch file, and the messages and exit
codes a teacher or a script sees (in-process with CliRunner; the console script once)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from egov_qa.app.cli import app

pytestmark = pytest.mark.slow

EGOV_QA = Path(sys.executable).with_name("egov-qa")
LINE_KEYS = {"id", "coverage", "citation", "items", "refused"}
ITEM_KEYS = {"text", "status", "match", "score"}


def run(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_check_prints_the_checklist(on_egov) -> None:
    result = run(
        "check", "--question", "电子政务有哪些特征？", "--answer", "政府信息公开共享；政府与公众之间沟通互动。"
    )
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "电子政务的特征" in lines[0] and "写到 2 个" in lines[0]
    assert sum(line.lstrip().startswith("✓") for line in lines) == 2
    assert sum(line.lstrip().startswith("✗") for line in lines) == 3


def test_check_json_is_the_check_object(on_egov) -> None:
    result = run("check", "-q", "制定电子政务规划要坚持哪些原则？", "-a", "经济性原则和安全性原则", "--json")
    data = json.loads(result.output)
    assert data["coverage"] == 0.5 and data["refused"] is False
    assert set(data["citation"]) == {"chapter", "point", "section", "label", "source"}
    assert (data["citation"]["chapter"], data["citation"]["point"]) == (3, 11)
    assert [i["status"] for i in data["items"]] == ["missing", "covered", "missing", "covered"]
    assert all(set(i) == ITEM_KEYS for i in data["items"])


@pytest.mark.parametrize("answer", ["", "   "])
def test_an_empty_answer_is_a_clear_error(on_egov, answer) -> None:
    result = run("check", "-q", "电子政务有哪些特征？", "-a", answer)
    assert result.exit_code == 2
    assert "answer is empty" in result.output


def test_batch_writes_one_result_per_line(on_egov, tmp_path) -> None:
    given = [
        {"id": "a", "question": "电子政务有哪些特征？", "answer": "政府信息的公开共享性"},
        {"id": "b", "question": "今天食堂吃什么？", "answer": "面条"},
        {"id": "c", "question": "电子政务有哪些特征？", "answer": ""},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in given) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("check", "--batch", str(src), "-o", str(out))
    assert result.exit_code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert all(set(r) >= LINE_KEYS for r in rows)
    assert rows[0]["coverage"] == 0.2 and rows[0]["items"][1]["status"] == "covered"
    assert rows[1]["refused"] is True and rows[1]["items"] == [] and rows[1]["citation"] is None
    assert rows[2]["coverage"] == 0.0 and rows[2]["note"]  # an empty answer: coverage 0 with a note


def test_a_bad_batch_line_names_the_line(on_egov, tmp_path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "question": "q", "answer": "x"}\n{"id": "b"}\n', encoding="utf-8")
    result = run("check", "--batch", str(src))
    assert result.exit_code == 2
    assert "in.jsonl line 2" in result.output and "question" in result.output


def test_the_console_script_checks_a_gbk_batch(on_egov, tmp_path) -> None:
    """The installed ``egov-qa`` as a user runs it; a batch saved by a Chinese Windows editor (GBK)."""
    src = tmp_path / "gbk.jsonl"
    src.write_bytes(
        json.dumps(
            {"id": "g", "question": "电子政务有哪些特征？", "answer": "政府内外管理的开放性"}, ensure_ascii=False
        ).encode("gbk")
    )
    done = subprocess.run(
        [str(EGOV_QA), "check", "--batch", str(src)], capture_output=True, text=True, env=os.environ.copy(), timeout=300
    )
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout)
    assert row["id"] == "g" and row["coverage"] == 0.2
