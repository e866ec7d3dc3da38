"""What the ``egov-qa`` commands share: one-line errors (exit status 2), reading input files,
writing JSON, opening the engine, recording a question in the class insights."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer

from egov_qa.app.runtime import keep_files_in_index
from egov_qa.config import Settings
from egov_qa.ingest.loading import UnreadableFile

if TYPE_CHECKING:
    from egov_qa.engine import Engine
    from egov_qa.insights.store import Surface
    from egov_qa.models import Answer, CheckResult

Read = TypeVar("Read")


def fail(message: object, cause: BaseException | None = None) -> NoReturn:
    """A one-line error and exit status 2."""
    typer.secho(f"错误 / error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2) from cause


def read(parse: Callable[[Path], Read], path: Path) -> Read:
    """``parse(path)``, or a one-line error and exit status 2 for a file that cannot be read."""
    try:
        return parse(path)
    except (UnreadableFile, OSError) as exc:
        fail(exc, exc)


def write_lines(lines: list[str], output: Path | None, what: str) -> None:
    """JSON lines to ``output``, or to stdout."""
    text = "\n".join(lines) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"{len(lines)} {what} → {output}", err=True)
    else:
        typer.echo(text, nl=False)


def echo_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def open_engine(settings: Settings) -> Engine:
    """The engine, or a one-line error and exit status 2. (Imports here and in the commands are
    lazy: chromadb, the models and gradio are slow to import, and ``--help`` should not wait.)"""
    from egov_qa.engine import Engine  # noqa: PLC0415
    from egov_qa.index.embeddings import ModelError  # noqa: PLC0415
    from egov_qa.index.store import IndexNotReady  # noqa: PLC0415
    from egov_qa.rules.registry import UnknownRule  # noqa: PLC0415

    keep_files_in_index(settings)
    try:
        return Engine.open(settings)
    except (IndexNotReady, ModelError, UnknownRule) as exc:
        fail(exc, exc)
    except Exception as exc:  # a failed rebuild, say: still one line for the teacher (-v shows the traceback)
        logging.getLogger(__name__).debug("opening the index failed", exc_info=True)
        fail(f"索引无法打开 / the index could not be opened: {one_line(exc)}", exc)


def record(settings: Settings, surface: Surface, question: str, outcome: Answer | CheckResult) -> None:
    """The question of ``egov-qa ask`` / ``check`` in the class insights (written before the command
    exits; a failed write is one warning and changes nothing else)."""
    from egov_qa.insights.recorder import record_one  # noqa: PLC0415

    record_one(settings, surface, question, outcome)


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def read_questions(path: Path, model: type | None = None, what: str = "questions") -> list:
    """The records of a JSONL file (eval questions by default), or a one-line error and exit 2."""
    from egov_qa.evaluation.metrics import Question, QuestionFileError, read_records  # noqa: PLC0415

    try:
        return read_records(path, model or Question, what)
    except QuestionFileError as exc:
        fail(exc, exc)
