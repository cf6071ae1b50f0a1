"""The local job-board server, observed with plain httpx (no jobtrend fetch layer)."""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from monitor.demo.server import BoardServer, Reply, Request
from monitor.demo.shapes.greenhouse import greenhouse_job, set_greenhouse
from monitor.demo.shapes.lever import lever_posting, set_lever


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as client:
        yield client


def test_start_stop_and_context_manager() -> None:
    server = BoardServer().start()
    try:
        assert server.url.startswith("http://127.0.0.1:")
        assert httpx.get(server.url + "/nothing-here").status_code == 404
    finally:
        server.stop()
    server.stop()  # idempotent
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url + "/robots.txt", timeout=1.0)


def test_greenhouse_board(board_server: BoardServer, http: httpx.Client) -> None:
    job = greenhouse_job(
        7,
        "멀티모달 LLM 연구원",
        content_html='<p class="x">R&amp;D & "VLM" team\'s</p>',
        first_published="2026-03-02T10:15:00+09:00",
        workplace_type="Remote",
    )
    set_greenhouse(board_server, "acme", [job], company="에이크미")

    answer = http.get(f"{board_server.url}/v1/boards/acme/jobs", params={"content": "true"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    data = answer.json()
    assert data["meta"] == {"total": 1}
    (served,) = data["jobs"]
    assert served["company_name"] == "에이크미"
    assert served["id"] == 7 and served["language"] == "ko"
    assert served["metadata"][0] == {
        "id": 10216612,
        "name": "Workplace Type",
        "value": "Remote",
        "value_type": "single_select",
    }
    # Escaped once, like the real API: one unescape gives back the HTML with its entities.
    assert served["content"] == (
        "&lt;p class=&quot;x&quot;&gt;R&amp;amp;D &amp; &quot;VLM&quot; team&#39;s&lt;/p&gt;"
    )
    assert html.unescape(served["content"]) == '<p class="x">R&amp;D & "VLM" team\'s</p>'

    listing = http.get(f"{board_server.url}/v1/boards/acme/jobs").json()
    assert "content" not in listing["jobs"][0]

    missing = http.get(f"{board_server.url}/v1/boards/nobody/jobs")
    assert missing.status_code == 404
    assert missing.json() == {"status": 404, "error": "Job not found"}


def test_lever_paging_and_errors(board_server: BoardServer, http: httpx.Client) -> None:
    set_lever(
        board_server,
        "acme",
        [lever_posting(f"id-{i}", f"Engineer {i}", created_at_ms=i) for i in range(5)],
    )
    base = f"{board_server.url}/v0/postings/acme"

    page = http.get(base, params={"mode": "json", "skip": 2, "limit": 2}).json()
    assert [p["id"] for p in page] == ["id-2", "id-3"]
    assert [p["id"] for p in http.get(base, params={"mode": "json"}).json()] == [
        f"id-{i}" for i in range(5)
    ]
    assert http.get(base, params={"mode": "json", "skip": 5, "limit": 2}).json() == []
    assert http.get(base).headers["content-type"].startswith("text/html")

    missing = http.get(f"{board_server.url}/v0/postings/nobody", params={"mode": "json"})
    assert missing.status_code == 404
    assert missing.json() == {"ok": False, "error": "Document not found"}
    assert board_server.requests[0] == "/v0/postings/acme?mode=json&skip=2&limit=2"


def test_lever_posting_shape() -> None:
    posting = lever_posting(
        "u1",
        "자율주행 인지 엔지니어",
        description_html="<div>Perception &amp; planning</div>",
        lists=[("담당 업무", "<li>라이다 인지</li>")],
        country=None,
    )
    assert posting["categories"]["commitment"] == "Full-time"
    assert posting["descriptionPlain"] == "Perception & planning"
    assert posting["lists"] == [{"text": "담당 업무", "content": "<li>라이다 인지</li>"}]
    assert posting["country"] is None
    assert posting["hostedUrl"] == "https://jobs.lever.co/acme/u1"


def test_robots(board_server: BoardServer, http: httpx.Client) -> None:
    assert http.get(f"{board_server.url}/robots.txt").status_code == 404
    board_server.set_robots("User-agent: *\nDisallow: /private/\n")
    answer = http.get(f"{board_server.url}/robots.txt")
    assert (answer.status_code, answer.text) == (200, "User-agent: *\nDisallow: /private/\n")
    board_server.set_robots(None)
    assert http.get(f"{board_server.url}/robots.txt").status_code == 404


def test_etag_and_if_none_match(board_server: BoardServer, http: httpx.Client) -> None:
    set_greenhouse(board_server, "acme", [greenhouse_job(1, "VLM Engineer")])
    url = f"{board_server.url}/v1/boards/acme/jobs?content=true"

    first = http.get(url)
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert http.get(url).headers["etag"] == etag  # same body, same tag

    unchanged = http.get(url, headers={"If-None-Match": etag})
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert unchanged.headers["etag"] == etag
    assert http.get(url, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert http.get(url, headers={"If-None-Match": '"other"'}).status_code == 200

    set_greenhouse(board_server, "acme", [greenhouse_job(2, "LLM Engineer")])
    changed = http.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


def test_fault_429_with_times(board_server: BoardServer, http: httpx.Client) -> None:
    set_lever(board_server, "acme", [])
    board_server.fault("/v0/postings/acme", "429", times=2, retry_after="17")
    url = f"{board_server.url}/v0/postings/acme?mode=json"

    answers = [http.get(url) for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["retry-after"] == "17"


def test_fault_500_until_cleared(board_server: BoardServer, http: httpx.Client) -> None:
    set_lever(board_server, "acme", [])
    board_server.fault("/v0/", "500")
    url = f"{board_server.url}/v0/postings/acme?mode=json"

    assert [http.get(url).status_code for _ in range(3)] == [500, 500, 500]
    assert http.get(f"{board_server.url}/robots.txt").status_code == 404  # other paths fine
    board_server.clear_faults()
    assert http.get(url).status_code == 200


def test_fault_prefix_can_name_a_page(board_server: BoardServer, http: httpx.Client) -> None:
    set_lever(board_server, "acme", [lever_posting("a", "A"), lever_posting("b", "B")])
    board_server.fault("/v0/postings/acme?mode=json&skip=1", "500")
    base = f"{board_server.url}/v0/postings/acme?mode=json"

    assert http.get(base + "&skip=0&limit=1").status_code == 200
    assert http.get(base + "&skip=1&limit=1").status_code == 500


def test_fault_slow(board_server: BoardServer) -> None:
    set_lever(board_server, "acme", [])
    board_server.fault("/v0/", "slow", times=1, delay_s=0.3)
    url = f"{board_server.url}/v0/postings/acme?mode=json"

    with pytest.raises(httpx.ReadTimeout):
        httpx.get(url, timeout=0.1)
    started = time.monotonic()
    assert httpx.get(url, timeout=5.0).status_code == 200
    assert time.monotonic() - started < 0.3  # cleared after one request


def test_fault_slow_still_serves(board_server: BoardServer, http: httpx.Client) -> None:
    set_lever(board_server, "acme", [lever_posting("a", "A")])
    board_server.fault("/v0/", "slow", delay_s=0.15)

    started = time.monotonic()
    answer = http.get(f"{board_server.url}/v0/postings/acme?mode=json")
    assert time.monotonic() - started >= 0.15
    assert [p["id"] for p in answer.json()] == ["a"]


def test_fault_truncated(board_server: BoardServer, http: httpx.Client) -> None:
    set_greenhouse(board_server, "acme", [greenhouse_job(i, f"Job {i}") for i in range(3)])
    url = f"{board_server.url}/v1/boards/acme/jobs?content=true"
    full = http.get(url).content
    board_server.fault("/v1/boards/acme", "truncated", times=1)

    cut = http.get(url)
    assert cut.status_code == 200
    assert cut.content == full[: len(full) // 2]
    assert "etag" not in cut.headers
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.content)


def test_fault_huge_streams_the_size(board_server: BoardServer, http: httpx.Client) -> None:
    board_server.fault("/v1/", "huge", size_mb=2)
    with http.stream("GET", f"{board_server.url}/v1/boards/acme/jobs") as answer:
        assert answer.status_code == 200
        assert "content-length" not in answer.headers
        body = b"".join(answer.iter_bytes())
    assert len(body) == 2 * 1024 * 1024
    assert body.startswith(b'{"jobs": [{"id": 0')

    board_server.clear_faults()
    board_server.fault("/v1/", "huge", size_mb=0.5, declare_length=True)
    answer = http.get(f"{board_server.url}/v1/boards/acme/jobs")
    assert answer.headers["content-length"] == str(512 * 1024)


def test_fault_huge_survives_a_client_that_hangs_up(
    board_server: BoardServer, http: httpx.Client
) -> None:
    board_server.fault("/v1/", "huge", size_mb=50)
    with http.stream("GET", f"{board_server.url}/v1/boards/acme/jobs") as answer:
        next(answer.iter_bytes())  # read a little, then close the connection
    board_server.clear_faults()
    set_greenhouse(board_server, "acme", [])
    assert http.get(f"{board_server.url}/v1/boards/acme/jobs").json()["jobs"] == []


def test_fault_redirect_loop(board_server: BoardServer) -> None:
    board_server.fault("/v1/", "redirect_loop")
    url = f"{board_server.url}/v1/boards/acme/jobs?content=true"

    hop = httpx.get(url)
    assert hop.status_code == 302
    assert hop.headers["location"] == "/v1/boards/acme/jobs?content=true"
    with (
        httpx.Client(follow_redirects=True, max_redirects=5) as client,
        pytest.raises(httpx.TooManyRedirects),
    ):
        client.get(url)


def test_fault_status(board_server: BoardServer, http: httpx.Client) -> None:
    board_server.fault("/v1/", "status", status=403, body="Forbidden by WAF")
    answer = http.get(f"{board_server.url}/v1/boards/acme/jobs")
    assert (answer.status_code, answer.text) == (403, "Forbidden by WAF")


def test_unknown_fault_kind_is_refused(board_server: BoardServer) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        board_server.fault("/", "teapot")


def test_requests_are_recorded_from_many_threads(board_server: BoardServer) -> None:
    set_lever(board_server, "acme", [])

    def hit(i: int) -> None:
        httpx.get(f"{board_server.url}/v0/postings/acme?mode=json&skip={i}", timeout=5.0)

    threads = [threading.Thread(target=hit, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(board_server.requests) == sorted(
        f"/v0/postings/acme?mode=json&skip={i}" for i in range(20)
    )
    assert all("user-agent" in headers for headers in board_server.request_headers)


def test_a_new_shape_is_one_route(board_server: BoardServer, http: httpx.Client) -> None:
    board_server.boards["ashby"] = {"acme": {"jobs": [{"id": "x", "title": "VLM Researcher"}]}}

    def ashby(request: Request, match: object) -> Reply:
        board = board_server.boards["ashby"].get(request.path.rsplit("/", 1)[-1])
        return Reply.json(board) if board else Reply.json({"error": "not found"}, 404)

    board_server.add_route(r"/posting-api/job-board/[^/]+", ashby)
    answer = http.get(f"{board_server.url}/posting-api/job-board/acme")
    assert answer.json()["jobs"][0]["title"] == "VLM Researcher"
    assert "etag" in answer.headers
