"""Start the chat app: open the engine once, build the Blocks page, launch it, print the URLs.

Used by ``python app.py`` and ``egov-qa serve``. Gradio is imported only after analytics are
switched off, so nothing leaves the machine.
"""

from __future__ import annotations

import atexit
import os
import socket
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.middleware import Middleware

from egov_qa.app.limits import MAX_BODY_BYTES, BodyLimit
from egov_qa.app.runtime import keep_files_in_index, lighter_gradio_events
from egov_qa.config import Settings

if TYPE_CHECKING:
    import gradio as gr

    from egov_qa.app.live import LiveEngine
    from egov_qa.engine import Engine

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


MAX_UPLOAD = "1mb"  # the students' page has no file inputs; Gradio's upload route stays, bounded
TEACHER_UPLOAD = "10mb"  # notes files (teacher.library.MAX_NOTES_BYTES)
TEACHER_PATH = "/teacher"


class AuthError(ValueError):
    """A malformed ``--auth`` value or auth file."""


def lan_ip() -> str | None:
    """This machine's LAN address: the source address of a UDP "connection" (no packet is sent)."""
    for probe in ("10.255.255.255", "192.168.255.255", "172.31.255.255"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((probe, 1))
                ip = str(s.getsockname()[0])
            if ip and not ip.startswith("127."):
                return ip
        except OSError:
            continue
    return None


def parse_auth(auth: str | None = None, auth_file: Path | None = None) -> list[tuple[str, str]] | None:
    """``user:pass`` and/or a file of ``user:pass`` lines (``#`` comments) → Gradio's ``auth`` list."""
    lines: list[str] = []
    if auth:
        lines.append(auth)
    if auth_file:
        try:
            text = Path(auth_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise AuthError(f"读不到密码文件 {auth_file}：{exc}") from exc
        lines += [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    pairs: list[tuple[str, str]] = []
    for line in lines:
        user, sep, password = line.partition(":")
        if not sep or not user.strip() or not password:
            raise AuthError(f"账号格式应为 用户名:密码，收到：{line!r}")
        pairs.append((user.strip(), password))
    return pairs or None


def urls(host: str, port: int) -> list[tuple[str, str]]:
    """(what, url) pairs to tell the teacher where the app is."""
    if host in ("0.0.0.0", "::", ""):
        found = [("本机", f"http://127.0.0.1:{port}")]
        ip = lan_ip()
        if ip:
            found.append(("局域网（发给学生）", f"http://{ip}:{port}"))
        else:
            found.append(("局域网", "没有找到局域网地址：请检查网络连接，或用 ip addr 查看本机 IP"))
        return found
    return [("本机", f"http://{host}:{port}")]


def serve(
    settings: Settings | None = None,
    host: str | None = None,
    port: int | None = None,
    auth: list[tuple[str, str]] | None = None,
) -> None:
    """Open the engine (building the index if needed), then serve until interrupted.

    Exits with status 2 and a teacher-facing message when the index cannot be made ready.
    """
    t0 = time.perf_counter()
    settings = settings or Settings()
    host = host or settings.host
    port = port or settings.port

    keep_files_in_index(settings)  # Gradio's temp folder and jieba's cache: before either is loaded
    lighter_gradio_events()

    from egov_qa.engine import Engine  # noqa: PLC0415 — heavy imports after the environment is set
    from egov_qa.index.embeddings import ModelError  # noqa: PLC0415
    from egov_qa.index.store import IndexNotReady  # noqa: PLC0415
    from egov_qa.rules.registry import UnknownRule  # noqa: PLC0415

    try:
        engine = Engine.open(settings)
    except (IndexNotReady, ModelError, UnknownRule) as exc:
        print(f"无法启动：{exc}", file=sys.stderr, flush=True)
        raise SystemExit(2) from exc

    from egov_qa.app.live import live_engine  # noqa: PLC0415
    from egov_qa.insights.recorder import Recorder  # noqa: PLC0415

    # A new build (egov-qa ingest while serving) is opened beside this one and swapped in.
    live = live_engine(settings, engine, lambda: Engine.open(settings, progress=False, auto_build=False))
    recorder = Recorder.for_settings(settings)  # the class insights: every surface records through it
    atexit.register(recorder.close)  # what is queued is written when the process ends
    from egov_qa.app.ui import build_app, launch_options  # noqa: PLC0415 — imports gradio

    demo = build_app(live, recorder)
    demo.queue(default_concurrency_limit=settings.concurrency_limit)
    teacher = teacher_page(settings, live) if settings.teacher_password.get_secret_value() else None
    try:
        demo.launch(
            server_name=host,
            server_port=port,
            prevent_thread_lock=True,
            quiet=True,
            max_file_size=MAX_UPLOAD,
            app_kwargs={"middleware": [Middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)]},
            **launch_options(),
            **_served(auth),
        )
    except OSError as exc:  # Gradio: "Cannot find empty port in range"
        recorder.close()
        print(f"无法启动：端口 {port} 无法使用（可能已被占用，可用 --port 换一个）", file=sys.stderr, flush=True)
        raise SystemExit(2) from exc
    if teacher is not None:  # built before the launch: mounted moments after the students' page is up
        mount_teacher_page(demo, teacher, auth)
    print(f"笔记问答已启动（{time.perf_counter() - t0:.1f} 秒）", flush=True)
    for what, url in urls(host, port):
        print(f"  {what}: {url}", flush=True)
    if auth:
        print(f"  已开启密码登录（{len(auth)} 个账号）", flush=True)
    if teacher is not None:
        print(f"  教师页面: {urls(host, port)[0][1]}{TEACHER_PATH}", flush=True)
    print("  按 Ctrl+C 停止", flush=True)
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        pass
    finally:
        demo.close()
        recorder.close()


def _served(auth: list[tuple[str, str]] | None) -> dict[str, Any]:
    """What both pages are served with."""
    return {
        "auth": auth,
        "auth_message": "请输入老师提供的用户名和密码" if auth else None,
        "show_error": False,  # an unexpected error is "Error" on the page; its traceback goes to this log
        "ssr_mode": False,
        "pwa": False,
        "mcp_server": False,
        "enable_monitoring": False,
    }


def teacher_page(settings: Settings, live: LiveEngine[Engine]) -> gr.Blocks:
    """The teacher's Blocks (its own: the students' page has none of its components or endpoints)."""
    from egov_qa.app.teacher_page import build_teacher_app  # noqa: PLC0415
    from egov_qa.teacher.auth import Gate  # noqa: PLC0415

    teacher = build_teacher_app(settings, Gate(settings.teacher_password.get_secret_value()), live)
    teacher.queue(default_concurrency_limit=2)
    return teacher


def mount_teacher_page(demo: gr.Blocks, teacher: gr.Blocks, auth: list[tuple[str, str]] | None) -> None:
    """Mount the teacher's Blocks at ``/teacher`` on the server app the students' page was launched
    on and start its queue through Gradio's own ``startup-events`` route, as ``launch`` starts the
    students'. (The two Blocks mounted on a new root app instead cost every request one more ASGI
    stack: ~15 % less capacity, see CHANGELOG.)"""
    import gradio as gr  # noqa: PLC0415
    import httpx  # noqa: PLC0415

    from egov_qa.app.ui import theme  # noqa: PLC0415

    gr.mount_gradio_app(
        demo.app, teacher, TEACHER_PATH, max_file_size=TEACHER_UPLOAD, theme=theme(), footer_links=[], **_served(auth)
    )
    local = str(demo.local_url).rstrip("/")  # where launch reached the students' page itself
    httpx.get(f"{local}{TEACHER_PATH}/gradio_api/startup-events", timeout=30).raise_for_status()
