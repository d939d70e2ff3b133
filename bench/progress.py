"""/progress end to end for a year of daily check-ins: from the command to the photo.

Run: .venv/bin/python bench/progress.py [--runs 20]

The bot runs in this process against a real SQLite file holding one person with 365 days of
check-ins and practice sessions (written through `bot.store.Store`, as the flows write them).
The emulator runs in its own process and plays the person: it sends /progress (the last 30
days), or taps "All" (the whole year), and times until the photo arrives. That covers the
update's round trip, the store reads, summarize + the chart in a worker thread, the multipart
upload and the emulator's PNG check. Goal: under a second (issue 7). Prints plain lines, then
a summary line.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from statistics import median
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    EmulatorProcess,
    Report,
    bench_settings,
    fresh_db,
    percentile,
    print_machine,
    quiet_logging,
)

from bot.app import build_application, polling
from bot.clock import ManualClock
from bot.models import Completion
from bot.store import Store

USER = 4242
ZONE = "Europe/Berlin"
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
GOAL_MS = 1000.0


def write_year(path: Path) -> tuple[int, int]:
    """One subscriber, 365 daily check-ins (with notes now and then), most days practised."""
    store = Store(path)
    try:
        store.ensure_subscriber(USER, NOW - timedelta(days=366))
        store.set_zone(USER, NOW, ZONE, awaiting=None)
        store.set_reminder_time(USER, NOW, "07:30", subscribe=True)
        practised = 0
        with store.atomic():
            for i in range(365):
                day = TODAY - timedelta(days=364 - i)
                at = datetime.combine(day, dtime(19, 0), ZoneInfo(ZONE)).astimezone(UTC)
                tension = max(0, 7 - i // 60 + (i * 7) % 3 - 1)
                pain = max(0, 6 - i // 70 + (i * 5) % 3 - 1)
                session_id = None
                if i % 5 != 3:
                    session = store.open_session(
                        USER, day, "daily", "Constructive rest", [], at,
                        day_number=i + 1, content_version=None,
                    )  # fmt: skip
                    store.begin_steps(session.id, at, min(10, tension + 1))
                    store.end_session(session.id, "done", at)
                    session_id = session.id
                    practised += 1
                row = store.open_checkin(USER, day, at, step="tension", session_id=session_id)
                store.save_answer(
                    row.id, at, step=None, tension=tension, pain=pain,
                    areas=["lower_back", "groin_right"],
                    completion=Completion.FULL if session_id else Completion.SKIPPED,
                    note="felt easier today" if i % 9 == 0 else None,
                )  # fmt: skip
                store.close_checkin(row.id, at)
        return len(store.checkins(USER)), practised
    finally:
        store.close()


async def drive(emulator, user_id: int, runs: int, tap: str | None) -> list[tuple[float, int]]:
    """Runs in the emulator's process: (seconds from command or tap to photo, PNG bytes)."""
    results = []
    photo = None
    for _ in range(runs):
        began = time.perf_counter()
        if tap is None or photo is None:
            await emulator.send_text(user_id, "/progress")
        else:
            await emulator.press(user_id, photo["message_id"], tap)
        while True:
            message = await emulator.next_message(user_id, timeout=30)
            if message.get("photo"):
                break
        results.append((time.perf_counter() - began, message["photo"][0]["file_size"]))
        photo = message
    return results


async def measure(settings, emulator: EmulatorProcess, runs: int, report: Report) -> None:
    application = build_application(settings, clock=ManualClock(NOW))
    async with polling(application, poll_timeout=5):
        target = "progress:drive"
        [(cold, size)] = await emulator.acall("run", target, USER, 1, None)
        report.figure("first /progress after start", cold * 1000, "ms",
                      note="the drawing helper process starts: Python, matplotlib")  # fmt: skip
        report.figure("png size", size, "bytes", note="1200x800")
        for name, tap in (("/progress (30 days)", None), ("All (365 days)", "hi:p:all")):
            # One warm-up, so the tap case has a photo to tap on; it is not counted.
            timed = await emulator.acall("run", target, USER, runs + 1, tap)
            ms = [seconds * 1000 for seconds, _ in timed[1:]]
            mid = median(ms)
            report.figure(f"{name} median", mid, "ms", goal=f"< {GOAL_MS:.0f} ms",
                          ok=mid < GOAL_MS)  # fmt: skip
            report.figure(f"{name} p95", percentile(ms, 95), "ms", note=f"{runs} runs")
            report.figure(f"{name} max", max(ms), "ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)

    report = Report("progress")
    print_machine()
    quiet_logging("progress")
    path = fresh_db("progress.db")
    checkins, practised = write_year(path)
    print(f"data: 1 person, {checkins} check-ins over 365 days, {practised} practised days")
    with EmulatorProcess() as emulator:
        settings = bench_settings(emulator, path, max_per_second=None)
        asyncio.run(measure(settings, emulator, args.runs, report))
    return report.summary()


if __name__ == "__main__":
    raise SystemExit(main())
