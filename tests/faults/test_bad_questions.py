"""Bad questions — empty, blank, 100,000 characters, control characters, lone surrogates, HTML —
through the engine, the ``egov-qa ask`` console script and the app's ``/ask`` over HTTP: each gets
the engine's own message (or an answer), never an error, and nothing that reaches a page or a
terminal carries live HTML or control characters."""

from __future__ import annotations

import pytest

from egov_qa.answer.messages import EMPTY_QUESTION, TOO_LONG, UNDERSTOOD_AS
from egov_qa.app.render import answer_markdown
from helpers import call_api, use_index

pytestmark = pytest.mark.slow

LIMIT = 500  # EGOV_QA_MAX_QUESTION_CHARS's default
TOO_LONG_500 = TOO_LONG.format(limit=LIMIT)
HTML = "<img src=x onerror=alert(1)>"
# A homophone typo (吴 for 务) makes the answer repeat the question ("按笔记用词理解为：…"), so
# whatever the question carries reaches the answer text.
ECHOED = "电子政吴的含义"
ECHOED_AS = UNDERSTOOD_AS.format(question="电子政务的含义")
CONTROL = "\x00\x07\x1b\x7f\x9b\u202e\u2066\u200b\ufeff\ud800"  # NUL BEL ESC DEL CSI RLO LRI ZWSP BOM surrogate
NOT_TEXT = ["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\u202e", "\u2066", "\u200b", "\ufeff", "\ud800"]

EMPTY = ["", "   ", "\t\n \u3000", "\x00\u202e\ufeff"]
LONG = ["电" * 100_000, "a" * 100_000, "电子政务的特征？" * 12_500]


def _plain(text: str) -> bool:
    return not any(c in text for c in NOT_TEXT)


# --- the engine -----------------------------------------------------------------------------------


@pytest.mark.parametrize("question", EMPTY, ids=["empty", "spaces", "whitespace", "only-controls"])
def test_an_empty_question_is_asked_for(served_engine, question):
    answer = served_engine.ask(question)
    assert answer.refused and answer.answer == EMPTY_QUESTION and not answer.passages


@pytest.mark.parametrize("question", LONG, ids=["cjk", "ascii", "repeated"])
def test_a_100000_character_question_is_too_long(served_engine, question):
    answer = served_engine.ask(question)
    assert answer.refused and answer.answer == TOO_LONG_500 and not answer.passages
    assert answer.ms < 2000  # refused before any search


def test_control_characters_are_removed_before_answering(served_engine):
    """The same answer as without them, and none of them in what is shown (a terminal would run
    ``\\x1b[31m``; ``\\u202e`` would reverse the page's text; a lone surrogate cannot be encoded at
    all: it used to fail inside the embedding model with UnicodeEncodeError)."""
    plain = served_engine.ask("电子政务的特征有哪些？", ["电子政务是什么？"])
    dirty = served_engine.ask(f"{CONTROL}电子政务的\x00特征有哪些？{CONTROL}", [f"{CONTROL}电子政务是什么？\ud800"])
    assert not dirty.refused and dirty.citations == plain.citations and dirty.answer == plain.answer
    echoed = served_engine.ask(f"{CONTROL}{ECHOED}{CONTROL}")
    assert echoed.answer.startswith(ECHOED_AS) and _plain(echoed.answer) and _plain(echoed.understood_as or "")
    checked = served_engine.checker.check(f"电子政务的\ud800特征有哪些？{CONTROL}", f"政府信息公开共享{CONTROL}")
    assert checked.items and _plain(checked.message) and all(_plain(i.match or "") for i in checked.items)


@pytest.mark.parametrize("markup", [HTML, "<script>alert(1)</script>", "[点我](javascript:alert(1))"])
def test_html_in_a_question_is_shown_as_text(served_engine, markup):
    """The answer repeats the question with its markup; the chat's rendering of it has none."""
    answer = served_engine.ask(ECHOED + markup)
    assert answer.answer.startswith(UNDERSTOOD_AS.format(question="电子政务的含义" + markup))  # raw, as data
    shown = answer_markdown(answer, served_engine, served_engine.notes.chunks, final=True)
    assert "<img" not in shown and "<script" not in shown and "](javascript" not in shown
    assert "&lt;" in shown or "&#91;" in shown  # escaped, so the student sees the characters typed
    alone = served_engine.ask(markup)
    assert markup not in answer_markdown(alone, served_engine, served_engine.notes.chunks, final=True)


# --- egov-qa ask (the console script, as a teacher runs it) ----------------------------------------


@pytest.fixture
def on_egov(served_egov, monkeypatch):
    """The console script on the e-gov index, which it must never rebuild."""
    return use_index(monkeypatch, served_egov)


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", f"错误 / error: {EMPTY_QUESTION} / the question is empty"),
        (" \t ", f"错误 / error: {EMPTY_QUESTION} / the question is empty"),
        # 100,000 ASCII characters: one argument may hold 128 kB (MAX_ARG_STRLEN), not 100,000 Chinese ones
        ("a" * 100_000, f"错误 / error: {TOO_LONG_500} / the question has 100000 characters, more than {LIMIT}"),
    ],
    ids=["empty", "blank", "100000"],
)
def test_ask_refuses_an_empty_or_long_question_in_one_line(on_egov, cli, question, message):
    done = cli("ask", question)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().startswith(message) and "Traceback" not in done.stderr


def test_ask_prints_no_control_characters(on_egov, cli):
    """A terminal gets the answer as text: the question's escape sequences and bidi overrides are
    gone, what is left of them is plain text (a NUL cannot be passed in an argument at all, so it is
    tested through the engine and HTTP)."""
    done = cli("ask", f"\x1b[31m\x07{ECHOED}{HTML}\u202e\x1b[0m")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(UNDERSTOOD_AS.format(question=f"[31m电子政务的含义{HTML}[0m"))
    assert _plain(done.stdout) and "Traceback" not in done.stderr


# --- /ask over HTTP -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("", EMPTY_QUESTION),
        ("  \n\u3000 ", EMPTY_QUESTION),
        (None, EMPTY_QUESTION),
        (["电子政务的特征"], EMPTY_QUESTION),  # not a string: nothing was asked
        ("电" * 100_000, TOO_LONG_500),
    ],
    ids=["empty", "blank", "null", "list", "100000"],
)
def test_api_refuses_an_empty_or_long_question(app_server, question, expected):
    event, data = call_api(app_server.url, "ask", question, [])
    assert event == "complete", data
    assert data[0]["refused"] is True and data[0]["answer"] == expected and data[0]["passages"] == []


def test_api_answers_through_control_characters_and_html(app_server):
    """JSON carries what a terminal cannot: NUL and a lone surrogate (``"\\ud800"``), which used to
    make the engine fail (the caller got the UnicodeEncodeError's text). The answer object is data:
    HTML in it stays as typed (the page escapes it, see above), control characters do not."""
    event, data = call_api(app_server.url, "ask", f"{CONTROL}{ECHOED}{HTML}{CONTROL}", [f"\ud800{CONTROL}", 7, None])
    assert event == "complete", data
    answer = data[0]
    assert answer["answer"].startswith(UNDERSTOOD_AS.format(question="电子政务的含义" + HTML))
    assert answer["refused"] is False and _plain(answer["answer"]) and _plain(answer["understood_as"])


@pytest.mark.parametrize("history", [{"a": 1}, "not json", "[1, null, {}]", 42], ids=["dict", "text", "json", "int"])
def test_api_ignores_a_malformed_history(app_server, history):
    event, data = call_api(app_server.url, "ask", "电子政务的特征有哪些？", history)
    assert event == "complete", data
    assert data[0]["refused"] is False and "电子政务的特征" in data[0]["citations"][0]["label"]
