"""Configuration: the example and starter files, discovery, errors, and cron weekdays."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from helpers import run_cli

from monitor.config import (
    Config,
    DaemonConfig,
    DatabaseConfig,
    HttpConfig,
    ReportConfig,
    SmtpConfig,
    config_dir,
    load,
)
from monitor.errors import ConfigError
from monitor.schedule import expand, next_run, validate_cron
from scrapers.base import kinds, source_class

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config.example.toml"
BUILTIN_TAGS = {"llm", "multimodal_llm", "autonomous_driving", "medical"}
SEOUL = ZoneInfo("Asia/Seoul")


# --- config.example.toml and the starter file ------------------------------------------------


def test_example_loads_with_the_documented_values() -> None:
    config = load(EXAMPLE)
    assert config.path == EXAMPLE
    assert config.timezone == "Asia/Seoul"
    assert config.database == DatabaseConfig(url="")
    # One configured example of every source kind, in a table of its own.
    raw = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert len(config.sources) == len(raw["sources"]) == len(kinds())
    assert sorted(s.kind for s in config.sources) == kinds()
    assert len({s.name for s in config.sources}) == len(config.sources)
    assert [(s.name, s.kind) for s in config.sources[:2]] == [
        ("anthropic", "greenhouse"),
        ("palantir", "lever"),
    ]
    anthropic, palantir = config.sources[:2]
    assert anthropic.options.board == "anthropic"
    assert (anthropic.schedule, anthropic.company, anthropic.enabled, anthropic.base_url) == (
        "0 */6 * * *",
        None,
        True,
        None,
    )
    assert (palantir.options.site, palantir.options.region) == ("palantir", "global")
    assert (palantir.schedule, palantir.company, palantir.enabled, palantir.base_url) == (
        "30 */6 * * *",
        "Palantir",
        True,
        None,
    )

    robotics = config.tags["robotics"]
    assert robotics.label == "Robotics"
    assert robotics.any == ("robotics", "robot", "로봇", "로보틱스", "휴머노이드")
    assert robotics.all == ()
    assert robotics.exclude == ("robotic process automation",)
    assert robotics.implies == ()
    # A [tags.X] table adds or replaces X; the built-ins stay.
    assert set(config.tags) == BUILTIN_TAGS | {"robotics"}
    assert config.tags["llm"] == Config(path=None).tags["llm"]


def test_example_loads_through_the_cli_as_its_header_says() -> None:
    # "This file loads as-is (`jobtrend --config config.example.toml sources list`)."
    result = run_cli(EXAMPLE, "sources", "list", "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [s["name"] for s in listed["sources"][:2]] == ["anthropic", "palantir"]


def test_example_comment_on_the_default_schedule_is_true() -> None:
    # "schedule  5-field crontab in `timezone` (0 or 7 = Sunday); default "0 */6 * * *""
    assert 'default "0 */6 * * *"' in EXAMPLE.read_text(encoding="utf-8")
    for kind in ("greenhouse", "lever"):
        assert source_class(kind).default_schedule == "0 */6 * * *"


def _toml_key(field: dataclasses.Field[Any]) -> str:
    return field.name.rstrip("_")  # SmtpConfig.from_ is `from` in TOML


@pytest.mark.parametrize(
    ("section", "cls"),
    [
        ("http", HttpConfig),
        ("report", ReportConfig),
        ("smtp", SmtpConfig),
        ("daemon", DaemonConfig),
    ],
)
def test_example_section_equals_the_code_defaults(section: str, cls: type[Any]) -> None:
    raw = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    table = raw[section]
    defaults = cls()
    fields = {_toml_key(f): f.name for f in dataclasses.fields(cls)}
    # Every option is in the example ...
    assert sorted(table) == sorted(fields)
    # ... with the value the code uses when it is left out.
    for key, value in table.items():
        assert value == getattr(defaults, fields[key]), f"[{section}] {key}"


def test_example_top_level_defaults() -> None:
    raw = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert raw["timezone"] == Config(path=None).timezone
    assert raw["database"] == {"url": DatabaseConfig().url}


def test_starter_file_loads(tmp_path: Path) -> None:
    starter = tmp_path / "starter.toml"
    starter.write_text(
        files("monitor").joinpath("starter.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    config = load(starter)
    # Korea against the world: the Korean boards' development categories, Hacker News, a
    # remote board, AI, autonomous-driving and medical-AI company boards.
    assert [(s.name, s.kind) for s in config.sources] == [
        ("wanted-ml", "wanted"),
        ("wanted-dev", "wanted"),
        ("jumpit-ai", "jumpit"),
        ("hn-hiring", "hn"),
        ("remotive", "remotive"),
        ("anthropic", "greenhouse"),
        ("moloco", "greenhouse"),
        ("waymo", "greenhouse"),
        ("wayve", "greenhouse"),
        ("waabi", "lever"),
        ("openevidence", "ashby"),
    ]
    text = starter.read_text(encoding="utf-8")
    # Each source says why it is there; the keyed Korean APIs stay commented, with a how-to.
    tables = text.split("\n[[sources]]\n")[1:]
    named = [t for t in tables if "Why:" in t or t.startswith('name = "wayve"')]
    assert len(named) == len(tables)
    assert '# kind = "saramin"' in text and "oapi.saramin.co.kr" in text
    assert '# kind = "work24"' in text and "work24.go.kr" in text
    assert config.http.user_agent == "jobtrend/0.1 (+mailto:you@example.com)"
    assert config.http.timeout_s == HttpConfig().timeout_s
    assert set(config.tags) == BUILTIN_TAGS


# --- discovery: --config, $JOBTREND_CONFIG, ./config.toml, the platform config dir ----------


def _write(path: Path, zone: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'timezone = "{zone}"\n', encoding="utf-8")
    return path


def test_platform_config_dir_follows_xdg(tmp_path: Path) -> None:
    assert config_dir() == tmp_path / "xdg-config" / "jobtrend"


def test_no_config_anywhere_means_the_defaults() -> None:
    config = load()
    assert config.path is None
    assert config == Config(path=None)
    assert config.sources == ()
    assert set(config.tags) == BUILTIN_TAGS
    assert config.http == HttpConfig()


def test_discovery_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    platform = _write(config_dir() / "config.toml", "Europe/Berlin")
    assert load().path == platform
    assert load().timezone == "Europe/Berlin"

    cwd = _write(tmp_path / "config.toml", "America/New_York")
    found = load()
    assert found.path is not None and found.path.resolve() == cwd
    assert found.timezone == "America/New_York"

    env = _write(tmp_path / "env" / "jobtrend.toml", "Asia/Tokyo")
    monkeypatch.setenv("JOBTREND_CONFIG", str(env))
    assert load().path == env
    assert load().timezone == "Asia/Tokyo"

    explicit = _write(tmp_path / "explicit.toml", "UTC")
    assert load(explicit).path == explicit
    assert load(str(explicit)).timezone == "UTC"


def test_cli_discovery_uses_env_and_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = tmp_path / "env.toml"
    env.write_text('[[sources]]\nname = "from-env"\nkind = "greenhouse"\nboard = "x"\n')
    flag = tmp_path / "flag.toml"
    flag.write_text('[[sources]]\nname = "from-flag"\nkind = "lever"\nsite = "y"\n')
    monkeypatch.setenv("JOBTREND_CONFIG", str(env))
    listed = json.loads(run_cli(None, "sources", "list", "--json").stdout)
    assert [s["name"] for s in listed["sources"]] == ["from-env"]
    listed = json.loads(run_cli(flag, "sources", "list", "--json").stdout)
    assert [s["name"] for s in listed["sources"]] == ["from-flag"]


def test_explicit_config_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as info:
        load(missing)
    assert str(info.value) == f"The config file {missing} does not exist."


def test_env_config_that_does_not_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "gone.toml"
    monkeypatch.setenv("JOBTREND_CONFIG", str(missing))
    with pytest.raises(ConfigError) as info:
        load()
    assert str(info.value) == f"$JOBTREND_CONFIG names {missing}, which does not exist."


def test_database_url_env_overrides_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[database]\nurl = "sqlite:///from-file.db"\n', encoding="utf-8")
    assert load(path).database_url == "sqlite:///from-file.db"
    monkeypatch.setenv("JOBTREND_DATABASE_URL", "sqlite:///from-env.db")
    assert load(path).database_url == "sqlite:///from-env.db"
    monkeypatch.delenv("JOBTREND_DATABASE_URL")
    default = load(EXAMPLE).database_url
    assert default == f"sqlite:///{tmp_path / 'xdg-data' / 'jobtrend' / 'jobtrend.db'}"


# --- errors name the file, the table and the key ---------------------------------------------

SOURCE_A = '[[sources]]\nname = "a"\nkind = "greenhouse"\n'

BAD_CONFIGS: dict[str, tuple[str, list[str]]] = {
    "unknown top-level key": (
        "timezon = 'Asia/Seoul'\n",
        ["unknown top-level key 'timezon'", "timezone"],
    ),
    "unknown key in [http]": (
        "[http]\ntimeout = 5\n",
        ["[http] key 'timeout'", "unknown key", "timeout_s"],
    ),
    "wrong type": (
        '[http]\ntimeout_s = "fast"\n',
        ["[http] key 'timeout_s'", "must be a number, not 'fast'"],
    ),
    "bool is not an integer": (
        "[http]\nmax_retries = true\n",
        ["[http] key 'max_retries'", "must be an integer, not True"],
    ),
    "section not a table": ('http = "fast"\n', ["[http] must be a table"]),
    "bad report language": (
        '[report]\nlanguage = "fr"\n',
        ["[report] key 'language'", "must be 'ko' or 'en', not 'fr'"],
    ),
    "smtp from": ("[smtp]\nfrom = 3\n", ["[smtp] key 'from'", "must be a string, not 3"]),
    "bad report schedule": (
        '[report]\nschedule = "monday 9am"\n',
        ["[report] key 'schedule'", "'monday 9am' is not a 5-field crontab expression"],
    ),
    "unknown source kind": (
        '[[sources]]\nname = "a"\nkind = "greenhous"\nboard = "x"\n',
        [
            "[[sources]] #1 ('a') key 'kind'",
            "unknown source kind 'greenhous'",
            "greenhouse",
            "lever",
        ],
    ),
    "unknown source option": (
        SOURCE_A + 'bord = "x"\n',
        [
            "[[sources]] #1 ('a') key 'bord'",
            "unknown option 'bord' for kind 'greenhouse'",
            "board",
        ],
    ),
    "missing required option": (
        SOURCE_A,
        ["[[sources]] #1 ('a') key 'board'", "kind 'greenhouse' needs the option 'board'"],
    ),
    "wrong option type": (
        SOURCE_A + "board = 7\n",
        ["[[sources]] #1 ('a') key 'board'", "must be a string, not 7"],
    ),
    "bad lever region": (
        '[[sources]]\nname = "b"\nkind = "lever"\nsite = "y"\nregion = "us"\n',
        ["[[sources]] #1 ('b') key 'region'", "must be 'global' or 'eu', not 'us'"],
    ),
    "missing name": (
        '[[sources]]\nkind = "greenhouse"\nboard = "x"\n',
        ["[[sources]] #1 key 'name'", "is required and must be a non-empty string"],
    ),
    "enabled not a bool": (
        SOURCE_A + 'board = "x"\nenabled = "yes"\n',
        ["[[sources]] #1 ('a') key 'enabled'", "must be true or false, not 'yes'"],
    ),
    "bad base_url": (
        SOURCE_A + 'board = "x"\nbase_url = "ftp://mirror"\n',
        ["[[sources]] #1 ('a') key 'base_url'", "must be scheme://host[:port][/prefix]"],
    ),
    "second table is numbered": (
        SOURCE_A + 'board = "x"\n[[sources]]\nname = "b"\nkind = "lever"\n',
        ["[[sources]] #2 ('b') key 'site'", "kind 'lever' needs the option 'site'"],
    ),
    "duplicate source names": (
        SOURCE_A + 'board = "x"\n[[sources]]\nname = "a"\nkind = "lever"\nsite = "y"\n',
        ["two [[sources]] tables are named 'a'; names must be unique"],
    ),
    "schedule not cron": (
        SOURCE_A + 'board = "x"\nschedule = "every day"\n',
        [
            "[[sources]] #1 ('a') key 'schedule'",
            "'every day' is not a 5-field crontab expression",
        ],
    ),
    "minute out of range": (
        SOURCE_A + 'board = "x"\nschedule = "61 * * * *"\n',
        ["[[sources]] #1 ('a') key 'schedule'", "'61' is outside 0-59 for the minute"],
    ),
    "weekday out of range": (
        SOURCE_A + 'board = "x"\nschedule = "0 9 * * 8"\n',
        ["[[sources]] #1 ('a') key 'schedule'", "'8' is not a day of week (0-7 or sun-sat)"],
    ),
    "weekday range backwards": (
        SOURCE_A + 'board = "x"\nschedule = "0 9 * * 5-1"\n',
        ["[[sources]] #1 ('a') key 'schedule'", "the day-of-week range '5-1' runs backwards"],
    ),
    "bad timezone": (
        'timezone = "Asia/Busan"\n',
        ["key 'timezone'", "'Asia/Busan' is not an IANA time zone"],
    ),
    "timezone not a string": ("timezone = 9\n", ["key 'timezone' must be a string"]),
    "invalid TOML": ('timezone = "Asia/Seoul\n', ["is not valid TOML", "line 1"]),
    "tag label not a string": (
        '[tags.x]\nlabel = 3\nany = ["x"]\n',
        ["[tags.x] key 'label'", "must be a non-empty string"],
    ),
    "tag any not a list": (
        '[tags.x]\nlabel = "X"\nany = "x"\n',
        ["[tags.x] key 'any'", "must be a list of strings"],
    ),
    "tag all not a list of lists": (
        '[tags.x]\nlabel = "X"\nall = [["a"], "b"]\n',
        ["[tags.x] key 'all'", "must be a list of lists of strings"],
    ),
    "tag unknown key": (
        '[tags.x]\nlabel = "X"\naliases = ["x"]\n',
        ["[tags.x] key 'aliases'", "unknown key 'aliases'"],
    ),
    "tag not a table": ("[tags]\nx = 1\n", ["[tags.x] must be a table"]),
    "implies a missing tag": (
        '[tags.x]\nlabel = "X"\nany = ["x"]\nimplies = ["robotics"]\n',
        ["[tags.x] key 'implies'", "there is no tag 'robotics'"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_CONFIGS))
def test_config_errors_name_file_table_and_key(tmp_path: Path, case: str) -> None:
    text, fragments = BAD_CONFIGS[case]
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert message.endswith("."), message
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


@pytest.mark.parametrize("case", list(BAD_CONFIGS))
def test_cli_reports_config_errors_in_one_line(tmp_path: Path, case: str) -> None:
    text, fragments = BAD_CONFIGS[case]
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    result = run_cli(path, "sources", "list")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"Error: {path}"), result.output
    assert fragments[0] in lines[0]


def test_cli_reports_a_missing_config_file(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "nope.toml", "sources", "list")
    assert result.exit_code == 2
    assert result.output == f"Error: The config file {tmp_path / 'nope.toml'} does not exist.\n"


def test_a_user_tag_replaces_the_builtin_whole(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[tags.llm]\nlabel = "Language models"\nany = ["LLM"]\n', encoding="utf-8")
    llm = load(path).tags["llm"]
    assert (llm.label, llm.any, llm.all, llm.exclude, llm.implies) == (
        "Language models",
        ("LLM",),
        (),
        (),
        (),
    )
    assert set(load(path).tags) == BUILTIN_TAGS


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("0 9 * * */0", "'*/0' has a zero step"),
        ("*/0 * * * *", "'*/0' has a zero step"),
        ("0 5-3 * * *", "the hour range '5-3' runs backwards"),
        ("0 9 31 13 *", "'13' is outside 1-12 for the month"),
        ("0 24 * * *", "'24' is outside 0-23 for the hour"),
    ],
    ids=["weekday-step-0", "minute-step-0", "hour-backwards", "month-13", "hour-24"],
)
def test_bad_schedules_fail_at_load_not_later(tmp_path: Path, schedule: str, message: str) -> None:
    # Anything load accepts must work in next_run (status and the daemon call it): a bad
    # schedule is a ConfigError now, never a ValueError from APScheduler later.
    path = tmp_path / "c.toml"
    path.write_text(SOURCE_A + f'board = "x"\nschedule = "{schedule}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(path)
    assert "[[sources]] #1 ('a') key 'schedule'" in str(info.value)
    assert message in str(info.value)


def test_month_names_are_accepted() -> None:
    fire = next_run("0 9 1 jan *", SEOUL, WEDNESDAY_NOON)
    assert fire == datetime(2027, 1, 1, 9, 0, tzinfo=SEOUL)


# --- cron weekdays: 0 and 7 are Sunday, 1 is Monday -------------------------------------------

WEDNESDAY_NOON = datetime(2026, 3, 4, 12, 0, tzinfo=SEOUL)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("0 9 * * 1", datetime(2026, 3, 9, 9, 0, tzinfo=SEOUL)),  # Monday
        ("0 9 * * 0", datetime(2026, 3, 8, 9, 0, tzinfo=SEOUL)),  # Sunday
        ("0 9 * * 7", datetime(2026, 3, 8, 9, 0, tzinfo=SEOUL)),  # Sunday too
        ("0 9 * * sun", datetime(2026, 3, 8, 9, 0, tzinfo=SEOUL)),
        ("0 9 * * 6", datetime(2026, 3, 7, 9, 0, tzinfo=SEOUL)),  # Saturday
        ("0 9 * * 3", datetime(2026, 3, 11, 9, 0, tzinfo=SEOUL)),  # Wednesday, a week on
        ("0 13 * * 3", datetime(2026, 3, 4, 13, 0, tzinfo=SEOUL)),  # later today
        ("0 9 * * 1-5", datetime(2026, 3, 5, 9, 0, tzinfo=SEOUL)),  # Thursday
        ("0 9 * * 6-7", datetime(2026, 3, 7, 9, 0, tzinfo=SEOUL)),
        ("30 */6 * * *", datetime(2026, 3, 4, 12, 30, tzinfo=SEOUL)),
    ],
)
def test_next_run_uses_cron_weekdays(expr: str, expected: datetime) -> None:
    fire = next_run(expr, SEOUL, WEDNESDAY_NOON)
    assert fire == expected
    assert fire is not None and fire.utcoffset() == expected.utcoffset()


def test_next_run_is_strictly_after() -> None:
    monday_nine = datetime(2026, 3, 9, 9, 0, tzinfo=SEOUL)
    assert next_run("0 9 * * 1", SEOUL, monday_nine) == datetime(2026, 3, 16, 9, 0, tzinfo=SEOUL)


def test_next_run_from_a_utc_instant() -> None:
    # Sunday 2026-03-08 23:30 UTC is Monday 08:30 in Seoul: the Monday run is 30 minutes away.
    after = datetime(2026, 3, 8, 23, 30, tzinfo=ZoneInfo("UTC"))
    fire = next_run("0 9 * * 1", SEOUL, after)
    assert fire == datetime(2026, 3, 9, 9, 0, tzinfo=SEOUL)


def test_monday_to_friday_fires_on_five_days() -> None:
    fires = []
    after = datetime(2026, 3, 1, 0, 0, tzinfo=SEOUL)  # a Sunday
    for _ in range(7):
        fire = next_run("0 9 * * 1-5", SEOUL, after)
        assert fire is not None
        fires.append(fire.strftime("%a %d"))
        after = fire
    assert fires == ["Mon 02", "Tue 03", "Wed 04", "Thu 05", "Fri 06", "Mon 09", "Tue 10"]


WEEKDAY = 5  # expand()'s field index of the day of week (seconds are 0)


@pytest.mark.parametrize(
    ("field", "days"),
    [
        ("*", (0, 1, 2, 3, 4, 5, 6)),
        ("1", (1,)),
        ("0", (0,)),
        ("7", (0,)),
        ("1-5", (1, 2, 3, 4, 5)),
        ("*/2", (0, 2, 4, 6)),
        ("1-5/2", (1, 3, 5)),
        ("5-7", (0, 5, 6)),
        ("0,6", (0, 6)),
        ("mon-fri", (1, 2, 3, 4, 5)),
        ("SAT,sun", (0, 6)),
    ],
)
def test_cron_weekdays_count_from_sunday(field: str, days: tuple[int, ...]) -> None:
    assert expand(field, WEEKDAY) == days


def test_cron_weekday_range_from_seven() -> None:
    # 7 is Sunday at either end of a range, never "0..7".
    assert expand("7-7", WEEKDAY) == (0,)


def test_every_second_weekday_fires_sunday_tuesday_thursday_saturday() -> None:
    fires = []
    after = datetime(2026, 3, 1, 10, 0, tzinfo=SEOUL)  # Sunday, after 09:00
    for _ in range(4):
        fire = next_run("0 9 * * */2", SEOUL, after)
        assert fire is not None
        fires.append(fire.strftime("%a %d"))
        after = fire
    assert fires == ["Tue 03", "Thu 05", "Sat 07", "Sun 08"]


def test_day_of_month_or_day_of_week_as_in_cron() -> None:
    # Cron ORs a restricted day of month and day of week: the 1st, and every Monday.
    fires = []
    after = WEDNESDAY_NOON
    for _ in range(5):
        fire = next_run("0 9 1 * 1", SEOUL, after)
        assert fire is not None
        fires.append(fire.strftime("%a %m-%d"))
        after = fire
    assert fires == ["Mon 03-09", "Mon 03-16", "Mon 03-23", "Mon 03-30", "Wed 04-01"]


def test_validate_cron_accepts_the_documented_forms() -> None:
    for expr in ("0 */6 * * *", "30 */6 * * *", "0 9 * * 1", "0 9 * * 0,7", "*/15 8-18 * * 1-5"):
        validate_cron(expr, SEOUL)
