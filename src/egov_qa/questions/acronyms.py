"""An English acronym that one unit of the notes alone uses points at that unit ("G2C", "DFD").

Students type the acronyms of their course ("政府面向老百姓（G2C）的…"), and an acronym is an exact
name: when a single unit (a point or section) of the notes mentions it, that unit is what the
question is about, even when the question's other words are spoken ("老百姓") and match another
unit better. Acronyms are compared as ``text.acronyms`` reads them ("G2C" = "G-C").
"""

from __future__ import annotations

from egov_qa.models import Chunk
from egov_qa.text import acronyms


class AcronymIndex:
    """Which units of the notes mention each acronym."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self._units: dict[str, set[tuple[str, str]]] = {}
        for chunk in chunks:
            for acronym in acronyms(chunk.search_text):
                self._units.setdefault(acronym, set()).add((chunk.source, chunk.label))

    def only_unit(self, asked: set[str]) -> tuple[str, str] | None:
        """(source, label) of the unit that every acronym of a question (``asked``) known to the
        notes points at alone, if there is one."""
        units = [self._units[a] for a in asked if a in self._units]
        if not units or any(len(u) != 1 for u in units) or len(set.union(*units)) != 1:
            return None
        return next(iter(units[0]))
