"""The ``egov-qa`` command line."""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from egov_qa.app.cli_stats import stats
from egov_qa.app.cli_support import echo_json, fail, one_line, open_engine, read, read_questions, record, write_lines
from egov_qa.app.runtime import keep_files_in_index
from egov_qa.config import Settings
from egov_qa.ingest.notes import chunk_document, outline_file, report_file
from egov_qa.ingest.report import outline_lines, render_report
from egov_qa.models import Outline
from egov_qa.questions.typed import plain_text, question_problem

if TYPE_CHECKING:
    from egov_qa.models import CheckResult

INGEST_NICENESS = 10  # lower CPU priority of egov-qa ingest (Unix)

app = typer.Typer(
    help="egov-qa: ask questions about course notes, with answers cited by chapter and point.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


app.command()(stats)  # egov-qa stats: the class insights (cli_stats.py)


@app.callback()
def _main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Show debug logging.")) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(message)s")


def _read_outline(path: Path) -> Outline:
    return read(outline_file, path)


@app.command()
def outline(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A notes file (.txt, .md, .docx)."),
    as_json: bool = typer.Option(False, "--json", help="Print the outline as JSON (chapters → points → sections)."),
    report: bool = typer.Option(
        False,
        "--report",
        help="Print how the notes were parsed instead: the levels found (marker style, count), numbering gaps "
        "and repeats, text outside any unit and what was dropped as site or page furniture, with line numbers.",
    ),
) -> None:
    """Print the chapter → point → section tree the notes were parsed into."""
    if report:
        parsed, found = read(report_file, file)
        if as_json:
            echo_json(dataclasses.asdict(found))
        else:
            typer.echo("\n".join(render_report(parsed, found)))
        return
    parsed = _read_outline(file)
    if as_json:
        echo_json(parsed.to_json())
        return
    for line in outline_lines(parsed):
        typer.echo(line)


@app.command()
def chunks(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A notes file (.txt, .md, .docx)."),
    as_json: bool = typer.Option(False, "--json", help="Print the chunks as JSON."),
) -> None:
    """Show the retrievable chunks of a notes file with their citation labels."""
    settings = Settings()
    items = chunk_document(_read_outline(file), settings)
    if as_json:
        echo_json([{**chunk.__dict__, "text": chunk.text} for chunk in items])
        return
    for chunk in items:
        part = f" (第{chunk.part + 1}段)" if chunk.part else ""
        typer.secho(f"[{chunk.label}]{part} {len(chunk.text)} 字", fg=typer.colors.CYAN)
        typer.echo(chunk.text)
        typer.echo("")


@app.command()
def serve(
    host: str = typer.Option(None, "--host", help="Address to bind (default 127.0.0.1; 0.0.0.0 = whole LAN)."),
    port: int = typer.Option(None, "--port", help="Port (default 7860)."),
    auth: str = typer.Option(None, "--auth", help="Require a login: user:pass."),
    auth_file: Path = typer.Option(None, "--auth-file", dir_okay=False, help="File of user:pass lines."),
) -> None:
    """Start the chat app (same as `python app.py`); with --host 0.0.0.0 it prints the LAN URL."""
    from egov_qa.app.server import AuthError, parse_auth  # noqa: PLC0415 — loads gradio
    from egov_qa.app.server import serve as run_server  # noqa: PLC0415

    try:
        logins = parse_auth(auth, auth_file)
    except AuthError as exc:
        fail(exc, exc)
    run_server(Settings(), host=host, port=port, auth=logins)


@app.command()
def ingest(
    force: bool = typer.Option(False, "--force", help="Rebuild even when the index is up to date."),
) -> None:
    """Build the search index from the corpus folder (only when notes or settings changed)."""
    from egov_qa.index.manifest import corpus_files  # noqa: PLC0415
    from egov_qa.index.store import backend_for, build_index, index_status  # noqa: PLC0415 — chromadb is slow to import

    settings = Settings()
    keep_files_in_index(settings)
    try:
        status = index_status(settings)
        # (with no notes here a Chroma server's index is served as it is, but there is nothing to ingest)
        if status.ok and not force and corpus_files(settings):
            manifest = status.manifest or {}
            typer.echo(
                f"索引已是最新 / index is up to date: {manifest.get('chunk_count')} chunks, "
                f"{len(manifest.get('files', {}))} files, model {manifest.get('embedding_model')}, "
                f"in {backend_for(settings).where}"
            )
            return
        if not status.ok:
            typer.echo(status.summary, err=True)
        # Building is background work: an app serving a class on this machine keeps the cores first
        # (on an idle machine this costs nothing).
        if hasattr(os, "nice"):
            os.nice(INGEST_NICENESS)
        info = build_index(settings, progress=True)
    except Exception as exc:
        logging.getLogger(__name__).debug("ingest failed", exc_info=True)
        fail(one_line(exc), exc)
    typer.echo(
        f"已建立索引 / index built: {info.chunk_count} chunks from {len(info.files)} files "
        f"({', '.join(info.files)}), model {info.model_id}, {info.seconds:.1f} s, in {info.where}"
    )


@app.command()
def status() -> None:
    """Say whether the index is ready: where it is (folder or Chroma server), the live build and
    what it was built from. Exit status 2 when it is not usable as it is."""
    from egov_qa.index.store import backend_for, index_status  # noqa: PLC0415 — chromadb is slow to import

    settings = Settings()
    found = index_status(settings)
    manifest = found.manifest or {}
    typer.echo(found.summary)
    typer.echo(f"  where: {backend_for(settings).where}")
    if found.build:
        typer.echo(f"  build: {found.build} (built {manifest.get('built_at', '?')})")
    if manifest:
        typer.echo(
            f"  {manifest.get('chunk_count')} chunks, {manifest.get('piece_count')} pieces from "
            f"{', '.join(manifest.get('files', {})) or '-'}; model {manifest.get('embedding_model')}"
        )
    if not found.ok:
        fail(found.message)


@app.command()
def ask(
    question: str = typer.Argument(..., help="The question, in Chinese or English."),
    history: list[str] = typer.Option(
        [], "--history", help="An earlier question of the conversation (repeatable, oldest first)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the answer object as JSON."),
) -> None:
    """Answer one question from the notes, with its citations."""
    from egov_qa.answer.messages import SUGGESTIONS_LEAD  # noqa: PLC0415
    from egov_qa.evaluation.metrics import dumps  # noqa: PLC0415

    settings = Settings()
    problem = question_problem(plain_text(question).strip(), settings.max_question_chars)
    if problem is not None:  # empty or too long: said before the index is opened
        fail(problem.both)
    answer = open_engine(settings).ask(question, history)
    record(settings, "cli", question, answer)
    if as_json:
        # a batch line's keys (id null) plus mode, quotes, understood_as, suggestions
        typer.echo(dumps(answer.model_dump()))
        return
    typer.echo(answer.answer)
    if answer.suggestions:
        typer.echo(f"\n{SUGGESTIONS_LEAD}\n" + "\n".join(f"  · {q}" for q in answer.suggestions))


@app.command()
def batch(
    questions: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL with id, question, history."),
    output: Path = typer.Option(None, "-o", "--output", help="Write answers here (default: stdout)."),
) -> None:
    """Answer every question of a JSONL file; one JSON answer per line."""
    from egov_qa.evaluation.metrics import dumps  # noqa: PLC0415

    items = read_questions(questions)  # a bad file fails before the index is opened
    engine = open_engine(Settings())
    lines = []
    for q in items:
        answer = engine.ask(q.question, q.history)
        answer.id = q.id
        lines.append(dumps(answer.model_dump(include={"id", "answer", "refused", "citations", "passages", "ms"})))
    write_lines(lines, output, "answers")


def _check_line(result: CheckResult) -> dict:
    """A ``check --batch`` output line: the ``/check`` object's keys a grader reads."""
    keys = {"id", "coverage", "citation", "items", "refused", "note", "seems_to_answer"}
    return result.model_dump(include=keys)


@app.command()
def check(
    question: str = typer.Option(None, "--question", "-q", help="The exam question."),
    answer: str = typer.Option(None, "--answer", "-a", help="The student's answer to it."),
    batch: Path = typer.Option(
        None, "--batch", exists=True, dir_okay=False, help='JSONL of {"id", "question", "answer"}; one result per line.'
    ),
    output: Path = typer.Option(None, "-o", "--output", help="With --batch: write results here (default: stdout)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result object as JSON."),
) -> None:
    """Check an answer against the notes: which key items of the notes' point it covers."""
    from egov_qa.evaluation.metrics import dumps  # noqa: PLC0415
    from egov_qa.models import CheckRequest  # noqa: PLC0415

    if batch is None and not (question or "").strip():
        fail("give --question and --answer, or --batch FILE")
    if batch is None and not (answer or "").strip():
        fail("the answer is empty: write an answer to check (--answer)")
    requests = read_questions(batch, CheckRequest, "answers") if batch else []
    settings = Settings()
    checker = open_engine(settings).checker
    if batch is None:  # (a batch is the teacher's own tooling: not recorded in the class insights)
        result = checker.check(question, answer)
        record(settings, "cli-check", question, result)
        if as_json:
            typer.echo(dumps(result.model_dump()))
            return
        typer.echo(result.message)
        marks = {"covered": "✓", "partly": "◐", "missing": "✗"}
        for item in result.items:
            typer.echo(f"  {marks[item.status]} {item.text}" + (f"  ← {item.match}" if item.match else ""))
        return
    lines = []
    for request in requests:
        result = checker.check(request.question, request.answer)
        result.id = request.id
        lines.append(dumps(_check_line(result)))
    write_lines(lines, output, "results")


@app.command("eval")
def evaluate_cmd(
    questions: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="JSONL in the eval schema (tests/data/eval/README.md)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON."),
    ablate: bool = typer.Option(
        False,
        "--ablate",
        help="Also score with each question rule switched off in turn (a table: what each rule is worth).",
    ),
) -> None:
    """Score retrieval, citations, key terms and refusals on a labelled question set."""
    from egov_qa.evaluation.ablation import ablate as run_ablation  # noqa: PLC0415
    from egov_qa.evaluation.ablation import format_ablation  # noqa: PLC0415
    from egov_qa.evaluation.metrics import dumps, evaluate, format_report  # noqa: PLC0415

    items = read_questions(questions)
    engine = open_engine(Settings())
    engine.ask("预热", [])  # first call loads jieba's dictionary; keep it out of the latency figures
    if ablate:
        results = run_ablation(engine, items)
        if as_json:
            typer.echo(dumps({a.rule: {**a.report.as_dict(), "answers_changed": a.changed} for a in results}))
        else:
            typer.echo(format_ablation(results))
        return
    report, _ = evaluate(items, lambda q: engine.ask(q.question, q.history))
    typer.echo(dumps(report.as_dict()) if as_json else format_report(report))


@app.command()
def calibrate(
    questions: Path = typer.Argument(
        None, exists=True, dir_okay=False, help="Optional: your own JSONL with answerable and out_of_scope items."
    ),
    max_false_refusals: float = typer.Option(0.05, help="Share of answerable questions that may be refused."),
    refit: bool = typer.Option(False, "--fit", help="Also fit the evidence weights (for another embedding model)."),
) -> None:
    """Set EGOV_QA_MIN_RELEVANCE for your notes: questions made from them (ones they answer, three
    kinds they cannot) and, if given, your own labelled ones; prints how well each kind is told
    apart (AUC) and how many of it would be refused."""
    from egov_qa.evaluation import calibration as cal  # noqa: PLC0415

    items = read_questions(questions) if questions else []
    engine = open_engine(Settings())
    probes = cal.generated_probes(engine.notes.chunks, engine.vocabulary.notes_text)
    probes += cal.labelled_probes(items, questions.name) if questions else []
    scored = cal.score(probes, engine.search_for)
    weights = engine.settings.answerability
    if refit:
        weights = cal.fit(scored)
        engine = type(engine)(engine.settings.model_copy(update={"answerability": weights}), engine.index)
        scored = cal.score(probes, engine.search_for)
    cut = cal.threshold(scored, max_false_refusals)
    typer.echo("source                   questions  AUC    below the threshold")
    for row in cal.report(scored, cut):
        kind = "answered" if row.answerable else "not answered"
        auc = "  -  " if row.auc is None else f"{row.auc:.3f}"
        typer.echo(f"{row.source[:16]:16s} {kind:12s} {row.questions:4d}  {auc}  {row.below:.2f}")
    if refit:
        for name, value in weights.model_dump().items():
            typer.echo(f"EGOV_QA_ANSWERABILITY__{name.upper()}={value}")
    typer.echo(f"EGOV_QA_MIN_RELEVANCE={cut:.4f}")


if __name__ == "__main__":  # python -m egov_qa.app.cli (the teacher page runs ingest so)
    app()
