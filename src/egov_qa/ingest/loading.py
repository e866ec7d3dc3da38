"""Files → raw text: .txt / .md with encoding detection, .docx through python-docx.

A file that is empty, binary or cannot be decoded is skipped with a warning naming it.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
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
_CHINESE = ["gb18030", "big5"]
_NOT_TEXT = frozenset({"Cc", "Cn", "Co", "Cs"})  # controls, unassigned, private use, surrogates
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
        raise UnreadableFile(f"{name}：文件是空的 / the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    if data.count(0) * 100 < len(data):  # UTF-16 has a NUL byte per ASCII character, UTF-8 none
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:4096]:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise UnreadableFile(f"{name}：看起来是二进制文件，不是文本 / looks like a binary file, not text")
        return utf16
    # Chinese encodings first: a short GBK file can read as Korean (cp949) to the detector.
    best = (
        charset_normalizer.from_bytes(data, cp_isolation=_CHINESE).best() or charset_normalizer.from_bytes(data).best()
    )
    if best is None:
        raise UnreadableFile(f"{name}：无法识别文字编码 / the text encoding could not be recognised")
    encoding = best.encoding
    # GBK-family guesses are widened to GB18030, its superset, so rare characters survive.
    if encoding.lower().replace("-", "_") in {"gbk", "gb2312", "cp936", "hz"}:
        encoding = "gb18030"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise UnreadableFile(f"{name}：无法按 {encoding} 解码 / could not be decoded as {encoding}") from exc


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when ``data`` is UTF-16 text without a byte-order mark (Windows Notepad's
    "Unicode" saved by another tool): of the two byte orders, the one that reads as text (binary
    bytes almost surely hold a lone surrogate, controls or unassigned characters). None for
    anything else."""
    if len(data) % 2:
        return None
    best: tuple[int, str, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:20000]
        unlikely = sum(1 for c in sample if c not in "\t\n\r\f" and unicodedata.category(c) in _NOT_TEXT)
        if unlikely * 200 <= len(sample) and (best is None or unlikely < best[0]):
            best = (unlikely, text, encoding)
    return (best[1], best[2]) if best else None


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
        raise UnreadableFile(f"{path.name}：不是可读的 .docx 文件 / not a readable .docx file") from exc
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
        raise UnreadableFile(f"{path.name}：文档里没有文字 / the document has no text")
    return text, styled


def load_file(path: Path) -> RawDocument:
    """Read one notes file, raising UnreadableFile with a clear reason."""
    suffix = path.suffix.lower()
    if suffix in DOCX_SUFFIXES:
        text, styled = read_docx(path)
        return RawDocument(path, text, "docx", is_markdown=styled)
    if suffix not in TEXT_SUFFIXES:
        raise UnreadableFile(f"{path.name}：不支持的文件类型 / unsupported file type '{suffix or '(none)'}'")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"{path.name}：无法读取 / cannot be read ({exc.strerror})") from exc
    text, encoding = decode_bytes(data, path.name)
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
            log.warning("已跳过 / skipped %s", exc)
    return documents
