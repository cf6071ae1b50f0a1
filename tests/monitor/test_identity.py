"""The de-duplication key, case by case from tests/data/dedup_cases.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from monitor.identity import dedup_key, normalise_company, normalise_location, normalise_title

CASES = tomllib.loads(
    (Path(__file__).resolve().parents[1] / "data" / "dedup_cases.toml").read_text("utf-8")
)


def _key(posting: dict[str, str]) -> str:
    return dedup_key(posting["company"], posting["title"], posting["location"])


@pytest.mark.parametrize("case", CASES["same"], ids=[c["why"] for c in CASES["same"]])
def test_same_job_same_key(case: dict[str, object]) -> None:
    postings = case["postings"]
    assert isinstance(postings, list)
    keys = {_key(p) for p in postings}
    assert len(keys) == 1, keys


@pytest.mark.parametrize("case", CASES["different"], ids=[c["why"] for c in CASES["different"]])
def test_different_jobs_different_keys(case: dict[str, object]) -> None:
    postings = case["postings"]
    assert isinstance(postings, list)
    keys = [_key(p) for p in postings]
    assert len(set(keys)) == len(keys), keys


@pytest.mark.parametrize(
    ("function", "text", "expected"),
    [
        (normalise_company, "Acme, Inc.", "acme"),
        (normalise_company, "(주)네이버", "네이버"),
        (normalise_company, "OpenAI, L.L.C.", "openai"),
        (normalise_company, None, ""),
        (normalise_title, "[경력] 백엔드 개발자 (Python)", "백엔드 개발자 python"),
        (normalise_title, "ML Engineer (3년 이상)", "ml engineer"),
        (normalise_title, "[공고]", "공고"),
        (normalise_location, "Remote (United States)", "remote/us"),
        (normalise_location, "서울 > 강남구", "seoul"),
        (normalise_location, "서울특별시 강남구", "seoul"),
        (normalise_location, "Remote", "remote"),
        (normalise_location, "", ""),
    ],
)
def test_normalisers(function: object, text: str | None, expected: str) -> None:
    assert callable(function)
    assert function(text) == expected
