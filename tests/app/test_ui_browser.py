"""The chat page in headless Debian Chromium (Playwright), at laptop size: streamed cited answer,
sources panel with highlights, HTML shown as text, citation → notes tree, 新对话, no API link for
students and no request leaving the server. test_ui_sizes.py checks the layout at phone and laptop
size (scrolling, tap targets, a kept and exported conversation) and takes the README's screenshots.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright import sync_api

from helpers import BOT, SIZES, USER, WAIT_MS, AppServer, Page

pytestmark = pytest.mark.slow

XSS = "<img src=x onerror=alert(1)> **粗体** [链接](http://example.com)"


@pytest.fixture(scope="module")
def ui(browser: sync_api.Browser, app_server: AppServer) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", **SIZES["desktop"])
    page = Page(context.new_page())
    page.load(app_server.url)
    yield page
    context.close()


def test_answer_with_sources_and_highlight(ui: Page) -> None:
    page = ui.page
    ui.ask("电子政务有哪些特征？")
    answer = page.locator(BOT).last
    assert "电子政务的特征" in answer.inner_text()  # the answer ends with its citation label
    sources = answer.locator("details.egov-sources")
    sources.locator("summary").click()
    assert sources.get_attribute("open") is not None
    assert any("电子政务的特征" in t for t in sources.locator(".egov-label").all_inner_texts())
    marks = sources.locator("mark")
    assert marks.count() > 0 and marks.first.is_visible()
    assert all(m.strip() for m in marks.all_inner_texts())


def test_citation_opens_notes_tree(ui: Page) -> None:
    """The answer's own 在目录中查看 opens its passage in the notes tab, quotes highlighted there too."""
    page = ui.page
    node = ui.open_citation(-1, "电子政务的特征")
    assert page.get_by_role("tab", name="笔记目录").get_attribute("aria-selected") == "true"
    assert node.locator("mark").count() > 0  # the quoted sentences stay highlighted there
    checked = page.locator("#egov-tree label:has(input:checked)")
    assert checked.count() == 1 and "电子政务的特征" in checked.inner_text()
    ui.chat_tab()


def test_notes_tree_shows_a_node(ui: Page) -> None:
    page = ui.page
    page.get_by_role("tab", name="笔记目录").click()
    page.locator("#egov-tree label").filter(has_text="电子政务与办公自动化").first.click()
    page.locator("#egov-node .egov-node-title").filter(has_text="4、电子政务与办公自动化").wait_for(timeout=WAIT_MS)
    assert "应用的主体范围不同" in page.locator("#egov-node").inner_text()
    ui.chat_tab()


def test_refusal_has_no_sources_and_offers_questions(ui: Page) -> None:
    page = ui.page
    ui.ask("怎么做红烧肉？")
    answer = page.locator(BOT).last
    assert answer.locator("details.egov-sources").count() == 0
    offered = page.locator("#egov-chat button.option")
    assert offered.count() == 3
    first = offered.first.inner_text()
    assert first in answer.inner_text()  # listed in the message too, which stays when the buttons go
    ui.answered_after(offered.first.click)
    assert page.locator(USER).last.inner_text().strip() == first
    assert page.locator(BOT).last.locator("details.egov-sources").count() == 1  # answered, with sources
    assert page.locator("#egov-chat button.option").count() == 0


def test_html_in_question_is_shown_not_run(ui: Page) -> None:
    page = ui.page
    ui.ask(XSS)
    user = page.locator(USER).last
    assert XSS in user.inner_text()  # the literal text, markdown not rendered either
    assert page.locator("#egov-chat img[src='x']").count() == 0
    assert page.locator("#egov-chat a[href='http://example.com']").count() == 0
    page.wait_for_timeout(500)  # bounded: give a would-be onerror handler its chance
    assert ui.dialogs == []


PLANNING_STEPS, FOLLOW_UP, MEANING = "电子政务规划有哪些主要步骤？", "它的含义是什么？", "电子政务规划的含义"


def test_new_chat_clears(ui: Page) -> None:
    """ "新对话" empties the chat and forgets the conversation: a follow-up naming no topic is about
    电子政务规划 (3.9) after that question, and not once the chat was cleared
    (tests/app/test_ui_api.py checks the same follow-up through the API)."""
    page = ui.page
    bubbles = f"{BOT}, {USER}"
    ui.ask(PLANNING_STEPS)
    ui.ask(FOLLOW_UP)
    assert any(MEANING in label for label in ui.cited(-1))  # control: with the history it cites 3.9 …
    assert page.locator(bubbles).count() >= 4
    page.locator("#egov-question textarea").fill("还没发送的问题")
    page.locator("#egov-clear").click()
    page.wait_for_function(f"() => document.querySelectorAll({bubbles!r}).length === 0", timeout=WAIT_MS)
    assert page.locator(bubbles).count() == 0
    assert "在下面输入问题" in page.locator("#egov-chat").inner_text()  # the empty chat's placeholder
    assert page.locator("#egov-question textarea").input_value() == ""
    assert page.locator("#egov-send").is_enabled()
    ui.ask(FOLLOW_UP)  # … and in the new chat it has no history to lean on
    assert page.locator(USER).count() == 1
    assert page.locator(BOT).count() == 1
    assert not any(MEANING in label for label in ui.cited(-1)), ui.cited(-1)


def test_no_api_link_for_students(ui: Page) -> None:
    """The footer's "通过 API 使用" (Gradio's API page) is not shown; /ask itself stays
    (test_ui_api.py calls it)."""
    page = ui.page
    assert page.locator("footer").count() == 0 or not page.locator("footer").is_visible()
    assert page.get_by_text("通过 API 使用").count() == 0  # Gradio's zh-CN words for the link
    assert page.locator("button.show-api, a[href*='view=api']").count() == 0


def test_every_request_stays_on_the_server(ui: Page, app_server: AppServer) -> None:
    assert ui.requests, "no requests recorded"
    hosts = {urlsplit(u).netloc for u in ui.requests if not u.startswith(("data:", "blob:"))}
    print(f"\nrequest hosts: {sorted(hosts)} ({len(ui.requests)} requests)")
    assert hosts == {f"{app_server.host}:{app_server.port}"}
