"""Configuration: a TOML file validated into typed objects, with every default in this module.

Discovery: ``--config PATH``, ``$JOBTREND_CONFIG``, ``./config.toml``, the platform config dir;
no file means the built-in defaults. A wrong key, type or kind is one ``ConfigError`` naming
the file, the table and the key.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from monitor.errors import ConfigError
from monitor.schedule import validate_cron
from monitor.taxonomy import TagDef, builtin_tags, tagdef_from_table
from scrapers.base import (
    COMMON_OPTIONS,
    build_options,
    check_value,
    is_kind,
    kinds,
    source_class,
    type_name,
)

APP_NAME = "jobtrend"
CONFIG_ENV = "JOBTREND_CONFIG"
DATABASE_ENV = "JOBTREND_DATABASE_URL"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'jobtrend.db'}"


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = ""  # empty: SQLite in the platform data dir


@dataclass(frozen=True)
class HttpConfig:
    user_agent: str = "jobtrend/0.1 (+https://github.com/jobtrend/jobtrend)"
    timeout_s: float = 20.0
    request_deadline_s: float = 120.0
    run_deadline_s: float = 1800.0
    per_host_concurrency: int = 2
    min_interval_s: float = 1.0
    max_body_mb: float = 20.0
    max_retries: int = 3
    backoff_s: float = 2.0
    retry_after_cap_s: float = 120.0
    obey_robots: bool = True
    stale_after_days: int = 14

    def __post_init__(self) -> None:
        _within(self, "timeout_s", 0.01, HOUR_S)
        _within(self, "request_deadline_s", 0.01, HOUR_S)
        _within(self, "run_deadline_s", 0.01, 24 * HOUR_S)
        _within(self, "per_host_concurrency", 1, 16)
        _within(self, "min_interval_s", 0, HOUR_S)
        _within(self, "max_body_mb", 0.01, 1024)  # 10 kB .. 1 GB
        _within(self, "max_retries", 0, 20)
        _within(self, "backoff_s", 0, HOUR_S)
        _within(self, "retry_after_cap_s", 0, HOUR_S)
        _within(self, "stale_after_days", 1, 3650)
        if not self.user_agent.strip():
            raise ConfigError("must not be empty: say who you are", key="user_agent")


@dataclass(frozen=True)
class ReportConfig:
    schedule: str = "0 9 * * 1"
    language: Literal["ko", "en"] = "ko"
    tags: list[str] = field(
        default_factory=lambda: ["llm", "multimodal_llm", "autonomous_driving", "medical"]
    )
    to: list[str] = field(default_factory=list)
    out_dir: str = ""  # empty: platform data dir / reports


@dataclass(frozen=True)
class SmtpConfig:
    host: str = ""
    port: int = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str = ""
    password_env: str = "JOBTREND_SMTP_PASSWORD"
    from_: str = ""  # TOML key `from`
    ca_file: str = ""

    def __post_init__(self) -> None:
        if not 1 <= self.port <= 65535:
            raise ConfigError(f"must be a port number 1-65535, not {self.port}", key="port")


@dataclass(frozen=True)
class DaemonConfig:
    alert_after_failures: int = 3
    shutdown_grace_s: float = 30.0
    log_file: str = ""

    def __post_init__(self) -> None:
        _within(self, "alert_after_failures", 1, 1000)
        _within(self, "shutdown_grace_s", 0, HOUR_S)


HOUR_S = 3600.0


def _within(section: Any, key: str, low: float, high: float) -> None:
    """A finite number from ``low`` to ``high`` (inf, nan and absurd sizes are refused here,
    not when a scrape trips over them)."""
    value = getattr(section, key)
    if not math.isfinite(value) or not low <= value <= high:
        raise ConfigError(f"must be a number from {low:g} to {high:g}, not {value!r}", key=key)


NOTIFY = ("immediate", "daily", "weekly")
_CLOCK_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class WatchConfig:
    """A ``[[watches]]`` table: tell me the day a job matching any of ``terms`` appears.

    The filters read as in ``query`` (``country`` is a list of ISO codes or "remote").
    ``notify``: ``immediate`` after each scrape, ``daily`` at ``notify_at`` in the configured
    zone, ``weekly`` as a section of the report (mailed with it, to ``[report] to``). ``to``
    defaults to ``[report] to``."""

    name: str
    terms: list[str]
    country: list[str] = field(default_factory=list)
    level: Literal["entry", "experienced"] | None = None
    companies: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    notify: Literal["immediate", "daily", "weekly"] = "daily"
    notify_at: str = "08:00"
    to: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ConfigError("must be a non-empty string", key="name")
        if not self.terms or any(not term.strip() for term in self.terms):
            raise ConfigError("must list at least one tag or term, none of them blank", key="terms")
        if not _CLOCK_TIME.match(self.notify_at):
            raise ConfigError(f"must be a time HH:MM, not {self.notify_at!r}", key="notify_at")

    @property
    def hour_minute(self) -> tuple[int, int]:
        hour, minute = self.notify_at.split(":")
        return int(hour), int(minute)


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str
    options: Any
    schedule: str
    company: str | None = None
    enabled: bool = True
    base_url: str | None = None

    def build(self) -> Any:
        """A ready source object of this table's kind."""
        cls = source_class(self.kind)
        return cls(self.name, self.options, base_url=self.base_url, company=self.company)


@dataclass(frozen=True)
class Config:
    path: Path | None
    timezone: str = "Asia/Seoul"
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    http: HttpConfig = field(default_factory=HttpConfig)
    sources: tuple[SourceConfig, ...] = ()
    tags: dict[str, TagDef] = field(default_factory=builtin_tags)
    report: ReportConfig = field(default_factory=ReportConfig)
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    daemon: DaemonConfig = field(default_factory=DaemonConfig)
    watches: tuple[WatchConfig, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def database_url(self) -> str:
        return os.environ.get(DATABASE_ENV) or self.database.url or default_database_url()

    def source(self, name: str) -> SourceConfig:
        for src in self.sources:
            if src.name == name:
                return src
        known = ", ".join(s.name for s in self.sources) or "none configured"
        raise ConfigError(f"There is no source named {name!r} (configured: {known}).")


def discover(explicit: str | Path | None) -> Path | None:
    """The config file to read, or None for the built-in defaults."""
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ConfigError(f"The config file {path} does not exist.")
        return path
    env = os.environ.get(CONFIG_ENV)
    if env:
        path = Path(env).expanduser()
        if not path.is_file():
            raise ConfigError(f"${CONFIG_ENV} names {path}, which does not exist.")
        return path
    for candidate in (Path("config.toml"), config_dir() / "config.toml"):
        if candidate.is_file():
            return candidate
    return None


def load(explicit: str | Path | None = None) -> Config:
    """Find and load the configuration."""
    path = discover(explicit)
    if path is None:
        return Config(path=None)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} cannot be read: {exc}.") from None
    return parse(raw, path)


_SECTIONS = {
    "database": DatabaseConfig,
    "http": HttpConfig,
    "report": ReportConfig,
    "smtp": SmtpConfig,
    "daemon": DaemonConfig,
}


def parse(raw: dict[str, Any], path: Path | None) -> Config:
    """Validate a decoded TOML document into a Config."""
    where = str(path) if path else "the configuration"

    def fail(table: str, exc: ConfigError) -> ConfigError:
        key = f" key {exc.key!r}" if exc.key else ""
        return ConfigError(f"{where}: {table}{key}: {exc}.")

    known = {"timezone", "sources", "tags", "watches", *_SECTIONS}
    for key in raw:
        if key not in known:
            raise ConfigError(
                f"{where}: unknown top-level key {key!r} (expected one of: "
                f"{', '.join(sorted(known))})."
            )
    timezone = raw.get("timezone", "Asia/Seoul")
    if not isinstance(timezone, str):
        raise ConfigError(f"{where}: key 'timezone' must be a string such as 'Asia/Seoul'.")
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{where}: key 'timezone' = {timezone!r} is not an IANA time zone such as 'Asia/Seoul'."
        ) from None

    sections: dict[str, Any] = {}
    for name, cls in _SECTIONS.items():
        table = raw.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: [{name}] must be a table.")
        try:
            sections[name] = build_section(cls, table)
        except ConfigError as exc:
            raise fail(f"[{name}]", exc) from None
    try:
        validate_cron(sections["report"].schedule, zone)
    except ConfigError as exc:
        raise fail("[report] key 'schedule'", exc) from None

    sources_raw = raw.get("sources", [])
    if not isinstance(sources_raw, list):
        raise ConfigError(f"{where}: 'sources' must be an array of tables ([[sources]]).")
    sources: list[SourceConfig] = []
    for index, table in enumerate(sources_raw, start=1):
        label = f"[[sources]] #{index}"
        if isinstance(table, dict) and isinstance(table.get("name"), str):
            label += f" ({table['name']!r})"
        try:
            sources.append(build_source(table, zone))
        except ConfigError as exc:
            raise fail(label, exc) from None
    _unique_names("sources", [s.name for s in sources], where)

    tags = dict(builtin_tags())
    tags_raw = raw.get("tags", {})
    if not isinstance(tags_raw, dict):
        raise ConfigError(f"{where}: 'tags' must be tables such as [tags.llm].")
    for key, table in tags_raw.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: [tags.{key}] must be a table.")
        try:
            tags[key] = tagdef_from_table(key, table)
        except ConfigError as exc:
            raise fail(f"[tags.{key}]", exc) from None
    for key, tag in tags.items():
        for implied in tag.implies:
            if implied not in tags:
                raise ConfigError(
                    f"{where}: [tags.{key}] key 'implies': there is no tag {implied!r}."
                )

    watches = _watches(raw.get("watches", []), where, fail)

    return Config(
        path=path,
        timezone=timezone,
        sources=tuple(sources),
        watches=watches,
        tags=tags,
        **sections,
    )


def _unique_names(array: str, names: list[str], where: str) -> None:
    """Each table of ``[[array]]`` has its own name."""
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(
                f"{where}: two [[{array}]] tables are named {name!r}; names must be unique."
            )


def _watches(
    tables: Any, where: str, fail: Callable[[str, ConfigError], ConfigError]
) -> tuple[WatchConfig, ...]:
    if not isinstance(tables, list):
        raise ConfigError(f"{where}: 'watches' must be an array of tables ([[watches]]).")
    watches: list[WatchConfig] = []
    for index, table in enumerate(tables, start=1):
        label = f"[[watches]] #{index}"
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: {label} must be a table.")
        if isinstance(table.get("name"), str):
            label += f" ({table['name']!r})"
        for key in ("name", "terms"):
            if key not in table:
                raise fail(label, ConfigError("is required", key=key))
        try:
            watches.append(build_section(WatchConfig, table))
        except ConfigError as exc:
            raise fail(label, exc) from None
    _unique_names("watches", [w.name for w in watches], where)
    return tuple(watches)


def build_section(cls: type[Any], table: dict[str, Any]) -> Any:
    """Check a plain section's keys and types against its dataclass and build it."""
    hints = typing.get_type_hints(cls)
    fields = {f.name.rstrip("_"): f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in fields:
            raise ConfigError(
                f"unknown key (expected one of: {', '.join(sorted(fields))})", key=key
            )
        tp = hints[fields[key]]
        if tp is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not check_value(value, tp):
            raise ConfigError(f"must be {type_name(tp)}, not {value!r}", key=key)
        values[fields[key]] = value
    return cls(**values)


def build_source(table: Any, zone: ZoneInfo) -> SourceConfig:
    if not isinstance(table, dict):
        raise ConfigError("must be a table")
    for key in ("name", "kind"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise ConfigError("is required and must be a non-empty string", key=key)
    kind = table["kind"]
    if not is_kind(kind):
        raise ConfigError(
            f"unknown source kind {kind!r} (known kinds: {', '.join(kinds())})",
            key="kind",
        )
    cls = source_class(kind)
    common: dict[str, Any] = {}
    for key, tp in (("company", str), ("base_url", str), ("schedule", str), ("enabled", bool)):
        if key in table and not check_value(table[key], tp):
            raise ConfigError(f"must be {type_name(tp)}, not {table[key]!r}", key=key)
        if key in table:
            common[key] = table[key]
    if "base_url" in common:
        base = common["base_url"]
        if not base.startswith(("http://", "https://")) or "?" in base or "#" in base:
            raise ConfigError(
                f"must be scheme://host[:port][/prefix], not {base!r}", key="base_url"
            )
        if not cls.default_base_url:
            raise ConfigError(f"kind {kind!r} takes no base_url", key="base_url")
    schedule = common.get("schedule", cls.default_schedule)
    try:
        validate_cron(schedule, zone)
    except ConfigError as exc:
        raise ConfigError(str(exc), key="schedule") from None
    own = {k: v for k, v in table.items() if k not in COMMON_OPTIONS}
    if "timezone" not in own and "timezone" in {f.name for f in dataclasses.fields(cls.Options)}:
        # A kind reading times without an offset (jsonld) reads them in the configured zone.
        own["timezone"] = zone.key
    options = build_options(cls, own)
    return SourceConfig(
        name=table["name"],
        kind=kind,
        options=options,
        schedule=schedule,
        company=common.get("company"),
        enabled=common.get("enabled", True),
        base_url=common.get("base_url"),
    )
