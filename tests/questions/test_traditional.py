"""Traditional-character notes and questions (a teacher or student with a 繁體 keyboard).

The notes here are the real ones converted with OpenCC (s2t); their outline, read back to
simplified, must equal the simplified notes' outline, titles included.
"""

from __future__ import annotations

import opencc
import pytest

from egov_qa.ingest.notes import outline_file
from egov_qa.text import to_simplified
from helpers import outline_f1


def _to_simplified_titles(outline_json: dict) -> dict:
    for chapter in outline_json["chapters"]:
        chapter["title"] = chapter["title"] and to_simplified(chapter["title"])
        for point in chapter["points"]:
            point["title"] = point["title"] and to_simplified(point["title"])
            for section in point.get("sections", []):
                section["title"] = to_simplified(section["title"])
    return outline_json


@pytest.mark.parametrize("name", ["egov", "notes_mis_scraped.txt", "notes_mis.md"])
def test_traditional_notes_give_the_same_outline(name, egov_notes, eval_dir, tmp_path):
    source = egov_notes if name == "egov" else eval_dir / name
    traditional = tmp_path / source.name
    traditional.write_text(opencc.OpenCC("s2t").convert(source.read_text(encoding="utf-8")), encoding="utf-8")
    assert traditional.read_text(encoding="utf-8") != source.read_text(encoding="utf-8")
    outline = outline_file(traditional)
    assert any(
        "電" in p.title or "體" in p.title or "統" in p.title  # titles keep the notes' characters
        for ch in outline.chapters
        for p in ch.points
    )
    score = outline_f1(_to_simplified_titles(outline.to_json()), outline_file(source).to_json())
    assert score.f1 == 1.0, (score.missing, score.extra)
