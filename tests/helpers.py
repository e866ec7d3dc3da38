"""What the tests share (fixtures are in conftest.py; no test file imports another).

* Where the test data lives: everything a test reads is inside the repository, under tests/data
  (the evaluation set in tests/data/eval, the e-gov notes in tests/data/egov), never a folder
  outside the checkout nor the user's ``corpus/`` folder, so a fresh clone runs ``make test``.
* Point/section-level outline F1 against a gold outline (the schema of notes_mis_outline.json).
* Hand-made units and retrieval results for answer tests (``make_chunk``, ``result``).
* Small made-up notes the outline and question tests both index.
* Starting and stopping a real Chroma server (``chroma run``) for the server backend's tests.
* Starting and stopping the real chat app in a subprocess for the UI tests (the session's
  ``app_server`` fixture in conftest.py uses it), and driving it in Debian's Chromium.
* Reading the class-insights file as it is stored (tests/insights).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from playwright import sync_api

from benchmarks.appserver import AppServer, free_port, start_app, stop_app, stop_process, wait_until_up
from egov_qa.models import Chunk  # pydantic only; the stage packages are imported where used

# --- test data (all inside the repository) -------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
EVAL_DIR = DATA / "eval"  # dev/mis/scope question sets and the MIS notes; README.md has the schema
EGOV_NOTES = DATA / "egov" / "电子政务期末考试重点整理.txt"  # a copy: corpus/ is the user's, it may change
UNSEEN = DATA / "unseen"
HELDOUT = DATA / "heldout"

# --- outline F1 ------------------------------------------------------------------------------------
#
# An item is (chapter, point, section, title). Titles are compared NFKC-folded with all whitespace
# deleted, so punctuation width and stray spaces do not count; everything else must be equal.

Item = tuple[int, int | None, str | None, str]


def fold(title: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", title or ""))


def outline_items(outline_json: dict) -> Counter[Item]:
    """Every point and section of an outline as a multiset (duplicate point numbers stay)."""
    items: Counter[Item] = Counter()
    for chapter in outline_json["chapters"]:
        number = chapter["chapter"]
        for point in chapter.get("points", []):
            if point["point"] is not None:  # a null point only groups sections outside points
                items[(number, point["point"], None, fold(point["title"]))] += 1
            for section in point.get("sections", []):
                items[(number, point["point"], section["section"], fold(section["title"]))] += 1
    return items


def structure(outline_json: dict) -> list[tuple]:
    """The outline with titles left out: chapters, point numbers and section labels in order."""
    return [
        (
            chapter["chapter"],
            tuple((p["point"], tuple(s["section"] for s in p.get("sections", []))) for p in chapter["points"]),
        )
        for chapter in outline_json["chapters"]
    ]


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    missing: list[Item]  # gold items not predicted
    extra: list[Item]  # predicted items not in the gold


def outline_f1(predicted: dict, gold: dict) -> Score:
    pred, want = outline_items(predicted), outline_items(gold)
    hits = sum((pred & want).values())
    precision = hits / max(sum(pred.values()), 1)
    recall = hits / max(sum(want.values()), 1)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return Score(
        precision, recall, f1, sorted((want - pred).elements(), key=str), sorted((pred - want).elements(), key=str)
    )


# --- hand-made units and retrieval results ---------------------------------------------------------


def make_chunk(
    n: int, title: str, body: str, chapter: int = 1, section: str | None = None, source: str = "notes.txt"
) -> Chunk:
    label = f"第一章 · {n}、{title}" + (f" › {section}" if section else "")
    return Chunk(
        id=f"c{n}{section or ''}",
        source=source,
        chapter=chapter,
        chapter_title=None,
        point=n,
        point_title=title,
        section=section,
        section_title=None,
        label=label,
        heading=f"{n}、{title}",
        body=body,
        start=0,
        end=len(body),
    )


FUNCTIONS = make_chunk(10, "电子政务的功能", "1)增强政府监管\n2)整合决策依据\n3)实施信息发布")
FEATURES = make_chunk(9, "电子政务的特征", "1)使用手段先进\n2)信息公开共享")


def result(*chunks: Chunk, relevance: float = 1.0):
    """A ``RetrievalResult`` ranking ``chunks`` in the order given."""
    from egov_qa.models import Hit, RetrievalResult

    hits = [Hit(c, score=1.0 / (i + 1)) for i, c in enumerate(chunks)]
    return RetrievalResult(hits, relevance)


def extractive(
    question: str, ranking, min_relevance: float = 0.01, multi_source: bool = False, overview=None, outline=False
):
    """The extractive answer to ``question`` from a hand-made ranking, with the default answer budget
    (``outline``: the unit was named by its place)."""
    from egov_qa.answer.compose import Composer, Draft
    from egov_qa.config import Settings
    from egov_qa.questions.question import Question

    budget = Settings.model_fields["answer_budget"].default
    return Composer(multi_source, budget, min_relevance).extractive(
        Question.of(question), Draft(ranking, overview=overview, outline=outline)
    )


def searched(engine, question: str, history: list[str]) -> list[tuple[str, float]]:
    """(text, weight) of what the engine searches for ``question`` after ``history``: the follow-up
    rule's queries, else the question's own."""
    return [(q.text, q.weight) for q in engine.prepare(question, history).queries]


# --- small made-up notes ---------------------------------------------------------------------------

JIE_NOTES = (
    "第一章 行政管理概述\n第一节 行政管理的含义\n一、行政的概念\n行政是国家行政机关依法管理国家事务的活动。\n"
    "二、行政管理的特点\n（一）政治性\n（二）社会性\n第二节 行政管理学的研究对象\n"
    "行政管理学以行政管理活动及其规律为研究对象，第一节课就讲过。\n"
    "第二章 行政环境\n第一节 行政环境的含义\n行政环境是影响行政系统的各种因素的总和。\n"
    "第二节 行政环境的特点\n一、复杂性\n二、约束性\n"
)

LECTURE_NOTES = (
    "第一讲 公共政策概述\n一、公共政策的含义\n公共政策是政府的行动方案。\n二、公共政策的功能\n导向、调控。\n"
    "第二讲 公共政策的制定\n一、政策问题的确认\n政策问题是被列入议程的社会问题。\n"
)


# --- the real chat app in a subprocess --------------------------------------------------------------

stop_server = stop_app  # the name the tests use
START_TIMEOUT_S = float(os.environ.get("EGOV_QA_TEST_START_TIMEOUT", "420"))  # first start builds the index


def start_server(
    corpus: Path,
    index: Path,
    log: Path,
    args: Sequence[str] = (),
    timeout: float = START_TIMEOUT_S,
    env: Mapping[str, str] | None = None,
) -> AppServer:
    """``egov-qa serve --port <free> *args`` (``env`` added to its environment); returns once the
    page answers (or fails with its log)."""
    return start_app(corpus, index, log, args=args, env=env, timeout=timeout)


def live_build_dir(index_dir: Path) -> Path:
    """The folder of the live build of an embedded index (``index/builds/<CURRENT>``)."""
    return index_dir / "builds" / (index_dir / "CURRENT").read_text(encoding="utf-8").strip()


def call_api(url: str, api_name: str, *data: Any, timeout: float = 60) -> tuple[str, Any]:
    """One call of a named endpoint over Gradio's plain HTTP queue API, as ``curl`` makes it (README):
    POST ``/gradio_api/call/<api_name>``, then read its event stream. Returns the last event's name
    (``complete`` or ``error``) and its data (``complete``: the outputs; ``error``: what the caller is
    shown, e.g. ``{"error": "…", "title": "…"}``, or null when the server hides the exception)."""
    body = json.dumps({"data": list(data)})  # ASCII with \u escapes: a lone surrogate travels as JSON can carry it
    posted = httpx.post(
        f"{url}/gradio_api/call/{api_name}", content=body, headers={"content-type": "application/json"}, timeout=timeout
    )
    posted.raise_for_status()
    stream = httpx.get(f"{url}/gradio_api/call/{api_name}/{posted.json()['event_id']}", timeout=timeout)
    events = re.findall(r"^event: (\w+)\ndata: (.*)$", stream.text, flags=re.MULTILINE)
    final = [(name, json.loads(payload)) for name, payload in events if name in ("complete", "error")]
    assert final, stream.text
    return final[-1]


# --- the class insights as stored (tests/insights) ------------------------------------------------------

# Everything a row of the insights file may hold: nothing that tells one student from another.
INSIGHTS_COLUMNS = ["at", "surface", "question", "refused", "label", "source", "coverage", "mode"]


def insight_rows(data_dir: Path) -> list[dict[str, Any]]:
    """Every row of ``<data_dir>/insights.sqlite3``, column by column, in the order written."""
    db = sqlite3.connect(data_dir / "insights.sqlite3")
    try:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM questions ORDER BY rowid")]
    finally:
        db.close()


# --- a real Chroma server (``chroma run``, shipped with chromadb) in a subprocess ------------------------

CHROMA = Path(sys.executable).with_name("chroma")  # the venv's console script
CHROMA_START_TIMEOUT_S = 60.0


def _chroma_answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass
class ChromaServer:
    """``chroma run --path <path> --host 127.0.0.1 --port <port>``: ``start()`` returns once its
    heartbeat answers; ``stop()`` and ``start()`` again bring it back on the same port and data."""

    path: Path
    port: int = field(default_factory=free_port)
    host: str = "127.0.0.1"
    proc: subprocess.Popen | None = None

    @property
    def log(self) -> Path:
        return self.path.with_name(self.path.name + ".log")

    def start(self) -> ChromaServer:
        cmd = [str(CHROMA), "run", "--path", str(self.path), "--host", self.host, "--port", str(self.port)]
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        url = f"http://{self.host}:{self.port}/api/v2/heartbeat"
        try:
            wait_until_up(
                self.proc,
                lambda: _chroma_answers(url),
                lambda: self.log.read_text(errors="replace"),
                time.perf_counter() + CHROMA_START_TIMEOUT_S,
                "chroma run",
            )
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)
            self.proc = None

    def env(self, collection: str) -> dict[str, str]:
        """The settings of an app process whose index is ``collection`` on this server."""
        return {
            "EGOV_QA_CHROMA_HOST": self.host,
            "EGOV_QA_CHROMA_PORT": str(self.port),
            "EGOV_QA_COLLECTION_NAME": collection,
        }


# --- the browser tests of the chat page (tests/app): Debian's Chromium driven by Playwright, the two
# screen sizes, and a page object that asks questions and opens an answer's citation the way a student
# does. Needs /usr/bin/chromium (`make test` installs it; Playwright cannot download browsers here).

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 30_000
BOT = "#egov-chat [data-testid='bot']"
USER = "#egov-chat [data-testid='user']"

# The sizes the page is checked at: a phone (iPhone 12–15 CSS pixels) and a laptop.
SIZES: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}


def launch(p: sync_api.Playwright) -> sync_api.Browser:
    if not Path(CHROMIUM).exists():
        raise RuntimeError("Chromium missing: run `apt-get update && apt-get install -y chromium` (or `make test`)")
    return p.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def has_cjk_font() -> bool:
    """Is a font with Chinese glyphs installed (what Chromium needs to render the page legibly)?"""
    if not shutil.which("fc-list"):
        return False
    try:
        found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(found.stdout.strip())


def same_picture(new: Path, old: Path, tolerance: float = 0.0005) -> bool:
    """Does ``new`` look like ``old``? Anti-aliasing noise aside, repeated runs give the same page, so
    a screenshot in docs/ is only rewritten (and the checkout only dirtied) when the page changed."""
    if not old.exists():
        return False
    try:
        from PIL import Image, ImageChops
    except ImportError:
        return False
    with Image.open(new) as a, Image.open(old) as b:
        if a.size != b.size:
            return False
        diff = ImageChops.difference(a.convert("L"), b.convert("L")).point(lambda v: 255 if v > 24 else 0)
        return diff.histogram()[255] <= tolerance * a.size[0] * a.size[1]


class Page:
    """A Playwright page on the chat app plus what it saw: every request URL and every JS dialog."""

    def __init__(self, page: sync_api.Page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda req: self.requests.append(req.url))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: sync_api.Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def load(self, url: str) -> None:
        self.page.goto(url, wait_until="load")
        self.page.locator("#egov-question textarea").wait_for(timeout=WAIT_MS)

    def ask(self, question: str) -> None:
        """Type a question, send it, wait until the streamed answer is complete."""

        def send() -> None:
            self.page.locator("#egov-question textarea").fill(question)
            self.page.locator("#egov-send").click()

        self.answered_after(send)

    def answered_after(self, action) -> None:
        """Do what asks a question, then wait until the streamed answer is complete."""
        before = self.page.locator(BOT).count()
        action()
        # finished = a new bot bubble exists and the send button is enabled again (final answer in)
        self.page.wait_for_function(
            "n => document.querySelectorAll(\"#egov-chat [data-testid='bot']\").length > n", arg=before, timeout=WAIT_MS
        )
        self.page.wait_for_function("() => !document.querySelector('#egov-send').disabled", timeout=WAIT_MS)

    def answer(self, n: int) -> sync_api.Locator:
        """The ``n``-th answer of the chat (0 = the first, -1 = the last)."""
        answers = self.page.locator(BOT)
        return answers.last if n == -1 else answers.nth(n)

    def cited(self, n: int) -> list[str]:
        """The citation labels in the sources panel of answer ``n``."""
        return [t.strip() for t in self.answer(n).locator(".egov-label b").all_text_contents()]

    def open_citation(self, n: int, label_part: str) -> sync_api.Locator:
        """Open answer ``n``'s sources, tap 在目录中查看 of the citation naming ``label_part`` and wait
        for the notes tab to show it; returns the notes view."""
        answer = self.answer(n)
        sources = answer.locator("details.egov-sources")
        if sources.get_attribute("open") is None:
            sources.locator("summary").click()
        answer.locator(".egov-source").filter(has_text=label_part).first.locator("button.egov-open").click()
        node = self.page.locator("#egov-node")
        node.locator(".egov-node-title").filter(has_text=label_part).wait_for(timeout=WAIT_MS)
        # the page script scrolls once the view is drawn: wait until it has settled
        self.page.wait_for_function(
            """() => { const y = window.scrollY; return new Promise(r => requestAnimationFrame(() =>
                 requestAnimationFrame(() => r(window.scrollY === y)))); }""",
            timeout=WAIT_MS,
        )
        self.page.wait_for_timeout(200)
        return node

    def in_viewport(self, locator: sync_api.Locator) -> bool:
        """Is the element's whole box on the screen (no scrolling needed to see it)?"""
        box = locator.bounding_box()
        size = self.page.viewport_size
        assert box is not None and size is not None
        return (
            box["y"] >= 0
            and box["y"] + box["height"] <= size["height"]
            and box["x"] >= 0
            and (box["x"] + box["width"] <= size["width"])
        )

    def starts_on_screen(self, locator: sync_api.Locator) -> bool:
        """Is the first line of the (inline, maybe many-line) element on the screen?"""
        return locator.evaluate(
            "el => { const r = el.getClientRects()[0]; return !!r && r.top >= 0 && r.bottom <= window.innerHeight; }"
        )

    def chat_tab(self) -> None:
        self.page.get_by_role("tab", name="问答").click()
        self.page.locator("#egov-question textarea").wait_for(timeout=WAIT_MS)


def use_index(monkeypatch, settings):
    """Point the CLI (which reads EGOV_QA_* itself) at a built index, which it must never rebuild."""
    monkeypatch.setenv("EGOV_QA_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("EGOV_QA_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("EGOV_QA_AUTO_INGEST", "false")
    return settings
