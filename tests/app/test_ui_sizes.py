"""The chat page at phone size (390×844) and laptop size (1280×900), in headless Debian Chromium:
the page scrolls (no scroll box around the chat) with the question box in reach, an earlier answer's
在目录中查看 shows its passage on the screen, tap targets are 44 px, outline entries wrap, the
conversation survives a reload and exports as Markdown with its citation labels. Also takes the
README's screenshots (docs/screenshot.png, docs/screenshot-phone.png).

The screenshots are rewritten only when a Chinese font is installed (``fonts-wqy-microhei``) and the
page looks different; without the font the tests still pass and the pictures go to a temp dir.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright import sync_api

from helpers import BOT, REPO, SIZES, USER, WAIT_MS, AppServer, Page, has_cjk_font, same_picture

pytestmark = pytest.mark.slow

FEATURES, STEPS, MEANING = "电子政务有哪些特征？", "电子政务规划有哪些主要步骤？", "它的含义是什么？"
# Quoted from the second part of a long section: its first highlighted line is far down the notes view.
SUPERVISION = "什么是电子政务监理？"
CONVERSATION = (FEATURES, SUPERVISION, STEPS, MEANING)  # the last a follow-up of the one before
SCREENSHOTS = {"desktop": REPO / "docs" / "screenshot.png", "phone": REPO / "docs" / "screenshot-phone.png"}
MIN_TAP = 44  # px, WCAG 2.5.5

# Every ancestor of the chat's messages that scrolls or clips them: [tag, id/class, overflow-y].
NESTED_SCROLL_JS = """() => {
  const found = [];
  for (const message of document.querySelectorAll("#egov-chat [data-testid='bot'], #egov-chat [data-testid='user']")) {
    for (let el = message.parentElement; el && el !== document.body; el = el.parentElement) {
      const overflow = getComputedStyle(el).overflowY;
      const scrolls = overflow === "auto" || overflow === "scroll";
      const clips = overflow !== "visible" && el.scrollHeight > el.clientHeight + 1;
      if (scrolls || clips) found.push([el.tagName, el.id || String(el.className).slice(0, 40), overflow]);
    }
  }
  return found;
}"""

# Visible things to tap that are smaller than 44 × 44 px: [tag, text, width, height].
SMALL_TARGETS_JS = """(min) => [...document.querySelectorAll(
    "button, summary, [role=tab], a[href], #egov-tree label, textarea, input:not([type=radio])")]
  .filter((el) => el.offsetParent !== null && !el.closest(".hidden"))
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([, r]) => r.width > 0 && r.height > 0 && (r.width < min || r.height < min))
  .map(([el, r]) => [el.tagName, (el.innerText || el.getAttribute("aria-label") || "").slice(0, 20),
                     Math.round(r.width), Math.round(r.height)])"""

# Each outline entry: [text, lines it takes, whether its text runs past the edge of the tree's list].
TREE_ENTRIES_JS = """() => [...document.querySelectorAll("#egov-tree label")].map((label) => {
  const list = label.parentElement.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(label.querySelector("span") || label);
  const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  const text = range.getBoundingClientRect();
  return [label.innerText.trim(), lines, text.right > list.right + 1 || text.left < list.left - 1];
})"""


def _open(browser: sync_api.Browser, size: str, url: str) -> tuple[sync_api.BrowserContext, Page]:
    context = browser.new_context(locale="zh-CN", accept_downloads=True, **SIZES[size])
    page = Page(context.new_page())
    page.load(url)
    return context, page


@pytest.fixture(scope="module")
def chat(browser: sync_api.Browser, size: str, app_server: AppServer) -> Iterator[Page]:
    """``CONVERSATION`` asked at this size, in a browser of its own."""
    context, ui = _open(browser, size, app_server.url)
    for question in CONVERSATION:
        ui.ask(question)
    yield ui
    context.close()


def test_chat_uses_the_page_scroll(chat: Page) -> None:
    """No box scrolls (or clips) inside the page around the chat: the page itself scrolls, and the
    question box is on the screen wherever the reader is in the conversation."""
    page = chat.page
    assert page.evaluate(NESTED_SCROLL_JS) == []
    assert page.evaluate("document.documentElement.scrollHeight") > page.viewport_size["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]  # nor sideways
    for where in ("() => window.scrollTo(0, 0)", f"() => document.querySelector({USER!r}).scrollIntoView()"):
        page.evaluate(where)
        assert chat.in_viewport(page.locator("#egov-question textarea")), where
        assert chat.in_viewport(page.locator("#egov-send")), where


@pytest.mark.parametrize(
    ("answer", "label"), [(0, "电子政务的特征"), (1, "监理三结合原则"), (2, "电子政务规划的主要步骤")]
)
def test_earlier_answer_opens_its_passage_on_screen(chat: Page, answer: int, label: str) -> None:
    """在目录中查看 in an earlier answer (not the last one) switches to the notes tab with the cited
    passage on the screen: its title and highlighted lines when they fit on the screen together,
    else its first highlighted line (SUPERVISION's is far down a long section). The highlights are
    that answer's quotes."""
    page = chat.page
    assert label in " ".join(chat.cited(answer))
    # the answer's text without line breaks: next quotes in the notes are one highlight there
    answer_text = "".join(chat.answer(answer).locator(".message-content").inner_text().split())
    node = chat.open_citation(answer, label)
    assert page.get_by_role("tab", name="笔记目录").get_attribute("aria-selected") == "true"
    marks = node.locator("mark")
    assert marks.count() > 0
    title, first = node.locator(".egov-node-title"), marks.first
    assert chat.starts_on_screen(first), first.bounding_box()
    title_box, first_box = title.bounding_box(), first.bounding_box()
    assert title_box and first_box
    if first_box["y"] + first_box["height"] - title_box["y"] <= page.viewport_size["height"] - 16:
        assert chat.in_viewport(title) and chat.in_viewport(first), (title_box, first_box)
    assert all("".join(m.split()) in answer_text for m in marks.all_inner_texts())  # this answer's quotes
    entry = page.locator("#egov-tree label:has(input:checked)")  # and its entry in sight in the list
    assert label in entry.inner_text()
    box, tree = entry.bounding_box(), page.locator("#egov-tree .wrap:has(> label)").bounding_box()
    assert box and tree and tree["y"] <= box["y"] and box["y"] + box["height"] <= tree["y"] + tree["height"]
    chat.chat_tab()


def test_tap_targets_are_44px(chat: Page) -> None:
    page = chat.page
    page.locator(f"{BOT} details.egov-sources:not([open]) summary").first.click()  # its buttons count too
    assert page.evaluate(SMALL_TARGETS_JS, MIN_TAP) == []
    page.get_by_role("tab", name="笔记目录").click()
    page.locator("#egov-tree label").first.wait_for(timeout=WAIT_MS)
    assert page.evaluate(SMALL_TARGETS_JS, MIN_TAP) == []
    chat.chat_tab()


def test_outline_entries_wrap(chat: Page, size: str) -> None:
    """No outline entry is cut off; at phone width the long ones take two lines."""
    page = chat.page
    page.get_by_role("tab", name="笔记目录").click()
    page.locator("#egov-tree label").first.wait_for(timeout=WAIT_MS)
    entries = page.evaluate(TREE_ENTRIES_JS)
    assert len(entries) > 50
    assert [text for text, _, cut in entries if cut] == []
    if size == "phone":
        assert any(lines >= 2 for _, lines, _ in entries), entries
    chat.chat_tab()


def test_reload_restores_the_conversation(chat: Page, app_server: AppServer) -> None:
    """After a reload the chat shows the same questions and answers, their 在目录中查看 work, and
    the engine still has the history: a follow-up naming no topic goes on from the last question."""
    page = chat.page
    # text content: the sources panels' passages count too, whether a panel is open or not
    before = (page.locator(USER).all_text_contents(), page.locator(BOT).all_text_contents())
    page.reload(wait_until="load")
    page.wait_for_function(f"() => document.querySelectorAll({BOT!r}).length === {len(CONVERSATION)}", timeout=WAIT_MS)
    assert (page.locator(USER).all_text_contents(), page.locator(BOT).all_text_contents()) == before
    node = chat.open_citation(0, "电子政务的特征")
    assert node.locator("mark").count() > 0 and chat.starts_on_screen(node.locator("mark").first)
    chat.chat_tab()
    chat.ask("它的目标是什么？")  # asked first, it is refused: 它 is nothing without the conversation
    assert any("电子政务规划" in label for label in chat.cited(-1)), chat.cited(-1)


def test_export_has_the_citation_labels(chat: Page) -> None:
    page = chat.page
    questions = page.locator(USER).all_inner_texts()
    labels = [label for n in range(len(questions)) for label in chat.cited(n)]
    assert len(questions) == len(CONVERSATION) + 1 and len(labels) >= len(questions)  # + the reload test's
    with page.expect_download(timeout=WAIT_MS) as download:
        page.locator("#egov-export").click()
    assert download.value.suggested_filename.endswith(".md")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert all(q.strip() in text for q in questions), text
    assert all(label in text for label in labels), (labels, text)
    assert text.count("来源：") == len(questions)


def test_new_chat_forgets_the_kept_conversation(chat: Page) -> None:
    page = chat.page
    page.locator("#egov-clear").click()
    page.wait_for_function(f"() => document.querySelectorAll({BOT!r}).length === 0", timeout=WAIT_MS)
    page.wait_for_timeout(300)  # local storage is written after the chat is redrawn
    page.reload(wait_until="load")
    page.locator("#egov-question textarea").wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(1000)  # bounded: give a kept chat its chance to come back
    assert page.locator(f"{BOT}, {USER}").count() == 0


def test_screenshot(browser: sync_api.Browser, size: str, app_server: AppServer, tmp_path) -> None:
    """The README's picture at this size: a cited answer with its sources open, quotes highlighted."""
    context, ui = _open(browser, size, app_server.url)
    try:
        page = ui.page
        ui.ask(FEATURES)
        ui.answer(-1).locator("details.egov-sources summary").click()
        page.wait_for_timeout(300)
        # the laptop shows the whole page from its top; the phone the answer, from its question down
        top = "window.scrollTo(0, 0)" if size == "desktop" else f"document.querySelector({USER!r}).scrollIntoView()"
        page.evaluate(f"() => {top}")
        page.mouse.move(0, 0)  # no hover state
        shot = tmp_path / SCREENSHOTS[size].name
        page.screenshot(path=str(shot), animations="disabled", caret="hide")
    finally:
        context.close()
    assert shot.stat().st_size > 10_000
    target = SCREENSHOTS[size]
    if not has_cjk_font():
        warnings.warn(f"no Chinese font installed: {target} not updated, screenshot written to {shot}", stacklevel=1)
    elif not same_picture(shot, target):
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, target)
