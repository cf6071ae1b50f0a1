"""The CLI table's sparklines: honest small pictures."""

from __future__ import annotations

from monitor.cli.tables import SPARKS, sparkline


def test_a_small_wobble_is_not_drawn_as_a_collapse() -> None:
    # 13.4% -> 12.5% -> 14.0%: the bars start at zero, so all three stay tall.
    line = sparkline([0.134, 0.125, 0.140])
    assert all(SPARKS.index(c) >= len(SPARKS) - 2 for c in line)


def test_sparkline_keeps_gaps_and_zero() -> None:
    line = sparkline([0.0, None, 2.0])
    assert line[0] == SPARKS[0] and line[1] == " " and line[2] == SPARKS[-1]
    assert sparkline([None, None]) == ""
