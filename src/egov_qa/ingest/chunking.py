"""Outline → Chunks: one per point or section (plus a point's intro text), long ones split.

Splitting uses LangChain's RecursiveCharacterTextSplitter on Chinese sentence ends, so a part
never stops mid-sentence and neighbouring parts overlap. A chunk's quotable pieces (its sub-item
lines and sentences) are what answers quote and what the piece vectors of the index embed.
"""

from __future__ import annotations

import hashlib
import re
from itertools import pairwise

from langchain_text_splitters import RecursiveCharacterTextSplitter

from egov_qa.ingest.cleaning import squeeze_spaces
from egov_qa.ingest.display import display_line, display_unit
from egov_qa.ingest.numbering import SUB_ITEM, bare_item_starts, is_item
from egov_qa.models import LABEL_SEP, PATH_SEP, Chapter, Chunk, Outline, Point, Section
from egov_qa.text import sentences

_SENTENCE_END = re.compile(r"[。！？!?；;]")
_MD_HEADING_MARKS = re.compile(r"^[ \t]*#{1,6}[ \t]*", re.MULTILINE)


PIECE_MAX_CHARS = 80  # a longer plain line is quoted (and embedded) sentence by sentence


def quotable_pieces(chunk: Chunk) -> list[str]:
    """The unit's pieces as the index embeds them (source text): each sub-item line, long plain
    lines split into sentences."""
    pieces: list[str] = []
    for line in chunk.body.split("\n"):
        line = line.strip()
        if not line:
            continue
        if is_item(line) or len(line) <= PIECE_MAX_CHARS:
            pieces.append(line)
        else:
            pieces.extend(sentences(line))
    return pieces or [chunk.heading]


def display_line_texts(chunk: Chunk) -> list[str]:
    """The unit's display body, line by line (its display heading for a unit with no body)."""
    body = chunk.display_body or chunk.body
    return [line.strip() for line in body.split("\n") if line.strip()] or [chunk.display_heading or chunk.heading]


def display_lines(chunk: Chunk) -> list[list[str]]:
    """The unit's display lines, each as the pieces an answer quotes: a short line whole, a long
    one (a long list item too) sentence by sentence, so an answer can stop inside it."""
    return [[line] if len(line) <= PIECE_MAX_CHARS else sentences(line) for line in display_line_texts(chunk)]


def display_pieces(chunk: Chunk) -> list[str]:
    """What answers quote from the unit: its display lines' pieces, in order."""
    return [piece for line in display_lines(chunk) for piece in line]


def list_items(chunk: Chunk) -> list[str]:
    """The unit's numbered sub-items (display lines), as quoted ("第二条" picks from these)."""
    return [line for line in display_line_texts(chunk) if is_item(line)]


def piece_search_text(chunk: Chunk, piece: str) -> str:
    """What a piece vector embeds: the piece under its point's and section's titles, so a sentence
    that leaves its topic unsaid ("主体是政府机关") is still about it, and a section's sentence
    still belongs to its point (a question may name either)."""
    titles = " ".join(t for t in (chunk.point_title, chunk.section_title) if t)
    return f"{titles or chunk.label}：{piece}"


def holds_text(intro: str) -> bool:
    """Is a chapter's text before its first point a unit of its own: a sentence, not just a
    document title line?"""
    return _SENTENCE_END.search(format_body(intro)) is not None


def point_label(point: Point) -> str:
    return f"{point.marker}{point.title}"


def section_label(section: Section) -> str:
    """ "1.3.2 标题", or "一、标题" for a section numbered like a point (inside a 第N节), "（一）标题"."""
    gap = "" if section.label.endswith(("、", "）")) else " "
    return f"{section.label}{gap}{section.title}".strip()


def unit_label(chapter: Chapter, point: Point | None, section: Section | None) -> str:
    """ "第一章 · 2、… › 1.3.2 …"; in notes without chapters "2、… › 1.3.2 …" (their text before the
    first point keeps "第一章")."""
    parts = PATH_SEP.join(
        label for label in (point and point_label(point), section and section_label(section)) if label
    )
    if chapter.implicit and parts:
        return parts
    return chapter.label + (LABEL_SEP + parts if parts else "")


def shown_unit_label(chapter: Chapter, point: Point | None, section: Section | None) -> str:
    """The label as answers show it: its titles in display form, and a point whose title the
    notes lost ("2、" right before "3.1.1") left out of a section's path ("第三章 › 3.1.1 …", not
    "第三章 · 2、 › 3.1.1 …"). ``unit_label`` stays the key citations are matched on."""
    if point is not None and section is not None and not point.title.strip():
        path = section_label(section)
        label = path if chapter.implicit else f"{chapter.label}{PATH_SEP}{path}"
    else:
        label = unit_label(chapter, point, section)
    return display_line(label)[0]


def format_body(text: str) -> str:
    """Notes' own characters, stray spaces removed, each sub-item on a line of its own.

    Line breaks of the source are dropped first: a scraped page has none and a Markdown or
    .docx file has one per paragraph, and the same notes must give the same chunks either way.
    """
    # A title cut at "：" leaves the colon in front of the body ("核心: eMPA…" → "eMPA…"); the "#"
    # marks of a Markdown heading that is no unit (an item's, "#### 1. 会计主体") go like a unit's.
    text = _MD_HEADING_MARKS.sub("", text)
    body = squeeze_spaces(re.sub(r"\s*\n\s*", "", text)).strip().lstrip(":：,，;；、").strip()
    cuts = [0, *bare_item_starts(body), len(body)]
    body = "\n".join(body[a:b] for a, b in pairwise(cuts) if body[a:b])
    return SUB_ITEM.sub(lambda m: "\n" + m.group(), body).strip()


def format_heading(text: str) -> str:
    """A heading as the notes write it, without Markdown's # marks."""
    return squeeze_spaces(text.strip().lstrip("#")).strip()


def _splitter(max_chars: int, overlap_chars: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        chunk_size=max_chars,
        chunk_overlap=overlap_chars,
        separators=["\n", "。", "；", "！", "？", "，", ""],
        keep_separator="end",
        strip_whitespace=True,
    )


def _stable_id(source: str, label: str, start: int, part: int) -> str:
    return hashlib.sha1(f"{source}|{label}|{start}|{part}".encode()).hexdigest()[:16]


def chunk_outline(outline: Outline, max_chars: int = 600, overlap_chars: int = 80) -> list[Chunk]:
    """Every unit of the outline as one or more chunks, in document order."""
    text = outline.text
    splitter = _splitter(max_chars, overlap_chars)
    chunks: list[Chunk] = []

    def emit(
        chapter: Chapter,
        point: Point | None,
        section: Section | None,
        start: int,
        body_start: int,
        end: int,
        keep_empty: bool = True,
    ) -> None:
        heading = format_heading(text[start:body_start])
        body = format_body(text[body_start:end])
        if not body and not keep_empty:
            return
        label = unit_label(chapter, point, section)
        shown_label = shown_unit_label(chapter, point, section)
        parts = splitter.split_text(body) if len(body) > max_chars else [body]
        for part_no, part in enumerate(parts):
            shown = display_unit(heading, part, context=body if len(parts) > 1 else "")
            chunks.append(
                Chunk(
                    id=_stable_id(outline.source, label, start, part_no),
                    source=outline.source,
                    chapter=chapter.number,
                    chapter_title=chapter.title,
                    point=point.number if point else None,
                    point_title=point.title if point else None,
                    section=section.label if section else None,
                    section_title=section.title if section else None,
                    label=label,
                    heading=heading,
                    body=part,
                    start=start,
                    end=end,
                    part=part_no,
                    display_heading=shown.heading,
                    display_body=shown.body,
                    display_label=shown_label,
                )
            )

    for chapter in outline.chapters:
        units = chapter.units
        intro_end = units[0].start if units else chapter.end
        if holds_text(text[chapter.body_start : intro_end]):
            emit(chapter, None, None, chapter.start, chapter.body_start, intro_end)
        for unit in units:
            if isinstance(unit, Section):
                emit(chapter, None, unit, unit.start, unit.body_start, unit.end)
                continue
            if not unit.sections:
                emit(chapter, unit, None, unit.start, unit.body_start, unit.end)
                continue
            emit(chapter, unit, None, unit.start, unit.body_start, unit.sections[0].start, keep_empty=False)
            for section in unit.sections:
                emit(chapter, unit, section, section.start, section.body_start, section.end)
    return chunks
