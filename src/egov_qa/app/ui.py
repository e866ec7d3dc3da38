"""The Gradio Blocks page: 问答 (chat with cited, highlighted sources), 笔记目录 (notes tree), 自测
(check my answer, practice_tab.py) and the ``/ask`` and ``/check`` APIs. Built around one
already-open engine shared by every session. With several notes files (courses), a 课程 menu above
the chat, and ``/ask_course`` and ``/check_course``, answer from one course alone.

The conversation lives in the student's browser (``gr.BrowserState``, local storage), so a reload
keeps it and nothing of it is stored on the server. Import this only after
``GRADIO_ANALYTICS_ENABLED=False`` is set (``server.py`` does that).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import gradio as gr

from egov_qa.answer.messages import APP_ERROR
from egov_qa.app import page
from egov_qa.app.check_render import ERROR as CHECK_ERROR
from egov_qa.app.conversation import MAX_KEPT, chat_messages, export_markdown, load_exchanges, to_store
from egov_qa.app.notes_view import NotesView, NotesViews, notes_fingerprint
from egov_qa.app.practice_tab import NotesLink, PracticeEngine, practice_tab
from egov_qa.app.render import (
    THINKING,
    OpenValue,
    answer_markdown,
    md_escape,
    node_html,
)
from egov_qa.config import Settings
from egov_qa.ingest.notes import Notes
from egov_qa.insights.recorder import Recorder
from egov_qa.models import Answer, Chunk, Citation, Exchange
from egov_qa.questions.typed import plain_text

log = logging.getLogger(__name__)

TITLE = "笔记问答"
CHAT_TAB, NOTES_TAB = "chat", "notes"
ENGINE_QUEUE = "engine"  # one concurrency group: chat streams and /ask share the CPU budget
STORAGE_KEY = "egov-qa-chat"  # the browser's local-storage entry of the conversation
COURSE_KEY = "egov-qa-course"  # … and of the course chosen

# System fonts only: nothing is fetched from outside the server.
FONTS = ["system-ui", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "sans-serif"]
MONO_FONTS = ["ui-monospace", "Consolas", "monospace"]


class EngineLike(PracticeEngine, Protocol):
    """What the UI needs from ``egov_qa.engine.Engine`` (the 自测 tab's part: ``PracticeEngine``)."""

    settings: Settings
    notes: Notes

    @property
    def courses(self) -> list[str]: ...
    def course(self, name: str | None) -> EngineLike: ...
    def ask(self, question: str, history: Sequence[str | Exchange] = ()) -> Answer: ...
    def stream(self, question: str, history: Sequence[str | Exchange] = ()) -> Iterator[Answer]: ...
    def chunk(self, chunk_id: str) -> Chunk | None: ...
    def example_questions(self, n: int = 4) -> list[str]: ...


View = NotesView[EngineLike]


def _header(sources: str) -> str:
    return (
        f"## {TITLE}：{md_escape(sources)}\n"
        "每个回答都会注明出自笔记的哪一章、哪一点；点开“来源”可以看到原文（引用的句子已高亮），"
        "点“在目录中查看”可以在笔记目录里打开它。"
    )


ALL_COURSES = "全部课程"


def _course_menu(courses: list[str], selected: str = "") -> dict[str, Any]:
    """The 课程 menu's choices (every course, then each notes file by its name), value and
    visibility: shown only when there is more than one course."""
    return {
        "choices": [(ALL_COURSES, ""), *((Path(s).stem, s) for s in courses)],
        "value": selected if selected in courses else "",
        "visible": len(courses) > 1,
    }


def theme() -> gr.themes.Base:
    return gr.themes.Default(font=FONTS, font_mono=MONO_FONTS)


def launch_options() -> dict[str, Any]:
    """Look-and-feel arguments for ``Blocks.launch`` (Gradio 6 takes theme/css/js there). No footer:
    students need no "通过 API 使用" link (the ``/ask`` endpoint itself stays)."""
    return {"theme": theme(), "css": page.CSS, "js": page.PAGE_JS, "footer_links": []}


def _history_list(history: Any) -> list[str]:
    """Accept a list or a JSON-list string of earlier questions; anything else → []."""
    if isinstance(history, str):
        try:
            history = json.loads(history) if history.strip() else []
        except json.JSONDecodeError:
            return []
    if not isinstance(history, list):
        return []
    return [str(q) for q in history if isinstance(q, str | int | float)]


def _api_text(value: Any) -> str:
    """An API argument as text: a string, a number as typed; anything else (null, a list) is empty."""
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else ""


@runtime_checkable
class EngineSource(Protocol):
    """Gives the engine serving now (``app.live.LiveEngine``: a new index build swaps it)."""

    def current(self) -> EngineLike: ...


@dataclass(frozen=True)
class FixedEngine:
    """One engine for the page's whole life."""

    engine: EngineLike

    def current(self) -> EngineLike:
        return self.engine


def build_app(served: EngineLike | EngineSource, recorder: Recorder | None = None) -> gr.Blocks:
    """The whole page. Call ``.queue(...)`` and ``.launch(**launch_options())`` on the result.
    Every event takes the engine serving at that moment (and that engine's notes) once. Every
    question answered or answer checked goes to ``recorder`` (the class insights; none: off)."""
    source = served if isinstance(served, EngineSource) else FixedEngine(served)
    recorder = recorder or Recorder.off()
    views: NotesViews[EngineLike] = NotesViews(source.current, lambda engine: engine.notes)
    first = views.current()
    examples = first.engine.example_questions(4)  # generated from the loaded outline
    secret = notes_fingerprint(first.chunks)
    settings = first.engine.settings

    def opener(turn: int, view: View) -> OpenValue:
        """The value of a citation's 在目录中查看 in the answer of exchange ``turn``: "turn:node key"."""

        def value(citation: Citation) -> str | None:
            node = view.citation_node(citation)
            return f"{turn}:{node.key}" if node else None

        return value

    def answer_message(answer: Answer, turn: int, view: View) -> dict[str, Any]:
        content = answer_markdown(answer, view.engine, view.chunks, final=True, open_value=opener(turn, view))
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if answer.suggestions:  # refused: the nearest questions, one tap each
            message["options"] = [{"value": q} for q in answer.suggestions]
        return message

    def messages(exchanges: Sequence[Exchange], view: View) -> list[dict[str, Any]]:
        return chat_messages(exchanges, md_escape, lambda answer, turn: answer_message(answer, turn, view))

    # --- event handlers ------------------------------------------------------------------
    def respond(question: str, chat: list[dict], stored: Any, course: str | None = "") -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the chat, from the ``course`` chosen ("": every course); shown
        with the whole notes (the course's labels and chunks are theirs).

        Outputs: textbox, chat, the browser's stored exchanges (each question with the answer it got,
        which follow-ups such as "还有呢" read), send button (disabled while answering, so a double
        click does not queue the same question twice).
        """
        question = plain_text(question or "")  # shown and kept as the engine reads it (no control characters)
        view = views.current()
        chunks = view.chunks
        chat = list(chat or []) + [
            {"role": "user", "content": md_escape(question) or " "},
            {"role": "assistant", "content": THINKING},
        ]
        history = load_exchanges(stored)
        busy, idle = gr.Button(interactive=False), gr.Button(interactive=True)
        yield "", chat, gr.skip(), busy
        try:
            engine = view.engine.course(course)
            answer: Answer | None = None
            for answer in engine.stream(question, history):
                chat[-1] = {"role": "assistant", "content": answer_markdown(answer, view.engine, chunks, final=False)}
                yield gr.skip(), chat, gr.skip(), busy
            if answer is None:  # defensive: an engine that yields nothing
                answer = engine.ask(question, history)
            recorder.answered("chat", question, answer)  # queued: never holds up the answer
        except Exception:  # keep the page usable; the traceback goes to the server log
            log.exception("answering %r failed", question)
            chat[-1] = {"role": "assistant", "content": APP_ERROR}
            yield gr.skip(), chat, gr.skip(), idle
            return
        turns = [*history, Exchange(question=question, answer=answer)]
        if len(turns) > MAX_KEPT:  # the oldest is forgotten: the buttons' turn numbers move, so redraw
            turns = turns[-MAX_KEPT:]
            chat = messages(turns, view)
        else:
            chat[-1] = answer_message(answer, len(turns) - 1, view)
        yield gr.skip(), chat, to_store(turns), idle

    def pick_suggestion(picked: gr.SelectData) -> str:
        """A suggested question's button was clicked: it becomes the question asked."""
        return str(picked.value)

    def new_chat() -> tuple[Any, ...]:
        return "", [], [], gr.Button(interactive=True)

    def restore(stored: Any, course: Any) -> tuple[Any, ...]:
        """The page (re)loaded: the chat and the course this browser kept, and the notes and courses
        now served (a new build may have been swapped in since the page was built; a kept course
        no longer served falls back to every course)."""
        view = views.current()
        title = gr.Markdown(_header(view.sources))
        tree = gr.Radio(choices=[(n.name, n.key) for n in view.nodes])
        menu = gr.Dropdown(**_course_menu(view.engine.courses, course if isinstance(course, str) else ""))
        return messages(load_exchanges(stored), view), title, tree, menu

    def show_node(key: str | None) -> str:
        view = views.current()
        return node_html(view.by_key.get(key or ""), view.chunks)

    def open_citation(value: str | None, stored: Any) -> tuple[Any, ...]:
        """An answer's 在目录中查看 ("turn:node key"): the node in the notes tab, with that answer's
        quoted lines highlighted."""
        turn, _, key = (value or "").partition(":")
        view = views.current()
        node = view.by_key.get(key)
        if node is None:
            return gr.skip(), gr.skip(), gr.skip()
        exchanges = load_exchanges(stored)
        answer = exchanges[int(turn)].answer if turn.isdigit() and int(turn) < len(exchanges) else None
        quotes = answer.quotes if answer else []
        return key, node_html(node, view.chunks, quotes), gr.Tabs(selected=NOTES_TAB)

    def export_chat(stored: Any) -> str:
        return export_markdown(load_exchanges(stored), f"{TITLE}：{views.current().sources} · 对话记录")

    def ask_api(question: str, history: list[str] | None = None) -> dict:
        """Answer one question (history: earlier user questions, oldest first); the `ask --json` object."""
        return ask_course_api(question, history, "")

    def check_api(question: str, answer: str) -> dict:
        """Check a student's answer to a question against the notes; the `check --json` object."""
        return check_course_api(question, answer, "")

    # /ask and /check keep their arguments (a plain-HTTP call must send every argument); the course
    # is a third argument of endpoints of their own.
    def ask_course_api(question: str, history: list[str] | None, course: str) -> dict:
        """/ask within one course (a notes file's name or stem; empty or unknown: every course)."""
        try:
            text = _api_text(question)
            answer = source.current().course(_api_text(course)).ask(text, _history_list(history))
            recorder.answered("api", text, answer)
            return answer.model_dump()
        except Exception as exc:  # the caller gets one Chinese line; the traceback goes to the server log
            log.exception("/ask failed for %.200r", question)
            raise gr.Error(APP_ERROR, title="出错了", print_exception=False) from exc

    def check_course_api(question: str, answer: str, course: str) -> dict:
        """/check within one course (as for /ask_course)."""
        try:
            result = source.current().course(_api_text(course)).checker.check(_api_text(question), _api_text(answer))
            recorder.checked("check", result)
            return result.model_dump()
        except Exception as exc:  # as in ask_api
            log.exception("/check failed for %.200r", question)
            raise gr.Error(CHECK_ERROR, title="出错了", print_exception=False) from exc

    # --- layout --------------------------------------------------------------------------
    demo = gr.Blocks(title=TITLE, analytics_enabled=False)
    with demo:
        header = gr.Markdown(_header(first.sources))
        with gr.Tabs(selected=CHAT_TAB) as tabs:
            with gr.Tab("问答", id=CHAT_TAB):
                with gr.Row():
                    clear = gr.Button("新对话", size="md", scale=0, min_width=96, elem_id="egov-clear")
                    export = gr.Button("导出", size="md", scale=0, min_width=96, elem_id="egov-export")
                    course_choice = gr.Dropdown(
                        label="课程",
                        show_label=False,
                        container=False,  # one line: beside the buttons, or under them on a phone
                        scale=1,
                        min_width=200,
                        elem_id=page.COURSE_ID,
                        filterable=False,  # a tap opens the list, not the phone's keyboard
                        **_course_menu(first.engine.courses),
                    )
                chatbot = gr.Chatbot(
                    show_label=False,
                    height=None,
                    autoscroll=False,  # the page scrolls, not the chat (page.PAGE_JS places a new question)
                    elem_id=page.CHAT_ID,
                    feedback_options=None,
                    buttons=["copy"],
                    placeholder="在下面输入问题" + (f"，例如“{md_escape(examples[0])}”" if examples else ""),
                )
                with gr.Row(elem_id=page.ASK_ROW_ID):
                    question = gr.Textbox(
                        show_label=False,
                        container=False,
                        placeholder="输入问题，按回车或点“发送”",
                        scale=5,
                        min_width=0,
                        max_lines=4,
                        max_length=settings.max_question_chars * 2,
                        elem_id="egov-question",
                    )
                    send = gr.Button("发送", variant="primary", scale=0, min_width=72, elem_id="egov-send")
                if examples:
                    gr.Examples(examples=[[q] for q in examples], inputs=[question], label="示例问题")
            with gr.Tab("笔记目录", id=NOTES_TAB), gr.Row():
                with gr.Column(scale=2, min_width=240):
                    tree = gr.Radio(
                        choices=[(n.name, n.key) for n in first.nodes],
                        label="目录（章 → 要点 → 小节）",
                        elem_id=page.TREE_ID,
                    )
                with gr.Column(scale=3, min_width=240):
                    view = gr.HTML(node_html(None, first.chunks), elem_id=page.NODE_ID)
            link = NotesLink(tabs, NOTES_TAB, tree, view, lambda c, quotes: views.current().notes_at(c, quotes))
            practice_tab(source.current, link, demo=demo, concurrency_id=ENGINE_QUEUE, secret=secret, recorder=recorder)

        # This browser's exchanges (raw text; the chat holds escaped text), in its local storage.
        turns = gr.BrowserState([], storage_key=STORAGE_KEY, secret=secret)
        kept_course = gr.BrowserState("", storage_key=COURSE_KEY)  # the 课程 chosen, across reloads
        open_value = gr.Textbox(visible="hidden")  # "turn:node key" of the 在目录中查看 clicked
        open_go = gr.Button(visible="hidden", elem_id=page.OPEN_GO_ID)
        exported = gr.Textbox(visible="hidden")  # the Markdown 导出 hands to the browser

        private: dict[str, Any] = {"api_visibility": "private", "queue": False}
        outputs = [question, chatbot, turns, send]
        answering: dict[str, Any] = {
            "api_visibility": "private",
            "concurrency_id": ENGINE_QUEUE,
            "show_progress": "hidden",
        }
        asked = [question, chatbot, turns, course_choice]
        for trigger in (send.click, question.submit):
            trigger(respond, asked, outputs, **answering)
        picked = chatbot.option_select(pick_suggestion, None, question, **private)
        picked.then(respond, asked, outputs, **answering)
        clear.click(new_chat, None, outputs, **private)
        demo.load(restore, [turns, kept_course], [chatbot, header, tree, course_choice], **private)
        course_choice.input(lambda chosen: chosen or "", course_choice, kept_course, **private)
        # js-only steps: the browser saves the export, and scrolls to the node the notes view shows
        export.click(export_chat, turns, exported, **private).then(None, exported, None, js=page.DOWNLOAD_JS, **private)
        tree.input(show_node, tree, view, **private).then(None, tree, None, js=page.REVEAL_JS, **private)
        opened = open_go.click(open_citation, [open_value, turns], [tree, view, tabs], js=page.OPEN_VALUE_JS, **private)
        opened.then(None, tree, None, js=page.REVEAL_JS, **private)
        gr.api(ask_api, api_name="ask", concurrency_id=ENGINE_QUEUE)
        gr.api(check_api, api_name="check", concurrency_id=ENGINE_QUEUE)
        gr.api(ask_course_api, api_name="ask_course", concurrency_id=ENGINE_QUEUE)
        gr.api(check_course_api, api_name="check_course", concurrency_id=ENGINE_QUEUE)
    return demo
