"""The Gradio Blocks app: 问答 (chat with cited, highlighted sources), 笔记目录 (notes tree) and the
``/ask`` API. Built around one already-open engine shared by every session.

Import this only after ``GRADIO_ANALYTICS_ENABLED=False`` is set (``server.py`` does that).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import gradio as gr

from egov_qa.app.render import (
    THINKING,
    Node,
    answer_markdown,
    md_escape,
    node_for_chunk,
    node_for_citation,
    node_html,
    outline_nodes,
)
from egov_qa.config import Settings
from egov_qa.ingest.notes import Notes
from egov_qa.models import Answer, Chunk, Exchange

log = logging.getLogger(__name__)

TITLE = "笔记问答"
CHAT_TAB, NOTES_TAB = "chat", "notes"
ENGINE_QUEUE = "engine"  # one concurrency group: chat streams and /ask share the CPU budget

# System fonts only: nothing is fetched from outside the server.
FONTS = ["system-ui", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "sans-serif"]
MONO_FONTS = ["ui-monospace", "Consolas", "monospace"]
CSS = """
.egov-sources { margin-top: .4em; }
.egov-sources summary { cursor: pointer; font-weight: 600; }
.egov-source { margin: .5em 0; }
.egov-passage { margin: .3em 0 .6em; line-height: 1.7; }
.egov-passage mark { background: #fde68a; color: inherit; padding: 0 .1em; }
.egov-node-title { margin: 0 0 .5em; }
/* the notes tree: one node per line, scrollable */
#egov-tree .wrap { flex-direction: column; flex-wrap: nowrap; gap: 0; max-height: 70vh; overflow-y: auto; }
#egov-tree label { border: none; box-shadow: none; background: none; padding: 3px 6px; white-space: pre; }
"""


class EngineLike(Protocol):
    """What the UI needs from ``egov_qa.engine.Engine``."""

    settings: Settings
    notes: Notes

    def ask(self, question: str, history: Sequence[str | Exchange] = ()) -> Answer: ...
    def stream(self, question: str, history: Sequence[str | Exchange] = ()) -> Iterator[Answer]: ...
    def chunk(self, chunk_id: str) -> Chunk | None: ...
    def example_questions(self, n: int = 4) -> list[str]: ...


def theme() -> gr.themes.Base:
    return gr.themes.Default(font=FONTS, font_mono=MONO_FONTS)


def launch_options() -> dict[str, Any]:
    """Look-and-feel arguments for ``Blocks.launch`` (Gradio 6 takes theme/css there)."""
    return {"theme": theme(), "css": CSS}


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


def build_app(engine: EngineLike) -> gr.Blocks:
    """The whole page. Call ``.queue(...)`` and ``.launch(**launch_options())`` on the result."""
    chunks = engine.notes.chunks
    examples = engine.example_questions(4)  # generated from the loaded outline
    nodes = outline_nodes(engine.notes.outlines)
    by_key: dict[str, Node] = {n.key: n for n in nodes}
    by_label: dict[tuple[str, str], Chunk] = {}
    for c in chunks:
        by_label.setdefault((c.source, c.label), c)

    def citation_choices(answer: Answer) -> list[tuple[str, str]]:
        """(label, node key) for each citation that maps onto the outline tree."""
        choices: list[tuple[str, str]] = []
        for cit in answer.citations:
            chunk = by_label.get((cit.source, cit.label))
            node = node_for_chunk(nodes, chunk) if chunk else node_for_citation(nodes, cit)
            if node and node.key not in [k for _, k in choices]:
                choices.append((cit.label, node.key))
        return choices

    # --- event handlers ------------------------------------------------------------------
    def respond(question: str, chat: list[dict], turns: list[Exchange]) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the chat.

        Outputs: textbox, chat, the session's exchanges (each question with the answer it got, which
        follow-ups such as "还有呢" read), last quotes, citation list, send button (disabled while
        answering, so a double click does not queue the same question twice).
        """
        question = question or ""
        chat = list(chat or []) + [
            {"role": "user", "content": md_escape(question) or " "},
            {"role": "assistant", "content": THINKING},
        ]
        history = list(turns or [])
        busy, idle = gr.Button(interactive=False), gr.Button(interactive=True)
        yield "", chat, history, [], gr.update(), busy
        try:
            answer: Answer | None = None
            for answer in engine.stream(question, history):
                chat[-1] = {"role": "assistant", "content": answer_markdown(answer, engine, chunks, final=False)}
                yield gr.update(), chat, history, [], gr.update(), busy
            if answer is None:  # defensive: an engine that yields nothing
                answer = engine.ask(question, history)
        except Exception:  # keep the page usable; the traceback goes to the server log
            log.exception("answering %r failed", question)
            chat[-1] = {"role": "assistant", "content": "抱歉，回答时出错了，请再试一次或换个问法。"}
            yield gr.update(), chat, history, [], gr.update(), idle
            return
        chat[-1] = {
            "role": "assistant",
            "content": answer_markdown(answer, engine, chunks, final=True),
            "options": [{"value": q} for q in answer.suggestions],
        }
        choices = citation_choices(answer)
        cite = gr.update(choices=choices, value=choices[0][1] if choices else None, interactive=bool(choices))
        yield gr.update(), chat, history + [Exchange(question=question, answer=answer)], list(answer.quotes), cite, idle

    def pick_suggestion(picked: gr.SelectData) -> str:
        """A suggested question's button was clicked: it becomes the question asked."""
        return str(picked.value)

    def new_chat() -> tuple[Any, ...]:
        return "", [], [], [], gr.update(choices=[], value=None, interactive=False), gr.Button(interactive=True)

    def show_node(key: str | None) -> str:
        return node_html(by_key.get(key or ""), chunks)

    def open_citation(key: str | None, quotes: list[str]) -> tuple[Any, ...]:
        node = by_key.get(key or "")
        if node is None:
            return gr.update(), gr.update(), gr.Tabs()
        return key, node_html(node, chunks, quotes), gr.Tabs(selected=NOTES_TAB)

    def ask_api(question: str, history: list[str] | None = None) -> dict:
        """Answer one question (history: earlier user questions, oldest first); the `ask --json` object."""
        return engine.ask(question or "", _history_list(history)).model_dump()

    # --- layout --------------------------------------------------------------------------
    demo = gr.Blocks(title=TITLE, analytics_enabled=False)
    with demo:
        sources = "、".join(Path(o.source).stem for o in engine.notes.outlines)
        gr.Markdown(
            f"## {TITLE}：{md_escape(sources)}\n"
            "每个回答都会注明出自笔记的哪一章、哪一点；点开“来源”可以看到原文，引用的句子已高亮。"
        )
        with gr.Tabs(selected=CHAT_TAB) as tabs:
            with gr.Tab("问答", id=CHAT_TAB):
                chatbot = gr.Chatbot(
                    label="对话",
                    height=600,
                    elem_id="egov-chat",
                    feedback_options=None,
                    buttons=["copy"],
                    placeholder="在下面输入问题" + (f"，例如“{md_escape(examples[0])}”" if examples else ""),
                )
                with gr.Row():
                    question = gr.Textbox(
                        label="你的问题",
                        placeholder="输入问题后按回车或点“发送”",
                        scale=5,
                        max_length=engine.settings.max_question_chars * 2,
                        elem_id="egov-question",
                    )
                    send = gr.Button("发送", variant="primary", scale=1, elem_id="egov-send")
                    clear = gr.Button("新对话", scale=1, elem_id="egov-clear")
                if examples:
                    gr.Examples(examples=[[q] for q in examples], inputs=[question], label="示例问题")
                with gr.Row():
                    cite = gr.Dropdown(
                        choices=[], label="上一个回答引用的笔记", interactive=False, scale=4, elem_id="egov-cite"
                    )
                    open_btn = gr.Button("在目录中查看", scale=1, elem_id="egov-open")
            with gr.Tab("笔记目录", id=NOTES_TAB), gr.Row():
                with gr.Column(scale=2):
                    tree = gr.Radio(
                        choices=[(n.name, n.key) for n in nodes],
                        label="目录（章 → 要点 → 小节）",
                        elem_id="egov-tree",
                    )
                with gr.Column(scale=3):
                    view = gr.HTML(node_html(None, chunks), elem_id="egov-node")

        turns = gr.State([])  # this session's exchanges, raw (the chat holds escaped text)
        quotes = gr.State([])  # quotes of the last answer, highlighted when a citation is opened

        outputs = [question, chatbot, turns, quotes, cite, send]
        answering: dict[str, Any] = {
            "api_visibility": "private",
            "concurrency_id": ENGINE_QUEUE,
            "show_progress": "hidden",
        }
        for trigger in (send.click, question.submit):
            trigger(respond, [question, chatbot, turns], outputs, **answering)
        picked = chatbot.option_select(pick_suggestion, None, question, api_visibility="private", queue=False)
        picked.then(respond, [question, chatbot, turns], outputs, **answering)
        clear.click(new_chat, None, outputs, api_visibility="private", queue=False)
        chatbot.clear(new_chat, None, outputs, api_visibility="private", queue=False)  # its trash icon
        tree.input(show_node, tree, view, api_visibility="private", queue=False)
        open_btn.click(open_citation, [cite, quotes], [tree, view, tabs], api_visibility="private", queue=False)
        gr.api(ask_api, api_name="ask", concurrency_id=ENGINE_QUEUE)
    return demo
