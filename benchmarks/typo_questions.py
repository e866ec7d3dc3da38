"""Questions with the typos a pinyin keyboard makes, to measure ``spelling.Speller`` (``make bench``).

A slip swaps one character of a word the notes use for another common character read the same
way, tones ignored ("电子政务" → "电子政五"), or, ``fuzzy``, read alike only once the sounds many
speakers merge are folded together (zh/z, l/n, ang/an …: "政府" → "震府"). Seeded, so two runs
ask the same questions.
"""

from __future__ import annotations

import random
from functools import lru_cache

import jieba
from pypinyin import lazy_pinyin

from egov_qa.questions.spelling import sound_of
from egov_qa.text import is_cjk_word, keywords

COMMON_CHAR_FREQ = 2000  # jieba dictionary count above which a single character counts as common


@lru_cache(maxsize=2)
def _common_chars_by_sound(fuzzy: bool) -> dict[str, list[str]]:
    jieba.initialize()
    by_sound: dict[str, list[str]] = {}
    for char, freq in jieba.dt.FREQ.items():
        if len(char) == 1 and freq > COMMON_CHAR_FREQ and is_cjk_word(char):
            by_sound.setdefault(_sound(char, fuzzy), []).append(char)
    return by_sound


def _sound(char: str, fuzzy: bool) -> str:
    return sound_of(char)[0] if fuzzy else lazy_pinyin(char)[0]


def _slips_for(char: str, fuzzy: bool) -> list[str]:
    exact = lazy_pinyin(char)[0]
    return [
        c
        for c in _common_chars_by_sound(fuzzy).get(_sound(char, fuzzy), [])
        if c != char and (not fuzzy or lazy_pinyin(c)[0] != exact)
    ]


def with_slips(question: str, notes_text: str, rng: random.Random, slips: int = 1, fuzzy: bool = False) -> str:
    """``question`` with ``slips`` slips in words that occur in ``notes_text`` (as far as a word
    has a character with a sound-alike)."""
    words = [w for w in keywords(question) if len(w) >= 2 and is_cjk_word(w) and w in notes_text]
    for _ in range(slips):
        candidates = [(w, i) for w in words for i in range(len(w)) if _slips_for(w[i], fuzzy)]
        if not candidates:
            break
        word, i = rng.choice(candidates)
        question = question.replace(word, word[:i] + rng.choice(_slips_for(word[i], fuzzy)) + word[i + 1 :], 1)
    return question
