"""``trending`` and ``skills`` on histories built for them, with exact expected output."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from helpers import run_cli
from runs import SEOUL, run
from sqlalchemy import delete

from monitor.clock import Clock
from monitor.numbers.listing import Filters
from monitor.numbers.rising import ratio_interval, rising
from monitor.numbers.skills import skills
from monitor.posting import RawPosting
from monitor.storage.db import Database
from monitor.storage.models import WeeklyPhrases
from monitor.taxonomy import builtin_tags

COMPANIES = [f"Company{letter}" for letter in "ABCDEFGH"]
# The week after the tenth: 2026-W19 (05-04..05-10) is the last complete one.
NOW = datetime(2026, 5, 12, 3, 0, tzinfo=UTC)
PERIOD = (date(2026, 5, 4), date(2026, 5, 10))
GRAPHQL = [2, 6, 2, 6, 2, 6, 2, 6, 2, 6]  # jobs a week: wobbles, ending on a high


def posting(external_id: str, title: str, company: str, lines: list[str]) -> RawPosting:
    return RawPosting(
        external_id=external_id,
        title=title,
        url=f"https://jobs.example.com/{external_id}",
        company=company,
        description="Responsibilities\n" + "\n".join(f"- {line}" for line in lines),
    )


def week_postings(week: int) -> list[RawPosting]:
    """40 backend jobs of 8 companies a week. In the last week (9) ten of them, of all eight
    companies, are LLM jobs, ten (eight of them LLM jobs) use pgvector and Qdrant, and one
    company reposts a Rust job ten times."""
    out = []
    for n in range(40):
        lines = ["Design backend services"]
        if n < GRAPHQL[week]:
            lines.append("GraphQL")
        if week == 9 and 10 <= n < 20:
            lines.append("LLM")
        if week == 9 and 12 <= n < 22:
            lines += ["pgvector", "Qdrant"]
        out.append(posting(f"w{week}-{n}", f"Backend Engineer {week}-{n}", COMPANIES[n % 8], lines))
    if week == 9:
        out += [
            posting(f"solo-{k}", f"Rust Engineer {k}", "Solo", ["WASM runtime"]) for k in range(10)
        ]
    return out


@pytest.fixture(params=["stored", "counted"])
def market(db: Database, request: pytest.FixtureRequest) -> Database:
    """The ten weeks, with the weeks' phrases as the runs stored them, or none stored (so they
    are counted from the postings)."""
    for week in range(10):
        run(db, 1 + 7 * week, week_postings(week))
    if request.param == "counted":
        with db.session() as session:
            session.execute(delete(WeeklyPhrases))
    return db


def test_only_the_phrase_made_to_rise_ranks(market: Database) -> None:
    with market.session() as session:
        found = rising(session, Clock(SEOUL, NOW), builtin_tags(), *PERIOD, Filters(), top=10)
    assert (found.jobs, found.jobs_before) == (50, 320)
    assert (found.before_start, found.before_end) == (date(2026, 3, 9), date(2026, 5, 3))
    ratio, low = ratio_interval(10, 50, 0, 320)
    # The noisy phrase (6 of 50 against 32 of 320) stays below the bar, and the reposted Rust
    # job has ten jobs but one company; "llm" names a tag, and 8 of qdrant's 10 jobs carry it;
    # pgvector, in the same jobs as qdrant, is the same finding.
    assert [(r.phrase, r.is_tag, r.tag, r.jobs, r.companies, r.alike) for r in found.rows] == [
        ("llm", True, "llm", 10, 8, []),
        ("qdrant", False, "llm", 10, 8, ["pgvector"]),
    ]
    row = found.rows[1]
    assert (row.share, row.share_before, row.ratio) == (0.2, 0.0, None)
    assert row.ratio_low == pytest.approx(low)
    assert ratio == pytest.approx((10.5 / 50.5) / (0.5 / 320.5))
    assert round(low, 2) == 7.93  # 133.3 * exp(-1.96 * 1.4396), worked by hand


def test_the_support_minimums_are_what_keep_noise_out(market: Database) -> None:
    with market.session() as session:
        found = rising(
            session,
            Clock(SEOUL, NOW),
            builtin_tags(),
            *PERIOD,
            Filters(),
            min_jobs=5,
            min_companies=1,
        )
    rows = {r.phrase: r for r in found.rows}
    assert "graphql" not in rows  # one company is enough now, but the wobble stays out
    assert rows["rust"].alike == ["runtime", "rust engineer", "wasm", "wasm runtime"]


def test_a_phrase_of_postings_that_stay_up_is_not_rising(db: Database) -> None:
    """Every week, 20 jobs that stay up say Kotlin and 20 new ones (gone the week after) say
    Golang: both hold half of every week's jobs. Only pgvector, in 10 of the last week's new
    jobs of all eight companies and never before, rose."""
    evergreen = [
        posting(f"kt-{n}", f"Kotlin Engineer {n}", COMPANIES[n % 8], ["Kotlin services"])
        for n in range(20)
    ]
    for week in range(10):
        churn = [
            posting(
                f"go-{week}-{n}",
                f"Golang Engineer {week}-{n}",
                COMPANIES[n % 8],
                ["Golang services"] + (["pgvector"] if week == 9 and n < 10 else []),
            )
            for n in range(20)
        ]
        run(db, 1 + 7 * week, evergreen + churn)
    with db.session() as session:
        found = rising(session, Clock(SEOUL, NOW), builtin_tags(), *PERIOD, Filters())
    assert [r.phrase for r in found.rows] == ["pgvector"]
    assert (found.jobs, found.jobs_before) == (40, 180)  # 20 kept up + 8 weeks of 20 new ones
    assert found.rows[0].share_before == 0.0


def test_ratio_interval_of_a_wobble_includes_one() -> None:
    _, low = ratio_interval(6, 50, 32, 320)
    assert low < 1


SKILL_JOBS = 30


def test_skills_are_what_the_terms_jobs_share(db: Database) -> None:
    """30 jobs: 8 LLM jobs, 6 of them with PyTorch; 2 of the other 22 have PyTorch too, and
    Kafka is in 10 of the others and none of the LLM ones."""
    jobs = []
    for n in range(SKILL_JOBS):
        llm = n < 8
        lines = ["Design services"]
        if (llm and n < 6) or n in (20, 21):
            lines.append("PyTorch")
        if not llm and n >= 20:
            lines.append("Kafka")
        title = f"LLM Engineer {n}" if llm else f"Backend Engineer {n}"
        jobs.append(posting(f"j{n}", title, COMPANIES[n % 8], lines))
    run(db, 64, jobs)  # 2026-05-04
    with db.session() as session:
        found = skills(session, Clock(SEOUL, NOW), builtin_tags(), "LLM", *PERIOD, Filters())
    assert (found.tag, found.jobs, found.term_jobs) == ("llm", 30, 8)
    rows = [(r.phrase, r.jobs_both, r.share_in_term, round(r.share_all, 4)) for r in found.rows]
    assert rows == [("pytorch", 6, 0.75, 0.2667)]
    # By hand: the LLM jobs hold 54 phrase counts (6 each, and 6 pytorch), the others 144;
    # pytorch is in 8 of all, so its prior is 54 * 8 / 198 = 2.18, and
    # log((6 + 2.18) / (108 - 6 - 2.18)) - log((2 + 2.18) / (198 - 2 - 2.18)) = 1.335,
    # over sqrt(1 / 8.18 + 1 / 4.18) = 0.601: z = 2.22. Kafka, in no LLM job, is not listed.
    assert round(found.rows[0].log_odds, 3) == 1.335
    assert round(found.rows[0].z, 2) == 2.22


def test_the_cli_prints_rows_as_json_csv_and_a_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jobtrend.db'}"
    db = Database(url)
    for week in range(10):
        run(db, 1 + 7 * week, week_postings(week))
    db.dispose()
    config = tmp_path / "config.toml"
    config.write_text(f'timezone = "Asia/Seoul"\n[database]\nurl = "{url}"\n', encoding="utf-8")
    now = "2026-05-12T12:00"
    result = run_cli(config, "trending", "--json", now=now)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["phrase"], r["is_tag"], r["tag"], r["jobs"], r["ratio"]) for r in rows] == [
        ("llm", True, "llm", 10, None),
        ("qdrant", False, "llm", 10, None),
    ]
    assert list(rows[0]) == [
        "phrase",
        "is_tag",
        "tag",
        "jobs",
        "companies",
        "share",
        "share_before",
        "ratio",
        "ratio_low",
        "alike",
    ]
    csv_out = run_cli(config, "trending", "--csv", now=now).stdout.splitlines()
    assert csv_out[0] == (
        "phrase,is_tag,tag,jobs,companies,share,share_before,ratio,ratio_low,alike"
    )
    assert csv_out[2].startswith("qdrant,false,llm,10,8,0.2,0.0,,7.93")
    assert csv_out[2].endswith(",pgvector")
    table = run_cli(config, "trending", now=now, COLUMNS="80").stdout
    assert [line.rstrip() for line in table.splitlines()] == [
        "Rising in 2026-W19: 50 jobs, against 320 in 2026-03-09..2026-05-03",
        "",
        " phrase       jobs  firms  share  before  ratio   low  tag",
        " " + "\u2500" * 64,
        " llm            10      8  20.0%    0.0%    new  7.9x  (is a tag)",
        " qdrant (+1)    10      8  20.0%    0.0%    new  7.9x  llm",
        "",
    ]
    quiet = run_cli(config, "trending", "--period", "2026-W15", now=now)
    assert quiet.exit_code == 0
    assert "Nothing rose beyond noise in 2026-W15: 40 jobs" in quiet.stdout
    skills_out = run_cli(config, "skills", "pgvector", "--period", "2026-W19", "--json", now=now)
    assert skills_out.exit_code == 0, skills_out.output
    assert [r["phrase"] for r in json.loads(skills_out.stdout)][:2] == ["qdrant", "llm"]
    bad = run_cli(config, "trending", "--period", "last week", now=now)
    assert bad.exit_code == 2 and "--period 'last week' is not a date" in bad.output


def test_the_weekly_report_has_a_rising_section(market: Database) -> None:
    from monitor.numbers.periods import period_of
    from reports.content import build_content
    from reports.html import render_html
    from reports.text import render_text

    week = period_of(PERIOD[0], "week")
    tags = builtin_tags()
    with market.session() as session:
        content = build_content(session, Clock(SEOUL, NOW), tags, ["llm"], week, language="en")
    assert [row.phrase for row in content.rising] == ["llm", "qdrant"]
    text = render_text(content)
    label = tags["llm"].label_in("en")
    assert "== Rising words and phrases ==" in text
    assert f"- qdrant (+ pgvector): 20.0% (8 weeks before 0.0%), Ratio, low 7.9x, Tag {label}" in (
        text
    )
    page = render_html(content, [], lambda picture: "")
    assert '<td>qdrant <span class="muted" title="pgvector">(+1)</span></td>' in page
    assert f"<td>{label}</td>" in page
    with market.session() as session:
        quiet = build_content(
            session, Clock(SEOUL, NOW), tags, ["llm"], period_of(date(2026, 4, 6), "week")
        )
    assert quiet.rising == ()
    assert "이번 주에는 뚜렷하게 오른 키워드가 없습니다." in render_text(quiet)


def test_a_jobs_company_is_its_first_posting_with_a_name() -> None:
    """Distinct companies decide whether a phrase ranks: a job whose first posting has a blank
    company is still its named posting's company, not a company of its own."""
    from monitor.numbers.phrasecounts import _Rows
    from monitor.storage.phrases import pack

    ids = pack([5])
    # (posting, job, company, in the window, phrase ids): job 10 is Acme's, as job 11 is.
    rows = [(1, 10, " ", 1, ids), (2, 10, "Acme", 1, ids), (3, 11, "ACME", 1, ids)]
    window = _Rows(rows, 1).window(0)
    jobs = sorted(set(window.job_of[window.ids == 5].tolist()))
    assert len(jobs) == 2
    assert set(window.companies_of(jobs).values()) == {"acme"}
