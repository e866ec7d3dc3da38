"""Security defaults of the app: it binds 127.0.0.1 unless told; an error inside it reaches the
student as one generic Chinese line (the traceback, with its file paths, goes to the server log);
a request body over the limit is refused without harming the server; it writes nothing outside its
index folder (its home and temp folders stay empty); and files garbled under a running app do not
put a traceback in front of a student. Over HTTP against a real server (``isolated_server``: a
copy of the session app's index, empty HOME and TMPDIR, and one fault it raises on request)."""

from __future__ import annotations

import os
import random
import socket
from pathlib import Path

import httpx
import pytest

from egov_qa.answer.messages import APP_ERROR
from egov_qa.app.check_render import ERROR as CHECK_ERROR
from egov_qa.app.limits import MAX_BODY_BYTES
from helpers import call_api, live_build_dir

pytestmark = pytest.mark.slow

BOOM = "触发一个内部错误"  # tests/faults/conftest.py: the server fails on it, with a file path in the error
SECRET_PATH = "/srv/egov-qa/index/builds/secret/chroma/chroma.sqlite3"
LEAKS = ["Traceback", "FileNotFoundError", SECRET_PATH, "site-packages", ".py"]


def test_the_app_binds_loopback_unless_told(small, monkeypatch, capsys):
    """``egov-qa serve`` / ``python app.py`` with no host: Gradio is launched on 127.0.0.1, with errors
    hidden, the request body limit in place and no teacher page without a password (``Blocks.launch``
    recorded instead of run)."""
    import gradio as gr
    import jieba

    from egov_qa.app.limits import BodyLimit
    from egov_qa.app.server import serve
    from egov_qa.config import Settings

    monkeypatch.delenv("EGOV_QA_HOST", raising=False)
    monkeypatch.delenv("EGOV_QA_TEACHER_PASSWORD", raising=False)
    mounted: list = []
    monkeypatch.setattr(gr, "mount_gradio_app", lambda *args, **kwargs: mounted.append(args))
    monkeypatch.setenv("GRADIO_TEMP_DIR", "")  # serve() sets it; restored afterwards
    monkeypatch.setattr(jieba.dt, "tmp_dir", jieba.dt.tmp_dir)
    launched: dict = {}

    def stop(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kwargs: launched.update(kwargs))
    monkeypatch.setattr(gr.Blocks, "block_thread", stop)
    monkeypatch.setattr(gr.Blocks, "close", lambda self: None)
    assert Settings().host == "127.0.0.1"
    serve(Settings())
    assert launched["server_name"] == "127.0.0.1" and launched["show_error"] is False
    assert [m.cls for m in launched["app_kwargs"]["middleware"]] == [BodyLimit]
    assert launched["max_file_size"] == "1mb"
    assert mounted == []  # no teacher page without a password
    assert os.environ["GRADIO_TEMP_DIR"] == str((small.index_dir / "tmp" / "gradio").resolve())
    assert "本机: http://127.0.0.1:7860" in capsys.readouterr().out


def test_a_port_in_use_is_one_line_not_a_traceback(small, monkeypatch, capsys):
    """Another program holds the port: one line naming it, exit status 2 (Gradio raised OSError)."""
    import jieba

    from egov_qa.app.server import serve
    from egov_qa.config import Settings

    monkeypatch.setenv("GRADIO_TEMP_DIR", "")
    monkeypatch.setattr(jieba.dt, "tmp_dir", jieba.dt.tmp_dir)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(SystemExit) as stopped:
            serve(Settings(), port=port)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"无法启动：端口 {port} 无法使用" in err and "Traceback" not in err


def test_an_error_is_one_generic_line_for_the_student(isolated_server):
    """Before: launched with ``show_error=True``, the caller got the exception's text
    ("[Errno 2] No such file or directory: '/srv/…'"); now the Chinese line, and the log the rest."""
    event, data = call_api(isolated_server.url, "ask", BOOM, [])
    assert event == "error" and data["error"] == APP_ERROR and data["title"] == "出错了", data
    event, data = call_api(isolated_server.url, "check", "电子政务有哪些特征？", BOOM)
    assert event == "error" and data["error"] == CHECK_ERROR, data
    for leak in LEAKS:
        assert leak not in str(data)
    config = httpx.get(f"{isolated_server.url}/config", timeout=30).json()
    assert config["show_error"] is False
    log = isolated_server.output()
    assert "Traceback" in log and SECRET_PATH in log and "/ask failed" in log and "/check failed" in log
    event, data = call_api(isolated_server.url, "ask", "电子政务有哪些特征？", [BOOM])
    assert event == "complete" and data[0]["refused"] is False  # the server is unharmed


def test_a_huge_request_body_is_refused(isolated_server):
    """Gradio sets no limit on a request body (``max_file_size`` is for uploads); ``BodyLimit``
    answers 413 before reading it, with or without a Content-Length, and the server carries on."""
    url = f"{isolated_server.url}/gradio_api/call/ask"
    huge = b'{"data": ["' + b"a" * (MAX_BODY_BYTES + 1) + b'", []]}'
    declared = httpx.post(url, content=huge, headers={"content-type": "application/json"}, timeout=60)
    assert declared.status_code == 413 and "request body too large" in declared.text

    def chunks():
        yield b'{"data": ["'
        for _ in range(MAX_BODY_BYTES // (1 << 20) + 2):
            yield b"a" * (1 << 20)
        yield b'", []]}'

    streamed = httpx.post(url, content=chunks(), headers={"content-type": "application/json"}, timeout=60)
    assert streamed.status_code in (400, 413), streamed.text  # 400: Gradio's, after our receive() refused
    upload = httpx.post(
        f"{isolated_server.url}/gradio_api/upload",
        files={"files": ("notes.txt", random.Random(0).randbytes(2 * 1024 * 1024))},
        timeout=60,
    )
    assert upload.status_code == 413, upload.text  # max_file_size="1mb": the page has no file inputs
    event, data = call_api(isolated_server.url, "ask", "电" * 200_000, [])  # 600 kB: under the limit
    assert event == "complete" and data[0]["refused"] is True
    assert isolated_server.proc.poll() is None


def test_nothing_is_written_outside_the_index_folder(isolated_server, isolated_workdir: Path):
    """After the page, /ask, /check, errors and refused bodies: HOME and TMPDIR are as empty as they
    started; the working folder holds only the log; Gradio's temp folder and jieba's cache are in
    ``<index>/tmp``; the class insights are the one file of ``data/`` beside the index."""
    page = httpx.get(isolated_server.url, timeout=30)
    assert page.status_code == 200
    assert call_api(isolated_server.url, "check", "电子政务有哪些特征？", "政府信息公开共享")[0] == "complete"
    root = isolated_workdir
    assert list((root / "home").rglob("*")) == []
    assert list((root / "tmp").rglob("*")) == []
    assert [p.name for p in (root / "cwd").rglob("*")] == ["server.log"]
    runtime = root / "index" / "tmp"
    assert (runtime / "jieba.cache").is_file() and (runtime / "gradio").is_dir()
    assert {p.name for p in (root / "index").iterdir()} <= {".lock", "CURRENT", "builds", "tmp"}
    assert {p.name for p in root.iterdir()} <= {"corpus", "index", "data", "home", "tmp", "cwd", "site"}
    data = root / "data"  # (the insights are written a moment after the answer)
    insights = {p.name for p in data.iterdir()} if data.exists() else set()
    assert insights <= {"insights.sqlite3", "insights.sqlite3-wal", "insights.sqlite3-shm"}


def test_files_garbled_under_a_running_app_show_no_traceback(isolated_server, isolated_workdir: Path):
    """Last (it garbles this server's index): the SQLite file overwritten in place and the HNSW
    files cut short while the app runs. It answers from what it loaded at start; had anything
    failed, the student would read the generic line. (The next start finds the build corrupt.)"""
    build = live_build_dir(isolated_workdir / "index")
    sqlite = build / "chroma" / "chroma.sqlite3"
    with sqlite.open("r+b") as file:
        file.write(random.Random(0).randbytes(sqlite.stat().st_size))
    for path in (build / "chroma").glob("*/*.bin"):
        os.truncate(path, path.stat().st_size // 3)
    for api, data in [("ask", ("电子政务有哪些特征？", [])), ("check", ("电子政务有哪些特征？", "政府信息公开共享"))]:
        event, result = call_api(isolated_server.url, api, *data)
        assert event == "complete" or result["error"] in (APP_ERROR, CHECK_ERROR), result
        for leak in LEAKS:
            assert leak not in str(result)
    assert httpx.get(isolated_server.url, timeout=30).status_code == 200
    assert isolated_server.proc.poll() is None
