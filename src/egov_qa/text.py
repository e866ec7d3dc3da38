"""Chinese text helpers every stage shares: simplified and width-folded matching forms, jieba
words, character bigrams, sentences, English acronyms."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

import jieba
import opencc

from egov_qa.lexicon import AND_WORDS, CN_SMALL, COUNT_MEASURES, QUESTION_MORPHEMES, STOPWORDS

jieba.setLogLevel(logging.WARNING)

_WORD = re.compile(r"[\w\u4e00-\u9fff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_CAPITALS = re.compile(r"(?<![A-Za-z])[A-Z]{2,}(?![a-z])")
_ENGLISH_S = re.compile(r"['’]s\b")  # "what's G2B": the s is no word
_ASCII_PAIR = re.compile(r"(?<![a-z0-9])([a-z0-9]+) +(?=([a-z0-9]+)(?![a-z0-9]))")
_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?|\n")


_ACRONYM_LINK = re.compile(r"(?<=[a-z])(?:\s*-\s*|2)(?=[a-z]\b|[a-z](?![a-z]))")


_T2S = opencc.OpenCC("t2s")  # thread-safe: the converter holds no per-call state


def is_cjk_word(text: str) -> bool:
    """Chinese characters only (no digits, Latin letters or punctuation)."""
    return bool(_CJK_RUN.fullmatch(text))


_ACRONYM = re.compile(r"[a-z][a-z0-9]{1,9}(?![a-z0-9])")
_ASCII_RUN = re.compile(r"[a-z0-9]+")


def acronyms(text: str) -> set[str]:
    """English acronyms and terms as matching sees them: normalized (so "G2C" = "G-C"), spaces
    removed (a scrape's "MRP II" = "MRPII") once English scaffolding is gone ("What is G2B?" asks
    about "gb", not "whatisgb")."""
    stop = _stopwords(text)
    topical = _ASCII_RUN.sub(lambda m: "" if m.group() in stop else m.group(), _ENGLISH_S.sub("", normalize(text)))
    return set(_ACRONYM.findall(re.sub(r"\s+", "", topical)))


def _stopwords(text: str) -> frozenset[str]:
    """STOPWORDS, except an English word typed in capitals: an acronym ("IT", "DO"), never a
    stopword ("it", "do")."""
    return STOPWORDS - {w.lower() for w in _CAPITALS.findall(text)}


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+\-]*")


def named_terms(text: str) -> set[str]:
    """English terms typed with two or more capitals ("SaaS", "EGDI", "B2C") as matching sees
    them (see ``acronyms``): names of things, unlike "wifi" or "vs"."""
    return {term for word in _LATIN_WORD.findall(text) if sum(map(str.isupper, word)) >= 2 for term in acronyms(word)}


def to_simplified(text: str) -> str:
    """Traditional characters as simplified ("什麼是電子政務" → "什么是电子政务"); simplified text is
    left as it is. Students with a traditional-character keyboard ask the same notes."""
    return str(_T2S.convert(text))


def normalize(text: str) -> str:
    """Simplified, width-folded, lower-cased form for matching (never shown).

    Acronym links are unified, so "G2C", "G-C" and "GC" match (the English "2" = "to").
    """
    return _ACRONYM_LINK.sub("", to_simplified(unicodedata.normalize("NFKC", text)).lower())


@lru_cache(maxsize=4096)
def _cut(text: str, guess_new_words: bool) -> tuple[str, ...]:
    return tuple(jieba.lcut_for_search(text, HMM=guess_new_words))


def keywords(text: str, guess_new_words: bool = True) -> list[str]:
    """Search-mode jieba tokens without punctuation or stopwords.

    Adjacent ASCII words are also joined ("extra net" → "extranet"): scraped notes put stray
    spaces inside English words, and a student types the word whole. ``guess_new_words`` is
    jieba's HMM, which joins characters outside its dictionary into words.
    """
    normal = _ENGLISH_S.sub("", normalize(text))
    stop = _stopwords(text)
    words = [t for t in _cut(normal, guess_new_words) if _WORD.search(t) and t.strip() and t not in stop]
    return words + [
        m.group(1) + m.group(2)
        for m in _ASCII_PAIR.finditer(normal)
        if m.group(1) not in stop and m.group(2) not in stop
    ]


# A number and its measure word ("哪四个", "三种", "两条"): how many, never what about.
_COUNTED = re.compile(rf"[\d{CN_SMALL}两]+[{COUNT_MEASURES}]?")


def query_bigrams(text: str) -> list[str]:
    """A question's bigrams without the ones that only carry its form ("什么", "哪些", "是什")."""
    return sorted(g for g in bigrams(text) if g not in STOPWORDS and not any(m in g for m in QUESTION_MORPHEMES))


def content_words(text: str, guess_new_words: bool = False) -> list[str]:
    """Distinct words of two or more characters that carry the topic, not the question form.

    Dictionary words (and English terms) unless ``guess_new_words``: jieba's HMM guesses at spoken
    phrasing are mostly not words ("评估政府绩效时要设" → "时要", "干得好不好" → "干得").
    """
    words = {w for w in keywords(text, guess_new_words) if len(w) >= 2 and not _COUNTED.fullmatch(w)}
    return sorted(w for w in words if not any(m in w for m in QUESTION_MORPHEMES))


_AND = str.maketrans(AND_WORDS, "与" * len(AND_WORDS))  # "政府跟企业" = the notes' "政府与企业"


def bigrams(text: str) -> set[str]:
    """Bigrams of the text's CJK characters (everything else skipped): robust to segmentation
    differences, a typo in one character and a scrape's stray spaces."""
    chars = "".join(_CJK.findall(normalize(text))).translate(_AND)
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def sentences(text: str) -> list[str]:
    """Split at Chinese sentence ends and line breaks, keeping the notes' characters."""
    return [s for s in (m.group().strip() for m in _SENTENCE.finditer(text)) if s]
