"""The README's results block, rewritten by ``make bench`` from the run's results.

``README.md`` holds the table between a line ``<!-- bench-table:start -->`` and a line
``<!-- bench-table:end -->``. ``update_readme`` replaces exactly the lines between the two with a
Markdown table (a row per question set: ours against the LangChain-tutorial baseline) and a line
saying when, where and with which command it was measured; every other byte of the file stays.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from benchmarks import checking
from benchmarks.tables import fmt

START = "<!-- bench-table:start -->"
END = "<!-- bench-table:end -->"
NONE = "–"  # a figure the set or the baseline does not have

HEADER = (
    "questions (answerable)",
    "hit@1, ours / baseline",
    "hit@5, ours / baseline",
    "MRR, ours / baseline",
    "citation accuracy",
    "key-term coverage",
    "out-of-scope refused",
    "false refusals",
    "warm p50 ms, ours / baseline",
    "warm p95 ms, ours / baseline",
    "passage chars, ours / baseline",
    "heading questions citing their unit",
    "self-checks passed",
    "hit@1 with a homophone / fuzzy-pinyin typo",
)


def set_name(name: str) -> str:
    """How a question set is named in the README."""
    if name == "dev":
        return "dev (e-gov notes)"
    if name == "mis":
        return "MIS notes"
    if name == "heldout-egov":
        return "second set, e-gov notes"
    return f"second set, {name.removeprefix('heldout-')}" if name.startswith("heldout-") else name


def _versus(ours: Any, base: Any, ratio: Any, digits: int) -> str:
    """``ours / baseline (×ratio)``."""
    cell = f"{fmt(ours, digits, NONE)} / {fmt(base, digits, NONE)}"
    return cell if ratio is None else f"{cell} (×{ratio:.2f})"


def _row(name: str, data: dict[str, Any]) -> list[str]:
    ours, base, rat = data["ours"], data["baseline"], data["ratio"]
    checks = ours["question_checks"].values()
    return [
        set_name(name),
        f"{data['questions']} ({ours['answerable']})",
        *(_versus(ours[k], base[k], rat[k], 3) for k in ("hit_at_1", "hit_at_5", "mrr")),
        fmt(ours["citation_accuracy"], 3, NONE),
        fmt(ours["key_term_coverage"], 3, NONE),
        fmt(ours["out_of_scope_refusal"], 2, NONE),
        fmt(ours["false_refusals"], 3, NONE),
        *(
            _versus(ours["latency"][f"{p}_ms"], base["latency"][f"{p}_ms"], rat[f"latency_{p}"], 0)
            for p in ("p50", "p95")
        ),
        _versus(ours["mean_passage_chars"], base["mean_passage_chars"], rat["mean_passage_chars"], 0),
        f"{fmt(ours['heading_questions_cited_right'], 3, NONE)} ({ours['heading_questions']})",
        f"{sum(c['passed'] for c in checks)} / {sum(c['asked'] for c in checks)}",
        f"{fmt(ours['typo_hit_at_1_corrected'], 3, NONE)} / {fmt(ours['fuzzy_typo_hit_at_1_corrected'], 3, NONE)}",
    ]


def markdown_block(results: dict[str, Any], command: str) -> list[str]:
    """The block's lines: the table, a blank line, and when, where and how it was measured."""
    lines = ["| question set | " + " | ".join(HEADER) + " |", "|---" * (len(HEADER) + 1) + "|"]
    lines += ["| " + " | ".join(_row(name, data)) + " |" for name, data in results["datasets"].items()]
    if results.get("check"):
        lines += [
            "",
            "Check my answer, on the labelled student answers of `tests/data/check`:",
            "",
            *checking.table(results["check"]).splitlines(),
        ]
    ratios = results.get("ratios")
    if ratios:
        lines += [
            "",
            f"Close to the machine's limit: warm answer p50 {fmt(ratios['warm_over_embedding'], 2)}× one query "
            "embedding (both at the default two threads, dev questions); throughput of 30 students asking "
            f"back-to-back {fmt(ratios['share_of_embedding_bound'], 2)} of the embedding-bound limit (cores ÷ one "
            "single-thread query embedding).",
        ]
    machine = results["machine"]
    cold = results.get("cold_start")
    lines += [
        "",
        f"Measured {results['date']} on {machine['platform']} ({machine['cpus']} CPUs, Python {machine['python']}) "
        f"by `{command}`"
        + (f"; cold start (`egov-qa ask`, index built) {cold['median_s']:.2f} s" if cold else "")
        + ". Baseline latency is a bare vector search; ours is the whole cited answer.",
    ]
    return lines


def _lines(path: Path) -> list[str] | None:
    """The file's lines with their line ends, or None if it is missing or not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8").splitlines(keepends=True)
    except (OSError, UnicodeDecodeError):
        return None


def _block(lines: list[str] | None) -> tuple[int, int] | None:
    """Indexes of the start and end marker lines, or None unless there is exactly one of each, in order."""
    if lines is None:
        return None
    starts = [i for i, line in enumerate(lines) if line.strip() == START]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        return None
    return starts[0], ends[0]


def has_block(path: Path) -> bool:
    """Whether ``path`` is a file ``update_readme`` can update."""
    return _block(_lines(path)) is not None


def update_readme(path: Path, results: dict[str, Any], command: str = "make bench") -> bool:
    """Replace the lines between the markers with this run's table; False (and the file left as it
    is, with a message on stderr) unless it is a UTF-8 file with exactly one pair of markers."""
    lines = _lines(path)
    found = _block(lines)
    if lines is None or found is None:
        why = (
            "it cannot be read as UTF-8 text"
            if lines is None
            else f"the results table goes between one line {START} and, after it, one line {END}; "
            "the file has no such pair"
        )
        print(f"{path}: not updated — {why}", file=sys.stderr)
        return False
    start, end = found
    newline = "\r\n" if lines[start].endswith("\r\n") else "\n"
    block = [line + newline for line in markdown_block(results, command)]
    path.write_bytes("".join([*lines[: start + 1], *block, *lines[end:]]).encode("utf-8"))
    return True
