"""Remote OK's ``/api`` on the local BoardServer.

One board per ``key``, served under the key as a path prefix (``/<key>/api``), so a source's
``base_url`` is ``f"{server.url}/<key>"``. Like the real API the answer is one array: the legal
notice first, then the jobs, whose text is UTF-8 encoded twice (``remoteok_job(mojibake=True)``)
and whose descriptions end with the anti-spam paragraph carrying the requester's IP address in
base64, added per request as the real server does.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Any

from monitor.demo.server import BoardServer, Handler, Reply, Request

SHAPE = "remoteok"
LEGAL = (
    "API Terms of Service: Please link back (with follow, and without nofollow!) to the URL on "
    "Remote OK and mention Remote OK as a source, so we get traffic back from your site. If you "
    "do not we'll have to suspend API access."
)
# The server only listens on loopback, so every requester is this address.
REQUESTER_IP = "127.0.0.1"
_WORDS = ("AMELIORATE", "CAPABLE", "VERIFIABLE", "RESPECT", "DILIGENT")


def install(server: BoardServer) -> None:
    server.boards.setdefault(SHAPE, {})
    server.add_route(r"/(?P<key>[\w.-]+)/api", _handler(server))


def set_remoteok(server: BoardServer, key: str, jobs: list[dict[str, Any]]) -> None:
    """Serve ``jobs`` (from ``remoteok_job``) at ``/<key>/api``."""
    server.boards.setdefault(SHAPE, {})[key] = [dict(job) for job in jobs]


def anti_spam_paragraph(job_id: str, ip: str = REQUESTER_IP) -> str:
    """The paragraph Remote OK appends to every description, naming the requester's IP."""
    tag = "R" + base64.b64encode(ip.encode("ascii")).decode("ascii")
    word = _WORDS[sum(map(ord, job_id)) % len(_WORDS)]
    return (
        f"<br/><br/>Please mention the word **{word}** and tag {tag} when applying to show you "
        f"read the job post completely (#{tag}). This is a beta feature to avoid spam "
        "applicants. Companies can search these words to find applicants that read this and "
        "see they're human."
    )


def double_encode(text: str) -> str:
    """Text as Remote OK sends it: UTF-8 bytes read back as Latin-1."""
    return text.encode("utf-8").decode("latin-1")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "job"


def remoteok_job(
    id: str,
    position: str,
    *,
    company: str = "Acme",
    description_html: str = "",
    epoch: int = 1772409600,
    location: str = "",
    tags: tuple[str, ...] = ("dev",),
    salary: tuple[int, int] = (0, 0),
    mojibake: bool = True,
) -> dict[str, Any]:
    """One job of the ``/api`` array, in the field order of the real API."""
    encode = double_encode if mojibake else str
    slug = f"remote-{_slug(position)}-{_slug(company)}-{id}"
    url = f"https://remoteOK.com/remote-jobs/{slug}"
    return {
        "slug": slug,
        "id": id,
        "epoch": epoch,
        "date": datetime.fromtimestamp(epoch, UTC).isoformat(),
        "company": encode(company),
        "company_logo": "",
        "position": encode(position),
        "tags": list(tags),
        "description": encode(description_html),
        "location": encode(location),
        "salary_min": salary[0],
        "salary_max": salary[1],
        "apply_url": url,
        "logo": "",
        "url": url,
    }


def _handler(server: BoardServer) -> Handler:
    def handle(request: Request, match: re.Match[str]) -> Reply:
        jobs = server.boards.get(SHAPE, {}).get(match["key"])
        if jobs is None:
            return Reply(404, b"Not Found", "text/html; charset=utf-8")
        served = [
            {**job, "description": job["description"] + anti_spam_paragraph(job["id"])}
            for job in jobs
        ]
        last_updated = max((job["epoch"] for job in jobs), default=1772409600)
        return Reply.json([{"last_updated": last_updated, "legal": LEGAL}, *served])

    return handle
