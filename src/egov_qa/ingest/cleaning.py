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
class CleanReport:
    """What cleaning did, for ``--verbose`` output and tests."""

    fragments: int
    dropped_lines: int


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
    run = [] if markdown else find_fragment_run(lines)
    if run:
        body = "".join(_FRAGMENT_PREFIX.sub("", lines[i], count=1) for i in run)
        kept = [body]
        dropped = len([line for line in lines if line.strip()]) - len(run)
    else:
        kept = [line for line in lines if markdown or not looks_like_boilerplate(line)]
        dropped = len(lines) - len(kept)
    text = "\n".join(_SPACE_RUN.sub(" ", line).strip() for line in kept)
    if markdown:
        text = _MD_EMPHASIS.sub("", _MD_LIST_MARK.sub("", text))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text, CleanReport(fragments=len(run), dropped_lines=dropped)
