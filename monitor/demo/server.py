"""A local job-board server speaking real HTTP, for the tests and the offline demo.

It serves job boards in the shapes of the real APIs (one small handler per shape), robots.txt,
ETag / If-None-Match, and injectable faults (429 storms, 500s, slow, truncated or huge bodies,
redirect loops, any status), so the fetch layer and the sources are exercised over a socket::

    with BoardServer() as server:
        set_greenhouse(server, "acme", [greenhouse_job(1, "멀티모달 LLM 연구원")])
        httpx.get(f"{server.url}/v1/boards/acme/jobs?content=true")

A new shape is one handler ``(request, match) -> Reply`` registered with ``add_route`` (a path
regex) in ``shapes/<kind>.py``; its data lives in ``self.boards[shape][key]``, its setter is a
function of the shape module. Greenhouse and Lever are installed on every server.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable
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
        self.boards: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []
        self.request_headers: list[dict[str, str]] = []
        self.url = ""
        self.add_route(r"/robots\.txt", self._robots_txt)
        # The two shapes every test of the fetch layer uses are always served.
        from monitor.demo.shapes import greenhouse, lever

        greenhouse.install(self)
        lever.install(self)

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


def main() -> None:  # pragma: no cover - a manual aid: `python -m monitor.demo.server`
    """Serve a small sample board until Ctrl-C."""
    from monitor.demo.shapes.greenhouse import greenhouse_job, set_greenhouse
    from monitor.demo.shapes.lever import lever_posting, set_lever

    with BoardServer() as server:
        set_greenhouse(
            server,
            "acme",
            [greenhouse_job(1, "멀티모달 LLM 연구원", content_html="<p>VLM 연구</p>")],
        )
        set_lever(server, "acme", [lever_posting("a1", "Autonomous Driving Engineer")])
        print(f"{server.url}/v1/boards/acme/jobs?content=true", flush=True)
        print(f"{server.url}/v0/postings/acme?mode=json", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":  # pragma: no cover
    main()
