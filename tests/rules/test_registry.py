"""The question-rule registry: every rule is live, switchable by name, and run by kind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from egov_qa.config import Settings
from egov_qa.engine import Engine
from egov_qa.rules.base import AnswerRule, ReorderRule, RewriteRule
from egov_qa.rules.registry import NAMES, RULES, UnknownRule


def test_names_are_unique_and_kinds_run_in_order():
    assert len(set(NAMES)) == len(NAMES) == len(RULES)
    kinds = [
        next(i for i, kind in enumerate((RewriteRule, AnswerRule, ReorderRule)) if issubclass(rule, kind))
        for rule in RULES
    ]
    assert kinds == sorted(kinds)  # the registry lists them in the order the engine runs them


def test_the_architecture_document_lists_every_rule_in_order():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| (rewrite|answer|reorder) \|", doc, re.MULTILINE)
    assert [name for name, _ in rows] == list(NAMES)


def test_rules_off_is_read_from_a_comma_separated_setting(monkeypatch):
    monkeypatch.setenv("EGOV_QA_RULES_OFF", " typos, acronyms ,")
    assert Settings().rules_off == {"typos", "acronyms"}


@pytest.mark.slow
def test_an_unknown_rule_name_is_a_clear_error(egov_engine: Engine):
    settings = egov_engine.settings.model_copy(update={"rules_off": {"typos", "tpyos"}})
    with pytest.raises(UnknownRule, match=r"no rule named tpyos; the rules are traditional, typos"):
        Engine(settings, egov_engine.index)


@pytest.mark.slow
@pytest.mark.parametrize("rule", RULES, ids=NAMES)
def test_each_rule_changes_the_answer_to_its_example_and_can_be_switched_off(egov_engine: Engine, rule):
    """The example each rule documents is answered otherwise without it: every rule in the
    registry runs, and switching one off by name leaves it out and only it."""
    without = Engine(egov_engine.settings.model_copy(update={"rules_off": {rule.name}}), egov_engine.index)
    running = [r.name for r in (*without.rewrites, *without.answerers, *without.reorders)]
    assert running == [name for name in NAMES if name != rule.name]
    example = rule.example
    assert (
        egov_engine.ask(example.question, example.history).answer
        != without.ask(example.question, example.history).answer
    )
