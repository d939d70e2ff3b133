"""The one guard for every button: a question answered (by a tap or by typing) loses its
keyboard, and a button on a superseded message changes nothing and says so."""

from __future__ import annotations

from tests.harness import USER_ID, Harness, buttons, subscribe
from tests.test_flow_practice import first_step, start, stop


def shown_now(bot: Harness, message: dict) -> dict:
    """The message as the person's phone shows it now (after any edits)."""
    return next(m for m in bot.emu.messages(USER_ID) if m["message_id"] == message["message_id"])


async def answer_of(bot: Harness, query_id: str) -> dict:
    await bot.emu.wait_until(lambda: bot.emu.callback_answers.get(query_id) is not None)
    return bot.emu.callback_answers[query_id]


async def test_a_typed_time_removes_the_picker_and_its_stale_keep_changes_nothing(bot):
    """B1: "Keep 07:30" on the picker of a question already answered by typing used to put
    the reminder back to 07:30."""
    await subscribe(bot)
    shown = await bot.say("/settings")
    await bot.tap(shown, "⏰ Change time")
    picker = await bot.expect("What time")
    assert buttons(picker)[0] == "✅ Keep 07:30"
    keep = picker["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await bot.emu.send_text(USER_ID, "19:00")
    assert "today at 19:00" in (await bot.expect("Saved"))["text"]
    await bot.settle()
    assert buttons(shown_now(bot, picker)) == []  # the answered question's keyboard went
    # A tap that was already on its way (or an old client still showing the button):
    query = await bot.emu.press(USER_ID, picker["message_id"], keep, check=False)
    answer = await answer_of(bot, query)
    assert "earlier message" in answer["text"]
    await bot.settle()
    assert bot.store.subscriber(USER_ID).remind_at == "19:00"


async def test_a_tapped_time_removes_the_picker(bot):
    await subscribe(bot)
    shown = await bot.say("/settings")
    await bot.tap(shown, "⏰ Change time")
    picker = await bot.expect("What time")
    await bot.tap(picker, "20:00")
    await bot.expect("Saved")
    await bot.settle()
    assert buttons(shown_now(bot, picker)) == []


async def test_the_older_of_two_pickers_changes_nothing(bot):
    """A question asked again supersedes the first asking: its buttons say so, change nothing."""
    await subscribe(bot)
    shown = await bot.say("/settings")
    await bot.tap(shown, "⏰ Change time")
    first = await bot.expect("What time")
    again = await bot.say("/settings")
    await bot.tap(again, "⏰ Change time")
    await bot.expect("What time")
    query = await bot.emu.press_button(USER_ID, first, "20:00")
    answer = await answer_of(bot, query)
    assert "earlier message" in answer["text"]
    await bot.settle()
    assert bot.store.subscriber(USER_ID).remind_at == "07:30"
    # The older /settings message was superseded by the newer one too.
    query = await bot.emu.press_button(USER_ID, shown, "⏰ Change time")
    assert "earlier message" in (await answer_of(bot, query))["text"]


async def test_an_invalid_typed_time_keeps_the_picker(bot):
    """Not answered yet: the buttons stay for a second try."""
    await subscribe(bot)
    shown = await bot.say("/settings")
    await bot.tap(shown, "⏰ Change time")
    picker = await bot.expect("What time")
    await bot.say("25:00")
    await bot.settle()
    assert buttons(shown_now(bot, picker))[0] == "✅ Keep 07:30"


async def test_check_in_now_from_a_stopped_practice_asks_first_once_checked_in(bot):
    """B9: the stopped practice's "Check in now", tapped after today's check-in was saved,
    opened the edit at once; /checkin asks first, and so does the button now."""
    await subscribe(bot)
    _, ask = await start(bot)
    step = await first_step(bot, ask)
    await stop(bot, step)
    stopped = await bot.expect("Stopped")
    await bot.say("/checkin")
    await bot.say("6")
    areas = await bot.say("2")
    await bot.tap(areas, "Nowhere")
    await bot.expect("How did today's practice go")
    await bot.say("all")
    await bot.emu.send_text(USER_ID, "fine")
    await bot.expect("Thank you")
    await bot.tap(stopped, "Check in now")
    asked = await bot.reply()
    assert "already checked in today" in asked["text"]
    assert bot.store.checkin_for_day(USER_ID, bot.clock.now().date()).status != "open"


async def test_the_welcome_is_short_with_the_rest_one_tap_away(bot):
    """UX 8: the welcome was ~1,000 characters; the safety note stays in it."""
    welcome = await bot.say("/start")
    assert len(welcome["text"]) < 700
    assert "Please read this first" in welcome["text"]
    await bot.tap(welcome, "About the psoas and the practice")
    assert "deep muscle" in (await bot.expect("psoas is a deep muscle"))["text"]
    await bot.settle()
    assert buttons(shown_now(bot, welcome)) == []  # done its work
