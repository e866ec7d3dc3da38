"""The conversation the browser keeps (app/conversation.py) and the per-answer 在目录中查看 buttons of
the sources panel (app/render.py), without a browser: test_ui_sizes.py drives the same in Chromium."""

from __future__ import annotations

from egov_qa.app.conversation import MAX_KEPT, chat_messages, export_markdown, load_exchanges, md_text, to_store
from egov_qa.app.render import md_escape, sources_html
from egov_qa.models import Answer, Citation, Exchange, Passage
from helpers import FEATURES, FUNCTIONS


def _cited(chunk, quotes: list[str]) -> Answer:
    citation = Citation(chapter=1, point=chunk.point, section=None, label=chunk.label, source=chunk.source)
    passage = Passage(text=chunk.text, label=chunk.label, score=1.0, chunk_id=chunk.id, display=chunk.display_text)
    return Answer(
        answer=f"根据笔记「{chunk.label}」：\n" + "\n".join(quotes) + f"\n\n出处：{chunk.label}",
        refused=False,
        citations=[citation],
        passages=[passage],
        ms=1.0,
        quotes=quotes,
    )


FEATURES_ANSWER = _cited(FEATURES, ["1)使用手段先进"])
FUNCTIONS_ANSWER = _cited(FUNCTIONS, ["2)整合决策依据"])
REFUSED = Answer(
    answer="笔记里没有讲到这个问题。",
    refused=True,
    citations=[],
    passages=[],
    ms=1.0,
    suggestions=["电子政务有哪些特征？"],
)


class Chunks:
    """The engine's chunk lookup, over the hand-made units."""

    def chunk(self, chunk_id: str):
        return {c.id: c for c in (FEATURES, FUNCTIONS)}.get(chunk_id)


def test_stored_exchanges_come_back_the_same() -> None:
    exchanges = [
        Exchange(question="电子政务有哪些特征？", answer=FEATURES_ANSWER),
        Exchange(question="怎么做饭", answer=REFUSED),
    ]
    assert load_exchanges(to_store(exchanges)) == exchanges


def test_malformed_stored_exchanges_are_left_out() -> None:
    good = to_store([Exchange(question="电子政务的功能", answer=FUNCTIONS_ANSWER)])[0]
    assert load_exchanges(None) == [] and load_exchanges("[]") == [] and load_exchanges({"question": "x"}) == []
    kept = load_exchanges([{"answer": None}, "text", {"question": "q", "answer": {"answer": 3}}, good])
    assert kept == [Exchange(question="电子政务的功能", answer=FUNCTIONS_ANSWER)]


def test_only_the_last_exchanges_are_kept() -> None:
    exchanges = [Exchange(question=f"问题{i}") for i in range(MAX_KEPT + 5)]
    stored = to_store(exchanges)
    assert len(stored) == MAX_KEPT and stored[0]["question"] == "问题5"
    assert [e.question for e in load_exchanges([{"question": "旧"}, *stored])] == [e.question for e in exchanges[5:]]


def test_chat_messages_give_each_answer_its_exchange_number() -> None:
    exchanges = [
        Exchange(question="<b>一</b>", answer=FEATURES_ANSWER),
        Exchange(question="二"),  # asked, no answer kept
        Exchange(question="三", answer=FUNCTIONS_ANSWER),
    ]
    seen: list[tuple[str, int]] = []

    def message(answer: Answer, turn: int) -> dict:
        seen.append((answer.citations[0].label, turn))
        return {"role": "assistant", "content": str(turn)}

    messages = chat_messages(exchanges, md_escape, message)
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "user", "assistant"]
    assert messages[0]["content"] == "&lt;b&gt;一&lt;/b&gt;"  # the question escaped as in the live chat
    assert seen == [(FEATURES.label, 0), (FUNCTIONS.label, 2)]


def test_export_has_questions_answers_and_citation_labels() -> None:
    exchanges = [
        Exchange(question="电子政务有哪些特征？", answer=FEATURES_ANSWER),
        Exchange(question="<img src=x onerror=alert(1)>", answer=REFUSED),
        Exchange(question="电子政务有哪些功能？", answer=FUNCTIONS_ANSWER),
    ]
    text = export_markdown(exchanges, "笔记问答 · 对话记录")
    assert text.startswith("# 笔记问答 · 对话记录\n")
    assert "## 1. 电子政务有哪些特征？" in text and "## 3. 电子政务有哪些功能？" in text
    assert f"- {FEATURES.label}（notes.txt）" in text and f"- {FUNCTIONS.label}（notes.txt）" in text
    assert text.count("来源：") == 2  # the refusal cites nothing …
    assert "- 电子政务有哪些特征？" in text  # … and lists the questions it suggested
    assert "\\<img src=x onerror=alert(1)\\>" in text and "<img" not in text.replace("\\<img", "")
    assert "根据笔记「第一章 · 9、电子政务的特征」：  \n1)使用手段先进\n\n出处" in text  # lines and paragraphs kept
    assert export_markdown([], "标题") == ""


def test_md_text_shows_markup_as_written() -> None:
    assert md_text("1)使用手段") == "1)使用手段"  # no list without a space after the number: as written
    assert md_text("1. 使用") == "1\\. 使用"
    assert md_text("- 甲\n# 乙\n> 丙") == "\\- 甲\n\\# 乙\n\\> 丙"
    assert md_text("**粗体** [链接](http://e.com) a|b") == "\\*\\*粗体\\*\\* \\[链接\\](http://e.com) a\\|b"


def test_sources_panel_has_one_open_button_per_citation() -> None:
    answer = FEATURES_ANSWER.model_copy(update={"citations": [*FEATURES_ANSWER.citations, *FUNCTIONS_ANSWER.citations]})
    values = {FEATURES.label: '3:0/0/p8"><script>', FUNCTIONS.label: None}  # no place in the tree: no button
    panel = sources_html(answer, Chunks(), [FEATURES, FUNCTIONS], lambda c: values[c.label])
    assert panel.count('<button type="button" class="egov-open"') == 1
    assert 'value="3:0/0/p8&quot;&gt;&lt;script&gt;"' in panel and "<script>" not in panel
    assert "<mark>1)使用手段先进</mark>" in panel
    assert "egov-open" not in sources_html(answer, Chunks(), [FEATURES, FUNCTIONS])  # none asked for
