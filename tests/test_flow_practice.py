"""Guided practice through the emulator: sessions, steps, timers, the library, bad input."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.__main__ import main
from bot.app import BotContext, build_application, polling
from bot.flows import practice, practice_session
from bot.program import plan_for_day
from bot.views import practice as practice_views
from tests.factories import sessions_of
from tests.harness import CONTENT, USER_ID, Harness, buttons, subscribe
from tests.store_rows import set_columns
from tests.test_inaccessible import data_of

OTHER_USER = 5151


# --- helpers -----------------------------------------------------------------------------------


def text_of(message: dict) -> str:
    return message.get("text") or ""


async def edit_of(bot: Harness, message: dict, user_id: int = USER_ID) -> dict:
    """The next edit of `message` (a snapshot), skipping edits of other messages."""
    while True:
        edit = await bot.emu.next_edit(user_id)
        if edit["message_id"] == message["message_id"]:
            return edit


async def stop(bot: Harness, message: dict, user_id: int = USER_ID) -> None:
    """Stop, then the one question it asks: "Yes, stop here"."""
    await bot.tap(message, "⏹ Stop", user_id)
    confirm = await edit_of(bot, message, user_id)
    assert buttons(confirm) == ["« No, carry on", "⏹ Yes, stop here"]
    await bot.tap(confirm, "⏹ Yes, stop here", user_id)


async def toast(bot: Harness, message: dict, label: str, user_id: int = USER_ID) -> str:
    """Taps a button and returns the short answer shown over the chat ('' if none)."""
    query_id = await bot.emu.press_button(user_id, message, label)
    return await _answer(bot, query_id)


async def press_raw(bot: Harness, message: dict, data: str, user_id: int = USER_ID) -> str:
    """Sends callback data the message may not (or no longer) carry: stale or forged taps."""
    query_id = await bot.emu.press(user_id, message["message_id"], data, check=False)
    return await _answer(bot, query_id)


async def _answer(bot: Harness, query_id: str) -> str:
    await bot.emu.wait_until(lambda: bot.emu.callback_answers.get(query_id) is not None)
    return bot.emu.callback_answers[query_id].get("text", "")


async def start(bot: Harness, command: str = "/today", user_id: int = USER_ID) -> tuple[dict, dict]:
    """Sends a start command; returns the introduction and the tension question."""
    intro = await bot.say(command, user_id)
    ask = await bot.reply(user_id)
    assert "how much tension" in text_of(ask), text_of(ask)
    return intro, ask


async def first_step(bot: Harness, ask: dict, label: str = "4") -> dict:
    """Answers the tension question; returns step 1, shown in its place."""
    await bot.tap(ask, label)
    return await edit_of(bot, ask)


async def tap_next(bot: Harness, step: dict, label: str = "Next »") -> dict:
    await bot.tap(step, label)
    return await edit_of(bot, step)


async def walk_to_the_end(bot: Harness, step: dict) -> None:
    """Next through every step, then Finish."""
    while "Finish ✓" not in buttons(step):
        step = await tap_next(bot, step)
    await bot.tap(step, "Finish ✓")


async def to_timed_step(bot: Harness, step: dict) -> dict:
    while "▶️ Start timer" not in buttons(step):
        step = await tap_next(bot, step)
    return step


def live(bot: Harness, message: dict, user_id: int = USER_ID) -> dict:
    """The message as it stands now in the chat (edits included)."""
    return next(m for m in bot.emu.messages(user_id) if m["message_id"] == message["message_id"])


def active(bot: Harness, user_id: int = USER_ID):
    return bot.store.active_session(user_id)


def session_count(bot: Harness, user_id: int = USER_ID) -> int:
    return bot.store.personal_data(user_id).sessions


async def subscribed(bot: Harness) -> None:
    """Subscribes and answers the first red-flag screen No, so a later /today is not held
    back by it (a screen due before a practice waits for its answer)."""
    [screen] = await subscribe(bot)
    await bot.tap(screen, "No")
    await bot.expect("Thank you")


def all_set_message(bot: Harness) -> dict:
    return next(m for m in bot.emu.messages(USER_ID) if "All set" in text_of(m))


# --- a whole daily session -----------------------------------------------------------------------


async def test_a_full_daily_session_ends_in_the_checkins_first_question(bot):
    await subscribe(bot)
    intro, ask = await start(bot)
    assert "Day 1 · Let go" in text_of(intro)
    assert "Belly breathing + Constructive rest" in text_of(intro)
    assert "heart of the practice" not in text_of(intro)  # introductions: one practice only
    assert "first free, then integrate" in text_of(intro)  # the phase intro on its first day
    assert "Why this helps" in text_of(intro)
    assert "sharp pain" in text_of(intro)  # each practice's safety line
    # No source disputes rest or breathing: day 1 carries no "sources differ" (content review).
    assert "Sources differ" not in text_of(intro)
    assert "💡" in text_of(intro)
    assert "0 = none" in text_of(ask) and "10 = worst imaginable" in text_of(ask)
    assert "Tap a number or type it." in text_of(ask)
    step = await first_step(bot, ask, "4")
    assert "Tension now: 4/10" in text_of(step)
    assert "Step 1 of 4 · Belly breathing" in text_of(step)
    assert buttons(step) == ["Next »", "⏹ Stop"]
    await walk_to_the_end(bot, step)
    assert "Day 1 is done" in text_of(await bot.expect("Well done"))
    question = await bot.expect("tension")
    assert "How are you feeling" in text_of(question)
    session = sessions_of(bot.store, USER_ID)[0]
    assert session.status == "done"
    assert session.finished_utc is not None
    assert session.kind == "daily"
    assert session.day_number == 1
    assert session.content_version == bot.runtime.content_version
    assert bot.store.practised_on(USER_ID, bot.clock.now().date())


async def test_the_session_snapshots_its_steps_and_stores_progress_per_step(bot):
    await subscribe(bot)
    _, ask = await start(bot)
    step = await first_step(bot, ask)
    session = active(bot)
    assert len(session.steps) == 4 + 7  # breathing, then constructive rest
    assert session.steps[6].practice_id == "constructive-rest"
    assert [s.timer for s in session.steps if s.timer] == [120, 600]  # rest: 10 min today
    step = await tap_next(bot, step)
    assert active(bot).step == 1
    assert "Step 2 of 4" in text_of(step)
    await tap_next(bot, step, "« Back")
    assert active(bot).step == 0


@pytest.mark.parametrize(
    "label,stored",
    [("0", 0), ("7", 7), ("10", 10), ("Skip", None)],
    ids=["zero", "seven", "ten", "skip"],
)
async def test_tension_before_is_stored_from_the_keypad(bot, label, stored):
    await subscribe(bot)
    _, ask = await start(bot)
    step = await first_step(bot, ask, label)
    assert "Step 1 of 4" in text_of(step)
    session = active(bot)
    assert session.tension_before == stored
    assert session.steps_began_utc is not None


async def test_a_typed_tension_number_is_taken_and_the_first_step_follows(bot):
    await subscribe(bot)
    _, ask = await start(bot)
    step = await bot.say("6/10")
    assert "Step 1 of 4" in text_of(step)
    assert "Tension now: 6/10" in text_of(ask)  # the keypad message says what was noted
    assert buttons(ask) == []
    assert active(bot).tension_before == 6


@pytest.mark.parametrize("typed", ["11", "-1", "fifty", "7.5"], ids=["11", "-1", "fifty", "7.5"])
async def test_a_typed_tension_that_is_not_a_rating_is_explained(bot, typed):
    await subscribe(bot)
    await start(bot)
    reply = await bot.say(typed)
    assert "0 (none)" in text_of(reply)
    assert active(bot).steps_began_utc is None  # still at the question


async def test_a_sticker_at_the_tension_question_gets_a_kind_answer(bot):
    await subscribe(bot)
    await start(bot)
    await bot.emu.send_sticker(USER_ID)
    assert "whole number" in text_of(await bot.reply())
    assert active(bot).steps_began_utc is None


async def test_the_tension_keypad_answers_once(bot):
    await subscribe(bot)
    _, ask = await start(bot)
    await first_step(bot, ask, "3")
    answer = await press_raw(bot, ask, f"pr:tension:{active(bot).id}:8")
    assert "earlier step" in answer
    assert active(bot).tension_before == 3


# --- Back, Next, Stop ----------------------------------------------------------------------------


async def test_the_first_step_has_no_back_button(bot):
    await subscribe(bot)
    _, ask = await start(bot)
    step = await first_step(bot, ask)
    assert buttons(step) == ["Next »", "⏹ Stop"]
    step = await tap_next(bot, step)
    assert buttons(step) == ["« Back", "Next »", "⏹ Stop"]


async def test_back_on_the_first_step_stays_with_a_short_note(bot):
    """An old or forged Back on step 1 (the button isn't shown there) changes nothing."""
    await subscribe(bot)
    _, ask = await start(bot)
    step = await first_step(bot, ask)
    assert await press_raw(bot, step, f"pr:back:{active(bot).id}:0") == "This is the first step."
    assert active(bot).step == 0
    assert await bot.settle() == []  # no new message, and the step is as it was
    assert "Step 1 of 4" in text_of(step)


async def test_next_on_a_step_telegram_no_longer_shows_moves_that_message_on(bot):
    """A tap on an inaccessible message (its chat and id only) still edits that message."""
    await subscribe(bot)
    _, ask = await start(bot)
    step = await first_step(bot, ask)
    await bot.emu.press(USER_ID, step["message_id"], data_of(step, "Next »"), inaccessible=True)
    moved = await edit_of(bot, step)
    assert "Step 2 of 4" in text_of(moved)
    assert active(bot).step == 1


async def test_next_on_the_last_step_finishes_the_session(bot):
    await bot.say("/practice shoe check")  # five steps, no timer, no subscription needed
    ask = await bot.reply()
    step = await first_step(bot, ask, "Skip")
    for _ in range(4):
        step = await tap_next(bot, step)
    assert "Step 5 of 5 · Shoe check" in text_of(step)
    assert buttons(step) == ["« Back", "Finish ✓", "⏹ Stop"]
    await bot.tap(step, "Finish ✓")
    assert "Shoe check done" in text_of(await bot.expect("Well done"))
    await bot.expect("tension")
    assert active(bot) is None


async def test_back_moves_across_practices(bot):
    await subscribe(bot)
    _, ask = await start(bot)
    step = await first_step(bot, ask)
    for _ in range(4):
        step = await tap_next(bot, step)
    assert "Step 1 of 7 · Constructive rest" in text_of(step)
    step = await tap_next(bot, step, "« Back")
    assert "Step 4 of 4 · Belly breathing" in text_of(step)


async def test_stop_is_kind_offers_the_checkin_and_counts_no_practice(bot):
    await subscribe(bot)
    _, ask = await start(bot)
    step = await first_step(bot, ask)
    await stop(bot, step)
    stopped = await bot.expect("Stopped")
    assert "doctor or physiotherapist" in text_of(stopped)  # what to do if it hurt
    assert buttons(stopped) == ["▶️ Carry on from step 1", "📝 Check in now"]
    session = sessions_of(bot.store, USER_ID)[0]
    assert session.status == "stopped"
    assert not bot.store.practised_on(USER_ID, bot.clock.now().date())
    await bot.tap(stopped, "Check in now")
    await bot.expect("tension")


async def test_stop_asks_once_and_no_carries_on_where_it_was(bot):
    """UX 2: Stop was one tap, with no way back from a stray tap."""
    await subscribe(bot)
    _, ask = await start(bot)
    step = await tap_next(bot, await first_step(bot, ask))
    await bot.tap(step, "⏹ Stop")
    confirm = await edit_of(bot, step)
    assert buttons(confirm) == ["« No, carry on", "⏹ Yes, stop here"]
    assert active(bot) is not None  # nothing stopped yet
    await bot.tap(confirm, "« No, carry on")
    back = await edit_of(bot, step)
    assert text_of(back) == text_of(step) and buttons(back) == buttons(step)
    assert active(bot).step == 1


async def test_a_stopped_practice_carries_on_today_at_the_step_it_stopped(bot):
    """UX 2: a practice stopped at step 6 of 7 counted for nothing and started again."""
    await subscribe(bot)
    _, ask = await start(bot)
    step = await tap_next(bot, await tap_next(bot, await first_step(bot, ask)))
    assert "Step 3 of" in text_of(step)
    await stop(bot, step)
    stopped = await bot.expect("Stopped")
    await bot.tap(stopped, "▶️ Carry on from step 3")
    again = await bot.expect("Step 3 of")
    assert "Next »" in buttons(again)
    assert active(bot).step == 2
    await bot.settle()
    assert buttons(stopped) == []  # used: its buttons go


async def test_a_stopped_practice_cannot_be_carried_on_another_day(bot):
    await subscribe(bot)
    _, ask = await start(bot)
    await stop(bot, await first_step(bot, ask))
    stopped = await bot.expect("Stopped")
    bot.clock.advance(timedelta(days=1))
    answer = await toast(bot, stopped, "▶️ Carry on from step 1")
    assert "can't be picked up again" in answer
    assert active(bot) is None


async def test_next_keeps_its_place_whether_a_step_has_a_timer_or_not(bot):
    """UX 2: the keyboard shrank by a row on a step without a timer, so a second tap on
    Next landed on Stop."""
    await subscribe(bot)
    _, ask = await start(bot)
    step = await first_step(bot, ask)
    seen = set()
    for _ in range(8):
        rows = step["reply_markup"]["inline_keyboard"]
        assert rows[0][-1]["text"] in {"Next »", "Finish ✓"}
        assert rows[-1][0]["text"] == "⏹ Stop"
        seen.add(len(rows))
        if rows[0][-1]["text"] == "Finish ✓":
            break
        step = await tap_next(bot, step)
    assert seen == {2, 3}  # steps with and without a timer were both walked


# --- timers ------------------------------------------------------------------------------------


async def test_a_timed_step_shows_its_length_and_a_start_button(bot):
    await subscribe(bot)
    _, ask = await start(bot)
    step = await to_timed_step(bot, await first_step(bot, ask))
    assert "⏱ 2 min" in text_of(step)
    assert buttons(step)[:2] == ["« Back", "Next »"]  # Next stays on the first row
    assert buttons(step)[2] == "▶️ Start timer"


async def test_timer_start_add_five_minutes_and_end_now(bot):
    await subscribe(bot)  # Berlin; it is 07:00 there
    _, ask = await start(bot, "/practice constructive rest")
    step = await to_timed_step(bot, await first_step(bot, ask))
    assert "⏱ 15 min" in text_of(step)
    running = await tap_next(bot, step, "▶️ Start timer")
    assert "Timer running until <b>07:15</b>" not in text_of(running)  # text, not markup
    assert "Timer running until 07:15 (your time)" in text_of(running)
    assert buttons(running) == ["Add 5 min", "End now", "⏹ Stop"]
    assert active(bot).timer_due_utc == bot.clock.now() + timedelta(minutes=15)
    longer = await tap_next(bot, running, "Add 5 min")
    assert "until 07:20 (your time)" in text_of(longer)
    assert active(bot).timer_due_utc == bot.clock.now() + timedelta(minutes=20)
    ended = await tap_next(bot, longer, "End now")
    assert "Timer ended" in text_of(ended)
    assert "▶️ Start timer" in buttons(ended) and "Next »" in buttons(ended)
    assert active(bot).timer_due_utc is None
    bot.clock.advance(timedelta(minutes=25))  # past both due times, before the 07:30 reminder
    await bot.tick()
    assert await bot.settle() == []  # an ended timer says nothing later


async def test_stop_during_a_running_timer_ends_the_session_and_the_timer(bot):
    """Someone hurting in the middle of a 15-minute rest stops with one tap, and hears no
    "time's up" later."""
    await subscribe(bot)
    _, ask = await start(bot, "/practice constructive rest")
    step = await to_timed_step(bot, await first_step(bot, ask))
    running = await tap_next(bot, step, "▶️ Start timer")
    await stop(bot, running)
    stopped = await bot.expect("Stopped")
    assert "doctor or physiotherapist" in text_of(stopped)
    assert active(bot) is None
    bot.clock.advance(timedelta(minutes=16))
    await bot.tick()
    assert not [m for m in await bot.settle() if "Time's up" in text_of(m)]


async def test_stop_command_during_a_practice_says_where_the_practices_stop_is(bot):
    await subscribe(bot)
    _, ask = await start(bot)
    await first_step(bot, ask)
    reply = await bot.say("/stop")
    assert "To stop the practice you're doing now, tap ⏹ Stop" in text_of(reply)
    assert "Stop your daily reminders?" in text_of(reply)


async def test_the_timer_ends_after_the_clock_moves_and_a_tick(bot):
    await subscribe(bot)
    _, ask = await start(bot, "/practice constructive rest")
    step = await to_timed_step(bot, await first_step(bot, ask))
    running = await tap_next(bot, step, "▶️ Start timer")
    bot.clock.advance(timedelta(minutes=14))
    await bot.tick()
    assert await bot.settle() == []  # not yet
    bot.clock.advance(timedelta(minutes=1))
    await bot.tick()
    times_up = await bot.expect("Time's up")
    assert buttons(times_up) == ["« Back", "Next »", "⏹ Stop"]
    assert buttons(live(bot, running)) == []  # the running timer's buttons are gone
    assert active(bot).timer_due_utc is None
    await bot.tick()
    assert await bot.settle() == []  # said once
    after = await tap_next(bot, times_up)
    assert "Step 6 of 7 · Constructive rest" in text_of(after)


async def test_typing_while_a_timer_runs_gets_a_kind_answer_and_loses_nothing(bot):
    await subscribe(bot)
    _, ask = await start(bot, "/practice constructive rest")
    step = await to_timed_step(bot, await first_step(bot, ask))
    await tap_next(bot, step, "▶️ Start timer")
    before = active(bot)
    reply = await bot.say("is it over yet?")
    assert "Your timer is running until 07:15 (your time)" in text_of(reply)
    await bot.emu.send_sticker(USER_ID)
    assert "running until" in text_of(await bot.reply())
    assert active(bot) == before


async def test_typing_on_a_step_points_to_the_buttons(bot):
    await subscribe(bot)
    _, ask = await start(bot)
    await first_step(bot, ask)
    reply = await bot.say("ok")
    assert "You're on Belly breathing, step 1 of 4. Tap Next »" in text_of(reply)
    assert active(bot).step == 0


async def test_typing_on_the_last_step_names_the_finish_button(bot):
    await bot.say("/practice shoe check")  # five steps, no timer
    step = await first_step(bot, await bot.reply(), "Skip")
    for _ in range(4):
        step = await tap_next(bot, step)
    reply = await bot.say("done?")
    assert "Tap Finish ✓ when you're ready" in text_of(reply)


async def run_until_timer_started(bot: Harness) -> None:
    await subscribe(bot)
    _, ask = await start(bot, "/practice constructive rest")
    step = await to_timed_step(bot, await first_step(bot, ask))
    await tap_next(bot, step, "▶️ Start timer")


def times_up_count(emulator) -> int:
    return sum("Time's up" in text_of(m) for m in emulator.messages(USER_ID))


async def test_a_restart_in_the_middle_of_a_timed_step_still_ends_the_timer_once(
    settings, emulator, clock
):
    async with polling(build_application(settings, clock=clock), poll_timeout=1) as first:
        await run_until_timer_started(Harness(first, emulator, clock))
    async with polling(build_application(settings, clock=clock), poll_timeout=1) as second:
        bot = Harness(second, emulator, clock)
        clock.advance(timedelta(minutes=16))
        await bot.tick()
        times_up = await bot.expect("Time's up")
        await bot.tick()
        assert await bot.settle() == []
        assert times_up_count(emulator) == 1
        after = await tap_next(bot, times_up)
        assert "Step 6 of 7" in text_of(after)


async def test_a_timer_due_while_the_bot_was_down_ends_at_start_up_once(settings, emulator, clock):
    async with polling(build_application(settings, clock=clock), poll_timeout=1) as first:
        await run_until_timer_started(Harness(first, emulator, clock))
    clock.advance(timedelta(minutes=20))
    async with polling(build_application(settings, clock=clock), poll_timeout=1) as second:
        bot = Harness(second, emulator, clock)
        await bot.expect("Time's up")  # the rebuilt one-shot job, no tick needed
        await bot.tick()
        assert await bot.settle() == []
        assert times_up_count(emulator) == 1


async def test_progress_survives_a_restart_and_today_resumes_it(settings, emulator, clock):
    async with polling(build_application(settings, clock=clock), poll_timeout=1) as first:
        bot = Harness(first, emulator, clock)
        await subscribe(bot)
        _, ask = await start(bot)
        await tap_next(bot, await first_step(bot, ask))
    async with polling(build_application(settings, clock=clock), poll_timeout=1) as second:
        bot = Harness(second, emulator, clock)
        resumed = await bot.say("/today")
        assert "Picking up where you left off" in text_of(resumed)
        assert "Step 2 of 4 · Belly breathing" in text_of(resumed)


# --- resuming, double starts, stale buttons ------------------------------------------------------


async def test_today_resumes_the_current_step_and_retires_the_old_buttons(bot):
    await subscribe(bot)
    _, ask = await start(bot)
    step = await tap_next(bot, await first_step(bot, ask))
    resumed = await bot.say("/today")
    assert "Picking up where you left off" in text_of(resumed)
    assert "Step 2 of 4" in text_of(resumed)
    await bot.emu.wait_until(lambda: buttons(live(bot, step)) == [])
    assert session_count(bot) == 1
    after = await tap_next(bot, resumed)
    assert "Step 3 of 4" in text_of(after)


async def test_today_twice_at_once_keeps_one_session(bot):
    await subscribe(bot)
    await bot.emu.send_text(USER_ID, "/today")
    await bot.emu.send_text(USER_ID, "/today")
    said = await bot.settle()
    assert sum("Day 1" in text_of(m) for m in said) == 1
    assert sum("Picking up where you left off" in text_of(m) for m in said) == 1
    assert session_count(bot) == 1
    live = [m for m in said if buttons(m)]
    assert len(live) == 1  # one tension keypad still has buttons
    step = await first_step(bot, live[0])
    assert "Step 1 of 4" in text_of(step)


async def test_a_double_tap_on_start_keeps_one_session(bot):
    await subscribe(bot)
    start_now = all_set_message(bot)
    await bot.tap(start_now, "Start today's practice now")
    await bot.tap(start_now, "Start today's practice now")
    await bot.settle()
    assert session_count(bot) == 1
    assert [s.status for s in sessions_of(bot.store, USER_ID)].count("active") == 1


async def test_a_button_from_an_earlier_step_changes_nothing(bot):
    await subscribe(bot)
    _, ask = await start(bot)
    step = await tap_next(bot, await first_step(bot, ask))
    session = active(bot)
    answer = await press_raw(bot, step, f"pr:next:{session.id}:0")  # a second tap on Next
    assert "earlier step" in answer
    assert active(bot).step == 1
    assert await bot.settle() == []


async def test_buttons_of_an_older_session_change_nothing(bot):
    await subscribe(bot)
    _, ask = await start(bot, "/practice swing")
    old_step = await first_step(bot, ask)
    old = active(bot)
    await stop(bot, old_step)
    await bot.expect("Stopped")
    _, ask = await start(bot)
    await first_step(bot, ask)
    current = active(bot)
    answer = await press_raw(bot, old_step, f"pr:next:{old.id}:0")
    assert "earlier message" in answer  # the one guard answers (was the flow's "has ended")
    assert active(bot) == current
    assert bot.store.session(old.id).status == "stopped"


async def test_tapping_a_button_of_a_finished_session_changes_nothing(bot):
    await subscribe(bot)
    _, ask = await start(bot, "/practice shoe check")
    step = await first_step(bot, ask)
    session = active(bot)
    last = step
    await walk_to_the_end(bot, step)
    await bot.expect("tension")
    for data in (f"pr:next:{session.id}:4", f"pr:back:{session.id}:4", f"pr:stop:{session.id}:4"):
        assert "earlier message" in await press_raw(bot, last, data)
    assert bot.store.session(session.id).status == "done"
    assert await bot.settle() == []


async def test_another_persons_session_button_is_refused(bot):
    await subscribe(bot)
    await start(bot)
    session = active(bot)
    help_reply = await bot.say("/help", OTHER_USER)
    answer = await press_raw(bot, help_reply, f"pr:stop:{session.id}:0", OTHER_USER)
    assert "expired" in answer
    assert active(bot).id == session.id
    assert active(bot).status == "active"


@pytest.mark.parametrize(
    "data",
    [
        "pr:",
        "pr:next",
        "pr:next:abc:1",
        "pr:fly:1:0",
        "pr:tension:1:99",
        "pr:open:NOPE!",
        "pr:next:99999:0",
        "pr:" + "9" * 60,
    ],
    ids=[
        "empty",
        "no-id",
        "letters",
        "unknown-action",
        "rating-99",
        "bad-id",
        "no-session",
        "long",
    ],
)
async def test_garbage_practice_buttons_are_answered_without_harm(bot, data):
    help_reply = await bot.say("/help")
    assert "expired" in await press_raw(bot, help_reply, data)
    assert await bot.settle() == []


@pytest.mark.parametrize("data", ["pr:today\n", "pr:open:breathing\n"], ids=["start", "open"])
async def test_a_start_button_with_a_trailing_newline_is_not_that_button(bot, data):
    """The action's pattern ends in `$`, which also matches before a final newline: the
    handler reads the button from the whole data, so this is garbage, not a practice."""
    await subscribe(bot)
    help_reply = await bot.say("/help")
    assert "expired" in await press_raw(bot, help_reply, data)
    assert await bot.settle() == []
    assert session_count(bot) == 0


async def test_a_step_button_with_a_trailing_newline_changes_nothing(bot):
    await subscribe(bot)
    _, ask = await start(bot)
    step = await first_step(bot, ask)
    session = active(bot)
    data = f"pr:next:{session.id}:{session.step}\n"
    assert "expired" in await press_raw(bot, step, data)
    assert active(bot).step == session.step


def test_every_practice_action_has_one_handler_before_the_catch_all(settings):
    """build_application registers one handler per action; each button reaches exactly one,
    and the `pr:` catch-all after them (the rest of the data goes there)."""
    from typing import get_args

    from telegram.ext import CallbackQueryHandler

    from bot.buttons import PracticeAction, PracticeButton, PracticeStart

    handlers = [
        h
        for h in build_application(settings).handlers[0]
        if isinstance(h, CallbackQueryHandler)
        and h.callback.__module__ in {practice.__name__, practice_session.__name__}
    ]
    samples = [PracticeButton(a).pack() for a in get_args(PracticeStart)]
    samples += [PracticeButton(a, value="breathing").pack() for a in ("open", "swap")]
    samples += [PracticeButton(a, 7, "1").pack() for a in get_args(PracticeAction)]
    for data in samples:
        # What CallbackQueryHandler.check_update does with a pattern: re.match on the data.
        taking = [h.callback.__name__ for h in handlers if re.match(h.pattern, data)]
        assert len(taking) == 2 and taking[-1] == "unknown_button", (data, taking)
        assert taking[0] != "unknown_button", data
    assert handlers[-1].callback is practice.unknown_button


async def test_a_practice_removed_from_the_library_says_so(bot):
    help_reply = await bot.say("/help")
    assert "isn't in the library" in await press_raw(bot, help_reply, "pr:open:no-such-practice")


# --- who may start what --------------------------------------------------------------------------


async def test_today_without_a_subscription_points_to_start(bot):
    reply = await bot.say("/today")
    assert "/start" in text_of(reply)
    assert "/practices" in text_of(reply)
    assert session_count(bot) == 0


async def test_today_in_the_middle_of_setting_up_asks_the_setup_question_again(bot):
    """As /settings does: the person is brought back to the question they were answering."""
    await bot.say("/start")
    await bot.settle()
    reply = await bot.say("/today")
    assert "set up your daily reminder first" in text_of(reply)
    assert "time zone" in text_of(await bot.reply())
    assert session_count(bot) == 0


async def test_today_after_stopping_points_to_start_without_saying_never_set_up(bot):
    await subscribe(bot)
    ask = await bot.say("/stop")
    await bot.tap(ask, "Yes, stop reminders")
    await bot.expect("Reminders stopped")
    reply = await bot.say("/today")
    assert "you don't have one set up" not in text_of(reply)  # UX 10: they had one
    assert "reminders are stopped" in text_of(reply)
    assert "/start" in text_of(reply) and "/practices" in text_of(reply)
    assert session_count(bot) == 0


async def test_a_typed_tension_never_answers_an_open_settings_question(bot):
    """Change time, then /today without answering: a typed "4" is the tension, not 04:00."""
    await subscribe(bot)
    shown = await bot.say("/settings")
    await bot.tap(shown, "⏰ Change time")
    await bot.expect("What time")
    await start(bot)
    assert "Step 1 of 4" in text_of(await bot.say("4"))
    assert active(bot).tension_before == 4
    assert bot.store.subscriber(USER_ID).remind_at == "07:30"


async def test_today_on_hold_after_a_red_flag_explains_instead_of_starting(bot):
    await subscribe(bot)
    set_columns(bot.store, USER_ID, bot.clock.now(), on_hold=True)
    reply = await bot.say("/today")
    assert "paused because you told me" in text_of(reply)
    assert session_count(bot) == 0


async def test_a_library_practice_works_without_subscribing(bot):
    intro, ask = await start(bot, "/practice swing")
    assert "Pendulum leg swing" in text_of(intro)
    assert "daily program stays where it is" in text_of(intro)
    assert "This simple swing lets the leg hang" in text_of(intro)  # the file's introduction
    step = await first_step(bot, ask)
    assert "Step 1 of 7 · Pendulum leg swing" in text_of(step)
    assert active(bot).kind == "library"
    assert active(bot).day_number is None


async def test_a_practice_tried_while_setting_up_keeps_the_setup_question(bot):
    await bot.say("/start")
    await bot.settle()  # the welcome and the time zone question
    _, ask = await start(bot, "/practice swing")
    assert bot.store.subscriber(USER_ID).awaiting == "zone"
    # Typed text goes to the setup question meanwhile, so the keypad doesn't invite typing.
    assert "Tap a number." in text_of(ask) and "type it" not in text_of(ask)
    await first_step(bot, ask)  # buttons still work
    reply = await bot.say("Berlin")
    assert "Europe/Berlin" in text_of(reply)


async def test_a_library_practice_the_program_still_holds_back_carries_a_caution(bot):
    intro, _ = await start(bot, "/practice plank")
    assert "Gentle strengthening" in text_of(intro)
    assert "once your pain has stayed low for 7 days" in text_of(intro)


async def test_an_unknown_practice_name_gets_the_list_to_choose_from(bot):
    reply = await bot.say("/practice <b>juggling</b>")
    assert "I don't have a practice called “<b>juggling</b>”" in text_of(reply)  # escaped
    assert "Pendulum leg swing" in buttons(reply)
    assert len(buttons(reply)) == 13  # twelve practices and "What each one is"
    assert session_count(bot) == 0


async def test_a_name_matching_several_practices_asks_which(bot):
    reply = await bot.say("/practice rest")
    assert "Which one" in text_of(reply)
    assert buttons(reply) == ["Constructive rest", "Five-minute rest"]
    await bot.tap(reply, "Five-minute rest")
    assert "Five-minute rest" in text_of(await bot.reply())


async def test_practices_is_short_with_what_each_one_is_one_tap_away(bot):
    """UX 8: /practices fits a phone screen (it was ~1,400 characters); the categories and
    summaries come with one tap, in the same message, its practice buttons where they were.
    (Changed on purpose: the categories used to be in the first message.)"""
    listing = await bot.say("/practices")
    assert len(text_of(listing)) < 200
    assert len(buttons(listing)) == 13 and buttons(listing)[-1] == "ℹ️ What each one is"
    await bot.tap(listing, "ℹ️ What each one is")
    listing = await edit_of(bot, listing)
    for heading in ("Release", "Breathing", "Walking", "Feet", "Strength"):
        assert f"<b>{heading}</b>" not in text_of(listing)  # bold is markup, not text
        assert heading in text_of(listing)
    assert len(buttons(listing)) == 12
    await bot.tap(listing, "Shoe check")
    intro = await bot.reply()
    assert "Shoe check" in text_of(intro)
    assert "how much tension" in text_of(await bot.reply())


async def test_practice_without_a_name_shows_the_library(bot):
    listing = await bot.say("/practice")
    assert "All practices" in text_of(listing)


async def test_asking_for_another_practice_mid_session_asks_and_carry_on_resumes_it(bot):
    """UX 12: another practice asked for mid-session asks first; "Carry on" loses nothing.
    (Before, /practice resumed the running one without asking; now it asks.)"""
    await subscribe(bot)
    _, ask = await start(bot)
    await tap_next(bot, await first_step(bot, ask))
    running = active(bot)
    question = await bot.say("/practice swing")
    assert "You're in the middle of" in text_of(question)
    assert "switch to Pendulum leg swing" in text_of(question)
    assert buttons(question) == [
        f"« Carry on with {running.title}",
        "Switch to Pendulum leg swing",
    ]
    await bot.tap(question, f"« Carry on with {running.title}")
    step = await bot.expect("Step 2 of 4 · Belly breathing")
    assert "Picking up where you left off" in text_of(step)
    assert buttons(live(bot, question)) == []  # answered: its keyboard goes
    assert active(bot).id == running.id and active(bot).step == 1
    assert session_count(bot) == 1
    # The answered question's Switch, tapped late, changes nothing.
    assert await press_raw(bot, question, "pr:swap:pendulum-leg-swing") != ""
    assert active(bot).id == running.id


async def test_tapping_a_practice_in_the_list_on_the_first_step_asks_before_switching(bot):
    """UX 12: a /practices tap during a practice under way (even on its first step) asks;
    "Switch" ends the running one and starts the one tapped."""
    await subscribe(bot)
    _, ask = await start(bot)
    await first_step(bot, ask)
    running = active(bot)
    listing = await bot.say("/practices")
    await bot.tap(listing, "Shoe check")
    question = await bot.expect("You're in the middle of")
    assert active(bot).id == running.id  # nothing ended yet
    await bot.tap(question, "Switch to Shoe check")
    intro = await bot.expect("Shoe check")
    assert "how much tension" in text_of(await bot.reply())
    assert "Shoe check" in text_of(intro)
    assert bot.store.session(running.id).status == "abandoned"
    assert active(bot).kind == "library"
    assert buttons(live(bot, question)) == []


async def test_another_practice_before_the_first_step_replaces_the_unstarted_one(bot):
    await subscribe(bot)
    await start(bot)
    first = active(bot)
    await start(bot, "/practice swing")
    assert active(bot).kind == "library"
    assert bot.store.session(first.id).status == "abandoned"


# --- the program day ---------------------------------------------------------------------------


async def finish_today(bot: Harness, command: str = "/today") -> str:
    intro, ask = await start(bot, command)
    await walk_to_the_end(bot, await first_step(bot, ask, "Skip"))
    await bot.expect("tension")
    return text_of(intro)


async def test_the_program_day_advances_only_on_days_practised(bot):
    await subscribed(bot)
    assert "Day 1 ·" in await finish_today(bot)
    bot.clock.advance(timedelta(days=3))  # three days without practice
    assert "Shoe check" in await finish_today(bot, "/practice shoe check")  # library: no day
    intro, _ = await start(bot)
    assert "Day 2 ·" in text_of(intro)
    bot.clock.advance(timedelta(days=1))  # the library practice and an unfinished day 2
    intro, _ = await start(bot)
    assert "Day 2 ·" in text_of(intro)


async def test_practices_done_before_keep_their_safety_line_but_not_the_long_why(bot):
    await subscribed(bot)
    await finish_today(bot)
    bot.clock.advance(timedelta(days=1))
    intro, _ = await start(bot)
    assert "Day 2 ·" in text_of(intro)
    assert "Take care" in text_of(intro) and "sharp pain" in text_of(intro)
    assert "Why this helps" not in text_of(intro)
    assert "Sources differ" not in text_of(intro)


async def test_today_after_practising_offers_it_again_and_does_not_advance_twice(bot):
    await subscribe(bot)
    await finish_today(bot)
    done = await bot.say("/today")
    assert "You've done today's practice" in text_of(done)
    assert buttons(done) == ["🔁 Do it again", "📚 All practices"]
    assert active(bot) is None
    await bot.tap(done, "Do it again")
    intro = await bot.reply()
    assert "already practised today" in text_of(intro)
    assert "Day 1 ·" in text_of(intro)
    await walk_to_the_end(bot, await first_step(bot, await bot.reply(), "Skip"))
    await bot.expect("tension")
    assert bot.store.program_days_done(USER_ID, bot.clock.now().date() + timedelta(days=1)) == 1


async def test_starting_from_the_reminder_takes_its_buttons_off(bot):
    """Skip today or Later left under a practice already under way would contradict it."""
    await subscribe(bot)
    set_columns(bot.store, USER_ID, bot.clock.now(), next_due_utc=bot.clock.now())
    await bot.tick()
    reminder = await bot.expect("Time for today's practice")
    await bot.tap(reminder, "▶️ Start now")
    await bot.expect("how much tension")
    assert buttons(live(bot, reminder)) == []
    assert "Time for today's practice" in text_of(live(bot, reminder))


async def test_the_five_minute_version_from_the_reminder_counts_as_a_program_day(bot):
    await subscribed(bot)
    set_columns(bot.store, USER_ID, bot.clock.now(), next_due_utc=bot.clock.now())
    await bot.tick()
    reminder = await bot.expect("Time for today's practice")
    await bot.tap(reminder, "5-minute version")
    intro = await bot.reply()
    assert "5-minute version · day 1" in text_of(intro)
    assert "on a busy day, five is better than none" in text_of(intro)
    assert text_of(intro).count("counts") == 0  # "still counts" is said once, at the end
    step = await first_step(bot, await bot.reply(), "Skip")
    assert "Five-minute rest" in text_of(step)
    assert active(bot).kind == "short"
    await walk_to_the_end(bot, step)
    assert "today is done" in text_of(await bot.expect("Well done"))
    await bot.expect("tension")
    bot.clock.advance(timedelta(days=1))
    intro, _ = await start(bot)
    assert "Day 2 ·" in text_of(intro)


async def test_a_preview_counts_no_practice_and_moves_no_program_day(bot):
    await subscribe(bot)
    context = BotContext(bot.application)
    plan = plan_for_day(bot.runtime.library, 12, today=bot.clock.now().date())
    await practice.start_session(context, USER_ID, plan, kind="preview")
    intro = await bot.reply()
    assert "Preview" in text_of(intro) and "Find your feet" not in text_of(intro)
    step = await first_step(bot, await bot.reply(), "Skip")
    assert active(bot).kind == "preview"
    await walk_to_the_end(bot, step)
    assert "End of the preview" in text_of(await bot.reply())
    assert await bot.settle() == []  # no check-in after a preview
    today = bot.clock.now().date()
    assert not bot.store.practised_on(USER_ID, today)
    assert bot.store.program_days_done(USER_ID, today + timedelta(days=1)) == 0
    intro, _ = await start(bot)
    assert "Day 1 ·" in text_of(intro)


# --- content -----------------------------------------------------------------------------------


def test_every_practice_file_passes_check_content():
    assert main(["check-content", str(CONTENT)]) == 0


def test_every_step_fits_one_short_phone_message():
    """A step is read lying on the floor: its message stays well under a screenful."""
    from bot.content import load_folder
    from bot.program import single_plan, steps_of

    library = load_folder(CONTENT)
    for p in library.practices.values():
        steps = steps_of(single_plan(p))
        for index in range(len(steps)):
            text, _ = practice_views.render_step(steps, index, session_id=1)
            assert len(text) < 700, (p.id, index)


def test_every_session_introduction_stays_short_enough_to_read_on_a_phone():
    """Worst case: a first-timer on any program day, or any practice on its own (with its
    introduction). Well under Telegram's 4096, so a content edit has room before it breaks."""
    from datetime import date

    from bot.content import load_folder
    from bot.program import single_plan

    library = load_folder(CONTENT)
    note = max(library.notes, key=len)
    days = len([day for phase in library.program.phases for day in phase.days]) + 7
    for number in range(1, days + 1):
        plan = plan_for_day(library, number, today=date(2026, 11, 23))
        assert len(practice_views.render_intro(plan, kind="daily", note=note)) < 2000, number
    for p in library.practices.values():
        text = practice_views.render_intro(single_plan(p), kind="library", locked_days=7)
        assert len(text) < 1500, p.id
