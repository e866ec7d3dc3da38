"""``make bench --readme README.md`` rewrites the README's results block from a run's results: the
lines between the bench-table markers and nothing else (no benchmark is run here)."""

from __future__ import annotations

import pytest

from benchmarks.readme import END, START, markdown_block, update_readme


def _set(hit_at_1: float, oos: float | None) -> dict:
    """One question set's results, as ``benchmarks.bench.run`` records them."""
    ours = {
        "answerable": 42,
        "hit_at_1": hit_at_1,
        "hit_at_5": 0.9762,
        "mrr": 0.9024,
        "citation_accuracy": 0.8571,
        "key_term_coverage": 0.8333,
        "out_of_scope_refusal": oos,
        "false_refusals": 0.0238,
        "latency": {"p50_ms": 22.31, "p95_ms": 44.02, "mean_ms": 25.0, "n": 47},
        "mean_passage_chars": 193.4,
        "heading_questions": 110,
        "heading_questions_cited_right": 1.0,
        "question_checks": {"definitions": {"passed": 100, "asked": 102}, "lists": {"passed": 107, "asked": 108}},
        "typo_hit_at_1_corrected": 0.8571,
        "fuzzy_typo_hit_at_1_corrected": 0.8101,
    }
    baseline = {
        "hit_at_1": 0.5,
        "hit_at_5": 0.7857,
        "mrr": 0.625,
        "latency": {"p50_ms": 29.4, "p95_ms": 38.1, "mean_ms": 30.0, "n": 42},
        "mean_passage_chars": 961.2,
    }
    ratio = {
        "hit_at_1": round(hit_at_1 / 0.5, 3),
        "hit_at_5": 1.242,
        "mrr": 1.444,
        "mean_passage_chars": 0.201,
        "latency_p50": 0.759,
        "latency_p95": 1.155,
    }
    return {"questions": 47, "notes": ["notes.txt"], "ours": ours, "baseline": baseline, "ratio": ratio}


RESULTS = {
    "date": "2025-01-02",
    "machine": {"cpus": 2, "python": "3.11.9", "platform": "Linux-6.1-x86_64-with-glibc2.36"},
    "datasets": {"dev": _set(0.8571, 0.8), "mis": _set(1.0, None), "heldout-network": _set(0.75, 0.9)},
    "cold_start": {"runs_s": [2.3, 2.4, 2.36], "median_s": 2.36},
}

BEFORE = "# egov-qa\n\nSome text, 中文 too.\n\n## Quality\n\n"
AFTER = "\nThe baseline is what a LangChain tutorial builds.\n\n## More\n"
OLD = "| | dev |\n|---|---|\n| hit@1 | 0.1 |\n"


def test_the_block_is_one_table_with_a_row_per_set_and_a_line_saying_how_it_was_measured():
    lines = markdown_block(RESULTS, "make bench")
    assert len(lines) <= 20
    header, rule, *rows, blank, footer = lines
    assert header.startswith("| question set | questions (answerable) | hit@1, ours / baseline |")
    assert rule.count("|") == header.count("|")
    assert [row.split(" | ")[0] for row in rows] == ["| dev (e-gov notes)", "| MIS notes", "| second set, network"]
    assert all(row.count("|") == header.count("|") for row in rows)
    dev = rows[0].strip("| ").split(" | ")
    assert dev[1:6] == [
        "47 (42)",
        "0.857 / 0.500 (×1.71)",
        "0.976 / 0.786 (×1.24)",
        "0.902 / 0.625 (×1.44)",
        "0.857",
    ]
    assert dev[6:] == [
        "0.833",
        "0.80",
        "0.024",
        "22 / 29 (×0.76)",
        "44 / 38 (×1.16)",
        "193 / 961 (×0.20)",
        "1.000 (110)",
        "207 / 210",
        "0.857 / 0.810",
    ]
    assert rows[1].strip("| ").split(" | ")[7] == "–"  # no out-of-scope questions in the set
    assert blank == ""
    assert "2025-01-02" in footer and "Linux-6.1-x86_64-with-glibc2.36" in footer and "`make bench`" in footer
    assert "cold start" in footer and "2.36 s" in footer


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_only_the_lines_between_the_markers_change(tmp_path, newline):
    before, after = (part.replace("\n", newline) for part in (BEFORE, AFTER))
    head = f"{before}{START}{newline}"
    tail = f"{END}{newline}{after}"
    readme = tmp_path / "README.md"
    readme.write_bytes((head + OLD.replace("\n", newline) + tail).encode("utf-8"))

    assert update_readme(readme, RESULTS, "make bench")

    data = readme.read_bytes()
    assert data.startswith(head.encode("utf-8")) and data.endswith(tail.encode("utf-8"))  # the rest byte for byte
    block = data[len(head.encode("utf-8")) : -len(tail.encode("utf-8"))].decode("utf-8")
    assert block == "".join(line + newline for line in markdown_block(RESULTS, "make bench"))
    assert "hit@1 | 0.1" not in block

    assert update_readme(readme, RESULTS, "make bench")  # a second run replaces its own block
    assert readme.read_bytes() == data


@pytest.mark.parametrize(
    "text",
    [
        BEFORE + OLD + AFTER,  # no markers
        BEFORE + START + "\n" + OLD + AFTER,  # no end marker
        BEFORE + END + "\n" + OLD + START + "\n" + AFTER,  # in the wrong order
        BEFORE + START + "\n" + OLD + END + "\n" + START + "\n" + END + "\n" + AFTER,  # two blocks
    ],
)
def test_a_file_without_one_pair_of_markers_is_left_alone(tmp_path, capsys, text):
    readme = tmp_path / "README.md"
    readme.write_bytes(text.encode("utf-8"))
    assert not update_readme(readme, RESULTS, "make bench")
    assert readme.read_bytes() == text.encode("utf-8")
    message = capsys.readouterr().err
    assert "not updated" in message and START in message and END in message


def test_a_missing_file_is_not_created(tmp_path, capsys):
    readme = tmp_path / "README.md"
    assert not update_readme(readme, RESULTS, "make bench")
    assert not readme.exists()
    assert "not updated" in capsys.readouterr().err


def test_check_my_answer_figures_follow_the_table_when_measured():
    check = {
        "answers": 116,
        "within": 0.7586,
        "right_point": 1.0,
        "order_holds": 0.6875,
        "questions": 16,
        "named_instead": None,
        "check_ms": {"p50_ms": 61.2},
        "embed_answer_ms": {"p50_ms": 30.4},
    }
    lines = markdown_block({**RESULTS, "check": {"egov": check}}, "make bench")
    row = next(line for line in lines if line.startswith("| egov |"))
    assert row == "| egov | 116 | 0.759 | 1.000 | 0.69 (16 questions) | – | 61 | 30 |"
    assert lines.index(row) > next(i for i, line in enumerate(lines) if line.startswith("| dev"))
    assert not any(line.startswith("| egov |") for line in markdown_block(RESULTS, "make bench"))
