"""The question sets ``make bench`` measures, each with its notes, and a temp folder per set.

``dev.jsonl`` (the e-gov notes), ``mis.jsonl`` (``notes_mis_scraped.txt``) and the second question
set of ``tests/data/heldout`` (the e-gov notes and five made-up courses in ``tests/data/unseen``).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from egov_qa.config import Settings

REPO = Path(__file__).resolve().parents[1]  # the checkout: benchmarks/ is a top-level package
TEST_DATA = REPO / "tests" / "data"


def repo_eval_dir() -> Path:
    """EGOV_QA_EVAL_DIR if set, else the checkout's own copy of the eval set (tests/data/eval)."""
    env = os.environ.get("EGOV_QA_EVAL_DIR")
    if env:
        return Path(env)
    return TEST_DATA / "eval"


@dataclass(frozen=True)
class Dataset:
    name: str
    questions_file: Path
    notes: list[Path]


def datasets(eval_dir: Path) -> list[Dataset]:
    # The e-gov notes next to the eval set: tests/data/egov beside tests/data/eval, or a corpus/ folder
    # beside an eval/ folder given with --eval-dir.
    egov_dir = next(
        (d for d in (eval_dir.parent / "egov", eval_dir.parent / "corpus") if d.is_dir()), eval_dir.parent / "corpus"
    )
    egov = sorted(p for p in egov_dir.glob("*") if p.is_file()) if egov_dir.is_dir() else []
    if not egov:  # the checkout's own corpus folder
        egov = sorted(p for p in (Path.cwd() / "corpus").glob("*.txt"))
    out = [Dataset("dev", eval_dir / "dev.jsonl", egov)]
    mis = eval_dir / "notes_mis_scraped.txt"
    if mis.is_file() and (eval_dir / "mis.jsonl").is_file():
        out.append(Dataset("mis", eval_dir / "mis.jsonl", [mis]))
    # The second question set, written apart from the system (tests/data/heldout/README.md).
    data = TEST_DATA
    for questions in sorted((data / "heldout").glob("*.jsonl")):
        notes = egov if questions.stem == "egov" else [data / "unseen" / f"{questions.stem}.md"]
        if all(n.is_file() for n in notes):
            out.append(Dataset(f"heldout-{questions.stem}", questions, notes))
    return out


def settings_for(dataset: Dataset, root: Path) -> Settings:
    """Settings whose corpus is a copy of the set's notes under ``root`` (the index beside it)."""
    corpus = root / dataset.name / "corpus"
    corpus.mkdir(parents=True)
    for note in dataset.notes:
        shutil.copy(note, corpus / note.name)
    return Settings(corpus_dir=corpus, index_dir=root / dataset.name / "index")
