"""The chat app's ``/check`` API (check my answer), driven with gradio_client against the real server
subprocess on the real index of the test notes."""

from __future__ import annotations

import pytest
from gradio_client import Client

from helpers import AppServer

pytestmark = pytest.mark.slow

FEATURES = "电子政务有哪些特征？"
FIVE = [
    "使用手段和技术先进实用性",
    "政府信息的公开共享性",
    "政府与公众之间沟通的互动性",
    "政府提供服务的创新性",
    "政府内外管理的开放性",
]


@pytest.fixture(scope="module")
def client(app_server: AppServer) -> Client:
    return Client(app_server.url, verbose=False, download_files=False)


def _check(client: Client, question: str, answer: str) -> dict:
    result = client.predict(question, answer, api_name="/check")
    assert isinstance(result, dict), result
    return result


def test_check_is_a_named_endpoint(client: Client) -> None:
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert "/check" in endpoints and "/ask" in endpoints
    assert [p["parameter_name"] for p in endpoints["/check"]["parameters"]] == ["question", "answer"]


def test_complete_answer_covers_the_point(client: Client) -> None:
    answer = "电子政务的特征：" + "；".join(FIVE) + "。"
    result = _check(client, FEATURES, answer)
    assert result["refused"] is False and result["note"] is None
    assert "电子政务的特征" in result["citation"]["label"], result["citation"]
    assert [item["text"] for item in result["items"]] == FIVE
    assert result["coverage"] >= 0.8, result["items"]
    assert "电子政务的特征" in result["message"] and "%" in result["message"]
    for item in result["items"]:  # each item is in the notes' lines, a covered one with the student's clause
        assert any(item["text"] in line for line in result["rubric"]), (item, result["rubric"])
        if item["status"] == "covered":
            assert item["match"] and item["match"] in answer


def test_half_an_answer_is_not_full_marks(client: Client) -> None:
    """Two of the five written word for word: those two covered with the student's clause, the
    coverage well below a complete answer's."""
    result = _check(client, FEATURES, f"{FIVE[1]}，{FIVE[2]}。")
    status = {item["text"]: item for item in result["items"]}
    assert status[FIVE[1]]["status"] == "covered" and status[FIVE[1]]["match"] == FIVE[1]
    assert status[FIVE[2]]["status"] == "covered" and status[FIVE[2]]["match"] == FIVE[2]
    assert 0.3 <= result["coverage"] <= 0.7, result["items"]
    assert any(item["status"] == "missing" for item in result["items"])


def test_empty_answer_checks_nothing(client: Client) -> None:
    result = _check(client, FEATURES, "")
    assert result["coverage"] == 0 and result["refused"] is False
    assert result["note"] and result["message"]
    assert result["items"] and all(item["status"] == "missing" for item in result["items"])
    assert result["rubric"]  # the notes' lines are shown to compare with


def test_out_of_scope_question_is_refused(client: Client) -> None:
    result = _check(client, "今天食堂吃什么？", "米饭和青菜。")
    assert result["refused"] is True
    assert result["items"] == [] and result["citation"] is None and result["coverage"] == 0
    assert result["message"]


def test_bad_input_is_an_answer_not_an_error(client: Client) -> None:
    assert _check(client, "", "政府信息公开")["refused"] is True  # no question
    too_long = _check(client, FEATURES, "电" * 5000)
    assert too_long["items"] == [] and too_long["coverage"] == 0 and too_long["message"]
