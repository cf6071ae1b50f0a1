"""Where a job is: country code, city and remote flag read from a free-text location.

Boards write locations as "Berlin, Germany ", "New York, NY", "Remote (United States)",
"서울 > 강남구", "서울특별시 강남구" or "Seoul, South Korea". ``parse_location`` reads the
common forms (English and Korean) into a ``Place``; anything unknown stays None rather than
guessed. (Entry or experienced is read in ``monitor.level``.)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Country names and codes (lower-case) -> ISO 3166-1 alpha-2.
COUNTRIES: dict[str, str] = {
    "south korea": "KR",
    "korea": "KR",
    "republic of korea": "KR",
    "korea, republic of": "KR",
    "대한민국": "KR",
    "한국": "KR",
    "kr": "KR",
    "kor": "KR",
    "united states": "US",
    "united states of america": "US",
    "usa": "US",
    "us": "US",
    "u.s.": "US",
    "미국": "US",
    "united kingdom": "GB",
    "uk": "GB",
    "england": "GB",
    "scotland": "GB",
    "gb": "GB",
    "영국": "GB",
    "germany": "DE",
    "deutschland": "DE",
    "de": "DE",
    "독일": "DE",
    "france": "FR",
    "fr": "FR",
    "프랑스": "FR",
    "netherlands": "NL",
    "the netherlands": "NL",
    "nl": "NL",
    "네덜란드": "NL",
    "ireland": "IE",
    "ie": "IE",
    "spain": "ES",
    "es": "ES",
    "italy": "IT",
    "portugal": "PT",
    "poland": "PL",
    "sweden": "SE",
    "denmark": "DK",
    "norway": "NO",
    "finland": "FI",
    "switzerland": "CH",
    "austria": "AT",
    "belgium": "BE",
    "czech republic": "CZ",
    "czechia": "CZ",
    "romania": "RO",
    "greece": "GR",
    "hungary": "HU",
    "estonia": "EE",
    "canada": "CA",
    "ca": "CA",
    "캐나다": "CA",
    "mexico": "MX",
    "brazil": "BR",
    "argentina": "AR",
    "colombia": "CO",
    "chile": "CL",
    "japan": "JP",
    "jp": "JP",
    "일본": "JP",
    "china": "CN",
    "중국": "CN",
    "taiwan": "TW",
    "hong kong": "HK",
    "singapore": "SG",
    "sg": "SG",
    "싱가포르": "SG",
    "india": "IN",
    "vietnam": "VN",
    "베트남": "VN",
    "indonesia": "ID",
    "philippines": "PH",
    "thailand": "TH",
    "malaysia": "MY",
    "australia": "AU",
    "au": "AU",
    "호주": "AU",
    "new zealand": "NZ",
    "israel": "IL",
    "united arab emirates": "AE",
    "uae": "AE",
    "turkey": "TR",
    "türkiye": "TR",
    "south africa": "ZA",
    "nigeria": "NG",
    "kenya": "KE",
    "egypt": "EG",
    "ukraine": "UA",
}

# Cities (lower-case, English and Korean) -> (normalised city, country).
CITIES: dict[str, tuple[str, str]] = {
    "seoul": ("seoul", "KR"),
    "서울": ("seoul", "KR"),
    "서울시": ("seoul", "KR"),
    "서울특별시": ("seoul", "KR"),
    "gangnam": ("seoul", "KR"),
    "강남": ("seoul", "KR"),
    "pangyo": ("seongnam", "KR"),
    "판교": ("seongnam", "KR"),
    "seongnam": ("seongnam", "KR"),
    "성남": ("seongnam", "KR"),
    "성남시": ("seongnam", "KR"),
    "busan": ("busan", "KR"),
    "부산": ("busan", "KR"),
    "부산광역시": ("busan", "KR"),
    "daejeon": ("daejeon", "KR"),
    "대전": ("daejeon", "KR"),
    "대전광역시": ("daejeon", "KR"),
    "incheon": ("incheon", "KR"),
    "인천": ("incheon", "KR"),
    "인천광역시": ("incheon", "KR"),
    "suwon": ("suwon", "KR"),
    "수원": ("suwon", "KR"),
    "daegu": ("daegu", "KR"),
    "대구": ("daegu", "KR"),
    "gwangju": ("gwangju", "KR"),
    "광주": ("gwangju", "KR"),
    "경기": ("gyeonggi", "KR"),
    "경기도": ("gyeonggi", "KR"),
    "gyeonggi": ("gyeonggi", "KR"),
    "sejong": ("sejong", "KR"),
    "세종": ("sejong", "KR"),
    "ulsan": ("ulsan", "KR"),
    "울산": ("ulsan", "KR"),
    "san francisco": ("san francisco", "US"),
    "sf": ("san francisco", "US"),
    "new york": ("new york", "US"),
    "new york city": ("new york", "US"),
    "nyc": ("new york", "US"),
    "seattle": ("seattle", "US"),
    "boston": ("boston", "US"),
    "austin": ("austin", "US"),
    "los angeles": ("los angeles", "US"),
    "chicago": ("chicago", "US"),
    "palo alto": ("palo alto", "US"),
    "mountain view": ("mountain view", "US"),
    "san jose": ("san jose", "US"),
    "denver": ("denver", "US"),
    "washington": ("washington", "US"),
    "london": ("london", "GB"),
    "berlin": ("berlin", "DE"),
    "munich": ("munich", "DE"),
    "paris": ("paris", "FR"),
    "amsterdam": ("amsterdam", "NL"),
    "dublin": ("dublin", "IE"),
    "stockholm": ("stockholm", "SE"),
    "zurich": ("zurich", "CH"),
    "madrid": ("madrid", "ES"),
    "barcelona": ("barcelona", "ES"),
    "lisbon": ("lisbon", "PT"),
    "warsaw": ("warsaw", "PL"),
    "toronto": ("toronto", "CA"),
    "vancouver": ("vancouver", "CA"),
    "montreal": ("montreal", "CA"),
    "tokyo": ("tokyo", "JP"),
    "도쿄": ("tokyo", "JP"),
    "singapore city": ("singapore", "SG"),
    "bangalore": ("bengaluru", "IN"),
    "bengaluru": ("bengaluru", "IN"),
    "sydney": ("sydney", "AU"),
    "melbourne": ("melbourne", "AU"),
    "tel aviv": ("tel aviv", "IL"),
    "taipei": ("taipei", "TW"),
}

# Two-letter US states and Canadian provinces after a city ("New York, NY", "Toronto, ON").
_US_STATES = "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV"
_US_STATES += " NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC"
US_STATES = frozenset(_US_STATES.lower().split(" "))
CA_PROVINCES = frozenset(("on", "bc", "qc", "ab", "mb", "sk", "ns", "nb", "nl", "pe"))
_REMOTE = re.compile(r"\b(remote|anywhere|work from home|wfh|distributed)\b|원격|재택", re.I)
_SPLIT = re.compile(r"\s*(?:[,/|;>·()\[\]\-–—]|\bor\b|\band\b)\s*|\s{2,}")


@dataclass(frozen=True)
class Place:
    city: str | None
    country: str | None
    remote: bool


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip(" .")


@lru_cache(maxsize=50_000)
def parse_location(text: str | None) -> Place:
    """City, country and remote flag of a location string; unknown parts are None."""
    if not text or not text.strip():
        return Place(None, None, False)
    folded = _fold(text)
    remote = bool(_REMOTE.search(folded))
    parts = [p for p in (_fold(part) for part in _SPLIT.split(folded)) if p]
    city = country = None
    for index, part in enumerate(parts):
        # After a city, two letters are a US state before a country code ("San Francisco,
        # CA" is California, not Canada).
        if index > 0 and len(part) == 2 and part in US_STATES:
            continue
        if country is None and part in COUNTRIES:
            country = COUNTRIES[part]
    for index, part in enumerate(parts):
        hit = CITIES.get(part) or CITIES.get(part.split(" ")[0])
        if hit and city is None:
            city = hit[0]
            if country is None:
                country = hit[1]
        elif index > 0 and country is None and len(part) == 2:
            if part in US_STATES:
                country = "US"
            elif part in CA_PROVINCES:
                country = "CA"
    if city is None and country is None and not remote:
        # "서울특별시 강남구": the first word names the city.
        first = folded.split()[0] if folded.split() else ""
        hit = CITIES.get(first)
        if hit:
            city, country = hit
    return Place(city, country, remote)
