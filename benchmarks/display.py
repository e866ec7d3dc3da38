"""How answers look: punctuation, balance and length, on dev and the held-out sets; and what the
display normaliser changes in every note file.

For each labelled set (``dev.jsonl`` on the e-gov notes, each held-out set on its notes, both
forms of a course's notes) it asks every question and prints, over the answers given (refusals
left out):

- half-width: the share with a half-width ``, : ; ? ! ( )`` next to a Chinese character;
- unbalanced: the share whose brackets or quotes do not pair up (a list marker's ``1)`` is none);
- length: the median and 90th percentile of the answer's characters (labels and sources too);
- key terms: the key-term coverage ``egov-qa eval`` prints (over the answerable questions).

Then, over the 13 note files, how many characters or lines of each kind the normaliser changed.

    python -m benchmarks.display [--out FILE]
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.ablation import notes_and_sets
from egov_qa.config import Settings
from egov_qa.engine import Engine
from egov_qa.evaluation.metrics import evaluate, read_questions
from egov_qa.ingest.display import CHANGE_KINDS, display_changes
from egov_qa.ingest.notes import chunk_document, outline_file
from egov_qa.models import Answer

_CJK = r"[\u4e00-\u9fff]"
_HALF_WIDTH = re.compile(rf"{_CJK}[,:;?!()]|[,:;?!()]{_CJK}")
# A list item's own marker closes nothing it opened: "1)", "a）" at a line start.
_ITEM_MARKER = re.compile(r"^\s*[0-9a-z]{1,2}\s*[)）]", re.MULTILINE)
_PAIRS = {"(": ")", "（": "）", "“": "”", "‘": "’", "《": "》", "「": "」", "【": "】", "『": "』", "〔": "〕"}
_CLOSERS = {close: open_ for open_, close in _PAIRS.items()}


def half_width(text: str) -> bool:
    """A half-width , : ; ? ! ( ) right next to a Chinese character."""
    return _HALF_WIDTH.search(text) is not None


def unbalanced(text: str) -> bool:
    """Brackets or quotes that do not pair up, line by line (an odd number of straight quotes too)."""
    for line in _ITEM_MARKER.sub("", text).split("\n"):
        stack: list[str] = []
        for ch in line:
            if ch in _PAIRS:
                stack.append(ch)
            elif ch in _CLOSERS and (not stack or stack.pop() != _CLOSERS[ch]):
                return True
        if stack or line.count('"') % 2:
            return True
    return False


@dataclass(frozen=True)
class Figures:
    name: str
    answers: int
    half_width: float
    unbalanced: float
    median_chars: float
    p90_chars: float
    key_terms: float


def labelled_sets() -> list[tuple[str, Path, Path]]:
    """(name, notes, questions): dev on the e-gov notes and every held-out set on its notes."""
    found = []
    for notes, sets in notes_and_sets():
        for questions in sets:
            if questions.name == "dev.jsonl" or questions.parent.name == "heldout":
                found.append((f"{questions.stem} on {notes.name}", notes, questions))
    return found


def figures(name: str, engine: Engine, questions: Path) -> tuple[Figures, list[Answer]]:
    answers: list[Answer] = []

    def ask(q):  # type: ignore[no-untyped-def]
        answer = engine.ask(q.question, q.history)
        answers.append(answer)
        return answer

    items = read_questions(questions)
    report, _ = evaluate(items, ask)
    given = [a for a in answers[: len(items)] if not a.refused]  # evaluate asks suggestions after
    lengths = [len(a.answer) for a in given] or [0]
    n = max(len(given), 1)
    return (
        Figures(
            name,
            len(given),
            sum(half_width(a.answer) for a in given) / n,
            sum(unbalanced(a.answer) for a in given) / n,
            float(np.percentile(lengths, 50)),
            float(np.percentile(lengths, 90)),
            report.key_term_coverage,
        ),
        given,
    )


def answer_table(rows: list[Figures]) -> str:
    lines = [
        "| set | answers | half-width | unbalanced | median chars | p90 chars | key terms |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in rows:
        lines.append(
            f"| {f.name} | {f.answers} | {f.half_width:.3f} | {f.unbalanced:.3f} | {f.median_chars:.0f} "
            f"| {f.p90_chars:.0f} | {f.key_terms:.3f} |"
        )
    return "\n".join(lines)


def normaliser_table() -> str:
    """What the display normaliser changed in each of the 13 note files, by kind."""
    totals: Counter[str] = Counter()
    lines = [
        "| notes | units | " + " | ".join(CHANGE_KINDS) + " |",
        "|---|---|" + "---|" * len(CHANGE_KINDS),
    ]
    for notes, _ in notes_and_sets():
        chunks = chunk_document(outline_file(notes), Settings())
        changed = display_changes(chunks)
        totals += changed
        lines.append(f"| {notes.name} | {len(chunks)} | " + " | ".join(str(changed[k]) for k in CHANGE_KINDS) + " |")
    lines.append("| all | | " + " | ".join(str(totals[k]) for k in CHANGE_KINDS) + " |")
    return "\n".join(lines)


def run(out: Path | None, samples: Path | None, report: bool = True) -> str:
    rows: list[Figures] = []
    shown: list[str] = []
    with tempfile.TemporaryDirectory(prefix="egov-display-") as tmp:
        engines: dict[Path, Engine] = {}
        for name, notes, questions in labelled_sets():
            if notes not in engines:
                corpus = Path(tmp) / notes.stem / "corpus"
                corpus.mkdir(parents=True)
                shutil.copy(notes, corpus / notes.name)
                settings = Settings(corpus_dir=corpus, index_dir=Path(tmp) / notes.stem / "index")
                engines[notes] = Engine.open(settings, progress=False)
            row, given = figures(name, engines[notes], questions)
            rows.append(row)
            shown += [f"## {name}\n{a.answer}\n" for a in given]
            print(f"{name}: {row.answers} answers", flush=True)
    table = answer_table(rows)
    if report:
        table += "\n\n" + normaliser_table()
    if out:
        out.write_text(table + "\n", encoding="utf-8")
    if samples:
        samples.write_text("\n".join(shown), encoding="utf-8")
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the tables to this file")
    parser.add_argument("--answers", type=Path, help="write every answer to this file (to read them)")
    parser.add_argument("--no-report", action="store_true", help="only the answer figures")
    args = parser.parse_args(argv)
    print(run(args.out, args.answers, report=not args.no_report))


if __name__ == "__main__":
    main()
