"""A local job-board server speaking real HTTP, for the tests and the offline demo.

It serves job boards in the shapes of the real APIs (one small handler per shape), robots.txt,
ETag / If-None-Match, and injectable faults (429 storms, 500s, slow, truncated or huge bodies,
redirect loops, any status), so the fetch layer and the sources are exercised over a socket::

    with BoardServer() as server:
        server.set_greenhouse("acme", [greenhouse_job(1, "멀티모달 LLM 연구원")])
        httpx.get(f"{server.url}/v1/boards/acme/jobs?content=true")

A new shape is one handler ``(request, match) -> Reply`` registered with ``add_route`` (a path
regex); its data lives in ``self.boards[shape][key]``, its setter is a two-line method.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

logger = logging.getLogger(__name__)

JSON_TYPE = "application/json; charset=utf-8"
FAULT_KINDS = frozenset({"429", "500", "slow", "truncated", "huge", "redirect_loop", "status"})


@dataclass
class Request:
    """What a handler sees of one GET."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    target: str  # path and query as sent


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = True  # a 200 gets an ETag of its body, and 304 when If-None-Match matches

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Reply:
        return cls(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))


Handler = Callable[[Request, "re.Match[str]"], Reply]


@dataclass
class _Fault:
    prefix: str
    kind: str
    remaining: int | None
    params: dict[str, Any]


class BoardServer:
    """Job boards on http://127.0.0.1:PORT in a daemon thread; thread-safe setters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._routes: list[tuple[re.Pattern[str], Handler]] = []
        self._faults: list[_Fault] = []
        self._robots: str | None = None
        # shape -> key (board, site, ...) -> payload; handlers read it under the lock.
        self.boards: dict[str, dict[str, Any]] = {"greenhouse": {}, "lever": {}}
        self.requests: list[str] = []
        self.request_headers: list[dict[str, str]] = []
        self.url = ""
        self.add_route(r"/robots\.txt", self._robots_txt)
        self.add_route(r"/v1/boards/(?P<board>[^/]+)/jobs", self._greenhouse_jobs)
        self.add_route(r"/v0/postings/(?P<site>[^/]+)", self._lever_postings)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> BoardServer:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        self._httpd = _HTTPServer(("127.0.0.1", 0), _RequestHandler)
        self._httpd.board_server = self
        host, port = self._httpd.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        # A short poll interval keeps stop() (and so each test's teardown) fast.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"boardserver-{port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._stopping.set()  # wakes "slow" handlers
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> BoardServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- content ---------------------------------------------------------------------------

    def add_route(self, pattern: str, handler: Handler) -> None:
        """Serve GET requests whose path fully matches ``pattern`` with ``handler``."""
        with self._lock:
            self._routes.append((re.compile(pattern), handler))

    def set_greenhouse(
        self, board: str, jobs: list[dict[str, Any]], company: str | None = None
    ) -> None:
        copies = [dict(job) for job in jobs]
        if company is not None:
            for job in copies:
                job["company_name"] = company
        with self._lock:
            self.boards["greenhouse"][board] = copies

    def set_lever(self, site: str, postings: list[dict[str, Any]]) -> None:
        with self._lock:
            self.boards["lever"][site] = [dict(p) for p in postings]

    def set_robots(self, text: str | None) -> None:
        """robots.txt content; None answers 404 (everything allowed)."""
        with self._lock:
            self._robots = text

    def fault(
        self, path_prefix: str, kind: str, *, times: int | None = None, **params: Any
    ) -> None:
        """Break requests whose path (and query) starts with ``path_prefix``.

        ``times`` requests are affected, then the fault clears (None: until ``clear_faults``).
        Kinds: ``429`` (retry_after="1"), ``500``, ``slow`` (delay_s=1.0), ``truncated`` (half
        the normal body), ``huge`` (size_mb=1, declare_length=False), ``redirect_loop``,
        ``status`` (status=503, body="", content_type="text/plain").
        """
        if kind not in FAULT_KINDS:
            raise ValueError(
                f"unknown fault kind {kind!r} (known: {', '.join(sorted(FAULT_KINDS))})"
            )
        with self._lock:
            self._faults.append(_Fault(path_prefix, kind, times, params))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    # -- dispatch (runs on the server's threads) -------------------------------------------

    def _take_fault(self, target: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if target.startswith(fault.prefix):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request.target)
            self.request_headers.append(request.headers)

    def _route(self, request: Request) -> Reply:
        with self._lock:
            routes = list(self._routes)
        for pattern, handler in routes:
            match = pattern.fullmatch(request.path)
            if match:
                return handler(request, match)
        return Reply(404, b"Not Found", "text/plain; charset=utf-8")

    def _sleep(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    # -- shapes ----------------------------------------------------------------------------

    def _robots_txt(self, request: Request, match: re.Match[str]) -> Reply:
        with self._lock:
            text = self._robots
        if text is None:
            return Reply(404, b"Not Found", "text/plain; charset=utf-8", etag=False)
        return Reply(200, text.encode("utf-8"), "text/plain; charset=utf-8")

    def _greenhouse_jobs(self, request: Request, match: re.Match[str]) -> Reply:
        with self._lock:
            jobs = self.boards["greenhouse"].get(match["board"])
        if jobs is None:
            return Reply.json({"status": 404, "error": "Job not found"}, 404)
        if request.query.get("content") != "true":
            # Like the real API: without content=true the list carries no descriptions.
            drop = ("content", "departments", "offices")
            jobs = [{k: v for k, v in job.items() if k not in drop} for job in jobs]
        return Reply.json({"jobs": jobs, "meta": {"total": len(jobs)}})

    def _lever_postings(self, request: Request, match: re.Match[str]) -> Reply:
        with self._lock:
            postings = self.boards["lever"].get(match["site"])
        if postings is None:
            return Reply.json({"ok": False, "error": "Document not found"}, 404)
        if request.query.get("mode") != "json":
            page = f"<html><body><h1>{html.escape(match['site'])} jobs</h1></body></html>"
            return Reply(200, page.encode(), "text/html; charset=utf-8")
        try:
            skip = int(request.query.get("skip", "0"))
            limit = int(request.query["limit"]) if "limit" in request.query else None
        except ValueError:
            return Reply.json({"ok": False, "error": "Invalid skip or limit"}, 400)
        end = None if limit is None else skip + limit
        return Reply.json(postings[skip:end])


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the demo fetches many sources at once from this one host
    board_server: BoardServer


class _RequestHandler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "BoardServer/1.0"

    def do_GET(self) -> None:
        board = self.server.board_server
        parts = urlsplit(self.path)
        request = Request(
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in self.headers.items()},
            target=self.path,
        )
        board._record(request)
        fault = board._take_fault(request.target)
        try:
            if fault is None:
                self._send(self._conditional(request, board._route(request)))
            else:
                self._fault(board, request, fault)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a size cap, a timeout): nothing to tell it

    def _fault(self, board: BoardServer, request: Request, fault: _Fault) -> None:
        params = fault.params
        if fault.kind == "429":
            reply = Reply.json({"error": "Too Many Requests"}, 429)
            reply.headers["Retry-After"] = str(params.get("retry_after", "1"))
            self._send(reply)
        elif fault.kind == "500":
            self._send(Reply(500, b"Internal Server Error", "text/plain; charset=utf-8"))
        elif fault.kind == "slow":
            board._sleep(float(params.get("delay_s", 1.0)))
            self._send(self._conditional(request, board._route(request)))
        elif fault.kind == "truncated":
            reply = board._route(request)
            reply.body = reply.body[: len(reply.body) // 2]
            reply.etag = False
            self._send(reply)
        elif fault.kind == "huge":
            self._send_huge(int(float(params.get("size_mb", 1)) * 1024 * 1024), params)
        elif fault.kind == "redirect_loop":
            self._send(Reply(302, b"", "text/plain", {"Location": request.target}, etag=False))
        else:  # "status"
            body = str(params.get("body", "")).encode("utf-8")
            content_type = str(params.get("content_type", "text/plain; charset=utf-8"))
            self._send(Reply(int(params.get("status", 503)), body, content_type, etag=False))

    @staticmethod
    def _conditional(request: Request, reply: Reply) -> Reply:
        if reply.status != 200 or not reply.etag:
            return reply
        etag = '"' + hashlib.sha256(reply.body).hexdigest()[:32] + '"'
        reply.headers["ETag"] = etag
        sent = request.headers.get("if-none-match", "")
        candidates = {tag.strip().removeprefix("W/") for tag in sent.split(",") if tag.strip()}
        if etag in candidates or "*" in candidates:
            return Reply(304, b"", reply.content_type, {"ETag": etag}, etag=False)
        return reply

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.status != 304:
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if reply.status != 304:
            self.wfile.write(reply.body)

    def _send_huge(self, size: int, params: dict[str, Any]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", JSON_TYPE)
        if params.get("declare_length"):
            self.send_header("Content-Length", str(size))
        self.end_headers()
        # JSON-ish and never closed: only a size cap ends it sensibly.
        chunk = (b'{"jobs": [' + b'{"id": 0, "title": "padding"}, ' * 2048)[:65536]
        sent = 0
        while sent < size:
            piece = chunk[: size - sent]
            self.wfile.write(piece)
            sent += len(piece)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("boardserver: " + format, *args)


# -- payload builders in the real shapes ---------------------------------------------------


def _escape_like_greenhouse(text: str) -> str:
    """Greenhouse escapes ``content`` once, quotes as &quot; and apostrophes as &#39;."""
    return html.escape(text, quote=True).replace("&#x27;", "&#39;")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower()) or "board"


def _language(text: str) -> str:
    return "ko" if re.search(r"[\uac00-\ud7a3]", text) else "en"


def greenhouse_job(
    id: int,
    title: str,
    *,
    content_html: str = "",
    location: str = "Seoul, South Korea",
    first_published: str | None = None,
    updated_at: str | None = None,
    company: str = "Acme",
    workplace_type: str | None = None,
    application_deadline: str | None = None,
) -> dict[str, Any]:
    """One job of a Greenhouse ``?content=true`` listing, in the field order of the real API."""
    metadata = None
    if workplace_type is not None:
        metadata = [
            {
                "id": 10216612,
                "name": "Workplace Type",
                "value": workplace_type,
                "value_type": "single_select",
            }
        ]
    return {
        "absolute_url": f"https://job-boards.greenhouse.io/{_slug(company)}/jobs/{id}",
        "data_compliance": [
            {
                "type": "gdpr",
                "requires_consent": False,
                "requires_processing_consent": False,
                "requires_retention_consent": False,
                "retention_period": None,
                "demographic_data_consent_applies": False,
            }
        ],
        "internal_job_id": id + 1000,
        "location": {"name": location},
        "metadata": metadata,
        "id": id,
        "updated_at": updated_at or first_published or "2026-03-02T09:00:00+09:00",
        "requisition_id": f"R{id % 10000:04d}",
        "title": title,
        "company_name": company,
        "first_published": first_published,
        "language": _language(title),
        "application_deadline": application_deadline,
        "content": _escape_like_greenhouse(content_html),
        "departments": [{"id": 4001, "name": "Research", "child_ids": [], "parent_id": None}],
        "offices": [
            {"id": 5001, "name": location, "location": location, "child_ids": [], "parent_id": None}
        ],
    }


def _plain(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", html_text)).strip()


def lever_posting(
    id: str,
    title: str,
    *,
    description_html: str = "",
    location: str = "Seoul",
    created_at_ms: int | None = None,
    commitment: str = "Full-time",
    workplace_type: str = "on-site",
    country: str | None = "KR",
    site: str = "acme",
    lists: Sequence[tuple[str, str]] = (),
    additional_html: str = "",
) -> dict[str, Any]:
    """One posting of a Lever ``?mode=json`` listing; ``lists`` are (title, "<li>..</li>")."""
    hosted = f"https://jobs.lever.co/{site}/{id}"
    return {
        "additionalPlain": _plain(additional_html),
        "additional": additional_html,
        "categories": {
            "commitment": commitment,
            "location": location,
            "team": "Research",
            "allLocations": [location],
        },
        "createdAt": created_at_ms if created_at_ms is not None else 1772409600000,
        "descriptionPlain": _plain(description_html),
        "description": description_html,
        "id": id,
        "lists": [{"text": text, "content": content} for text, content in lists],
        "text": title,
        "country": country,
        "workplaceType": workplace_type,
        "opening": "",
        "openingPlain": "",
        "descriptionBody": description_html,
        "descriptionBodyPlain": _plain(description_html),
        "hostedUrl": hosted,
        "applyUrl": hosted + "/apply",
    }


def main() -> None:  # pragma: no cover - a manual aid: `python -m monitor.demo.server`
    """Serve a small sample board until Ctrl-C."""
    with BoardServer() as server:
        server.set_greenhouse(
            "acme", [greenhouse_job(1, "멀티모달 LLM 연구원", content_html="<p>VLM 연구</p>")]
        )
        server.set_lever("acme", [lever_posting("a1", "Autonomous Driving Engineer")])
        print(f"{server.url}/v1/boards/acme/jobs?content=true", flush=True)
        print(f"{server.url}/v0/postings/acme?mode=json", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":  # pragma: no cover
    main()
