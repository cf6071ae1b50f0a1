"""A window's jobs and their distinct phrases (``phrasecounts._Rows.window``): a job of several
postings has each phrase once, whether its postings carry the same set or different ones, and
however their sets hash."""

from __future__ import annotations

import numpy as np
import pytest

import monitor.numbers.phrasecounts as phrasecounts
from monitor.storage.phrases import pack


def _rows() -> list[tuple[object, ...]]:
    a, b, c = pack([1, 2, 3]), pack([3, 4]), pack([5])
    return [
        # posting, job, company, in window 0, ids
        (10, 1, "Acme", 1, a),
        (11, 1, "Acme", 1, a),  # the same ad on a second board
        (12, 1, "Acme", 1, b),  # edited on a third
        (20, 2, "Beta", 1, c),
        (30, 3, "Gamma", 1, b),
        (31, 3, "Gamma", 1, b),
        (40, 4, "Delta", 0, a),  # not in the window
        (41, -41, None, 1, None),  # no phrases
    ]


def _phrases(found: phrasecounts.JobPhrases) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for job, phrase in zip(found.job_of.tolist(), found.ids.tolist(), strict=True):
        out.setdefault(int(found.job_ids[job]), []).append(phrase)
    return {job: sorted(ids) for job, ids in out.items()}


@pytest.mark.parametrize("collide", [False, True])
def test_each_job_has_each_phrase_once(collide: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if collide:  # every set hashes alike: only the comparison tells them apart
        monkeypatch.setattr(phrasecounts, "hash", lambda _value: 7, raising=False)
    found = phrasecounts._Rows(_rows(), 1).window(0)
    assert sorted(found.job_ids.tolist()) == [-41, 1, 2, 3]
    assert _phrases(found) == {1: [1, 2, 3, 4], 2: [5], 3: [3, 4]}
    counts = found.counts(6)
    assert counts.tolist() == [0, 1, 1, 2, 2, 1]  # 3 and 4: jobs 1 and 3
    assert np.array_equal(np.sort(found.posting_ids), [10, 11, 12, 20, 30, 31, 41])
