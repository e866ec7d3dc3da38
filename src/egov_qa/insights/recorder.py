"""The recorder every surface hands its questions to: made once (``server.serve``, a CLI command)
and passed in.

Recording never holds up an answer: ``answered`` / ``checked`` turn the question into a ``Row`` and
put it in a queue (microseconds); one writer thread stores the rows. A write that fails (a
locked, read-only or full disk, a file of a newer version) is logged once as a warning, the row is
dropped and answering goes on; the next row tries again (and says so when it works again). With
``EGOV_QA_INSIGHTS=false`` nothing is queued and no file is made.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from egov_qa.answer.messages import INDEX_UNAVAILABLE
from egov_qa.config import Settings
from egov_qa.insights.store import InsightsError, Row, Store, Surface, db_path
from egov_qa.models import Answer, CheckResult
from egov_qa.questions.typed import plain_text

log = logging.getLogger(__name__)

MAX_PENDING = 10_000  # rows waiting for the writer; beyond this (a disk hanging) new rows are dropped
_STOP = object()


class Recorder:
    """Queues the class's questions for the insights file (``path``; None: recording is off)."""

    def __init__(
        self, path: Path | None, keep_days: int = 180, question_chars: int = 500, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = path.resolve() if path is not None else None  # a later chdir changes nothing
        self.keep_days = keep_days
        self.question_chars = question_chars
        self._clock = clock
        self._queue: queue.Queue[object] = queue.Queue(MAX_PENDING)
        self._lock = threading.Lock()
        self._writer: threading.Thread | None = None
        self._failing = False  # the last write failed (logged once until one works again)
        self._dropped = False
        self._closed = False

    @classmethod
    def for_settings(cls, settings: Settings) -> Recorder:
        path = db_path(settings.data_dir) if settings.insights else None
        return cls(path, settings.insights_days, settings.max_question_chars)

    @classmethod
    def off(cls) -> Recorder:
        return cls(None)

    @property
    def on(self) -> bool:
        return self.path is not None

    # --- what the surfaces call ------------------------------------------------------------------

    def answered(self, surface: Surface, question: str, answer: Answer) -> None:
        """A question answered (the chat, ``/ask``, ``egov-qa ask``)."""
        if answer.refused and answer.answer == INDEX_UNAVAILABLE:  # the notes were not searched: no gap
            return
        cited = answer.citations[0] if answer.citations else None
        label, source = (cited.label, cited.source) if cited else (None, None)
        self._put(surface, question, answer.refused, label, source, mode=answer.mode)

    def checked(self, surface: Surface, result: CheckResult) -> None:
        """An answer checked (自测, ``/check``, ``egov-qa check``). Its coverage is kept when the
        answer was checked against a unit; an empty answer (a note instead) keeps none."""
        if result.note == INDEX_UNAVAILABLE:
            return
        cited = result.citation
        coverage = result.coverage if cited is not None and not result.refused and result.note is None else None
        label, source = (cited.label, cited.source) if cited is not None else (None, None)
        self._put(surface, result.question, result.refused, label, source, coverage)

    def _put(
        self,
        surface: Surface,
        question: str,
        refused: bool,
        label: str | None,
        source: str | None,
        coverage: float | None = None,
        mode: str | None = None,
    ) -> None:
        if self.path is None or self._closed:
            return
        try:
            text = plain_text(question or "").strip()[: self.question_chars]
            if not text:  # nothing was asked
                return
            row = Row(int(self._clock()), surface, text, refused, label, source, coverage, mode)
            self._start()
            self._queue.put_nowait(row)
        except queue.Full:
            if not self._dropped:
                self._dropped = True
                log.warning(
                    "课堂记录积压，新问题未记录 / class insights: %d rows waiting, new ones dropped", MAX_PENDING
                )
        except Exception:  # recording must never break an answer
            log.exception("class insights: a question could not be queued")

    # --- the writer ------------------------------------------------------------------------------

    def _start(self) -> None:
        if self._writer is not None:
            return
        with self._lock:
            if self._writer is None and not self._closed:
                self._writer = threading.Thread(target=self._write, name="egov-qa-insights", daemon=True)
                self._writer.start()

    def _write(self) -> None:
        store: Store | None = None
        while True:
            row = self._queue.get()
            try:
                if row is _STOP:
                    if store is not None:
                        store.close()
                    return
                assert isinstance(row, Row) and self.path is not None
                try:
                    if store is None:
                        store = Store(self.path, self.keep_days, self._clock)
                    store.add(row)
                except (sqlite3.Error, OSError, InsightsError) as exc:
                    self._failed(exc)
                    if store is not None:  # opened afresh for the next row
                        store.close()
                        store = None
                    continue
                if self._failing:
                    self._failing = False
                    log.warning("课堂记录恢复写入 / class insights are written again to %s", self.path)
            finally:
                self._queue.task_done()

    def _failed(self, exc: BaseException) -> None:
        if self._failing:
            log.debug("class insights: a row was not written: %s", exc)
            return
        self._failing = True
        log.warning("课堂记录没有写入（问答不受影响）/ class insights not written to %s: %s", self.path, exc)

    def flush(self) -> None:
        """Wait until every queued row is written (or has failed)."""
        if self._writer is not None:
            self._queue.join()

    def close(self) -> None:
        """Write what is queued and stop the writer; later questions are not recorded."""
        with self._lock:
            self._closed = True
            writer = self._writer
        if writer is not None:
            self._queue.put(_STOP)
            writer.join()


def record_one(settings: Settings, surface: Surface, question: str, outcome: Answer | CheckResult) -> None:
    """Record the one question of a command (``egov-qa ask``, ``egov-qa check``) and wait for the
    write: the process exits next."""
    recorder = Recorder.for_settings(settings)
    if isinstance(outcome, CheckResult):
        recorder.checked(surface, outcome)
    else:
        recorder.answered(surface, question, outcome)
    recorder.close()
