"""The drawing process (``reports.drawer``) draws what this process draws, and a drawing
process that dies leaves the charts to this one."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from monitor.clock import Clock
from monitor.storage.db import Database
from monitor.taxonomy import builtin_tags
from reports.content import ReportContent, build_content, parse_week
from reports.drawer import Drawer, drawing_process
from tests.reports.conftest import NOW, WEEK, build_history


@pytest.fixture
def content(db: Database) -> ReportContent:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    build_history(db)
    clock = Clock(ZoneInfo("Asia/Seoul"), datetime.fromisoformat(NOW))
    with db.session() as session:
        return build_content(session, clock, builtin_tags(), ["llm", "로봇"], parse_week(WEEK))


def _drawn(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_drawing_process_draws_what_this_one_draws(
    content: ReportContent, tmp_path: Path
) -> None:
    (tmp_path / "there").mkdir()
    (tmp_path / "here").mkdir()
    with drawing_process() as drawer:
        assert drawer.in_process is False
        there = drawer.draw(content, tmp_path / "there", "png")
    here = Drawer.here().draw(content, tmp_path / "here", "png")
    assert (
        [p.name for p in there]
        == [p.name for p in here]
        == [
            "share.png",
            "active.png",
            "regions.png",
        ]
    )
    assert [p.path.parent for p in there] == [tmp_path / "there"] * 3
    assert _drawn(tmp_path / "there") == _drawn(tmp_path / "here")


def test_a_drawing_process_that_died_leaves_the_charts_to_this_one(
    content: ReportContent, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with drawing_process() as drawer:
        drawer.wait_ready()
        for process in list(drawer._pool._processes.values()):  # type: ignore[union-attr]
            process.kill()  # as the system would, out of memory
            process.join()
        with caplog.at_level(logging.WARNING, logger="reports.drawer"):
            pictures = drawer.draw(content, tmp_path, "png")
    assert [p.path.stat().st_size > 10_000 for p in pictures] == [True] * 3
    assert "the drawing process failed" in caplog.text
