"""A drawn chart as the page and the mail refer to it, free of the charting library, so the
mail and the page can be built (and their settings checked) without loading matplotlib."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DISPLAY_WIDTH = 600  # px in the e-mail and the page


@dataclass(frozen=True)
class Picture:
    name: str  # file name beside index.html, also the cid
    path: Path
    alt: str
    title: str
