"""Safety through the emulator: pain replies, the red-flag screen, and the hold it can cause."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot import safety
from bot.app import BotContext
from bot.flows.safety import explain_hold
from bot.safety import GENTLE_DAYS
from bot.texts.safety import signs
from tests.harness import USER_ID, Harness, buttons, subscribe


async def edit_of(bot: Harness, message: dict) -> dict:
    """The next edit of `message`, skipping edits of other messages."""
    while True:
        edit = await bot.emu.next_edit(USER_ID)
        if edit["message_id"] == message["message_id"]:
            return edit


# The signs as an English speaker reads them (bot/safety.py lists them by message key).
URGENT_SIGNS = signs(safety.URGENT_SIGNS)
SEE_DOCTOR_SIGNS = signs(safety.SEE_DOCTOR_SIGNS)
RED_FLAGS = URGENT_SIGNS

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
    for flag in URGENT_SIGNS + SEE_DOCTOR_SIGNS:
        assert flag in screen["text"]
    # Urgent first, then the see-a-doctor-this-week tier.
    assert screen["text"].index(URGENT_SIGNS[-1]) < screen["text"].index(SEE_DOCTOR_SIGNS[0])
    assert buttons(screen) == [
        "Yes, from the first list",
        "Only from the second list",
        "No, none of these",
    ]


async def test_only_the_second_list_advises_a_doctor_this_week_and_holds_nothing(bot):
    [screen] = await subscribe(bot)
    await bot.tap(screen, "Only from the second list")
    reply = await bot.reply()
    assert "doctor this week" in reply["text"] and "urgent care today" in reply["text"]
    assert not bot.store.subscriber(USER_ID).on_hold
    assert [answer for _, answer in bot.store.safety_screens(USER_ID)] == ["soon"]


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
    assert "call 112 now" in urgent["text"]  # Berlin: the number for the person's zone
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
    assert "call 112 now" in message["text"]  # Berlin: the number for the person's zone
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
        await bot.tap(areas, "Go on with the check-in")  # after a high- or rising-pain reply
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
    """People who practise but never finish a check-in are still asked every week; the
    practice waits for the answer, and the answer starts it."""
    await subscribed(bot)
    bot.clock.advance(timedelta(days=7))
    await bot.emu.send_text(USER_ID, "/today")
    screen = await bot.reply()
    assert RED_FLAGS[0] in screen["text"]
    assert "starts as soon as you've answered" in screen["text"]
    assert await bot.settle() == []  # nothing else: the practice waits
    assert bot.store.active_session(USER_ID) is None
    await bot.tap(screen, "No")
    assert "Thank you" in (await bot.reply())["text"]
    assert "Day 1" in (await bot.reply())["text"]  # the practice itself follows the answer
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


async def test_high_pain_brings_the_screen_forward_after_a_day(bot):
    """The screen comes straight after the high-pain reply, before any further question."""
    await subscribed(bot)
    bot.clock.advance(timedelta(days=1))
    reply = await rate_pain(bot, "9")
    assert "Get urgent care now" in reply["text"]
    screen = await bot.reply()
    assert RED_FLAGS[0] in screen["text"]


async def test_an_unanswered_screen_waits_once_and_is_not_asked_again_that_day(bot):
    """Left unanswered before a practice, the screen does not come back at the next starts
    that day (issue 15: it came back at 7 practice starts); the next day it is asked again."""
    await subscribed(bot)
    bot.clock.advance(timedelta(days=7))
    await bot.emu.send_text(USER_ID, "/today")
    assert RED_FLAGS[0] in (await bot.reply())["text"]  # unanswered
    await bot.emu.send_text(USER_ID, "/today")
    assert "Day 1" in (await bot.reply())["text"]  # the practice starts; no second screen
    await bot.settle()
    for _ in range(2):
        await bot.emu.send_text(USER_ID, "/today")  # resumes the practice
        await bot.settle()
    bot.clock.advance(timedelta(hours=1))
    await finish_checkin(bot, pain="9")  # even high pain does not ask twice a day
    screens = [m for m in bot.emu.messages(USER_ID) if RED_FLAGS[0] in (m.get("text") or "")]
    assert len(screens) == 2  # the one after subscribing, and today's
    bot.clock.advance(timedelta(days=1))
    await bot.emu.send_text(USER_ID, "/today")
    assert RED_FLAGS[0] in (await bot.reply())["text"]


# --- pain replies -------------------------------------------------------------------------------


@pytest.mark.parametrize("pain", ["7", "10"], ids=["seven", "ten"])
async def test_high_pain_reply_points_to_urgent_signs_and_offers_to_stop(bot, pain):
    await subscribed(bot)
    reply = await rate_pain(bot, pain)
    assert "Get urgent care now" in reply["text"]
    assert "numbness, weakness, fever, or bladder or bowel changes" in reply["text"]
    assert "stop anything that hurts" in reply["text"]
    assert "hasn't eased in a day or two" in reply["text"]
    assert "doctor or physiotherapist" in reply["text"]
    assert buttons(reply) == ["Go on with the check-in", "⏹ Stop here"]
    assert await bot.settle() == []  # no more questions until they choose (screen: answered today)
    question = next(m for m in bot.emu.messages(USER_ID) if "How much pain" in (m["text"] or ""))
    assert f"Your answer: {pain}/10" in question["text"]  # the answered question shows it
    assert bot.store.subscriber(USER_ID).gentle_until == TODAY + timedelta(days=GENTLE_DAYS)
    await bot.tap(reply, "Go on")
    assert "Where" in (await bot.reply())["text"]


async def test_stop_here_after_high_pain_saves_what_was_given(bot):
    await subscribed(bot)
    reply = await rate_pain(bot, "9", tension="6")
    await bot.tap(reply, "Stop here")
    stopped = await bot.reply()
    assert "What you told me is saved" in stopped["text"]
    assert "Tension: 6/10" in stopped["text"] and "Pain: 9/10" in stopped["text"]
    row = bot.store.checkin_for_day(USER_ID, TODAY)
    assert (row.tension, row.pain, row.status) == (6, 9, "partial")
    assert bot.store.subscriber(USER_ID).awaiting is None  # nothing waits for an answer now
    assert "/checkin" in (await bot.say("thanks"))["text"]  # free text: the usual pointer
    # The other button, tapped late (its keyboard is gone), changes nothing.
    await bot.emu.press(USER_ID, reply["message_id"], f"ci:{row.id}:x:go", check=False)
    await bot.settle()
    assert bot.store.checkin_for_day(USER_ID, TODAY).status == "partial"
    assert "already checked in today" in (await bot.say("/checkin"))["text"]


async def test_rising_pain_brings_the_screen_forward_too(bot):
    await subscribed(bot)
    earlier_pains(bot, 2, 3, 2)
    bot.clock.advance(timedelta(days=1))
    reply = await rate_pain(bot, "5")
    assert "higher than it has been lately" in reply["text"]
    assert "Get urgent care now" in reply["text"]
    assert "within a week" in reply["text"]
    screen = await bot.reply()
    assert RED_FLAGS[0] in screen["text"]


async def test_rising_pain_gets_a_reply_and_steps_back_to_gentle(bot):
    await subscribed(bot)
    earlier_pains(bot, 2, 3, 2)
    reply = await rate_pain(bot, "5")
    assert "higher than it has been lately" in reply["text"]
    assert "gentle rest" in reply["text"] and "doctor or physiotherapist" in reply["text"]
    assert bot.store.subscriber(USER_ID).gentle_until == TODAY + timedelta(days=GENTLE_DAYS)


@pytest.mark.parametrize(
    ("earlier", "pain"),
    [((), "6"), ((4, 4), "5"), ((6, 6), "3")],
    ids=["six-without-history", "one-point-up", "falling"],
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


# --- the disclaimer, any time ---------------------------------------------------------------------


async def test_safety_command_gives_the_disclaimer_and_both_tiers(bot):
    reply = await bot.say("/safety")
    assert "not medical advice" in reply["text"] and "doesn't replace a check-up" in reply["text"]
    for sign in URGENT_SIGNS + SEE_DOCTOR_SIGNS:
        assert sign in reply["text"]
    assert reply["text"].index("urgent care today") < reply["text"].index("doctor this week")
    for words in ["pregnant", "caesarean", "hip replacement", "firm bed", "Kneeling",
                  "balance", "insoles", "diabetic", "Feelings can come up"]:  # fmt: skip
        assert words in reply["text"]


async def test_help_carries_the_disclaimer_and_points_to_safety(bot):
    reply = await bot.say("/help")
    assert "not medical advice" in reply["text"]
    assert "/safety" in reply["text"]


# --- pain before a practice --------------------------------------------------------------------


async def test_pain_at_nine_before_a_practice_is_steered_to_rest(bot):
    await subscribed(bot)
    await bot.emu.send_text(USER_ID, "/today")
    await bot.expect("Day 1")
    ask = await bot.reply()
    assert "pain is high today" in ask["text"]
    await bot.tap(ask, "My pain is 7 or more")
    picker = await edit_of(bot, ask)
    assert buttons(picker) == ["7", "8", "9", "10", "« Not that high"]
    await bot.tap(picker, "9")
    steer = await bot.expect("Your pain is high right now")
    assert "Get urgent care now" in steer["text"]
    assert "rest is kinder than practice" in steer["text"]
    assert buttons(steer) == ["⚡ 5-minute rest instead", "Go on, gently", "⏹ Stop"]
    session = bot.store.active_session(USER_ID)
    assert bot.store.pain_before(session.id) == 9  # saved, even if they stop here
    assert session.steps_began_utc is None  # nothing has started
    assert bot.store.subscriber(USER_ID).gentle_until == TODAY + timedelta(days=GENTLE_DAYS)
    await bot.tap(steer, "5-minute rest instead")
    assert "5-minute version" in (await bot.expect("5-minute"))["text"]
    assert bot.store.active_session(USER_ID).kind == "short"
    assert bot.store.pain_before(session.id) == 9
    assert bot.store.session(session.id).status == "stopped"


async def test_stop_after_high_pain_before_a_practice_keeps_the_rating(bot):
    await subscribed(bot)
    await bot.emu.send_text(USER_ID, "/today")
    await bot.expect("Day 1")
    ask = await bot.reply()
    await bot.tap(ask, "My pain is 7 or more")
    await bot.tap(await edit_of(bot, ask), "10")
    steer = await bot.expect("Your pain is high right now")
    session = bot.store.active_session(USER_ID)
    await bot.tap(steer, "Stop")
    assert "Stopped" in (await bot.expect("Stopped"))["text"]
    assert bot.store.active_session(USER_ID) is None
    assert bot.store.pain_before(session.id) == 10


async def test_not_that_high_goes_back_to_the_tension_question(bot):
    await subscribed(bot)
    await bot.emu.send_text(USER_ID, "/today")
    await bot.expect("Day 1")
    ask = await bot.reply()
    await bot.tap(ask, "My pain is 7 or more")
    picker = await edit_of(bot, ask)
    await bot.tap(picker, "Not that high")
    again = await edit_of(bot, picker)
    assert "how much tension" in again["text"]
    await bot.tap(again, "4")
    assert "Step 1 of" in (await edit_of(bot, again))["text"]
    assert bot.store.subscriber(USER_ID).gentle_until is None
