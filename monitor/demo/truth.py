"""What the figures must be: the market counts itself from its own event log, by DESIGN.md's
rules, without the project's counting, matching or de-duplication code (nothing of ``monitor``
outside this package is imported here).

The truth of a job is the topic it was generated with and the postings it was given, never a
match of aliases or a normalised key. The event log is replayed board by board, scrape by
scrape: which runs fail (an error), which are suspect (fewer than half the recent median, or
nothing after something), which are unchanged (the same body as the last ok run), what each
complete run lists, so when each posting is first and last seen and when it closes. Then, per
day: a job is active from its first sighting until its last (today while open, a stale
board's open postings only up to its last healthy day), every job counted once whatever its
postings; it is new on its first sighting, except on its board's first run (then only when
posted that day), and never again when it comes back or shows up on another board.

``Rules`` switches each rule off, so that a test can see the check notice a missing rule.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from monitor.demo.model import TAGS, ZONE, Market, Posting

ALL = "*"
REPOST_WINDOW = timedelta(days=60)
SUSPECT_WINDOW = timedelta(days=30)
SUSPECT_RUNS = 10
ACCEPT_AFTER = 3
STEADY_TOLERANCE = 0.2


@dataclass(frozen=True)
class Rules:
    first_run: bool = True  # a board's first run: new only if posted that day
    jobs_not_postings: bool = True  # a job on several boards, or reposted, counts once
    suspect: bool = True  # a suspect run closes nothing
    stale: bool = True  # a stale board's open postings stop at its last healthy day
    stale_after_days: int = 14


@dataclass
class _Seen:
    """One posting's sightings: spans of (first day, last day), open or closed."""

    posting: Posting
    spans: list[list[int]] = field(default_factory=list)
    open: bool = True
    new_on: int | None = None
    closes_at: datetime | None = None


@dataclass(frozen=True)
class Figure:
    period: str  # ISO week label, e.g. 2026-W37
    term: str  # a tag key, or "*" for all jobs
    active: float
    new: int
    share: float | None


def _local_offset(market: Market, instant: datetime) -> int:
    return (instant.astimezone(ZONE).date() - market.start).days


def _hn_closes_at(posting: Posting) -> datetime:
    month = posting.thread_month
    assert month is not None
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return datetime(following.year, following.month, 1, tzinfo=UTC)


class Truth:
    """The market's own figures as of the scrape of day ``today`` (an offset from start)."""

    def __init__(self, market: Market, today: int, rules: Rules | None = None) -> None:
        self.market = market
        self.today = today
        self.rules = rules or Rules()
        self.now = market.scrape_time(today)
        self.seen: list[_Seen] = []
        self.cuts: dict[str, int] = {}
        for board in market.boards:
            self._replay(board)

    # -- the event log, board by board ------------------------------------------------------

    def _listing(self, board: str, day: int) -> tuple[str, list[Posting]]:
        """(ok | empty | error | gone, what the board lists) at day ``day``'s scrape."""
        market = self.market
        if market.boards[board].kind == "hn":
            threads = market.hn_threads(day)
            if not threads:
                return "ok", []
            newest = max(threads)
            return "ok", threads[newest]
        state = market.faults.state(board, day)
        return state, ([] if state == "empty" else market.listed(board, day))

    def _replay(self, board: str) -> None:
        market, rules = self.market, self.rules
        is_hn = market.boards[board].kind == "hn"
        runs: list[tuple[datetime, int, str]] = []  # (time, returned, status) non-failed
        accepted_at: datetime | None = None
        first_run_at: datetime | None = None
        last_healthy: datetime | None = None
        had_complete = False
        last_ok_body: tuple[str, ...] | None = None
        postings: dict[str, _Seen] = {}
        for day in market.scrape_days(board):
            if day > self.today:
                break
            now = market.scrape_time(day)
            first_run_at = first_run_at or now
            state, listed = self._listing(board, day)
            if state in ("error", "gone"):
                continue
            body = tuple(p.external_id for p in listed)
            if body == last_ok_body and (is_hn or state == "ok"):
                # 304: everything open is seen again, nothing closes.
                for seen in postings.values():
                    if seen.open:
                        seen.spans[-1][1] = day
                runs.append((now, sum(s.open for s in postings.values()), "unchanged"))
                last_healthy = now
                continue
            status = "ok"
            if rules.suspect and not is_hn:
                status = self._suspect(runs, accepted_at, len(listed), now)
                if status == "accepted":
                    accepted_at, status = now, "ok"
            first_run = not had_complete
            had_complete = True
            returned = set()
            for posting in listed:
                returned.add(posting.external_id)
                known = postings.get(posting.external_id)
                if known is None:
                    seen = _Seen(posting)
                    first = day
                    if is_hn and posting.posted_at < now:
                        first = _local_offset(market, posting.posted_at)
                    seen.spans.append([first, day])
                    seen.new_on = self._new_on(posting, day, first, first_run, is_hn)
                    if is_hn:
                        seen.closes_at = _hn_closes_at(posting)
                    postings[posting.external_id] = seen
                    self.seen.append(seen)
                elif not known.open:
                    if known.closes_at is not None and known.closes_at <= now:
                        continue  # closed on its own schedule
                    known.spans.append([day, day])
                    known.open = True
                else:
                    known.spans[-1][1] = day
            if status == "ok":
                for seen in postings.values():
                    if (
                        seen.open
                        and seen.posting.external_id not in returned
                        and (seen.closes_at is None or seen.closes_at > now)
                    ):
                        seen.open = False
            for seen in postings.values():
                if seen.open and seen.closes_at is not None and seen.closes_at <= now:
                    seen.open = False
                    seen.spans[-1][1] = _local_offset(market, seen.closes_at - timedelta(seconds=1))
            runs.append((now, len(listed), status))
            if status == "ok":
                last_healthy = now
                last_ok_body = body
        if first_run_at is None:
            return
        reference = last_healthy or first_run_at
        if self.rules.stale and self.now - reference > timedelta(days=rules.stale_after_days):
            self.cuts[board] = _local_offset(market, reference)

    def _suspect(
        self,
        runs: list[tuple[datetime, int, str]],
        accepted_at: datetime | None,
        returned: int,
        now: datetime,
    ) -> str:
        recent = [
            r
            for r in reversed(runs)
            if r[0] >= now - SUSPECT_WINDOW and (accepted_at is None or r[0] >= accepted_at)
        ][:SUSPECT_RUNS]
        if not recent:
            return "ok"
        levels = [r[1] for r in recent]
        if not ((returned == 0 and levels[0] > 0) or returned < statistics.median(levels) / 2):
            return "ok"
        previous = list(reversed(runs))[: ACCEPT_AFTER - 1]
        if len(previous) == ACCEPT_AFTER - 1 and all(r[2] == "suspect" for r in previous):
            steady = [returned, *(r[1] for r in previous)]
            centre = statistics.median(steady)
            if all(abs(v - centre) <= STEADY_TOLERANCE * max(centre, 1) for v in steady):
                return "accepted"
        return "suspect"

    def _new_on(
        self, posting: Posting, day: int, first: int, first_run: bool, is_hn: bool
    ) -> int | None:
        if self.rules.jobs_not_postings and self._joins(posting, first):
            return None
        if is_hn:
            return first
        if first_run and self.rules.first_run:
            if not self.market.boards[posting.board].dated:
                return None
            posted = _local_offset(self.market, posting.posted_at)
            return day if posted == day else None
        return day

    def _joins(self, posting: Posting, first: int) -> bool:
        """The posting's job was already seen on another posting: open, or last seen within
        the repost window."""
        for seen in self.seen:
            other = seen.posting
            if other.job is posting.job and other is not posting:
                last = seen.spans[-1][1]
                if seen.open or first - last <= REPOST_WINDOW.days:
                    return True
        return False

    # -- counting ---------------------------------------------------------------------------

    def daily(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        """(active, new) per term ("*" and the tags) for days 0..today."""
        days = self.today + 1
        by_job: dict[int, list[_Seen]] = defaultdict(list)
        for seen in self.seen:
            key = seen.posting.job.id if self.rules.jobs_not_postings else id(seen)
            by_job[key].append(seen)
        active = {term: [0] * days for term in (ALL, *TAGS)}
        new = {term: [0] * days for term in (ALL, *TAGS)}
        for members in by_job.values():
            job = members[0].posting.job
            covered: set[int] = set()
            for seen in members:
                for i, (first, last) in enumerate(seen.spans):
                    if seen.open and i == len(seen.spans) - 1:
                        last = self.cuts.get(seen.posting.board, self.today)
                    covered.update(range(max(first, 0), min(last, self.today) + 1))
            new_days = [s.new_on for s in members if s.new_on is not None]
            terms = (ALL, *sorted(job.tags))
            for term in terms:
                for d in covered:
                    active[term][d] += 1
                if new_days and 0 <= min(new_days) <= self.today:
                    new[term][min(new_days)] += 1
        return active, new

    def weekly(self) -> list[Figure]:
        """Per ISO week from day 0 (a Monday) to today, per term: mean active, new, share."""
        active, new = self.daily()
        out: list[Figure] = []
        for week_start in range(0, self.today + 1, 7):
            days = range(week_start, min(week_start + 7, self.today + 1))
            label = _week_label(self.market.day(week_start))
            total = sum(active[ALL][d] for d in days) / len(days)
            for term in (ALL, *TAGS):
                mean = sum(active[term][d] for d in days) / len(days)
                share = mean / total if total else None
                out.append(Figure(label, term, mean, sum(new[term][d] for d in days), share))
        return out


def _week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
