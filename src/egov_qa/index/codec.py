"""The parsed notes (``Notes``: outlines and chunks) as JSON documents.

A build on a Chroma server stores them beside its vectors, so a machine with no notes files (an
app process serving the class) answers from the server alone: citations, the notes tree, quoting
and the lexical retrievers all need the parsed notes, not only the vectors.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from egov_qa.ingest.notes import Notes
from egov_qa.models import Chapter, Chunk, Outline, Point, Section

CHUNKS_PER_DOCUMENT = 200  # chunks are stored in runs, so no one document grows with the corpus


def notes_documents(notes: Notes) -> list[str]:
    """JSON documents, in order: one per outline, then the chunks in runs."""
    outlines = [{"outline": dataclasses.asdict(outline)} for outline in notes.outlines]
    runs = [
        {"chunks": [dataclasses.asdict(c) for c in notes.chunks[i : i + CHUNKS_PER_DOCUMENT]]}
        for i in range(0, len(notes.chunks), CHUNKS_PER_DOCUMENT)
    ]
    return [json.dumps(part, ensure_ascii=False) for part in (*outlines, *runs)]


def notes_of(documents: Sequence[str]) -> Notes:
    """``notes_documents`` read back (in their order); raises ValueError or TypeError when a
    document is not what this version writes."""
    outlines: list[Outline] = []
    chunks: list[Chunk] = []
    for document in documents:
        part = json.loads(document)
        if "outline" in part:
            outlines.append(_outline(part["outline"]))
        else:
            chunks.extend(Chunk(**c) for c in part["chunks"])
    return Notes(outlines, chunks)


def _sections(items: list[dict[str, Any]]) -> list[Section]:
    return [Section(**s) for s in items]


def _outline(data: dict[str, Any]) -> Outline:
    chapters = [
        Chapter(
            **{
                **c,
                "points": [Point(**{**p, "sections": _sections(p["sections"])}) for p in c["points"]],
                "sections": _sections(c["sections"]),
            }
        )
        for c in data["chapters"]
    ]
    return Outline(data["source"], data["text"], chapters)
