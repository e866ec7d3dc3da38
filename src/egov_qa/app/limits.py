"""A bound on the size of a request body, for the app's web server.

Gradio sets none of its own (``max_file_size`` bounds uploaded files only): a POST of any size to
``/gradio_api/call/ask`` would be read into memory whole before the question's own limit
(``EGOV_QA_MAX_QUESTION_CHARS``) is looked at. ``BodyLimit`` answers a larger body with
``413`` at once when its ``Content-Length`` says so; a body sent without one (chunked) is read
only until it has gone over, then the app is told the body failed (Gradio answers ``400``). The
largest real request is the chat page's: the question, the chat as shown and the kept
conversation (at most ``conversation.MAX_KEPT`` exchanges, about 20 kB each with their passages:
about 2 MB), so the limit leaves room for several times that.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

MAX_BODY_BYTES = 16 * 1024 * 1024
TOO_LARGE = "请求太大了 / request body too large"

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


class _TooLarge(Exception):
    """Raised into the app by ``receive`` once the body has gone over the limit."""


class BodyLimit:
    """ASGI middleware: HTTP requests with a body over ``max_bytes`` get 413 (the body is not read)."""

    def __init__(self, app: Asgi, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _refuse(send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except _TooLarge:
            if not started:
                await _refuse(send)


async def _refuse(send: Send) -> None:
    body = TOO_LARGE.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
