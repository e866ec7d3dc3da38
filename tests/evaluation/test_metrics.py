"""The evaluation metrics (``egov_qa.evaluation.metrics``): hit@k / MRR / citation rule / key terms /
refusals / latency on hand-made ``Answer`` objects, with the figures worked out by hand from the
eval set's rules (tests/data/eval/README.md), so a wrong metric implementation fails."""

from __future__ import annotations

import pytest

from egov_qa.evaluation.metrics import (
    Question,
    citation_correct,
    evaluate,
    first_hit_rank,
    key_term_share,
)
from egov_qa.models import Answer, Citation, Passage

# --- hand-made questions and answers --------------------------------------------------------------


def q(
    id: str = "t1",
    *,
    chapter=1,
    point=1,
    section=None,
    evidence=("政府机关是主体",),
    must=("政府机关",),
    type_: str = "detail",
    history=(),
) -> Question:
    return Question(
        id=id,
        question="?",
        history=list(history),
        type=type_,
        chapter=chapter,
        point=point,
        section=section,
        evidence=list(evidence),
        must_include=list(must),
    )


def oos(id: str = "o1") -> Question:
    return Question(
        id=id, question="?", type="out_of_scope", chapter=None, point=None, section=None, evidence=[], must_include=[]
    )


def cite(chapter: int, point: int | None, section: str | None = None) -> Citation:
    return Citation(chapter=chapter, point=point, section=section, label="x", source="n.txt")


def ans(
    passages: list[str] = (), citations: list[Citation] = (), text: str = "", refused: bool = False, ms: float = 10.0
) -> Answer:
    return Answer(
        answer=text,
        refused=refused,
        citations=list(citations),
        ms=ms,
        passages=[Passage(text=t, label=f"p{i}", score=1 / (i + 1)) for i, t in enumerate(passages)],
    )


def test_first_hit_rank_deletes_whitespace_on_both_sides():
    question = q(evidence=["政府 机关是主体", "从未出现的证据"])
    answer = ans(["无关", "也无关", "电子政务的\n政府机关 是\t主体。"])
    assert first_hit_rank(question, answer) == 3
    assert first_hit_rank(question, ans(["无关", "政府机关"])) is None  # part of the string is no hit


def test_first_hit_rank_does_no_punctuation_or_width_folding():
    question = q(evidence=["重电子,轻政务"])
    assert first_hit_rank(question, ans(["“重电子，轻政务”现象"])) is None  # full-width comma
    assert first_hit_rank(question, ans(["“重电子,轻政务”现象"])) == 1
    assert first_hit_rank(q(evidence=["ＯＡ系统"]), ans(["OA系统"])) is None


def test_hit_at_k_and_mrr_over_answerable_items():
    questions = [
        q("a", evidence=["甲甲甲"]),  # rank 1
        q("b", evidence=["乙乙乙"]),  # rank 3
        q("c", evidence=["丙丙丙"]),  # rank 6: outside hit@5
        q("d", evidence=["丁丁丁"], type_="followup", history=["上一问"]),  # miss
        oos("e"),  # not counted in hit@k
    ]
    answers = {
        "a": ans(["甲甲甲。", "x"]),
        "b": ans(["x", "y", "乙乙乙", "乙乙乙"]),
        "c": ans(["x1", "x2", "x3", "x4", "x5", "丙丙丙"]),
        "d": ans(["x", "y"]),
        "e": ans(["甲甲甲"], [cite(1, 1)], "答案"),
    }
    report, _ = evaluate(questions, lambda item: answers[item.id])
    assert report.questions == 5 and report.answerable == 4
    assert report.hit_at_1 == pytest.approx(1 / 4)
    assert report.hit_at_5 == pytest.approx(2 / 4)
    assert report.mrr == pytest.approx((1 + 1 / 3 + 1 / 6 + 0) / 4)


def test_rows_keep_the_question_ids():
    _, rows = evaluate([q("a"), oos("b")], lambda item: ans(["x"]))
    assert [r["id"] for r in rows] == ["a", "b"]


@pytest.mark.parametrize(
    ("gold", "top", "correct"),
    [
        # chapter and point decide when the gold has no section
        (dict(chapter=1, point=9), cite(1, 9), True),
        (dict(chapter=1, point=9), cite(1, 10), False),
        (dict(chapter=1, point=9), cite(2, 9), False),
        # section rule: the section, or the right point with no section
        (dict(chapter=1, point=11, section="1.3.2"), cite(1, 11, "1.3.2"), True),
        (dict(chapter=1, point=11, section="1.3.2"), cite(1, 11, None), True),
        (dict(chapter=1, point=11, section="1.3.2"), cite(1, 11, "1.3.3"), False),
        (dict(chapter=1, point=11, section="1.3.2"), cite(1, 12, "1.3.2"), False),
        (dict(chapter=1, point=11, section="1.3.2"), cite(2, 11, "1.3.2"), False),
        # null-point rule: chapter and section decide
        (dict(chapter=2, point=None, section="2.2.2"), cite(2, None, "2.2.2"), True),
        (dict(chapter=2, point=None, section="2.2.2"), cite(2, 7, "2.2.2"), True),
        (dict(chapter=2, point=None, section="2.2.2"), cite(2, None, "2.2.1"), False),
        (dict(chapter=2, point=None, section="2.2.2"), cite(2, None, None), False),
        (dict(chapter=2, point=None, section="2.2.2"), cite(3, None, "2.2.2"), False),
        # a gold section under no point must not be matched by a point-only citation
        (dict(chapter=2, point=None, section="2.2.2"), cite(2, 1, None), False),
    ],
)
def test_citation_rule(gold, top, correct):
    assert citation_correct(q(**gold), ans(["p"], [top], "答")) is correct


def test_duplicate_point_numbers_are_the_notes_own_labels():
    """Either '第三章 · 12、…' is right for gold point 12, whatever the title says."""
    gold = q(chapter=3, point=12)
    contents = Citation(chapter=3, point=12, section=None, label="第三章 · 12、电子政务规划的主要内容", source="n")
    steps = Citation(chapter=3, point=12, section=None, label="第三章 · 12、电子政务规划的主要步骤", source="n")
    assert citation_correct(gold, ans(["p"], [contents], "答"))
    assert citation_correct(gold, ans(["p"], [steps], "答"))


def test_only_the_top_citation_counts():
    gold = q(chapter=1, point=9)
    assert not citation_correct(gold, ans(["p"], [cite(1, 10), cite(1, 9)], "答"))
    assert citation_correct(gold, ans(["p"], [cite(1, 9), cite(1, 10)], "答"))
    assert not citation_correct(gold, ans([], [], "答"))
    assert not citation_correct(gold, ans(["p"], [cite(1, 9)], "抱歉", refused=True))


def test_key_term_share():
    gold = q(must=["政府监管", "决策支持", "信息发布", "重电子、轻政务"])
    assert key_term_share(gold, ans(text="增强政府 监管；实现决策\n支持")) == pytest.approx(2 / 4)
    assert key_term_share(gold, ans(text="重电子,轻政务")) == 0  # no punctuation folding
    assert key_term_share(gold, ans(text="政府监管 决策支持 信息发布 重电子、轻政务")) == 1
    refused = ans(text="政府监管 决策支持 信息发布 重电子、轻政务", refused=True)
    assert key_term_share(gold, refused) == 0  # refused answers score 0


def test_key_terms_refusals_and_citations_in_the_report():
    questions = [
        q("a", chapter=1, point=9, must=["特征", "创新性"]),
        q("b", chapter=1, point=10, must=["功能"]),
        q("c", chapter=3, point=2, section="3.1.1", must=["就业服务", "社会保险"]),
        oos("o1"),
        oos("o2"),
        oos("o3"),
    ]
    answers = {
        "a": ans(["x"], [cite(1, 9)], "电子政务的特征：创新性"),  # terms 2/2, citation right
        "b": ans([], [], "抱歉，没有", refused=True),  # false refusal: 0
        "c": ans(["x"], [cite(3, 2, None)], "就业服务"),  # terms 1/2, citation right
        "o1": ans([], [], "抱歉", refused=True),
        "o2": ans([], [], "抱歉", refused=True),
        "o3": ans(["x"], [cite(1, 1)], "乱答"),
    }
    report, _ = evaluate(questions, lambda item: answers[item.id])
    assert report.key_term_coverage == pytest.approx((1 + 0 + 0.5) / 3)
    assert report.citation_accuracy == pytest.approx(2 / 3)
    assert report.out_of_scope_refusal == pytest.approx(2 / 3)
    assert report.false_refusals == pytest.approx(1 / 3)


def test_false_refusals_one_click_away():
    """A refused answerable question counts when one of its suggestions, asked, cites its gold point;
    the suggestions' own answers stay out of every other figure."""
    questions = [q("a", chapter=1, point=9), q("b", chapter=1, point=10), q("c", chapter=2, point=1)]
    asked = {
        "a": ans([], [], "抱歉", refused=True).model_copy(update={"suggestions": ["问特征", "问功能"]}),
        "b": ans([], [], "抱歉", refused=True).model_copy(update={"suggestions": ["问特征"]}),
        "c": ans(["政府机关是主体"], [cite(2, 1)], "答"),
        "问特征": ans(["x"], [cite(1, 9)], "特征", ms=1000.0),
        "问功能": ans(["x"], [cite(1, 10)], "功能", ms=1000.0),
    }
    report, rows = evaluate(questions, lambda item: asked[item.id if item.question == "?" else item.question])
    assert report.suggestions_recover == pytest.approx(1 / 2)  # a reaches 1.9; b's only one cites 1.9
    assert report.false_refusals == pytest.approx(2 / 3) and len(rows) == 3
    assert report.p95_ms < 1000  # the suggestions were asked, not timed
    assert evaluate([q("c", chapter=2, point=1)], lambda item: asked["c"])[0].suggestions_recover is None


def test_no_out_of_scope_items_reports_none():
    report, _ = evaluate([q("a")], lambda item: ans(["政府机关是主体"], [cite(1, 1)], "政府机关"))
    assert report.out_of_scope_refusal is None
    assert (
        report.hit_at_1,
        report.hit_at_5,
        report.mrr,
        report.citation_accuracy,
        report.key_term_coverage,
        report.false_refusals,
    ) == (1, 1, 1, 1, 1, 0)


def test_latency_percentiles():
    times = [float(t) for t in range(1, 101)]
    answers = iter(ans(["x"], ms=t) for t in times)
    report, _ = evaluate([q(f"a{i}") for i in range(100)], lambda item: next(answers))
    assert report.p50_ms == pytest.approx(50.5)
    assert report.p95_ms == pytest.approx(95.05)
