"""The class's questions in SQLite, anonymously: ``<data_dir>/insights.sqlite3``.

One table, ``questions``. A row holds only what the figures need: when (UTC, whole seconds), the
question as asked, the surface it came through, whether it was refused, the first cited unit
(label and notes file) and, for a checked answer, its coverage. Nothing that could tell students
apart is stored: no name, login, IP address, session or browser id, no conversation (each question
is its own row, with no link to the ones before it) and no answer text.

Several app processes may write at once (behind a reverse proxy, or ``egov-qa ask`` beside the
app): the file is in WAL mode, every connection waits up to ``BUSY_S`` for another's write, and
each row is one short ``BEGIN IMMEDIATE`` transaction, so no row is lost to a lock. The schema's
version is SQLite's ``user_version``; a missing schema is created. Rows older than the retention
period are deleted when the store is opened and then at most once a day.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

FILE_NAME = "insights.sqlite3"
SCHEMA_VERSION = 2  # 2: mode
DAY_S = 86_400
BUSY_S = 10.0  # how long a write waits for another process's write (SQLite's busy timeout)
RETRY_S = 0.01  # pause between tries of a set-up SQLite did not wait for

Surface = Literal["chat", "api", "cli", "check", "practice", "cli-check"]
SURFACES: tuple[Surface, ...] = get_args(Surface)
QUESTION_SURFACES: tuple[Surface, ...] = ("chat", "api", "cli")  # a question answered
CHECK_SURFACES: tuple[Surface, ...] = ("check", "practice", "cli-check")  # an answer checked

COLUMNS = ("at", "surface", "question", "refused", "label", "source", "coverage", "mode")
MODE_COLUMN = "mode TEXT CHECK (mode IN ('extractive', 'generative'))  -- how it was answered (a check: null)"
_SURFACE_LIST = ", ".join(f"'{s}'" for s in SURFACES)
SCHEMA = (
    f"""CREATE TABLE questions (
    at       INTEGER NOT NULL,  -- when it was asked: UTC, seconds since 1970
    surface  TEXT    NOT NULL CHECK (surface IN ({_SURFACE_LIST})),
    question TEXT    NOT NULL,  -- as asked (control characters removed, capped)
    refused  INTEGER NOT NULL CHECK (refused IN (0, 1)),
    label    TEXT,              -- the first cited unit (a check: the unit checked against)
    source   TEXT,              -- that unit's notes file
    coverage REAL    CHECK (coverage BETWEEN 0 AND 1),  -- a checked answer's coverage
    {MODE_COLUMN}
)""",
    "CREATE INDEX questions_at ON questions (at)",
)


class InsightsError(Exception):
    """The file cannot be used: written by a newer egov-qa."""


@dataclass(frozen=True)
class Row:
    """One question of the class, as stored."""

    at: int  # UTC seconds since 1970
    surface: Surface
    question: str
    refused: bool
    label: str | None = None
    source: str | None = None
    coverage: float | None = None
    mode: str | None = None  # "extractive" or "generative" (a question answered)

    @property
    def checked(self) -> bool:
        """An answer checked (自测, /check, egov-qa check) rather than a question answered."""
        return self.surface in CHECK_SURFACES


def db_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


class Store:
    """An open insights file. Use it from one thread (the recorder's writer, or a command)."""

    def __init__(self, path: Path, keep_days: int, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.keep_days = keep_days
        self._clock = clock
        self._pruned_at = 0.0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=BUSY_S, isolation_level=None)  # transactions are explicit
        try:
            self._set_up()
        except BaseException:
            self._db.close()
            raise

    def _set_up(self) -> None:
        """WAL, the schema, retention. Switching a new file to WAL takes an exclusive lock for which
        SQLite does not wait (processes creating the file together get "database is locked" at
        once), so the set-up is tried again until the busy timeout has passed."""
        deadline = time.monotonic() + BUSY_S
        while True:
            try:
                self._newer_schema(self._version())  # (a newer file is left exactly as it is)
                if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":  # (kept in the file)
                    self._db.execute("PRAGMA journal_mode=WAL")  # readers never block the writer, nor it them
                self._db.execute("PRAGMA synchronous=NORMAL")  # no fsync per row (WAL stays consistent)
                self._migrate()
                self.prune()
                return
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                    raise
                if time.monotonic() > deadline:
                    raise
                time.sleep(RETRY_S)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")  # the write lock now: waits for it (busy timeout), never upgrades
        try:
            yield self._db
        except BaseException:
            if self._db.in_transaction:  # (SQLite rolls back by itself after some errors: a full disk)
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        if self._version() == SCHEMA_VERSION:
            return
        with self._transaction() as db:
            version = self._version()  # another process may have created it meanwhile
            self._newer_schema(version)
            if version == 0:
                for statement in SCHEMA:
                    db.execute(statement)
            elif version == 1:  # rows kept; theirs have no mode
                db.execute(f"ALTER TABLE questions ADD COLUMN {MODE_COLUMN.split('  --')[0]}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _newer_schema(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise InsightsError(
                f"{self.path} was written by a newer egov-qa (schema {version}, this one reads {SCHEMA_VERSION})"
            )

    def prune(self) -> int:
        """Delete the rows older than the retention period; returns how many."""
        now = self._clock()
        with self._transaction() as db:
            deleted = db.execute("DELETE FROM questions WHERE at < ?", (self._cutoff(now),)).rowcount
        self._pruned_at = now
        return int(deleted)

    def _cutoff(self, now: float) -> int:
        return int(now) - self.keep_days * DAY_S

    def add(self, row: Row) -> None:
        """Store one row, in a transaction of its own (and prune first when a day has passed)."""
        if self._clock() - self._pruned_at >= DAY_S:
            self.prune()
        values = (row.at, row.surface, row.question, int(row.refused), row.label, row.source, row.coverage, row.mode)
        with self._transaction() as db:
            db.execute(f"INSERT INTO questions ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", values)

    def rows(self, start: int | None = None, end: int | None = None) -> list[Row]:
        """The rows asked at ``start`` ≤ at < ``end`` (UTC seconds; None: open), oldest first."""
        return _select(self._db, start, end, self._cutoff(self._clock()))


def _select(db: sqlite3.Connection, start: int | None, end: int | None, cutoff: int) -> list[Row]:
    found = db.execute(
        f"SELECT {', '.join(COLUMNS)} FROM questions WHERE at >= ? AND at < ? ORDER BY at, rowid",
        (max(start if start is not None else cutoff, cutoff), end if end is not None else 2**62),
    )
    return [
        Row(at, surface, question, bool(refused), label, source, coverage, mode)
        for (at, surface, question, refused, label, source, coverage, mode) in found
    ]


def read_rows(
    data_dir: Path,
    keep_days: int,
    start: int | None = None,
    end: int | None = None,
    clock: Callable[[], float] = time.time,
) -> list[Row]:
    """The rows of a period (``egov-qa stats``); none when nothing was recorded yet (the file is
    not created). A file this process may not write is read as it is, rows past the retention
    period left out."""
    path = db_path(data_dir)
    if not path.is_file():
        return []
    try:
        with closing(Store(path, keep_days, clock)) as store:
            return store.rows(start, end)
    except sqlite3.OperationalError:  # a read-only copy or folder: read without pruning
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_S)) as db:
            return _select(db, start, end, int(clock()) - keep_days * DAY_S)
