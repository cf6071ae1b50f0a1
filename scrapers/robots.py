"""What each site's robots.txt allows, as RFC 9309 reads it; used by ``scrapers.http``.

robots.txt is fetched once per scheme, host and port (``RobotsCache``, through the HTTP client's
own polite GET) and the answer becomes a ``RobotsRules``: a parsed file (2xx), "allow
everything" (4xx: there is no file), or "disallow everything" (5xx or a network failure: the
site may be in trouble and we cannot know what it wants).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
from protego import Protego

from monitor.errors import BlockedError, FetchError

# RFC 9309 asks crawlers to parse at least 500 KiB; anything after that may be ignored.
ROBOTS_MAX_BYTES = 512 * 1024


def robots_url(url: httpx.URL) -> httpx.URL:
    """The robots.txt governing ``url``: same scheme, host and port."""
    return url.copy_with(path="/robots.txt", query=None, fragment=None)


def product_token(user_agent: str) -> str:
    """The name robots.txt groups match against: "jobtrend" in "jobtrend/0.1 (+mailto:...)".

    Matching the whole header would let a group for "example" apply because the contact
    address says "@example.com".
    """
    token = user_agent.strip().split("/", 1)[0].split(None, 1)
    return token[0] if token else user_agent


class RobotsRules:
    """The verdict of one robots.txt for our user agent."""

    def __init__(
        self, robots: str, agent: str, parser: Protego | None, problem: str | None
    ) -> None:
        self.robots = robots
        self.agent = agent
        self._parser = parser
        # Set when robots.txt could not be read; then nothing on the site may be fetched.
        self.problem = problem

    @classmethod
    def from_response(cls, robots: str, agent: str, status: int, body: bytes) -> RobotsRules:
        """Rules from the final (post-redirect) answer to a robots.txt request."""
        if 200 <= status < 300:
            parser = Protego.parse(body.decode("utf-8", errors="replace"))
            return cls(robots, agent, parser, None)
        if 400 <= status < 500:
            return cls(robots, agent, None, None)
        phrase = httpx.codes.get_reason_phrase(status)
        return cls.unreachable(robots, agent, f"it answered {status} {phrase}".rstrip())

    @classmethod
    def unreachable(cls, robots: str, agent: str, problem: str) -> RobotsRules:
        return cls(robots, agent, None, problem)

    @property
    def crawl_delay(self) -> float:
        """Seconds the site asks between requests from us (0 when it says nothing)."""
        if self._parser is None:
            return 0.0
        return float(self._parser.crawl_delay(self.agent) or 0.0)

    def check(self, url: str) -> None:
        """Raise BlockedError unless robots.txt lets our user agent fetch ``url``."""
        if self.problem is not None:
            # RFC 9309: an unreachable robots.txt means "disallow everything for now". It is a
            # fetch failure (the site may be down), not a block: the next run tries again.
            raise FetchError(
                f"{url} was not fetched because {self.robots} could not be read "
                f"({self.problem}); until it can be, robots.txt rules forbid crawling.",
                url=url,
            )
        if self._parser is not None and not self._parser.can_fetch(url, self.agent):
            raise BlockedError(
                f"{url} is disallowed by {self.robots} for the user agent {self.agent!r}.",
                url=url,
            )


class RobotsCache:
    """Rules per origin for one client; threads asking together wait for a single fetch."""

    def __init__(self, agent: str, fetch: Callable[[httpx.URL], tuple[int, bytes]]) -> None:
        self.agent = agent
        # GET with retries and redirects: the final (status, body), or FetchError.
        self._fetch = fetch
        self._lock = threading.Lock()
        self._rules: dict[str, RobotsRules] = {}
        self._origin_locks: dict[str, threading.Lock] = {}

    def rules_for(self, url: httpx.URL) -> RobotsRules:
        where = robots_url(url)
        origin = str(where)
        with self._lock:
            lock = self._origin_locks.setdefault(origin, threading.Lock())
        with lock:
            rules = self._rules.get(origin)
            if rules is None:
                rules = self._rules[origin] = self._load(where)
        return rules

    def _load(self, where: httpx.URL) -> RobotsRules:
        try:
            status, body = self._fetch(where)
        except FetchError as exc:
            if exc.status:
                problem = f"it answered {exc.status} {httpx.codes.get_reason_phrase(exc.status)}"
            else:
                problem = str(exc).rstrip(".")
            return RobotsRules.unreachable(str(where), self.agent, problem)
        return RobotsRules.from_response(str(where), self.agent, status, body)
