"""The teacher page (教师, served at ``/teacher`` only when ``EGOV_QA_TEACHER_PASSWORD`` is set):
课堂情况 (what the class asks, ``dashboard.py``) and 笔记管理 (upload, preview, publish, remove,
``teacher.library``).

It is a Blocks of its own, so the students' page carries none of its components or endpoints.
Every action asks the password gate about the session the login put in this page's server-side
state; its endpoints are callable (``gradio_client``) but undocumented, and useless without a login.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import gradio as gr

from egov_qa.app import dashboard
from egov_qa.app.render import md_escape
from egov_qa.config import Settings
from egov_qa.models import Answer
from egov_qa.teacher.auth import Gate
from egov_qa.teacher.library import Library, NotesError, Preview

log = logging.getLogger(__name__)

TITLE = "笔记问答 · 教师"
SWAP_WAIT_S = 120.0  # after a build: how long to wait for the app to serve it before saying so
NOT_LOGGED_IN = "请先登录（或登录已过期，请重新输入密码）"
UPLOAD_TYPES = [".txt", ".md", ".docx"]
PROGRESS = gr.Progress()  # Gradio gives a handler whose parameter defaults to a Progress the page's bar


def reporter(progress: gr.Progress) -> Callable[[float | None, str], None]:
    """The library's progress callback, shown in the page's bar."""
    return lambda share, what: progress(share, desc=what)


class Served(Protocol):
    @property
    def build(self) -> str: ...


class Source(Protocol):
    def current(self) -> Served: ...


def _sample(question: str, answer: Answer) -> str:
    labels = "；".join(dict.fromkeys(c.label for c in answer.citations))
    lines = [f"**问：{md_escape(question)}**", ""]
    lines += [f"> {md_escape(line)}" if line.strip() else ">" for line in answer.answer.split("\n")]
    lines += ["", f"出处：{md_escape(labels)}" if labels and not answer.refused else "（笔记没有回答这个问题）", ""]
    return "\n".join(lines)


def preview_markdown(preview: Preview) -> str:
    head = (
        f"### 预览：{md_escape(preview.name)}\n"
        f"找到 **{preview.chapters}** 章、**{preview.points}** 个要点、**{preview.sections}** 个小节。"
        + ("\n\n**注意：已有同名笔记，发布会替换它**（原文件会保存在 data/removed）。" if preview.replaces else "")
    )
    outline = "\n".join(preview.outline)
    report = "\n".join(preview.report)
    samples = "\n".join(_sample(q, a) for q, a in preview.samples) or "（没有生成示例问题）"
    return (
        f"{head}\n\n#### 目录\n```text\n{outline}\n```\n\n#### 解析报告\n```text\n{report}\n```\n\n"
        f"#### 用这份笔记试答\n{samples}\n\n确认无误后点“发布”，学生的提问就会用到这份笔记。"
    )


def files_table(library: Library) -> list[list[Any]]:
    return [
        [f.name, f"{f.size / 1024:.1f} KB", time.strftime("%Y-%m-%d %H:%M", time.localtime(f.modified))]
        for f in library.files()
    ]


def build_teacher_app(settings: Settings, gate: Gate, source: Source, library: Library | None = None) -> gr.Blocks:
    library = library or Library(settings)
    # Gradio serves files from its temp folder (runtime.py puts it under the index folder).
    exports = Path(os.environ.get("GRADIO_TEMP_DIR") or tempfile.gettempdir()) / "exports"

    def wait_for_swap(progress: Callable[[float | None, str], None]) -> str:
        """Wait until the app serves the build just made live."""
        from egov_qa.index.store import live_build  # noqa: PLC0415

        target = live_build(settings)
        deadline = time.monotonic() + SWAP_WAIT_S
        while time.monotonic() < deadline:
            if source.current().build == target:
                return "学生现在的提问已经用到新的笔记。"
            progress(None, "正在切换到新的索引")
            time.sleep(0.25)
        return f"索引已建好，但应用还没有切换过去（{SWAP_WAIT_S:.0f} 秒内）：请查看服务器日志。"

    def guarded(session: str | None) -> None:
        if not gate.allows(session):
            raise NotesError(NOT_LOGGED_IN)

    # --- handlers -----------------------------------------------------------------------------
    def login(password: str, request: gr.Request) -> tuple[Any, ...]:
        address = request.client.host if request and request.client else "?"
        result = gate.login(password or "", address)
        if not result.ok:
            return "", gr.skip(), gr.skip(), result.message, ""
        return result.session, gr.Column(visible=False), gr.Column(visible=True), "", ""

    def logout(session: str) -> tuple[Any, ...]:
        gate.logout(session)
        return "", gr.Column(visible=True), gr.Column(visible=False)

    def show_dashboard(session: str, period: str) -> tuple[Any, ...]:
        """The period's figures, and its questions as the CSV 导出 CSV downloads."""
        if not gate.allows(session):
            return (NOT_LOGGED_IN, *([gr.skip()] * 5))
        found = dashboard.dashboard(settings, period, exports)
        return found.summary, found.days, found.points, found.gaps, found.checks, str(found.csv)

    def shown_files() -> tuple[list[list[Any]], gr.Dropdown]:
        """The published files' table, and the 删除 menu of their names."""
        table = files_table(library)
        return table, gr.Dropdown(choices=[row[0] for row in table], value=None)

    def list_files(session: str) -> tuple[Any, ...]:
        return shown_files() if gate.allows(session) else (gr.skip(), gr.skip())

    def take_upload(session: str, uploaded: str | None, progress: gr.Progress = PROGRESS) -> tuple[Any, ...]:
        """Keep the upload aside and show its preview; 发布 is enabled only after a preview."""
        try:
            guarded(session)
            if not uploaded:
                return "", "", gr.Button(interactive=False)
            name = library.upload(Path(uploaded))
            preview = library.preview(name, reporter(progress))
        except NotesError as exc:
            return "", f"**{md_escape(str(exc))}**", gr.Button(interactive=False)
        return name, preview_markdown(preview), gr.Button(interactive=True)

    def publish(session: str, name: str, progress: gr.Progress = PROGRESS) -> tuple[Any, ...]:
        report = reporter(progress)
        try:
            guarded(session)
            if not name:
                raise NotesError("请先上传笔记并查看预览")
            library.publish(name, report)
            done = wait_for_swap(report)
        except NotesError as exc:
            return f"**{md_escape(str(exc))}**", gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return f"已发布 {md_escape(name)}。{done}", *shown_files(), "", gr.Button(interactive=False)

    def remove(session: str, name: str | None, progress: gr.Progress = PROGRESS) -> tuple[Any, ...]:
        report = reporter(progress)
        try:
            guarded(session)
            if not name:
                raise NotesError("请先选择要删除的笔记")
            library.remove(name, report)
            done = wait_for_swap(report)
        except NotesError as exc:
            return f"**{md_escape(str(exc))}**", gr.skip(), gr.skip()
        return f"已删除 {md_escape(name)}（文件保存在 data/removed）。{done}", *shown_files()

    # --- layout ---------------------------------------------------------------------------------
    undocumented: dict[str, Any] = {"api_visibility": "undocumented"}
    demo = gr.Blocks(title=TITLE, analytics_enabled=False)
    with demo:
        gr.Markdown(f"## {TITLE}")
        session = gr.State("")
        with gr.Column(visible=True) as login_box:
            password = gr.Textbox(label="教师密码", type="password", max_lines=1, elem_id="egov-teacher-password")
            enter = gr.Button("登录", variant="primary", elem_id="egov-teacher-login")
            said = gr.Markdown(elem_id="egov-teacher-said")
        with gr.Column(visible=False) as main_box:
            with gr.Tabs():
                with gr.Tab("课堂情况", id="class"):
                    with gr.Row():
                        period = gr.Radio(list(dashboard.PERIODS), value=dashboard.DEFAULT_PERIOD, show_label=False)
                        refresh = gr.Button("刷新", size="md", scale=0, min_width=80)
                    summary = gr.Markdown(elem_id="egov-teacher-summary")
                    per_day = gr.BarPlot(
                        x=dashboard.DAY,
                        y=dashboard.QUESTIONS,
                        title="每天的提问",
                        height=240,
                        x_label_angle=-30,
                        y_lim=[0, None],
                    )
                    most = gr.BarPlot(
                        x=dashboard.POINT,
                        y=dashboard.COUNT,
                        title="问得最多的要点",
                        sort="-y",
                        height=320,
                        x_label_angle=-40,
                        y_lim=[0, None],
                    )
                    gr.Markdown("#### 笔记没有回答的问题（相近的问法合并）")
                    gaps = gr.Dataframe(interactive=False, wrap=True, elem_id="egov-teacher-gaps")
                    gr.Markdown("#### 自测中漏得最多的要点（平均覆盖从低到高）")
                    checks = gr.Dataframe(interactive=False, wrap=True)
                    exported = gr.DownloadButton("导出 CSV", size="md", elem_id="egov-teacher-export")
                with gr.Tab("笔记管理", id="notes"):
                    files = gr.Dataframe(
                        headers=["文件", "大小", "修改时间"],
                        interactive=False,
                        label="已发布的笔记（每个文件是一门课）",
                    )
                    upload = gr.File(
                        label="上传笔记（.txt、.md、.docx）",
                        file_types=UPLOAD_TYPES,
                        type="filepath",
                        elem_id="egov-teacher-upload",
                    )
                    staged = gr.Textbox(visible="hidden")
                    publish_go = gr.Button("发布", variant="primary", interactive=False, elem_id="egov-teacher-publish")
                    done = gr.Markdown(elem_id="egov-teacher-done")
                    preview = gr.Markdown(elem_id="egov-teacher-preview")
                    with gr.Row():
                        chosen = gr.Dropdown(label="删除一份笔记", choices=[], scale=3)
                        remove_go = gr.Button("删除", variant="stop", scale=0, min_width=80)
            leave = gr.Button("退出登录", size="sm")

        shown = [summary, per_day, most, gaps, checks, exported]
        logged_in = [session, login_box, main_box, said, password]
        went = gr.on(
            [enter.click, password.submit], login, password, logged_in, api_name="teacher_login", **undocumented
        )
        went.then(show_dashboard, [session, period], shown, **undocumented).then(
            list_files, session, [files, chosen], api_name="teacher_files", **undocumented
        )
        leave.click(logout, session, [session, login_box, main_box], api_name="teacher_logout", **undocumented)
        gr.on(
            [refresh.click, period.change],
            show_dashboard,
            [session, period],
            shown,
            api_name="teacher_dashboard",
            **undocumented,
        )
        upload.upload(
            take_upload, [session, upload], [staged, preview, publish_go], api_name="teacher_preview", **undocumented
        )
        publish_go.click(
            publish,
            [session, staged],
            [done, files, chosen, staged, publish_go],
            api_name="teacher_publish",
            **undocumented,
        )
        remove_go.click(remove, [session, chosen], [done, files, chosen], api_name="teacher_remove", **undocumented)
    return demo
