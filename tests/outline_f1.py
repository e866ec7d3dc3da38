"""Point/section-level outline F1 against a gold outline (the schema of notes_mis_outline.json).

An item is (chapter, point, section, title). Titles are compared NFKC-folded with all whitespace
deleted, so punctuation width and stray spaces do not count; everything else must be equal.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

Item = tuple[int, int | None, str | None, str]


def fold(title: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", title or ""))


def outline_items(outline_json: dict) -> Counter[Item]:
    """Every point and section of an outline as a multiset (duplicate point numbers stay)."""
    items: Counter[Item] = Counter()
    for chapter in outline_json["chapters"]:
        number = chapter["chapter"]
        for point in chapter.get("points", []):
            if point["point"] is not None:  # a null point only groups sections outside points
                items[(number, point["point"], None, fold(point["title"]))] += 1
            for section in point.get("sections", []):
                items[(number, point["point"], section["section"], fold(section["title"]))] += 1
    return items


def structure(outline_json: dict) -> list[tuple]:
    """The outline with titles left out: chapters, point numbers and section labels in order."""
    return [
        (
            chapter["chapter"],
            tuple((p["point"], tuple(s["section"] for s in p.get("sections", []))) for p in chapter["points"]),
        )
        for chapter in outline_json["chapters"]
    ]


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    missing: list[Item]  # gold items not predicted
    extra: list[Item]  # predicted items not in the gold


def outline_f1(predicted: dict, gold: dict) -> Score:
    pred, want = outline_items(predicted), outline_items(gold)
    hits = sum((pred & want).values())
    precision = hits / max(sum(pred.values()), 1)
    recall = hits / max(sum(want.values()), 1)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return Score(precision, recall, f1, sorted((want - pred).elements(), key=str),
                 sorted((pred - want).elements(), key=str))
