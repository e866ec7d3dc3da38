"""``make ablate``: what each question rule is worth, on every course the repository has.

For each set of notes (the e-gov notes, the MIS notes in both forms, the five made-up courses in
both forms) it asks the labelled questions (dev and scope on the e-gov notes, mis.jsonl on MIS,
the held-out set of each course) and the questions generated from the notes' own headings (the
heading questions, the aspect questions and the student-style checks of ``question_checks``),
once with every rule on and once with each rule switched off. It prints one Markdown table: per
rule switched off, the citation accuracy over the labelled questions, the share of generated
questions answered right, and how many answers changed, over all courses together.

    python -m benchmarks.ablation [--out FILE]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.question_checks import CHECKS
from egov_qa.config import Settings
from egov_qa.engine import Engine
from egov_qa.evaluation.ablation import ALL_ON
from egov_qa.evaluation.generated import aspect_questions_from_headings, questions_from_headings
from egov_qa.evaluation.metrics import Question, citation_correct, read_questions
from egov_qa.models import Answer
from egov_qa.rules.registry import NAMES

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
COURSES = ("accounting", "admin_law", "management", "marketing", "network")


@dataclass(frozen=True)
class Probe:
    """One question to ask, and whether an answer to it is right."""

    question: str
    history: tuple[str, ...]
    right: Callable[[Answer], bool]
    labelled: bool


def notes_and_sets() -> list[tuple[Path, list[Path]]]:
    egov = DATA / "egov" / "电子政务期末考试重点整理.txt"
    pairs = [
        (egov, [DATA / "eval" / "dev.jsonl", DATA / "eval" / "scope.jsonl", DATA / "heldout" / "egov.jsonl"]),
        (DATA / "eval" / "notes_mis_scraped.txt", [DATA / "eval" / "mis.jsonl"]),
        (DATA / "eval" / "notes_mis.md", [DATA / "eval" / "mis.jsonl"]),
    ]
    for course in COURSES:
        for notes in (DATA / "unseen" / f"{course}.md", DATA / "unseen" / f"{course}_scraped.txt"):
            pairs.append((notes, [DATA / "heldout" / f"{course}.jsonl"]))
    return pairs


def _labelled(q: Question) -> Probe:
    def right(answer: Answer) -> bool:
        return answer.refused if not q.answerable else citation_correct(q, answer)

    return Probe(q.question, tuple(q.history), right, True)


def _cites(*labels: str) -> Callable[[Answer], bool]:
    return lambda a: not a.refused and {c.label for c in a.citations} >= set(labels)


def probes(engine: Engine, sets: list[Path]) -> list[Probe]:
    chunks = engine.notes.chunks
    found = [_labelled(q) for path in sets for q in read_questions(path)]
    found += [Probe(q, (), _cites(label), False) for q, label in questions_from_headings(chunks)]
    found += [Probe(q, (), _cites(*labels), False) for q, labels in aspect_questions_from_headings(chunks)]
    found += [Probe(c.question, c.history, c.passes, False) for make in CHECKS.values() for c in make(chunks)]
    return found


def run(out: Path | None) -> str:
    totals: dict[str, list[int]] = {name: [0, 0, 0, 0, 0] for name in (ALL_ON, *NAMES)}  # right/n lab, gen, changed
    with tempfile.TemporaryDirectory(prefix="egov-ablate-") as tmp:
        for notes, sets in notes_and_sets():
            corpus = Path(tmp) / notes.stem / "corpus"
            corpus.mkdir(parents=True)
            shutil.copy(notes, corpus / notes.name)
            settings = Settings(corpus_dir=corpus, index_dir=Path(tmp) / notes.stem / "index")
            engine = Engine.open(settings, progress=False)
            asked = probes(engine, sets)
            base: list[str] = []
            for name in (ALL_ON, *NAMES):
                on = (
                    engine
                    if name == ALL_ON
                    else Engine(settings.model_copy(update={"rules_off": {name}}), engine.index)
                )
                answers = [on.ask(p.question, p.history) for p in asked]
                base = base or [a.answer for a in answers]
                row = totals[name]
                for probe, answer, first in zip(asked, answers, base, strict=True):
                    row[0 if probe.labelled else 2] += probe.right(answer)
                    row[1 if probe.labelled else 3] += 1
                    row[4] += answer.answer != first
            print(f"{notes.name}: {len(asked)} questions", flush=True)
    lines = ["| rule off | labelled: citation right | generated: right | answers changed |", "|---|---|---|---|"]
    for name, (lab, n_lab, gen, n_gen, changed) in totals.items():
        lines.append(f"| {name} | {lab}/{n_lab} ({lab / n_lab:.3f}) | {gen}/{n_gen} ({gen / n_gen:.3f}) | {changed} |")
    table = "\n".join(lines)
    if out:
        out.write_text(table + "\n", encoding="utf-8")
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    print(run(parser.parse_args(argv).out))


if __name__ == "__main__":
    main()
