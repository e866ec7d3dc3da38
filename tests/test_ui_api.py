"""The chat app's ``/ask`` API, driven with gradio_client against a real server subprocess."""

from __future__ import annotations

import time

import pytest
from gradio_client import Client
from server_fixture import AppServer, start_server, stop_server

pytestmark = pytest.mark.slow
pytest.importorskip("egov_qa.engine", reason="the chat app needs egov_qa.engine")

COLD_START_LIMIT_S = 8.0  # process start → first answered /ask, with the index already built


@pytest.fixture(scope="module")
def client(app_server: AppServer) -> Client:
    return Client(app_server.url, verbose=False, download_files=False)


def _labels(answer: dict) -> list[str]:
    return [c["label"] for c in answer["citations"]]


def test_only_ask_is_public(client: Client) -> None:
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert list(endpoints) == ["/ask"]


def test_in_scope_question_is_cited(client: Client) -> None:
    answer = client.predict("电子政务有哪些特征？", [], api_name="/ask")
    assert answer["refused"] is False
    assert any("电子政务的特征" in label for label in _labels(answer)), _labels(answer)
    assert answer["passages"] and answer["mode"] == "extractive"
    assert set(answer) >= {"answer", "refused", "citations", "passages", "ms", "mode", "quotes"}
    chunk_texts = [p["text"] for p in answer["passages"]]
    for quote in answer["quotes"]:  # what the UI highlights must be in the passages it shows
        assert any(quote in text for text in chunk_texts), quote


def test_off_topic_question_is_refused(client: Client) -> None:
    answer = client.predict("怎么做红烧肉？", [], api_name="/ask")
    assert answer["refused"] is True
    assert answer["citations"] == [] and answer["passages"] == []


def test_follow_up_uses_history(client: Client) -> None:
    answer = client.predict("那它跟办公自动化呢？", ["电子政务与电子商务有什么区别"], api_name="/ask")
    assert answer["refused"] is False
    assert any(c["chapter"] == 1 and c["point"] == 4 for c in answer["citations"]), _labels(answer)


def test_bad_input_is_a_refusal_not_an_error(client: Client) -> None:
    assert client.predict("", [], api_name="/ask")["refused"] is True
    assert client.predict("电" * 5000, [], api_name="/ask")["refused"] is True


def test_auth_and_cold_start(app_server: AppServer, app_workdir, tmp_path) -> None:
    """A second server on the ready index, with a login: measures cold start, checks auth."""
    t0 = time.perf_counter()
    server = start_server(app_workdir / "corpus", app_workdir / "index", tmp_path / "auth.log",
                          args=["--auth", "lehrer:geheim"], timeout=60)
    try:
        authed = Client(server.url, auth=("lehrer", "geheim"), verbose=False, download_files=False)
        answer = authed.predict("电子政务有哪些特征？", [], api_name="/ask")
        cold = time.perf_counter() - t0
        print(f"\ncold start (index ready): page {server.started_s:.1f}s, first /ask {cold:.1f}s")
        assert answer["refused"] is False
        assert cold <= COLD_START_LIMIT_S, f"cold start {cold:.1f}s > {COLD_START_LIMIT_S}s"
        with pytest.raises(Exception):  # noqa: B017 — gradio_client raises various errors on 401
            Client(server.url, auth=("lehrer", "falsch"), verbose=False, download_files=False).predict(
                "电子政务有哪些特征？", [], api_name="/ask")
    finally:
        stop_server(server)


def test_no_notes_exits_2_with_message(tmp_path) -> None:
    """An empty corpus folder: the teacher gets a message, not a traceback, and status 2."""
    (tmp_path / "corpus").mkdir()
    with pytest.raises(RuntimeError) as failed:
        start_server(tmp_path / "corpus", tmp_path / "index", tmp_path / "empty.log", timeout=60)
    assert "server exited with 2" in str(failed.value)
    assert "无法启动" in str(failed.value) and "Traceback" not in str(failed.value)
