"""Answerability: do the notes answer this question? One number, higher = more answerable.

It weighs evidence about this question and its best unit, each on a scale that means the same on
any notes:

* ``similarity``: the cosine similarity of the best chunk and of the best piece (a sentence or
  list item) to the question, from the embedding model;
* ``coverage``: the share of the question's topic words (weighted by their rarity in general
  Chinese or English) that the notes use anywhere, English words through their translations
  (``questions.english``); a term the notes never mention (大模型, 就业, 5G) is strong evidence;
* ``unit_coverage``: the same share within the best units (the first three of the ranking): a
  question whose words the notes only use apart, in other units, asks something they do not say;
* ``fact_missing``: the question asks for a year, a number, a person or a place and the best unit
  states none (``questions.facts``): "电子签名法是哪一年生效的？" beyond notes that name no year.

The number is a logistic score, ``bias + Σ weight × evidence`` (the log-odds that the question is
answerable), with weights fitted on questions generated from 13 note files of seven courses and on
each course's questions asked of the others' notes (``make calibrate``), and a threshold
(``EGOV_QA_MIN_RELEVANCE``) that ``egov-qa calibrate`` sets for one's own notes. Raw cosines of a
given model are comparable across notes of one language; another embedding model needs its own
weights (``egov-qa calibrate --fit``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from egov_qa.config import AnswerabilityWeights


@dataclass(frozen=True)
class Evidence:
    """What one search query found, for deciding whether the notes answer it."""

    similarity: float  # cosine similarity of the best chunk
    piece_similarity: float  # of the best piece
    coverage: float  # share of the topic words (by rarity) the notes use, 0…1
    unit_coverage: float  # share the best units use, 0…1
    fact_missing: float  # 1 when it asks for a year, number, person or place the best unit does not state

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def answerability(evidence: Evidence, weights: AnswerabilityWeights) -> float:
    """The log-odds that the notes answer the question: above 0, more likely than not."""
    weighed = weights.model_dump()
    return weights.bias + sum(float(weighed[name]) * value for name, value in evidence.as_dict().items())
