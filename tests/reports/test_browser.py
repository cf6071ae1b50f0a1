"""The report renders in a real browser: headless Chromium opens index.html."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.reports.browser import Browser, find_browser
from tests.reports.conftest import NOW

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
