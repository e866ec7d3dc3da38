"""Homophone typos corrected against the notes' own words ("电子正务" → "电子政务").

Students type with a pinyin input method, so a typo is nearly always a character that sounds
like the right one: "政五", "认员", "建社". Such a word matches nothing in the notes, and the
question drifts or is refused. A stretch of the question is replaced by a word of the notes when
  * they read the same in pinyin (tones ignored),
  * at least half of their characters are already the same (one slip in a two-character word),
  * the stretch is not a word in its own right: "权利" never becomes the notes' "权力";
  * it is made of whole words of the question (jieba, dictionary only: a slip breaks its word
    apart, "电子证务" → 电子 / 证 / 务), so "历史效果" keeps its "史效" although the notes say
    "时效", and no changed character lies in a word the notes already use;
  * and the notes word is a content word of jieba's dictionary (noun, verb, adjective …), not a
    numeral, pronoun or preposition: "一词" is left alone although the notes say "一次".
Longest notes word first, so "电子正务" becomes "电子政务", not "电子" + a fix of "正务".
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterable

import jieba
import jieba.posseg
from pypinyin import Style, lazy_pinyin, pinyin

from egov_qa.text import is_cjk_word, keywords

_MERGED = {"zh": "z", "ch": "c", "sh": "s", "l": "n"}
_FUZZY_INITIAL = re.compile(r"^(?:zh|ch|sh|l)")
_FUZZY_FINAL = re.compile(r"(?<=[aei])ng$")
MAX_WORD_CHARS = 8  # longer notes words are rare and their typos are found inside them


# jieba part-of-speech tags of words a typo may be corrected into: nouns, verbs, adjectives,
# distinguishing words, idioms, abbreviations, place, direction and time words.
_CONTENT_TAGS = tuple("nvablijzsft")


def _fold(syllable: str) -> str:
    return _FUZZY_FINAL.sub("n", _FUZZY_INITIAL.sub(lambda m: _MERGED[m.group()], syllable))


@functools.lru_cache(maxsize=16384)
def sound_of(text: str) -> tuple[str, ...]:
    """Toneless pinyin with the sounds many speakers (and fuzzy-pinyin keyboards) merge folded
    together: zh/z, ch/c, sh/s, l/n, ang/an, eng/en, ing/in."""
    return tuple(_fold(s) for s in lazy_pinyin(text))


@functools.lru_cache(maxsize=16384)
def readings_of(char: str) -> frozenset[str]:
    """Every folded reading of one character (a word's pinyin reads each character one of these ways)."""
    return frozenset(_fold(s) for s in pinyin(char, heteronym=True, style=Style.NORMAL)[0])


def _is_dictionary_word(text: str) -> bool:
    return bool(jieba.dt.FREQ.get(text, 0) > 0)


def _is_content_word(word: str) -> bool:
    tag = jieba.posseg.dt.word_tag_tab.get(word, "")
    return _is_dictionary_word(word) and tag.startswith(_CONTENT_TAGS)


class Speller:
    """Corrects questions towards the vocabulary of one set of notes."""

    def __init__(self, notes_texts: Iterable[str]) -> None:
        counts = Counter(
            w
            for text in notes_texts
            for w in keywords(text, guess_new_words=False)
            if 2 <= len(w) <= MAX_WORD_CHARS and is_cjk_word(w) and _is_content_word(w)
        )
        self._by_sound: dict[tuple[str, ...], list[str]] = {}
        for word, _ in counts.most_common():  # the more frequent notes word first, if two sound alike
            self._by_sound.setdefault(sound_of(word), []).append(word)
        self._words = frozenset(counts)
        # A stretch can only sound like a notes word if its first character can: checked first,
        # because reading a whole stretch's pinyin is most of a question's spelling time.
        self._first_sounds = frozenset(sound[0] for sound in self._by_sound if sound)

    def _notes_word_for(self, pieces: list[str]) -> str | None:
        """The notes word that these consecutive words of the question misspell, if any."""
        stretch = "".join(pieces)
        if not is_cjk_word(stretch) or _is_dictionary_word(stretch):
            return None
        if not readings_of(stretch[0]) & self._first_sounds:
            return None
        # Characters of the question's words that are notes words already are right as they are.
        starts = itertools.accumulate(map(len, pieces), initial=0)
        fixed = {
            start + k
            for start, piece in zip(starts, pieces, strict=False)
            if piece in self._words
            for k in range(len(piece))
        }
        for word in self._by_sound.get(sound_of(stretch), ()):
            changed = {k for k, (a, b) in enumerate(zip(word, stretch, strict=False)) if a != b}
            if changed and not changed & fixed and 2 * len(changed) <= len(word):
                return word
        return None

    def correct(self, text: str) -> str:
        pieces = jieba.lcut(text, HMM=False)
        out: list[str] = []
        i = 0
        while i < len(pieces):
            end = i + 1
            while end < len(pieces) and sum(map(len, pieces[i : end + 1])) <= MAX_WORD_CHARS:
                end += 1
            for j in range(end, i + 1, -1):  # the longest stretch of two or more words first
                word = self._notes_word_for(pieces[i:j])
                if word:
                    out.append(word)
                    i = j
                    break
            else:
                out.append(pieces[i])
                i += 1
        return "".join(out)
