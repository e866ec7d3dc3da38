"""Questions made from the notes' own headings: the chat page's examples, the questions suggested
with a refusal, and self-checks that need no labelled questions."""

from __future__ import annotations

import re

from egov_qa.lexicon import DEFINITION_HEADS, LIST_HEADS


def example_question(title: str) -> str | None:
    """A natural question whose answer is the unit with this heading."""
    title = title.strip()
    if len(title) < 3:
        return None
    if title.endswith((*DEFINITION_HEADS, "意义")):
        return f"{title}是什么？"
    if title.endswith(LIST_HEADS):
        return f"{title}有哪些？"
    pair = re.fullmatch(r"(.+?)与(.+)", title)
    if pair:  # "关系": such a heading may set out differences, a relation or an influence
        return f"{pair.group(1)}和{pair.group(2)}是什么关系？"
    return f"请介绍一下{title}。"
