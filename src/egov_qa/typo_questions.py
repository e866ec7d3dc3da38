"""Questions with the typos a pinyin keyboard makes, to measure ``spelling.Speller`` (``make bench``).

A slip swaps one character of a word the notes use for another common character read the same
way (tones ignored): "电子政务" → "电子政五". Seeded, so two runs ask the same questions.
"""

from __future__ import annotations

import random
from functools import lru_cache

import jieba
from pypinyin import lazy_pinyin

from .text import is_cjk_word, keywords

COMMON_CHAR_FREQ = 2000  # jieba dictionary count above which a single character counts as common


@lru_cache(maxsize=1)
def _common_chars_by_sound() -> dict[str, list[str]]:
    jieba.initialize()
    by_sound: dict[str, list[str]] = {}
    for char, freq in jieba.dt.FREQ.items():
        if len(char) == 1 and freq > COMMON_CHAR_FREQ and is_cjk_word(char):
            by_sound.setdefault(lazy_pinyin(char)[0], []).append(char)
    return by_sound


def with_slips(question: str, notes_text: str, rng: random.Random, slips: int = 1) -> str:
    """``question`` with ``slips`` homophone slips in words that occur in ``notes_text``."""
    words = [w for w in keywords(question) if len(w) >= 2 and is_cjk_word(w) and w in notes_text]
    for _ in range(slips):
        if not words:
            break
        word = rng.choice(words)
        i = rng.randrange(len(word))
        sounds_alike = [c for c in _common_chars_by_sound().get(lazy_pinyin(word[i])[0], []) if c != word[i]]
        if sounds_alike:
            question = question.replace(word, word[:i] + rng.choice(sounds_alike) + word[i + 1:], 1)
    return question
