"""Load → clean → outline → chunk for one file or the whole corpus folder."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from egov_qa.config import Settings
from egov_qa.ingest.chunking import chunk_outline
from egov_qa.ingest.cleaning import clean_text
from egov_qa.ingest.loading import RawDocument, load_corpus, load_file
from egov_qa.ingest.outline import build_outline
from egov_qa.ingest.report import ParseReport, report_document
from egov_qa.models import Chapter, Chunk, Outline


@dataclass(frozen=True)
class Notes:
    """Everything parsed from the corpus: one outline per file and all their chunks."""

    outlines: list[Outline]
    chunks: list[Chunk]

    @property
    def chapters(self) -> list[Chapter]:
        """Every file's chapters, in corpus order."""
        return [chapter for outline in self.outlines for chapter in outline.chapters]

    @property
    def multi_source(self) -> bool:
        """More than one file: labels then name the document."""
        return len(self.sources) > 1

    @cached_property
    def sources(self) -> list[str]:
        """The files (courses) the chunks come from, by file name, in corpus order."""
        return list(dict.fromkeys(c.source for c in self.chunks))

    def only(self, source: str) -> Notes:
        """One file's outline and chunks (a course on its own)."""
        return Notes([o for o in self.outlines if o.source == source], [c for c in self.chunks if c.source == source])

    def sections_of(self, chapter: int, point: int) -> list[Chunk]:
        """The section units of a numbered point, in document order."""
        return [c for c in self.chunks if c.section and (c.chapter, c.point) == (chapter, point)]


def outline_document(document: RawDocument) -> Outline:
    text, _ = clean_text(document.text, markdown=document.is_markdown)
    return build_outline(text, source=document.path.name, markdown=document.is_markdown)


def outline_file(path: Path) -> Outline:
    return outline_document(load_file(path))


def report_file(path: Path) -> tuple[Outline, ParseReport]:
    """The file's outline and the parse report a teacher reads before publishing it."""
    return report_document(load_file(path))


def chunk_document(outline: Outline, settings: Settings) -> list[Chunk]:
    return chunk_outline(outline, settings.chunk_max_chars, settings.chunk_overlap_chars)


def load_notes(settings: Settings, corpus_dir: Path | None = None) -> Notes:
    outlines = [outline_document(doc) for doc in load_corpus(corpus_dir or settings.corpus_dir)]
    chunks = [chunk for outline in outlines for chunk in chunk_document(outline, settings)]
    return Notes(outlines, chunks)
