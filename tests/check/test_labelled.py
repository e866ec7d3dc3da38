"""The labelled student answers of ``tests/data/check`` (written by hand from the notes; their
README says how): check my answer must stay close to the labels on both courses. The floors sit
a little under what ``make checkeval`` measures, so a real regression fails and noise does not."""

from __future__ import annotations

import shutil

import pytest

from egov_qa.evaluation.checking import LabelledAnswer, evaluate_checks
from egov_qa.evaluation.metrics import read_records
from helpers import DATA

pytestmark = pytest.mark.slow

LABELLED = read_records(DATA / "check" / "labelled.jsonl", LabelledAnswer, "answers")


@pytest.fixture(scope="module")
def mis_engine(tmp_path_factory):
    from egov_qa.config import Settings
    from egov_qa.engine import Engine

    root = tmp_path_factory.mktemp("mis_check")
    (root / "corpus").mkdir()
    shutil.copy(DATA / "eval" / "notes_mis_scraped.txt", root / "corpus")
    return Engine.open(Settings(corpus_dir=root / "corpus", index_dir=root / "index"), progress=False)


def test_the_labelled_set_has_every_kind_for_every_question() -> None:
    kinds = {"complete", "paraphrase", "partial", "reordered", "filler", "wrong_point", "dont_know"}
    by_question: dict[str, set[str]] = {}
    for row in LABELLED:
        by_question.setdefault(row.id.rsplit("-", 1)[0], set()).add(row.kind)
        shares = (len(row.covered) + 0.5 * len(row.partly)) / len(row.items)
        assert abs(shares - row.label) < 0.001, row.id  # each label is the share it says it is
    assert len(by_question) >= 15 and all(kinds <= found for found in by_question.values())


@pytest.mark.parametrize(("course", "within"), [("egov", 0.70), ("mis", 0.75)])
def test_coverage_stays_near_the_labels(course, within, egov_engine, mis_engine) -> None:
    engine = egov_engine if course == "egov" else mis_engine
    rows = [r for r in LABELLED if r.notes == course]
    report, _ = evaluate_checks(rows, lambda r: engine.checker.check(r.question, r.answer))
    assert report.right_point == 1.0
    assert report.within >= within, report
    assert report.mean_abs_error["complete"] <= 0.1 and report.mean_abs_error["dont_know"] <= 0.1, report
    assert report.order_holds >= 0.6, report
