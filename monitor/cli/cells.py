"""Table cells a person reads in 80 columns: compact local times, cut text, links.

Widths are in terminal cells, as rich draws them: a Hangul syllable or a CJK character takes
two. JSON and CSV keep full values (UTC ISO times, whole text); these are for the tables only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from rich.cells import cell_len, set_cell_size

from monitor.normalise import CUT


def when(value: datetime | None, zone: ZoneInfo, now: datetime) -> str:
    """``12-03 09:00`` in ``zone``; the date with its year when it is not this year's."""
    if value is None:
        return ""
    local = value.astimezone(zone)
    if local.year != now.astimezone(zone).year:
        return local.strftime("%Y-%m-%d")
    return local.strftime("%m-%d %H:%M")


def cut(text: str | None, width: int) -> str:
    """``text`` on one line, at most ``width`` cells wide, a cut marked with an ellipsis."""
    line = " ".join((text or "").split())
    if cell_len(line) <= width:
        return line
    # A wide character that would straddle the edge is dropped (set_cell_size pads with a
    # space there), so the ellipsis follows the text.
    return set_cell_size(line, max(0, width - cell_len(CUT))).rstrip() + CUT


def link_text(url: str, width: int = 30) -> str:
    """What a hyperlink shows: the host and as much of the path as fits."""
    parts = urlsplit(url)
    shown = (parts.netloc + parts.path).removeprefix("www.").rstrip("/") or url
    return cut(shown, width)


def hyperlink(url: str, width: int = 30) -> Any:
    """A cell showing ``link_text(url)`` that opens ``url`` (OSC 8, where the terminal has it)."""
    from rich.style import Style
    from rich.text import Text

    return Text(link_text(url, width), style=Style(link=url))


def fit(
    headers: list[str],
    rows: list[list[str]],
    width: int,
    flexible: str,
    caps: dict[str, int] | None = None,
) -> list[int]:
    """Column widths that put each row on one line of ``width``: every column as wide as its
    longest cell (at most its cap, 20 unless ``caps`` says), the ``flexible`` one what is
    left. The cells are cut to their column in place, each cut marked.

    (Worked out here because rich, short of room, may shrink no_wrap columns to nothing.)
    The widths leave one space between columns, as ``Table(collapse_padding=True,
    pad_edge=False)`` draws them."""
    caps = caps or {}
    widths = [
        min(
            caps.get(header, 20),
            max([cell_len(header)] + [cell_len(cells[index]) for cells in rows]),
        )
        for index, header in enumerate(headers)
    ]
    flex = headers.index(flexible)
    others = sum(w for index, w in enumerate(widths) if index != flex)
    longest = max([cell_len(flexible)] + [cell_len(cells[flex]) for cells in rows])
    widths[flex] = min(longest, max(5, width - others - 2 * len(headers)))
    for cells in rows:
        for index, column_width in enumerate(widths):
            cells[index] = cut(cells[index], column_width)
    return widths
