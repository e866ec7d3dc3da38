"""The question rules, in the order they run. Add a rule here and it runs; name it in
``EGOV_QA_RULES_OFF`` and it does not."""

from __future__ import annotations

from collections.abc import Collection

from egov_qa.rules.aspects import Aspects
from egov_qa.rules.base import Context, Rule
from egov_qa.rules.conversation import More, NthItem
from egov_qa.rules.places import NamedPlace, NamedSection
from egov_qa.rules.ranking import Acronyms, HeadingMatch, RewordedHeading, WholePoint
from egov_qa.rules.rewrite import English, FollowUps, Traditional, Typos
from egov_qa.rules.talk import NeedsContext, SmallTalk

RULES: tuple[type[Rule], ...] = (
    # rewrite: every question read, then what is searched
    Traditional,
    Typos,
    FollowUps,
    English,
    # answer: the first that answers wins
    SmallTalk,
    NeedsContext,
    More,
    NthItem,
    NamedSection,
    NamedPlace,
    Aspects,
    # reorder: each in turn, on the fused ranking
    Acronyms,
    HeadingMatch,
    WholePoint,
    RewordedHeading,
)
NAMES = tuple(rule.name for rule in RULES)


class UnknownRule(ValueError):
    """A rule named in the settings that does not exist; the message lists the names."""


def build_rules(ctx: Context, off: Collection[str] = ()) -> list[Rule]:
    """Every rule not switched ``off``, in registry order, built for ``ctx`` (raises UnknownRule)."""
    unknown = sorted(set(off) - set(NAMES))
    if unknown:
        raise UnknownRule(
            f"EGOV_QA_RULES_OFF: no rule named {', '.join(unknown)}; the rules are {', '.join(NAMES)} / 没有这个规则名"
        )
    return [rule(ctx) for rule in RULES if rule.name not in off]
