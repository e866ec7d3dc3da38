"""Questions that name a place in the notes: a chapter (第三章讲了什么？), a point by its number
(第三章第5点), a section by its number (1.3.2), or a place the notes lack, on real indexes."""

from __future__ import annotations

import pytest

from egov_qa.questions.places import asked_location, asked_section

# --- a chapter asked about as a whole -----------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "chapter"),
    [
        ("第三章第5点讲了什么？", None),  # a point of it
        ("第三章讲了什么？", 3),
        ("这门课的笔记第一章讲了什么？", 1),
        ("第2章的重点是什么", 2),
        ("第五章有哪些知识点？", 5),
        ("那第五章呢？", 5),
        ("第三章里电子政务规划的步骤有哪些？", None),  # something inside the chapter
        ("电子政务的特征有哪些？", None),
    ],
)
def test_whole_chapter_questions(question, chapter):
    location = asked_location(question)
    whole = location.chapter if location and location.point is None and location.whole_chapter else None
    assert whole == chapter


@pytest.mark.parametrize(
    ("question", "chapter", "point"),
    [
        ("第三章第5点讲了什么？", 3, 5),
        ("第一章的第十一个知识点是什么", 1, 11),
        ("第5章第1条", 5, 1),
        ("第三章里电子政务规划的步骤有哪些？", 3, None),
        ("第二讲第3点讲了什么", 2, 3),  # lecture notes
        ("第一单元里有哪些知识点", 1, None),
        ("第一章第二节讲了什么", 1, 2),  # a 节 is a point
        ("第二部分第一点讲了什么", 2, 1),  # notes whose top level is 第N部分
        ("第一章第二个考点是什么", 1, 2),
    ],
)
def test_asked_location(question, chapter, point):
    location = asked_location(question)
    assert (location.chapter, location.point) == (chapter, point)
    assert "章" not in location.rest and (point is None or "第" not in location.rest)


@pytest.mark.slow
def test_a_point_named_by_number_is_answered_from_it(egov_engine):
    answer = egov_engine.ask("第三章第5点讲了什么？")
    assert answer.citations[0].label == "第三章 · 5、电子政务实施措施"
    assert "电子政务实施措施" in answer.answer
    # its structure, not a wall of text: the first sentence of each of its items
    assert answer.quotes == [
        "1电子政务安全第一安全威胁常表现为以下特征：",
        "2电子政务持续建设是根本",
        "3电子政务应易于拓展",
        "4电子政务要整体建设",
    ]
    asked = egov_engine.ask("第三章第5点里安全威胁有哪些？")  # something asked there: quoted from it
    assert asked.citations[0].label == answer.citations[0].label and "窃听" in asked.answer
    section = egov_engine.ask("3.1.1讲了什么？")  # a section named by number: its items too
    assert section.quotes[0] == "1.政府与政府的电子政务（G-G）" and len(section.answer) < 300
    whole = egov_engine.ask("第五章第1点是什么？")  # a point made of sections: all of them
    assert (whole.citations[0].label, whole.citations[0].section) == ("第五章 · 1、电子政务建设的原则", None)
    inside = egov_engine.ask("第三章里电子政务规划的步骤有哪些？")
    assert inside.citations[0].chapter == 3 and "步骤" in inside.citations[0].label
    assert egov_engine.ask("第四章第1点讲了什么？").refused  # no chapter 4 in these notes


@pytest.mark.slow
def test_a_chapter_asked_as_a_whole_lists_its_points(egov_engine):
    from egov_qa.ingest.chunking import point_label
    from egov_qa.ingest.display import display_line

    (chapter,) = [ch for o in egov_engine.notes.outlines for ch in o.chapters if ch.number == 3]
    for question, history in (("第三章讲了什么？", []), ("那第三章呢？", ["第一章讲了什么？"])):
        answer = egov_engine.ask(question, history)
        assert not answer.refused
        assert [(c.chapter, c.point, c.section, c.label) for c in answer.citations] == [(3, None, None, "第三章")]
        positions = [answer.answer.index(display_line(point_label(p))[0]) for p in chapter.points]
        assert positions == sorted(positions)  # every point, in the notes' order
        assert answer.passages and all(p.label.startswith("第三章") for p in answer.passages)


@pytest.mark.slow
@pytest.mark.parametrize("question", ["第三章第99点讲了什么？", "第三章第一百点讲了什么", "第三章第0点"])
def test_a_point_the_chapter_lacks_gets_a_clear_message(egov_engine, question):
    """Not some other point of the chapter, cited as if it were the one asked for."""
    (chapter,) = [ch for o in egov_engine.notes.outlines for ch in o.chapters if ch.number == 3]
    answer = egov_engine.ask(question)
    assert answer.refused and not answer.citations and not answer.passages
    assert "第三章没有第" in answer.answer and f"1–{max(p.number for p in chapter.points)}" in answer.answer


def testnumber_ranges():
    from egov_qa.rules.places import number_ranges

    assert number_ranges([1, 2, 3, 5, 7, 8]) == "1–3、5、7–8"
    assert number_ranges([4]) == "4"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "named"),
    [("第四章讲了什么？", "第四章"), ("第100章讲了什么", "第100章"), ("第一百二十章第3点讲了什么？", "第120章")],
)
def test_a_chapter_the_notes_lack_gets_a_clear_message(egov_engine, question, named):
    answer = egov_engine.ask(question)
    assert answer.refused and not answer.citations and not answer.passages
    assert named in answer.answer and "第五章" in answer.answer  # says which chapters there are


@pytest.mark.slow
def test_point_and_chapter_citations_open_their_node_in_the_notes_tab(egov_engine):
    """No chunk carries a whole point's or a chapter's label: the 在目录中查看 button finds the
    outline node from the citation itself."""
    from egov_qa.app.render import node_for_citation, outline_nodes

    nodes = outline_nodes(egov_engine.notes.outlines)
    point = egov_engine.ask("电子政务建设的原则有哪些？").citations[0]
    node = node_for_citation(nodes, point)
    assert node is not None and node.depth == 1 and node.title.endswith("1、电子政务建设的原则")
    chapter = egov_engine.ask("第三章讲了什么？").citations[0]
    node = node_for_citation(nodes, chapter)
    assert node is not None and node.depth == 0 and node.title.startswith("第三章")


# --- a section named by its number ------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "section", "rest"),
    [
        ("1.3.2讲了什么？", "1.3.2", "讲了什么？"),
        ("老师说重点看 2.1.3，里面讲什么", "2.1.3", "老师说重点看 ，里面讲什么"),
        ("例如128.14.35.7/20是什么意思", None, None),  # an address, not a section number
        ("第三章讲了什么？", None, None),
    ],
)
def test_asked_section(question, section, rest):
    named = asked_section(question)
    assert (named.section, named.rest) == (section, rest) if section else named is None


def test_every_section_number_is_answered_from_that_section(egov_engine):
    sections = list(dict.fromkeys(c.section for c in egov_engine.notes.chunks if c.section))
    assert len(sections) > 10
    for section in sections:
        answer = egov_engine.ask(f"{section}讲了什么？")
        assert answer.citations and answer.citations[0].section == section, (section, answer.answer[:80])


def test_a_section_number_the_notes_lack_gets_a_clear_message(egov_engine):
    answer = egov_engine.ask("9.9.9讲了什么？")
    assert answer.refused and answer.citations == [] and "9.9.9" in answer.answer
