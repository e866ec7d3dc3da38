"""A parse report the teacher can read before publishing notes: the levels found with their marker
style and counts, numbering gaps and repeats, text that fell outside any unit and what cleaning
dropped as site or page furniture, each with the file's line numbers.

``report_document`` gives it as a typed record (the CLI prints it with ``render_report``; the
teacher's tab can show the same record its own way).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from egov_qa.ingest.candidates import STYLES, find_candidates, match_candidate
from egov_qa.ingest.chunking import holds_text, point_label, section_label, unit_label
from egov_qa.ingest.cleaning import CleanReport, DroppedLine, clean_text
from egov_qa.ingest.loading import RawDocument
from egov_qa.ingest.markers import Marker, scan_markdown, scan_plain
from egov_qa.ingest.outline import build_outline
from egov_qa.models import Chapter, Outline, Point

_PREVIEW_CHARS = 24
_LEVELS = ("chapter", "point", "section")
_LEVEL_NAMES = {"chapter": "章 chapters", "point": "点 points", "section": "节 sections", "item": "条 items"}


@dataclass(frozen=True)
class Level:
    """One numbering style found at one level of the outline."""

    level: str  # "chapter", "point", "section" or "item" (numbers inside a unit's text)
    style: str  # how the notes number it: "第N章", "一、", "（一）", "x.y.z", "1、 / 1."
    count: int
    first_line: int  # where it is first used


@dataclass(frozen=True)
class NumberingIssue:
    """A number missing or repeated among siblings."""

    kind: str  # "gap" or "repeat"
    parent: str  # whose children: "全文" (the chapters), "第二章", "第一章 · 3、会计基本假设"
    numbers: str  # the missing numbers ("4", "4–5") or the repeated one
    lines: tuple[int, ...]  # the siblings on either side of a gap, or every repeat


@dataclass(frozen=True)
class LooseText:
    """Notes text that no chapter, point or section holds (it is in no chunk)."""

    line: int
    text: str  # its beginning


@dataclass(frozen=True)
class ParseReport:
    source: str
    fragments: int  # the page's numbered fragments joined (0: not a scraped page)
    levels: tuple[Level, ...]
    issues: tuple[NumberingIssue, ...]
    outside: tuple[LooseText, ...]
    dropped: tuple[DroppedLine, ...]
    inline_furniture: tuple[str, ...]  # page numbers and headers cut out of run-on text


def report_document(document: RawDocument) -> tuple[Outline, ParseReport]:
    markdown = document.is_markdown
    text, cleaned = clean_text(document.text, markdown=markdown)
    outline = build_outline(text, source=document.path.name, markdown=markdown)
    markers = scan_markdown(text) if markdown else scan_plain(text)
    report = ParseReport(
        source=document.path.name,
        fragments=cleaned.fragments,
        levels=_levels(text, markers, cleaned),
        issues=tuple(_issues(outline, cleaned)),
        outside=tuple(_outside(outline, cleaned)),
        dropped=cleaned.dropped,
        inline_furniture=cleaned.inline_furniture,
    )
    return outline, report


def _style(marker: Marker, text: str) -> str:
    if marker.kind == "chapter" and marker.family in ("chapter", "part"):
        return f"第N{marker.label}"
    if marker.family == "ar":
        return "1." if text[marker.start : marker.end].rstrip().endswith((".", "．")) else "1、"
    return STYLES.get(marker.family, marker.family)


def _levels(text: str, markers: list[Marker], cleaned: CleanReport) -> tuple[Level, ...]:
    """Each level's styles with their counts; numbers that opened no unit are items."""
    found: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], int] = {}
    for marker in markers:
        key = (marker.kind, _style(marker, text))
        found[key] += 1
        first.setdefault(key, marker.start)
    spans = sorted((m.start, m.end) for m in markers)
    for c in find_candidates(text):
        at = bisect_right(spans, (c.start, len(text))) - 1
        opened = at >= 0 and spans[at][0] <= c.start < spans[at][1]  # "## 1、" opened at its "##"
        if not opened and c.family not in ("chapter", "part", "jie", "topic", "decimal"):
            key = ("item", STYLES[c.family] if c.family != "ar" else f"1{c.sep}")
            found[key] += 1
            first.setdefault(key, c.start)
    order = {level: i for i, level in enumerate((*_LEVELS, "item"))}
    keys = sorted(found, key=lambda k: (order[k[0]], first[k]))
    return tuple(
        Level(level, style, found[(level, style)], cleaned.line_of(first[(level, style)])) for level, style in keys
    )


def _section_number(label: str) -> int | None:
    """ "1.3.2" → 2, "（三）" → 3, "C." → 3."""
    if label.replace(".", "").isdigit():
        return int(label.rsplit(".", 1)[1])
    c = match_candidate(label)
    return c.number if c is not None else None


def _issues(outline: Outline, cleaned: CleanReport) -> list[NumberingIssue]:
    """Gaps and repeats among the chapters, each chapter's points and each point's sections."""
    groups: list[tuple[str, list[tuple[int | None, int]]]] = []
    if not outline.chapters[0].implicit:
        groups.append(("全文", [(c.number, c.start) for c in outline.chapters]))
    for chapter in outline.chapters:
        groups.append((chapter.heading, [(p.number, p.start) for p in chapter.points]))
        for point in chapter.points:
            parent = unit_label(chapter, point, None)  # as the point is cited: "一、总论", "第二章 · 3、…"
            groups.append((parent, [(_section_number(s.label), s.start) for s in point.sections]))
    issues: list[NumberingIssue] = []
    for parent, siblings in groups:
        numbered = [(n, start) for n, start in siblings if n is not None]
        for (a, start_a), (b, start_b) in pairwise(numbered):
            lines = (cleaned.line_of(start_a), cleaned.line_of(start_b))
            if b == a:
                issues.append(NumberingIssue("repeat", parent, str(b), lines))
            elif b > a + 1:
                missing = str(a + 1) if b == a + 2 else f"{a + 1}–{b - 1}"
                issues.append(NumberingIssue("gap", parent, missing, lines))
    return sorted(issues, key=lambda issue: issue.lines)


def _outside(outline: Outline, cleaned: CleanReport) -> list[LooseText]:
    """The text before the first chapter heading, and chapter text before the first point that is
    no unit of its own (a title line, not a sentence)."""
    text = outline.text
    spans: list[tuple[int, int]] = []
    if outline.chapters and outline.chapters[0].start > 0:
        spans.append((0, outline.chapters[0].start))
    for chapter in outline.chapters:
        end = _first_unit(chapter)
        if not holds_text(text[chapter.body_start : end]):
            spans.append((chapter.body_start, end))
    loose = []
    for start, end in spans:
        piece = text[start:end]
        if piece.strip():
            offset = start + len(piece) - len(piece.lstrip())
            loose.append(LooseText(cleaned.line_of(offset), " ".join(piece.split())[:_PREVIEW_CHARS]))
    return loose


def _first_unit(chapter: Chapter) -> int:
    units = chapter.units
    return units[0].start if units else chapter.end


def outline_lines(outline: Outline) -> list[str]:
    """The chapter → point → section tree, indented, numbered as the notes number them (like the
    citation labels): what ``egov-qa outline FILE`` prints and the teacher's preview shows."""
    lines: list[str] = []
    for chapter in outline.chapters:
        lines.append(chapter.heading)
        for unit in chapter.units:
            if isinstance(unit, Point):
                lines.append(f"  {point_label(unit)}")
                lines.extend(f"      {section_label(section)}" for section in unit.sections)
            else:  # a section outside a numbered point hangs under the chapter
                lines.append(f"  {section_label(unit)}")
    return lines


def render_report(outline: Outline, report: ParseReport) -> list[str]:
    """The report as lines of text (what ``egov-qa outline FILE --report`` prints)."""
    lines = [f"解析报告 / parse report: {report.source}"]
    if report.fragments:
        lines.append(f"  a scraped page: {report.fragments} numbered page fragments joined")
    lines.append("层级 / levels (style, count, first line):")
    for level in report.levels:
        lines.append(f"  {_LEVEL_NAMES[level.level]:12s} {level.style:8s} {level.count:4d}   line {level.first_line}")
    if outline.chapters and outline.chapters[0].implicit:
        lines.append("  (no chapter headings: units are cited without a chapter)")
    lines.append("编号 / numbering gaps and repeats:" if report.issues else "编号 / numbering: no gaps or repeats")
    for issue in report.issues:
        where = "lines " + ", ".join(map(str, issue.lines))
        what = f"{issue.numbers} missing" if issue.kind == "gap" else f"{issue.numbers} repeated"
        lines.append(f"  {issue.parent}: {what} ({where})")
    lines.append("未归入 / text outside any unit:" if report.outside else "未归入 / text outside any unit: none")
    lines.extend(f"  line {t.line}: {t.text}" for t in report.outside)
    dropped = len(report.dropped) + len(report.inline_furniture)
    lines.append(f"已删除 / dropped as site or page furniture: {dropped}")
    for run in _runs(report.dropped):
        first, last = run[0], run[-1]
        where = f"line {first.line}" if first is last else f"lines {first.line}–{last.line} ({len(run)} lines)"
        lines.append(f"  {where}, {first.reason}: {first.text[:_PREVIEW_CHARS]}{' …' if len(run) > 1 else ''}")
    lines.extend(f"  in the text, page furniture: {cut}" for cut in report.inline_furniture)
    return lines


def _runs(dropped: tuple[DroppedLine, ...]) -> list[list[DroppedLine]]:
    """Dropped lines in runs of one reason with no kept line between them."""
    runs: list[list[DroppedLine]] = []
    for line in dropped:
        if runs and runs[-1][-1].reason == line.reason and line.line - runs[-1][-1].line <= 2:
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs
