"""The market's boards answer in the real shapes: every field our listings carry is a field
the real API sends (no invented names), checked against /work/shared/realdata's recordings; a
recording cut down to a few fields (Hacker News) checks the other way: we send those."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import httpx
import pytest

from monitor.demo import market as served
from monitor.demo.model import Market
from monitor.demo.server import BoardServer
from tests.helpers import REALDATA


def _items(kind: str, data: Any) -> list[dict[str, Any]]:
    """The listing items of one response of ``kind``."""
    if kind in ("greenhouse", "ashby"):
        return list(data["jobs"])
    if kind == "lever":
        return list(data)
    if kind == "hn":
        return list(data["children"])
    if kind == "wanted":
        return list(data["data"])
    if kind == "jumpit":
        return list(data["result"]["positions"])
    if kind == "saramin":
        return list(data["jobs"]["job"])
    raise AssertionError(kind)


# kind -> (realdata folder, files left out: re-shaped or not a listing)
REAL = {
    "greenhouse": ("greenhouse", ()),
    "lever": ("lever", ()),
    "ashby": ("ashby", ()),
    "hn": ("hn_algolia", ("ikevinxie_hn_search_comments_trimmed.json",)),
    "wanted": ("wanted", ("speddiikga-code_chaos_RESHAPED_3.json",)),
    "jumpit": (
        "jumpit",
        ("speddiikga-code_positions_RESHAPED_3.json", "mandu5_position_detail_54917021.json"),
    ),
    "saramin": ("saramin", ()),
}
# Recordings cut down to a few fields by whoever recorded them (see PROVENANCE.txt).
TRIMMED = {"hn"}
LISTING = {
    "greenhouse": "/v1/boards/acme-ai/jobs?content=true",
    "lever": "/v0/postings/roadmind?mode=json",
    "ashby": "/posting-api/job-board/medivision?includeCompensation=true",
    "wanted": "/wanted/api/chaos/navigation/v1/results?job_group_id=518",
    "jumpit": "/jumpit/api/positions?jobCategory=12",
    "saramin": f"/job-search?access-key={served.SARAMIN_KEY}&job_mid_cd=2",
}


def _real_keys(kind: str) -> set[str]:
    folder, left_out = REAL[kind]
    path = REALDATA / folder
    if not path.is_dir():
        pytest.skip(f"no real recordings at {path}")
    keys: set[str] = set()
    for file in sorted(path.glob("*.json")):
        if file.name not in left_out:
            for item in _items(kind, json.loads(file.read_text(encoding="utf-8"))):
                keys |= set(item)
    return keys


@pytest.mark.parametrize("kind", sorted(REAL))
def test_listing_items_carry_only_real_fields(kind: str) -> None:
    real = _real_keys(kind)
    market = Market(date(2026, 3, 2), 15)
    with BoardServer() as server:
        served.install(server)
        served.publish(server, market, 2)  # a day every board works
        if kind == "hn":
            search = httpx.get(f"{server.url}/api/v1/search_by_date?tags=story").json()
            story = search["hits"][0]["objectID"]
            data = httpx.get(f"{server.url}/api/v1/items/{story}").json()
        else:
            headers = {"Accept": "application/json"}
            data = httpx.get(server.url + LISTING[kind], headers=headers).json()
    ours = _items(kind, data)
    assert ours, "the market listed nothing"
    fields = set().union(*(set(item) for item in ours))
    if kind in TRIMMED:
        # The recording kept only some fields: those, at least, we must send.
        assert not real - fields, f"{kind} fields the real API sends that we lack"
    else:
        invented = fields - real
        assert not invented, f"{kind} fields the real API never sent: {sorted(invented)}"
