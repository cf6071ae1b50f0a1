"""The report as HTML: ``index.html`` beside its images, and the e-mail's HTML part.

Every scraped string (titles, companies, places, source names) goes through ``esc``, and a
link is written only when ``safe_url`` accepts it (http or https, no spaces or control
characters); anything else is shown as text. Styles sit in one ``<style>`` block; the e-mail
inlines them (``inline_styles``) because many mail clients drop ``<style>``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from monitor.normalise import one_line
from monitor.numbers.listing import JobRow
from monitor.numbers.rising import RisingRow
from reports.content import ReportContent, TermReport
from reports.picture import DISPLAY_WIDTH, Picture
from reports.sparks import sparkline
from reports.words import words

_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\"'<>\\`]")

CSS = """
body { margin: 0; padding: 0; background: #f4f5f7; color: #1f2328;
  font-family: -apple-system, "Segoe UI", "Noto Sans KR", "Noto Sans CJK KR",
  "Apple SD Gothic Neo", "Malgun Gothic", sans-serif; font-size: 15px; line-height: 1.5; }
.page { max-width: 640px; margin: 0 auto; padding: 16px 20px 32px; background: #ffffff; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d8dde3; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
p { margin: 6px 0; }
.muted { color: #59636e; font-size: 13px; }
.note { background: #fff8e1; border-left: 4px solid #e69f00; padding: 8px 10px; font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th { text-align: left; font-weight: 600; color: #59636e; border-bottom: 1px solid #d8dde3;
  padding: 4px 6px; }
td { border-bottom: 1px solid #eef0f3; padding: 5px 6px; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
th.num { text-align: right; }
tr.figures td { border-bottom: none; padding-bottom: 0; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 6px; }
.spark { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; letter-spacing: 1px;
  font-size: 18px; line-height: 1.1; white-space: nowrap; }
img.chart { display: block; width: 100%; max-width: 600px; height: auto; margin: 8px 0; }
ul.jobs { margin: 4px 0 8px; padding-left: 18px; }
ul.jobs li { margin: 3px 0; }
a { color: #0a58ca; }
"""


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) link with a host and nothing that could break out."""
    if not url:
        return None
    url = url.strip()
    if _UNSAFE.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def change_text(term: TermReport, language: str) -> str:
    w = words(language)
    if term.change is None:
        return w["too_few"]
    sign = "+" if term.change > 0 else "−" if term.change < 0 else "±"
    return f"{sign}{abs(term.change):.1f}{w['pp']}"


def spark_text(values: Sequence[float | None], as_share: bool) -> tuple[str, str]:
    """The sparkline and the range it spans (it starts at zero)."""
    present = [v for v in values if v is not None]
    high = max(present) if present else 0.0
    return sparkline(values), (pct(high) if as_share else f"{high:.0f}")


def where(job: JobRow, language: str) -> str:
    bits = [job.location or job.country or ""]
    if job.remote and not bits[0]:
        bits = [words(language)["where_remote"]]
    return bits[0]


def job_line(job: JobRow, language: str) -> str:
    """``title · company · where · level`` on one line (scraped text made one line): a watch's
    job, in its digest and in the report's section."""
    w = words(language)
    level = w["entry"] if job.level == "entry" else w["experienced"] if job.level else ""
    bits = [one_line(job.title), one_line(job.company), one_line(where(job, language)), level]
    return " · ".join(bit for bit in bits if bit)


def job_item(job: JobRow, language: str) -> str:
    """A watch's job as an HTML list item: the title linked to its first http(s) link (text
    when it has none), then company, where and level."""
    link = next((u for u in (safe_url(url) for url in job.urls) if u), None)
    title = esc(one_line(job.title))
    head = f'<a href="{esc(link)}">{title}</a>' if link else title
    rest = esc(" · ".join(job_line(job, language).split(" · ")[1:]))
    return f'<li>{head}<br><span class="muted">{rest}</span></li>'


def render_html(
    content: ReportContent, pictures: Sequence[Picture], src: Callable[[Picture], str]
) -> str:
    """The whole page; ``src`` gives each picture's address (a file name, or ``cid:...``)."""
    w = words(content.language)
    period = content.period
    out: list[str] = []
    add = out.append
    add(f'<!DOCTYPE html>\n<html lang="{esc(content.language)}">\n<head>\n<meta charset="utf-8">')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add(f"<title>{esc(w['title'])} {esc(period.label)}</title>")
    add(f'<style>{CSS}</style>\n</head>\n<body>\n<div class="page">')
    add(f"<h1>{esc(w['title'])} · {esc(period.label)}</h1>")
    add(f'<p class="muted">{esc(w["intro"].format(start=period.start, end=period.end))}</p>')
    if content.troubled:
        add(f'<p class="note">{esc(w["health_note"])} ')
        add(", ".join(f"{esc(s.name)} ({esc(w[s.health or 'failing'])})" for s in content.troubled))
        add("</p>")

    add(f"<h2>{esc(w['summary'])}</h2>")
    add("<table>")
    add(
        f'<tr><th>{esc(w["term"])}</th><th class="num">{esc(w["active"])}</th>'
        f'<th class="num">{esc(w["share"])}</th><th class="num">{esc(w["new"])}</th>'
        f'<th class="num">{esc(w["change"])}</th><th>{esc(w["trend"])}</th></tr>'
    )
    for term in content.terms:
        this = term.this
        active = "–" if this is None else f"{this.active:.1f}"
        share = "–"
        new = "–" if this is None else str(this.new)
        spark, high = spark_text([r.share for r in term.rows], as_share=True)
        change = change_text(term, content.language)
        interval = ""
        if this is not None and this.share is not None:
            share = pct(this.share)
            low, high_share = pct(this.share_low), pct(this.share_high)
            interval = f'<br><span class="muted">{esc(low)}–{esc(high_share)}</span>'
        # The term's figures on one row, its 26 weeks on the full width of the next, so the
        # table fits a 600 px mail column.
        add(
            f'<tr class="figures"><td><span class="swatch" style="background:{esc(term.colour)}">'
            f"</span>{esc(term.label)}</td>"
            f'<td class="num">{esc(active)}</td><td class="num">{esc(share)}{interval}</td>'
            f'<td class="num">{esc(new)}</td><td class="num">{esc(change)}</td>'
            f"<td>{esc(w[term.trend or 'no_trend'])}</td></tr>"
        )
        add(
            f'<tr><td colspan="6"><span class="spark" style="color:{esc(term.colour)}" '
            f'title="{esc(w["sparkline"].format(high=high))}">{esc(spark)}</span> '
            f'<span class="muted">0–{esc(high)}</span></td></tr>'
        )
    add("</table>")
    for picture in pictures:
        if picture.name.startswith("share."):
            add(_img(picture, src))

    add(f"<h2>{esc(w['total'])}</h2>")
    add(f'<p class="muted">{esc(w["total_note"])}</p>')
    if content.totals:
        last = content.totals[-1]
        spark, high = spark_text([r.jobs_total for r in content.totals], as_share=False)
        add(
            f"<p><strong>{last.jobs_total:.0f}</strong> ({esc(last.period)}) "
            f'<span class="spark">{esc(spark)}</span> <span class="muted">0–{esc(high)}</span></p>'
        )
    for picture in pictures:
        if picture.name.startswith("active."):
            add(_img(picture, src))

    add(f"<h2>{esc(w['rising_words'])}</h2>")
    if content.rising:
        add(f'<p class="muted">{esc(w["rising_note"])}</p>')
        add(
            f"<table><tr><th>{esc(w['phrase'])}</th><th>{esc(w['share'].split(' (')[0])}</th>"
            f"<th>{esc(w['before'])}</th><th>{esc(w['ratio_low'])}</th>"
            f"<th>{esc(w['tag'])}</th></tr>"
        )
        for found in content.rising:
            add(
                f"<tr><td>{esc(found.phrase)}{alike_html(found)}</td>"
                f'<td class="num">{pct(found.share)}</td>'
                f'<td class="num">{pct(found.share_before)}</td>'
                f'<td class="num">{found.ratio_low:.1f}×</td>'
                f"<td>{esc(rising_tag(content, found))}</td></tr>"
            )
        add("</table>")
    else:
        add(f'<p class="muted">{esc(w["no_rising"])}</p>')

    add(f"<h2>{esc(w['regions'])}</h2>")
    add(
        f'<table><tr><th>{esc(w["term"])}</th><th class="num">{esc(w["kr"])}</th>'
        f'<th class="num">{esc(w["elsewhere"])}</th><th class="num">{esc(w["unknown"])}</th></tr>'
    )
    for term in content.terms:
        cells = []
        for region in ("kr", "elsewhere", "unknown"):
            row = next((r for r in term.regions[region] if r.period == period.label), None)
            if row is None:
                cells.append("–")
            elif region == "unknown":
                cells.append(f"{row.active:.1f}")
            else:
                share = w["too_few"] if row.too_few else pct(row.share)
                cells.append(f"{share} ({row.active:.1f})")
        add(
            f"<tr><td>{esc(term.label)}</td>"
            + "".join(f'<td class="num">{esc(c)}</td>' for c in cells)
            + "</tr>"
        )
    add("</table>")
    if content.region_kinds_differ:
        add(f'<p class="note">{esc(region_note(content))}</p>')
    for picture in pictures:
        if picture.name.startswith("regions."):
            add(_img(picture, src))

    add(f"<h2>{esc(w['levels'])}</h2>")
    add(
        f'<table><tr><th>{esc(w["term"])}</th><th class="num">{esc(w["entry"])}</th>'
        f'<th class="num">{esc(w["experienced"])}</th>'
        f'<th class="num">{esc(w["level_unknown"])}</th></tr>'
    )
    for term in content.terms:
        add(
            f"<tr><td>{esc(term.label)}</td>"
            + "".join(
                f'<td class="num">{term.levels[lv]:.1f}</td>'
                for lv in ("entry", "experienced", "unknown")
            )
            + "</tr>"
        )
    add("</table>")

    add(f"<h2>{esc(w['new_jobs'])}</h2>")
    for term in content.terms:
        add(f"<h3>{esc(term.label)}</h3>")
        if not term.new_jobs:
            add(f'<p class="muted">{esc(w["no_new_jobs"])}</p>')
            continue
        add('<ul class="jobs">')
        for job in term.new_jobs:
            url = next((u for u in (safe_url(u) for u in job.urls) if u), None)
            title = esc(job.title)
            link = f'<a href="{esc(url)}">{title}</a>' if url else title
            place = where(job, content.language)
            extra = " · ".join(esc(x) for x in (job.company, place) if x)
            add(f'<li>{link} <span class="muted">{extra}</span></li>')
        add("</ul>")

    if content.watches:
        add(f"<h2>{esc(w['watches'])}</h2>")
    for section in content.watches:
        add(f"<h3>{esc(section.name)}</h3>")
        intro = w["watch_intro"].format(watch=section.name, terms=", ".join(section.terms))
        add(f'<p class="muted">{esc(intro)}</p>')
        if not section.jobs:
            add(f'<p class="muted">{esc(w["no_watch_jobs"])}</p>')
            continue
        add('<ul class="jobs">')
        for job in section.jobs:
            add(job_item(job, content.language))
        add("</ul>")
    add(f"<h2>{esc(w['health'])}</h2>")
    if content.troubled:
        add(f"<p>{esc(w['health_note'])}</p><ul>")
        for s in content.troubled:
            add(f"<li>{esc(s.name)}: {esc(w[s.health or 'failing'])}</li>")
        add("</ul>")
    else:
        add(f"<p>{esc(w['health_ok'])}</p>")

    add(f"<h2>{esc(w['sources'])}</h2><ul>")
    for s in content.sources:
        credit = ""
        if s.attribution:
            url = safe_url(s.attribution_url)
            name = esc(s.attribution)
            linked = f'<a href="{esc(url)}">{name}</a>' if url else name
            credit = f" · {esc(w['attribution'])}: {linked}"
        add(f'<li>{esc(s.name)} <span class="muted">({esc(s.kind)}){credit}</span></li>')
    add("</ul>")
    generated = f"{content.generated_at:%Y-%m-%d %H:%M} UTC"
    add(f'<p class="muted">{esc(w["footer"].format(generated=generated))}</p>')
    add("</div>\n</body>\n</html>\n")
    return "\n".join(out)


def alike_html(row: RisingRow) -> str:
    """The phrases of the same jobs, after a rising phrase: " (+2)", hovering lists them."""
    if not row.alike:
        return ""
    listed = esc(", ".join(row.alike))
    return f' <span class="muted" title="{listed}">(+{len(row.alike)})</span>'


def rising_tag(content: ReportContent, row: RisingRow) -> str:
    """The tag a rising phrase falls under, in the report's language, or "not a tag"."""
    if row.tag is None:
        return words(content.language)["not_tag"]
    return content.tag_labels.get(row.tag, row.tag)


def region_note(content: ReportContent) -> str:
    w = words(content.language)

    def side(name: str) -> str:
        kinds = {
            w["kind_search"] if s.query_filtered else w["kind_board"]
            for s in content.sources
            if s.name in content.region_sources.get(name, ())
        }
        return ", ".join(sorted(kinds)) or "–"

    return w["region_note"].format(kr=side("kr"), abroad=side("elsewhere"))


def _img(picture: Picture, src: Callable[[Picture], str]) -> str:
    return (
        f'<img class="chart" src="{esc(src(picture))}" alt="{esc(picture.alt)}" '
        f'width="{DISPLAY_WIDTH}">'
    )


def inline_styles(page: str) -> str:
    """The page with its ``<style>`` rules moved into ``style`` attributes, for mail clients."""
    import css_inline

    return str(css_inline.inline(page))
