"""The report as plain text: ``report.txt`` and the e-mail's text part, the same sections as
the HTML. Scraped strings are flattened to one line each, so a title cannot fake a section."""

from __future__ import annotations

import re

from monitor.numbers.listing import JobRow
from monitor.numbers.rising import RisingRow
from reports.content import ReportContent
from reports.html import (
    change_text,
    job_line,
    pct,
    region_note,
    rising_tag,
    safe_url,
    spark_text,
    where,
)
from reports.words import words

_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: object) -> str:
    return _BREAKS.sub(" ", "" if text is None else str(text)).strip()


def job_lines(job: JobRow, language: str, indent: str = "") -> list[str]:
    """A watch's job in plain text: its line, then each http(s) link on its own line."""
    lines = [f"{indent}- {job_line(job, language)}"]
    lines += [f"{indent}  {url}" for url in job.urls if safe_url(url)]
    return lines


def alike_text(row: RisingRow) -> str:
    """The phrases of the same jobs, after a rising phrase: " (+ context, model context)"."""
    return f" (+ {one_line(', '.join(row.alike))})" if row.alike else ""


def render_text(content: ReportContent) -> str:
    w = words(content.language)
    period = content.period
    lines: list[str] = []
    add = lines.append
    add(f"{w['title']} · {period.label}")
    add(w["intro"].format(start=period.start, end=period.end))
    if content.troubled:
        names = ", ".join(
            f"{one_line(s.name)} ({w[s.health or 'failing']})" for s in content.troubled
        )
        add(f"! {w['health_note']} {names}")
    add("")
    add(f"== {w['summary']} ==")
    for term in content.terms:
        this = term.this
        spark, high = spark_text([r.share for r in term.rows], as_share=True)
        if this is None:
            add(f"- {one_line(term.label)}: –")
            continue
        share = pct(this.share)
        if this.share is not None:
            share += f" ({pct(this.share_low)}–{pct(this.share_high)})"
        add(
            f"- {one_line(term.label)}: {w['active']} {this.active:.1f}, {w['share']} {share}, "
            f"{w['new']} {this.new}, {w['change']} {change_text(term, content.language)}, "
            f"{w['trend']} {w[term.trend or 'no_trend']}"
        )
        add(f"  {spark}  (0–{high})")
    add("")
    add(f"== {w['total']} ==")
    if content.totals:
        spark, high = spark_text([r.jobs_total for r in content.totals], as_share=False)
        add(f"{content.totals[-1].jobs_total:.0f}  {spark}  (0–{high})")
    add("")
    add(f"== {w['rising_words']} ==")
    if content.rising:
        add(w["rising_note"])
        for found in content.rising:
            add(
                f"- {one_line(found.phrase)}{alike_text(found)}: {pct(found.share)} ({w['before']} "
                f"{pct(found.share_before)}), {w['ratio_low']} {found.ratio_low:.1f}x, "
                f"{w['tag']} {one_line(rising_tag(content, found))}"
            )
    else:
        add(w["no_rising"])
    add("")
    add(f"== {w['regions']} ==")
    for term in content.terms:
        bits = []
        for region in ("kr", "elsewhere", "unknown"):
            row = next((r for r in term.regions[region] if r.period == period.label), None)
            if row is None:
                bits.append(f"{w[region]} –")
            elif region == "unknown":
                bits.append(f"{w[region]} {row.active:.1f}")
            else:
                share = w["too_few"] if row.too_few else pct(row.share)
                bits.append(f"{w[region]} {share} ({row.active:.1f})")
        add(f"- {one_line(term.label)}: " + "; ".join(bits))
    if content.region_kinds_differ:
        add(region_note(content))
    add("")
    add(f"== {w['levels']} ==")
    for term in content.terms:
        levels = term.levels
        add(
            f"- {one_line(term.label)}: {w['entry']} {levels['entry']:.1f}, "
            f"{w['experienced']} {levels['experienced']:.1f}, "
            f"{w['level_unknown']} {levels['unknown']:.1f}"
        )
    add("")
    add(f"== {w['new_jobs']} ==")
    for term in content.terms:
        add(f"{one_line(term.label)}:")
        if not term.new_jobs:
            add(f"  {w['no_new_jobs']}")
        for job in term.new_jobs:
            url = next((u for u in (safe_url(u) for u in job.urls) if u), None)
            place = where(job, content.language)
            extra = " · ".join(one_line(x) for x in (job.company, place) if x)
            add(f"  - {one_line(job.title)} ({extra})")
            if url:
                add(f"    {url}")
    add("")
    if content.watches:
        add(f"== {w['watches']} ==")
    for section in content.watches:
        terms = ", ".join(one_line(term) for term in section.terms)
        add(one_line(w["watch_intro"].format(watch=section.name, terms=terms)))
        if not section.jobs:
            add(f"  {w['no_watch_jobs']}")
        for job in section.jobs:
            lines.extend(job_lines(job, content.language, indent="  "))
    if content.watches:
        add("")
    add(f"== {w['health']} ==")
    if content.troubled:
        for s in content.troubled:
            add(f"- {one_line(s.name)}: {w[s.health or 'failing']}")
    else:
        add(w["health_ok"])
    add("")
    add(f"== {w['sources']} ==")
    for s in content.sources:
        credit = ""
        if s.attribution:
            credit = f" · {w['attribution']}: {s.attribution} {safe_url(s.attribution_url) or ''}"
        add(f"- {one_line(s.name)} ({s.kind}){credit.rstrip()}")
    add("")
    generated = f"{content.generated_at:%Y-%m-%d %H:%M} UTC"
    add(w["footer"].format(generated=generated))
    return "\n".join(lines) + "\n"
