"""The conversation a browser keeps: its stored form, the chat rebuilt from it, its Markdown export.

The page keeps a student's exchanges in the browser's local storage (Gradio's ``BrowserState``), not
on the server, so they are client data when they come back: whatever does not validate is dropped.
No Gradio import here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError

from egov_qa.answer.messages import SUGGESTIONS_LEAD
from egov_qa.models import Answer, Exchange

# A browser keeps at most this many exchanges (local storage holds about 5 MB per site; an exchange
# with its passages is a few kB). Older ones are forgotten first.
MAX_KEPT = 100

SOURCES_LEAD = "来源："


def load_exchanges(stored: Any) -> list[Exchange]:
    """The exchanges a browser sent back, oldest first; malformed ones are left out."""
    if not isinstance(stored, list):
        return []
    exchanges: list[Exchange] = []
    for item in stored[-MAX_KEPT:]:
        try:
            exchanges.append(Exchange.model_validate(item))
        except ValidationError:
            continue
    return exchanges


def to_store(exchanges: Sequence[Exchange]) -> list[dict[str, Any]]:
    """The JSON form the browser keeps (the last ``MAX_KEPT`` exchanges)."""
    return [e.model_dump(mode="json") for e in exchanges[-MAX_KEPT:]]


def chat_messages(
    exchanges: Sequence[Exchange],
    user_text: Callable[[str], str],
    answer_message: Callable[[Answer, int], dict[str, Any]],
) -> list[dict[str, Any]]:
    """The chat's messages for ``exchanges``: each question, then the message of its answer (given
    the answer and its exchange's index, which the answer's 在目录中查看 buttons carry)."""
    messages: list[dict[str, Any]] = []
    for turn, exchange in enumerate(exchanges):
        messages.append({"role": "user", "content": user_text(exchange.question) or " "})
        if exchange.answer is not None:
            messages.append(answer_message(exchange.answer, turn))
    return messages


# --- Markdown export ----------------------------------------------------------------------------

# Characters a Markdown viewer would read as markup (emphasis, code, links, HTML, tables) anywhere
# in a line; backslash-escaped so the notes' and the student's text shows as written.
_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
# ... and what starts a block at a line's start: a quote, a heading or a list item (those only before
# a space: "1)使用手段先进" stays as written, "1. 使用" would be renumbered), a setext underline.
_LINE_START = re.compile(r"^(\s*)(?:(>)|([#+=-])(?=[#+=-]*(?:\s|$))|(\d{1,9})([.)])(?=\s|$))")


def _escape_start(m: re.Match[str]) -> str:
    indent, quote, block, number, dot = m.groups()
    if number:
        return f"{indent}{number}\\{dot}"
    return f"{indent}\\{quote or block}"


def md_text(text: str) -> str:
    """Plain text as Markdown that shows it as written, line by line."""
    lines = []
    for line in text.replace("\r", "").split("\n"):
        line = _INLINE.sub(r"\\\1", line)
        lines.append(_LINE_START.sub(_escape_start, line))
    return "\n".join(lines)


def _paragraphs(text: str) -> list[str]:
    """Text as Markdown lines that keep its line breaks (two spaces end a line followed by another
    of the same paragraph) and its blank lines (one, between paragraphs)."""
    lines: list[str] = []
    for line in md_text(text.strip()).split("\n"):
        if line.strip():
            lines.append(line)
        elif lines and lines[-1]:
            lines.append("")
    return [line + "  " if line and nxt else line for line, nxt in zip(lines, [*lines[1:], ""], strict=True)]


def export_markdown(exchanges: Sequence[Exchange], title: str) -> str:
    """The conversation as a Markdown document: each question, its answer as the page gave it, and
    the chapter/point labels it cited (with the notes file), or the questions a refusal suggested."""
    if not exchanges:
        return ""
    out = [f"# {md_text(title)}", ""]
    for n, exchange in enumerate(exchanges, 1):
        out += [f"## {n}. {md_text(' '.join(exchange.question.split()) or '（空）')}", ""]
        answer = exchange.answer
        if answer is None:
            continue
        out += [*_paragraphs(answer.answer), ""]
        if answer.citations:
            out.append(SOURCES_LEAD)
            out += [f"- {md_text(c.label)}（{md_text(c.source)}）" for c in answer.citations]
            out.append("")
        if answer.suggestions:
            out.append(md_text(SUGGESTIONS_LEAD))
            out += [f"- {md_text(q)}" for q in answer.suggestions]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
