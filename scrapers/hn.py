"""Hacker News "Ask HN: Who is hiring?" threads, read through the Algolia HN Search API.

On the first weekday of each month the ``whoishiring`` account posts three stories: "Ask HN:
Who is hiring? (May 2026)", "Who wants to be hired?" and "Freelancer? Seeking freelancer?".
Only the first holds job postings: every top-level comment of it is one posting.

Two endpoints of ``hn.algolia.com``:

- ``GET /api/v1/search_by_date?tags=story,author_whoishiring&page=P&hitsPerPage=N`` lists the
  account's stories newest first, ``{"hits": [{"objectID", "title", "created_at_i", ...}],
  "page", "nbPages", ...}``; ``numericFilters=created_at_i>T`` limits it to later stories. The
  thread is picked by its title, never by position.
- ``GET /api/v1/items/{id}`` returns the story with its whole comment tree in ``children``;
  each comment has ``id``, ``author``, ``created_at`` (``...T15:01:54.000Z``), ``created_at_i``
  and ``text``. Deleted comments stay in the tree with ``author`` and ``text`` null.

Quirks: ``text`` is HTML with bare ``<p>`` separators (no closing tags) and entities such as
``&#x2F;`` and ``&#x27;``, escaped once; it is kept as HTML. A comment is first seen and new at
its own ``created_at`` (``seen_at_posted``) and closes by itself at the end of its thread's month
(``closes_at``); the month comes from the title "(September 2026)", else the story's date.

The first line of a comment is, by convention, ``Company | Role | Location | Full-time | ...``.
The title is read from it: the first field after the company that names a role ("engineer",
"developer", "SWE", "scientist", "개발자", ...), else the first field that is not a place, a
work arrangement, a contract type, a salary or a link, else the whole first line (cut at 120
characters). The location is the first field naming a place (a known city, country or region, or
"City, ST"), else the first one naming an arrangement ("REMOTE", "Hybrid", "Onsite"); ``remote``
is True when a field says remote, False when one says hybrid or onsite, else unknown. A line
without ``|`` gives no company (the source name stands in).

`jobtrend backfill SOURCE --since YYYY-MM` loads every monthly thread since that month
(``fetch_since``). Check a saved thread with `jobtrend sources parse --kind hn FILE --json`.
"""

from __future__ import annotations

import calendar
import html
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from monitor.errors import ConfigError, ParseError
from monitor.posting import RawPosting
from scrapers.base import Source, load_json
from scrapers.fields import require, require_id, require_list

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

SEARCH_PATH = "/api/v1/search_by_date"
ITEM_PATH = "/api/v1/items/"
# The account posts three stories a month, so the newest hiring thread is on the first page.
LATEST_HITS_PER_PAGE = 20
BACKFILL_HITS_PER_PAGE = 100
# More search pages than this is a server ignoring `page`, not fifteen years of threads.
MAX_SEARCH_PAGES = 50
# A thread is posted on the first weekday of its month; start the search a little earlier.
SINCE_MARGIN = timedelta(days=3)
TITLE_MAX = 120
HN_ITEM_URL = "https://news.ycombinator.com/item?id={}"

_HIRING_TITLE = re.compile(r"^\s*Ask HN:\s*Who\s+is\s+hiring\?", re.IGNORECASE)
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_TITLE_MONTH = re.compile(r"\(\s*([A-Za-z]+)\s+(\d{4})\s*\)")
_FIRST_BREAK = re.compile(r"<p\b[^>]*>|<br\s*/?>|\n", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_URL_IN_PARENS = re.compile(r"\s*\(\s*(?:https?://|www\.)[^)]*\)")

_ROLE = re.compile(
    r"engineer|developer|\b(?:dev|swe|sre|mle|cto|vp|ux|ui)s?\b|scientist|research|designer"
    r"|manager|\blead|\bhead\b|director|architect|analyst|intern\b|internship|founding"
    r"|officer|specialist|consultant|administrator|technician|programmer|devops|recruiter"
    r"|marketer|writer|advocate|operator|coordinator|\bstaff\b|principal|\bsenior\b|\bjunior\b"
    r"|full[- ]?stack|front[- ]?end|back[- ]?end|\broles?\b|\bpositions?\b|\bopenings\b"
    r"|엔지니어|개발자|연구원|연구자|디자이너|매니저|인턴|리드",
    re.IGNORECASE,
)
_ARRANGEMENT = re.compile(
    r"\b(?:remote|onsite|on-site|on site|hybrid|in[- ]office|in[- ]person|wfh)\b|재택|원격|상주",
    re.IGNORECASE,
)
_REMOTE = re.compile(r"\bremote\b|\bwfh\b|재택|원격", re.IGNORECASE)
_NOT_REMOTE = re.compile(r"\b(?:no|not|non)[- ]remote\b|\bremote\s+not\b", re.IGNORECASE)
# Places by name (any case); short codes only in capitals, so "us" in "join us" is no place.
_PLACE_NAMES = re.compile(
    r"\b(?:americas?|north america|europe|asia|worldwide|global|anywhere|canada|germany"
    r"|france|netherlands|spain|portugal|ireland|sweden|denmark|norway|finland|switzerland"
    r"|austria|poland|italy|estonia|india|japan|korea|singapore|australia|new zealand|brazil"
    r"|mexico|israel|united states|united kingdom|san francisco|bay area|silicon valley"
    r"|new york|boston|seattle|austin|chicago|los angeles|denver|miami|toronto|vancouver"
    r"|montreal|london|berlin|munich|paris|amsterdam|zurich|stockholm|copenhagen|dublin"
    r"|barcelona|madrid|lisbon|tel aviv|tokyo|seoul|pangyo|sydney|bangalore|bengaluru)\b"
    r"|서울|판교|성남|부산|대전|대구|광주|인천|수원|한국|국내",
    re.IGNORECASE,
)
_PLACE_CODES = re.compile(r"\b(?:US|USA|UK|EU|EMEA|APAC|LATAM|SF|NYC|LA|UAE)\b")
_CITY_STATE = re.compile(r"\b[A-Z][a-zA-Z.'-]+(?: [A-Z][a-zA-Z.'-]+)*, ?[A-Z]{2}\b")
_EMPLOYMENT = re.compile(
    r"\b(?:full[- ]?time|part[- ]?time|contract(?:or)?|intern(?:ship)?|freelance|permanent"
    r"|temporary|fte)\b|정규직|계약직",
    re.IGNORECASE,
)
_SALARY = re.compile(r"[$€£¥₩]|\b\d+\s*[kK]\b|\b(?:salary|equity|usd|eur|gbp)\b", re.IGNORECASE)
_LINK = re.compile(r"^(?:https?://|www\.)\S+$|@", re.IGNORECASE)


@dataclass(frozen=True)
class HnOptions:
    thread: str = "hiring"

    def __post_init__(self) -> None:
        if self.thread != "hiring":
            raise ConfigError(
                f"must be 'hiring', not {self.thread!r}: only the monthly 'Ask HN: Who is "
                "hiring?' thread holds job postings",
                key="thread",
            )


@dataclass(frozen=True)
class Thread:
    """One monthly "Who is hiring?" story found by the search."""

    id: str
    title: str
    month: date  # the first day of the thread's month


class HnSource(Source):
    kind = "hn"
    description = 'Hacker News "Ask HN: Who is hiring?" (hn.algolia.com): one posting a comment.'
    Options = HnOptions
    default_base_url = "https://hn.algolia.com"
    suspect_exempt = True
    seen_at_posted = True

    options: HnOptions

    def search_url(
        self, *, page: int = 0, hits_per_page: int = LATEST_HITS_PER_PAGE, after: int | None = None
    ) -> str:
        query: dict[str, str | int] = {
            "tags": "story,author_whoishiring",
            "page": page,
            "hitsPerPage": hits_per_page,
        }
        if after is not None:
            query["numericFilters"] = f"created_at_i>{after}"
        return f"{self.base_url}{SEARCH_PATH}?{urlencode(query)}"

    def item_url(self, thread_id: str) -> str:
        return f"{self.base_url}{ITEM_PATH}{thread_id}"

    # -- fetching --------------------------------------------------------------------------

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        """The comments of the newest "Who is hiring?" thread."""
        thread = next(self.threads(client), None)
        if thread is None:
            raise ParseError(
                f"No 'Ask HN: Who is hiring?' thread was found at {self.search_url()}."
            )
        # Conditional: an unchanged thread is an unchanged run (nothing closes early).
        response = client.get(self.item_url(thread.id), conditional=True)
        postings, _ = self.parse(response.content, str(response.url))
        yield from postings

    def fetch_since(self, client: HttpClient, since: date) -> Iterator[RawPosting]:
        """The comments of every monthly thread whose month is ``since``'s month or later,
        oldest thread first (for `jobtrend backfill`)."""
        first = since.replace(day=1)
        start = datetime.combine(first, datetime.min.time(), UTC) - SINCE_MARGIN
        found: dict[str, Thread] = {}
        for thread in self.threads(
            client, hits_per_page=BACKFILL_HITS_PER_PAGE, after=int(start.timestamp())
        ):
            if thread.month >= first:
                found.setdefault(thread.id, thread)
        for thread in sorted(found.values(), key=lambda t: (t.month, int(t.id))):
            logger.info("backfilling %s (%s)", thread.title, thread.id)
            response = client.get(self.item_url(thread.id))
            postings, _ = self.parse(response.content, str(response.url))
            yield from postings

    def threads(
        self,
        client: HttpClient,
        *,
        hits_per_page: int = LATEST_HITS_PER_PAGE,
        after: int | None = None,
    ) -> Iterator[Thread]:
        """Hiring threads, newest first, following the search's pages."""
        url: str | None = self.search_url(hits_per_page=hits_per_page, after=after)
        pages = 0
        while url is not None:
            response = client.get(url)
            threads, url = self.parse_threads(response.content, str(response.url))
            pages += 1
            yield from threads
            if pages >= MAX_SEARCH_PAGES and url is not None:
                raise ParseError(
                    f"The Hacker News search at {response.url} has over {MAX_SEARCH_PAGES} "
                    "pages; the server seems to ignore 'page'."
                )

    # -- parsing ---------------------------------------------------------------------------

    def parse_threads(self, body: bytes, url: str) -> tuple[list[Thread], str | None]:
        """The "Who is hiring?" stories of one search_by_date page, and the next page's URL."""
        data = load_json(body, url)
        if isinstance(data, dict) and "hits" not in data and "message" in data:
            raise ParseError(f"The Hacker News search answered {url} with: {data['message']}")
        hits = require(data, "hits", f"Hacker News search result at {url}")
        if not isinstance(hits, list):
            raise ParseError(f"The field 'hits' of the Hacker News search at {url} is not a list.")
        threads = []
        for index, hit in enumerate(hits):
            where = f"Hacker News search hit #{index + 1} at {url}"
            story_id = str(require(hit, "objectID", where))
            title = require(hit, "title", where)
            if not isinstance(title, str) or not _HIRING_TITLE.match(title):
                continue
            month = _title_month(title) or _month_of(_created_at(hit, where))
            threads.append(Thread(story_id, title.strip(), month))
        return threads, _next_search_page(url, data)

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        """The postings of one thread: an ``/api/v1/items/{id}`` response."""
        data = load_json(body, url)
        if not isinstance(data, dict):
            raise ParseError(
                f"The response from {url} is not a Hacker News item (expected an object)."
            )
        if "hits" in data:
            raise ParseError(
                f"The response from {url} is a search result, not a thread; parse the thread's "
                "/api/v1/items/{id} response."
            )
        if "error" in data and "children" not in data:
            raise ParseError(f"Hacker News answered {url} with an error: {data['error']}")
        thread_id = str(require(data, "id", f"Hacker News item at {url}"))
        where = f"Hacker News thread {thread_id} at {url}"
        title = data.get("title")
        if isinstance(title, str) and title.strip():
            if not _HIRING_TITLE.match(title):
                raise ParseError(f"The {where} is not a 'Who is hiring?' thread: {title!r}.")
            month = _title_month(title)
        else:
            month = None
        if month is None:
            if "created_at" not in data and "created_at_i" not in data:
                raise ParseError(f"The {where} has no field 'title' to read its month from.")
            month = _month_of(_created_at(data, where))
        closes_at = datetime.combine(_next_month(month), datetime.min.time(), UTC)
        children = require_list(data, "children", where)
        postings = []
        deleted = 0
        for index, comment in enumerate(children):
            posting = self._posting(comment, index, thread_id, closes_at, url)
            if posting is None:
                deleted += 1
            else:
                postings.append(posting)
        if deleted:
            logger.debug("%s: %d deleted top-level comments left out", where, deleted)
        return postings, None

    def _posting(
        self, comment: Any, index: int, thread_id: str, closes_at: datetime, url: str
    ) -> RawPosting | None:
        where = f"Hacker News comment #{index + 1} of thread {thread_id} at {url}"
        comment_id = require_id(comment, "id", where, reject="nothing")
        where = f"Hacker News comment {comment_id} at {url}"
        text = comment.get("text")
        kind = comment.get("type", "comment")
        # A deleted comment keeps its place in the tree with no author and no text.
        if kind != "comment" or not isinstance(text, str) or not text.strip():
            return None
        if comment.get("author") is None and "author" in comment:
            return None
        first = first_line(text)
        fields = heading_fields(first)
        return RawPosting(
            external_id=str(comment_id),
            title=fields.title,
            url=HN_ITEM_URL.format(comment_id),
            company=self.company or fields.company,
            location=fields.location,
            description=text,
            description_format="html",
            posted_at=_created_at(comment, where),
            remote=fields.remote,
            employment_type=fields.employment_type,
            closes_at=closes_at,
            extra={"thread_id": thread_id, "author": comment.get("author")},
        )


@dataclass(frozen=True)
class Heading:
    """What the ``Company | Role | Location | ...`` first line of a comment says."""

    title: str
    company: str | None
    location: str | None
    remote: bool | None
    employment_type: str | None


def first_line(text: str) -> str:
    """The comment's first non-empty line as plain text (lines end at <p>, <br> or newline)."""
    for piece in _FIRST_BREAK.split(text):
        line = " ".join(html.unescape(_TAG.sub("", piece)).split())
        if line:
            return line
    return ""


def heading_fields(line: str) -> Heading:
    """Read company, role, location, arrangement and contract type from a first line."""
    fields = [f.strip() for f in line.split("|")]
    fields = [f for f in fields if f]
    if len(fields) < 2:
        return Heading(_cut(line) or "(no title)", None, None, None, None)
    company = _URL_IN_PARENS.sub("", fields[0]).strip()
    if company.lower().startswith(("http://", "https://")):
        company = company.split("://", 1)[1].rstrip("/")
    rest = fields[1:]

    other = [f for f in rest if not _SALARY.search(f) and not _LINK.search(f)]
    role = next((f for f in other if _ROLE.search(f)), None)
    if role is None:
        role = next(
            (
                f
                for f in other
                if not _is_place(f) and not _ARRANGEMENT.search(f) and not _EMPLOYMENT.search(f)
            ),
            None,
        )
    candidates = [f for f in other if f is not role]
    places = [f for f in candidates if _is_place(f)]
    arrangements = [f for f in candidates if _ARRANGEMENT.search(f)]
    location = places[0] if places else (arrangements[0] if arrangements else None)
    # "Senior Engineer (Remote)" says it in the role field, so that one counts here too.
    said = [f for f in other if _ARRANGEMENT.search(f)]
    remote: bool | None = None
    if said:
        remote = any(_REMOTE.search(f) and not _NOT_REMOTE.search(f) for f in said)
    employment = next((f for f in candidates if _EMPLOYMENT.search(f) and f is not location), None)
    return Heading(_cut(role or line), company or None, location, remote, employment)


def _is_place(field: str) -> bool:
    if _PLACE_NAMES.search(field) or _PLACE_CODES.search(field):
        return True
    # "San Francisco, CA" is a place; "Remote, PT/ET hours preferred" is not.
    match = _CITY_STATE.search(field)
    return match is not None and not _ARRANGEMENT.search(match.group(0))


def _cut(text: str) -> str:
    """``text`` shortened at a word boundary to at most TITLE_MAX characters."""
    if len(text) <= TITLE_MAX:
        return text
    cut = text[: TITLE_MAX - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-|") + "…"


def _created_at(item: Any, where: str) -> datetime:
    """``created_at`` (ISO 8601, UTC), else ``created_at_i`` (epoch seconds)."""
    value = item.get("created_at") if isinstance(item, dict) else None
    if isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ParseError(f"The {where} has an unreadable 'created_at' ({value!r}).") from None
        # Algolia writes UTC with a "Z"; a bare time is UTC too.
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    seconds = item.get("created_at_i") if isinstance(item, dict) else None
    if isinstance(seconds, int) and not isinstance(seconds, bool):
        return datetime.fromtimestamp(seconds, UTC)
    raise ParseError(f"The {where} has no field 'created_at'.")


def _title_month(title: str) -> date | None:
    """The month a title names: "Ask HN: Who is hiring? (September 2026)"."""
    match = _TITLE_MONTH.search(title)
    if match is None or match.group(1).lower() not in _MONTHS:
        return None
    return date(int(match.group(2)), _MONTHS[match.group(1).lower()], 1)


def _month_of(when: datetime) -> date:
    return when.astimezone(UTC).date().replace(day=1)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _next_search_page(url: str, data: dict[str, Any]) -> str | None:
    """The URL of the search page after ``url``, when ``page``/``nbPages`` say there is one."""
    page, pages = data.get("page"), data.get("nbPages")
    if not isinstance(page, int) or not isinstance(pages, int) or page + 1 >= pages:
        return None
    if not data.get("hits"):
        return None
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query["page"] = str(page + 1)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


SOURCE = HnSource
