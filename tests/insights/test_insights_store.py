"""The insights file itself (real SQLite files in the test's folder): its schema, retention, the
switch, several processes writing at once, and writes that fail or wait without holding anything up."""

from __future__ import annotations

import csv
import io
import logging
import multiprocessing
import sqlite3
import time
from pathlib import Path

from egov_qa.config import Settings
from egov_qa.insights.recorder import Recorder
from egov_qa.insights.report import write_csv
from egov_qa.insights.store import DAY_S, SCHEMA_VERSION, Row, Store, db_path, read_rows
from egov_qa.models import Answer, Citation
from helpers import INSIGHTS_COLUMNS, insight_rows

FEATURES = Citation(chapter=1, point=9, section=None, label="第一章 · 9、电子政务的特征", source="notes.txt")
NOW = 1_800_000_000  # a fixed "now" for the tests that move the clock


def answer(refused: bool = False) -> Answer:
    return Answer(answer="…", refused=refused, citations=[] if refused else [FEATURES], passages=[], ms=1.0)


def test_the_schema_has_no_column_that_could_identify_a_student(tmp_path: Path) -> None:
    Store(db_path(tmp_path), keep_days=180).close()
    db = sqlite3.connect(db_path(tmp_path))
    try:
        assert [column[1] for column in db.execute("PRAGMA table_info(questions)")] == INSIGHTS_COLUMNS
        objects = {(kind, name) for kind, name in db.execute("SELECT type, name FROM sqlite_master")}
        assert objects == {("table", "questions"), ("index", "questions_at")}  # nothing else is kept
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        db.close()


def test_the_data_folder_is_beside_the_index_unless_set(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("EGOV_QA_DATA_DIR", raising=False)
    assert Settings(index_dir=tmp_path / "course" / "index").data_dir == tmp_path / "course" / "data"
    monkeypatch.setenv("EGOV_QA_DATA_DIR", str(tmp_path / "elsewhere"))
    assert Settings(index_dir=tmp_path / "course" / "index").data_dir == tmp_path / "elsewhere"


def test_rows_past_the_retention_period_are_deleted(tmp_path: Path) -> None:
    """On open, and then at most once a day while the store stays open."""
    now = [float(NOW)]
    path = db_path(tmp_path)
    store = Store(path, keep_days=180, clock=lambda: now[0])
    for age_days, question in ((200, "too old"), (179.5, "old"), (1, "recent")):
        store.add(Row(int(NOW - age_days * DAY_S), "chat", question, False))
    store.close()
    store = Store(path, keep_days=180, clock=lambda: now[0])  # opening deletes what is past 180 days
    assert [row["question"] for row in insight_rows(tmp_path)] == ["old", "recent"]
    now[0] += DAY_S / 2
    store.add(Row(int(now[0]), "api", "half a day later", False))  # no second delete within a day
    assert [row["question"] for row in insight_rows(tmp_path)] == ["old", "recent", "half a day later"]
    now[0] += DAY_S / 2
    store.add(Row(int(now[0]), "api", "a day later", False))  # "old" is 180.5 days old now
    assert [row["question"] for row in insight_rows(tmp_path)] == ["recent", "half a day later", "a day later"]
    assert [row.question for row in store.rows()] == ["recent", "half a day later", "a day later"]
    store.close()


def test_insights_off_writes_nothing(data_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("EGOV_QA_INSIGHTS", "false")
    recorder = Recorder.for_settings(Settings())
    recorder.answered("chat", "电子政务有哪些特征？", answer())
    recorder.close()
    assert not recorder.on and not data_dir.exists()


def _write_rows(path: str, tag: str, n: int, start) -> None:  # in another process
    recorder = Recorder(Path(path))
    start.wait()  # both processes begin together
    for i in range(n):
        recorder.answered("api", f"{tag}-{i}", answer(refused=i % 3 == 0))
    recorder.close()


def test_two_processes_writing_at_once_lose_no_rows(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    n = 300
    writers = [context.Process(target=_write_rows, args=(str(db_path(tmp_path)), tag, n, start)) for tag in ("a", "b")]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
        assert writer.exitcode == 0
    questions = [row["question"] for row in insight_rows(tmp_path)]
    assert len(questions) == 2 * n
    assert sorted(questions) == sorted(f"{tag}-{i}" for tag in ("a", "b") for i in range(n))
    # each process's rows are in its own order, interleaved with the other's
    assert [q for q in questions if q.startswith("a-")] == [f"a-{i}" for i in range(n)]


def test_a_locked_file_holds_up_no_answer(data_dir: Path) -> None:
    """Another process holds the write lock: recording still returns at once (the writer thread
    waits for the lock), and every row is written once it is released."""
    recorder = Recorder(db_path(data_dir))
    recorder.answered("chat", "first", answer())
    recorder.flush()
    blocker = sqlite3.connect(db_path(data_dir), isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    started = time.perf_counter()
    for i in range(200):
        recorder.answered("chat", f"while locked {i}", answer())
    queued_s = time.perf_counter() - started
    time.sleep(0.3)
    blocker.execute("ROLLBACK")
    blocker.close()
    recorder.close()
    assert queued_s < 0.2, f"200 questions took {queued_s * 1000:.0f} ms to record"
    assert len(insight_rows(data_dir)) == 201


def test_a_failed_write_is_logged_once_and_nothing_breaks(read_only_dir: Path, caplog) -> None:
    recorder = Recorder(db_path(read_only_dir))
    with caplog.at_level(logging.DEBUG, logger="egov_qa.insights"):
        for i in range(3):
            recorder.answered("chat", f"question {i}", answer())  # no exception
        recorder.close()
    warnings = [r for r in caplog.records if r.name.startswith("egov_qa.insights") and r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "class insights not written" in warnings[0].getMessage()
    assert not db_path(read_only_dir).exists()


def test_rows_export_as_csv(tmp_path: Path) -> None:
    store = Store(db_path(tmp_path), keep_days=180)
    now = int(time.time())
    store.add(Row(now, "chat", "电子政务有哪些特征？", False, FEATURES.label, FEATURES.source, mode="extractive"))
    store.add(Row(now, "practice", "电子政务有哪些特征？", False, FEATURES.label, FEATURES.source, 0.4))
    store.add(Row(now, "api", '红烧肉, "怎么做"？', True, mode="generative"))
    store.close()
    out = io.StringIO()
    assert write_csv(read_rows(tmp_path, 180), out) == 3
    lines = list(csv.reader(io.StringIO(out.getvalue())))
    assert lines[0] == ["time_utc", *INSIGHTS_COLUMNS[1:]]
    assert lines[1][1:] == ["chat", "电子政务有哪些特征？", "0", FEATURES.label, "notes.txt", "", "extractive"]
    assert lines[2][1:] == ["practice", "电子政务有哪些特征？", "0", FEATURES.label, "notes.txt", "0.4", ""]
    assert lines[3][1:] == ["api", '红烧肉, "怎么做"？', "1", "", "", "", "generative"]
    assert lines[1][0] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))


def test_a_file_of_a_newer_version_is_left_alone(tmp_path: Path, caplog) -> None:
    db = sqlite3.connect(db_path(tmp_path))
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = db_path(tmp_path).read_bytes()
    recorder = Recorder(db_path(tmp_path))
    with caplog.at_level(logging.WARNING, logger="egov_qa.insights"):
        recorder.answered("chat", "电子政务有哪些特征？", answer())
        recorder.close()
    assert ["newer egov-qa" in r.getMessage() for r in caplog.records] == [True]
    assert db_path(tmp_path).read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [
        "insights.sqlite3"
    ]


def test_a_file_of_the_first_version_gains_the_mode_and_keeps_its_rows(tmp_path: Path) -> None:
    """A file written before the mode column (schema 1): opened, it gets the column; its rows stay
    (without a mode), new rows have one."""
    db = sqlite3.connect(db_path(tmp_path))
    db.execute(
        "CREATE TABLE questions (at INTEGER NOT NULL, surface TEXT NOT NULL, question TEXT NOT NULL, "
        "refused INTEGER NOT NULL, label TEXT, source TEXT, coverage REAL)"
    )
    db.execute(
        "INSERT INTO questions VALUES (?, 'chat', '电子政务有哪些特征？', 0, ?, ?, NULL)",
        (int(time.time()), FEATURES.label, FEATURES.source),
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    recorder = Recorder(db_path(tmp_path))
    recorder.answered("api", "红烧肉怎么做？", answer(refused=True))
    recorder.close()
    rows = insight_rows(tmp_path)
    assert [(r["surface"], r["question"], r["mode"]) for r in rows] == [
        ("chat", "电子政务有哪些特征？", None),
        ("api", "红烧肉怎么做？", "extractive"),
    ]
    assert list(rows[0]) == INSIGHTS_COLUMNS
