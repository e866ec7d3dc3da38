"""Check my answer (自测), as HTML: a ``CheckResult`` → the message, the coverage, the checklist and
the notes' lines with each item marked; and the practice tally → one line.

Pure functions, no Gradio import. Everything that comes from the student (their matching clauses)
or from the notes (items, lines, labels) is escaped; the only markup is ours, with fixed classes.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from egov_qa.models import CheckedItem, CheckResult

# status → (badge, what it means)
STATUS: dict[str, tuple[str, str]] = {
    "covered": ("✓", "写到了"),
    "partly": ("◐", "写到一部分"),
    "missing": ("✗", "没写到"),
}
MATCH_LEAD = "你写的："
RUBRIC_TITLE = "笔记原文"
ERROR = "抱歉，检查时出错了，请再试一次。"
NO_TALLY = "还没有练习记录：选一个要点或点“随机出题”开始。"


def percent(coverage: float) -> int:
    """0…1 → a whole percentage (clamped)."""
    return round(min(max(coverage, 0.0), 1.0) * 100)


def _esc(text: str) -> str:
    return html.escape(text).replace("\r", "").replace("\n", "<br>")


# --- the notes' lines with the items marked ----------------------------------------------------


def item_places(lines: Sequence[str], items: Sequence[CheckedItem]) -> dict[int, list[tuple[int, int, str]]]:
    """Where each item sits in the lines: line index → sorted ``(start, end, status)`` spans.

    An item is placed at its first occurrence at or after the previous item's place (the items come
    in the notes' order), else at its first free occurrence anywhere; spans never overlap. An item
    found in no line is left out (the checklist still shows it).
    """
    taken: dict[int, list[tuple[int, int, str]]] = {}

    def free(n: int, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in taken.get(n, []))

    def find(text: str, after: tuple[int, int]) -> tuple[int, int] | None:
        for n, line in enumerate(lines):
            if n < after[0]:
                continue
            start = line.find(text, after[1] if n == after[0] else 0)
            while start != -1:
                if free(n, start, start + len(text)):
                    return n, start
                start = line.find(text, start + 1)
        return None

    cursor = (0, 0)
    for item in items:
        text = item.text
        if not text:
            continue
        place = find(text, cursor) or find(text, (0, 0))
        if place is None:
            continue
        n, start = place
        taken.setdefault(n, []).append((start, start + len(text), item.status))
        cursor = (n, start + len(text))
    return {n: sorted(spans) for n, spans in taken.items()}


def _marked(text: str, status: str) -> str:
    badge, meaning = STATUS.get(status, STATUS["missing"])
    body = html.escape(text)
    if status == "covered":
        return f'<mark class="egov-hit" title="{meaning}">{body}</mark>'
    if status == "partly":
        return f'<mark class="egov-part" title="{meaning}">{body}</mark>'
    return f'<span class="egov-miss" title="{meaning}"><span class="egov-badge">{badge}</span>{body}</span>'


def rubric_line_html(line: str, spans: Sequence[tuple[int, int, str]]) -> str:
    out: list[str] = []
    pos = 0
    for start, end, status in spans:
        out.append(html.escape(line[pos:start]))
        out.append(_marked(line[start:end], status))
        pos = end
    out.append(html.escape(line[pos:]))
    return "".join(out)


def rubric_html(result: CheckResult) -> str:
    """The notes' lines that answer the question, items written highlighted, items missed marked ✗."""
    if not result.rubric:
        return ""
    places = item_places(result.rubric, result.items)
    rows = "".join(
        f'<div class="egov-rubric-line">{rubric_line_html(line, places.get(n, []))}</div>'
        for n, line in enumerate(result.rubric)
    )
    where = f"：{html.escape(result.citation.label)}" if result.citation else ""
    return f'<div class="egov-rubric"><div class="egov-rubric-title">{RUBRIC_TITLE}{where}</div>{rows}</div>'


# --- the checklist -----------------------------------------------------------------------------


def checklist_html(items: Sequence[CheckedItem]) -> str:
    """One row per item: its badge, the notes' words and, for an item written, the student's clause."""
    if not items:
        return ""
    rows: list[str] = []
    for item in items:
        badge, meaning = STATUS.get(item.status, STATUS["missing"])
        match = (
            f'<div class="egov-match">{MATCH_LEAD}“{_esc(item.match)}”</div>'
            if item.match and item.status != "missing"
            else ""
        )
        rows.append(
            f'<li class="egov-item egov-{item.status}"><span class="egov-badge" role="img" aria-label="{meaning}">'
            f'{badge}</span><div class="egov-item-body"><span class="egov-item-text">{html.escape(item.text)}</span>'
            f"{match}</div></li>"
        )
    return f'<ul class="egov-checklist">{"".join(rows)}</ul>'


def coverage_html(coverage: float) -> str:
    value = percent(coverage)
    return (
        f'<div class="egov-coverage">覆盖 <b>{value}%</b>'
        f'<span class="egov-bar" aria-hidden="true"><span style="width:{value}%"></span></span></div>'
    )


def result_html(result: CheckResult | None) -> str:
    """The whole check result (None: nothing checked yet → empty)."""
    if result is None:
        return ""
    kind = "egov-refused" if result.refused else "egov-checked"
    parts = [f'<p class="egov-check-message">{_esc(result.message or result.note or "")}</p>']
    if result.feedback:  # the model's reminder of the missing items (with an LLM endpoint)
        parts.append(f'<p class="egov-check-feedback">{_esc(result.feedback)}</p>')
    if result.items and not result.refused:
        parts += [coverage_html(result.coverage), checklist_html(result.items), rubric_html(result)]
    return f'<div class="egov-check {kind}">{"".join(parts)}</div>'


def error_html(message: str = ERROR) -> str:
    return f'<div class="egov-check egov-error"><p class="egov-check-message">{_esc(message)}</p></div>'


# --- the tally of the points practised -----------------------------------------------------------


def tally_text(tally: Mapping[str, float]) -> str:
    """ "已练习 N 个要点，平均覆盖 X%" (or how to start)."""
    if not tally:
        return NO_TALLY
    average = sum(tally.values()) / len(tally)
    return f"已练习 {len(tally)} 个要点，平均覆盖 {percent(average)}%"


def tally_html(tally: Mapping[str, float], review: Sequence[str] = ()) -> str:
    lead = "建议复习：" if review else ("练习过的要点都写全了，换个要点继续吧。" if tally else "")
    hint = f'<div class="egov-review-lead">{lead}</div>' if lead else ""
    return f'<div class="egov-tally"><b>{html.escape(tally_text(tally))}</b>{hint}</div>'
