"""The one fetch layer every source uses, so every source is polite in the same way.

``HttpClient.get`` sends our User-Agent, obeys robots.txt, keeps a per-host (host:port)
concurrency limit and a minimum interval between request starts (at least the robots.txt
Crawl-delay), retries 429/5xx/timeouts with backoff and ``Retry-After``, follows at most five
http(s) redirects by hand, caps the body size and does conditional GETs. Every failure is a
typed ``FetchError``/``BlockedError``, never a bare httpx exception and never an empty body.

Sources run in worker threads that share one client, so all per-host state is locked. Time is
read and slept only through the injected callables, so tests never sleep for real.
"""

from __future__ import annotations

import copy
import email.utils
import logging
import math
import re
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import httpx

from monitor.errors import BlockedError, FetchError, NotModified
from scrapers.decoding import ACCEPT_ENCODING, decoded, encodings_of
from scrapers.robots import ROBOTS_MAX_BYTES, RobotsCache, product_token

__all__ = ["HttpClient", "HttpPolicy", "Response", "Validators"]

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Transport failures worth another try; anything else (bad URL, proxy, decoding) will not heal.
RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
# Credentials the caller meant for one origin must not follow a redirect to another.
PRIVATE_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
DEFAULT_PORTS = {"http": 80, "https": 443}
# Where a redirect's Location is kept away from httpx (see HttpClient._take_location).
LOCATION = "x-jobtrend-location"


# Query parameters that carry API keys (Saramin's access-key, Work24's authKey, ...): masked in
# every log line and error message, which end up in the database and in e-mails.
_SECRETS = re.compile(
    r"((?:access[-_]?key|auth[-_]?key|api[-_]?key|apikey|token|secret|password)=)[^&\s#]+",
    re.IGNORECASE,
)


def mask_secrets(text: str, *secrets: str) -> str:
    """``text`` with the values of key-like query parameters, and each of ``secrets`` (the
    keys themselves, wherever a board quotes them), replaced by ***."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return _SECRETS.sub(r"\1***", text)


class SecretFilter(logging.Filter):
    """Masks secrets in every record it sees, httpx's own "HTTP Request: GET ..." lines
    included (they print the full URL, query and key)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


# httpx logs each request at INFO on its own logger: masked at the source, whoever handles it.
logging.getLogger("httpx").addFilter(SecretFilter())


@dataclass(frozen=True)
class HttpPolicy:
    """How politely to fetch; the defaults live in monitor/config.py."""

    user_agent: str
    timeout_s: float
    per_host_concurrency: int
    min_interval_s: float  # per host:port, between request starts
    max_body_bytes: int
    max_retries: int  # extra attempts after the first
    backoff_s: float  # base of the exponential backoff: backoff_s * 2**attempt
    retry_after_cap_s: float
    obey_robots: bool
    # A whole request, body included, however slowly it drips; a whole source run (a view).
    request_deadline_s: float = 120.0
    run_deadline_s: float = 1800.0


@dataclass(frozen=True)
class Validators:
    """What a server said identifies a response, for the next conditional GET."""

    etag: str | None
    last_modified: str | None


@dataclass
class Response:
    """A complete, successful answer; ``url`` is the final URL after redirects."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes

    def json(self) -> Any:
        from scrapers.base import load_json

        return load_json(self.content, self.url)


class _Host:
    """Politeness state of one host:port, shared by every thread."""

    def __init__(self, concurrency: int, interval: float) -> None:
        self.slots = threading.BoundedSemaphore(concurrency)
        self.lock = threading.Lock()
        self.interval = interval
        self.last_start = -math.inf
        # A Retry-After is about the host, not one request: no thread starts before this.
        self.not_before = -math.inf

    def reserve(self, now: float) -> float:
        """Book the next start slot and return how long to wait for it."""
        with self.lock:
            start = max(now, self.last_start + self.interval, self.not_before)
            self.last_start = start
            return start - now


def _phrase(status: int) -> str:
    return f"{status} {httpx.codes.get_reason_phrase(status)}".rstrip()


def _attempts(n: int) -> str:
    return f"{n} attempt" if n == 1 else f"{n} attempts"


class HttpClient:
    """A thread-safe, polite GET client; see the module docstring."""

    def __init__(
        self,
        policy: HttpPolicy,
        *,
        transport: httpx.BaseTransport | None = None,
        validators: Mapping[str, Validators] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if policy.per_host_concurrency < 1 or policy.max_retries < 0 or policy.max_body_bytes < 1:
            raise ValueError(f"invalid HttpPolicy: {policy!r}")
        self.policy = policy
        self.validators: dict[str, Validators] = dict(validators or {})
        self.new_validators: dict[str, Validators] = {}
        self.requests = 0
        self.bytes_received = 0
        self._sleep = sleep
        self._monotonic = monotonic
        self._wall_clock = wall_clock
        self._lock = threading.Lock()
        self._hosts: dict[str, _Host] = {}
        self._robots = RobotsCache(product_token(policy.user_agent), self._fetch_robots)
        self._run_ends: float | None = None  # a view's run deadline (monotonic)
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(policy.timeout_s),
            follow_redirects=False,  # by hand: each hop must pass robots and host limits
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            event_hooks={"response": [self._take_location]},
        )

    @staticmethod
    def _take_location(response: httpx.Response) -> None:
        # httpx parses Location even with follow_redirects=False and raises its own errors on
        # odd ones (javascript:..., a scheme without a host); we judge redirects ourselves.
        if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
            response.headers[LOCATION] = response.headers.pop("location")

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def view(self, validators: Mapping[str, Validators] | None = None) -> HttpClient:
        """A client for one source's run: shared connections, host limits and robots.txt,
        its own ``requests``, ``bytes_received`` and ``new_validators`` (and ``validators``,
        when given: a long-lived client reads them afresh for each run). Don't close it."""
        other = copy.copy(self)
        if validators is not None:
            other.validators = dict(validators)
        other._run_ends = self._monotonic() + self.policy.run_deadline_s
        other.requests = 0
        other.bytes_received = 0
        other.new_validators = {}
        return other

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
    ) -> Response:
        """GET ``url`` politely; raise FetchError/BlockedError, or NotModified on a 304."""
        try:
            full = httpx.URL(url)
            if params:
                full = full.copy_merge_params(dict(params))
        except (httpx.InvalidURL, TypeError, UnicodeError) as exc:
            raise FetchError(f"{url} is not a valid URL ({exc}).", url=url) from exc
        if full.scheme not in DEFAULT_PORTS:
            raise FetchError(f"{url} is not an http(s) URL.", url=url)
        key = str(full)
        sent = dict(headers or {})
        known = self.validators.get(key) if conditional else None
        if known is not None:
            if known.etag:
                sent["If-None-Match"] = known.etag
            if known.last_modified:
                sent["If-Modified-Since"] = known.last_modified
        try:
            final, response, body = self._follow(
                full, sent, obey_robots=self.policy.obey_robots, limit=self.policy.max_body_bytes
            )
        except FetchError as exc:
            masked = mask_secrets(str(exc))
            if masked == str(exc):
                raise
            raise type(exc)(
                masked, url=mask_secrets(exc.url or ""), status=exc.status
            ) from exc.__cause__
        status = response.status_code
        where = mask_secrets(str(final))
        if status == 304 and conditional:
            raise NotModified(key)
        if status in (401, 403):
            raise BlockedError(
                f"{where} answered {_phrase(status)}; the site refuses our requests.",
                url=where,
                status=status,
            )
        if status in (404, 410):
            raise FetchError(
                f"{where} answered {_phrase(status)}; check the board or site name in the "
                "source's options.",
                url=where,
                status=status,
            )
        if not 200 <= status < 300:
            raise FetchError(f"{where} answered {_phrase(status)}.", url=where, status=status)
        if conditional:
            etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
            if etag or modified:
                with self._lock:
                    self.new_validators[key] = Validators(etag, modified)
        return Response(str(final), status, response.headers, body)

    def _follow(
        self,
        url: httpx.URL,
        headers: dict[str, str],
        *,
        obey_robots: bool,
        limit: int,
        truncate: bool = False,
    ) -> tuple[httpx.URL, httpx.Response, bytes]:
        """Follow up to MAX_REDIRECTS http(s) redirects; each hop is checked like the first."""
        start = url
        for _hop in range(MAX_REDIRECTS + 1):
            if obey_robots:
                rules = self._robots.rules_for(url)
                host = self._host(url)
                with host.lock:
                    # A Crawl-delay of an hour would park a worker for a day; cap it.
                    delay = min(rules.crawl_delay, self.policy.retry_after_cap_s)
                    host.interval = max(self.policy.min_interval_s, delay)
                rules.check(str(url))
            response, body = self._with_retries(url, headers, limit=limit, truncate=truncate)
            location = response.headers.get(LOCATION)
            if response.status_code not in REDIRECT_STATUSES or not location:
                return url, response, body
            try:
                target = url.join(location)
            except httpx.InvalidURL as exc:
                raise FetchError(
                    f"{url} redirected to an invalid address {location!r}.", url=str(url)
                ) from exc
            if target.scheme not in DEFAULT_PORTS:
                raise FetchError(
                    f"{url} redirected to {location}, which is not an http(s) URL.", url=str(url)
                )
            log.debug("redirect %s -> %s", mask_secrets(str(url)), mask_secrets(str(target)))
            if self._host_key(target) != self._host_key(url) or target.scheme != url.scheme:
                headers = {k: v for k, v in headers.items() if k.lower() not in PRIVATE_HEADERS}
            url = target
        raise FetchError(
            f"{start} led to too many redirects (more than {MAX_REDIRECTS}).", url=str(start)
        )

    def _with_retries(
        self, url: httpx.URL, headers: dict[str, str], *, limit: int, truncate: bool
    ) -> tuple[httpx.Response, bytes]:
        """One request, retried on 429/5xx, timeouts and connection errors."""
        attempts = self.policy.max_retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response, body = self._send(url, headers, limit=limit, truncate=truncate)
            except RETRY_ERRORS as exc:
                if isinstance(exc, httpx.TimeoutException):
                    problem = f"timed out after {self.policy.timeout_s:g} s"
                else:
                    problem = f"failed to connect or read ({type(exc).__name__}: {exc})"
                if last:
                    raise FetchError(
                        f"Fetching {url} failed after {_attempts(attempts)}; "
                        f"the last one {problem}.",
                        url=str(url),
                    ) from exc
                delay = self.policy.backoff_s * 2**attempt
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, UnicodeError) as exc:
                raise FetchError(f"Fetching {url} failed ({exc}).", url=str(url)) from exc
            else:
                status = response.status_code
                if status not in RETRY_STATUSES:
                    return response, body
                if last:
                    raise FetchError(
                        f"{url} kept answering {_phrase(status)} after {_attempts(attempts)}.",
                        url=str(url),
                        status=status,
                    )
                problem = f"answered {_phrase(status)}"
                asked = self._retry_after(response.headers.get("retry-after"))
                if asked is None:
                    delay = self.policy.backoff_s * 2**attempt
                else:
                    delay = asked
                    host = self._host(url)
                    with host.lock:
                        host.not_before = max(host.not_before, self._monotonic() + delay)
            log.debug(
                "%s %s; retry %d of %d in %.2f s",
                mask_secrets(str(url)),
                problem,
                attempt + 1,
                attempts - 1,
                delay,
            )
            if delay > 0:
                self._sleep(delay)
        raise AssertionError("unreachable")  # the loop always returns or raises

    def _retry_after(self, value: str | None) -> float | None:
        """Seconds a Retry-After header asks for (delta or HTTP-date), capped; None if absent."""
        if not value:
            return None
        value = value.strip()
        if value.isdigit():
            delay = float(value)
        else:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            delay = when.timestamp() - self._wall_clock()
        return min(max(delay, 0.0), self.policy.retry_after_cap_s)

    def _send(
        self, url: httpx.URL, headers: dict[str, str], *, limit: int, truncate: bool
    ) -> tuple[httpx.Response, bytes]:
        """Send one request within the host's limits; read the body of a 2xx answer."""
        host = self._host(url)
        ends, what = self._deadline()
        # The slot is held until the body is read: the limit is on open exchanges.
        with host.slots:
            wait = host.reserve(self._monotonic())
            if wait > 0:
                log.debug("waiting %.2f s before %s", wait, mask_secrets(str(url)))
                self._sleep(wait)
            self._check_deadline(url, ends, what)
            log.debug("GET %s", mask_secrets(str(url)))
            with self._lock:
                self.requests += 1
            request = self._client.build_request(
                "GET", url, headers={**headers, "User-Agent": self.policy.user_agent}
            )
            response = self._client.send(request, stream=True)
            try:
                body = b""
                if 200 <= response.status_code < 300:
                    body = self._read_body(str(url), response, limit, truncate, ends, what)
            finally:
                response.close()
                with self._lock:
                    # Bytes off the wire; a mock transport hands content over unread.
                    self.bytes_received += response.num_bytes_downloaded or len(body)
        return response, body

    def _deadline(self) -> tuple[float, str]:
        """When the request now starting must be done (monotonic), and which limit that is."""
        ends = self._monotonic() + self.policy.request_deadline_s
        what = f"the request deadline of {self.policy.request_deadline_s:g} s"
        if self._run_ends is not None and self._run_ends < ends:
            ends, what = self._run_ends, f"the run deadline of {self.policy.run_deadline_s:g} s"
        return ends, what

    def _check_deadline(self, url: httpx.URL | str, ends: float, what: str) -> None:
        if self._monotonic() > ends:
            raise FetchError(f"Fetching {mask_secrets(str(url))} passed {what}.", url=str(url))

    def _read_body(
        self,
        url: str,
        response: httpx.Response,
        limit: int,
        truncate: bool,
        ends: float,
        what: str,
    ) -> bytes:
        def too_large() -> FetchError:
            return FetchError(
                f"{url} sent a body larger than the {limit / 2**20:g} MB limit.", url=url
            )

        length = response.headers.get("content-length", "")
        encodings = encodings_of(response.headers.get("content-encoding", ""))
        if not truncate and not encodings and length.isdigit() and int(length) > limit:
            raise too_large()
        # Decoded here, not by httpx: the cap holds at every layer of a nested encoding.
        raw: Iterable[bytes] = response.iter_raw() if not response.is_stream_consumed else ()
        if response.is_stream_consumed:
            # Built in memory (a mock transport): httpx has read and decoded it already.
            raw, encodings = [response.content], []
        cap = limit if not truncate else 1 << 62
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in decoded(raw, encodings, cap, too_large):
                self._check_deadline(url, ends, what)
                if size + len(chunk) > limit:
                    if not truncate:
                        raise too_large()
                    chunks.append(chunk[: limit - size])
                    break
                chunks.append(chunk)
                size += len(chunk)
        except (ValueError, zlib.error) as exc:
            raise FetchError(f"{url} sent a body that cannot be decoded ({exc}).", url=url) from exc
        return b"".join(chunks)

    def _host_key(self, url: httpx.URL) -> str:
        return f"{url.raw_host.decode('ascii')}:{url.port or DEFAULT_PORTS[url.scheme]}"

    def _host(self, url: httpx.URL) -> _Host:
        key = self._host_key(url)
        with self._lock:
            host = self._hosts.get(key)
            if host is None:
                host = _Host(self.policy.per_host_concurrency, self.policy.min_interval_s)
                self._hosts[key] = host
            return host

    def _fetch_robots(self, where: httpx.URL) -> tuple[int, bytes]:
        _, response, body = self._follow(
            where, {}, obey_robots=False, limit=ROBOTS_MAX_BYTES, truncate=True
        )
        return response.status_code, body
