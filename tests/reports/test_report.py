"""`jobtrend report`: the files a reader opens, and what the numbers in them say."""

from __future__ import annotations

import re
import struct
from email import message_from_bytes, policy
from pathlib import Path

from tests.helpers import run_cli
from tests.reports.conftest import NOW, WEEK


def png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def test_report_out_writes_page_charts_text_and_message(history: Path, tmp_path: Path) -> None:
    out = tmp_path / "r"
    result = run_cli(history, "report", "--out", str(out), now=NOW)
    assert result.exit_code == 0, result.output
    assert f"wrote the {WEEK} report" in result.output
    page = (out / "index.html").read_text(encoding="utf-8")
    for name in ("share.png", "active.png", "regions.png"):
        assert f'src="{name}"' in page
        width, _height = png_size(out / name)
        assert width == 1200  # twice the 600 px column
    assert "주간 채용 동향" in page and "의료" in page and "Kubernetes" in page
    assert "medical" not in re.sub(r"<[^>]+>", "", page)  # labels, never keys
    text = (out / "report.txt").read_text(encoding="utf-8")
    for section in ("이번 주 요약", "한국 vs 해외", "경력 수준", "이번 주 신규 공고", "수집 상태"):
        assert section in text
    # LLM has enough jobs for a change in points; Kubernetes (no jobs) is "too few".
    llm = next(line for line in text.splitlines() if line.startswith("- LLM:"))
    assert re.search(r"지난 4주 대비 [+−±]\d+\.\d%p", llm)
    # Six weeks of history are too few for the 26-week verdict (it needs 8 complete weeks).
    assert llm.endswith("26주 추세 판단 불가 (자료 부족)")
    assert "<th>26주 추세</th>" in page
    none = next(line for line in text.splitlines() if line.startswith("- Kubernetes:"))
    assert "표본 부족" in none or none.endswith("–")
    message = message_from_bytes((out / "report.eml").read_bytes(), policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"


def test_svg_copies_beside_the_pngs(history: Path, tmp_path: Path) -> None:
    out = tmp_path / "r"
    result = run_cli(history, "report", "--out", str(out), "--dry-run", "--svg", now=NOW)
    assert result.exit_code == 0, result.output
    for name in ("share", "active", "regions"):
        svg = (out / f"{name}.svg").read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
        assert "<text" not in svg  # glyphs drawn as paths: Korean needs no font where it opens
        assert (out / f"{name}.png").is_file()
    page = (out / "index.html").read_text(encoding="utf-8")
    assert ".svg" not in page  # the page and the mail keep the PNGs


def test_english_report(history: Path, tmp_path: Path) -> None:
    result = run_cli(history, "report", "--out", str(tmp_path / "en"), "--lang", "en", now=NOW)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "en" / "report.txt").read_text(encoding="utf-8")
    assert "Weekly hiring trends" in text and "Medical" in text and "Korea" in text


def test_hostile_titles_and_urls_are_harmless(history: Path, tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert run_cli(history, "report", "--out", str(out), now=NOW).exit_code == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "LLM Engineer&quot; onerror=&quot;alert(1)" in page  # shown, escaped
    assert "<script" not in page.lower()
    assert "<img src=x" not in page and 'onerror="' not in page
    assert "javascript:" not in page.lower()
    text = (out / "report.txt").read_text(encoding="utf-8")
    assert "javascript:" not in text
    hostile = [line for line in text.splitlines() if "onerror" in line]
    assert hostile and all(line.startswith("  - ") for line in hostile)  # one line each
    raw = (out / "report.eml").read_bytes()
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Bcc"] is None and message["X-Injected"] is None
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert b"victim" not in headers and b"Injected" not in headers
    html = message.get_body(("html",))
    assert html is not None and "javascript:" not in html.get_content().lower()


def test_dry_run_writes_a_temporary_folder_and_records_nothing(history: Path) -> None:
    result = run_cli(history, "report", "--dry-run", "--send", now=NOW)
    assert result.exit_code == 0, result.output
    folder = Path(re.search(r"report to (\S+)index\.html", result.output.replace("\n", ""))[1])
    assert (folder / "index.html").is_file() and (folder / "report.eml").is_file()
    assert "nothing mailed" in result.output
    status = run_cli(history, "status", "--json", now=NOW)
    assert '"last_sent_period": null' in status.stdout


def test_default_folder_keeps_an_archive_newest_first(history: Path, tmp_path: Path) -> None:
    for week in ("2026-W14", WEEK):
        result = run_cli(history, "report", "--period", week, now=NOW)
        assert result.exit_code == 0, result.output
    root = tmp_path / "reports"
    assert (root / "2026-W14" / "index.html").is_file()
    archive = (root / "index.html").read_text(encoding="utf-8")
    assert archive.index("2026-W15/index.html") < archive.index("2026-W14/index.html")


def test_a_bad_period_is_one_sentence(history: Path) -> None:
    result = run_cli(history, "report", "--period", "2026-05", now=NOW)
    assert result.exit_code == 2
    assert "not an ISO week" in result.output and "Traceback" not in result.output
