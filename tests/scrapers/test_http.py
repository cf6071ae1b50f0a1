"""Tests of the shared fetch layer: politeness, retries, redirects, size cap, conditional GET.

No network except one real server on 127.0.0.1; time is a fake clock that only moves when the
client sleeps, so every wait the client takes shows up, exactly, in ``clock.sleeps``.
"""

from __future__ import annotations

import email.utils
import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from monitor.errors import BlockedError, FetchError, NotModified, ParseError
from scrapers.http import HttpClient, HttpPolicy, Validators

UA = "jobtrend-test/0.1 (+mailto:ops@example.org)"
BASE = "https://jobs.example.com"


def policy(**changes: Any) -> HttpPolicy:
    values: dict[str, Any] = {
        "user_agent": UA,
        "timeout_s": 5.0,
        "per_host_concurrency": 2,
        "min_interval_s": 0.0,
        "max_body_bytes": 2 * 2**20,
        "max_retries": 3,
        "backoff_s": 1.0,
        "retry_after_cap_s": 60.0,
        "obey_robots": True,
    }
    values.update(changes)
    return HttpPolicy(**values)


class Clock:
    """Monotonic and wall time that advance only when the client sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.wall = 1_700_000_000.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds
            self.wall += seconds

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.wall


Route = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class Site:
    """A MockTransport handler routing by "host/path" (or just "/path"); records requests.

    A list route answers its items in turn and repeats the last one; an exception is raised.
    Unknown paths, robots.txt included, answer 404.
    """

    def __init__(self, routes: dict[str, Route | list[Route]]) -> None:
        self.routes = routes
        self.seen: list[httpx.Request] = []
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.seen.append(request)
            route = self.routes.get(f"{request.url.host}{request.url.path}")
            if route is None:
                route = self.routes.get(request.url.path)
            if isinstance(route, list):
                route = route.pop(0) if len(route) > 1 else route[0]
        if route is None:
            return httpx.Response(404)
        if isinstance(route, Exception):
            raise route
        if callable(route) and not isinstance(route, httpx.Response):
            return route(request)
        return route

    def paths(self) -> list[str]:
        return [r.url.path for r in self.seen]


def client(site: Site, clock: Clock, **changes: Any) -> HttpClient:
    validators = changes.pop("validators", None)
    return HttpClient(
        policy(**changes),
        transport=httpx.MockTransport(site),
        validators=validators,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        wall_clock=clock.time,
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_ok_sends_user_agent_everywhere_and_counts(clock: Clock) -> None:
    site = Site({"/jobs": httpx.Response(200, json={"jobs": [1, 2]})})
    with client(site, clock) as c:
        r = c.get(f"{BASE}/jobs", params={"page": 2, "q": "LLM 엔지니어"})
        assert r.json() == {"jobs": [1, 2]}
        assert r.status == 200
        assert r.url == f"{BASE}/jobs?page=2&q=LLM+%EC%97%94%EC%A7%80%EB%8B%88%EC%96%B4"
        assert c.requests == 2
        assert c.bytes_received == len(b'{"jobs":[1,2]}')
    assert site.paths() == ["/robots.txt", "/jobs"]
    assert [r.headers["user-agent"] for r in site.seen] == [UA, UA]
    assert clock.sleeps == []


def test_bad_json_is_a_parse_error_naming_the_url(clock: Clock) -> None:
    site = Site({"/jobs": httpx.Response(200, content=b"<html>")})
    with (
        client(site, clock) as c,
        pytest.raises(ParseError, match=f"^The response from {BASE}/jobs"),
    ):
        c.get(f"{BASE}/jobs").json()


def test_robots_disallow_blocks_without_requesting(clock: Clock) -> None:
    robots = "User-agent: *\nDisallow: /private\n"
    site = Site({"/robots.txt": httpx.Response(200, text=robots), "/open": httpx.Response(200)})
    with client(site, clock) as c:
        with pytest.raises(BlockedError) as info:
            c.get(f"{BASE}/private/jobs")
        assert str(info.value) == (
            f"{BASE}/private/jobs is disallowed by {BASE}/robots.txt for the user agent "
            "'jobtrend-test'."
        )
        assert info.value.url == f"{BASE}/private/jobs"
        assert info.value.kind == "blocked"
        c.get(f"{BASE}/open")
    assert site.paths() == ["/robots.txt", "/open"]


def test_robots_group_for_our_product_token_applies(clock: Clock) -> None:
    robots = "User-agent: jobtrend-test\nAllow: /\nCrawl-delay: 7\n\nUser-agent: *\nDisallow: /\n"
    site = Site({"/robots.txt": httpx.Response(200, text=robots), "/a": httpx.Response(200)})
    with client(site, clock) as c:
        c.get(f"{BASE}/a")
        c.get(f"{BASE}/a")
    assert clock.sleeps == [7.0, 7.0]


def test_robots_404_allows_everything(clock: Clock) -> None:
    site = Site({"/jobs": httpx.Response(200, text="ok")})
    with client(site, clock) as c:
        assert c.get(f"{BASE}/jobs").content == b"ok"
        assert c.get(f"{BASE}/jobs?x=1").content == b"ok"
    assert site.paths() == ["/robots.txt", "/jobs", "/jobs"]


def test_robots_500_forbids_for_now_and_is_cached(clock: Clock) -> None:
    site = Site({"/robots.txt": httpx.Response(500), "/jobs": httpx.Response(200)})
    with client(site, clock, max_retries=1) as c:
        for _ in range(2):
            with pytest.raises(FetchError) as info:
                c.get(f"{BASE}/jobs")
            # A server error is not a refusal: the run fails as a fetch, the next one retries.
            assert not isinstance(info.value, BlockedError)
            assert str(info.value) == (
                f"{BASE}/jobs was not fetched because {BASE}/robots.txt could not be read "
                "(it answered 500 Internal Server Error); until it can be, robots.txt rules "
                "forbid crawling."
            )
    assert site.paths() == ["/robots.txt", "/robots.txt"]
    assert clock.sleeps == [1.0]


def test_robots_network_failure_is_a_fetch_failure(clock: Clock) -> None:
    site = Site({"/robots.txt": httpx.ConnectError("refused"), "/jobs": httpx.Response(200)})
    with client(site, clock, max_retries=0) as c, pytest.raises(FetchError, match="robots") as info:
        c.get(f"{BASE}/jobs")
    assert not isinstance(info.value, BlockedError)
    assert site.paths() == ["/robots.txt"]


def test_obey_robots_false_skips_robots(clock: Clock) -> None:
    robots = "User-agent: *\nDisallow: /\n"
    site = Site({"/robots.txt": httpx.Response(200, text=robots), "/jobs": httpx.Response(200)})
    with client(site, clock, obey_robots=False) as c:
        c.get(f"{BASE}/jobs")
    assert site.paths() == ["/jobs"]


def test_crawl_delay_raises_the_interval(clock: Clock) -> None:
    robots = "User-agent: *\nCrawl-delay: 5\n"
    site = Site(
        {"jobs.example.com/robots.txt": httpx.Response(200, text=robots), "/p": httpx.Response(200)}
    )
    with client(site, clock, min_interval_s=1.0) as c:
        c.get(f"{BASE}/p")
        c.get(f"{BASE}/p")
        c.get("https://other.example.com/p")  # another host: no robots.txt, the policy's 1 s
    assert clock.sleeps == [5.0, 5.0, 1.0]


def test_min_interval_applies_between_starts(clock: Clock) -> None:
    site = Site({"/p": httpx.Response(200)})
    with client(site, clock, min_interval_s=2.0) as c:
        c.get(f"{BASE}/p")
        clock.now += 0.5  # some work between requests counts towards the interval
        c.get(f"{BASE}/p")
    assert clock.sleeps == [2.0, 1.5]


def test_429_retry_after_seconds_then_ok(clock: Clock) -> None:
    site = Site(
        {
            "/jobs": [
                httpx.Response(429, headers={"Retry-After": "7"}),
                httpx.Response(200, text="ok"),
            ]
        }
    )
    with client(site, clock) as c:
        assert c.get(f"{BASE}/jobs").content == b"ok"
        assert c.requests == 3
    assert site.paths() == ["/robots.txt", "/jobs", "/jobs"]
    assert clock.sleeps == [7.0]


def test_retry_after_http_date(clock: Clock) -> None:
    when = email.utils.formatdate(clock.wall + 30, usegmt=True)
    site = Site(
        {"/jobs": [httpx.Response(503, headers={"Retry-After": when}), httpx.Response(200)]}
    )
    with client(site, clock) as c:
        c.get(f"{BASE}/jobs")
    assert clock.sleeps == [30.0]


def test_retry_after_is_capped(clock: Clock) -> None:
    site = Site(
        {"/jobs": [httpx.Response(429, headers={"Retry-After": "86400"}), httpx.Response(200)]}
    )
    with client(site, clock, retry_after_cap_s=60.0) as c:
        c.get(f"{BASE}/jobs")
    assert clock.sleeps == [60.0]


def test_retry_after_holds_back_other_requests_to_the_host(clock: Clock) -> None:
    site = Site(
        {
            "/a": [httpx.Response(429, headers={"Retry-After": "10"}), httpx.Response(200)],
            "/b": httpx.Response(200),
        }
    )

    def sleep(seconds: float) -> None:
        clock.sleeps.append(seconds)
        if len(clock.sleeps) == 1:  # while /a waits out its Retry-After, another source asks
            c.get(f"{BASE}/b")
        clock.now += seconds

    c = HttpClient(
        policy(),
        transport=httpx.MockTransport(site),
        sleep=sleep,
        monotonic=clock.monotonic,
        wall_clock=clock.time,
    )
    with c:
        c.get(f"{BASE}/a")
    assert clock.sleeps == [10.0, 10.0]
    assert site.paths() == ["/robots.txt", "/a", "/b", "/a"]


def test_429_storm_fails_after_all_attempts(clock: Clock) -> None:
    site = Site({"/jobs": httpx.Response(429)})
    with client(site, clock, max_retries=3) as c, pytest.raises(FetchError) as info:
        c.get(f"{BASE}/jobs")
    assert str(info.value) == f"{BASE}/jobs kept answering 429 Too Many Requests after 4 attempts."
    assert (info.value.url, info.value.status) == (f"{BASE}/jobs", 429)
    assert not isinstance(info.value, BlockedError)
    assert site.paths().count("/jobs") == 4
    assert clock.sleeps == [1.0, 2.0, 4.0]


def test_500_then_ok(clock: Clock) -> None:
    site = Site({"/jobs": [httpx.Response(500), httpx.Response(200, text="ok")]})
    with client(site, clock, backoff_s=0.5) as c:
        assert c.get(f"{BASE}/jobs").content == b"ok"
    assert clock.sleeps == [0.5]


def test_timeouts_retried_then_fetch_error(clock: Clock) -> None:
    site = Site({"/jobs": httpx.ReadTimeout("slow")})
    with client(site, clock, max_retries=2, timeout_s=20.0) as c, pytest.raises(FetchError) as info:
        c.get(f"{BASE}/jobs")
    assert str(info.value) == (
        f"Fetching {BASE}/jobs failed after 3 attempts; the last one timed out after 20 s."
    )
    assert info.value.status is None
    assert site.paths().count("/jobs") == 3
    assert clock.sleeps == [1.0, 2.0]


def test_timeout_then_ok(clock: Clock) -> None:
    site = Site({"/jobs": [httpx.ConnectTimeout("slow"), httpx.Response(200, text="ok")]})
    with client(site, clock) as c:
        assert c.get(f"{BASE}/jobs").content == b"ok"
    assert clock.sleeps == [1.0]


def test_connection_error_becomes_fetch_error(clock: Clock) -> None:
    site = Site({"/jobs": httpx.ConnectError("connection refused")})
    with client(site, clock, max_retries=1) as c, pytest.raises(FetchError) as info:
        c.get(f"{BASE}/jobs")
    assert str(info.value) == (
        f"Fetching {BASE}/jobs failed after 2 attempts; the last one failed to connect or read "
        "(ConnectError: connection refused)."
    )


def test_403_is_blocked_without_retry(clock: Clock) -> None:
    site = Site({"/jobs": httpx.Response(403)})
    with client(site, clock) as c, pytest.raises(BlockedError) as info:
        c.get(f"{BASE}/jobs")
    assert str(info.value) == f"{BASE}/jobs answered 403 Forbidden; the site refuses our requests."
    assert info.value.status == 403
    assert site.paths() == ["/robots.txt", "/jobs"]


def test_404_is_fetch_error_without_retry(clock: Clock) -> None:
    site = Site({"/robots.txt": httpx.Response(200, text="")})
    with client(site, clock) as c, pytest.raises(FetchError) as info:
        c.get(f"{BASE}/v1/boards/nope/jobs")
    assert str(info.value) == (
        f"{BASE}/v1/boards/nope/jobs answered 404 Not Found; check the board or site name in "
        "the source's options."
    )
    assert type(info.value) is FetchError
    assert info.value.status == 404
    assert site.paths() == ["/robots.txt", "/v1/boards/nope/jobs"]
    assert clock.sleeps == []


def test_other_4xx_is_fetch_error(clock: Clock) -> None:
    site = Site({"/jobs": httpx.Response(400)})
    with client(site, clock) as c, pytest.raises(FetchError) as info:
        c.get(f"{BASE}/jobs")
    assert str(info.value) == f"{BASE}/jobs answered 400 Bad Request."


def redirect(location: str, status: int = 302) -> httpx.Response:
    return httpx.Response(status, headers={"Location": location})


def test_redirect_chain_of_three_is_followed(clock: Clock) -> None:
    site = Site(
        {
            "/a": redirect("/b", 301),
            "/b": redirect("https://cdn.example.net/c", 307),
            "cdn.example.net/c": redirect("d?page=1", 308),
            "cdn.example.net/d": httpx.Response(200, text="done"),
        }
    )
    with client(site, clock) as c:
        r = c.get(f"{BASE}/a", headers={"Authorization": "secret", "Accept": "text/html"})
    assert (r.url, r.content) == ("https://cdn.example.net/d?page=1", b"done")
    assert [str(q.url) for q in site.seen] == [
        f"{BASE}/robots.txt",
        f"{BASE}/a",
        f"{BASE}/b",
        "https://cdn.example.net/robots.txt",  # a new host: its robots.txt first
        "https://cdn.example.net/c",
        "https://cdn.example.net/d?page=1",
    ]
    # Credentials stay with their origin; other headers travel.
    assert [q.headers.get("authorization") for q in site.seen if "robots" not in q.url.path] == [
        "secret",
        "secret",
        None,
        None,
    ]
    assert site.seen[-1].headers["accept"] == "text/html"


def test_redirect_target_must_pass_robots(clock: Clock) -> None:
    site = Site(
        {
            "/a": redirect("/private/b"),
            "/robots.txt": httpx.Response(200, text="User-agent: *\nDisallow: /private\n"),
        }
    )
    with client(site, clock) as c, pytest.raises(BlockedError, match="/private/b is disallowed"):
        c.get(f"{BASE}/a")
    assert site.paths() == ["/robots.txt", "/a"]


def test_redirect_loop_is_too_many_redirects(clock: Clock) -> None:
    site = Site({"/a": redirect("/b"), "/b": redirect("/a")})
    with client(site, clock) as c, pytest.raises(FetchError) as info:
        c.get(f"{BASE}/a")
    assert str(info.value) == f"{BASE}/a led to too many redirects (more than 5)."
    assert site.paths() == ["/robots.txt", "/a", "/b", "/a", "/b", "/a", "/b"]


def test_five_redirects_are_allowed(clock: Clock) -> None:
    routes: dict[str, Route | list[Route]] = {f"/r{i}": redirect(f"/r{i + 1}") for i in range(5)}
    routes["/r5"] = httpx.Response(200, text="end")
    with client(Site(routes), clock) as c:
        assert c.get(f"{BASE}/r0").url == f"{BASE}/r5"


@pytest.mark.parametrize(
    "location", ["ftp://files.example.com/jobs.csv", "file:///etc/passwd", "javascript:alert(1)"]
)
def test_redirect_to_non_http_scheme_is_refused(clock: Clock, location: str) -> None:
    site = Site({"/a": redirect(location)})
    with client(site, clock) as c, pytest.raises(FetchError) as info:
        c.get(f"{BASE}/a")
    assert str(info.value) == f"{BASE}/a redirected to {location}, which is not an http(s) URL."
    assert site.paths() == ["/robots.txt", "/a"]


def test_non_http_url_is_refused(clock: Clock) -> None:
    site = Site({})
    with client(site, clock) as c, pytest.raises(FetchError, match="is not an http"):
        c.get("ftp://jobs.example.com/x")
    assert site.seen == []


def test_body_over_cap_with_content_length(clock: Clock) -> None:
    big = httpx.Response(200, headers={"Content-Length": str(3 * 2**20)}, content=b"x")
    site = Site({"/jobs": big})
    with client(site, clock) as c, pytest.raises(FetchError) as info:
        c.get(f"{BASE}/jobs")
    assert str(info.value) == f"{BASE}/jobs sent a body larger than the 2 MB limit."
    assert site.paths().count("/jobs") == 1  # not retried


def test_body_over_cap_without_content_length(clock: Clock) -> None:
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:
        for i in range(10):
            sent.append(i)
            yield b"x" * 2**20

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=chunks())

    site = Site({"/jobs": answer})
    with client(site, clock) as c, pytest.raises(FetchError) as info:
        c.get(f"{BASE}/jobs")
    assert str(info.value) == f"{BASE}/jobs sent a body larger than the 2 MB limit."
    assert "content-length" not in site.seen[-1].headers
    assert sent == [0, 1, 2]  # reading stopped as soon as the cap was passed


def test_body_at_cap_is_fine(clock: Clock) -> None:
    site = Site({"/jobs": httpx.Response(200, content=b"x" * 1000)})
    with client(site, clock, max_body_bytes=1000) as c:
        assert len(c.get(f"{BASE}/jobs").content) == 1000


def test_conditional_get_sends_validators_and_304_is_not_modified(clock: Clock) -> None:
    key = f"{BASE}/jobs?page=2"
    known = {key: Validators('"v1"', "Wed, 21 Oct 2015 07:28:00 GMT")}
    site = Site({"/jobs": httpx.Response(304)})
    with client(site, clock, validators=known) as c:
        with pytest.raises(NotModified) as info:
            c.get(f"{BASE}/jobs", params={"page": 2}, conditional=True)
        assert info.value.url == key
        assert c.new_validators == {}
    sent = site.seen[-1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Wed, 21 Oct 2015 07:28:00 GMT"


def test_conditional_200_records_new_validators(clock: Clock) -> None:
    key = f"{BASE}/jobs?page=2"
    known = {key: Validators('"v1"', None)}
    fresh = httpx.Response(
        200, text="[]", headers={"ETag": 'W/"v2"', "Last-Modified": "Thu, 01 Feb 2024 00:00:00 GMT"}
    )
    site = Site({"/jobs": fresh, "/other": fresh})
    with client(site, clock, validators=known) as c:
        c.get(f"{BASE}/jobs?page=2", conditional=True)
        c.get(f"{BASE}/other", conditional=False)
        assert c.new_validators == {key: Validators('W/"v2"', "Thu, 01 Feb 2024 00:00:00 GMT")}
    assert site.seen[1].headers["if-none-match"] == '"v1"'
    assert "if-modified-since" not in site.seen[1].headers


def test_unconditional_get_sends_no_validators(clock: Clock) -> None:
    key = f"{BASE}/jobs"
    site = Site({"/jobs": httpx.Response(200, headers={"ETag": '"v2"'})})
    with client(site, clock, validators={key: Validators('"v1"', None)}) as c:
        c.get(key)
        assert c.new_validators == {}
    assert "if-none-match" not in site.seen[-1].headers


def run_threads(c: HttpClient, urls: list[str]) -> list[BaseException | None]:
    results: list[BaseException | None] = [None] * len(urls)

    def work(i: int) -> None:
        try:
            c.get(urls[i])
        except BaseException as exc:
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(urls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return results


class InFlight:
    """Counts concurrent requests per host inside the transport."""

    def __init__(self, barrier: threading.Barrier | None = None) -> None:
        self.lock = threading.Lock()
        self.now: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self.barrier = barrier

    def __call__(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        with self.lock:
            self.now[host] = self.now.get(host, 0) + 1
            self.peak[host] = max(self.peak.get(host, 0), self.now[host])
        try:
            if self.barrier is not None:
                self.barrier.wait()  # returns only once two requests are inside together
            else:
                time.sleep(0.02)
            return httpx.Response(200)
        finally:
            with self.lock:
                self.now[host] -= 1


def test_per_host_concurrency_one_never_overlaps(clock: Clock) -> None:
    counter = InFlight()
    site = Site({"/p": counter})
    with client(site, clock, per_host_concurrency=1) as c:
        results = run_threads(c, [f"{BASE}/p"] * 6)
    assert results == [None] * 6
    assert counter.peak == {"jobs.example.com": 1}
    assert site.paths().count("/robots.txt") == 1
    assert site.paths().count("/p") == 6


def test_per_host_concurrency_two_overlaps(clock: Clock) -> None:
    counter = InFlight(threading.Barrier(2, timeout=5))
    site = Site({"/p": counter})
    with client(site, clock, per_host_concurrency=2, obey_robots=False) as c:
        results = run_threads(c, [f"{BASE}/p"] * 2)
    assert results == [None, None]
    assert counter.peak == {"jobs.example.com": 2}


def test_limit_is_per_host_not_global(clock: Clock) -> None:
    counter = InFlight(threading.Barrier(2, timeout=5))
    site = Site({"/p": counter})
    with client(site, clock, per_host_concurrency=1, obey_robots=False) as c:
        results = run_threads(c, [f"{BASE}/p", "https://b.example.com/p"])
    assert results == [None, None]
    assert counter.peak == {"jobs.example.com": 1, "b.example.com": 1}


class _Handler(http.server.BaseHTTPRequestHandler):
    release: threading.Event
    agents: list[str]

    def do_GET(self) -> None:
        self.agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/data.json":
            self._answer(200, json.dumps({"jobs": ["VLM researcher"]}).encode())
        elif self.path == "/slow":
            self.release.wait(2)
            self._answer(200, b"{}")
        else:
            self._answer(404, b"")

    def _answer(self, status: int, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up waiting; nothing to tell it

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"release": threading.Event(), "agents": []})
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = False  # so server_close() joins the handler threads
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", handler
    finally:
        handler.release.set()
        srv.shutdown()
        srv.server_close()
        thread.join(5)


def test_real_server_json_and_timeout(server: tuple[str, type[_Handler]]) -> None:
    base, handler = server
    with HttpClient(policy(timeout_s=0.3, max_retries=1, backoff_s=0.0)) as c:
        assert c.get(f"{base}/data.json").json() == {"jobs": ["VLM researcher"]}
        started = time.monotonic()
        with pytest.raises(FetchError) as info:
            c.get(f"{base}/slow")
        elapsed = time.monotonic() - started
    assert str(info.value) == (
        f"Fetching {base}/slow failed after 2 attempts; the last one timed out after 0.3 s."
    )
    assert 0.5 < elapsed < 1.9
    assert handler.agents[:2] == [UA, UA]  # robots.txt (404 here) and the JSON
    assert len(handler.agents) == 4


def test_api_keys_are_masked_in_errors(clock: Clock) -> None:
    site = Site({"/robots.txt": httpx.Response(404), "/search": httpx.Response(503)})
    with client(site, clock, max_retries=0) as c, pytest.raises(FetchError) as info:
        c.get(f"{BASE}/search", params={"access-key": "s3cr3t", "q": "llm"})
    assert "s3cr3t" not in str(info.value) and "access-key=***" in str(info.value)
    assert info.value.url is not None and "s3cr3t" not in info.value.url
