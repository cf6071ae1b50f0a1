"""Entry or experienced and the years asked, from what a board says: data/level_cases.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

CASES_FILE = Path(__file__).resolve().parents[1] / "data" / "level_cases.toml"
CASES: list[dict[str, Any]] = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))["case"]


def _id(case: dict[str, Any]) -> str:
    said = case.get("experience") or case.get("stated") or case.get("years_min")
    return f"{case['title']} | {said}" if said is not None else case["title"]


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_level_cases(case: dict[str, Any]) -> None:
    from monitor.level import experience_of

    read = experience_of(
        title=case["title"],
        stated=case.get("stated"),
        experience=case.get("experience"),
        years_min=case.get("years_min"),
        years_max=case.get("years_max"),
    )
    assert (read.level, read.years_min, read.years_max) == (
        case.get("level"),
        case.get("read_min"),
        case.get("read_max"),
    )
