"""Extractive answers (the metrics that score them are in tests/evaluation/test_metrics.py).

* the extractive answer (``answer.compose.Composer``) on hand-made units (no index): refusal, quoting, ordinals, labels.
* Answers from the real e-gov index: every quote is the notes' own text, the answer ends with its
  citation, passages are ranked.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from egov_qa.config import Settings
from egov_qa.ingest.chunking import chunk_outline
from egov_qa.ingest.outline import build_outline
from egov_qa.models import RetrievalResult
from helpers import FEATURES, FUNCTIONS, extractive, make_chunk, result

# --- the extractive answer on hand-made units (make_chunk, FUNCTIONS, FEATURES: tests/helpers.py) -----


def test_below_min_relevance_is_refused():
    answer = extractive(
        "电子政务的功能有哪些？", result(FUNCTIONS, FEATURES, relevance=0.001), min_relevance=0.01, multi_source=False
    )
    assert answer.refused and answer.citations == [] and answer.passages == [] and answer.quotes == []


def test_no_hits_is_refused():
    answer = extractive("电子政务的功能有哪些？", RetrievalResult([], 1.0))
    assert answer.refused and answer.answer.strip()


def test_short_unit_is_quoted_whole_and_cited():
    answer = extractive("电子政务的功能有哪些？", result(FUNCTIONS, FEATURES))
    assert not answer.refused
    assert answer.quotes == ["1)增强政府监管", "2)整合决策依据", "3)实施信息发布"]
    assert [c.label for c in answer.citations] == [FUNCTIONS.label]
    assert (answer.citations[0].chapter, answer.citations[0].point) == (1, 10)
    assert answer.answer.rstrip().endswith(FUNCTIONS.label)
    assert [p.chunk_id for p in answer.passages] == [FUNCTIONS.id, FEATURES.id]
    assert answer.mode == "extractive"


def test_ordinal_followup_gets_that_item():
    answer = extractive("其中第二条是什么意思？", result(FUNCTIONS))
    assert answer.quotes == ["2)整合决策依据"]


def test_long_unit_is_trimmed_to_the_relevant_sentences():
    filler = "".join(f"第{i}句讲的是与问题无关的其他内容。" for i in range(40))
    body = filler + "电子政务的监理分为项目前期监理和项目后期监理两个阶段。" + filler
    chunk = make_chunk(5, "电子政务建设的原则", body)
    answer = extractive("电子政务的监理分为哪几个阶段？", result(chunk))
    assert sum(map(len, answer.quotes)) < len(body) / 2
    assert any("项目前期监理" in q for q in answer.quotes)
    assert all(q in chunk.text for q in answer.quotes)


def test_a_list_the_question_names_is_quoted_whole_in_a_long_unit():
    """The list that covers most of the question wins over a longer list that shares its topic
    words ("我国电子政务建设" is in both leads; only the problems list has the quoted item)."""
    traits = "".join(
        f"\n{i}我国电子政务建设的第{i}个特点是发展很快,各地都在推进相关的电子政务建设工作,成效明显。"
        for i in range(1, 7)
    )
    problems = "".join(
        f"\n{i}{p}"
        for i, p in enumerate(
            ["认识不到位", "“重电子、轻政务”现象比较明显", "对内应用多,对外应用少", "部门间缺乏合作"], start=1
        )
    )
    body = "1).我国电子政务建设的特点" + traits + "\n2).我国电子政务建设存在的问题" + problems + traits
    chunk = make_chunk(6, "我国电子政务建设现状", body)
    answer = extractive("除了“重电子、轻政务”，我国电子政务建设还有哪些毛病？", result(chunk))
    assert answer.quotes[0] == "2).我国电子政务建设存在的问题"  # what was asked comes first
    assert all(f"{i}{p}" in answer.quotes for i, p in [(1, "认识不到位"), (4, "部门间缺乏合作")])
    assert sum(map(len, answer.quotes)) <= Settings().answer_budget


def test_a_long_units_other_part_fills_the_answer():
    """A long unit is stored in parts; the line that says what the question's other term is may
    sit in another part than the best one. When that part is among the best hits, its lines may
    fill the budget after what was asked; when it is not, the best part alone is quoted. Lines that
    say nothing of the question are left to the passage."""
    filler = [f"第{i}类系统主要用于日常的事务处理、统计和记账工作，面向基层业务人员。" for i in range(8)]
    mrp2 = "MRP II 制造资源计划：在MRP的基础上把生产、财务、销售、采购等环节集成起来。"
    erp = "ERP 企业资源计划：在MRP II的基础上进一步扩展到整个供应链。"
    unit = make_chunk(6, "信息系统的常见类型", "")
    before = replace(unit, id="p0", body="\n".join(filler[:4] + [mrp2]), part=0)
    best = replace(unit, id="p1", body="\n".join([erp] + filler[4:]), part=1)
    question = "ERP 跟 MRP II 是啥关系？"

    answer = extractive(question, result(best, FEATURES, before))
    assert answer.quotes == [erp, mrp2]  # the line that names both first, then the other part's
    assert sum(map(len, answer.quotes)) <= Settings().answer_budget
    assert [c.label for c in answer.citations] == [unit.label]

    alone = extractive(question, result(best, FEATURES))
    assert erp in alone.quotes and mrp2 not in alone.quotes


def test_answers_quote_the_display_form_and_passages_keep_the_source():
    scraped = (
        "第一章 电子政务概述\n9、电子政务的特征\n电子政务有以下特征,分述如下。\n"
        "10、电子政务的功能\n电子政务的功能有:\n1)增强政府监管,维护市场秩序\n2)整合决策依据,实现决策支持\n"
    )
    chunk = next(c for c in chunk_outline(build_outline(scraped, source="notes.txt")) if c.point == 10)
    answer = extractive("电子政务的功能有哪些？", result(chunk))
    assert answer.quotes == ["电子政务的功能有：", "1）增强政府监管，维护市场秩序", "2）整合决策依据，实现决策支持"]
    assert all(quote in answer.passages[0].display for quote in answer.quotes)
    assert answer.passages[0].text == chunk.text and "1)增强政府监管,维护" in answer.passages[0].text
    assert answer.passages[0].display == chunk.display_text


def test_a_long_item_is_quoted_from_its_sentence_the_question_asks_about():
    """A list item of many sentences is quoted sentence by sentence: the item's head and the
    sentence the question asks about, within the budget, not the whole item."""
    filler = "".join(f"第{i}句讲的是与问题无关的其他内容。" for i in range(30))
    body = (
        f"（1）规划的要求\n（2）实施的要求\n（3）电子政务监理{filler}监理可以分为项目前期监理和项目后期监理两个阶段。"
    )
    chunk = make_chunk(5, "三结合原则", body)
    answer = extractive("电子政务的监理分为哪几个阶段？", result(chunk))
    head, asked = (
        "（3）电子政务监理第0句讲的是与问题无关的其他内容。",
        "监理可以分为项目前期监理和项目后期监理两个阶段。",
    )
    assert head in answer.quotes and asked in answer.quotes
    assert answer.quotes.index(head) < answer.quotes.index(asked)  # the item's head, then what was asked
    assert sum(map(len, answer.quotes)) <= Settings().answer_budget


def test_a_run_of_definitions_too_long_to_quote_is_named_by_its_terms():
    definitions = "".join(
        f"\n{term}：{'攻击者' * 30}对系统进行{term}操作；" for term in ("窃听", "重传", "伪造", "篡改")
    )
    chunk = make_chunk(5, "电子政务实施措施", "安全威胁常表现为以下特征：" + definitions)
    answer = extractive("安全威胁有哪些特征？", result(chunk))
    assert answer.quotes == ["安全威胁常表现为以下特征：", "窃听", "重传", "伪造", "篡改"]


def test_a_unit_named_by_its_place_is_answered_with_its_list():
    body = "\n".join(
        f"{i}{t}。{'这一条的详细说明很长。' * 8}" for i, t in enumerate(["安全第一", "持续建设", "易于拓展"], 1)
    )
    chunk = make_chunk(5, "电子政务实施措施", body)
    answer = extractive("讲了什么", result(chunk), outline=True)
    assert answer.quotes == ["1安全第一。", "2持续建设。", "3易于拓展。"]
    prose = make_chunk(6, "电子政务网络平台", "电子政务通过三种网络实现三大服务。" * 30)
    assert extractive("讲了什么", result(prose), outline=True).quotes[0] == "电子政务通过三种网络实现三大服务。"


def test_ordinal_followup_counts_the_items_of_a_bare_numbered_list():
    chunk = make_chunk(3, "电子政务的理解要点", "1电子政务的主体是政府机关\n2电子政务的客体是政务\n3电子仅仅是手段")
    assert extractive("那第二个呢？", result(chunk)).quotes == ["2电子政务的客体是政务"]


def test_multi_source_labels_name_the_file():
    mis = make_chunk(2, "诺兰模型", "初装、蔓延、控制、集成、数据管理、成熟。", source="管理信息系统.md")
    answer = extractive("诺兰模型有哪几个阶段？", result(mis, FUNCTIONS), multi_source=True)
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
    cited = [egov_engine.chunk(p.chunk_id) for p in answer.passages if p.label in {c.label for c in answer.citations}]
    assert answer.answer.rstrip().endswith(next(c.shown_label for c in cited if c.label == answer.citations[-1].label))
    shown_texts = [p.display for p in answer.passages]
    for quote in answer.quotes:
        assert quote.strip()
        assert any(quote in text for text in shown_texts), quote  # exact, in the display form shown
        assert any(quote in c.display_text for c in cited if c), quote  # from a cited unit
        assert quote in answer.answer
    assert sum(map(len, answer.quotes)) <= Settings().answer_budget or len(answer.quotes) == 1  # sized
    for passage in answer.passages:  # passages are the stored chunks, verbatim, with their display form
        chunk = egov_engine.chunk(passage.chunk_id)
        assert chunk.text == passage.text and chunk.display_text == passage.display
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
