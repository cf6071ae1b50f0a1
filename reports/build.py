"""Writing a report to a folder: ``index.html`` with its charts beside it, ``report.txt`` and
``report.eml`` (the message ``--send`` mails); and the archive page listing every week kept."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from monitor.errors import UsageError
from reports.content import ReportContent
from reports.drawer import Drawer
from reports.email import build_message
from reports.html import CSS, esc, render_html
from reports.picture import Picture
from reports.text import render_text
from reports.words import words

log = logging.getLogger(__name__)

WEEK_DIR = re.compile(r"^\d{4}-W\d{2}$")


@dataclass(frozen=True)
class BuiltReport:
    folder: Path
    index: Path
    text: Path
    eml: Path
    pictures: tuple[Picture, ...]
    message: EmailMessage
    content: ReportContent


def write_report(
    content: ReportContent,
    folder: Path,
    *,
    sender: str,
    to: Sequence[str],
    fmt: str = "png",
    svg_copies: bool = False,
    drawer: Drawer | None = None,
) -> BuiltReport:
    """Write the report into ``folder``; ``svg_copies`` also draws each chart as SVG beside
    it (for slides and print: scalable, its Korean drawn as paths, so no font is needed).
    The charts are drawn by ``drawer`` (``reports.drawer``) when given, else here."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"The report folder {folder} cannot be created: {exc.strerror}.") from None
    drawer = drawer or Drawer.here()
    pictures = tuple(drawer.draw(content, folder, fmt))
    if svg_copies and fmt != "svg":
        drawer.draw(content, folder, "svg")
    index = folder / "index.html"
    index.write_text(render_html(content, pictures, lambda p: p.name), encoding="utf-8")
    text = folder / "report.txt"
    text.write_text(render_text(content), encoding="utf-8")
    message = build_message(content, pictures, sender=sender or "jobtrend@localhost", to=to)
    eml = folder / "report.eml"
    eml.write_bytes(message.as_bytes())
    log.info("wrote report %s to %s", content.period.label, folder)
    return BuiltReport(folder, index, text, eml, pictures, message, content)


def write_archive(root: Path, language: str) -> Path:
    """``root/index.html``: every week folder kept under ``root``, newest first."""
    w = words(language)
    weeks = sorted(
        (p.name for p in root.iterdir() if p.is_dir() and WEEK_DIR.match(p.name)), reverse=True
    )
    items = "\n".join(
        f'<li><a href="{esc(week)}/index.html">{esc(week)}</a></li>'
        for week in weeks
        if (root / week / "index.html").is_file()
    )
    page = (
        f'<!DOCTYPE html>\n<html lang="{esc(language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(w['title'])}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<div class="page">\n<h1>{esc(w["title"])}</h1>\n<ul>\n{items}\n</ul>\n</div>\n'
        "</body>\n</html>\n"
    )
    path = root / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
