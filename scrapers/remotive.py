"""Remotive (``remotive.com/api/remote-jobs``): its public remote jobs in one JSON object.

``GET /api/remote-jobs`` answers ``{"00-warning", "0-legal-notice", "job-count",
"total-job-count", "jobs": [...]}``; each job has an integer ``id``, ``title``,
``company_name``, ``url``, ``job_type`` (``full_time``, ``contract``, ...),
``candidate_required_location``, ``publication_date`` and ``description`` as HTML.

Quirks: ``publication_date`` has no zone (``"2026-06-12T21:30:58"``); Remotive runs on UTC,
so it is read as UTC. The public feed is delayed by 24 hours. The terms ask for "a couple of
times a day (max. 4)", warn that excessive requests are blocked, and ask for a link back and for
naming Remotive as the source: hence ``default_schedule`` and ``attribution``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from monitor.errors import ParseError
from monitor.posting import RawPosting
from scrapers.base import Source, load_json
from scrapers.fields import iso_time, require_id, require_list, require_text, text_of

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

_JOB_TYPES = {
    "full_time": "Full-time",
    "part_time": "Part-time",
    "contract": "Contract",
    "freelance": "Freelance",
    "internship": "Internship",
}


class RemotiveSource(Source):
    kind = "remotive"
    description = "Remotive (remotive.com/api/remote-jobs): public remote jobs, twice a day."
    default_base_url = "https://remotive.com"
    # Terms: "a couple of times a day (we advise max. 4 times a day)"; twice, away from the hour
    # everyone else picks.
    default_schedule = "17 8,20 * * *"
    attribution: ClassVar[str] = "Remotive"
    attribution_url: ClassVar[str] = "https://remotive.com"

    def listing_url(self) -> str:
        return f"{self.base_url}/api/remote-jobs"

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        # Everything comes in one response; a 304 raises NotModified to the caller.
        response = client.get(self.listing_url(), conditional=True)
        postings, _ = self.parse(response.content, str(response.url))
        yield from postings

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        data = load_json(body, url)
        if not isinstance(data, dict):
            raise ParseError(
                f"The response from {url} is not a Remotive listing (expected a JSON object)."
            )
        if "jobs" not in data:
            message = data.get("error") or data.get("message") or data.get("detail")
            if message:
                raise ParseError(f"Remotive answered {url} with an error: {message}")
        jobs = require_list(data, "jobs", f"Remotive listing at {url}")
        return [self._posting(job, index, url) for index, job in enumerate(jobs)], None

    def _posting(self, job: Any, index: int, url: str) -> RawPosting:
        where = f"Remotive job #{index + 1} at {url}"
        job_id = require_id(job, "id", where)
        where = f"Remotive job {job_id} at {url}"
        title = require_text(job, "title", where)
        description = job.get("description")
        job_type = text_of(job.get("job_type"))
        extra: dict[str, object] = {}
        for key in ("category", "salary"):
            if text_of(job.get(key)):
                extra[key] = text_of(job.get(key))
        tags = [t.strip() for t in job.get("tags") or [] if isinstance(t, str) and t.strip()]
        if tags:
            extra["tags"] = tags
        return RawPosting(
            external_id=str(job_id).strip(),
            title=title,
            # Kept as given: the terms ask for a link back to the job on Remotive.
            url=text_of(job.get("url")) or f"https://remotive.com/remote-jobs/{job_id}",
            company=self.company or text_of(job.get("company_name")),
            location=text_of(job.get("candidate_required_location")),
            description=description if isinstance(description, str) else "",
            description_format="html",
            # Remotive writes UTC without saying so; an explicit offset, should one appear, wins.
            posted_at=iso_time(job.get("publication_date"), where, "publication_date", log=logger),
            remote=True,  # a board of remote jobs only
            employment_type=_JOB_TYPES.get(job_type, job_type) if job_type else None,
            extra=extra,
        )


SOURCE = RemotiveSource
