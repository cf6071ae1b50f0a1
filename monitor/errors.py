"""Errors jobtrend raises on purpose.

The tree::

    JobtrendError              anything jobtrend reports as one sentence, never a traceback
    ├── ConfigError            a config file or option is wrong (exit code 2)
    ├── UsageError             a command-line argument is wrong (exit code 2)
    └── SourceError            one source's run failed; the others go on (exit code 1)
        ├── FetchError         the network or the server failed (after retries)
        │   └── BlockedError   robots.txt or the server refused us; retrying will not help
        ├── ParseError         a response did not have the shape its parser needs
        └── MissingKeyError    the environment variable holding an API key is unset

A source error carries ``kind`` (``fetch``, ``blocked``, ``parse``, ``key``), stored on the
failed run.
"""

from __future__ import annotations


class JobtrendError(Exception):
    """Base class: the message is one sentence a user can act on."""

    exit_code = 1


class ConfigError(JobtrendError):
    """The configuration is wrong: the message names the file, the table and the key.

    Validators deep down raise it with the bare ``key`` and a message about the value; the
    config loader re-raises it with the file and the table in front.
    """

    exit_code = 2

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class UsageError(JobtrendError):
    """A command-line argument is wrong."""

    exit_code = 2


class SourceError(JobtrendError):
    """A source could not deliver a complete listing."""

    kind = "source"


class FetchError(SourceError):
    """A request failed: connection, timeout, HTTP error, body too large, bad redirect."""

    kind = "fetch"

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None):
        super().__init__(message)
        self.url = url
        self.status = status


class BlockedError(FetchError):
    """robots.txt disallows the URL, or the server answered 401/403."""

    kind = "blocked"


class ParseError(SourceError):
    """A response lacked a field or structure the parser needs; never an empty result."""

    kind = "parse"


class MissingKeyError(SourceError):
    """A source's ``key_env`` names an environment variable that is not set (checked at
    scrape time, not at config load, so other commands work without the key)."""

    kind = "key"
