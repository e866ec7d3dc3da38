"""``egov-qa stats``: what the class asked (the class insights, ``insights/``) for a period, as a
short table, as JSON, or its rows as CSV. Registered on the ``egov-qa`` app by ``cli.py``."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from egov_qa.app.cli_support import echo_json, fail
from egov_qa.app.runtime import keep_files_in_index
from egov_qa.config import Settings
from egov_qa.insights.store import InsightsError, Row, db_path, read_rows

if TYPE_CHECKING:
    from egov_qa.insights.report import Insights

SHOWN = 10  # entries of each list in the table (--json has them all)
SHOWN_DAYS = 14
GAP_CHARS = 60  # a long refused question is cut in the table


def stats(
    since: datetime = typer.Option(
        None, "--since", formats=["%Y-%m-%d"], help="First day (YYYY-MM-DD, local time); default: all that is kept."
    ),
    until: datetime = typer.Option(None, "--until", formats=["%Y-%m-%d"], help="Last day (YYYY-MM-DD), inclusive."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    csv_file: Path = typer.Option(
        None,
        "--csv",
        dir_okay=False,
        help="Also write the period's questions to this CSV file (UTF-8, opens in Excel).",
    ),
) -> None:
    """What the class asked: questions per day, the most-asked points of the notes, the questions
    the notes could not answer (near-duplicates grouped), the points checked answers miss most.
    Anonymous: no names, logins, IP addresses or sessions are recorded."""
    from egov_qa.insights.report import bounds, summarize  # noqa: PLC0415 — jieba's tagger: not for --help

    settings = Settings()
    first, last = (since.date() if since else None), (until.date() if until else None)
    if first and last and last < first:
        fail("--until is before --since")
    start, end = bounds(first, last)
    try:
        rows = read_rows(settings.data_dir, settings.insights_days, start, end)
    except (sqlite3.Error, InsightsError, OSError) as exc:
        fail(f"课堂记录无法读取 / the class insights cannot be read ({db_path(settings.data_dir)}): {exc}", exc)
    if not settings.insights:
        typer.echo("注意 / note: EGOV_QA_INSIGHTS=false, new questions are not recorded", err=True)
    if csv_file is not None:
        _write_csv(rows, csv_file)
    if any(r.refused for r in rows):  # the gaps' rule reads words (jieba): its cache goes to <index>/tmp
        keep_files_in_index(settings)
    found = summarize(rows, first, last)
    if as_json:
        echo_json(found.as_dict())
    else:
        typer.echo("\n".join(table(found, db_path(settings.data_dir))))


def _write_csv(rows: list[Row], path: Path) -> None:
    from egov_qa.insights.report import save_csv  # noqa: PLC0415

    try:
        n = save_csv(rows, path)
    except OSError as exc:
        fail(exc, exc)
    typer.echo(f"{n} questions → {path}", err=True)


def _period(found: Insights) -> str:
    def day(value: date | None, default: str) -> str:
        return value.isoformat() if value else default

    if found.days and not (found.since and found.until):
        return f"{day(found.since, found.days[0].day)} … {day(found.until, found.days[-1].day)}"
    return f"{day(found.since, '…')} … {day(found.until, '…')}"


def table(found: Insights, where: Path) -> list[str]:
    """The figures as a short Chinese + English table."""
    lines = [f"课堂提问 / class insights: {_period(found)}   ({where})"]
    if not found.questions:
        return [*lines, "这段时间没有记录 / nothing recorded in this period"]
    lines.append(f"提问 / questions: {found.questions}    未能回答 / refused: {found.refused}")
    lines += ["", "每天 / per day:"]
    lines += [f"  {d.day}  {d.questions:5d} questions  {d.refused:4d} refused" for d in found.days[-SHOWN_DAYS:]]
    lines += ["", "问得最多的要点 / most-asked points:"]
    lines += [f"  {p.count:5d}  {p.label}" for p in found.points[:SHOWN]] or ["  -"]
    lines += ["", "笔记没有回答的问题 / gaps in the notes (near-duplicates grouped):"]
    for gap in found.gaps[:SHOWN]:
        text = gap.question if len(gap.question) <= GAP_CHARS else gap.question[:GAP_CHARS] + "…"
        others = len(gap.wordings) - 1
        lines.append(f"  {gap.count:5d}  {text}" + (f"  (+{others} 种问法 / wordings)" if others else ""))
    if not found.gaps:
        lines.append("  -")
    lines += ["", "自测漏得最多的要点 / checked answers, lowest coverage first:"]
    lines += [f"  {c.mean_coverage:5.2f}  ({c.answers} answers)  {c.label}" for c in found.checks[:SHOWN]] or ["  -"]
    if len(found.points) > SHOWN or len(found.gaps) > SHOWN or len(found.checks) > SHOWN:
        lines += ["", f"（每项只列前 {SHOWN} 条；--json 列出全部 / the first {SHOWN} of each; --json has all)"]
    return lines
