"""The 自测 tab: check my answer against the notes.

The student picks a practice point (or 随机出题, which prefers points not practised yet), or types
any exam question, writes an answer and presses 检查答案: the check's message, the coverage, a
checklist of the notes' key items (✓ written, ◐ partly, ✗ missing, with the student's clause that
covers each) and the notes' lines with the items marked; 在目录中查看 opens the 笔记目录 tab at the
unit. The tally of what was practised (point → latest coverage) lives in the browser
(``gr.BrowserState``), like the chat; nothing of it is stored on the server.

``build_app`` (ui.py) calls ``practice_tab`` inside its ``gr.Tabs()``, after the notes tab.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import gradio as gr

from egov_qa.app import page
from egov_qa.app.check_render import error_html, result_html, tally_html
from egov_qa.check.practice import PracticePoint, pick, review_next
from egov_qa.config import Settings
from egov_qa.insights.recorder import Recorder
from egov_qa.models import CheckResult, Citation

if TYPE_CHECKING:
    from egov_qa.check.checker import Checker

log = logging.getLogger(__name__)

PRACTICE_TAB = "practice"
STORAGE_KEY = "egov-qa-practice"  # the browser's local-storage entry of the tally
REVIEW_BUTTONS = 3  # as many as review_next suggests
INTRO = (
    "选一个要点或点“随机出题”（也可以自己输入一道题），写下你的答案，点“检查答案”和笔记对照："
    "✓ 写到了，◐ 写到一部分，✗ 没写到。练习记录只保存在这个浏览器里。"
)
NO_POINTS = "这份笔记里没有可以出题的要点，请自己输入题目。"


class PracticeEngine(Protocol):
    """What the tab needs from ``egov_qa.engine.Engine``."""

    settings: Settings

    @property
    def checker(self) -> Checker: ...
    @property
    def practice_points(self) -> list[PracticePoint]: ...


# The notes tab's (tree value, view HTML) at a citation with ``quotes`` highlighted; None: no place.
NotesAt = Callable[[Citation, Sequence[str]], tuple[str, str] | None]


@dataclass(frozen=True)
class NotesLink:
    """How 在目录中查看 opens the 笔记目录 tab at a unit: its components and ui.py's view of a place."""

    tabs: gr.Tabs
    tab_id: str
    tree: gr.Radio
    view: gr.HTML
    at: NotesAt


def load_tally(stored: Any) -> dict[str, float]:
    """The browser's kept tally (label → coverage 0…1); anything malformed is dropped."""
    if not isinstance(stored, dict):
        return {}
    return {
        str(label): min(max(float(value), 0.0), 1.0)
        for label, value in stored.items()
        if isinstance(label, str) and isinstance(value, int | float) and not isinstance(value, bool)
    }


def _by_label(points: list[PracticePoint]) -> dict[str, PracticePoint]:
    return {p.label: p for p in points}


def practice_tab(
    current: Callable[[], PracticeEngine],
    notes: NotesLink,
    *,
    demo: gr.Blocks,
    concurrency_id: str,
    secret: str,
    recorder: Recorder | None = None,
) -> None:
    """The 自测 tab and its events (call inside ``gr.Tabs()``; ``demo``: the page, for its load event).
    ``current`` gives the engine serving now: each event asks it once. Checked answers go to
    ``recorder`` (the class insights; none: off)."""
    recording = recorder or Recorder.off()
    rng = random.Random()

    # --- event handlers (each takes the engine serving now once, and its points) -----------
    def tally_views(points: list[PracticePoint], tally: dict[str, float]) -> tuple[Any, ...]:
        """The tally line and the 建议复习 buttons (one per suggested point)."""
        review = review_next(points, tally, REVIEW_BUTTONS)
        buttons = [
            gr.Button(value=review[n], visible=True) if n < len(review) else gr.Button(visible=False)
            for n in range(REVIEW_BUTTONS)
        ]
        return (tally_html(tally, review), *buttons)

    def show_point(points: list[PracticePoint], point: PracticePoint | None) -> tuple[Any, ...]:
        """A new question: the point chosen, its question, the answer and the result cleared."""
        if point is None:
            return None, "", "", "" if points else error_html(NO_POINTS), gr.Button(visible=False), None
        return point.label, point.question, "", "", gr.Button(visible=False), None

    def choose(label: str | None, question: str | None) -> tuple[Any, ...]:
        """A point chosen (a 建议复习 button): a new question, unless it is the one being answered
        (then the answer stays)."""
        points = current().practice_points
        point = _by_label(points).get(label or "")
        if point is not None and (question or "").strip() == point.question.strip():
            return (point.label, *(gr.skip() for _ in range(5)))
        return show_point(points, point)

    def selected(picked: gr.SelectData, question: str | None) -> tuple[Any, ...]:
        """A point picked in the dropdown. (Its select event, not its input event: Gradio's dropdown
        also sends "input" when it merely loses focus, which would wipe the answer being written.)"""
        return choose(str(picked.value), question)

    def random_point(stored: Any) -> tuple[Any, ...]:
        points = current().practice_points
        return show_point(points, pick(points, load_tally(stored), rng))

    def next_point(label: str | None, stored: Any) -> tuple[Any, ...]:
        points = current().practice_points
        others = [p for p in points if p.label != label] or points
        return show_point(points, pick(others, load_tally(stored), rng))

    def check_answer(label: str | None, question: str, answer: str, stored: Any) -> tuple[Any, ...]:
        """Outputs: result, 在目录中查看, its target, the tally (kept), the point, the tally views."""
        tally = load_tally(stored)
        engine = current()
        points = engine.practice_points
        by_label = _by_label(points)
        point = by_label.get(label or "")
        question = (question or "").strip()
        # the point's own question is checked at its unit; any other question goes through retrieval
        citation = point.citation if point and question == point.question.strip() else None
        try:
            result: CheckResult = engine.checker.check(question, answer or "", citation)
            recording.checked("practice", result)  # queued: never holds up the result
            html = result_html(result)
        except Exception:  # keep the page usable; the traceback goes to the server log
            log.exception("checking an answer to %r failed", question)
            return (error_html(), gr.Button(visible=False), None, gr.skip(), gr.skip(), *tally_views(points, tally))
        target = None
        if result.citation is not None and result.items and not result.refused:
            target = notes.at(result.citation, [item.text for item in result.items])
        practised = result.citation.label if result.citation else None
        if practised in by_label and result.items and result.note is None and not result.refused:
            tally.pop(practised, None)  # the latest coverage, and the latest practised last
            tally[practised] = result.coverage
        shown = gr.skip() if citation else (practised if practised in by_label else None)
        return (html, gr.Button(visible=target is not None), target, tally, shown, *tally_views(points, tally))

    def open_notes(target: Any) -> tuple[Any, ...]:
        """在目录中查看: the notes tab at the checked unit, its key items highlighted."""
        if not (isinstance(target, list | tuple) and len(target) == 2):
            return gr.skip(), gr.skip(), gr.skip()
        key, view = target
        return key, view, gr.Tabs(selected=notes.tab_id)

    def restore_tally(stored: Any) -> tuple[Any, ...]:
        """The page (re)loaded: the kept tally, and the points of the notes served now."""
        points = current().practice_points
        return (gr.Dropdown(choices=[p.label for p in points]), *tally_views(points, load_tally(stored)))

    def clear_tally() -> tuple[Any, ...]:
        return ({}, *tally_views(current().practice_points, {}))

    # --- layout --------------------------------------------------------------------------
    first = current()
    settings = first.settings
    with gr.Tab("自测", id=PRACTICE_TAB, elem_id=page.PRACTICE_ID):
        gr.Markdown(INTRO)
        with gr.Row(elem_id=page.PICK_ROW_ID):
            point = gr.Dropdown(
                choices=[p.label for p in first.practice_points],
                value=None,
                label="要点",
                filterable=False,  # a phone's keyboard would cover the list
                scale=4,
                min_width=260,
                elem_id=page.POINT_ID,
            )
            shuffle = gr.Button("随机出题", scale=0, min_width=112, elem_id="egov-random")
        question = gr.Textbox(
            label="题目",
            placeholder="选一个要点、点“随机出题”，或自己输入一道题",
            lines=1,
            max_lines=4,
            max_length=settings.max_question_chars * 2,
            elem_id=page.CHECK_QUESTION_ID,
        )
        answer = gr.Textbox(
            label="我的答案",
            placeholder="写下你的答案（分条写更容易对照）",
            lines=5,
            max_lines=30,
            max_length=settings.check.max_answer_chars * 2,
            elem_id=page.ANSWER_ID,
        )
        with gr.Row():
            check_button = gr.Button("检查答案", variant="primary", min_width=120, elem_id=page.CHECK_ID)
            next_button = gr.Button("下一题", min_width=96, elem_id="egov-next")
        result = gr.HTML("", elem_id=page.RESULT_ID)
        open_button = gr.Button("在目录中查看", visible=False, elem_id="egov-check-open")
        tally_view = gr.HTML(tally_html({}), elem_id=page.TALLY_ID)
        with gr.Column(elem_id=page.REVIEW_ID):
            review = [
                gr.Button(visible=False, size="md", elem_classes=[page.REVIEW_CLASS]) for _ in range(REVIEW_BUTTONS)
            ]
        clear = gr.Button("清空记录", size="md", elem_id="egov-tally-clear")

    # This browser's tally (label → latest coverage), in its local storage, keyed like the chat.
    tally = gr.BrowserState({}, storage_key=STORAGE_KEY, secret=secret)
    target = gr.State(None)  # (tree key, notes view) of the unit last checked

    private: dict[str, Any] = {"api_visibility": "private", "queue": False}
    shown = [point, question, answer, result, open_button, target]
    tally_out = [tally_view, *review]
    point.select(selected, question, shown, **private)
    shuffle.click(random_point, tally, shown, **private)
    next_button.click(next_point, [point, tally], shown, **private)
    for button in review:  # a suggestion's label is its value: practise that point
        button.click(choose, [button, question], shown, **private)
    check_button.click(
        check_answer,
        [point, question, answer, tally],
        [result, open_button, target, tally, point, *tally_out],
        api_visibility="private",
        concurrency_id=concurrency_id,
        show_progress="minimal",
    )
    opened = open_button.click(open_notes, target, [notes.tree, notes.view, notes.tabs], **private)
    opened.then(None, notes.tree, None, js=page.REVEAL_JS, **private)
    clear.click(clear_tally, None, [tally, *tally_out], **private)
    demo.load(restore_tally, tally, [point, *tally_out], **private)
