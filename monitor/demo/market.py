"""The market served: every board of a ``Market`` on one BoardServer, as of one day.

``publish(server, market, offset)`` replaces every board's payload with what it lists on day
``offset``, in the real shape of its kind (Greenhouse, Lever, Ashby, Hacker News through
Algolia, Wanted, Jumpit, Saramin, a JSON-LD career page, a We Work Remotely RSS feed), and
breaks the boards the market's ``Faults`` say are broken that day.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any

from monitor.demo.model import ZONE, Job, Market, Posting
from monitor.demo.server import BoardServer
from monitor.demo.shapes import (
    ashby,
    greenhouse,
    hn,
    jsonld,
    jumpit,
    lever,
    rss,
    saramin,
    wanted,
)

SARAMIN_KEY = "demo-saramin-key"
SARAMIN_KEY_ENV = "JOBTREND_DEMO_SARAMIN_KEY"
WANTED_TAG = 518  # 개발
JUMPIT_CATEGORY = 12  # 인공지능/머신러닝
SARAMIN_MID = 2  # IT개발·데이터
HN_THREAD_BASE = 47000000


def install(server: BoardServer) -> None:
    """Add the routes of every kind the market serves (Greenhouse and Lever are built in)."""
    for shape in (ashby, hn, jsonld, jumpit, rss, saramin, wanted):
        shape.install(server)


def sources(market: Market, url: str) -> list[dict[str, Any]]:
    """The ``[[sources]]`` tables that read the market's boards from ``url``."""
    out: list[dict[str, Any]] = []
    for board in market.boards.values():
        table: dict[str, Any] = {"name": board.name, "kind": board.kind}
        if board.kind in ("greenhouse", "ashby"):
            table |= {"board": board.key, "base_url": url}
        elif board.kind == "lever":
            table |= {"site": board.key, "base_url": url}
        if board.company and board.kind in ("lever", "ashby"):
            table["company"] = board.company  # their payloads carry no company name
        elif board.kind == "hn":
            table |= {"base_url": url}
        elif board.kind == "wanted":
            table |= {"tag_type_ids": [WANTED_TAG], "base_url": f"{url}/{board.key}"}
        elif board.kind == "jumpit":
            table |= {"job_category": JUMPIT_CATEGORY, "base_url": f"{url}/{board.key}"}
        elif board.kind == "saramin":
            table |= {"key_env": SARAMIN_KEY_ENV, "job_mid_cd": [SARAMIN_MID], "base_url": url}
        elif board.kind == "jsonld":
            table |= {"url": jsonld.PREFIX.join((url, board.key))}
        elif board.kind == "rss":
            table |= {"url": f"{url}/{board.key}/remote-jobs.rss"}
        out.append(table)
    return out


def publish(server: BoardServer, market: Market, offset: int) -> None:
    """Serve every board as it is on day ``offset``, its faults included."""
    server.clear_faults()
    for board in market.boards.values():
        if board.kind == "hn":
            _hn(server, market, offset)
            continue
        state = market.faults.state(board.name, offset)
        postings = [] if state == "empty" else market.listed(board.name, offset)
        PUBLISHERS[board.kind](server, board.key, postings)
        prefix = _prefix(board.kind, board.key)
        injected = market.faults.injected.get((board.name, offset))
        if injected is not None:
            server.fault(prefix, injected[0], **injected[1])
        elif state in ("error", "gone"):
            server.fault(prefix, "500" if state == "error" else "status", status=404)


def _prefix(kind: str, key: str) -> str:
    return {
        "greenhouse": f"/v1/boards/{key}/",
        "lever": f"/v0/postings/{key}",
        "ashby": f"/posting-api/job-board/{key}",
        "wanted": f"/{key}/",
        "jumpit": f"/{key}/",
        "saramin": "/job-search",
        "jsonld": f"{jsonld.PREFIX}{key}",
        "rss": f"/{key}/",
    }[kind]


# --- texts -----------------------------------------------------------------------------------


def _role_html(job: Job) -> str:
    heading = "주요업무" if job.korean else "What you will do"
    items = "".join(f"<li>{html.escape(line)}</li>" for line in job.role_text)
    return f"<h3>{heading}</h3><ul>{items}</ul>"


def _boiler_html(job: Job) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in job.boiler)


def _html(job: Job) -> str:
    return _role_html(job) + _boiler_html(job)


def _local(instant: datetime) -> datetime:
    return instant.astimezone(ZONE)


def _years(job: Job) -> str:
    return "신입" if job.level == "entry" else f"경력 {job.years_min}년↑"


# --- one publisher per kind ------------------------------------------------------------------


def _greenhouse(server: BoardServer, key: str, postings: list[Posting]) -> None:
    greenhouse.set_greenhouse(
        server,
        key,
        [
            greenhouse.greenhouse_job(
                int(p.external_id),
                p.job.title,
                content_html=_html(p.job),
                location=p.job.city,
                first_published=_local(p.posted_at).isoformat(),
                company=p.job.company,
            )
            for p in postings
        ],
    )


def _lever(server: BoardServer, key: str, postings: list[Posting]) -> None:
    lever.set_lever(
        server,
        key,
        [
            lever.lever_posting(
                f"{key}-{p.external_id}",
                p.job.title,
                description_html=_role_html(p.job),
                additional_html=_boiler_html(p.job),
                location=p.job.city,
                created_at_ms=int(p.posted_at.timestamp() * 1000),
                country=p.job.country,
                site=key,
            )
            for p in postings
        ],
    )


def _ashby(server: BoardServer, key: str, postings: list[Posting]) -> None:
    countries = {"US": "United States", "GB": "United Kingdom", "DE": "Germany"}
    ashby.set_ashby(
        server,
        key,
        [
            ashby.ashby_job(
                f"{key}-{p.external_id}",
                p.job.title,
                description_html=_html(p.job),
                location=p.job.city,
                country=countries.get(p.job.country, p.job.country),
                published_at=p.posted_at.isoformat(timespec="milliseconds"),
                board=key,
            )
            for p in postings
        ],
    )


def _wanted(server: BoardServer, key: str, postings: list[Posting]) -> None:
    jobs = []
    for p in postings:
        city, _, district = p.job.city.partition(" ")
        jobs.append(
            wanted.wanted_job(
                int(p.external_id),
                p.job.title,
                company=p.job.company,
                location=city,
                district=district,
                main_tasks="\n".join(p.job.role_text),
                benefits="\n".join(p.job.boiler),
                tag_ids=(WANTED_TAG, 1634),
                annual_from=p.job.years_min,
                annual_to=p.job.years_max or 10,
                is_newbie=p.job.level == "entry",
            )
        )
    wanted.set_wanted(server, key, jobs)


def _jumpit(server: BoardServer, key: str, postings: list[Posting]) -> None:
    jumpit.set_jumpit(
        server,
        key,
        [
            jumpit.jumpit_position(
                int(p.external_id),
                p.job.title,
                company=p.job.company,
                locations=(p.job.city,),
                categories=((JUMPIT_CATEGORY, "인공지능/머신러닝"),),
                closed_at=None,
                always_open=True,
                published_at=_local(p.posted_at).strftime("%Y-%m-%d %H:%M:%S"),
                responsibility="\n".join(p.job.role_text),
                welfares="\n".join(p.job.boiler),
                min_career=p.job.years_min,
                max_career=p.job.years_max or 10,
            )
            for p in postings
        ],
    )


def _saramin(server: BoardServer, key: str, postings: list[Posting]) -> None:
    jobs = []
    for p in postings:
        city, _, district = p.job.city.partition(" ")
        entry = p.job.level == "entry"
        jobs.append(
            saramin.saramin_job(
                int(p.external_id),
                p.job.title,
                company=p.job.company,
                location=f"{city} > {district}",
                posted=int(p.posted_at.timestamp()),
                close_type=3,
                job_mid=(str(SARAMIN_MID), "IT개발·데이터"),
                experience=_years(p.job),
                experience_code=1 if entry else 2,
                years=(0, 0) if entry else (p.job.years_min, 0),
            )
        )
    saramin.set_saramin(server, SARAMIN_KEY, jobs)


def _jsonld(server: BoardServer, key: str, postings: list[Posting]) -> None:
    items = []
    for p in postings:
        items.append(
            jsonld.job_posting(
                p.job.title,
                identifier=p.external_id,
                company=p.job.company + " Inc.",
                locality=p.job.city,
                country=p.job.country,
                date_posted=_local(p.posted_at).date().isoformat(),
                description_html=_html(p.job),
                url=f"https://careers.nuri.example/jobs/{p.external_id}",
            )
        )
    jsonld.set_jsonld(server, key, items, title="누리 AI 채용")


def _rss(server: BoardServer, key: str, postings: list[Posting]) -> None:
    rss.set_rss(
        server,
        key,
        [
            rss.wwr_item(
                p.job.company,
                p.job.title,
                description_html=_html(p.job),
                published=p.posted_at,
            )
            for p in postings
        ],
    )


def _hn(server: BoardServer, market: Market, offset: int) -> None:
    server.boards["hn"] = {}
    for month, postings in market.hn_threads(offset).items():
        comments = [
            hn.hn_comment(
                int(p.external_id),
                hn.hn_text(
                    html.escape(f"{p.job.company} | {p.job.title} | REMOTE | Full-time"),
                    *(html.escape(line) for line in p.job.role_text + p.job.boiler),
                ),
                created_at=p.posted_at.isoformat(),
                author=f"hiring{int(p.external_id) % 97}",
            )
            for p in postings
        ]
        thread = HN_THREAD_BASE + month.year * 12 + month.month
        created = datetime.combine(month, time(15), UTC).isoformat()
        hn.set_hn(server, thread, comments, month=f"{month:%Y-%m}", created_at=created)


PUBLISHERS: dict[str, Callable[[BoardServer, str, list[Posting]], None]] = {
    "greenhouse": _greenhouse,
    "lever": _lever,
    "ashby": _ashby,
    "wanted": _wanted,
    "jumpit": _jumpit,
    "saramin": _saramin,
    "jsonld": _jsonld,
    "rss": _rss,
}
