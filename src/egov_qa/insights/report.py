"""The figures of a period of the class's questions (``egov-qa stats``; the teacher's tab later):
questions per day, the most-asked points of the outline, the gaps in the notes, the points
students miss in checked answers; and the rows themselves as CSV.

Days are the local days of the machine the figures are made on (a school day is not cut at UTC
midnight); a period is from the first day's midnight to the end of the last day.

**Gaps** are the questions the notes could not answer (refused), near-duplicates grouped. The rule:
two questions are near-duplicates when their topics share at least half of their character
bigrams (Jaccard ≥ ``GAP_SIMILARITY``), where a question's topic is its text in simplified,
width-folded, lower-case form (``text.normalize``), an exam instruction read as the question it
asks (``as_plain_question``: 「请介绍一下X」, 「名词解释：X」), without the words that only make it a
question (``FORM_WORDS``: 什么, 哪些, 如何, 意思, 吗, 是, 的…; English stopwords) and without
anything but letters, digits and Chinese characters. So 「区块链是什么？」, 「什么是区块链」 and 「区块链是什么意思」
are one gap; 「区块链有哪些应用？」 is another. Groups are made greedily, the most asked topic first,
each question joining the first group whose leading topic it is near; a group shows its most
frequent wording (ties: the one asked first). Greetings, thanks and messages with no topic of
their own ("还有呢？") are refused because they are not questions about the notes: they are left
out of the gaps.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any, TextIO

from egov_qa.insights.store import COLUMNS, Row
from egov_qa.lexicon import ENGLISH_STOPWORDS, QUESTION_MORPHEMES, STOPWORDS
from egov_qa.questions.followups import names_nothing
from egov_qa.questions.forms import as_plain_question
from egov_qa.questions.talk import small_talk
from egov_qa.text import is_cjk_word, normalize

GAP_SIMILARITY = 0.5
# The words that only make a text a question, longest first: the lexicon's Chinese stopwords of two
# or more characters (什么, 哪些, 如何, 请问, 意思…), its question morphemes (哪, 吗, 呢…), 是 and 的.
FORM_WORDS = (
    *sorted((w for w in STOPWORDS if len(w) >= 2 and is_cjk_word(w)), key=lambda w: (-len(w), w)),
    *sorted(QUESTION_MORPHEMES, key=len, reverse=True),
    "是",
    "的",
)
_ENGLISH_WORD = re.compile(r"[a-z]+")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Day:
    day: str  # YYYY-MM-DD, local
    questions: int
    refused: int


@dataclass(frozen=True)
class PointCount:
    label: str
    source: str | None
    count: int


@dataclass(frozen=True)
class Gap:
    question: str  # the most frequent wording
    count: int
    wordings: list[str] = field(default_factory=list)  # every wording of the group, most asked first


@dataclass(frozen=True)
class CheckFigure:
    label: str
    source: str | None
    answers: int
    mean_coverage: float


@dataclass(frozen=True)
class Insights:
    """What ``egov-qa stats --json`` prints."""

    since: date | None
    until: date | None
    questions: int
    refused: int
    days: list[Day]
    points: list[PointCount]  # questions answered, by the unit first cited; most asked first
    gaps: list[Gap]  # refused questions grouped; most asked first
    checks: list[CheckFigure]  # checked answers by the unit checked against; lowest mean coverage first

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["since"] = self.since.isoformat() if self.since else None
        data["until"] = self.until.isoformat() if self.until else None
        return data


def bounds(since: date | None, until: date | None) -> tuple[int | None, int | None]:
    """The period as UTC seconds, start ≤ at < end: from ``since``'s local midnight to the end
    of ``until`` (None: open)."""

    def midnight(day: date) -> int:
        return int(datetime.combine(day, clock_time.min).timestamp())  # naive: the local time zone

    return (midnight(since) if since else None, midnight(until + timedelta(days=1)) if until else None)


def local_day(at: int) -> date:
    return datetime.fromtimestamp(at).date()


def summarize(rows: Sequence[Row], since: date | None = None, until: date | None = None) -> Insights:
    """The figures of ``rows`` (the rows of the period since…until)."""
    return Insights(
        since=since,
        until=until,
        questions=len(rows),
        refused=sum(r.refused for r in rows),
        days=per_day(rows),
        points=points(rows),
        gaps=gaps(r.question for r in rows if r.refused),
        checks=checks(rows),
    )


def per_day(rows: Sequence[Row]) -> list[Day]:
    """Questions and refusals per local day, from the first day with questions to the last (days
    without any count 0)."""
    asked: Counter[date] = Counter()
    refused: Counter[date] = Counter()
    for row in rows:
        day = local_day(row.at)
        asked[day] += 1
        refused[day] += row.refused
    if not asked:
        return []
    first, last = min(asked), max(asked)
    every = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [Day(day.isoformat(), asked[day], refused[day]) for day in every]


def points(rows: Sequence[Row]) -> list[PointCount]:
    """The units questions were answered from (the first cited), most asked first."""
    counts = Counter((r.label, r.source) for r in rows if not r.checked and not r.refused and r.label)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    return [PointCount(label, source, n) for (label, source), n in ranked if label]


def checks(rows: Sequence[Row]) -> list[CheckFigure]:
    """Per unit checked against: the answers checked and their mean coverage, lowest first (what
    students miss most)."""
    coverages: defaultdict[tuple[str, str | None], list[float]] = defaultdict(list)
    for row in rows:
        if row.checked and row.label and row.coverage is not None:
            coverages[(row.label, row.source)].append(row.coverage)
    figures = [
        CheckFigure(label, source, len(found), round(sum(found) / len(found), 3))
        for (label, source), found in coverages.items()
    ]
    return sorted(figures, key=lambda f: (f.mean_coverage, -f.answers, f.label))


# --- gaps --------------------------------------------------------------------------------------


def topic(question: str) -> str:
    """What a question asks about, as compared for near-duplicates (see the module's rule)."""
    asked = normalize(as_plain_question(question))  # "请介绍一下X" / "名词解释：X" ask about X
    text = _ENGLISH_WORD.sub(lambda m: "" if m.group() in ENGLISH_STOPWORDS else m.group(), asked)
    for word in FORM_WORDS:
        text = text.replace(word, "")
    return _NOT_WORD.sub("", text) or _NOT_WORD.sub("", normalize(question))


def _grams(key: str) -> frozenset[str]:
    return frozenset(key[i : i + 2] for i in range(len(key) - 1)) or frozenset([key])


def near(a: str, b: str) -> bool:
    """Are two topics near-duplicates (character-bigram Jaccard ≥ ``GAP_SIMILARITY``)?"""
    ga, gb = _grams(a), _grams(b)
    return len(ga & gb) >= GAP_SIMILARITY * len(ga | gb)


def not_a_question(text: str) -> bool:
    """A greeting, thanks, or a message with no topic of its own: refused, but no gap in the notes."""
    return small_talk(text) is not None or names_nothing(text)


def gaps(refused: Iterable[str]) -> list[Gap]:
    """The refused questions grouped as near-duplicates, most asked first (see the module's rule).
    Wordings that differ only in punctuation, width or case count as one (shown as first asked)."""
    shown: dict[str, str] = {}  # wording (as compared) → as first asked; in the order first asked
    by_topic: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for text in refused:
        question = text.strip()
        if not question or not_a_question(question):
            continue
        wording = _NOT_WORD.sub("", normalize(question)) or question
        shown.setdefault(wording, question)
        by_topic[topic(question)][wording] += 1
    order = {wording: n for n, wording in enumerate(shown)}

    def first(wordings: Counter[str]) -> int:
        return min(order[w] for w in wordings)

    groups: list[tuple[str, Counter[str]]] = []  # (leading topic, wordings)
    for key, wordings in sorted(by_topic.items(), key=lambda kv: (-kv[1].total(), first(kv[1]))):
        for lead, members in groups:
            if near(lead, key):
                members.update(wordings)
                break
        else:
            groups.append((key, Counter(wordings)))
    found = []
    for _, members in groups:
        ranked = [shown[w] for w in sorted(members, key=lambda w: (-members[w], order[w]))]
        found.append((first(members), Gap(ranked[0], members.total(), ranked)))
    return [gap for _, gap in sorted(found, key=lambda item: (-item[1].count, item[0]))]


# --- CSV -----------------------------------------------------------------------------------------

CSV_HEADER = ("time_utc", *COLUMNS[1:])


def write_csv(rows: Iterable[Row], out: TextIO) -> int:
    """The rows as CSV (time as UTC ISO 8601, refused as 1/0, coverage and mode empty when none);
    returns how many."""
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    n = 0
    for row in rows:
        when = datetime.fromtimestamp(row.at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        coverage = "" if row.coverage is None else f"{row.coverage:g}"
        writer.writerow(
            [
                when,
                row.surface,
                row.question,
                int(row.refused),
                row.label or "",
                row.source or "",
                coverage,
                row.mode or "",
            ]
        )
        n += 1
    return n


def save_csv(rows: Iterable[Row], path: Path) -> int:
    """``write_csv`` into a file, UTF-8 with a BOM (Excel then reads it as UTF-8); returns how many."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        return write_csv(rows, out)
