"""``jobtrend demo``: the whole pipeline, offline, against a local job-board server.

Three boards (two Greenhouse, one Lever) on 127.0.0.1 change day by day: jobs open and close,
multimodal-LLM hiring grows, one board breaks for two days. Each simulated day is one scrape
with the clock frozen at that day, then the numbers are printed and charted.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from monitor.clock import Clock
from monitor.config import Config, load
from monitor.demo.server import BoardServer
from monitor.demo.shapes.greenhouse import greenhouse_job, set_greenhouse
from monitor.demo.shapes.lever import lever_posting, set_lever
from monitor.numbers.trends import Row, TrendQuery, trend
from monitor.pipeline import scrape
from monitor.storage.db import Database
from monitor.tagging import Tagger

# (title, description) pools by topic, English and Korean.
TOPICS: dict[str, list[tuple[str, str]]] = {
    "llm": [
        ("LLM Engineer", "Build retrieval and fine-tuning pipelines for large language models."),
        ("대규모 언어 모델 연구원", "LLM 사전학습과 평가 파이프라인을 개발합니다."),
        ("Applied Scientist, LLM", "Ship LLM-based features to millions of users."),
    ],
    "multimodal_llm": [
        ("Research Scientist, Multimodal LLM", "Train vision-language models (VLM) on video."),
        ("멀티모달 LLM 연구원", "비전 언어 모델과 멀티모달 LLM을 연구합니다."),
        ("VLM Engineer", "Serve vision-language models at scale."),
    ],
    "autonomous_driving": [
        (
            "Perception Engineer, Autonomous Driving",
            "Camera and lidar perception for self-driving.",
        ),
        ("자율주행 소프트웨어 엔지니어", "자율주행 차량의 판단 및 제어 알고리즘을 개발합니다."),
    ],
    "medical": [
        ("Medical Imaging ML Engineer", "Deep learning for CT and MRI in clinical workflows."),
        ("의료영상 AI 연구원", "의료 영상 판독 보조 AI를 개발합니다."),
    ],
    "other": [
        ("Backend Engineer", "Go and PostgreSQL services. Benefits: medical, dental and vision."),
        ("Product Designer", "Design the web app end to end."),
        ("데이터 엔지니어", "데이터 파이프라인을 구축합니다. 복지: 의료비 지원."),
        ("Account Executive", "Sell to enterprise customers in APAC."),
        ("프론트엔드 개발자", "React와 TypeScript로 서비스를 만듭니다."),
        ("Recruiter", "Hire great people."),
    ],
}


TEAMS = (
    "Search",
    "Ads",
    "Cloud",
    "Mobile",
    "Platform",
    "Maps",
    "Commerce",
    "검색",
    "광고",
    "커머스",
)


@dataclass
class DemoJob:
    id: int
    title: str
    description: str
    opened: date
    closes: date


def _market(days: int, start: date, seed: int = 7) -> dict[str, list[DemoJob]]:
    """Jobs per board with open/close days; multimodal hiring ramps up over the period."""
    rng = random.Random(seed)
    boards: dict[str, list[DemoJob]] = {"acme-ai": [], "medivision": [], "roadmind": []}
    weights = {
        "acme-ai": {"llm": 4, "multimodal_llm": 2, "other": 6},
        "medivision": {"medical": 4, "llm": 1, "multimodal_llm": 1, "other": 5},
        "roadmind": {"autonomous_driving": 4, "multimodal_llm": 1, "other": 4},
    }
    next_id = 1000
    for board, topic_weights in weights.items():
        for offset in range(-30, days):
            day = start + timedelta(days=offset)
            growth = 1 + max(offset, 0) / max(days, 1)
            for _ in range(rng.randint(1, 3)):
                topics = list(topic_weights)
                w = [
                    topic_weights[t] * (growth * 2 if t == "multimodal_llm" else 1) for t in topics
                ]
                topic = rng.choices(topics, weights=w)[0]
                title, description = rng.choice(TOPICS[topic])
                # Distinct teams make distinct jobs (the same title, company and city twice
                # is one job posted twice).
                title = f"{title}, {rng.choice(TEAMS)} {rng.randint(1, 40)}"
                next_id += 1
                boards[board].append(
                    DemoJob(
                        next_id, title, description, day, day + timedelta(days=rng.randint(10, 40))
                    )
                )
    return boards


def _publish(server: BoardServer, market: dict[str, list[DemoJob]], day: date) -> None:
    def open_on(jobs: list[DemoJob]) -> list[DemoJob]:
        return [job for job in jobs if job.opened <= day < job.closes]

    for board, company in (("acme-ai", "에이크미 AI"), ("medivision", "MediVision")):
        set_greenhouse(
            server,
            board,
            [
                greenhouse_job(
                    job.id,
                    job.title,
                    content_html=f"<p>{job.description}</p>",
                    first_published=f"{job.opened.isoformat()}T09:00:00+09:00",
                    company=company,
                )
                for job in open_on(market[board])
            ],
        )
    set_lever(
        server,
        "roadmind",
        [
            lever_posting(
                f"rm-{job.id}",
                job.title,
                description_html=f"<div>{job.description}</div>",
                created_at_ms=int(datetime.combine(job.opened, time(1), UTC).timestamp() * 1000),
                site="roadmind",
            )
            for job in open_on(market["roadmind"])
        ],
    )


def _write_config(out_dir: Path, server_url: str) -> Path:
    path = out_dir / "config.toml"
    db_path = (out_dir / "jobtrend.db").resolve()
    path.write_text(
        f"""# Written by `jobtrend demo`: three boards on a local test server.
timezone = "Asia/Seoul"

[database]
url = "sqlite:///{db_path}"

[http]
user_agent = "jobtrend-demo/0.1 (+mailto:demo@example.com)"
min_interval_s = 0
max_retries = 0

[[sources]]
name = "acme-ai"
kind = "greenhouse"
board = "acme-ai"
base_url = "{server_url}"

[[sources]]
name = "medivision"
kind = "greenhouse"
board = "medivision"
base_url = "{server_url}"

[[sources]]
name = "roadmind"
kind = "lever"
site = "roadmind"
base_url = "{server_url}"
""",
        encoding="utf-8",
    )
    return path


DEMO_TERMS = ("llm", "멀티모달 LLM", "autonomous_driving", "medical")


def run_demo(out_dir: Path, *, days: int = 21, echo: Callable[[str], Any] = print) -> list[Row]:
    """Simulate ``days`` days of scraping and write a chart; returns the weekly rows of
    ``DEMO_TERMS`` (the CLI prints them)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in ("jobtrend.db", "jobtrend.db-wal", "jobtrend.db-shm"):
        (out_dir / stale).unlink(missing_ok=True)
    echo(
        "jobtrend demo: scraping three simulated boards on a local test server "
        "(127.0.0.1, no internet needed)."
    )
    with BoardServer() as server:
        config: Config = load(_write_config(out_dir, server.url))
        db = Database(config.database_url)
        tagger = Tagger(config.tags)
        today = datetime.now(config.zone).date()
        start = today - timedelta(days=days - 1)
        market = _market(days, start)
        broken = {start + timedelta(days=days // 2), start + timedelta(days=days // 2 + 1)}
        for offset in range(days):
            day = start + timedelta(days=offset)
            clock = Clock(config.zone, datetime.combine(day, time(9), config.zone).astimezone(UTC))
            _publish(server, market, day)
            server.clear_faults()
            if day in broken:
                server.fault("/v0/postings/roadmind", "500")
            results = scrape(config, db, clock, tagger)
            summary = ", ".join(f"{r.name} {r.status} ({r.returned})" for r in results)
            echo(f"{day}: {summary}")
        clock = Clock(config.zone, datetime.combine(today, time(12), config.zone).astimezone(UTC))
        terms = list(DEMO_TERMS)
        query = TrendQuery(terms=terms, start=start, end=today, by="week")
        with db.session() as session:
            rows = trend(session, clock, config.tags, query)
        db.dispose()
    chart = _chart(rows, terms, out_dir / "demo-trend.png", clock)
    echo(f"chart: {chart}")
    echo(f"database: {out_dir / 'jobtrend.db'}")
    echo(f"try: jobtrend --config {out_dir / 'config.toml'} query VLM 로보틱스 --by day")
    return rows


def _chart(rows: list[Row], terms: list[str], path: Path, clock: Clock) -> Path:
    from monitor.numbers.periods import parse_bound
    from reports.charts import Point, Series, render_chart

    series = [
        Series(
            label=term,
            points=tuple(
                Point(
                    period=parse_bound(row.period, "period")[0],
                    value=row.share,
                    low=row.share_low,
                    high=row.share_high,
                    partial=row.partial,
                    too_few=row.too_few,
                )
                for row in rows
                if row.term == term
            ),
        )
        for term in terms
    ]
    return render_chart(
        series,
        path,
        title="jobtrend demo: 주제별 채용 비중 (share of all jobs)",
        metric="share",
        by="week",
        subtitle=f"simulated boards · as of {clock.today():%Y-%m-%d}",
    )
