"""The engine's first tick at start-up. post_init schedules it a moment ahead, but the scheduler
starts only after the updater's first call to Telegram: however long that takes, the tick runs
as the scheduler starts, not an interval later (an hour here: settings.tick_seconds)."""

from __future__ import annotations

from bot.app import build_application, polling
from tests.harness import Harness, opening, running, subscribe

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
