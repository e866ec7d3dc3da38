"""The chat app's ``/ask`` API, driven with gradio_client against a real server subprocess."""

from __future__ import annotations

import os
import time

import httpx
import pytest
from gradio_client import Client

from helpers import AppServer, start_server, stop_server

pytestmark = pytest.mark.slow

# Process start → first answered /ask with the index already built. The target is ≤ 8 s (about 4 s on
# a 2-core machine); the test reports the figure and fails only past this generous bound, so a busy CI
# machine does not make it flaky.
COLD_START_BOUND_S = float(os.environ.get("EGOV_QA_TEST_COLD_START_BOUND", "30"))


@pytest.fixture(scope="module")
def client(app_server: AppServer) -> Client:
    return Client(app_server.url, verbose=False, download_files=False)


def _labels(answer: dict) -> list[str]:
    return [c["label"] for c in answer["citations"]]


def test_only_ask_and_check_are_public(client: Client) -> None:
    """/ask and /check, and the same within one course; nothing of the page's own events."""
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert list(endpoints) == ["/ask", "/check", "/ask_course", "/check_course"]


def test_in_scope_question_is_cited(client: Client) -> None:
    answer = client.predict("电子政务有哪些特征？", [], api_name="/ask")
    assert answer["refused"] is False
    assert any("电子政务的特征" in label for label in _labels(answer)), _labels(answer)
    assert answer["passages"] and answer["mode"] == "extractive"
    assert set(answer) >= {"answer", "refused", "citations", "passages", "ms", "mode", "quotes"}
    shown = [p["display"] for p in answer["passages"]]  # the passages as the page shows them
    assert answer["quotes"] and all(shown)
    for quote in answer["quotes"]:  # what the UI highlights must be in the passages it shows
        assert any(quote in text for text in shown), quote


def test_off_topic_question_is_refused(client: Client) -> None:
    answer = client.predict("怎么做红烧肉？", [], api_name="/ask")
    assert answer["refused"] is True
    assert answer["citations"] == [] and answer["passages"] == []
    assert answer["suggestions"] and all(isinstance(q, str) and q for q in answer["suggestions"])


# (earlier question, follow-up that names no topic, the point the follow-up is about): on its own the
# follow-up matches another chapter's point with the same heading word (原则, 含义), so only the
# history can pick the right one.
FOLLOW_UPS = [
    ("电子政务规划有哪些主要步骤？", "它要遵循哪些原则？", (3, 11)),
    ("电子政务规划有哪些主要步骤？", "它的含义是什么？", (3, 9)),
]


def _top(answer: dict) -> tuple[int, int] | None:
    return (answer["citations"][0]["chapter"], answer["citations"][0]["point"]) if answer["citations"] else None


@pytest.mark.parametrize(("earlier", "follow_up", "point"), FOLLOW_UPS, ids=["principles", "meaning"])
def test_follow_up_uses_history(client: Client, earlier: str, follow_up: str, point: tuple[int, int]) -> None:
    """With history the answer cites the point the conversation is about; without, it does not."""
    with_history = client.predict(follow_up, [earlier], api_name="/ask")
    alone = client.predict(follow_up, [], api_name="/ask")
    assert with_history["refused"] is False
    assert _top(with_history) == point, _labels(with_history)
    assert alone["refused"] or _top(alone) != point, _labels(alone)
    assert with_history["answer"] != alone["answer"]


def test_bad_input_is_a_refusal_not_an_error(client: Client) -> None:
    assert client.predict("", [], api_name="/ask")["refused"] is True
    assert client.predict("电" * 5000, [], api_name="/ask")["refused"] is True


def test_auth_and_cold_start(app_server: AppServer, app_workdir, tmp_path, capsys, record_property) -> None:
    """A second server on the ready index, with a login: measures cold start, checks auth.

    Cold start = process start → first answered /ask (index already built). The figure is printed in
    the test output (and recorded as the ``cold_start_s`` property for JUnit XML); ``make bench``
    reports the CLI's cold start (median of 3). The target is ≤ 8 s, but wall-clock on a shared machine
    varies, so the test asserts only ``COLD_START_BOUND_S`` (30 s).

    Auth: Gradio answers a wrong password on ``/login`` with 400 "Incorrect credentials." (no session
    cookie), which gradio_client turns into ``ValueError("Could not login to …")``; any API call
    without a session gets 401 "Not authenticated", and the same call with the right login's cookie 200.
    """
    t0 = time.perf_counter()
    server = start_server(
        app_workdir / "corpus",
        app_workdir / "index",
        tmp_path / "auth.log",
        args=["--auth", "lehrer:geheim"],
        timeout=60,
    )
    try:
        authed = Client(server.url, auth=("lehrer", "geheim"), verbose=False, download_files=False)
        answer = authed.predict("电子政务有哪些特征？", [], api_name="/ask")
        cold = time.perf_counter() - t0
        record_property("cold_start_s", round(cold, 2))
        with capsys.disabled():  # shown in the normal test output, not only with -s
            print(f"\ncold start (index ready): page {server.started_s:.1f}s, first /ask {cold:.1f}s (target ≤ 8s)")
        assert answer["refused"] is False
        assert cold <= COLD_START_BOUND_S, f"cold start {cold:.1f}s > {COLD_START_BOUND_S}s"
        with pytest.raises(ValueError, match=f"Could not login to {server.url}"):
            Client(server.url, auth=("lehrer", "falsch"), verbose=False, download_files=False).predict(
                "电子政务有哪些特征？", [], api_name="/ask"
            )
        # The same as plain HTTP requests: no session for a wrong password, 401 for the API without one.
        wrong = httpx.post(f"{server.url}/login", data={"username": "lehrer", "password": "falsch"}, timeout=30)
        assert wrong.status_code == 400 and "Incorrect credentials" in wrong.text, wrong.text
        assert not wrong.cookies
        ask = f"{server.url}/gradio_api/call/ask"
        body = {"data": ["电子政务有哪些特征？", []]}
        anonymous = httpx.post(ask, json=body, timeout=30)
        assert anonymous.status_code == 401 and "Not authenticated" in anonymous.text, anonymous.text
        assert httpx.get(f"{server.url}/config", timeout=30).status_code == 401
        with httpx.Client(timeout=30) as session:  # control: the same request after the right login
            login = session.post(f"{server.url}/login", data={"username": "lehrer", "password": "geheim"})
            assert login.status_code == 200 and login.json() == {"success": True}, login.text
            called = session.post(ask, json=body)
            assert called.status_code == 200 and "event_id" in called.json(), called.text
    finally:
        stop_server(server)


def test_no_notes_exits_2_with_message(tmp_path) -> None:
    """An empty corpus folder: the teacher gets a message, not a traceback, and status 2."""
    (tmp_path / "corpus").mkdir()
    with pytest.raises(RuntimeError) as failed:
        start_server(tmp_path / "corpus", tmp_path / "index", tmp_path / "empty.log", timeout=60)
    assert "server exited with 2" in str(failed.value)
    assert "无法启动" in str(failed.value) and "Traceback" not in str(failed.value)
