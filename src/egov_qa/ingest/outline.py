"""Notes text → Outline (Document → Chapter → Point → Section): the markers found by
``markers`` become the tree, each heading split into its title and body (``headings``)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from egov_qa.ingest.headings import HeadingSplit, split_heading
from egov_qa.ingest.markers import Marker, scan_markdown, scan_plain
from egov_qa.lexicon import CN_SMALL
from egov_qa.models import Chapter, Outline, Point, Section

_CN_POINT = re.compile(rf"[#\s]*([{CN_SMALL}]{{1,3}})\s*、")
_TITLE_LEAD = "：:、，,.．-—– "  # separators some notes put between a number and its title


def _sibling_groups(markers: list[Marker]) -> list[tuple]:
    """A key per marker: points of one chapter, sections of one point, or a chapter's loose sections."""
    keys: list[tuple] = []
    chapter = point = 0
    for i, marker in enumerate(markers):
        if marker.kind == "chapter":
            chapter, point = i, 0
            keys.append(("chapter",))
        elif marker.kind == "point":
            point = i
            keys.append(("point", chapter))
        else:
            keys.append(("section", chapter, point if marker.under_point else None))
    return keys


def _split_titles(text: str, markers: list[Marker], markdown: bool) -> list[HeadingSplit]:
    """Split every heading; then split again with the head words that clear siblings share."""
    segments = [
        text[m.end : (markers[i + 1].start if i + 1 < len(markers) else len(text))] for i, m in enumerate(markers)
    ]
    splits = [split_heading(seg, line_only=m.line_heading) for seg, m in zip(segments, markers, strict=True)]
    if markdown:
        return splits
    keys = _sibling_groups(markers)
    heads: dict[tuple, Counter[str]] = defaultdict(Counter)
    for key, split in zip(keys, splits, strict=True):
        if split.sure and split.head and key[0] != "chapter":
            heads[key][split.head] += 1
    for i, key in enumerate(keys):
        shared = frozenset(h for h, n in heads[key].items() if n >= 2)
        if shared and not markers[i].line_heading:  # a heading line is titled by the whole line
            splits[i] = split_heading(segments[i], heads=shared)
    return splits


def build_outline(text: str, source: str, markdown: bool = False) -> Outline:
    markers = scan_markdown(text) if markdown else scan_plain(text)
    chapters: list[Chapter] = []
    if not markers or markers[0].kind != "chapter" or markers[0].number != 1:
        implicit = not any(marker.kind == "chapter" for marker in markers)
        chapters.append(Chapter(1, None, 0, len(text), 0, implicit=implicit))
    current_point: Point | None = None
    splits = _split_titles(text, markers, markdown)
    for i, marker in enumerate(markers):
        nxt = markers[i + 1].start if i + 1 < len(markers) else len(text)
        title = splits[i].title.lstrip(_TITLE_LEAD)  # "第1章：导论" → "导论"
        body_start = marker.end + splits[i].body_offset
        if marker.kind == "chapter":
            if chapters:
                chapters[-1].end = marker.start
            chapters.append(
                Chapter(
                    int(marker.number), title or None, marker.start, len(text), body_start, word=marker.label or "章"
                )
            )
            current_point = None
        elif marker.kind == "point":
            cn = _CN_POINT.match(text, marker.start, marker.end)
            numeral = f"{marker.label} " if marker.label else f"{cn.group(1)}、" if cn else None
            current_point = Point(int(marker.number), title, marker.start, nxt, body_start, numeral=numeral)
            chapters[-1].points.append(current_point)
        else:
            section = Section(str(marker.number), title, marker.start, nxt, body_start)
            if marker.under_point and current_point is not None:
                current_point.sections.append(section)
            else:
                chapters[-1].sections.append(section)
                current_point = None
    _close_spans(chapters, len(text))
    return Outline(source=source, text=text, chapters=chapters)


def _close_spans(chapters: list[Chapter], text_end: int) -> None:
    """Each node ends where the next node of the same or a higher level begins."""
    for ci, chapter in enumerate(chapters):
        chapter.end = chapters[ci + 1].start if ci + 1 < len(chapters) else text_end
        units = chapter.units
        for ui, unit in enumerate(units):
            unit.end = units[ui + 1].start if ui + 1 < len(units) else chapter.end
        for point in chapter.points:
            for si, section in enumerate(point.sections):
                section.end = point.sections[si + 1].start if si + 1 < len(point.sections) else point.end
