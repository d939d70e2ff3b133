"""Repetition through the emulator (issue 15): the tip of the day once a day and never the
same one day after day, the phase intro once, and light days that don't cross a phase."""

from __future__ import annotations

from datetime import date, timedelta

from bot.program import note_of_the_day
from tests.harness import USER_ID, Harness, subscribe
from tests.store_rows import set_columns
from tests.test_flow_practice import first_step, start, text_of, walk_to_the_end

TODAY = date(2026, 11, 23)  # the clock fixture: Monday 07:00 in Berlin


async def subscribed(bot: Harness) -> None:
    [screen] = await subscribe(bot)
    await bot.tap(screen, "No")
    await bot.expect("Thank you")


def tip(bot: Harness, day: date) -> str:
    return note_of_the_day(bot.runtime.library, day)


async def test_after_the_reminder_the_intro_does_not_repeat_the_tip_or_the_phase_intro(bot):
    await subscribed(bot)
    set_columns(bot.store, USER_ID, bot.clock.now(), next_due_utc=bot.clock.now())
    await bot.tick()
    reminder = await bot.expect("Time for today's practice")
    assert tip(bot, TODAY) in text_of(reminder)
    assert "first free, then integrate" in text_of(reminder)
    await bot.tap(reminder, "Start now")
    intro = await bot.expect("Day 1")
    assert "💡" not in text_of(intro) and tip(bot, TODAY) not in text_of(intro)
    assert "first free, then integrate" not in text_of(intro)
    assert "Take care" in text_of(intro)  # the safety lines always show


async def test_without_a_reminder_the_intro_carries_the_tip_once(bot):
    await subscribed(bot)
    intro, _ = await start(bot)
    assert text_of(intro).count("💡") == 1 and tip(bot, TODAY) in text_of(intro)


async def test_skipped_days_bring_a_new_tip_not_the_same_one_again(bot):
    await subscribed(bot)
    intro, _ = await start(bot)
    first = tip(bot, TODAY)
    assert first in text_of(intro)
    bot.clock.advance(timedelta(days=1))  # a day skipped: still day 1 of the program
    intro, _ = await start(bot)
    assert "Day 1" in text_of(intro)
    assert first not in text_of(intro)
    assert tip(bot, TODAY + timedelta(days=1)) in text_of(intro)


async def test_a_gentle_day_is_recorded_as_light(bot):
    """After high pain the next days are gentle; such a day moves the program on within a
    phase but could not carry the person across a phase boundary."""
    await subscribed(bot)
    await bot.emu.send_text(USER_ID, "/checkin")
    await bot.expect("tension")
    await bot.say("4")
    reply = await bot.say("9")
    await bot.tap(reply, "Stop here")
    await bot.expect("Stopped here")
    bot.clock.advance(timedelta(days=1))
    intro, ask = await start(bot)
    assert "a gentle day" in text_of(intro)
    await walk_to_the_end(bot, await first_step(bot, ask, "Skip"))
    await bot.expect("tension")
    assert bot.store.program_days(USER_ID, TODAY + timedelta(days=2)) == [False]


async def test_a_reminder_that_was_never_sent_does_not_hide_the_tip(bot):
    """A reminder recorded as skipped (the person was on hold, or the bot was down too long)
    said nothing: the intro carries the tip and the phase intro."""
    await subscribed(bot)
    bot.store.add_delivery(
        USER_ID, TODAY, "reminder", bot.clock.now(), status="skipped", reason="missed"
    )
    intro, _ = await start(bot)
    assert tip(bot, TODAY) in text_of(intro)
    assert "first free, then integrate" in text_of(intro)


async def test_the_five_minute_rest_after_high_pain_does_not_repeat_the_tip(bot):
    await subscribed(bot)
    intro, ask = await start(bot)
    assert text_of(intro).count("💡") == 1
    await bot.tap(ask, "My pain is 7 or more")
    picker = await bot.emu.next_edit(USER_ID)
    while picker["message_id"] != ask["message_id"]:
        picker = await bot.emu.next_edit(USER_ID)
    await bot.tap(picker, "8")
    steer = await bot.expect("Your pain is high right now")
    await bot.tap(steer, "5-minute rest instead")
    short = await bot.expect("5-minute version")
    assert "💡" not in text_of(short)
