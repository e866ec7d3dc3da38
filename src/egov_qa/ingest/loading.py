"""Files → raw text: .txt / .md with encoding detection, .docx through python-docx.

A file that is empty, binary or cannot be decoded is skipped with a warning naming it.
"""

from __future__ import annotations

import codecs
import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import docx
import docx.text.paragraph

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
DOCX_SUFFIXES = {".docx"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | DOCX_SUFFIXES

# Byte-order marks decide outright; charset-normalizer handles the rest.
_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


class UnreadableFile(ValueError):
    """A notes file that cannot be turned into text (the message says why)."""


@dataclass(frozen=True)
class RawDocument:
    path: Path
    text: str
    encoding: str
    is_markdown: bool = False  # structure is in "#" heading lines (.md, or a .docx with heading styles)


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Return (text, encoding) for notes bytes, or raise UnreadableFile."""
    if not data.strip():
        raise UnreadableFile(f"{name}: the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise UnreadableFile(f"{name}: looks like a binary file, not text")
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise UnreadableFile(f"{name}: the text encoding could not be recognised")
    encoding = best.encoding
    # GBK-family guesses are widened to GB18030, its superset, so rare characters survive.
    if encoding.lower().replace("-", "_") in {"gbk", "gb2312", "cp936", "hz"}:
        encoding = "gb18030"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise UnreadableFile(f"{name}: could not be decoded as {encoding}") from exc


_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


def _heading_level(paragraph: docx.text.paragraph.Paragraph) -> int:
    """1-6 for a paragraph in a Word heading style ("Heading 2", "标题 2"), else 0."""
    name = paragraph.style.name if paragraph.style is not None else ""
    match = _HEADING_STYLE.match(name.strip())
    return min(int(match.group(1)), 6) if match else 0


def read_docx(path: Path) -> tuple[str, bool]:
    """Paragraph text of a .docx, one paragraph per line (tables included, row by row), and
    whether it uses heading styles. Heading paragraphs become Markdown "#" lines: Word's automatic
    numbering is not part of the text, so the style is what says "this is a heading"."""
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFile(f"{path.name}: not a readable .docx file") from exc
    lines, styled = [], False
    for paragraph in document.paragraphs:
        level = _heading_level(paragraph)
        styled = styled or (level > 0 and bool(paragraph.text.strip()))
        lines.append(("#" * level + " " if level else "") + paragraph.text)
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    text = "\n".join(lines)
    if not text.strip():
        raise UnreadableFile(f"{path.name}: the document has no text")
    return text, styled


def load_file(path: Path) -> RawDocument:
    """Read one notes file, raising UnreadableFile with a clear reason."""
    suffix = path.suffix.lower()
    if suffix in DOCX_SUFFIXES:
        text, styled = read_docx(path)
        return RawDocument(path, text, "docx", is_markdown=styled)
    if suffix not in TEXT_SUFFIXES:
        raise UnreadableFile(f"{path.name}: unsupported file type '{suffix or '(none)'}'")
    text, encoding = decode_bytes(path.read_bytes(), path.name)
    return RawDocument(path, text, encoding, is_markdown=suffix in {".md", ".markdown"})


def iter_corpus_files(corpus_dir: Path) -> list[Path]:
    """Every regular, non-hidden file in the corpus folder, sorted for a stable order."""
    if not corpus_dir.is_dir():
        return []
    return sorted(p for p in corpus_dir.rglob("*") if p.is_file() and not p.name.startswith("."))


def load_corpus(corpus_dir: Path) -> list[RawDocument]:
    """Load every readable notes file; warn about and skip the rest."""
    documents = []
    for path in iter_corpus_files(corpus_dir):
        try:
            documents.append(load_file(path))
        except UnreadableFile as exc:
            log.warning("skipped %s", exc)
    return documents
