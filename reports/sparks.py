"""Sparklines: a series as a row of bars, from zero to its maximum.

Scaling between the series' minimum and maximum would draw a 13.4 → 12.5 → 14.0% wobble as a
collapse and a recovery; counts and shares are never negative, so zero is the honest floor.
Shared by the CLI table and the report (which prints the range beside it).
"""

from __future__ import annotations

from collections.abc import Sequence

SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | None]) -> str:
    """Bars from zero to the series' maximum; a gap (None) is a space."""
    present = [v for v in values if v is not None]
    if not present:
        return ""
    high = max(present) or 1.0
    top = len(SPARKS) - 1
    return "".join(
        " " if v is None else SPARKS[min(top, max(0, round(v / high * top)))] for v in values
    )
