"""Saramin (사람인) Open API (``oapi.saramin.co.kr``): Korea's largest general job board.

``GET /job-search?access-key=KEY&count=110&start=N&sort=pd`` (plus the configured search
filters) answers, when asked with ``Accept: application/json`` (XML otherwise), ``{"jobs":
{"count": 110, "start": 0, "total": "28327", "job": [...]}}``. ``start`` is a 0-based page
number and 110 the largest page. Quirks, as recorded in a real response:

- every timestamp is Unix seconds in a string (``"posting-timestamp": "1632734241"``);
  ``total`` is a string too;
- ``close-type`` 1 (접수마감일) has a real ``expiration-timestamp``; 2 (채용시) and 3 (상시)
  carry a far-future placeholder (2033), and so, by the API guide, does 4 (수시): their
  ``deadline_at`` is None;
- there is no description. ``position.job-code.name`` lists the posting's job keywords, led by
  the company's industry keywords (the ``keyword`` field); the job keywords alone become the
  text that is tagged, because the industry says what the company does, not the job;
- the key travels in the query string, so error messages here carry the URL without it.

The key is free but comes with a small daily call quota, so the source runs twice a day and
reads at most ``max_pages`` pages. A search with more postings than that fails the run instead
of storing a truncated listing (which would close every posting past the last page): narrow
the filters or raise ``max_pages``. Code filters are Saramin's numeric codes
(oapi.saramin.co.kr/guide/code-table*), several joined with commas.

Saramin may label its answers EUC-KR: a body that is not UTF-8 is decoded as CP949.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from monitor.errors import ConfigError, FetchError, MissingKeyError, ParseError
from monitor.posting import RawPosting
from scrapers.base import Source
from scrapers.fields import decode_korean, redact_key, require, require_id, text_of, without_key

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

PAGE_SIZE = 110  # the largest `count` the API accepts
NO_DEADLINE = frozenset({"2", "3", "4"})  # 채용시, 상시, 수시: the expiry is a placeholder
KEY_PARAM = "access-key"
POSTING_URL = "https://www.saramin.co.kr/zf_user/jobs/relay/view?rec_idx={id}"


@dataclass(frozen=True)
class SaraminOptions:
    key_env: str = "SARAMIN_ACCESS_KEY"
    keywords: str | None = None
    job_mid_cd: list[int] = field(default_factory=list)  # 직무 대분류, e.g. 2 = IT개발·데이터
    job_cd: list[int] = field(default_factory=list)  # 직무 키워드 코드
    loc_mcd: list[int] = field(default_factory=list)  # 1차 지역, e.g. 101000 = 서울 전체
    loc_cd: list[int] = field(default_factory=list)  # 2차 지역, e.g. 101010 = 서울 강남구
    ind_cd: list[int] = field(default_factory=list)  # 산업/업종 코드
    job_type: list[int] = field(default_factory=list)  # 근무형태, e.g. 1 = 정규직
    max_pages: int = 10

    def __post_init__(self) -> None:
        if self.max_pages < 1:
            raise ConfigError("'max_pages' must be at least 1", key="max_pages")
        if not self.key_env.strip():
            raise ConfigError("'key_env' must name an environment variable", key="key_env")


class SaraminSource(Source):
    kind = "saramin"
    description = "사람인 Open API (oapi.saramin.co.kr): search results, needs a free access key."
    Options = SaraminOptions
    default_base_url = "https://oapi.saramin.co.kr"
    # Twice a day keeps even max_pages=100 inside the daily quota.
    default_schedule = "17 7,19 * * *"

    options: SaraminOptions

    def is_query_filtered(self) -> bool:
        return bool(self.options.keywords)

    def search_params(self, page: int = 0) -> dict[str, str | int]:
        params: dict[str, str | int] = {}
        if self.options.keywords:
            params["keywords"] = self.options.keywords
        for name in ("job_mid_cd", "job_cd", "loc_mcd", "loc_cd", "ind_cd", "job_type"):
            codes = getattr(self.options, name)
            if codes:
                params[name] = ",".join(str(code) for code in codes)
        # Newest first: if the listing ever grows past the cap, the pages read are the newest.
        params.update({"sort": "pd", "count": PAGE_SIZE, "start": page})
        return params

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        key = os.environ.get(self.options.key_env, "").strip()
        if not key:
            raise MissingKeyError(
                f"Source {self.name!r} needs a Saramin access key: set the environment variable "
                f"{self.options.key_env} (apply at https://oapi.saramin.co.kr)."
            )
        url = f"{self.base_url}/job-search"
        page = 0
        seen: set[str] = set()
        while True:
            params = {KEY_PARAM: key, **self.search_params(page)}
            try:
                response = client.get(url, params=params, headers={"Accept": "application/json"})
            except FetchError as exc:
                # `from None`: the original error's message holds the key.
                raise without_key(exc, KEY_PARAM) from None
            public = redact_key(str(response.url), KEY_PARAM)
            text = decode_korean(response.content, public, _charset(response.headers))
            postings, next_url = self._parse_text(text, public)
            fresh = [p for p in postings if p.external_id not in seen]
            if postings and not fresh:
                raise ParseError(
                    f"Saramin repeated a page at {public}; it seems to ignore 'start'."
                )
            seen.update(p.external_id for p in fresh)
            yield from fresh
            if next_url is None:
                return
            page += 1
            if page >= self.options.max_pages:
                raise FetchError(
                    f"Saramin has more postings for source {self.name!r} than max_pages "
                    f"({self.options.max_pages}) pages of {PAGE_SIZE} hold; narrow its search "
                    "filters or raise max_pages.",
                    url=public,
                )

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        url = redact_key(url, KEY_PARAM)
        return self._parse_text(decode_korean(body, url), url)

    def _parse_text(self, text: str, url: str) -> tuple[list[RawPosting], str | None]:
        try:
            data = json.loads(text)
        except RecursionError:
            raise ParseError(
                f"The response from {url} is JSON nested too deeply to read."
            ) from None
        except ValueError as exc:
            # Without `Accept: application/json` Saramin answers in XML.
            what = "XML, not JSON" if text.lstrip().startswith("<") else "not valid JSON"
            raise ParseError(f"The response from {url} is {what} ({exc}).") from exc
        if not isinstance(data, dict):
            raise ParseError(
                f"The response from {url} is not a Saramin answer (expected an object)."
            )
        if "jobs" not in data and ("code" in data or "message" in data):
            raise ParseError(
                f"Saramin answered {url} with error {data.get('code')}: {data.get('message')}"
            )
        jobs = require(data, "jobs", f"Saramin answer at {url}")
        if isinstance(jobs, dict) and "job" not in jobs and str(jobs.get("total")) == "0":
            return [], None  # an empty search may leave the list out altogether
        if not isinstance(jobs, dict) or "job" not in jobs:
            raise ParseError(f"The Saramin answer at {url} has no field 'jobs.job'.")
        items = jobs["job"]
        if not isinstance(items, list):
            raise ParseError(f"The field 'jobs.job' of the Saramin answer at {url} is not a list.")
        postings = []
        for index, item in enumerate(items):
            posting = self._posting(item, index, url)
            if posting is not None:
                postings.append(posting)
        return postings, _next_page(url, jobs, len(items))

    def _posting(self, item: Any, index: int, url: str) -> RawPosting | None:
        where = f"Saramin job #{index + 1} at {url}"
        job_id = require_id(item, "id", where)
        where = f"Saramin job {job_id} at {url}"
        if item.get("active") == 0:
            logger.debug("%s is no longer active; left out", where)
            return None
        position = require(item, "position", where)
        title = position.get("title") if isinstance(position, dict) else None
        if not isinstance(title, str) or not title.strip():
            raise ParseError(f"The {where} has no field 'position.title' (or it is empty).")
        company = item.get("company")
        detail = company.get("detail") if isinstance(company, dict) else None
        name = text_of(detail.get("name")) if isinstance(detail, dict) else None
        if name is None:
            raise ParseError(
                f"The {where} has no field 'company.detail.name'; the format may have changed."
            )
        close_type = _code(item.get("close-type"))
        deadline = None
        if close_type not in NO_DEADLINE:
            deadline = _timestamp(item.get("expiration-timestamp"), where)
        extra: dict[str, object] = {}
        for key, label in (
            ("experience-level", "experience"),
            ("required-education-level", "education"),
            ("industry", "industry"),
        ):
            value = _name(position.get(key))
            if value:
                extra[label] = value
        if _name(item.get("salary")):
            extra["salary"] = _name(item.get("salary"))
        if close_type:
            extra["close_type"] = _name(item.get("close-type")) or close_type
        return RawPosting(
            external_id=str(job_id),
            title=title.strip(),
            url=text_of(item.get("url")) or POSTING_URL.format(id=job_id),
            company=self.company or name,
            location=_name(position.get("location")),
            country="KR",
            description=_job_keywords(position.get("job-code"), item.get("keyword")),
            description_format="text",
            posted_at=_timestamp(item.get("posting-timestamp"), where),
            deadline_at=deadline,
            employment_type=_name(position.get("job-type")),
            **_experience(position.get("experience-level")),
            extra=extra,
        )


# experience-level codes: 0 경력무관, 1 신입, 2 경력, 3 신입/경력 (min/max are the 경력 part).
OPEN_TO_NEWCOMERS = frozenset({"0", "1", "3"})


def _experience(value: Any) -> dict[str, Any]:
    """RawPosting's experience fields from ``experience-level`` {code, min, max, name}."""
    if not isinstance(value, dict):
        return {}
    code = _code(value)
    low = value.get("min") if isinstance(value.get("min"), int) else None
    high = value.get("max") if isinstance(value.get("max"), int) else None
    high = high if high else None  # 0 is "no upper bound"
    if code == "1":
        low, high = 0, 0
    elif code in OPEN_TO_NEWCOMERS:
        low = 0
    return {
        "level": "entry" if code in OPEN_TO_NEWCOMERS else "experienced" if code == "2" else None,
        "experience": _name(value),
        "years_min": low if code in {"0", "1", "2", "3"} else None,
        "years_max": high if code in {"1", "2", "3"} else None,
    }


def _name(value: Any) -> str | None:
    """The ``name`` of a ``{"code", "name"}`` pair."""
    return text_of(value.get("name")) if isinstance(value, dict) else None


def _code(value: Any) -> str | None:
    code = value.get("code") if isinstance(value, dict) else None
    return str(code).strip() if isinstance(code, int | str) and str(code).strip() else None


def _job_keywords(job_code: Any, industry_keywords: Any) -> str:
    """The posting's job keywords without the leading industry keywords of its company."""
    names = [n.strip() for n in (_name(job_code) or "").split(",") if n.strip()]
    industry = {n.strip() for n in (text_of(industry_keywords) or "").split(",") if n.strip()}
    while names and names[0] in industry:
        names.pop(0)
    return ", ".join(names)


def _timestamp(value: Any, where: str) -> datetime | None:
    """Unix seconds, sent as a string."""
    if value is None or value == "":
        return None
    try:
        seconds = int(str(value).strip())
    except ValueError:
        logger.warning("%s: ignoring the unreadable timestamp %r", where, value)
        return None
    return datetime.fromtimestamp(seconds, UTC)


def _next_page(url: str, jobs: dict[str, Any], returned: int) -> str | None:
    """The next page's URL while ``total`` is not reached (``start`` is a page number)."""
    try:
        total = int(str(jobs.get("total", "0")).strip() or "0")
        start = int(jobs.get("start", 0))
    except (TypeError, ValueError):
        return None
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    # The page size asked for (a saved file has no query: the source always asks for 110).
    size = int(query["count"]) if query.get("count", "").isdigit() else PAGE_SIZE
    if returned == 0 or (start + 1) * size >= total:
        return None
    query["start"] = str(start + 1)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _charset(headers: Any) -> str | None:
    match = re.search(r"charset=([\w.-]+)", headers.get("content-type", ""), re.IGNORECASE)
    return match.group(1) if match else None


SOURCE = SaraminSource
