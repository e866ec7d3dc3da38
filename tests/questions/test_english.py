"""English words bridged to the notes' Chinese through CC-CEDICT (questions.english), and English
questions answered from Chinese notes."""

from __future__ import annotations

import pytest

from egov_qa.questions.english import EnglishBridge, english_words
from egov_qa.retrieval.vocabulary import matching_text


def test_english_words_are_content_words_stemmed_and_acronyms_left_out():
    words = dict(english_words("What do the notes say about the threats G2B faces, e-gov and Governments?"))
    assert words == {"threats": "threat", "faces": "face", "government": "govern", "governments": "govern"}


def test_a_word_is_translated_into_the_notes_words_only():
    bridge = EnglishBridge(matching_text("安全威胁包括窃听、抵赖；政府网站的功能"))
    bridged = {w.word: w.notes_words for w in bridge.bridge("Which threat means denying what one did?")}
    assert "威胁" in bridged["threat"]  # glossed "to threaten": a short ending still matches
    assert bridged["denying"] == () or all(w in "安全威胁包括窃听、抵赖；政府网站的功能" for w in bridged["denying"])
    poem = bridge.bridge("Write me a poem about autumn rain")
    assert [w.word for w in poem] == ["write", "poem", "autumn", "rain"]
    assert all(w.notes_words == () for w in poem)  # the notes say none of it
    assert all(w.rarity > 5 for w in poem)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("List the functions of e-government.", "电子政务的功能"),
        ("What are the features of e-government?", "电子政务的特征"),
    ],
)
def test_an_english_question_is_answered_from_the_chinese_notes(egov_engine, question, heading):
    answer = egov_engine.ask(question)
    assert not answer.refused
    assert answer.citations[0].label.endswith(heading)


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    ["Write me a short poem about autumn rain.", "Can you recommend a good sci-fi novel to read over the weekend?"],
)
def test_an_english_question_the_notes_do_not_cover_is_refused(egov_engine, question):
    assert egov_engine.ask(question).refused
