"""The teacher page's 课堂情况: the class insights of a period (``insights.report``) as the tables
and bar charts Gradio shows, and as the CSV the teacher downloads."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from egov_qa.config import Settings
from egov_qa.insights.report import Insights, bounds, save_csv, summarize
from egov_qa.insights.store import read_rows

PERIODS = {"最近 7 天": 7, "最近 30 天": 30, "全部": None}  # shown → days back (None: all that is kept)
DEFAULT_PERIOD = "最近 30 天"
TOP_POINTS = 15  # bars in the most-asked chart (the table and the CSV have them all)
DAY, QUESTIONS, REFUSED, POINT, COUNT = "日期", "提问", "未能回答", "要点", "次数"


@dataclass(frozen=True)
class Dashboard:
    summary: str  # Markdown
    days: pd.DataFrame  # 日期, 提问, 未能回答
    points: pd.DataFrame  # 要点, 次数 (most asked first)
    gaps: pd.DataFrame  # 问题, 次数, 其他问法
    checks: pd.DataFrame  # 要点, 答案数, 平均覆盖
    csv: Path | None = None  # the period's questions, for 导出 CSV


def period_start(period: str, today: date | None = None) -> date | None:
    days = PERIODS.get(period, PERIODS[DEFAULT_PERIOD])
    return None if days is None else (today or date.today()) - timedelta(days=days - 1)


def dashboard(settings: Settings, period: str, folder: Path) -> Dashboard:
    """The period's figures, and its questions as a CSV file in ``folder`` (UTF-8 with a BOM, so
    Excel reads it), from one read of the insights file."""
    since = period_start(period)
    start, end = bounds(since, None)
    rows = read_rows(settings.data_dir, settings.insights_days, start, end)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"class-questions-{since.isoformat() if since else 'all'}-to-{date.today().isoformat()}.csv"
    save_csv(rows, path)
    return replace(figures(summarize(rows, since, None), settings.insights), csv=path)


def figures(found: Insights, recording: bool = True) -> Dashboard:
    checked = sum(c.answers for c in found.checks)
    summary = f"**{found.questions}** 个提问，笔记未能回答 **{found.refused}** 个"
    if checked:
        summary += f"（提问中有 **{checked}** 份是自测批改的答案）"
    if not recording:
        summary += "\n\n注意：课堂记录已关闭（EGOV_QA_INSIGHTS=false），新的提问不会被记录。"
    points = [(p.label, p.count) for p in found.points[:TOP_POINTS]]
    return Dashboard(
        summary=summary,
        days=pd.DataFrame([(d.day, d.questions, d.refused) for d in found.days], columns=[DAY, QUESTIONS, REFUSED]),
        points=pd.DataFrame(points, columns=[POINT, COUNT]),
        gaps=pd.DataFrame(
            [(g.question, g.count, "；".join(g.wordings[1:])) for g in found.gaps], columns=["问题", COUNT, "其他问法"]
        ),
        checks=pd.DataFrame(
            [(c.label, c.answers, round(c.mean_coverage, 2)) for c in found.checks],
            columns=[POINT, "答案数", "平均覆盖"],
        ),
    )
