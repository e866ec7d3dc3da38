"""The app records what its surfaces answer: the chat and the 自测 tab (the page's own event
handlers, called in this process on the real engine), and ``/ask`` and ``/check`` over HTTP on a
real server subprocess (one start, on a copy of the session's e-gov index)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from egov_qa.insights.recorder import Recorder
from egov_qa.insights.store import db_path
from helpers import AppServer, call_api, insight_rows, start_server, stop_server

pytestmark = pytest.mark.slow

FEATURES_Q = "电子政务有哪些特征？"
FEATURES = "第一章 · 9、电子政务的特征"
WRITTEN = "政府信息的公开共享性"


def _handler(demo: Any, name: str) -> Any:
    """The page's event handler called ``name`` (as Gradio runs it)."""
    found = {id(f.fn): f.fn for f in demo.fns.values() if f.name == name}  # one function, maybe several triggers
    assert len(found) == 1, [f.name for f in demo.fns.values()]
    return next(iter(found.values()))


def test_the_chat_and_the_practice_tab_record(egov_engine, tmp_path: Path) -> None:
    from egov_qa.app.ui import build_app

    recorder = Recorder(db_path(tmp_path / "data"))
    demo = build_app(egov_engine, recorder)
    for _ in _handler(demo, "respond")(FEATURES_Q, [], []):  # the answer streams in
        pass
    for _ in _handler(demo, "respond")("红烧肉怎么做？", [], []):
        pass
    point = next(p for p in egov_engine.practice_points if p.label == FEATURES)
    outputs = _handler(demo, "check_answer")(point.label, point.question, WRITTEN, {})
    tally = outputs[3]
    recorder.close()
    rows = [
        (r["surface"], r["question"], r["refused"], r["label"], r["coverage"]) for r in insight_rows(tmp_path / "data")
    ]
    assert rows == [
        ("chat", FEATURES_Q, 0, FEATURES, None),
        ("chat", "红烧肉怎么做？", 1, None, None),
        ("practice", point.question, 0, FEATURES, tally[FEATURES]),
    ]


@pytest.fixture(scope="module")
def recorded_server(egov_index, tmp_path_factory) -> Iterator[tuple[AppServer, Path]]:
    """``egov-qa serve`` on a copy of the e-gov index, its insights in a data folder of its own."""
    root = tmp_path_factory.mktemp("insights_app")
    shutil.copytree(egov_index.corpus_dir, root / "corpus")
    shutil.copytree(egov_index.index_dir, root / "index", ignore=shutil.ignore_patterns("tmp", ".lock"))
    env = {"EGOV_QA_DATA_DIR": str(root / "data"), "EGOV_QA_AUTO_INGEST": "false"}
    server = start_server(root / "corpus", root / "index", root / "server.log", env=env)
    try:
        yield server, root / "data"
    finally:
        stop_server(server)


def _rows_when(data_dir: Path, n: int, timeout: float = 10.0) -> list[dict]:
    """The rows, once ``n`` are written (the server's writer thread is a moment behind the answer)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if db_path(data_dir).exists() and len(rows := insight_rows(data_dir)) >= n:
            return rows
        time.sleep(0.1)
    raise AssertionError(f"fewer than {n} rows after {timeout} s")


def test_ask_and_check_over_http_are_recorded(recorded_server: tuple[AppServer, Path]) -> None:
    server, data_dir = recorded_server
    event, answered = call_api(server.url, "ask", FEATURES_Q, ["电子政务是什么？"])  # the history is not stored
    assert event == "complete" and answered[0]["refused"] is False
    event, refused = call_api(server.url, "ask", "红烧肉怎么做？", [])
    assert event == "complete" and refused[0]["refused"] is True
    event, checked = call_api(server.url, "check", FEATURES_Q, WRITTEN)
    assert event == "complete"
    rows = _rows_when(data_dir, 3)
    assert [(r["surface"], r["question"], r["refused"], r["label"], r["coverage"]) for r in rows] == [
        ("api", FEATURES_Q, 0, answered[0]["citations"][0]["label"], None),
        ("api", "红烧肉怎么做？", 1, None, None),
        ("check", FEATURES_Q, 0, FEATURES, checked[0]["coverage"]),
    ]
    assert all(r["source"] in (None, "电子政务期末考试重点整理.txt") for r in rows)
    assert server.proc.poll() is None
