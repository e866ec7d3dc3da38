"""Raw text → notes text, generically (no rule is written for one site or file).

Scraped download-site pages carry the notes as a run of long lines that the site numbered
``1、`` ``2、`` … and cut mid-sentence; everything around that run is site boilerplate. We find
the run by its shape (consecutive numbers from 1, long lines, most of them ending mid-sentence),
strip the site's number once per line and join the pieces with no separator, so broken words
and sentences are whole again. Pages without such a run lose only lines that look like site
furniture (links, e-mail, copyright, login prompts).

The notes' own characters are kept; width folding happens only where text is matched
(``text.normalize``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from egov_qa.ingest.furniture import Furniture, find_furniture, joins_across_break, strip_inline
from egov_qa.lexicon import SITE_WORDS, alternation

_FRAGMENT_PREFIX = re.compile(r"^\s*(\d{1,4})\s*[、.．]\s?")
# A sentence or clause that ends properly; a site page break usually does not.
_TERMINAL = tuple("。！？；：.!?;:)）”」》")
_MIN_FRAGMENT_CHARS = 200
_MIN_BROKEN_SHARE = 0.5

_SPACE_RUN = re.compile(r"[ \t\u00a0\u3000]+")
# Whitespace is kept only between two ASCII letters/digits ("Supply Chain", "MRP II").
_STRAY_SPACE = re.compile(r"(?<![A-Za-z0-9])[ \t\u00a0\u3000]+|[ \t\u00a0\u3000]+(?![A-Za-z0-9])")

# Site furniture seen on Chinese document-download pages in general.
_STRONG_BOILERPLATE = re.compile(r"https?://|www\.|\S+@\S+\.\w|©|copyright|ICP|备案|\s\|\s", re.IGNORECASE)
_WEAK_BOILERPLATE = re.compile(alternation(SITE_WORDS))
_MD_LIST_MARK = re.compile(r"^\s*[-*+]\s+", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*\*|__|`)")


@dataclass(frozen=True)
class DroppedLine:
    """A line of the file that is not notes text."""

    line: int  # 1-based, in the file as read
    text: str
    reason: str  # "site boilerplate", "outside the notes" (around a page's numbered fragments),
    # "page number", "running header"


@dataclass(frozen=True)
class CleanReport:
    """What cleaning did, for ``egov-qa outline --report`` and tests."""

    fragments: int
    dropped_lines: int
    dropped: tuple[DroppedLine, ...] = ()
    inline_furniture: tuple[str, ...] = ()  # page numbers and headers cut out of run-on text
    # (offset in the notes text, 1-based line of the file) where each kept line or fragment begins
    anchors: tuple[tuple[int, int], ...] = ()

    def line_of(self, offset: int) -> int:
        """The file's line that the notes text at ``offset`` came from."""
        line = self.anchors[0][1] if self.anchors else 1
        for start, number in self.anchors:
            if start > offset:
                break
            line = number
        return line


def squeeze_spaces(text: str) -> str:
    """Remove stray spaces inside CJK text; keep one between ASCII words."""
    text = _SPACE_RUN.sub(" ", text)
    return _STRAY_SPACE.sub("", text)


def _is_fragment_run(lines: list[str]) -> bool:
    if len(lines) < 2:
        return False
    mean = sum(len(line) for line in lines) / len(lines)
    broken = sum(1 for line in lines[:-1] if not line.rstrip().endswith(_TERMINAL))
    return mean >= _MIN_FRAGMENT_CHARS and broken / (len(lines) - 1) >= _MIN_BROKEN_SHARE


def find_fragment_run(lines: list[str]) -> list[int]:
    """Line indices of the site's numbered page fragments (1、 2、 3、 …), or []."""
    numbered = [(i, int(m.group(1))) for i, line in enumerate(lines) if (m := _FRAGMENT_PREFIX.match(line))]
    best: list[int] = []
    best_chars = 0
    for start, (i0, n0) in enumerate(numbered):
        if n0 != 1:
            continue
        run, expected = [i0], 2
        for i, n in numbered[start + 1 :]:
            if n == expected:
                run.append(i)
                expected += 1
        # The run that carries the most text wins: a site's own numbered notice (1、 2、 3、 …
        # before the notes) would otherwise borrow the notes' later fragment numbers.
        chars = sum(len(lines[i]) for i in run)
        if chars > best_chars and _is_fragment_run([lines[i] for i in run]):
            best, best_chars = run, chars
    return best


def looks_like_boilerplate(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > 400:
        return False
    if _STRONG_BOILERPLATE.search(stripped):
        return True
    return len(_WEAK_BOILERPLATE.findall(stripped)) >= 2


def clean_text(raw: str, markdown: bool = False) -> tuple[str, CleanReport]:
    """Return the notes text (lines kept, spaces collapsed) and a report."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    lines = text.split("\n")
    furniture = Furniture({}) if markdown else find_furniture(lines)
    run = [] if markdown else find_fragment_run(lines)
    inline: list[str] = []
    if run:
        body, inline = strip_inline("".join(_FRAGMENT_PREFIX.sub("", lines[i], count=1) for i in run))
        kept, sources = [body], [run[0]]
        outside = [i for i, line in enumerate(lines) if line.strip() and i not in set(run)]
        dropped = [(i, furniture.lines.get(i, "outside the notes")) for i in outside]
    else:
        kept, sources, dropped = _kept_lines(lines, furniture, markdown)
    text = "\n".join(_SPACE_RUN.sub(" ", line).strip() for line in kept)
    if markdown:
        text = _MD_EMPHASIS.sub("", _MD_LIST_MARK.sub("", text))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    starts = [_FRAGMENT_PREFIX.sub("", lines[i], count=1) for i in run] if run else kept
    report = CleanReport(
        fragments=len(run),
        dropped_lines=len(dropped),
        dropped=tuple(DroppedLine(i + 1, lines[i].strip(), reason) for i, reason in dropped),
        inline_furniture=tuple(inline),
        anchors=_anchors(text, starts, run or sources),
    )
    return text, report


def _kept_lines(lines: list[str], furniture: Furniture, markdown: bool) -> tuple[list[str], list[int], list]:
    """The lines that are notes (the rest site furniture), a line cut by a page break joined to its
    second half; with the index each kept line starts at and (index, reason) of each dropped one."""
    kept: list[str] = []
    sources: list[int] = []
    dropped: list[tuple[int, str]] = []
    last_text = -1  # the kept line holding the last text
    broken = False  # furniture since that line
    for i, line in enumerate(lines):
        if i in furniture:
            dropped.append((i, furniture.lines[i]))
            broken = True
        elif not markdown and looks_like_boilerplate(line):
            dropped.append((i, "site boilerplate"))
        elif broken and line.strip() and last_text >= 0 and joins_across_break(kept[last_text], line):
            del kept[last_text + 1 :], sources[last_text + 1 :]  # the blank lines around the break
            kept[last_text] = kept[last_text].rstrip() + line.strip()
            broken = False
        else:
            kept.append(line)
            sources.append(i)
            if line.strip():
                last_text, broken = len(kept) - 1, False
    return kept, sources, dropped


def _anchors(text: str, pieces: list[str], sources: list[int]) -> tuple[tuple[int, int], ...]:
    """Where each kept line (or fragment) begins in the notes text, found in order by its first
    characters, with the file's line it came from."""
    anchors: list[tuple[int, int]] = []
    position = 0
    for piece, source in zip(pieces, sources, strict=True):
        key = _MD_EMPHASIS.sub("", _MD_LIST_MARK.sub("", _SPACE_RUN.sub(" ", piece).strip()))[:8]
        found = text.find(key, position) if key else -1
        if found >= 0:
            anchors.append((found, source + 1))
            position = found + 1
    return tuple(anchors)
