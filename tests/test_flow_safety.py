"""Safety through the emulator: pain replies, the red-flag screen, and the hold it can cause."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app import BotContext
from bot.flows.safety import explain_hold
from bot.safety import GENTLE_DAYS, RED_FLAGS
from tests.conftest import USER_ID, Harness, buttons
from tests.helpers import subscribe

TODAY = date(2026, 11, 23)  # the clock fixture: Monday 07:00 in Berlin
REMINDER = "Time for today's practice"


async def subscribed(bot: Harness) -> None:
    [screen] = await subscribe(bot)
    await bot.tap(screen, "No")
    await bot.expect("Thank you")


async def rate_pain(bot: Harness, pain: str, tension: str = "4") -> dict:
    """Starts /checkin, answers tension, then pain; returns the bot's first reply to the pain."""
    await bot.emu.send_text(USER_ID, "/checkin")
    await bot.expect("tension")
    await bot.say(tension)
    return await bot.say(pain)


def earlier_pains(bot: Harness, *pains: int) -> None:
    """Check-ins on the days before today with these pain ratings, oldest first."""
    for back, pain in enumerate(reversed(pains), start=1):
        day = TODAY - timedelta(days=back)
        row = bot.store.open_checkin(USER_ID, day, bot.clock.now(), step="areas")
        bot.store.save_answer(row.id, bot.clock.now(), step=None, pain=pain)
        bot.store.close_checkin(row.id, bot.clock.now())


def reminder_sent(bot: Harness) -> list[dict]:
    return [m for m in bot.emu.messages(USER_ID) if REMINDER in (m.get("text") or "")]


# --- the screen after subscribing ----------------------------------------------------------------


async def test_subscribing_is_followed_by_the_red_flag_screen(bot):
    [screen] = await subscribe(bot)
    for flag in RED_FLAGS:
        assert flag in screen["text"]
    assert buttons(screen) == ["Yes, one or more", "No, none of these"]


async def test_an_unanswered_screen_blocks_nothing(bot):
    await subscribe(bot)  # the screen is left unanswered
    assert "/checkin" in (await bot.say("hello"))["text"]  # free text: the usual pointer
    await bot.emu.send_text(USER_ID, "/checkin")
    await bot.expect("tension")
    assert "pain" in (await bot.say("3"))["text"]
    settings = await bot.say("/settings")
    assert "Europe/Berlin" in settings["text"]


async def test_no_gets_brief_thanks_and_is_recorded(bot):
    [screen] = await subscribe(bot)
    await bot.tap(screen, "No")
    assert "Thank you" in (await bot.reply())["text"]
    subscriber = bot.store.subscriber(USER_ID)
    assert not subscriber.on_hold
    assert subscriber.last_screen_utc == bot.clock.now()
    assert [answer for _, answer in bot.store.safety_screens(USER_ID)] == ["no"]


async def test_yes_gets_the_urgent_message_first_and_pauses_the_program(bot):
    [screen] = await subscribe(bot)
    await bot.tap(screen, "Yes")
    urgent = await bot.reply()  # the very next message, before anything else
    assert "urgent medical care" in urgent["text"]
    assert "What to do now: call your doctor's urgent line" in urgent["text"]
    assert "call your local emergency number" in urgent["text"]
    held = await bot.reply()
    assert "paused your daily practice" in held["text"]
    assert buttons(held) == ["I've been checked / I want to continue"]
    assert bot.store.subscriber(USER_ID).on_hold
    assert [answer for _, answer in bot.store.safety_screens(USER_ID)] == ["yes"]


async def test_yes_in_the_middle_of_a_practice_ends_the_practice_too(bot):
    """After "please don't practise now" no next step or "time's up" may follow."""
    [screen] = await subscribe(bot)
    await bot.say("/today")
    ask = await bot.reply()
    await bot.tap(ask, "4")
    step = await bot.emu.next_edit(USER_ID)
    while "▶️ Start timer" not in buttons(step):
        await bot.tap(step, "Next »")
        step = await bot.emu.next_edit(USER_ID)
    await bot.tap(step, "▶️ Start timer")
    await bot.emu.next_edit(USER_ID)
    await bot.tap(screen, "Yes")
    assert "urgent medical care" in (await bot.expect("urgent"))["text"]
    await bot.expect("paused")
    assert bot.store.active_session(USER_ID) is None
    [live] = [m for m in bot.emu.messages(USER_ID) if m["message_id"] == step["message_id"]]
    await bot.emu.wait_until(lambda: not live.get("reply_markup"))  # its buttons taken away
    bot.emu.drain(USER_ID)
    bot.clock.advance(timedelta(minutes=30))  # the rest timer would have ended by now
    await bot.tick()
    assert await bot.settle() == []


async def test_reminders_are_skipped_while_on_hold_and_return_after_continue(bot):
    [screen] = await subscribe(bot)
    await bot.tap(screen, "Yes")
    await bot.expect("urgent")
    held = await bot.expect("paused")
    bot.clock.set(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))  # 07:30 in Berlin
    await bot.tick()
    await bot.settle()
    assert reminder_sent(bot) == []
    [row] = [d for d in bot.store.deliveries(USER_ID) if d.kind == "reminder"]
    assert row.status == "skipped" and "on hold" in row.reason
    await bot.tap(held, "continue")
    back = await bot.expect("Welcome back")
    assert "gentle" in back["text"]
    subscriber = bot.store.subscriber(USER_ID)
    assert not subscriber.on_hold
    assert subscriber.gentle_until == TODAY + timedelta(days=GENTLE_DAYS)
    bot.clock.set(datetime(2026, 11, 24, 6, 30, tzinfo=UTC))
    await bot.tick()
    reminder = await bot.expect(REMINDER)
    assert "A gentle day" in reminder["text"]


async def test_yes_on_an_old_screen_still_gets_the_urgent_message(bot):
    """A red flag is never met with "that button has expired"."""
    [screen] = await subscribe(bot)
    await bot.tap(screen, "No")
    await bot.expect("Thank you")
    await bot.emu.press(USER_ID, screen["message_id"], "sf:yes", check=False)
    assert "urgent medical care" in (await bot.reply())["text"]
    assert bot.store.subscriber(USER_ID).on_hold


async def test_a_later_no_does_not_lift_the_hold_but_shows_the_way_back(bot):
    [screen] = await subscribe(bot)
    await bot.tap(screen, "Yes")
    await bot.expect("paused")
    await bot.emu.press(USER_ID, screen["message_id"], "sf:no", check=False)
    assert "Thank you" in (await bot.reply())["text"]
    held = await bot.reply()
    assert buttons(held) == ["I've been checked / I want to continue"]
    assert bot.store.subscriber(USER_ID).on_hold


async def test_explain_hold_repeats_the_advice_and_offers_to_continue(bot):
    [screen] = await subscribe(bot)
    await bot.tap(screen, "Yes")
    await bot.expect("paused")
    await explain_hold(BotContext(bot.application), USER_ID)
    message = await bot.reply()
    assert "urgent medical care" in message["text"] and "paused" in message["text"]
    assert "call your local emergency number" in message["text"]
    await bot.tap(message, "continue")
    await bot.expect("Welcome back")
    assert not bot.store.subscriber(USER_ID).on_hold


async def test_continue_when_not_on_hold_changes_nothing(bot):
    [screen] = await subscribe(bot)
    await bot.tap(screen, "No")
    await bot.expect("Thank you")
    query = await bot.emu.press(USER_ID, screen["message_id"], "sf:go", check=False)
    assert "isn't paused" in (await bot.reply())["text"]
    assert bot.emu.callback_answers[query] is not None
    assert bot.store.subscriber(USER_ID).gentle_until is None


# --- the weekly screen ---------------------------------------------------------------------------


async def finish_checkin(bot: Harness, pain: str = "2") -> dict:
    """A whole check-in; returns the message after the thank-you, if any, else None."""
    areas = await rate_pain(bot, pain)
    if "Where" not in areas["text"]:
        areas = await bot.expect("Where")
    await bot.tap(areas, "Nowhere")
    await bot.expect("How did")
    await bot.say("all")
    await bot.emu.send_text(USER_ID, "fine")
    await bot.expect("Thank you for checking in")
    after = await bot.settle()
    return after[0] if after else None


async def test_screen_comes_again_at_the_end_of_a_checkin_after_a_week(bot):
    await subscribed(bot)
    bot.clock.advance(timedelta(days=6))
    assert await finish_checkin(bot) is None
    bot.clock.advance(timedelta(days=1))
    screen = await finish_checkin(bot)
    assert screen is not None and RED_FLAGS[0] in screen["text"]


async def test_screen_comes_again_before_a_new_practice_after_a_week(bot):
    """People who practise but never finish a check-in are still asked every week."""
    await subscribed(bot)
    bot.clock.advance(timedelta(days=7))
    await bot.emu.send_text(USER_ID, "/today")
    screen = await bot.reply()
    assert RED_FLAGS[0] in screen["text"]
    assert "Day 1" in (await bot.reply())["text"]  # the practice itself follows
    await bot.emu.send_text(USER_ID, "/today")  # resuming asks nothing again
    await bot.settle()
    screens = [m for m in bot.emu.messages(USER_ID) if RED_FLAGS[0] in (m.get("text") or "")]
    assert len(screens) == 2  # the one after subscribing, and this week's


async def test_an_unanswered_screen_is_not_sent_again_minutes_later(bot):
    """Subscribing sends the questions; a check-in twenty minutes later does not repeat them
    (the first ones' buttons still work), a check-in the next day does."""
    await subscribe(bot)  # the screen is left unanswered
    bot.clock.advance(timedelta(minutes=20))
    assert await finish_checkin(bot) is None
    bot.clock.advance(timedelta(days=1))
    screen = await finish_checkin(bot)
    assert screen is not None and RED_FLAGS[0] in screen["text"]
    assert bot.store.subscriber(USER_ID).screen_offered_utc == bot.clock.now()


async def test_high_pain_brings_the_screen_back_after_a_day(bot):
    await subscribed(bot)
    bot.clock.advance(timedelta(days=1))
    screen = await finish_checkin(bot, pain="9")
    assert screen is not None and RED_FLAGS[0] in screen["text"]


# --- pain replies -------------------------------------------------------------------------------


@pytest.mark.parametrize("pain", ["8", "10"], ids=["eight", "ten"])
async def test_high_pain_gets_a_gentle_reply_before_the_next_question(bot, pain):
    await subscribed(bot)
    reply = await rate_pain(bot, pain)
    assert "stop anything that hurts" in reply["text"]
    assert "doctor or physiotherapist" in reply["text"]
    assert "Where" in (await bot.reply())["text"]
    assert bot.store.subscriber(USER_ID).gentle_until == TODAY + timedelta(days=GENTLE_DAYS)


async def test_rising_pain_gets_a_reply_and_steps_back_to_gentle(bot):
    await subscribed(bot)
    earlier_pains(bot, 2, 3, 2)
    reply = await rate_pain(bot, "5")
    assert "higher than it has been lately" in reply["text"]
    assert "gentle rest" in reply["text"] and "doctor or physiotherapist" in reply["text"]
    assert bot.store.subscriber(USER_ID).gentle_until == TODAY + timedelta(days=GENTLE_DAYS)


@pytest.mark.parametrize(
    ("earlier", "pain"),
    [((), "7"), ((4, 4), "5"), ((6, 6), "3")],
    ids=["seven-without-history", "one-point-up", "falling"],
)
async def test_ordinary_pain_goes_straight_to_the_next_question(bot, earlier, pain):
    await subscribed(bot)
    earlier_pains(bot, *earlier)
    reply = await rate_pain(bot, pain)
    assert "Where" in reply["text"]
    assert bot.store.subscriber(USER_ID).gentle_until is None


async def test_a_high_pain_day_makes_the_next_reminder_gentle(bot):
    await subscribed(bot)
    await rate_pain(bot, "9")
    bot.clock.set(datetime(2026, 11, 24, 6, 30, tzinfo=UTC))
    await bot.tick()
    assert "A gentle day" in (await bot.expect(REMINDER))["text"]


async def test_a_later_calm_rating_never_shortens_the_gentle_days(bot):
    await subscribed(bot)
    await rate_pain(bot, "9")
    bot.clock.advance(timedelta(days=1))
    await rate_pain(bot, "1")
    assert bot.store.subscriber(USER_ID).gentle_until == TODAY + timedelta(days=GENTLE_DAYS)
