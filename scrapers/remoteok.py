"""Remote OK (``remoteok.com/api``): every current remote job in one JSON array.

``GET /api`` answers an array whose element 0 is a legal notice (``{"last_updated",
"legal"}``), the jobs follow: ``id`` is a string, ``epoch`` the posting time in seconds,
``position`` the title and ``description`` HTML. Quirks of the real API:

- Most text is UTF-8 encoded twice (``"Ã©"`` for ``"é"``, ``"â\\x80\\x99"`` for ``"’"``); it is
  repaired with ftfy. A field cut off in the middle of a character leaves a broken byte at its
  end, which is dropped before the repair.
- Many descriptions carry a literal backslash-n (``</p>\\n<p>``) from an escape applied twice.
- Every description ends with an anti-spam paragraph ("Please mention the word **WORD** and
  tag R<base64> ...") whose tag is the requester's IP address in base64. Text that identifies
  us must never be stored, so the paragraph is cut off, and any leftover token that decodes to
  an IP address is removed as well.
- The terms ask for a link back to the job on Remote OK and for naming Remote OK as the
  source: the posting URL is Remote OK's job page and ``attribution`` names the site for
  reports. Jobs posted through a partner carry the partner's apply link in ``url``; their
  Remote OK page is built from the slug instead.
- The odd element is an empty shell (an id, no position, company or text): it is not a job and
  is left out.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

import ftfy

from monitor.errors import ParseError
from monitor.posting import RawPosting
from scrapers.base import Source, load_json
from scrapers.fields import require, require_id

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

JOB_URL = "https://remoteok.com/remote-jobs/{}"

# The anti-spam paragraph is always the last thing in a description (recorded samples are
# sometimes cut inside it). "**" marks Remote OK's own wording, and only its last occurrence is
# cut, so an employer's own "please mention the word ..." earlier in the ad survives.
_ANTI_SPAM_START = "Please mention the word **"
_BREAKS = ("<br/>", "<br />", "<br>")
# A base64 token, optionally prefixed by RemoteOK's "R": an IPv4 address is 12-20 characters
# of base64, an IPv6 address at most 52.
_B64_TOKEN = re.compile(r"(?<![A-Za-z0-9+/])#?R?([A-Za-z0-9+/]{11,52}={0,2})(?![A-Za-z0-9+/=])")
# A UTF-8 lead byte (read as Latin-1) followed by fewer continuation bytes than it needs.
_DANGLING = re.compile(r"(?:[\xc2-\xdf]|[\xe0-\xef][\x80-\xbf]?|[\xf0-\xf4][\x80-\xbf]{0,2})\Z")


class RemoteOkSource(Source):
    kind = "remoteok"
    description = "Remote OK (remoteok.com/api): all current remote jobs in one request."
    default_base_url = "https://remoteok.com"
    # The API terms: link back to the job on Remote OK and name Remote OK as the source.
    attribution: ClassVar[str] = "Remote OK"
    attribution_url: ClassVar[str] = "https://remoteok.com"

    def listing_url(self) -> str:
        return f"{self.base_url}/api"

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        # One response holds the whole board; Remote OK sends Last-Modified, so a 304 on an
        # unchanged board raises NotModified to the caller.
        response = client.get(self.listing_url(), conditional=True)
        postings, _ = self.parse(response.content, str(response.url))
        yield from postings

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        data = load_json(body, url)
        if isinstance(data, dict):
            message = data.get("error") or data.get("message")
            if message:
                raise ParseError(f"Remote OK answered {url} with an error: {message}")
        if not isinstance(data, list):
            raise ParseError(
                f"The response from {url} is not a Remote OK listing (expected a list)."
            )
        postings = []
        for index, item in enumerate(data):
            # Element 0 is the legal notice, not a job.
            if isinstance(item, dict) and "legal" in item and "id" not in item:
                continue
            posting = self._posting(item, index, url)
            if posting is not None:
                postings.append(posting)
        return postings, None

    def _posting(self, job: Any, index: int, url: str) -> RawPosting | None:
        where = f"Remote OK element #{index} at {url}"
        job_id = str(require_id(job, "id", where)).strip()
        where = f"Remote OK job {job_id} at {url}"
        title = _text(require(job, "position", where))
        if title is None:
            # The real API lists the odd empty shell (no position, company or text): not a job.
            logger.info("%s has an empty position; skipped", where)
            return None
        description = job.get("description")
        extra: dict[str, object] = {}
        tags = [_clean(t) for t in job.get("tags") or [] if isinstance(t, str) and t.strip()]
        if tags:
            extra["tags"] = list(dict.fromkeys(tags))  # the API repeats tags
        for key in ("salary_min", "salary_max"):
            # 0 means "not stated".
            if isinstance(job.get(key), int) and not isinstance(job[key], bool) and job[key] > 0:
                extra[key] = job[key]
        slug = _text(job.get("slug"))
        # Locations come as "Orlando, " when the region is empty.
        location = (_text(job.get("location")) or "").strip(" ,") or None
        return RawPosting(
            external_id=job_id,
            title=title,
            url=_job_page(_text(job.get("url")), slug or job_id, extra),
            company=self.company or _text(job.get("company")),
            location=location,
            description=clean_description(description) if isinstance(description, str) else "",
            description_format="html",
            posted_at=_posted_at(job, where),
            remote=True,  # a board of remote jobs only
            extra=extra,
        )


def repair(text: str) -> str:
    """Undo Remote OK's double UTF-8 encoding (a no-op on text that is fine)."""
    fixed = ftfy.fix_encoding(text)
    if fixed != text:
        # A field cut inside a character ends in a lone lead byte ("ï¼" of "）"), which ftfy
        # cannot decode; drop it. Only for mojibake: in clean text "é" at the end is a letter.
        trimmed = _DANGLING.sub("", text)
        if trimmed != text:
            fixed = ftfy.fix_encoding(trimmed)
    return fixed


def strip_requester(text: str) -> str:
    """Remove the anti-spam paragraph and any token that decodes to an IP address."""
    at = text.rfind(_ANTI_SPAM_START)
    if at >= 0:
        text = text[:at].rstrip()
        # The <br/><br/> that introduces it goes too (no regex: a long run of spaces must not
        # make it slow).
        while text.endswith(_BREAKS):
            text = text[: text.rfind("<")].rstrip()

    def scrub(match: re.Match[str]) -> str:
        if _is_encoded_ip(match.group(1)) or _is_encoded_ip(match.group(0).lstrip("#")):
            logger.warning("removed an encoded IP address outside Remote OK's anti-spam paragraph")
            return ""
        return match.group(0)

    return _B64_TOKEN.sub(scrub, text)


def clean_description(text: str) -> str:
    """The stored form of a description: repaired, newlines real, nothing about the requester."""
    text = repair(text).replace("\\n", "\n")
    return strip_requester(text).rstrip()


def _job_page(url: str | None, slug: str, extra: dict[str, object]) -> str:
    """The job's page on Remote OK: the terms ask for a link back to it.

    ``url`` is that page as given ("https://remoteOK.com/remote-jobs/..."), except for jobs
    posted through a partner, where it is the partner's apply link; then the page is built from
    the slug and the partner's link kept aside.
    """
    if url and (urlsplit(url).hostname or "").lower().endswith("remoteok.com"):
        return url
    if url:
        extra["apply_url"] = url
    return JOB_URL.format(slug)


def _is_encoded_ip(token: str) -> bool:
    if len(token) % 4:
        return False
    try:
        decoded = base64.b64decode(token, validate=True).decode("ascii")
        ipaddress.ip_address(decoded)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    return True


def _clean(text: str) -> str:
    return strip_requester(repair(text)).strip()


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return _clean(value) or None
    return None


def _posted_at(job: dict[str, Any], where: str) -> datetime | None:
    epoch = job.get("epoch")
    if isinstance(epoch, int | float) and not isinstance(epoch, bool) and epoch > 0:
        return datetime.fromtimestamp(epoch, UTC)
    date = job.get("date")
    if isinstance(date, str) and date.strip():
        try:
            parsed = datetime.fromisoformat(date.strip())
        except ValueError:
            parsed = None
        if parsed is not None:
            # The API's dates carry "+00:00"; a bare one is read as UTC like the epoch.
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    if epoch is not None or date is not None:
        logger.warning("%s: ignoring the unreadable epoch %r / date %r", where, epoch, date)
    return None


SOURCE = RemoteOkSource
