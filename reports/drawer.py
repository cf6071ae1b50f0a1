"""The charts drawn in a process of their own (``jobtrend report``).

matplotlib and its font list take about half a second to load, on the same interpreter as the
numbers (a thread only shares its lock). A drawing process started before the numbers are read
loads them on the other core, and draws once given the report's content. Where a process
cannot be started the charts are drawn here, as they are without a drawer.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reports.content import ReportContent
    from reports.picture import Picture

log = logging.getLogger(__name__)


class Drawer:
    """``draw`` in the drawing process, started (and loading matplotlib) when this is made,
    or in this one (``here``)."""

    def __init__(self, process: bool = True) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._ready: Future[None] | None = None
        if not process:
            return
        try:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
            self._ready = self._pool.submit(_load)
        except OSError as exc:  # no processes here: draw in this one
            log.debug("no drawing process (%s); drawing in this one", exc)
            self.close()

    @property
    def in_process(self) -> bool:
        """Whether the charts are drawn in this process."""
        return self._pool is None

    def wait_ready(self) -> None:
        """Until the drawing process has loaded matplotlib."""
        if self._ready is not None:
            self._ready.result()

    @classmethod
    def here(cls) -> Drawer:
        """A drawer drawing in this process."""
        return cls(process=False)

    def draw(self, content: ReportContent, folder: Path, fmt: str) -> list[Picture]:
        if self._pool is not None:
            try:
                return self._pool.submit(_draw, content, folder, fmt).result()
            except BrokenExecutor as exc:  # the process died (out of memory, killed)
                log.warning("the drawing process failed (%s); drawing in this one", exc)
        from reports.figures import draw

        return draw(content, folder, fmt)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


@contextmanager
def drawing_process() -> Iterator[Drawer]:
    drawer = Drawer()
    try:
        yield drawer
    finally:
        drawer.close()


def _load() -> None:
    import reports.figures  # noqa: F401


def _draw(content: ReportContent, folder: Path, fmt: str) -> list[Picture]:
    from reports.figures import draw

    return draw(content, folder, fmt)
