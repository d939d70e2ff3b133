"""The helper process for charts and PDFs (bot/render.py): started on demand, stopped when
idle, replaced when it dies, and the bot process itself never loads the drawing libraries."""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import os
import signal
import subprocess
import sys
from datetime import date, timedelta
from multiprocessing.process import BaseProcess

from bot.insights import summarize
from bot.models import CheckIn
from bot.render import Renderer
from tests.harness import REPO

TODAY = date(2026, 11, 16)
CHECKINS = [
    CheckIn(1, TODAY - timedelta(days=n), tension=n % 11, pain=(2 * n) % 11) for n in range(30)
]
PRACTISED = {TODAY - timedelta(days=n) for n in range(0, 30, 2)}
START = TODAY - timedelta(days=29)


def wait_for_exit(process: BaseProcess, seconds: float) -> bool:
    """Whether the process ended within `seconds`, without reaping it."""
    return bool(multiprocessing.connection.wait([process.sentinel], seconds))


async def test_a_chart_is_drawn_by_a_helper_that_stops_when_idle():
    renderer = Renderer(idle_seconds=0.3)
    before = set(multiprocessing.active_children())
    try:
        png = await renderer.progress_png(CHECKINS, PRACTISED, START, TODAY)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        [helper] = set(multiprocessing.active_children()) - before
        assert renderer.started and helper.pid != os.getpid()
        # It is told to go once idle for 0.3 s. Its exit is read from its sentinel, not with
        # helper.join(): the executor's own thread joins it too, and the loser of that race
        # gets ECHILD from waitpid and a process that looks alive for ever (seen in CI).
        assert await asyncio.to_thread(wait_for_exit, helper, 60)
        assert not renderer.started
    finally:
        renderer.close()


async def test_a_helper_that_died_is_replaced_and_the_chart_still_comes():
    renderer = Renderer()
    before = set(multiprocessing.active_children())
    try:
        await renderer.progress_png(CHECKINS, PRACTISED, START, TODAY)
        [helper] = set(multiprocessing.active_children()) - before
        os.kill(helper.pid, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        assert await asyncio.to_thread(wait_for_exit, helper, 60)
        png = await renderer.progress_png(CHECKINS, PRACTISED, START, TODAY)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
    finally:
        renderer.close()


async def test_export_files_are_a_csv_and_a_pdf():
    renderer = Renderer()
    summary = summarize(CHECKINS, PRACTISED, set(), TODAY, None)
    try:
        table, report = await renderer.export_files(
            CHECKINS, summary, PRACTISED, "Europe/Berlin", "Ann"
        )
    finally:
        renderer.close()
    assert table.startswith("\ufeffdate,".encode())
    assert table.count(b"\r\n") == len(CHECKINS) + 1
    assert report.startswith(b"%PDF-")


def test_the_bot_process_loads_no_drawing_library():
    """What keeps the running bot near 90 MB (bench/scale.py): these load elsewhere."""
    code = (
        "import sys, bot.app, bot.flows, bot.__main__; "
        "heavy = {'matplotlib', 'fpdf', 'fontTools'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, timeout=60)
