"""Errors jobtrend raises on purpose.

The tree::

    JobtrendError                  anything jobtrend reports as one sentence, never a traceback
    ├── ConfigError                a config file or option is wrong (exit code 2)
    ├── UsageError                 a command-line argument is wrong (exit code 2)
    ├── DatabaseError              the database cannot be opened or migrated (exit code 1)
    ├── SendError                  the report's e-mail could not be sent (exit code 1)
    └── SourceError                one source's run failed; the others go on (exit code 1)
        ├── FetchError             the network or the server failed (after retries)
        │   └── BlockedError       robots.txt or the server refused us; retrying will not help
        ├── ParseError             a response did not have the shape its parser needs
        │   └── NoJobPostingError  a career page parsed fine but holds no schema.org JobPosting
        └── MissingKeyError        the environment variable holding an API key is unset

    NotModified                    not an error: a conditional GET answered 304, so the run is
                                   ``unchanged`` (raised by the fetch layer, caught by the pipeline)

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


class DatabaseError(JobtrendError):
    """The database cannot be opened or migrated."""


class SendError(JobtrendError):
    """The weekly report's e-mail could not be sent: the message names the server and what to
    check, and never the password."""


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


class NoJobPostingError(ParseError):
    """A page parsed fine but carries no schema.org JobPosting."""


class MissingKeyError(SourceError):
    """A source's ``key_env`` names an environment variable that is not set (checked at
    scrape time, not at config load, so other commands work without the key)."""

    kind = "key"


class NotModified(Exception):
    """A conditional GET answered 304: what we stored last time is still current."""

    def __init__(self, url: str) -> None:
        super().__init__(f"{url} has not changed since the last run.")
        self.url = url
