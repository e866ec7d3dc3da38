"""The teacher page against the real app (``egov-qa serve`` with ``EGOV_QA_TEACHER_PASSWORD``, on a
copy of the real e-gov index), through ``gradio_client`` and in headless Debian Chromium:

* the students' page has no teacher component or endpoint, and without a password there is no
  teacher page at all;
* nothing works before a login; wrong passwords are paused;
* a scripted class asked over ``/ask`` gives the same counts in the tab as ``egov-qa stats --json``,
  its refused question among the gaps;
* the MIS notes uploaded as a teacher: preview (outline, parse report, sample answers), publish (a
  real ``egov-qa ingest`` child; the app swaps the build in), a student's question about them cited
  with the course's name; then removed again, and the course is gone;
* the page in Chromium: login, dashboard with its charts; with ``EGOV_QA_SCREENSHOTS=1`` (and a
  Chinese font) it writes docs/screenshot-teacher.png when the page looks different.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from gradio_client import Client, handle_file
from playwright import sync_api
from typer.testing import CliRunner

from egov_qa.app.cli import app as cli
from egov_qa.teacher.auth import FIRST_PAUSE_S
from helpers import (
    EVAL_DIR,
    REPO,
    SIZES,
    WAIT_MS,
    AppServer,
    Page,
    call_api,
    has_cjk_font,
    same_picture,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.slow

PASSWORD = "粉笔-2026"
MIS = EVAL_DIR / "notes_mis.md"
SCREENSHOT = REPO / "docs" / "screenshot-teacher.png"
# (question, refused?) — two on one point, one on another, a near-duplicate pair the notes cannot answer
CLASS = [
    ("电子政务有哪些特征？", False),
    ("电子政务的特征是什么？", False),
    ("电子政务规划有哪些主要步骤？", False),
    ("红烧肉怎么做？", True),
    ("怎么做红烧肉", True),
]


@dataclass
class Teaching:
    server: AppServer
    data_dir: Path
    corpus: Path


@pytest.fixture(scope="module")
def teaching(egov_index, tmp_path_factory) -> Iterator[Teaching]:
    root = tmp_path_factory.mktemp("teacher")
    shutil.copytree(egov_index.corpus_dir, root / "corpus")
    shutil.copytree(egov_index.index_dir, root / "index", ignore=shutil.ignore_patterns("tmp", ".lock"))
    env = {
        "EGOV_QA_DATA_DIR": str(root / "data"),
        "EGOV_QA_TEACHER_PASSWORD": PASSWORD,
        "EGOV_QA_RELOAD_SECONDS": "0.2",
    }
    server = start_server(root / "corpus", root / "index", root / "server.log", env=env)
    try:
        for _ in range(100):  # the teacher page is mounted moments after the students' page is up
            if httpx.get(f"{server.url}/teacher/", timeout=30).status_code == 200:
                break
            time.sleep(0.1)
        yield Teaching(server, root / "data", root / "corpus")
    finally:
        stop_server(server)


def teacher(teaching: Teaching) -> Client:
    return Client(f"{teaching.server.url}/teacher/", verbose=False)


def logged_in(teaching: Teaching) -> Client:
    client = teacher(teaching)
    said, _ = client.predict(PASSWORD, api_name="/teacher_login")
    assert said == ""
    return client


def test_the_students_page_has_no_teacher_endpoint(teaching: Teaching, app_server: AppServer) -> None:
    config = httpx.get(f"{teaching.server.url}/config", timeout=30).json()
    names = {d.get("api_name") or "" for d in config["dependencies"]}
    assert "ask" in names and not any("teacher" in n for n in names)
    labels = {str(c.get("props", {}).get("label")) for c in config["components"]}
    assert not any("教师" in label or "上传" in label for label in labels)
    # the teacher page exists only with a password: the session's plain app server has none
    assert httpx.get(f"{app_server.url}/teacher/", timeout=30).status_code == 404
    assert httpx.get(f"{teaching.server.url}/teacher/", timeout=30).status_code == 200


def test_nothing_works_before_a_login_and_wrong_passwords_are_paused(teaching: Teaching) -> None:
    client = teacher(teaching)
    summary, *_ = client.predict("全部", api_name="/teacher_dashboard")
    assert "请先登录" in summary
    staged, preview = client.predict(handle_file(MIS), api_name="/teacher_preview")
    assert staged == "" and "请先登录" in preview
    said = [client.predict("wrong", api_name="/teacher_login")[0] for _ in range(5)]
    assert said[:4] == ["密码不对"] * 4 and "秒后再试" in said[4]
    assert "秒后再试" in client.predict(PASSWORD, api_name="/teacher_login")[0]  # not read while paused
    assert not (teaching.data_dir / "uploads").exists()
    time.sleep(FIRST_PAUSE_S * 2 + 0.2)  # the second pause (2 s, then 4 s) is over: the password works
    logged_in(teaching)


def test_the_tab_counts_a_scripted_class_as_stats_does(teaching: Teaching, monkeypatch) -> None:
    for question, refused in CLASS:
        event, answer = call_api(teaching.server.url, "ask", question, [])
        assert event == "complete" and answer[0]["refused"] is refused
    event, checked = call_api(teaching.server.url, "check", CLASS[0][0], "政府信息公开共享。")
    assert event == "complete" and 0 < checked[0]["coverage"] < 1
    monkeypatch.setenv("EGOV_QA_DATA_DIR", str(teaching.data_dir))
    client = logged_in(teaching)
    for _ in range(50):  # the server's writer is a moment behind the answers
        stats = json.loads(CliRunner().invoke(cli, ["stats", "--json"]).stdout)
        if stats["questions"] > len(CLASS):
            break
        time.sleep(0.1)
    assert (stats["questions"], stats["refused"]) == (6, 2)
    assert [g["question"] for g in stats["gaps"]] == ["红烧肉怎么做？"] and stats["gaps"][0]["count"] == 2

    summary, days, points, gaps, checks, exported = client.predict("全部", api_name="/teacher_dashboard")
    assert "**6** 个提问" in summary and "未能回答 **2** 个" in summary and "**1** 份是自测批改" in summary
    assert [row[1:] for row in days["data"]] == [[d["questions"], d["refused"]] for d in stats["days"]]
    assert [tuple(row) for row in points["data"]] == [(p["label"], p["count"]) for p in stats["points"]]
    assert [row[:2] for row in gaps["data"]] == [["红烧肉怎么做？", 2]]
    assert [tuple(row) for row in checks["data"]] == [
        (c["label"], c["answers"], round(c["mean_coverage"], 2)) for c in stats["checks"]
    ] and len(checks["data"]) == 1
    lines = Path(exported).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 7 and lines[0].startswith("time_utc,") and "红烧肉怎么做？" in lines[4]


def test_upload_preview_publish_ask_and_remove_a_course(teaching: Teaching) -> None:
    client = logged_in(teaching)
    staged, preview = client.predict(handle_file(MIS), api_name="/teacher_preview")
    assert staged == MIS.name
    assert "第一章 管理信息系统概述" in preview and "5、管理信息系统的结构" in preview  # the outline tree
    assert "解析报告" in preview and "第N章" in preview and "编号" in preview  # the parse report
    assert preview.count("**问：") == 3 and "出处：第" in preview  # sample answers from the new notes alone
    mis_question = "管理信息系统的结构包括哪些？"
    event, before = call_api(teaching.server.url, "ask", mis_question, [])
    assert event == "complete" and not any("notes_mis" in c["label"] for c in before[0]["citations"])

    done, files, _chosen, staged_after = client.predict(staged, api_name="/teacher_publish")
    assert "已发布" in done and "已经用到新的笔记" in done, done
    assert sorted(row[0] for row in files["data"]) == sorted([MIS.name, "电子政务期末考试重点整理.txt"])
    assert staged_after == "" and (teaching.corpus / MIS.name).read_bytes() == MIS.read_bytes()
    event, after = call_api(teaching.server.url, "ask", mis_question, [])
    assert event == "complete" and not after[0]["refused"]
    assert after[0]["citations"][0]["label"].startswith("《notes_mis》")
    event, egov = call_api(teaching.server.url, "ask", "电子政务有哪些特征？", [])
    assert egov[0]["citations"][0]["label"].startswith("《电子政务期末考试重点整理》")

    done, files, _chosen = client.predict(MIS.name, api_name="/teacher_remove")
    assert "已删除" in done and [row[0] for row in files["data"]] == ["电子政务期末考试重点整理.txt"]
    assert [p.name.endswith(MIS.name) for p in (teaching.data_dir / "removed").iterdir()] == [True]
    event, gone = call_api(teaching.server.url, "ask", mis_question, [])
    assert not any("notes_mis" in c["label"] for c in gone[0]["citations"])
    assert teaching.server.proc.poll() is None


# --- in the browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(browser: sync_api.Browser, teaching: Teaching) -> Iterator[tuple[sync_api.Page, list[str]]]:
    context = browser.new_context(locale="zh-CN", **SIZES["desktop"])
    opened = context.new_page()
    requests: list[str] = []
    opened.on("request", lambda req: requests.append(req.url))
    yield opened, requests
    context.close()


def test_the_students_page_shows_no_teacher_tab(page: tuple[sync_api.Page, list[str]], teaching: Teaching) -> None:
    shown, _ = page
    shown.goto(teaching.server.url, wait_until="load")
    shown.locator("#egov-question textarea").wait_for(timeout=WAIT_MS)
    assert shown.get_by_role("tab", name="问答").count() == 1
    assert shown.get_by_role("tab", name="教师").count() == 0 and "教师" not in shown.inner_text("body")
    assert shown.locator("input[type=password]").count() == 0


def test_the_dashboard_in_the_browser(page: tuple[sync_api.Page, list[str]], teaching: Teaching, tmp_path) -> None:
    shown, requests = page
    shown.goto(f"{teaching.server.url}/teacher/", wait_until="load")
    shown.locator("#egov-teacher-password input").fill(PASSWORD)
    shown.locator("#egov-teacher-login").click()
    summary = shown.locator("#egov-teacher-summary")
    summary.filter(has_text="个提问").wait_for(timeout=WAIT_MS)
    assert shown.locator("#egov-teacher-password").is_hidden()
    shown.locator("#egov-teacher-gaps").filter(has_text="红烧肉怎么做？").wait_for(timeout=WAIT_MS)
    charts = shown.locator(".vega-embed")
    charts.nth(1).wait_for(timeout=WAIT_MS)
    assert charts.count() == 2
    assert {urlsplit(u).netloc for u in requests if u.startswith("http")} == {urlsplit(teaching.server.url).netloc}
    if os.environ.get("EGOV_QA_SCREENSHOTS") != "1":
        return
    shown.wait_for_timeout(500)
    shot = tmp_path / SCREENSHOT.name
    shown.screenshot(path=str(shot), full_page=True, animations="disabled", caret="hide")
    if not has_cjk_font():
        warnings.warn(f"no Chinese font installed: {SCREENSHOT} not updated ({shot})", stacklevel=1)
    elif not same_picture(shot, SCREENSHOT):
        shutil.copyfile(shot, SCREENSHOT)


def test_publish_in_the_browser_then_a_student_chooses_the_course(
    page: tuple[sync_api.Page, list[str]], browser: sync_api.Browser, teaching: Teaching
) -> None:
    """The teacher uploads the MIS notes in the page, reads the preview, presses 发布; a student's
    page then offers the course, cites it and keeps the choice across a reload (runs after the
    removal above: the notes are new again)."""
    shown, _ = page
    shown.get_by_role("tab", name="笔记管理").click()
    shown.locator("#egov-teacher-upload input[type=file]").set_input_files(str(MIS))
    preview = shown.locator("#egov-teacher-preview")
    preview.filter(has_text="解析报告").wait_for(timeout=120_000)
    assert "第一章 管理信息系统概述" in preview.inner_text() and "用这份笔记试答" in preview.inner_text()
    shown.locator("#egov-teacher-publish").click()
    shown.locator("#egov-teacher-done").filter(has_text="已经用到新的笔记").wait_for(timeout=240_000)

    context = browser.new_context(locale="zh-CN", **SIZES["phone"])
    student = Page(context.new_page())
    try:
        student.load(teaching.server.url)
        student.page.locator("#egov-course input").click()
        student.page.locator("#egov-course ul.option-list li").filter(has_text="notes_mis").click()
        student.ask("诺兰阶段模型是什么？")
        assert student.cited(-1)[0].startswith("《notes_mis》")
        student.page.wait_for_timeout(300)  # local storage is written after the redraw
        student.page.reload(wait_until="load")  # the course chosen is kept by the browser
        kept = student.page.locator("#egov-course input")
        student.page.wait_for_function(
            "() => document.querySelector('#egov-course input')?.value === 'notes_mis'", timeout=WAIT_MS
        )
        assert kept.input_value() == "notes_mis"
    finally:
        context.close()
