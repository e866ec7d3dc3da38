"""The figures of a period from rows as stored: the gaps' near-duplicate rule, what is no gap,
questions per local day, the points checked answers miss most."""

from __future__ import annotations

from datetime import date, datetime

from egov_qa.insights.report import bounds, gaps, near, summarize, topic
from egov_qa.insights.store import Row


def test_near_duplicate_refused_questions_are_one_gap() -> None:
    asked = [
        "区块链是什么？",
        "什么是区块链",
        "红烧肉怎么做？",
        "区块链是什么意思",
        "请介绍一下区块链",  # an exam instruction asks about its object
        "怎么做红烧肉",
        "红烧肉怎么做",  # the same wording as the first, punctuation aside
        "区块链有哪些应用？",  # about blockchain, but another question
        "What is blockchain?",
        "what is a blockchain",
        "what is AI",
        "what is IoT",  # short English topics are not near each other
    ]
    found = [(gap.question, gap.count, gap.wordings) for gap in gaps(asked)]
    assert found == [
        ("区块链是什么？", 4, ["区块链是什么？", "什么是区块链", "区块链是什么意思", "请介绍一下区块链"]),
        ("红烧肉怎么做？", 3, ["红烧肉怎么做？", "怎么做红烧肉"]),
        ("What is blockchain?", 2, ["What is blockchain?", "what is a blockchain"]),
        ("区块链有哪些应用？", 1, ["区块链有哪些应用？"]),
        ("what is AI", 1, ["what is AI"]),
        ("what is IoT", 1, ["what is IoT"]),
    ]


def test_the_topic_leaves_out_what_only_makes_it_a_question() -> None:
    assert topic("区块链是什么？") == topic("什么是区块链") == topic("名词解释：区块链") == "区块链"
    assert topic("什麼是區塊鏈") == "区块链"  # traditional characters read as simplified
    assert near(topic("怎么做红烧肉？"), topic("红烧肉怎么做"))
    assert not near(topic("人工智能对政府的影响"), topic("人工智能对企业的影响"))  # 5 of 11 bigrams shared


def test_greetings_and_messages_without_a_topic_are_no_gaps() -> None:
    assert gaps(["你好", "谢谢！", "还有呢？", "  ", "元宇宙是什么"]) == gaps(["元宇宙是什么"])
    assert [gap.question for gap in gaps(["你好", "元宇宙是什么"])] == ["元宇宙是什么"]


def test_a_period_in_figures() -> None:
    day1, day3 = date(2026, 3, 2), date(2026, 3, 4)
    start1, _ = bounds(day1, None)
    start3, _ = bounds(day3, None)
    assert start1 is not None and start3 is not None
    features, principles = "第一章 · 9、电子政务的特征", "第五章 · 1、电子政务建设的原则"
    rows = [
        Row(start1 + 60, "chat", "电子政务有哪些特征？", False, features, "notes.txt"),
        Row(start1 + 120, "api", "电子政务的特征", False, features, "notes.txt"),
        Row(start1 + 180, "cli", "电子政务建设的原则有哪些", False, principles, "notes.txt"),
        Row(start1 + 240, "chat", "元宇宙是什么", True),
        Row(start3 + 60, "practice", "电子政务有哪些特征？", False, features, "notes.txt", 0.4),
        Row(start3 + 120, "check", "电子政务有哪些特征？", False, features, "notes.txt", 0.7),
        Row(start3 + 180, "cli-check", "电子政务建设的原则有哪些", False, principles, "notes.txt", 0.2),
        Row(start3 + 240, "check", "元宇宙是什么？", True),  # a refused check is a gap too, and no check
    ]
    found = summarize(rows).as_dict()
    assert (found["questions"], found["refused"]) == (8, 2)
    assert found["days"] == [
        {"day": "2026-03-02", "questions": 4, "refused": 1},
        {"day": "2026-03-03", "questions": 0, "refused": 0},
        {"day": "2026-03-04", "questions": 4, "refused": 1},
    ]
    assert found["points"] == [  # questions answered only: checks are counted in "checks"
        {"label": features, "source": "notes.txt", "count": 2},
        {"label": principles, "source": "notes.txt", "count": 1},
    ]
    assert found["gaps"] == [{"question": "元宇宙是什么", "count": 2, "wordings": ["元宇宙是什么"]}]
    assert found["checks"] == [  # lowest coverage first: what students miss most
        {"label": principles, "source": "notes.txt", "answers": 1, "mean_coverage": 0.2},
        {"label": features, "source": "notes.txt", "answers": 2, "mean_coverage": 0.55},
    ]
    _, end1 = bounds(None, day1)  # until a day: to the next day's local midnight
    assert end1 is not None and datetime.fromtimestamp(end1) == datetime(2026, 3, 3)
