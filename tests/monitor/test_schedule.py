"""Crontab schedules as cron reads them: fire times in a zone, DST, slots, staggering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from monitor.config import load
from monitor.errors import ConfigError
from monitor.schedule import MAX_STAGGER_S, MISFIRE_GRACE, next_run, parse, stagger

SEOUL = ZoneInfo("Asia/Seoul")
BERLIN = ZoneInfo("Europe/Berlin")


def fires(expr: str, zone: ZoneInfo, after: datetime, count: int) -> list[str]:
    out = []
    for _ in range(count):
        fire = next_run(expr, zone, after)
        assert fire is not None
        out.append(fire.isoformat())
        after = fire
    return out


def test_monday_nine_in_seoul_is_a_monday() -> None:
    # Friday 2026-12-04 15:00 in Seoul: the next "0 9 * * 1" is Monday the 7th, 09:00 KST.
    after = datetime(2026, 12, 4, 15, 0, tzinfo=SEOUL)
    fire = next_run("0 9 * * 1", SEOUL, after)
    assert fire is not None
    assert fire.strftime("%A %H:%M %Z") == "Monday 09:00 KST"
    assert fires("0 9 * * 1", SEOUL, after, 3) == [
        "2026-12-07T09:00:00+09:00",
        "2026-12-14T09:00:00+09:00",
        "2026-12-21T09:00:00+09:00",
    ]


def test_seoul_times_from_a_utc_now() -> None:
    # 23:30 UTC on Sunday is already Monday 08:30 in Seoul: the Monday run is 30 minutes away,
    # never the machine's zone.
    after = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    assert next_run("0 9 * * 1", SEOUL, after) == datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    assert fires("0 */6 * * *", SEOUL, after, 3) == [
        "2026-12-07T12:00:00+09:00",
        "2026-12-07T18:00:00+09:00",
        "2026-12-08T00:00:00+09:00",
    ]


def test_berlin_spring_forward() -> None:
    # 2026-03-29: clocks jump from 02:00 CET to 03:00 CEST. A daily 02:30 fires once, at the
    # jump; an hourly schedule skips no hour that exists and fires nothing twice.
    after = datetime(2026, 3, 28, 12, 0, tzinfo=BERLIN)
    assert fires("30 2 * * *", BERLIN, after, 3) == [
        "2026-03-29T03:00:00+02:00",
        "2026-03-30T02:30:00+02:00",
        "2026-03-31T02:30:00+02:00",
    ]
    night = datetime(2026, 3, 29, 0, 0, tzinfo=BERLIN)
    assert fires("0 * * * *", BERLIN, night, 4) == [
        "2026-03-29T01:00:00+01:00",
        "2026-03-29T03:00:00+02:00",
        "2026-03-29T04:00:00+02:00",
        "2026-03-29T05:00:00+02:00",
    ]


def test_berlin_fall_back() -> None:
    # 2026-10-25: 03:00 CEST goes back to 02:00 CET. The repeated 02:30 fires once, and the
    # daily run keeps its wall-clock time in winter time afterwards.
    after = datetime(2026, 10, 24, 12, 0, tzinfo=BERLIN)
    assert fires("30 2 * * *", BERLIN, after, 3) == [
        "2026-10-25T02:30:00+02:00",
        "2026-10-26T02:30:00+01:00",
        "2026-10-27T02:30:00+01:00",
    ]
    hourly = fires("0 * * * *", BERLIN, datetime(2026, 10, 25, 1, 30, tzinfo=BERLIN), 3)
    assert hourly == [
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T03:00:00+01:00",
        "2026-10-25T04:00:00+01:00",
    ]
    # Every result is strictly later than the one before (no loop, no repeat).
    stamps = [datetime.fromisoformat(s) for s in hourly]
    assert stamps == sorted(set(stamps))


def test_the_last_slot_inside_the_repeated_hour() -> None:
    # 02:45 CET, the second pass through 02:00-02:59 on the fall-back night: repeated times
    # fire only on the first pass, so the latest fire is 02:45 CEST, an hour earlier.
    second_pass = datetime(2026, 10, 25, 1, 45, tzinfo=UTC)  # 02:45 CET
    cron = parse("*/15 * * * *", BERLIN)
    assert cron.last_at_or_before(second_pass) == datetime(2026, 10, 25, 0, 45, tzinfo=UTC)


def test_never_firing_schedule_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[[sources]]\nname = "a"\nkind = "greenhouse"\nboard = "x"\nschedule = "0 0 31 2 *"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load(path)
    message = str(info.value)
    assert "[[sources]] #1 ('a') key 'schedule'" in message
    assert "'0 0 31 2 *' can never fire: no month it allows (February) has day 31" in message
    assert message.count(". ") == 0  # one sentence
    path.write_text('[report]\nschedule = "0 9 30 2 *"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[report\] key 'schedule'.*can never fire"):
        load(path)


def test_rare_but_possible_schedules_load() -> None:
    # 29 February fires in leap years; 31 fires in the months that have it; a weekday rescues
    # a day of month that never comes (cron ORs them).
    assert next_run("0 0 29 2 *", BERLIN, datetime(2026, 3, 1, tzinfo=BERLIN)) == datetime(
        2028, 2, 29, tzinfo=BERLIN
    )
    assert next_run("0 0 31 2,3 *", BERLIN, datetime(2026, 1, 1, tzinfo=BERLIN)) == datetime(
        2026, 3, 31, tzinfo=BERLIN
    )
    fire = next_run("0 0 31 2 1", BERLIN, datetime(2026, 1, 1, tzinfo=BERLIN))
    assert fire is not None and fire.strftime("%a %m-%d") == "Mon 02-02"


def test_star_step_day_of_month_is_anded_with_the_weekday_as_in_cron() -> None:
    # Vixie cron: a day field starting with '*' does not widen the match; both must hold.
    fire = next_run("0 9 */2 * 1", SEOUL, datetime(2026, 3, 1, tzinfo=SEOUL))
    assert fire is not None and fire.strftime("%a %d") == "Mon 09"


def test_a_sixth_field_in_front_gives_seconds() -> None:
    start = datetime(2026, 12, 4, 12, 0, 0, tzinfo=SEOUL)
    assert fires("*/20 * * * * *", SEOUL, start, 4) == [
        "2026-12-04T12:00:20+09:00",
        "2026-12-04T12:00:40+09:00",
        "2026-12-04T12:01:00+09:00",
        "2026-12-04T12:01:20+09:00",
    ]
    with pytest.raises(ConfigError, match="'60' is outside 0-59 for the second"):
        parse("60 * * * * *", SEOUL)


def test_latest_slot_within_the_misfire_grace() -> None:
    cron = parse("0 */6 * * *", SEOUL)
    now = datetime(2026, 12, 4, 13, 5, tzinfo=SEOUL)
    assert cron.latest_slot(now) == datetime(2026, 12, 4, 12, 0, tzinfo=SEOUL)
    assert cron.latest_slot(datetime(2026, 12, 4, 12, 0, tzinfo=SEOUL)) == datetime(
        2026, 12, 4, 12, 0, tzinfo=SEOUL
    )
    weekly = parse("0 9 * * 1", SEOUL)
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=SEOUL)
    assert weekly.latest_slot(monday + MISFIRE_GRACE) == monday
    assert weekly.latest_slot(monday + MISFIRE_GRACE + timedelta(seconds=1)) is None


def test_sources_on_one_host_are_staggered() -> None:
    crons = {name: parse("0 */6 * * *", SEOUL) for name in ("a", "b", "c", "solo")}
    hosts = {"a": "h:443", "b": "h:443", "c": "h:443", "solo": "other:443"}
    now = datetime(2026, 12, 4, tzinfo=SEOUL)
    offsets = stagger(hosts, crons, now)
    assert offsets == {"a": 0.0, "b": MAX_STAGGER_S / 3, "c": MAX_STAGGER_S * 2 / 3, "solo": 0.0}
    # Never more than half the interval: every 10 s, three sources start 0, 1.67 and 3.33 s in.
    fast = {name: parse("*/10 * * * * *", SEOUL) for name in ("a", "b", "c")}
    assert max(stagger({n: "h" for n in fast}, fast, now).values()) < 5
