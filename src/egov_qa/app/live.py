"""The engine over the live index build, replaced without a restart when a new build goes live.

``egov-qa ingest`` (or the teacher's publish) builds aside and switches the live build atomically
(``index.store``). A serving app notices the switch (it looks at most once per ``poll_seconds``,
when a request comes), opens and warms an engine over the new build in a background thread while
the old engine keeps answering, and then swaps it in with one assignment. Every request takes the
engine once (``current()``) and uses it to the end, so an answer never mixes two builds: old
passages with new labels cannot happen.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from egov_qa.config import Settings

log = logging.getLogger(__name__)

RETRY_S = 30.0  # a build that could not be opened is tried again after this long


class Reloadable(Protocol):
    """What the holder needs of an engine: the build it serves, and a question to warm it with."""

    @property
    def build(self) -> str: ...

    def warm_up(self) -> None: ...


E = TypeVar("E", bound=Reloadable)


class LiveEngine(Generic[E]):
    """Holds the engine of the live build; ``current()`` is what every request calls."""

    def __init__(
        self,
        engine: E,
        live_build: Callable[[], str | None],
        open_engine: Callable[[], E],
        poll_seconds: float = 1.0,
    ) -> None:
        self._engine = engine
        self._live_build = live_build
        self._open_engine = open_engine
        self._poll_seconds = poll_seconds
        self._next_poll = time.monotonic() + poll_seconds
        self._lock = threading.Lock()
        self._loading: str | None = None  # the build being opened in the background
        self._failed: tuple[str, float] | None = None  # a build that could not be opened, and when
        self.swaps = 0

    def current(self) -> E:
        """The engine to answer this request with (starts loading a newer build when there is one)."""
        now = time.monotonic()
        if now >= self._next_poll:
            self._next_poll = now + self._poll_seconds
            self._poll()
        return self._engine

    def _poll(self) -> None:
        try:
            build = self._live_build()
        except Exception:  # a pointer that cannot be read now: keep serving, look again later
            log.warning("could not read the live index build", exc_info=True)
            return
        with self._lock:
            if not build or build in (self._engine.build, self._loading) or self._failed_lately(build):
                return
            self._loading = build
        threading.Thread(target=self._load, args=(build,), name="egov-qa-reload", daemon=True).start()

    def _failed_lately(self, build: str) -> bool:
        """A build that failed to open is tried again after a while (a Chroma server that was away)."""
        return self._failed is not None and self._failed[0] == build and time.monotonic() < self._failed[1] + RETRY_S

    def _load(self, build: str) -> None:
        started = time.perf_counter()
        try:
            engine = self._open_engine()
            engine.warm_up()
        except Exception:  # the old engine keeps answering; the log says why
            log.exception("the new index build %s could not be opened; still serving %s", build, self._engine.build)
            with self._lock:
                self._failed, self._loading = (build, time.monotonic()), None
            return
        with self._lock:
            self._engine = engine  # one assignment: a request has the old engine or the new, never both
            self._loading = None
            self.swaps += 1
        log.warning("now serving index build %s (opened in %.1f s)", engine.build, time.perf_counter() - started)


def live_engine(settings: Settings, engine: E, open_engine: Callable[[], E]) -> LiveEngine[E]:
    """The holder for a served engine, following the index build ``settings`` point at."""
    from egov_qa.index.store import live_build  # noqa: PLC0415 — keeps this module light

    return LiveEngine(engine, lambda: live_build(settings), open_engine, settings.reload_seconds)
