"""Fixtures the scraper tests share.

- ``fixture(name)``: the bytes of a recorded response of the test module's kind, from
  tests/fixtures/<kind>/ (test_ashby.py reads fixtures/ashby/); ``fixture.path(name)`` is
  its path, for the CLI.

``utc`` and the types of these fixtures are in tests/helpers.py.
"""

from __future__ import annotations

import pytest
from helpers import Recorded


@pytest.fixture
def fixture(request: pytest.FixtureRequest) -> Recorded:
    return Recorded(request.path.stem.removeprefix("test_"))
