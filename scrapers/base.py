"""The source contract and the registry of source kinds.

A source kind is one module with one class: a ``kind`` name, an ``Options`` dataclass for the
options its ``[[sources]]`` table may carry, a pure ``parse(body, url)`` for one response and
``fetch(client)`` built on it (paging, detail requests). The HTTP client is passed in.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

from monitor.errors import ConfigError, ParseError
from monitor.posting import RawPosting

if typing.TYPE_CHECKING:
    from scrapers.http import HttpClient

# A kind is a module of this package named after it that sets ``SOURCE = TheClass``; modules
# are imported only when their kind is used, so `--help` stays fast and adding a kind touches
# no shared file.
NOT_KINDS = frozenset({"base", "http", "robots"})

# Options every [[sources]] table may carry, handled by the config loader, not the kind.
COMMON_OPTIONS = frozenset({"name", "kind", "schedule", "company", "enabled", "base_url"})


@dataclass(frozen=True)
class NoOptions:
    """A kind without options of its own."""


class Source:
    """Base class of every source kind."""

    kind: ClassVar[str] = ""
    description: ClassVar[str] = ""
    Options: ClassVar[type[Any]] = NoOptions
    default_base_url: ClassVar[str] = ""
    # True when the request itself filters by keyword: such postings never enter denominators.
    # A kind whose filtering depends on its options overrides ``is_query_filtered``.
    query_filtered: ClassVar[bool] = False
    # Hacker News threads close on their own schedule and are exempt from the suspect rule.
    suspect_exempt: ClassVar[bool] = False
    # A posting is first seen (and new) at its own ``posted_at``, back-fills included, instead
    # of at the run that found it (Hacker News comments).
    seen_at_posted: ClassVar[bool] = False
    # Who to credit where the site's terms ask for a link back and a name (reports show it).
    attribution: ClassVar[str] = ""
    attribution_url: ClassVar[str] = ""  # the link back the terms ask for
    # Used when a [[sources]] table has no `schedule`; sources whose terms limit how often
    # they may be asked set their own.
    default_schedule: ClassVar[str] = "0 */6 * * *"

    def __init__(
        self,
        name: str,
        options: Any = None,
        *,
        base_url: str | None = None,
        company: str | None = None,
    ) -> None:
        self.name = name
        self.options = options if options is not None else self.Options()
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        self.company = company
        # Things a complete listing could not include (a detail page, a bad block), per run.
        self.skipped: list[str] = []
        # External ids already stored with their details, set by the pipeline before fetch:
        # kinds with a detail budget fetch details only for the others.
        self.known_ids: frozenset[str] = frozenset()

    def is_query_filtered(self) -> bool:
        """Whether this source's requests filter by keyword (kept out of denominators)."""
        return self.query_filtered

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        """Parse one response into postings and the next page's URL (or None)."""
        raise NotImplementedError

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        """Yield every posting of the listing, following pages; raise SourceError on failure."""
        raise NotImplementedError

    def rebase(self, url: str) -> str:
        """Move an absolute URL found in a payload onto ``base_url`` (scheme, host, prefix)."""
        if not self.default_base_url or self.base_url == self.default_base_url.rstrip("/"):
            return url
        found = urlsplit(url)
        default = urlsplit(self.default_base_url)
        base = urlsplit(self.base_url)
        path = found.path
        if default.path and path.startswith(default.path):
            path = path[len(default.path.rstrip("/")) :]
        return urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + path, found.query, ""))


def load_json(body: bytes, url: str) -> Any:
    """Decode a JSON body or raise ParseError naming the URL."""
    import json

    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"The response from {url} is not valid JSON ({exc}).") from exc
    except RecursionError:  # a hostile body nested thousands deep
        raise ParseError(f"The response from {url} is JSON nested too deeply to read.") from None


def source_class(kind: str) -> type[Source]:
    """The class of ``kind``; KeyError if there is no such kind."""
    if not kind.isidentifier() or kind in NOT_KINDS or kind.startswith("_"):
        raise KeyError(kind)
    name = f"{__package__}.{kind}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            raise KeyError(kind) from None
        raise
    cls = getattr(module, "SOURCE", None)
    if not (isinstance(cls, type) and issubclass(cls, Source)):
        raise KeyError(kind)
    return cls


def is_kind(kind: str) -> bool:
    try:
        source_class(kind)
    except KeyError:
        return False
    return True


def kinds() -> list[str]:
    """Every kind in this package, sorted (imports each source module)."""
    package = importlib.import_module(__package__ or "scrapers")
    names = [m.name for m in pkgutil.iter_modules(package.__path__) if not m.ispkg]
    return sorted(name for name in names if is_kind(name))


def type_name(tp: Any) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}
    if tp in names:
        return names[tp]
    origin = typing.get_origin(tp)
    if origin is list:
        item = type_name(typing.get_args(tp)[0])
        return "a list of " + item.removeprefix("an ").removeprefix("a ") + "s"
    if origin in (types.UnionType, typing.Union):
        return " or ".join(type_name(a) for a in typing.get_args(tp) if a is not type(None))
    if origin is typing.Literal:
        return " or ".join(repr(a) for a in typing.get_args(tp))
    return str(tp)


def check_value(value: Any, tp: Any) -> bool:
    if tp is bool:
        return isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if tp is str:
        return isinstance(value, str)
    origin = typing.get_origin(tp)
    if origin is list:
        (item,) = typing.get_args(tp)
        return isinstance(value, list) and all(check_value(v, item) for v in value)
    if origin in (types.UnionType, typing.Union):
        return any(check_value(value, a) for a in typing.get_args(tp))
    if origin is typing.Literal:
        return value in typing.get_args(tp)
    return isinstance(value, tp)


def build_options(cls: type[Source], raw: dict[str, Any]) -> Any:
    """Validate a table's own options into ``cls.Options``.

    Raises ConfigError with the bare ``key`` and a message naming what was expected; the
    config loader adds the file and the table.
    """
    hints = typing.get_type_hints(cls.Options)
    fields = {f.name: f for f in dataclasses.fields(cls.Options)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in fields:
            known = ", ".join(sorted(fields)) or "none"
            raise ConfigError(
                f"unknown option {key!r} for kind {cls.kind!r} (its options: {known})", key=key
            )
        tp = hints[key]
        if not check_value(value, tp):
            raise ConfigError(f"{key!r} must be {type_name(tp)}, not {value!r}", key=key)
        values[key] = value
    missing = [
        name
        for name, f in fields.items()
        if name not in values
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise ConfigError(f"kind {cls.kind!r} needs the option {missing[0]!r}", key=missing[0])
    return cls.Options(**values)


def describe_options(cls: type[Source]) -> list[tuple[str, str, Any]]:
    """(name, type description, default or MISSING) for each own option, for `sources list`."""
    hints = typing.get_type_hints(cls.Options)
    out = []
    for f in dataclasses.fields(cls.Options):
        default: Any = f.default
        if f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        out.append((f.name, type_name(hints[f.name]), default))
    return out
