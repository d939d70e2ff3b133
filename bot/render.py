"""Charts and PDF reports, drawn in a helper process rather than in the bot's own.

Why a process: matplotlib and fpdf are ~45 MB that the bot would otherwise hold for good
after the first chart, and drawing a chart holds the GIL for ~0.1 s, during which no other
person's update and no reminder moves. One helper, started on first use (~1 s: it imports
matplotlib) and stopped after IDLE_SECONDS without work, so the memory comes back when
nobody is looking at charts. The functions it runs import the drawing modules themselves:
importing this module costs the bot nothing.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable, Sequence, Set
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from typing import Any, TypeVar

from bot import i18n
from bot.insights import Summary
from bot.models import CheckIn

log = logging.getLogger(__name__)

IDLE_SECONDS = 600.0
T = TypeVar("T")


class Renderer:
    """The helper process: one at a time, started on demand, stopped when idle."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self._idle_seconds = idle_seconds
        self._pool: ProcessPoolExecutor | None = None
        self._running = 0
        self._idle_timer: asyncio.TimerHandle | None = None

    @property
    def started(self) -> bool:
        return self._pool is not None

    async def progress_png(
        self, checkins: Sequence[CheckIn], practised: Set[date], start: date, end: date
    ) -> bytes:
        return await self._run(_progress_png, list(checkins), set(practised), start, end)

    async def export_files(
        self,
        checkins: Sequence[CheckIn],
        summary: Summary,
        practised: Set[date],
        zone: str,
        title_name: str | None,
    ) -> tuple[bytes, bytes]:
        """The CSV of every check-in and the PDF report with its chart."""
        return await self._run(
            _export_files, list(checkins), summary, set(practised), zone, title_name
        )

    def close(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def _run(self, function: Callable[..., T], *args: Any) -> T:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        self._running += 1
        try:
            try:
                return await self._submit(function, args)
            except BrokenProcessPool:
                # The helper died (killed, out of memory): once more, with a new one.
                log.warning("render.helper_died")
                return await self._submit(function, args)
        finally:
            self._running -= 1
            if self._running == 0 and self._pool is not None:
                loop = asyncio.get_running_loop()
                self._idle_timer = loop.call_later(self._idle_seconds, self.close)

    async def _submit(self, function: Callable[..., T], args: tuple[Any, ...]) -> T:
        if self._pool is None:
            # spawn: a fresh interpreter, not a fork of one with threads and an event loop
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        pool = self._pool
        # The language is a context variable of this task; the helper is another process.
        language = i18n.current_language()
        try:
            return await asyncio.get_running_loop().run_in_executor(
                pool, _in_language, language, function, *args
            )
        except BrokenProcessPool:
            if self._pool is pool:
                self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise


# --- run in the helper process -----------------------------------------------------------------


def _in_language(language: str, function: Callable[..., T], *args: Any) -> T:
    with i18n.use_language(language):
        return function(*args)


def _progress_png(checkins: list[CheckIn], practised: set[date], start: date, end: date) -> bytes:
    from bot.charts import render_progress_chart

    return render_progress_chart(checkins, practised, start, end)


def _export_files(
    checkins: list[CheckIn],
    summary: Summary,
    practised: set[date],
    zone: str,
    title_name: str | None,
) -> tuple[bytes, bytes]:
    from bot import exports
    from bot.charts import render_progress_chart

    chart = render_progress_chart(checkins, practised, summary.start, summary.today)
    report = exports.report_pdf(
        checkins, summary, chart, title_name=title_name, practised_days=practised
    )
    return exports.checkins_csv(checkins, zone), report
