"""Checking a generated answer against the blocks it cites (pure: the sentence-level rules; the
embedding model's vote is given as a function of the texts)."""

from __future__ import annotations

from egov_qa.generate.grounding import Block, Grounding, sentences, share_said
from egov_qa.models import Citation

FEATURES = Block(
    Citation(chapter=1, point=9, section=None, label="第一章 · 9、电子政务的特征", source="n.txt"),
    "c9",
    "电子政务的特征\n1）使用手段和技术先进实用性\n2）政府信息的公开共享性\n3）政府与公众之间沟通的互动性",
    ("1）使用手段和技术先进实用性", "2）政府信息的公开共享性", "3）政府与公众之间沟通的互动性"),
)
FUNCTIONS = Block(
    Citation(chapter=1, point=10, section=None, label="第一章 · 10、电子政务的功能", source="n.txt"),
    "c10",
    "电子政务的功能\n1）增强政府监管，维护市场秩序\n2）降低行政成本，提高办公效率",
    ("1）增强政府监管，维护市场秩序", "2）降低行政成本，提高办公效率"),
)
NO_VOTE = Grounding(lambda texts: [""] * len(texts))


def test_markers_are_read_and_markers_of_missing_blocks_dropped() -> None:
    said = sentences("电子政务的信息是公开共享的。[1]它还能降低行政成本[2][7]。最后一句没有标注", 2)
    assert [(s.text, s.cited) for s in said] == [
        ("电子政务的信息是公开共享的。", (0,)),
        ("它还能降低行政成本。", (1,)),
        ("最后一句没有标注", ()),
    ]
    assert sentences("全角的标注【1】也认。", 1)[0].cited == (0,)


def test_a_sentence_its_block_says_is_kept_with_the_line_that_says_it() -> None:
    said = sentences("政府与公众之间沟通具有互动性。[1]", 2)
    (kept,) = NO_VOTE.check(said, [FEATURES, FUNCTIONS])
    assert kept is not None and kept.block == 0
    assert kept.quote == "3）政府与公众之间沟通的互动性"


def test_a_wrong_citation_is_replaced_by_the_block_that_supports_it() -> None:
    said = sentences("电子政务能降低行政成本，提高办公效率。[1]", 2)
    (kept,) = NO_VOTE.check(said, [FEATURES, FUNCTIONS])
    assert kept is not None and kept.block == 1


def test_a_sentence_no_block_supports_is_dropped() -> None:
    said = sentences("电子政务由联合国在1990年发明。[1]今天天气很好。[2]", 2)
    assert NO_VOTE.check(said, [FEATURES, FUNCTIONS]) == [None, None]


def test_a_paraphrase_leaning_on_a_block_needs_the_embedding_vote() -> None:
    said = sentences("政府与老百姓在网上可以互动沟通。[1]", 2)
    assert 0.25 <= share_said(said[0].text, FEATURES.text) < 0.5
    assert NO_VOTE.check(said, [FEATURES, FUNCTIONS]) == [None]
    voted = Grounding(lambda texts: ["c9"] * len(texts))
    (kept,) = voted.check(said, [FEATURES, FUNCTIONS])
    assert kept is not None and kept.block == 0
