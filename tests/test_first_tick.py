"""The engine's first tick at start-up. post_init schedules it a moment ahead, but the scheduler
starts only after the updater's first call to Telegram: however long that takes, the tick runs
as the scheduler starts, not an interval later (an hour here: settings.tick_seconds)."""

from __future__ import annotations

import asyncio

import pytest
from apscheduler.events import EVENT_ALL
from telegram.ext import ApplicationBuilder

from bot.app import build_application, polling
from tests.harness import FirstTick, FirstTickTimeout, Harness, opening, running, subscribe

SLOW_ANSWER = 0.5  # seconds: five times the first tick's delay (bot/sender.py first_tick_delay)


async def test_a_reminder_due_at_start_up_goes_out_though_telegram_answers_slowly(
    settings, emulator, clock
):
    async with running(build_application(settings, clock=clock)) as first:
        await subscribe(Harness(first, emulator, clock), time_label="07:30")
    clock.set(clock.now().replace(hour=6, minute=30))  # 07:30 in Berlin: the reminder is due
    emulator.hang_next("deleteWebhook", SLOW_ANSWER)  # start_polling's call, after post_init
    async with polling(build_application(settings, clock=clock), poll_timeout=1) as second:
        bot = Harness(second, emulator, clock)
        reminder = await bot.reply()  # no tick by hand: the scheduler's first one sends it
        assert opening("reminder") in reminder["text"]


async def test_a_first_tick_that_hangs_fails_the_wait_saying_where_it_waits():
    """The harness's wait (tests/harness.py running): when the tick never reports, the failure
    names the scheduler's state, the tick's events and runs, and the await it is stuck in."""
    application = ApplicationBuilder().token("1:x").build()  # never polls: no Telegram needed
    job_queue = application.job_queue
    assert job_queue is not None
    held = asyncio.Lock()
    await held.acquire()

    async def stuck_tick(_context: object) -> None:
        async with held:
            pass

    first_tick = FirstTick(job_queue)
    job_queue.scheduler.add_listener(first_tick.on_event, EVENT_ALL)
    job_queue.run_repeating(stuck_tick, interval=3600, first=0.01, name="tick")
    await job_queue.start()
    try:
        with pytest.raises(FirstTickTimeout) as failure:
            await first_tick.wait(0.5)
    finally:
        held.release()
        await job_queue.stop()
    said = str(failure.value)
    assert "scheduler: running" in said
    assert "tick submitted" in said
    assert "interval[1:00:00]" in said
    assert f"{__file__}:" in said and "in stuck_tick" in said
    assert "locks.py" in said  # the lock it waits on
