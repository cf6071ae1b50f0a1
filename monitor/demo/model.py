"""A seeded, deterministic job market: companies, jobs and the postings that carry them, day by day.

The market knows its own truth: every job is generated with a topic (the tags it really has),
a country, a level, and the days each of its postings is listed on each board. The boards serve
it (``monitor.demo.market``) and the truth check (``monitor.demo.truth``) counts it; neither
the model nor the check uses the project's counting, matching or de-duplication code.

What it is made to show (the story a multimodal-LLM researcher reads in the job market):

- LLM is high and rising; multimodal LLM is rare (a few percent) but rising from a small base;
  autonomous driving and medical stay steady.
- A technology on the rise: LLM jobs ask for agent tools on MCP more and more in the last weeks
  (``jobtrend trending`` finds it; it is no tag of its own).
- Benefits and equal-opportunity lines that mention "medical" (or 의료) sit on many postings of
  every topic; they never make a job medical.
- Entry-level openings (신입, 0 years, new grad) and experienced ones, in the boards' structured
  fields where a board has them and in titles elsewhere.
- Reposts (a closed job posted again under a new id after a short gap), cross-board duplicates
  (one Korean job on Wanted and Jumpit, one company's jobs on Greenhouse and its career page),
  a board that breaks for a week (two empty days, then 500s) and one that dies (404 for good).

Days are counted from ``start`` (day 0, a Monday). Every board is scraped once a day at
``SCRAPE_HOUR`` local time (Asia/Seoul), or every ``every`` days.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Seoul")
SCRAPE_HOUR = 9
TOPICS = ("llm", "multimodal_llm", "autonomous_driving", "medical", "other")
# The tags a job of each topic really has: a multimodal LLM job is an LLM job too.
TAGS_OF_TOPIC: dict[str, frozenset[str]] = {
    "llm": frozenset({"llm"}),
    "multimodal_llm": frozenset({"multimodal_llm", "llm"}),
    "autonomous_driving": frozenset({"autonomous_driving"}),
    "medical": frozenset({"medical"}),
    "other": frozenset(),
}
TAGS = ("llm", "multimodal_llm", "autonomous_driving", "medical")
HISTORY_DAYS = 45  # jobs open before day 0, so that boards are full on the first scrape


@dataclass(frozen=True)
class Board:
    """One configured source: its jobtrend kind, the key the server serves it under."""

    name: str
    kind: str
    key: str
    korean: bool  # Korean titles and places
    size: int  # open jobs it holds on a typical day
    every: int = 1  # scraped every N days
    company: str | None = None  # a company's own board; None: many companies
    weights: dict[str, float] = field(default_factory=dict)  # topic multipliers

    @property
    def dated(self) -> bool:
        """Whether the board says when a posting was posted (Wanted's listing does not)."""
        return self.kind != "wanted"


@dataclass
class Posting:
    """One posting of one job on one board, listed on days ``opens`` <= d < ``closes``."""

    board: str
    external_id: str
    job: Job
    opens: int
    closes: int
    posted_at: datetime  # what the board says (UTC)
    thread_month: date | None = None  # Hacker News: the thread's month (it closes at its end)


@dataclass
class Job:
    id: int
    topic: str
    company: str
    title: str
    country: str  # ISO code, or "remote"
    city: str
    korean: bool
    level: str  # entry | experienced
    years_min: int
    years_max: int | None
    role_text: list[str]  # responsibilities and requirements
    boiler: list[str]  # benefits and equal-opportunity lines
    postings: list[Posting] = field(default_factory=list)

    @property
    def tags(self) -> frozenset[str]:
        return TAGS_OF_TOPIC[self.topic]


# --- vocabulary ----------------------------------------------------------------------------

ROLES: dict[str, dict[bool, list[str]]] = {
    "llm": {
        False: ["LLM Engineer", "Applied Scientist, LLM", "LLM Inference Engineer"],
        True: ["LLM 엔지니어", "대규모 언어 모델 연구원", "LLM 서비스 개발자"],
    },
    "multimodal_llm": {
        False: ["Research Scientist, Multimodal LLM", "VLM Engineer"],
        True: ["멀티모달 LLM 연구원", "비전 언어 모델 엔지니어"],
    },
    "autonomous_driving": {
        False: ["Autonomous Driving Perception Engineer", "Self-Driving Planning Engineer"],
        True: ["자율주행 소프트웨어 엔지니어", "자율주행 인지 개발자"],
    },
    "medical": {
        False: ["Medical Imaging ML Engineer", "Clinical Data Scientist"],
        True: ["의료영상 AI 연구원", "의료 AI 소프트웨어 엔지니어"],
    },
    "other": {
        False: [
            "Backend Engineer",
            "Frontend Engineer",
            "Data Engineer",
            "Product Designer",
            "Site Reliability Engineer",
            "Account Executive",
            "Recruiter",
            "Computer Vision Engineer",
        ],
        True: [
            "백엔드 개발자",
            "프론트엔드 개발자",
            "데이터 엔지니어",
            "프로덕트 디자이너",
            "DevOps 엔지니어",
            "서비스 기획자",
            "인사 담당자",
            "컴퓨터 비전 엔지니어",
        ],
    },
}
# The rising technology's line (``Market._rising_skill``), English and Korean.
RISING_SKILL = {
    False: "Build agent tools on the Model Context Protocol (MCP)",
    True: "MCP(Model Context Protocol) 기반 에이전트 도구 개발",
}
ROLE_TEXT: dict[str, dict[bool, list[str]]] = {
    "llm": {
        False: [
            "Fine-tune and evaluate large language models for our products.",
            "Build retrieval-augmented generation pipelines and LLM serving.",
        ],
        True: ["LLM 사전학습과 파인튜닝 파이프라인을 개발합니다.", "LLM 기반 서비스를 설계합니다."],
    },
    "multimodal_llm": {
        False: [
            "Train vision-language models on images and video.",
            "Research multimodal LLM pretraining and evaluation.",
        ],
        True: ["멀티모달 LLM을 연구하고 학습합니다.", "비전 언어 모델의 평가 체계를 만듭니다."],
    },
    "autonomous_driving": {
        False: [
            "Camera and lidar perception for autonomous driving.",
            "Motion planning for self-driving vehicles.",
        ],
        True: [
            "자율주행 차량의 인지 알고리즘을 개발합니다.",
            "자율주행 판단 및 제어를 개발합니다.",
        ],
    },
    "medical": {
        False: [
            "Deep learning for CT and MRI in clinical workflows.",
            "Build models on hospital data with our radiology partners.",
        ],
        True: ["의료 영상 판독 보조 AI를 개발합니다.", "임상 데이터를 분석하는 모델을 만듭니다."],
    },
    "other": {
        False: [
            "Build and operate services in Go and PostgreSQL.",
            "Own features end to end with the product team.",
            "Design data pipelines and dashboards.",
        ],
        True: [
            "Go와 PostgreSQL로 서비스를 만들고 운영합니다.",
            "제품 팀과 함께 기능을 처음부터 끝까지 만듭니다.",
            "데이터 파이프라인과 대시보드를 설계합니다.",
        ],
    },
}
# Benefit and equal-opportunity lines on postings of every topic. Some say "medical" or 의료
# in ways that a plain alias match takes for the medical domain; none makes a job medical.
BOILER: dict[bool, list[str]] = {
    False: [
        "Benefits: medical, dental and vision insurance for you and your family.",
        "We provide comprehensive medical coverage and a learning budget.",
        "We are an equal opportunity employer and do not discriminate on the basis of race, "
        "religion, sex, national origin, disability, medical condition or genetic information.",
    ],
    True: [
        "복리후생: 의료비 지원, 건강검진, 자기계발비",
        "복지: 임직원 및 가족 의료 지원 프로그램, 유연근무제",
        "복리후생: 통신비 지원, 도서 구입비",
    ],
}
TEAMS = ("Search", "Ads", "Cloud", "Mobile", "Platform", "Maps", "Commerce", "Core", "Growth")
TEAMS_KO = ("검색", "광고", "클라우드", "모바일", "플랫폼", "지도", "커머스", "코어", "그로스")

KR_COMPANIES = (
    "뉴로클",
    "라온 AI",
    "한빛로보틱스",
    "모아데이터",
    "세이지랩",
    "오로라모빌리티",
    "메디포인트",
    "지니어스랩",
)
KR_CITIES = (("서울", "강남구"), ("서울", "서초구"), ("경기", "성남시"))
ABROAD = (
    ("San Francisco, CA", "US"),
    ("New York, NY", "US"),
    ("London, United Kingdom", "GB"),
    ("Berlin, Germany", "DE"),
)
HN_COMPANIES = ("Orbital", "Lumen Labs", "Quill", "Tessera", "Northwind AI", "Kestrel")
WWR_COMPANIES = ("Remotely Inc", "Atlas Works", "Bluefin", "Cobalt Data", "Driftwood")


def topic_weights(t: float) -> dict[str, float]:
    """The share of each topic among new jobs at time ``t`` (0 at day 0, 1 at the end)."""
    multimodal = 0.012 + 0.04 * t
    llm = 0.15 + 0.10 * t
    return {
        "llm": llm,
        "multimodal_llm": multimodal,
        "autonomous_driving": 0.09,
        "medical": 0.07,
        "other": 1.0 - llm - multimodal - 0.16,
    }


def default_boards() -> tuple[Board, ...]:
    """The demo's boards: company boards abroad and in Korea, Korean job sites, HN, a feed."""
    return (
        Board("acme-ai", "greenhouse", "acme-ai", False, 36, company="Acme AI"),
        Board("nuri-ai", "greenhouse", "nuri-ai", True, 20, company="Nuri AI"),
        Board("nuri-careers", "jsonld", "nuri/careers", True, 20, every=2, company="Nuri AI Inc."),
        Board(
            "roadmind",
            "lever",
            "roadmind",
            True,
            20,
            company="RoadMind",
            weights={"autonomous_driving": 3.0},
        ),
        Board(
            "medivision",
            "ashby",
            "medivision",
            False,
            14,
            company="MediVision",
            weights={"medical": 5.0},
        ),
        Board("hn-hiring", "hn", "hn", False, 0, every=2),
        Board("wanted-ai", "wanted", "wanted", True, 34),
        Board("jumpit-ai", "jumpit", "jumpit", True, 18, every=2),
        Board("saramin-it", "saramin", "saramin", True, 26, every=3),
        Board("wwr-remote", "rss", "wwr", False, 20, every=3),
    )


@dataclass
class Faults:
    """The health story: ``broken`` serves nothing on ``empty_days``, then 500s on
    ``error_days``; ``dead`` answers 404 from ``dies_on`` on. ``injected`` adds one BoardServer
    fault on a board's day: ``(board, day) -> (kind, params)`` (see ``BoardServer.fault``);
    every kind fails that run except ``slow``, which only delays it."""

    broken: str
    empty_days: frozenset[int]
    error_days: frozenset[int]
    dead: str
    dies_on: int
    injected: dict[tuple[str, int], tuple[str, dict[str, Any]]] = field(default_factory=dict)

    def state(self, board: str, day: int) -> str:
        """ok | empty | error | gone."""
        injected = self.injected.get((board, day))
        if injected is not None and injected[0] != "slow":
            return "error"
        if board == self.dead and day >= self.dies_on:
            return "gone"
        if board == self.broken and day in self.empty_days:
            return "empty"
        if board == self.broken and day in self.error_days:
            return "error"
        return "ok"


class Market:
    """The whole market over ``days`` days from ``start`` (a Monday), seeded."""

    def __init__(
        self,
        start: date,
        days: int,
        *,
        seed: int = 6,
        boards: tuple[Board, ...] | None = None,
    ) -> None:
        self.start = start
        self.days = days
        self.seed = seed
        self.rng = random.Random(seed)
        self.boards = {b.name: b for b in (boards or default_boards())}
        self.jobs: list[Job] = []
        self._titles: set[tuple[str, str]] = set()
        break_at = max(2, days // 2)
        self.faults = Faults(
            broken="roadmind",
            empty_days=frozenset({break_at, break_at + 1}),
            error_days=frozenset(range(break_at + 2, break_at + 7)),
            dead="wwr-remote",
            dies_on=max(1, days // 4),
        )
        self._next_id = 1000
        for board in self.boards.values():
            # One stream per board: a board's jobs do not depend on the others (nor on the
            # calendar, which only Hacker News's monthly threads follow).
            self.rng = random.Random(f"{seed}:{board.name}")
            if board.kind == "hn":
                self._hn(board)
            elif board.name not in ("nuri-careers", "jumpit-ai"):  # they mirror other boards
                self._board(board)

    # -- dates ------------------------------------------------------------------------------

    def day(self, offset: int) -> date:
        return self.start + timedelta(days=offset)

    def scrape_time(self, offset: int) -> datetime:
        """The instant (UTC) of day ``offset``'s scrape."""
        local = datetime.combine(self.day(offset), time(SCRAPE_HOUR), ZONE)
        return local.astimezone(UTC)

    def scraped_on(self, board: str, offset: int) -> bool:
        return offset % self.boards[board].every == 0

    def scrape_days(self, board: str) -> list[int]:
        return [d for d in range(self.days) if self.scraped_on(board, d)]

    # -- generation -------------------------------------------------------------------------

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _topic(self, offset: int, board: Board) -> str:
        t = min(max(offset, 0) / max(self.days - 1, 1), 1.0)
        weights = topic_weights(t)
        for topic, factor in board.weights.items():
            weights[topic] *= factor
        topics = list(weights)
        return self.rng.choices(topics, weights=[weights[k] for k in topics])[0]

    def _job(self, topic: str, board: Board, company: str, korean: bool) -> Job:
        rng = self.rng
        role = rng.choice(ROLES[topic][korean])
        entry = rng.random() < 0.35
        teams = TEAMS_KO if korean else TEAMS
        while True:  # distinct titles within a company: one job, one title
            title = f"{role}, {rng.choice(teams)} {rng.randint(1, 99)}"
            if board.kind not in ("wanted", "jumpit", "saramin"):  # no structured level there
                title = (
                    ("[신입] " if korean else "New Grad ")
                    if entry
                    else ("[경력] " if korean else "Senior ")
                ) + title
            if (company, title) not in self._titles:
                self._titles.add((company, title))
                break
        if board.kind == "hn" or board.kind == "rss":
            country, city = "remote", "Remote"
        elif korean:
            country, city = "KR", " ".join(rng.choice(KR_CITIES))
        elif board.name == "acme-ai":
            city, country = rng.choice(ABROAD[:2])
        else:
            city, country = rng.choice(ABROAD)
        years_min = 0 if entry else rng.choice((3, 5, 7))
        boiler = [line for line in BOILER[korean] if rng.random() < 0.6]
        return Job(
            id=self._id(),
            topic=topic,
            company=company,
            title=title,
            country=country,
            city=city,
            korean=korean,
            level="entry" if entry else "experienced",
            years_min=years_min,
            years_max=(years_min + rng.choice((2, 5))) if board.kind != "hn" else None,
            role_text=list(ROLE_TEXT[topic][korean]),
            boiler=boiler,
        )

    def _rising_skill(self, job: Job, offset: int) -> None:
        """Late LLM jobs more and more often ask for MCP (a stream of its own, keyed by the
        job, so the rest of the market is drawn as before)."""
        if job.topic not in ("llm", "multimodal_llm"):
            return
        t = min(max(offset, 0) / max(self.days - 1, 1), 1.0)
        if random.Random(job.id).random() < 0.9 * t**4:
            job.role_text.append(RISING_SKILL[job.korean])

    def _post(self, job: Job, board: Board, opens: int, closes: int) -> Posting:
        posted = datetime.combine(
            self.day(opens), time(self.rng.randint(0, 8), self.rng.randint(0, 59)), ZONE
        ).astimezone(UTC)
        posting = Posting(board.name, str(self._id()), job, opens, closes, posted)
        job.postings.append(posting)
        return posting

    def _board(self, board: Board) -> None:
        rng = self.rng
        mean_life = 28
        rate = board.size / mean_life
        companies = (board.company,) if board.company else KR_COMPANIES
        for offset in range(-HISTORY_DAYS, self.days):
            arrivals = sum(1 for _ in range(4) if rng.random() < rate / 4)
            for _ in range(arrivals):
                topic = self._topic(offset, board)
                company = board.company or rng.choice(companies)
                if board.kind == "rss":
                    company = rng.choice(WWR_COMPANIES)
                job = self._job(topic, board, company, board.korean)
                self._rising_skill(job, offset)
                life = rng.randint(14, 42)
                self._post(job, board, offset, offset + life)
                self.jobs.append(job)
                if board.name == "nuri-ai" and rng.random() < 0.7:
                    # Nuri AI's career page lists most of its Greenhouse jobs: one job each.
                    self._post(job, self.boards["nuri-careers"], offset, offset + life)
                if board.kind == "wanted" and rng.random() < 0.5 and offset >= 7:
                    # The same opening on Jumpit too, from the same day.
                    self._post(job, self.boards["jumpit-ai"], offset, offset + life)
                elif board.kind == "wanted" and rng.random() < 0.6:
                    # Jumpit-only jobs keep that board at its size.
                    other = self._job(
                        self._topic(offset, board), board, rng.choice(companies), True
                    )
                    self._post(other, self.boards["jumpit-ai"], offset, offset + life)
                    self.jobs.append(other)
                if (
                    board.kind == "greenhouse"
                    and offset >= 3
                    and offset + life + 40 < self.days
                    and rng.random() < 0.25
                ):
                    # Reposted under a new id after a gap of one to three weeks.
                    back = offset + life + rng.randint(7, 21)
                    self._post(job, board, back, back + rng.randint(10, 25))

    def _hn(self, board: Board) -> None:
        """Monthly threads; each top-level comment is a posting until its month ends."""
        rng = self.rng
        first = self.day(-HISTORY_DAYS).replace(day=1)
        month = first
        last = self.day(self.days)
        while month <= last:
            days_in = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - month
            for dom in range(2, min(26, days_in.days)):
                offset = (month.replace(day=dom) - self.start).days
                if offset >= self.days - 1:
                    break
                for _ in range(rng.choice((0, 1, 1, 2))):
                    topic = self._topic(offset, board)
                    company = rng.choice(HN_COMPANIES)
                    job = self._job(topic, board, company, False)
                    posted = datetime.combine(
                        month.replace(day=dom), time(rng.randint(2, 12), rng.randint(0, 59)), UTC
                    )
                    end = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
                    posting = Posting(
                        board.name,
                        str(self._id()),
                        job,
                        offset,
                        (end - self.start).days,
                        posted,
                        thread_month=month,
                    )
                    job.postings.append(posting)
                    self.jobs.append(job)
            month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)

    # -- what a board lists -----------------------------------------------------------------

    def listed(self, board: str, offset: int) -> list[Posting]:
        """The postings ``board`` lists on day ``offset`` when it works, newest first."""
        out = [
            p
            for job in self.jobs
            for p in job.postings
            if p.board == board and p.opens <= offset < p.closes
        ]
        return sorted(out, key=lambda p: (-p.opens, p.external_id))

    def hn_threads(self, offset: int) -> dict[date, list[Posting]]:
        """The Hacker News threads visible at day ``offset``'s scrape, with their comments."""
        now = self.scrape_time(offset)
        threads: dict[date, list[Posting]] = {}
        for job in self.jobs:
            for p in job.postings:
                if p.thread_month is not None and p.posted_at < now:
                    threads.setdefault(p.thread_month, []).append(p)
        visible = {
            month: sorted(ps, key=lambda p: p.posted_at)
            for month, ps in threads.items()
            if datetime.combine(month, time(15), UTC) < now
        }
        return visible
