"""``make calibrate``: fit the answerability weights on every course the repository has.

For each of the 13 note files it asks the questions made from the notes (``evaluation.calibration``:
ones they answer, three kinds they cannot), the labelled questions on them, and every other
course's labelled questions (near-domain negatives: they share 管理, 信息, 政府, 服务 …). It fits the
weights on all of them, and — to show they carry over to notes they were not fitted on — once
more per course with that course left out, scoring the course with the weights of the others.
Prints the AUC and the refused shares per source at a threshold that refuses at most 5 % of the
answerable questions, and the weights for ``config.AnswerabilityWeights``.

    python -m benchmarks.calibrate [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

from benchmarks.ablation import notes_and_sets
from egov_qa.config import AnswerabilityWeights, Settings
from egov_qa.engine import Engine
from egov_qa.evaluation import calibration as cal
from egov_qa.evaluation.metrics import read_questions
from egov_qa.retrieval.answerability import Evidence, answerability

MAX_FALSE_REFUSALS = 0.05


def _course(notes: Path) -> str:
    return notes.stem.removesuffix("_scraped").replace("notes_mis", "mis").replace("电子政务期末考试重点整理", "egov")


def collect(root: Path) -> list[tuple[str, cal.Scored]]:
    """(course, scored probe) for every probe on every note file."""
    pairs = notes_and_sets()
    labelled = {_course(n): [q for path in sets for q in read_questions(path)] for n, sets in pairs}
    rows: list[tuple[str, cal.Scored]] = []
    for notes, sets in pairs:
        course = _course(notes)
        corpus = root / notes.stem / "corpus"
        corpus.mkdir(parents=True)
        shutil.copy(notes, corpus / notes.name)
        engine = Engine.open(Settings(corpus_dir=corpus, index_dir=root / notes.stem / "index"), progress=False)
        probes = cal.generated_probes(engine.notes.chunks, engine.vocabulary.notes_text)
        probes += cal.labelled_probes([q for path in sets for q in read_questions(path)], "labelled")
        for other, questions in labelled.items():
            if other != course:
                probes += [
                    cal.Probe(q.question, (), False, "other course")
                    for q in questions
                    if q.answerable and not q.history
                ]
        rows += [(course, s) for s in cal.score(probes, engine.search_for)]
        print(f"{notes.name}: {len(probes)} questions", flush=True)
    return rows


def rescored(scored: list[cal.Scored], weights: AnswerabilityWeights) -> list[cal.Scored]:
    return [cal.Scored(s.probe, answerability(Evidence(**s.evidence), weights), s.evidence) for s in scored]


def table(scored: list[cal.Scored]) -> str:
    cut = cal.threshold(scored, MAX_FALSE_REFUSALS)
    lines = [
        f"threshold {cut:.3f} (at most {MAX_FALSE_REFUSALS:.0%} of answerable questions below it)",
        "| source | kind | questions | AUC | below the threshold |",
        "|---|---|---|---|---|",
    ]
    for row in cal.report(scored, cut):
        auc = "–" if row.auc is None else f"{row.auc:.3f}"
        kind = "answered" if row.answerable else "not answered"
        lines.append(f"| {row.source} | {kind} | {row.questions} | {auc} | {row.below:.2f} |")
    return "\n".join(lines)


def run(out: Path | None) -> str:
    with tempfile.TemporaryDirectory(prefix="egov-calibrate-") as tmp:
        rows = collect(Path(tmp))
    if out:  # every question's evidence, to study other weights without asking again
        with out.with_suffix(".jsonl").open("w", encoding="utf-8") as dump:
            for course, s in rows:
                dump.write(
                    json.dumps({"course": course, **asdict(s.probe), "evidence": s.evidence}, ensure_ascii=False) + "\n"
                )
    weights = cal.fit([s for _, s in rows])
    held_out: list[cal.Scored] = []
    for course in dict.fromkeys(c for c, _ in rows):
        others = cal.fit([s for c, s in rows if c != course])
        held_out += rescored([s for c, s in rows if c == course], others)
    text = "\n\n".join(
        [
            "## Fitted on all courses\n\n" + table(rescored([s for _, s in rows], weights)),
            "## Each course scored with weights fitted on the others\n\n" + table(held_out),
            "## Weights\n\n" + json.dumps(weights.model_dump()),
        ]
    )
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the tables to this file")
    print(run(parser.parse_args(argv).out))


if __name__ == "__main__":
    main()
