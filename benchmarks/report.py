"""Number formatting shared by the bench and load-test tables."""

from __future__ import annotations

from typing import Any


def fmt(x: Any, digits: int) -> str:
    """A table cell: ``n/a`` for a missing figure, floats to ``digits`` places, anything else as is."""
    if x is None:
        return "n/a"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)
