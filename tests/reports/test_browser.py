"""The report renders in a real browser: headless Chromium opens index.html."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.storage.db import Database
from tests.helpers import run_cli
from tests.reports.browser import Browser, find_browser
from tests.reports.conftest import NOW, report_config
from tests.runs import raw, run

CJK_FAMILIES = ("CJK", "KR", "Nanum", "Gothic", "Malgun", "Apple SD")


@pytest.fixture
def browser() -> Iterator[Browser]:
    binary = find_browser()
    if binary is None:
        reason = "no Chromium installed (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test, but there is {reason}")
        pytest.skip(reason)
    instance = Browser(binary)
    try:
        yield instance
    finally:
        instance.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_index_html_renders_with_images_and_korean_glyphs(
    history: Path, tmp_path: Path, browser: Browser
) -> None:
    out = tmp_path / "r"
    assert run_cli(history, "report", "--out", str(out), now=NOW).exit_code == 0
    browser.open((out / "index.html").as_uri())
    widths = browser.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
    assert len(widths) == 3 and all(w > 0 for w in widths), widths
    assert browser.evaluate("document.querySelector('h1').textContent").startswith("주간 채용 동향")

    browser.call("DOM.enable")
    browser.call("CSS.enable")
    root = browser.call("DOM.getDocument")["root"]["nodeId"]
    heading = browser.call("DOM.querySelector", nodeId=root, selector="h1")["nodeId"]
    fonts = browser.call("CSS.getPlatformFontsForNode", nodeId=heading)["fonts"]
    korean = [f for f in fonts if any(k in f["familyName"] for k in CJK_FAMILIES)]
    assert korean and sum(f["glyphCount"] for f in korean) >= 6, fonts
    browser.screenshot(tmp_path / "index.png")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_table_fits_a_600_px_mail_column(
    db: Database, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    """Mail clients show about 600 px: a table wider than the page hides its last columns
    (the change and the trend verdict) off the right edge. Half a year of weekly runs, so
    each sparkline has its 26 weeks."""
    for week in range(27):
        jobs = [
            raw("kr-llm", "LLM 엔지니어", country="KR", location="서울"),
            raw("kr-med", "의료 영상 연구원", country="KR", location="서울"),
            raw("kr-be", "백엔드 개발자", country="KR", location="서울"),
            raw(f"us-llm{week // 4}", "LLM Engineer", country="US", location="NYC"),
            raw("us-ae", "Account Executive", country="US", location="NYC"),
        ]
        run(db, 1 + 7 * week, jobs, source="board")
    config = report_config(tmp_path / "config.toml", database_url, tmp_path / "reports")
    out = tmp_path / "r"
    # Day 1 + 7 * 26 is Monday 2026-08-31: the last complete week is 2026-W35.
    now = "2026-09-01T10:00:00+09:00"
    assert run_cli(config, "report", "--out", str(out), now=now).exit_code == 0
    browser.open((out / "index.html").as_uri())
    browser.set_width(600)
    too_wide = browser.evaluate(
        """Array.from(document.querySelectorAll('table')).map(t => {
            const box = getComputedStyle(t.parentElement);
            const room = t.parentElement.clientWidth - parseFloat(box.paddingLeft)
                - parseFloat(box.paddingRight);
            return [t.rows[0].textContent, t.offsetWidth, room];
        }).filter(([, width, room]) => width > room)"""
    )
    assert too_wide == [], too_wide
    browser.screenshot(tmp_path / "index-600.png", width=600)
