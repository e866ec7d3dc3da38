"""Scraped pages: the notes come out whole, with no site boilerplate or fragment numbers in any chunk."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest

from egov_qa.ingest.chunking import chunk_outline
from egov_qa.ingest.cleaning import _FRAGMENT_PREFIX, clean_text, find_fragment_run
from egov_qa.ingest.notes import outline_file
from egov_qa.models import Chunk

PAGES = {"dev.jsonl": "egov", "mis.jsonl": "mis"}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pages(egov_notes, eval_dir) -> dict[str, Path]:
    return {"egov": egov_notes, "mis": eval_dir / "notes_mis_scraped.txt", "mis_md": eval_dir / "notes_mis.md"}


@pytest.fixture(scope="module")
def chunks(pages) -> dict[str, list[Chunk]]:
    return {name: chunk_outline(outline_file(path)) for name, path in pages.items()}


def _fragments(path: Path) -> tuple[list[str], list[str]]:
    """(fragment texts without the site's number, every other non-empty line of the page)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    run = find_fragment_run(lines)
    fragments = [_FRAGMENT_PREFIX.sub("", lines[i], count=1) for i in run]
    others = [line for i, line in enumerate(lines) if i not in set(run) and line.strip()]
    return fragments, others


def _items(eval_dir: Path, name: str) -> list[dict]:
    lines = (eval_dir / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize("page", ["egov", "mis"])
def test_fragment_run_is_found(pages, page):
    fragments, _ = _fragments(pages[page])
    assert len(fragments) == {"egov": 31, "mis": 20}[page]
    text, report = clean_text(pages[page].read_text(encoding="utf-8"))
    assert report.fragments == len(fragments)
    assert squash(text) == squash("".join(fragments))


@pytest.mark.parametrize("page", ["egov", "mis"])
def test_no_boilerplate_or_fragment_numbers_in_chunks(pages, chunks, page):
    fragments, others = _fragments(pages[page])
    texts = [squash(c.text) for c in chunks[page]]
    boilerplate = [squash(line) for line in others if len(squash(line)) >= 6]
    assert boilerplate
    for line in boilerplate:
        assert not any(line in t for t in texts), line
    for n, before in enumerate(fragments[:-1], start=2):
        # The tail of one fragment followed by the site's next number must never survive.
        numbered = squash(before)[-6:] + f"{n}、"
        assert not any(numbered in t for t in texts), numbered


@pytest.mark.parametrize("page", ["egov", "mis"])
def test_sentences_across_fragment_breaks_are_whole(pages, chunks, page):
    fragments, _ = _fragments(pages[page])
    outline = outline_file(pages[page])
    texts = [squash(c.text) for c in chunks[page]]
    heading_marks = [squash(c.heading)[:5] for c in chunks[page]]
    checked = 0
    for before, after in pairwise(fragments):
        tail = re.split(r"[。！？；]", squash(before))[-1][-12:]
        head = re.split(r"[。！？；]", squash(after))[0][:12]
        join = tail + head
        if len(tail) < 4 or len(head) < 4 or any(h and h in join for h in heading_marks):
            continue  # a heading starts at the break, so a chunk boundary is right there
        checked += 1
        assert any(join in t for t in texts), join
    assert checked >= 10, outline.source


@pytest.mark.parametrize("questions", sorted(PAGES))
def test_every_evidence_string_is_in_a_chunk(eval_dir, chunks, questions):
    texts = [squash(c.text) for c in chunks[PAGES[questions]]]
    for item in _items(eval_dir, questions):
        for evidence in item["evidence"]:
            assert any(squash(evidence) in t for t in texts), (item["id"], evidence)


def cites_gold(chunk: Chunk, item: dict) -> bool:
    """The citation rule of tests/data/eval/README.md, applied to the chunk's own unit."""
    if chunk.chapter != item["chapter"]:
        return False
    if item["point"] is None:
        return chunk.section == item["section"]
    if chunk.point != item["point"]:
        return False
    return item["section"] is None or chunk.section in (item["section"], None)


@pytest.mark.parametrize("questions,page", [("dev.jsonl", "egov"), ("mis.jsonl", "mis"), ("mis.jsonl", "mis_md")])
def test_evidence_sits_in_the_gold_unit(eval_dir, chunks, questions, page):
    answerable = [i for i in _items(eval_dir, questions) if i["type"] != "out_of_scope"]
    assert answerable
    for item in answerable:
        gold_chunks = [squash(c.text) for c in chunks[page] if cites_gold(c, item)]
        assert any(squash(e) in t for e in item["evidence"] for t in gold_chunks), item["id"]
