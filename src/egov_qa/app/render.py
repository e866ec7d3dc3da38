"""Pure rendering helpers for the chat app: escaping, highlighting, sources panel, outline tree.

Everything here turns notes/answers into *safe* strings for Gradio components. All text that comes
from a student or from the notes is escaped; the only markup we emit ourselves is ``<details>``,
``<summary>``, ``<mark>``, ``<div>``/``<b>``/``<br>`` with fixed classes and the ``<button>`` that
opens a cited passage in the notes tab (its value is built by the app from an index and a node key).
No Gradio import here.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from egov_qa.answer.compose import citation_label, with_document
from egov_qa.answer.messages import SUGGESTIONS_LEAD
from egov_qa.ingest.chunking import point_label, section_label
from egov_qa.models import Answer, Chunk, Citation, Outline

# Characters that could start Markdown/GFM syntax (emphasis, links, autolinks "http://", "www.",
# e-mail, setext headings, tables, LaTeX "$"): written as numeric entities so they show literally.
_MD_SPECIAL = frozenset("\\`*_{}[]()#+-.!|~:=$@^")
_NAMED = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}

THINKING = "正在查找笔记…"
SOURCES_TITLE = "来源"
OPEN_LABEL = "在目录中查看"
OPEN_CLASS = "egov-open"  # page.py's script listens for clicks on buttons of this class

# What a citation's 在目录中查看 button sends (None: the citation has no place in the notes tree).
OpenValue = Callable[[Citation], str | None]


class ChunkSource(Protocol):
    """The part of the engine the renderers need (keeps this module testable without it)."""

    def chunk(self, chunk_id: str) -> Chunk | None: ...


# --- escaping ---------------------------------------------------------------------------------


def md_escape(text: str) -> str:
    """Text → Markdown that displays exactly ``text``: no HTML, no Markdown formatting, newlines kept.

    One pass over the characters, so nothing is escaped twice: ``& < >`` become named entities,
    Markdown punctuation becomes ``&#NN;`` (entities are plain text to a Markdown parser, and a
    URL with an entity instead of ``:``/``.`` is no longer auto-linked).
    """
    return "".join(_NAMED.get(c) or (f"&#{ord(c)};" if c in _MD_SPECIAL else c) for c in text)


def _spans(text: str, quotes: Iterable[str]) -> list[tuple[int, int]]:
    """Merged ``(start, end)`` spans of every occurrence of every non-empty quote in ``text``."""
    found: list[tuple[int, int]] = []
    for quote in {q for q in quotes if q and q.strip()}:
        start = text.find(quote)
        while start != -1:
            found.append((start, start + len(quote)))
            start = text.find(quote, start + len(quote))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight_html(text: str, quotes: Iterable[str] = ()) -> str:
    """Escaped ``text`` on one line (newlines → ``<br>``) with each quoted span wrapped in ``<mark>``."""
    out: list[str] = []
    pos = 0
    for start, end in _spans(text, quotes):
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    # One line: a blank line would end the HTML block inside the chatbot's Markdown.
    return "".join(out).replace("\r", "").replace("\n", "<br>")


# --- chat answers -----------------------------------------------------------------------------


def cited_chunks(
    answer: Answer, engine: ChunkSource, all_chunks: Sequence[Chunk]
) -> list[tuple[Citation, list[Chunk]]]:
    """For each citation, the note chunks it points at (passages with its label, else the notes)."""
    result: list[tuple[Citation, list[Chunk]]] = []
    multi_source = len({c.source for c in all_chunks}) > 1  # labels then name the document
    for citation in answer.citations:
        chunks: list[Chunk] = []
        for passage in answer.passages:
            chunk = engine.chunk(passage.chunk_id) if passage.chunk_id else None
            if passage.label == citation.label and chunk and chunk not in chunks:
                chunks.append(chunk)
        if not chunks:  # a point cited as a whole: its own unit, else its sections
            same = [c for c in all_chunks if c.source == citation.source]
            chunks = [c for c in same if citation_label(c, multi_source) == citation.label] or [
                c
                for c in same
                if citation.section is None
                and with_document(c.point_unit_label, c.source, multi_source) == citation.label
            ]
        result.append((citation, chunks))
    return result


def open_button(value: str | None) -> str:
    """The 在目录中查看 button of one citation (the chat's sanitiser keeps ``value``, not ``data-*``)."""
    if not value:
        return ""
    return f'<button type="button" class="{OPEN_CLASS}" value="{html.escape(value)}">{OPEN_LABEL}</button>'


def sources_html(
    answer: Answer, engine: ChunkSource, all_chunks: Sequence[Chunk], open_value: OpenValue | None = None
) -> str:
    """The collapsible "来源" panel: each cited label with its 在目录中查看 button (when ``open_value``
    gives one), then its passage(s) as shown, with the quoted lines in ``<mark>``."""
    if answer.refused or not answer.citations:
        return ""
    blocks: list[str] = []
    for citation, chunks in cited_chunks(answer, engine, all_chunks):
        texts = "".join(
            f'<div class="egov-passage">{highlight_html(c.display_text, answer.quotes)}</div>' for c in chunks
        )
        button = open_button(open_value(citation)) if open_value else ""
        blocks.append(
            f'<div class="egov-source"><div class="egov-label"><span><b>{html.escape(citation.label)}</b>'
            f" <small>（{html.escape(citation.source)}）</small></span>{button}</div>{texts}</div>"
        )
    return (
        f'<details class="egov-sources"><summary>{SOURCES_TITLE}（{len(answer.citations)}）</summary>'
        + "".join(blocks)
        + "</details>"
    )


GENERATED = "由模型根据笔记写成；每句后的 [n] 是它依据的笔记，没有依据的句子已删去"


def answer_markdown(
    answer: Answer,
    engine: ChunkSource,
    all_chunks: Sequence[Chunk],
    final: bool,
    open_value: OpenValue | None = None,
) -> str:
    """Chat message for an answer: escaped answer text, then (when final) the sources panel or,
    for a question refused as not in the notes, the suggested questions (the chat also offers them
    as buttons under its last message)."""
    body = md_escape(answer.answer) if answer.answer else THINKING
    if answer.mode == "generative":  # the student should know a model wrote it, and how it was checked
        body = f"*{GENERATED}*\n\n{body}"
    if final and answer.suggestions:
        body += f"\n\n{SUGGESTIONS_LEAD}\n" + "\n".join(f"- {md_escape(q)}" for q in answer.suggestions)
    panel = sources_html(answer, engine, all_chunks, open_value) if final else ""
    return f"{body}\n\n{panel}" if panel else body


# --- notes outline ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One entry of the notes tree (chapter, point or section) over one file's notes text."""

    key: str  # "0/2", "0/2/p4", "0/2/p4/s1", "0/2/s0" — unique even if numbers repeat
    depth: int  # 0 chapter, 1 point or chapter-level section, 2 section
    name: str  # what the tree shows, e.g. "　9、电子政务的特征"
    title: str  # heading shown above the node text
    source: str
    start: int
    end: int
    chapter: int
    point: int | None = None
    section: str | None = None


def outline_nodes(outlines: Sequence[Outline]) -> list[Node]:
    """Flatten every outline into document-order nodes (file name shown when there are several)."""
    nodes: list[Node] = []
    indent = "\u3000"  # ideographic space keeps the tree readable in a dropdown
    for oi, outline in enumerate(outlines):
        prefix = f"{outline.source} · " if len(outlines) > 1 else ""
        for ci, ch in enumerate(outline.chapters):
            # titles read like the citations: notes without chapters are not cited with a 第一章
            ch_name = ch.heading
            path = prefix if ch.implicit else f"{prefix}{ch_name} · "
            base = f"{oi}/{ci}"
            nodes.append(Node(base, 0, prefix + ch_name, prefix + ch_name, outline.source, ch.start, ch.end, ch.number))
            for pi, p in enumerate(ch.points):
                p_name = point_label(p)
                key = f"{base}/p{pi}"
                nodes.append(
                    Node(
                        key, 1, indent + p_name, f"{path}{p_name}", outline.source, p.start, p.end, ch.number, p.number
                    )
                )
                for si, s in enumerate(p.sections):
                    s_name = section_label(s)
                    nodes.append(
                        Node(
                            f"{key}/s{si}",
                            2,
                            indent * 2 + s_name,
                            f"{path}{p_name} › {s_name}",
                            outline.source,
                            s.start,
                            s.end,
                            ch.number,
                            p.number,
                            s.label,
                        )
                    )
            for si, s in enumerate(ch.sections):
                s_name = section_label(s)
                nodes.append(
                    Node(
                        f"{base}/s{si}",
                        1,
                        indent + s_name,
                        f"{path}{s_name}",
                        outline.source,
                        s.start,
                        s.end,
                        ch.number,
                        None,
                        s.label,
                    )
                )
    return nodes


def node_chunks(node: Node, chunks: Sequence[Chunk]) -> list[Chunk]:
    """The chunks that start inside the node's span of its file's notes text."""
    return [c for c in chunks if c.source == node.source and node.start <= c.start < node.end]


def node_for_chunk(nodes: Sequence[Node], chunk: Chunk) -> Node | None:
    """The deepest (narrowest) node containing the chunk's start."""
    inside = [n for n in nodes if n.source == chunk.source and n.start <= chunk.start < n.end]
    return min(inside, key=lambda n: (n.end - n.start, -n.depth), default=None)


def node_for_citation(nodes: Sequence[Node], citation: Citation) -> Node | None:
    """The node a citation names when no chunk carries its label: a point cited as a whole (its
    sections are the chunks) or a chapter. A repeated point number is told apart by its title."""
    for node in nodes:
        if (node.source, node.chapter, node.point, node.section) == (
            citation.source,
            citation.chapter,
            citation.point,
            citation.section,
        ) and (citation.point is None or citation.label.endswith(node.name.strip())):
            return node
    return None


def node_html(node: Node | None, chunks: Sequence[Chunk], quotes: Iterable[str] = ()) -> str:
    """A node's heading and its text (its chunks in order), optionally with quotes highlighted."""
    if node is None:
        return '<div class="egov-node egov-empty">请在目录中选择章节或要点。</div>'
    quotes = list(quotes)
    parts = [f'<h3 class="egov-node-title">{html.escape(node.title)}</h3>']
    own = node_chunks(node, chunks)
    for chunk in own:
        parts.append(f'<div class="egov-passage">{highlight_html(chunk.display_text, quotes)}</div>')
    if not own:
        parts.append('<div class="egov-passage">（这一节没有正文。）</div>')
    # data-key: page.py's script finds the node it should scroll to by it
    return f'<div class="egov-node" data-key="{html.escape(node.key)}">{"".join(parts)}</div>'
