"""``make courses``: several courses side by side — does choosing a course keep answers in it?

All the notes ``datasets`` knows (the e-gov notes, the MIS notes, the five made-up courses) are
indexed together, as a teacher publishing seven courses would. Every single-turn question of their
sets (dev, mis, the second question set) is asked three ways:

* ``library``: with no course chosen (全部课程; the whole index, as before there was a selector);
* ``own``: in its own course (``Engine.course``);
* ``other``: in another course (the next course in order): a cross-course pair. An answerable
  question should be refused there; one answered is cited to an unrelated point of that course.

For each way: citation accuracy of the answerable questions (the first citation is the gold place
in the question's own notes file), refusal of the out-of-scope ones; for ``other``, the share
refused. Prints a table and the JSON of the figures. Nothing here asserts a figure.

    python -m benchmarks.courses [--out .bench/courses.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.datasets import datasets, repo_eval_dir
from egov_qa.config import Settings
from egov_qa.engine import Engine
from egov_qa.evaluation.metrics import Question, citation_correct, read_questions
from egov_qa.models import Answer


def _right(question: Question, answer: Answer, source: str) -> bool:
    return citation_correct(question, answer) and answer.citations[0].source == source


def _share(values: list[bool]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def run(out: Path) -> dict[str, Any]:
    sets: dict[str, tuple[Path, list[Question]]] = {}  # course file → its notes and questions
    for dataset in datasets(repo_eval_dir()):
        if len(dataset.notes) != 1:
            continue
        notes = dataset.notes[0]
        questions = [q for q in read_questions(dataset.questions_file) if not q.history]
        known = sets.setdefault(notes.name, (notes, []))
        known[1].extend(questions)
    with tempfile.TemporaryDirectory(prefix="egov-courses-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for notes, _ in sets.values():
            shutil.copy(notes, corpus / notes.name)
        engine = Engine.open(Settings(corpus_dir=corpus, index_dir=Path(tmp) / "index"), progress=True)
        courses = engine.courses
        rows: dict[str, dict[str, list[bool]]] = {}
        for n, course in enumerate(courses):
            other = courses[(n + 1) % len(courses)]
            found = rows.setdefault(course, {k: [] for k in ("library", "own", "oos_library", "oos_own", "other")})
            for question in sets[course][1]:
                library, own = engine.ask(question.question), engine.course(course).ask(question.question)
                if question.answerable:
                    found["library"].append(_right(question, library, course))
                    found["own"].append(_right(question, own, course))
                    found["other"].append(engine.course(other).ask(question.question).refused)
                else:
                    found["oos_library"].append(library.refused)
                    found["oos_own"].append(own.refused)
    figures = {
        course: {key: _share(values) for key, values in found.items()} | {"answerable": len(found["own"])}
        for course, found in rows.items()
    }
    total = {key: _share([v for found in rows.values() for v in found[key]]) for key in next(iter(rows.values()))}
    result = {"courses": figures, "all": total | {"answerable": sum(len(f["own"]) for f in rows.values())}}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


def table(result: dict[str, Any]) -> list[str]:
    lines = [
        "| course | answerable | cited right: library | own course | other course refuses "
        "| out-of-scope refused: library | own |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, f in [*result["courses"].items(), ("all", result["all"])]:
        cells = [f["answerable"], f["library"], f["own"], f["other"], f["oos_library"], f["oos_own"]]
        lines.append(f"| {name} | " + " | ".join("-" if c is None else str(c) for c in cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path(".bench") / "courses.json")
    args = parser.parse_args()
    result = run(args.out)
    print("\n".join(table(result)))
    print(json.dumps(result["all"], ensure_ascii=False))


if __name__ == "__main__":
    main()
