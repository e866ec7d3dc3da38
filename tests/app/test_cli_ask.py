"""``egov-qa ask / batch / eval`` on the real e-gov index (in-process with CliRunner, plus the
installed console script in a subprocess for what a user actually sees)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from egov_qa.answer.compose import SUGGESTIONS
from egov_qa.answer.messages import SUGGESTIONS_LEAD
from egov_qa.app.cli import app

pytestmark = pytest.mark.slow

EGOV_QA = Path(sys.executable).with_name("egov-qa")
ANSWER_KEYS = {
    *("answer", "refused", "citations", "passages", "ms", "mode", "quotes", "understood_as", "suggestions"),
    "warning",  # why a generative answer fell back (null without an LLM endpoint)
}
CITATION_KEYS = {"chapter", "point", "section", "label", "source"}
PASSAGE_KEYS = {"text", "label", "score", "chunk_id", "display"}  # display: the text as the page shows it


def run(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def check_answer_object(data: dict) -> None:
    assert ANSWER_KEYS <= set(data) <= ANSWER_KEYS | {"id"}
    assert data["mode"] == "extractive" and data["warning"] is None and isinstance(data["ms"], (int, float))
    for citation in data["citations"]:
        assert set(citation) == CITATION_KEYS
    for passage in data["passages"]:
        assert set(passage) == PASSAGE_KEYS
    if data["refused"]:
        assert data["citations"] == [] and data["passages"] == []
        return
    assert data["citations"] and data["quotes"]
    assert data["answer"].rstrip().endswith(data["citations"][-1]["label"])
    for quote in data["quotes"]:  # lines of the passages as shown
        assert any(quote in p["display"] for p in data["passages"]), quote
    scores = [p["score"] for p in data["passages"]]
    assert scores == sorted(scores, reverse=True)


# --- ask --------------------------------------------------------------------------------------


def test_ask_json(on_egov):
    result = run("ask", "电子政务的功能有哪些？", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # exactly one JSON object on stdout
    check_answer_object(data)
    assert not data["refused"] and "功能" in data["citations"][0]["label"]
    assert data["citations"][0]["chapter"] == 1 and data["citations"][0]["source"].endswith(".txt")


def test_ask_json_with_history(on_egov):
    alone = json.loads(run("ask", "那它有什么优缺点？", "--json").stdout)
    followed = json.loads(run("ask", "那它有什么优缺点？", "--history", "外包模式是什么？", "--json").stdout)
    check_answer_object(followed)
    assert not followed["refused"] and "外包" in followed["passages"][0]["text"]
    assert alone["refused"] or "外包" not in alone["passages"][0]["text"]


def test_ask_plain_text_out_of_scope(on_egov):
    result = run("ask", "红烧肉怎么做才好吃？")
    assert result.exit_code == 0
    assert result.stdout.strip() and "出处" not in result.stdout
    assert SUGGESTIONS_LEAD in result.stdout  # questions the notes do answer, one per line
    assert len([line for line in result.stdout.splitlines() if line.startswith("  · ")]) == SUGGESTIONS


def test_ask_console_script_prints_one_json_object(on_egov):
    """The installed ``egov-qa`` as a user runs it: stdout is one parseable JSON object."""
    proc = subprocess.run(
        [str(EGOV_QA), "ask", "电子政务规划的原则有哪些？", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stdout[:500]
    data = json.loads(lines[0])
    check_answer_object(data)
    assert not data["refused"] and "Traceback" not in proc.stderr


# --- batch ------------------------------------------------------------------------------------


def test_batch(on_egov, tmp_path):
    items = [
        {"id": "q1", "question": "电子政务的特征有哪些？", "history": []},
        {"id": "q2", "question": "那外包呢？", "history": ["自建模式是什么？"]},
        {"id": "q3", "question": "红烧肉怎么做才好吃？", "history": []},
        {"id": "q4", "question": "", "history": []},
        {"id": "q5", "question": "电子政务规划有哪些主要步骤？", "history": []},
    ]
    questions = tmp_path / "qs.jsonl"
    questions.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n", encoding="utf-8")
    out = tmp_path / "answers.jsonl"
    result = run("batch", str(questions), "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(items)
    rows = [json.loads(line) for line in lines]
    assert [r["id"] for r in rows] == [i["id"] for i in items]
    for row in rows:
        assert {"id", "answer", "refused", "citations", "passages", "ms"} <= set(row)
        if row["refused"]:
            assert row["citations"] == [] and row["passages"] == []
            continue
        assert len(row["passages"]) >= 5
        scores = [p["score"] for p in row["passages"]]
        assert scores == sorted(scores, reverse=True)
        assert row["answer"].rstrip().endswith(row["citations"][-1]["label"])
    by_id = {r["id"]: r for r in rows}
    assert not by_id["q1"]["refused"] and not by_id["q2"]["refused"] and not by_id["q5"]["refused"]
    assert by_id["q3"]["refused"] and by_id["q4"]["refused"]
    assert "外包" in by_id["q2"]["passages"][0]["text"]  # the history reached the engine

    to_stdout = run("batch", str(questions))  # no -o: the same lines on stdout
    assert [json.loads(line)["id"] for line in to_stdout.stdout.splitlines()] == [i["id"] for i in items]


# --- eval -------------------------------------------------------------------------------------

METRIC_NAMES = [
    "hit@1",
    "hit@5",
    "MRR",
    "citation accuracy",
    "key-term coverage",
    "out-of-scope refusal",
    "false refusals",
    "one click away",
    "latency",
]


@pytest.fixture
def small_eval_set(tmp_path, eval_dir) -> Path:
    """A few dev items of each kind (not the full set: this tests the command, not the quality)."""
    items = [json.loads(line) for line in (eval_dir / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    picked = (
        [i for i in items if i["type"] == "list"][:2]
        + [i for i in items if i["type"] == "followup"][:1]
        + [i for i in items if i["type"] == "out_of_scope"][:2]
    )
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in picked) + "\n", encoding="utf-8")
    return path


def test_eval_prints_the_metrics(on_egov, small_eval_set):
    result = run("eval", str(small_eval_set))
    assert result.exit_code == 0, result.output
    for name in METRIC_NAMES:
        assert name in result.stdout, name
    assert "5 (3 answerable)" in result.stdout


def test_eval_json(on_egov, small_eval_set):
    data = json.loads(run("eval", str(small_eval_set), "--json").stdout)
    assert data["questions"] == 5 and data["answerable"] == 3
    for key in (
        "hit_at_1",
        "hit_at_5",
        "mrr",
        "citation_accuracy",
        "key_term_coverage",
        "out_of_scope_refusal",
        "false_refusals",
    ):
        assert 0 <= data[key] <= 1, key
    assert data["hit_at_1"] <= data["hit_at_5"] and data["p50_ms"] <= data["p95_ms"]


def test_calibrate_reports_each_kind_of_question_and_a_threshold(on_egov, small_eval_set):
    """Questions made from the notes (answered, and three kinds they cannot answer) plus a labelled
    file: a line per kind with its AUC and the share below the threshold, then the setting."""
    result = run("calibrate", str(small_eval_set))
    assert result.exit_code == 0, result.output
    rows = {line[:29].split()[0]: line.split() for line in result.stdout.splitlines()[1:-1]}
    assert {"headings", "out", "false", "underspecified", "small.jsonl"} <= set(rows)
    auc = float(rows["out"][-2])  # the questions about a near thing the notes never mention
    assert 0.5 < auc <= 1.0
    threshold = float(result.stdout.splitlines()[-1].removeprefix("EGOV_QA_MIN_RELEVANCE="))
    assert threshold < 10


# --- an empty corpus ------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["ask", "电子政务的功能有哪些？", "--json"], ["eval", "QUESTIONS"]])
def test_empty_corpus_exit_2_with_one_clear_line(tmp_path, small_eval_set, command):
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    env = {**os.environ, "EGOV_QA_CORPUS_DIR": str(corpus), "EGOV_QA_INDEX_DIR": str(tmp_path / "index")}
    args = [str(small_eval_set) if a == "QUESTIONS" else a for a in command]
    proc = subprocess.run([str(EGOV_QA), *args], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if "error" in line.lower() or "错误" in line]
    assert len(errors) == 1, proc.stderr
    assert str(corpus) in errors[0] and "egov-qa ingest" in errors[0]


def test_empty_corpus_stderr_is_a_single_line(tmp_path):
    env = {**os.environ, "EGOV_QA_CORPUS_DIR": str(tmp_path / "empty"), "EGOV_QA_INDEX_DIR": str(tmp_path / "i")}
    (tmp_path / "empty").mkdir()
    proc = subprocess.run([str(EGOV_QA), "ask", "电子政务"], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 2
    assert len([line for line in proc.stderr.splitlines() if line.strip()]) == 1, proc.stderr


# --- a questions file that cannot be read -----------------------------------------------------

BAD_QUESTION_FILES = {  # content → what the one error line must say
    '{"id": "a", "question": "电子政务的功能有哪些？"}\n{broken\n': "line 2",
    '{"id": "a", "question": "电子政务的功能有哪些？"}\n\n{"id": "b"}\n': "line 3: question",
    "\n\n": "empty",
}


@pytest.mark.parametrize("command", ["batch", "eval", "calibrate"])
@pytest.mark.parametrize(("content", "says"), BAD_QUESTION_FILES.items())
def test_bad_questions_file_exit_2_with_one_clear_line(tmp_path, command, content, says):
    """Found before the index is opened: the corpus here is empty and is never looked at."""
    path = tmp_path / "questions.jsonl"
    path.write_text(content, encoding="utf-8")
    env = {**os.environ, "EGOV_QA_CORPUS_DIR": str(tmp_path / "none"), "EGOV_QA_INDEX_DIR": str(tmp_path / "i")}
    proc = subprocess.run(
        [str(EGOV_QA), command, str(path)], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    assert proc.returncode == 2 and proc.stdout == ""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "questions.jsonl" in lines[0] and says in lines[0]


def test_batch_reads_a_gbk_questions_file(on_egov, tmp_path):
    path = tmp_path / "gbk.jsonl"
    path.write_bytes('{"id": "g1", "question": "电子政务的功能有哪些？"}\n'.encode("gbk"))
    result = run("batch", str(path))
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["id"] == "g1" and answer["citations"][0]["label"].endswith("电子政务的功能")
