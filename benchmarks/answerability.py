"""``make answerability``: does the product refuse what the notes do not cover, and only that?

On every note file of ``tests/data`` (the e-gov notes, MIS and the five made-up courses, each in
both forms) it reports, with the settings as they are:

* scope.jsonl on the e-gov notes, per group: the three out-of-scope kinds (share refused), English
  or mixed and traditional-character questions (hit@1, false refusals);
* each course's own answerable questions on its own notes (false refusals) and every other
  course's answerable questions on them (share refused);
* dev and mis.jsonl (``egov-qa eval`` figures);
* conversation: every dev and scope question asked after an unrelated earlier question (another
  course's), counted where its citation or refusal differs from asking it alone; and the dev
  follow-ups still answered from their gold point.

    python -m benchmarks.answerability
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

from benchmarks.ablation import DATA, notes_and_sets
from egov_qa.config import Settings
from egov_qa.engine import Engine
from egov_qa.evaluation.metrics import Question, citation_correct, evaluate, first_hit_rank, read_questions
from egov_qa.models import Answer

SCOPE = DATA / "eval" / "scope.jsonl"


def _group(line: dict) -> str:
    return str(line.get("scope_kind") or ("traditional" if line["lang"] == "zh-Hant" else "English/mixed"))


def scope_groups(engine: Engine) -> dict[str, str]:
    lines = [json.loads(x) for x in SCOPE.read_text(encoding="utf-8").splitlines() if x.strip()]
    answers: defaultdict[str, list[tuple[Question, Answer]]] = defaultdict(list)
    for q, line in zip(read_questions(SCOPE), lines, strict=True):
        answers[_group(line)].append((q, engine.ask(q.question, q.history)))
    out = {}
    for group, pairs in answers.items():
        n = len(pairs)
        refused = sum(a.refused for _, a in pairs)
        if pairs[0][0].answerable:
            hit1 = sum(first_hit_rank(q, a) == 1 for q, a in pairs)
            out[group] = f"hit@1 {hit1}/{n} ({hit1 / n:.2f}), false refusals {refused}/{n} ({refused / n:.2f})"
        else:
            out[group] = f"refused {refused}/{n} ({refused / n:.2f})"
    return out


def _alone(answer: Answer) -> tuple[bool, str | None]:
    return answer.refused, answer.citations[0].label if answer.citations else None


def history_independence(engine: Engine, questions: list[Question], unrelated: list[str]) -> tuple[int, int]:
    """(differ, asked): standalone questions asked after an unrelated one, against asked alone."""
    standalone = [q for q in questions if not q.history]
    differ = sum(
        _alone(engine.ask(q.question)) != _alone(engine.ask(q.question, [unrelated[i % len(unrelated)]]))
        for i, q in enumerate(standalone)
    )
    return differ, len(standalone)


def run() -> list[str]:
    lines = []
    pairs = notes_and_sets()
    course = {n: n.stem.removesuffix("_scraped") for n, _ in pairs}
    own = {course[n]: [q for s in sets if s != SCOPE for q in read_questions(s)] for n, sets in pairs}
    with tempfile.TemporaryDirectory(prefix="egov-answerability-") as tmp:
        cross_total = [0, 0]
        for notes, sets in pairs:
            corpus = Path(tmp) / notes.stem / "corpus"
            corpus.mkdir(parents=True)
            shutil.copy(notes, corpus / notes.name)
            engine = Engine.open(
                Settings(corpus_dir=corpus, index_dir=Path(tmp) / notes.stem / "index"), progress=False
            )
            mine = [q for q in own[course[notes]] if q.answerable and not q.history]
            false = sum(engine.ask(q.question).refused for q in mine)
            others = [q for c, qs in own.items() if c != course[notes] for q in qs if q.answerable and not q.history]
            refused = sum(engine.ask(q.question).refused for q in others)
            cross_total[0] += refused
            cross_total[1] += len(others)
            lines.append(
                f"{notes.name}: own questions refused {false}/{len(mine)} ({false / len(mine):.2f}); "
                f"other courses' refused {refused}/{len(others)} ({refused / len(others):.2f})"
            )
            if SCOPE in sets:
                lines += [f"  scope {group}: {text}" for group, text in scope_groups(engine).items()]
                unrelated = [q.question for c, qs in own.items() if c != course[notes] for q in qs][::7]
                for path in (DATA / "eval" / "dev.jsonl", SCOPE):
                    differ, asked = history_independence(engine, read_questions(path), unrelated)
                    lines.append(f"  {path.name} after an unrelated question: {differ} of {asked} differ")
                dev = read_questions(DATA / "eval" / "dev.jsonl")
                follow = [q for q in dev if q.history]
                resolved = sum(citation_correct(q, engine.ask(q.question, q.history)) for q in follow)
                lines.append(f"  dev follow-ups answered from their gold point: {resolved}/{len(follow)}")
            for path in sets:
                if path.name in ("dev.jsonl", "mis.jsonl"):
                    r, _ = evaluate(read_questions(path), lambda q, e=engine: e.ask(q.question, q.history))
                    lines.append(
                        f"  {path.name}: hit@1 {r.hit_at_1:.3f} hit@5 {r.hit_at_5:.3f} MRR {r.mrr:.3f} "
                        f"citation {r.citation_accuracy:.3f} out-of-scope refused {r.out_of_scope_refusal} "
                        f"false refusals {r.false_refusals:.3f}"
                    )
            print(lines[-1], flush=True)
        lines.append(
            f"all files: other courses' questions refused {cross_total[0]}/{cross_total[1]} "
            f"({cross_total[0] / cross_total[1]:.3f})"
        )
    return lines


def main() -> None:
    print("\n".join(run()))


if __name__ == "__main__":
    main()
