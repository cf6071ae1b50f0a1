"""Work24 (고용24, www.work24.go.kr): the Korean government's national job bank Open API.

``GET /cm/openApi/call/wk/callOpenApiSvcInfo210L01.do?authKey=KEY&callTp=L&returnType=XML
&startPage=N&display=100`` plus search filters answers XML::

    <wantedRoot><total>2</total><startPage>1</startPage><display>2</display>
      <wanted><wantedAuthNo>K1400...</wantedAuthNo><company>...</company><title>...</title>
        <region>대구 서구</region><regDt>26-10-01</regDt><closeDt>채용시까지  26-11-30</closeDt>
        <wantedInfoUrl>https://www.work24.go.kr/wk/a/b/1500/empDetailAuthView.do?...</...>
      </wanted>...</wantedRoot>

Quirks, as recorded in real responses:

- ``regDt`` is ``yy-MM-dd``, a date in Korea: ``posted_at`` is its midnight KST;
- ``closeDt`` is a date, or "채용시까지" (until filled) followed by the date the ad comes down,
  which is taken as the deadline (end of that day, KST);
- optional elements are left out, not sent empty (the second ``<wanted>`` of a real list has
  no ``wantedInfoUrl``): the posting URL is then built from ``wantedAuthNo``;
- ``<wantedRoot><messageCd>006</messageCd>`` (정보가 존재하지 않습니다) is an empty result;
  any other message code, and ``<GO24><error>`` (e.g. a key not registered for this
  service), is an error;
- the list has no description (that needs one detail call per posting): titles are tagged.

Unfiltered, the list is the whole national job bank, so a search filter is required:
``keyword``, ``region`` (근무지역 codes, e.g. "11000" = 서울) or ``occupation`` (직종 codes).
Only ``keyword`` marks the source query-filtered. A search with more postings than
``max_pages`` pages of 100 hold fails the run instead of storing a truncated listing.

XML is parsed without entity expansion (defusedxml); a body that is not UTF-8 is decoded with
the charset of its XML declaration, else as CP949 (EUC-KR's superset).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, ClassVar, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLSyntaxError

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException

from monitor.errors import ConfigError, FetchError, MissingKeyError, ParseError
from monitor.posting import RawPosting
from scrapers.base import Source
from scrapers.fields import KST, child_text, decode_korean, redact_key, without_key

if TYPE_CHECKING:
    from scrapers.http import HttpClient

logger = logging.getLogger(__name__)

LIST_PATH = "/cm/openApi/call/wk/callOpenApiSvcInfo210L01.do"
PAGE_SIZE = 100  # the largest `display`
EMPTY_RESULT = "006"
KEY_PARAM = "authKey"
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding=[\"']([\w.:-]+)[\"']")
_SHORT_DATE = re.compile(r"(\d{2})-(\d{2})-(\d{2})")
POSTING_URL = "https://www.work24.go.kr/wk/a/b/1500/empDetailAuthView.do?wantedAuthNo={id}"
# empTpCd: 고용형태 codes of the list.
EMPLOYMENT_TYPES = {
    "10": "기간의 정함이 없는 근로계약",
    "11": "기간의 정함이 없는 근로계약(시간(선택)제)",
    "20": "기간의 정함이 있는 근로계약",
    "21": "기간의 정함이 있는 근로계약(시간(선택)제)",
}


@dataclass(frozen=True)
class Work24Options:
    key_env: str = "WORK24_AUTH_KEY"
    keyword: str | None = None
    region: list[str] = field(default_factory=list)
    occupation: list[str] = field(default_factory=list)
    career: Literal["N", "E", "Z"] | None = None  # 신입, 경력, 관계없음 (narrows, not enough)
    max_pages: int = 10

    # Parsing a saved response needs no search: what `sources parse` may fill in so that the
    # required filter does not turn it into a usage error.
    parse_placeholder: ClassVar[dict[str, object]] = {"keyword": "(a saved response)"}

    def __post_init__(self) -> None:
        if not (self.keyword and self.keyword.strip()) and not self.region and not self.occupation:
            raise ConfigError(
                "a work24 source needs a search filter - 'keyword', 'region' or 'occupation' - "
                "because without one it would read the whole national job bank",
                key="keyword",
            )
        for name in ("region", "occupation"):
            if len(getattr(self, name)) > 10:
                raise ConfigError(f"'{name}' takes at most 10 codes", key=name)
        if self.max_pages < 1:
            raise ConfigError("'max_pages' must be at least 1", key="max_pages")
        if not self.key_env.strip():
            raise ConfigError("'key_env' must name an environment variable", key="key_env")


class Work24Source(Source):
    kind = "work24"
    description = "고용24 (work24.go.kr) job bank Open API: a filtered search, needs an auth key."
    Options = Work24Options
    default_base_url = "https://www.work24.go.kr"
    # A public-sector API with a daily call quota and a listing that changes daily.
    default_schedule = "23 6,18 * * *"

    options: Work24Options

    def is_query_filtered(self) -> bool:
        return bool(self.options.keyword and self.options.keyword.strip())

    def search_params(self, page: int = 1) -> dict[str, str | int]:
        params: dict[str, str | int] = {
            "callTp": "L",
            "returnType": "XML",
            "startPage": page,
            "display": PAGE_SIZE,
        }
        if self.options.keyword and self.options.keyword.strip():
            params["keyword"] = self.options.keyword.strip()
        if self.options.region:
            params["region"] = "|".join(self.options.region)
        if self.options.occupation:
            params["occupation"] = "|".join(self.options.occupation)
        if self.options.career:
            params["career"] = self.options.career
        return params

    def fetch(self, client: HttpClient) -> Iterator[RawPosting]:
        key = os.environ.get(self.options.key_env, "").strip()
        if not key:
            raise MissingKeyError(
                f"Source {self.name!r} needs a Work24 Open API key: set the environment "
                f"variable {self.options.key_env} (apply at https://www.work24.go.kr, 오픈API)."
            )
        url = self.base_url + LIST_PATH
        page = 1
        seen: set[str] = set()
        while True:
            params = {KEY_PARAM: key, **self.search_params(page)}
            try:
                response = client.get(url, params=params)
            except FetchError as exc:
                # `from None`: the original error's message holds the key.
                raise without_key(exc, KEY_PARAM) from None
            public = redact_key(str(response.url), KEY_PARAM)
            postings, next_url = self.parse(response.content, public)
            fresh = [p for p in postings if p.external_id not in seen]
            if postings and not fresh:
                raise ParseError(
                    f"Work24 repeated a page at {public}; it seems to ignore 'startPage'."
                )
            seen.update(p.external_id for p in fresh)
            yield from fresh
            if next_url is None:
                return
            if page >= self.options.max_pages:
                raise FetchError(
                    f"Work24 has more postings for source {self.name!r} than max_pages "
                    f"({self.options.max_pages}) pages of {PAGE_SIZE} hold; narrow its search "
                    "filters or raise max_pages.",
                    url=public,
                )
            page += 1

    def parse(self, body: bytes, url: str) -> tuple[list[RawPosting], str | None]:
        url = redact_key(url, KEY_PARAM)
        root = _parse_xml(body, url)
        if root.tag == "GO24":
            message = child_text(root, "error") or "no message"
            raise ParseError(f"Work24 refused the request {url}: {message}.")
        if root.tag == "wantedDtl":
            raise ParseError(f"{url} is a Work24 job detail, not a list; parse a list response.")
        if root.tag != "wantedRoot":
            raise ParseError(
                f"The response from {url} is not a Work24 job list (root <{root.tag}>)."
            )
        code = child_text(root, "messageCd")
        if code is not None:
            if code == EMPTY_RESULT:
                return [], None
            message = child_text(root, "message") or "no message"
            raise ParseError(f"Work24 answered {url} with message code {code}: {message}")
        if root.find("total") is None:
            raise ParseError(f"The Work24 list at {url} has no element 'total'.")
        items = root.findall("wanted")
        postings = [self._posting(item, index, url) for index, item in enumerate(items)]
        return postings, _next_page(url, root, len(items))

    def _posting(self, item: Element, index: int, url: str) -> RawPosting:
        where = f"Work24 posting #{index + 1} at {url}"
        auth_no = child_text(item, "wantedAuthNo")
        if auth_no is None:
            raise ParseError(f"The {where} has no element 'wantedAuthNo'.")
        where = f"Work24 posting {auth_no} at {url}"
        title = child_text(item, "title")
        if title is None:
            raise ParseError(f"The {where} has no element 'title'.")
        company = child_text(item, "company")
        if company is None:
            raise ParseError(f"The {where} has no element 'company'.")
        extra: dict[str, object] = {}
        for tag, label in (
            ("career", "career"),
            ("sal", "salary"),
            ("salTpNm", "salary_type"),
            ("minEdubg", "education"),
            ("indTpNm", "industry"),
            ("jobsCd", "occupation_code"),
            ("infoSvc", "provider"),
            ("basicAddr", "address"),
        ):
            value = child_text(item, tag)
            if value is not None:
                extra[label] = value
        return RawPosting(
            external_id=auth_no,
            title=title,
            url=child_text(item, "wantedInfoUrl") or POSTING_URL.format(id=auth_no),
            company=self.company or company,
            location=child_text(item, "region"),
            country="KR",
            posted_at=_kst_day(child_text(item, "regDt"), where, "regDt", time(0, 0)),
            # The ad comes down at the end of its last day.
            deadline_at=_kst_day(child_text(item, "closeDt"), where, "closeDt", time(23, 59, 59)),
            employment_type=EMPLOYMENT_TYPES.get(child_text(item, "empTpCd") or ""),
            # 신입, 경력 or 관계없음, read by monitor.level.
            experience=child_text(item, "career"),
            extra=extra,
        )


def _parse_xml(body: bytes, url: str) -> Element:
    """The root element, parsed from text we decoded ourselves (expat knows no EUC-KR)."""
    match = _DECLARATION.match(body)
    text = decode_korean(body, url, match.group(1).decode("ascii") if match else None)
    try:
        root: Element = SafeET.fromstring(text)
    except DefusedXmlException as exc:
        raise ParseError(f"The response from {url} uses forbidden XML features ({exc}).") from exc
    except XMLSyntaxError as exc:
        raise ParseError(f"The response from {url} is not well-formed XML ({exc}).") from exc
    return root


def _kst_day(value: str | None, where: str, name: str, at: time) -> datetime | None:
    """The last ``yy-MM-dd`` date in ``value`` at ``at`` in Korea; None if there is none."""
    if value is None:
        return None
    found = _SHORT_DATE.findall(value)
    if not found:
        if name == "regDt":
            logger.warning("%s: ignoring the unreadable %s %r", where, name, value)
        return None  # "상시" and friends: no date
    year, month, day = (int(part) for part in found[-1])
    try:
        return datetime.combine(date(2000 + year, month, day), at, KST)
    except ValueError:
        logger.warning("%s: ignoring the impossible %s %r", where, name, value)
        return None


def _next_page(url: str, root: Element, returned: int) -> str | None:
    """The next ``startPage`` while ``total`` is not reached."""
    try:
        total = int(child_text(root, "total") or "0")
        page = int(child_text(root, "startPage") or "1")
    except ValueError:
        return None
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    size = int(query["display"]) if query.get("display", "").isdigit() else returned
    if returned == 0 or page * max(size, 1) >= total:
        return None
    query["startPage"] = str(page + 1)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


SOURCE = Work24Source
