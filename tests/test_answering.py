"""Extractive answers and the evaluation metrics.

* ``extractive_answer`` on hand-made units (no index): refusal, quoting, ordinals, labels.
* Answers from the real e-gov index: every quote is the notes' own text, the answer ends with its
  citation, passages are ranked.
* ``evaluation``: hit@k / MRR / citation rule / key terms / refusals on hand-made ``Answer``
  objects, with the figures worked out by hand from ``shared/eval/README.md``, so a wrong metric
  implementation fails.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from egov_qa.answer.extractive import ANSWER_BUDGET, extractive_answer
from egov_qa.evaluation.metrics import (
    Question,
    citation_correct,
    evaluate,
    first_hit_rank,
    key_term_share,
)
from egov_qa.models import Answer, Chunk, Citation, Passage
from egov_qa.retrieval.hybrid import Hit, RetrievalResult

# --- extractive_answer on hand-made units -------------------------------------------------------


def make_chunk(n: int, title: str, body: str, chapter: int = 1, section: str | None = None,
               source: str = "notes.txt") -> Chunk:
    label = f"第一章 · {n}、{title}" + (f" › {section}" if section else "")
    return Chunk(id=f"c{n}{section or ''}", source=source, chapter=chapter, chapter_title=None, point=n,
                 point_title=title, section=section, section_title=None, label=label,
                 heading=f"{n}、{title}", body=body, start=0, end=len(body))


FUNCTIONS = make_chunk(10, "电子政务的功能", "1)增强政府监管\n2)整合决策依据\n3)实施信息发布")
FEATURES = make_chunk(9, "电子政务的特征", "1)使用手段先进\n2)信息公开共享")


def result(*chunks: Chunk, relevance: float = 1.0) -> RetrievalResult:
    hits = [Hit(c, score=1.0 / (i + 1)) for i, c in enumerate(chunks)]
    return RetrievalResult(hits, relevance)


def test_below_min_relevance_is_refused():
    answer = extractive_answer("电子政务的功能有哪些？", result(FUNCTIONS, FEATURES, relevance=0.001),
                               min_relevance=0.01, multi_source=False)
    assert answer.refused and answer.citations == [] and answer.passages == [] and answer.quotes == []


def test_no_hits_is_refused():
    answer = extractive_answer("电子政务的功能有哪些？", RetrievalResult([], 1.0), 0.01, False)
    assert answer.refused and answer.answer.strip()


def test_short_unit_is_quoted_whole_and_cited():
    answer = extractive_answer("电子政务的功能有哪些？", result(FUNCTIONS, FEATURES), 0.01, False)
    assert not answer.refused
    assert answer.quotes == ["1)增强政府监管", "2)整合决策依据", "3)实施信息发布"]
    assert [c.label for c in answer.citations] == [FUNCTIONS.label]
    assert (answer.citations[0].chapter, answer.citations[0].point) == (1, 10)
    assert answer.answer.rstrip().endswith(FUNCTIONS.label)
    assert [p.chunk_id for p in answer.passages] == [FUNCTIONS.id, FEATURES.id]
    assert answer.mode == "extractive"


def test_ordinal_followup_gets_that_item():
    answer = extractive_answer("其中第二条是什么意思？", result(FUNCTIONS), 0.01, False)
    assert answer.quotes == ["2)整合决策依据"]


def test_long_unit_is_trimmed_to_the_relevant_sentences():
    filler = "".join(f"第{i}句讲的是与问题无关的其他内容。" for i in range(40))
    body = filler + "电子政务的监理分为项目前期监理和项目后期监理两个阶段。" + filler
    chunk = make_chunk(5, "电子政务建设的原则", body)
    answer = extractive_answer("电子政务的监理分为哪几个阶段？", result(chunk), 0.01, False)
    assert sum(map(len, answer.quotes)) < len(body) / 2
    assert any("项目前期监理" in q for q in answer.quotes)
    assert all(q in chunk.text for q in answer.quotes)


def test_a_list_the_question_names_is_quoted_whole_in_a_long_unit():
    """The list that covers most of the question wins over a longer list that shares its topic
    words ("我国电子政务建设" is in both leads; only the problems list has the quoted item)."""
    traits = "".join(f"\n{i}我国电子政务建设的第{i}个特点是发展很快,各地都在推进相关的电子政务建设工作,成效明显。"
                     for i in range(1, 7))
    problems = "".join(f"\n{i}{p}" for i, p in enumerate(
        ["认识不到位", "“重电子、轻政务”现象比较明显", "对内应用多,对外应用少", "部门间缺乏合作"], start=1))
    body = "1).我国电子政务建设的特点" + traits + "\n2).我国电子政务建设存在的问题" + problems + traits
    chunk = make_chunk(6, "我国电子政务建设现状", body)
    answer = extractive_answer("除了“重电子、轻政务”，我国电子政务建设还有哪些毛病？", result(chunk), 0.01, False)
    assert "2).我国电子政务建设存在的问题" in answer.quotes
    assert all(f"{i}{p}" in answer.quotes for i, p in [(1, "认识不到位"), (4, "部门间缺乏合作")])


def test_a_long_units_other_part_fills_the_answer():
    """A long unit is stored in parts; the line that says what the question's other term is may
    sit in another part than the best one. When that part is among the best hits, its lines may
    fill the budget, in the notes' order; when it is not, the best part alone is quoted."""
    filler = [f"第{i}类系统主要用于日常的事务处理、统计和记账工作，面向基层业务人员。" for i in range(8)]
    mrp2 = "MRP II 制造资源计划：在MRP的基础上把生产、财务、销售、采购等环节集成起来。"
    erp = "ERP 企业资源计划：在MRP II的基础上进一步扩展到整个供应链。"
    unit = make_chunk(6, "信息系统的常见类型", "")
    before = replace(unit, id="p0", body="\n".join(filler[:4] + [mrp2]), part=0)
    best = replace(unit, id="p1", body="\n".join([erp] + filler[4:]), part=1)
    question = "ERP 跟 MRP II 是啥关系？"

    answer = extractive_answer(question, result(best, FEATURES, before), 0.01, False)
    assert mrp2 in answer.quotes and erp in answer.quotes
    assert answer.quotes.index(mrp2) < answer.quotes.index(erp)  # the notes' order
    assert sum(map(len, answer.quotes)) <= ANSWER_BUDGET
    assert [c.label for c in answer.citations] == [unit.label]

    alone = extractive_answer(question, result(best, FEATURES), 0.01, False)
    assert erp in alone.quotes and mrp2 not in alone.quotes


def test_ordinal_followup_counts_the_items_of_a_bare_numbered_list():
    chunk = make_chunk(3, "电子政务的理解要点", "1电子政务的主体是政府机关\n2电子政务的客体是政务\n3电子仅仅是手段")
    assert extractive_answer("那第二个呢？", result(chunk), 0.01, False).quotes == ["2电子政务的客体是政务"]


def test_multi_source_labels_name_the_file():
    mis = make_chunk(2, "诺兰模型", "初装、蔓延、控制、集成、数据管理、成熟。", source="管理信息系统.md")
    answer = extractive_answer("诺兰模型有哪几个阶段？", result(mis, FUNCTIONS), 0.01, True)
    assert answer.citations[0].label == f"《管理信息系统》{mis.label}"
    assert answer.citations[0].source == "管理信息系统.md"
    assert [p.label for p in answer.passages] == [f"《管理信息系统》{mis.label}", f"《notes》{FUNCTIONS.label}"]


# --- answers from the real index ------------------------------------------------------------------

REAL_QUESTIONS = [
    "电子政务的功能有哪些？",
    "电子政务和电子商务有什么区别？",
    "电子政务规划的原则有哪些？",
    "西方国家政府改革面临哪些压力？",
    "什么是eMPA？",
]


@pytest.mark.slow
@pytest.mark.parametrize("question", REAL_QUESTIONS)
def test_real_answer_quotes_the_notes_and_ends_with_its_citation(egov_engine, question):
    answer = egov_engine.ask(question)
    assert not answer.refused, answer.answer
    assert answer.mode == "extractive" and answer.ms > 0
    assert answer.citations and answer.quotes and len(answer.passages) >= 5
    assert answer.answer.rstrip().endswith(answer.citations[-1].label)
    passage_texts = [p.text for p in answer.passages]
    cited_texts = [egov_engine.chunk(p.chunk_id).text for p in answer.passages
                   if p.label in {c.label for c in answer.citations}]
    for quote in answer.quotes:
        assert quote.strip()
        assert any(quote in text for text in passage_texts), quote  # exact, not normalised
        assert any(quote in text for text in cited_texts), quote    # from a cited unit
        assert quote in answer.answer
    for passage in answer.passages:  # passages are the stored chunks, verbatim
        assert egov_engine.chunk(passage.chunk_id).text == passage.text
    scores = [p.score for p in answer.passages]
    assert scores == sorted(scores, reverse=True)
    for citation in answer.citations:
        assert citation.source == egov_engine.notes.chunks[0].source
        assert any(p.label == citation.label for p in answer.passages)


@pytest.mark.slow
def test_compare_question_cites_both_sides_when_they_are_separate_units(egov_engine):
    answer = egov_engine.ask("电子政务的特征和功能有什么区别？")
    labels = [c.label for c in answer.citations]
    assert any("特征" in label for label in labels) and any("功能" in label for label in labels), labels


# --- metrics (evaluation.py) on hand-made answers -----------------------------------------------


def q(id: str = "t1", *, chapter=1, point=1, section=None, evidence=("政府机关是主体",),
      must=("政府机关",), type_: str = "detail", history=()) -> Question:
    return Question(id=id, question="?", history=list(history), type=type_, chapter=chapter,
                    point=point, section=section, evidence=list(evidence), must_include=list(must))


def oos(id: str = "o1") -> Question:
    return Question(id=id, question="?", type="out_of_scope", chapter=None, point=None, section=None,
                    evidence=[], must_include=[])


def cite(chapter: int, point: int | None, section: str | None = None) -> Citation:
    return Citation(chapter=chapter, point=point, section=section, label="x", source="n.txt")


def ans(passages: list[str] = (), citations: list[Citation] = (), text: str = "", refused: bool = False,
        ms: float = 10.0) -> Answer:
    return Answer(answer=text, refused=refused, citations=list(citations), ms=ms,
                  passages=[Passage(text=t, label=f"p{i}", score=1 / (i + 1)) for i, t in enumerate(passages)])


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
        q("a", evidence=["甲甲甲"]),                        # rank 1
        q("b", evidence=["乙乙乙"]),                        # rank 3
        q("c", evidence=["丙丙丙"]),                        # rank 6: outside hit@5
        q("d", evidence=["丁丁丁"], type_="followup", history=["上一问"]),  # miss
        oos("e"),                                           # not counted in hit@k
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


@pytest.mark.parametrize(("gold", "top", "correct"), [
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
])
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
        oos("o1"), oos("o2"), oos("o3"),
    ]
    answers = {
        "a": ans(["x"], [cite(1, 9)], "电子政务的特征：创新性"),           # terms 2/2, citation right
        "b": ans([], [], "抱歉，没有", refused=True),                      # false refusal: 0
        "c": ans(["x"], [cite(3, 2, None)], "就业服务"),                  # terms 1/2, citation right
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
    assert (report.hit_at_1, report.hit_at_5, report.mrr, report.citation_accuracy,
            report.key_term_coverage, report.false_refusals) == (1, 1, 1, 1, 1, 0)


def test_latency_percentiles():
    times = [float(t) for t in range(1, 101)]
    answers = iter(ans(["x"], ms=t) for t in times)
    report, _ = evaluate([q(f"a{i}") for i in range(100)], lambda item: next(answers))
    assert report.p50_ms == pytest.approx(50.5)
    assert report.p95_ms == pytest.approx(95.05)
