"""Detail pages within a budget, shared by the kinds whose listings carry no description.

Wanted, Jumpit, Workable and SmartRecruiters list postings without their text; each text is
one more request. Postings already stored with their text (``Source.known_ids``) are not asked
again, at most ``budget`` details are fetched per run, and the rest come next run: each one
not fetched is yielded with ``detail_missing`` (the store keeps what it has) and counted in
``Source.skipped``, which makes the run partial. A refusal (403, robots.txt) or throttling
(429) stops further detail requests for the run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator

from monitor.errors import BlockedError, FetchError, ParseError
from monitor.posting import RawPosting
from scrapers.base import Source


def with_details(
    source: Source,
    postings: Iterable[RawPosting],
    fetch_detail: Callable[[RawPosting], RawPosting],
    *,
    budget: int,
    label: str,
    skip_parse_errors: bool = True,
) -> Iterator[RawPosting]:
    """Yield ``postings`` with their details where the budget allows.

    ``fetch_detail`` returns the posting completed from its detail page. With
    ``skip_parse_errors`` False a detail of the wrong shape fails the run (the site changed).
    """
    left = budget
    stop: str | None = None  # why no further detail is asked this run
    for posting in postings:
        if posting.external_id in source.known_ids:
            yield dataclasses.replace(posting, detail_missing=True)
            continue
        if stop is None and left <= 0:
            stop = f"over the detail budget of this run ({budget})"
        if stop is not None:
            source.skipped.append(f"{label} {posting.external_id}: {stop}")
            yield dataclasses.replace(posting, detail_missing=True)
            continue
        left -= 1
        try:
            yield fetch_detail(posting)
        except (FetchError, ParseError) as exc:
            if isinstance(exc, ParseError) and not skip_parse_errors:
                raise
            source.skipped.append(f"{label} {posting.external_id}: {exc}")
            if isinstance(exc, BlockedError) or getattr(exc, "status", None) == 429:
                # Refused or throttled once: spare the site the remaining requests.
                stop = "not asked after the site refused or throttled a detail request"
            yield dataclasses.replace(posting, detail_missing=True)
