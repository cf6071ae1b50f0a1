"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from monitor.boardserver import BoardServer


@pytest.fixture
def board_server() -> Iterator[BoardServer]:
    """A started local job-board server (real HTTP on 127.0.0.1), stopped afterwards."""
    with BoardServer() as server:
        yield server
