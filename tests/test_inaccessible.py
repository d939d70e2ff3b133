"""Buttons on messages Telegram no longer shows the bot.

Telegram sends such a tap with an InaccessibleMessage: the chat, the message id and date 0,
nothing else (Bot API, "InaccessibleMessage"). It has no reply_text, so every answer goes
through bot/flows/replies.py. PTB 22.8 still parses a callback query's date-0 message as a
Message (its types say MaybeInaccessibleMessage), so the flow tests below pass either way
and pin the kind answer; the first tests hand `reply` a real InaccessibleMessage, as the types
allow and a later PTB will deliver, where `reply_text` does not exist."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from telegram import CallbackQuery, Chat, InaccessibleMessage, User

from bot import texts
from bot.flows.replies import chat_id_of, reply, shown_message
from bot.views.telegram_io import edit_or_send
from tests.harness import ADMIN_ID, USER_ID, Harness, opening, subscribe

REMINDER = "Time for today's practice"


def first_line(key: str) -> str:
    return texts.t(key).split("\n")[0][:30]


def data_of(message: dict, label: str) -> str:
    return next(
        button["callback_data"]
        for row in message["reply_markup"]["inline_keyboard"]
        for button in row
        if label in button["text"]
    )


async def tap_inaccessible(
    bot: Harness, message: dict, label: str, user_id: int = USER_ID
) -> list[str]:
    """Taps `label` as Telegram sends a tap on an unreachable message; returns what was said."""
    query = await bot.emu.press(
        user_id, message["message_id"], data_of(message, label), inaccessible=True
    )
    said = [m.get("text") or "" for m in await bot.settle(user_id)]
    assert bot.emu.callback_answers[query] is not None  # the spinner stops
    assert not [text for text in said if first_line("internal_error") in text], said
    return said


def inaccessible_query(bot: Harness, chat_id: int = USER_ID) -> CallbackQuery:
    """A tap as the Bot API types it for a message the bot can no longer see."""
    chat = Chat(chat_id, Chat.PRIVATE)
    person = User(USER_ID, "Ann", is_bot=False)
    query = CallbackQuery(
        "1", person, "ci", message=InaccessibleMessage(chat, message_id=77), data="rm:skip:1"
    )
    query.set_bot(bot.application.bot)
    return query


async def test_reply_to_a_tap_on_an_inaccessible_message_sends_to_its_chat(bot):
    await subscribe(bot)
    query = inaccessible_query(bot)
    assert shown_message(query) is None
    assert not hasattr(query.message, "reply_text")  # what the helper is for
    sent = await reply(query, "Still here for you.")
    assert sent.chat.id == USER_ID
    assert (await bot.reply())["text"] == "Still here for you."


async def test_an_edit_on_an_inaccessible_message_is_sent_as_a_new_one(bot):
    """edit_or_send, handed a real InaccessibleMessage: PTB's edit shortcut refuses it with a
    TypeError before any request, so the text goes to the chat as a new message."""
    await subscribe(bot)
    await edit_or_send(inaccessible_query(bot), "Still here for you.")
    assert (await bot.reply())["text"] == "Still here for you."


def test_the_chat_of_a_tap_is_known_even_without_its_message(bot):
    """A button on an inline message comes with no message: the person's own chat."""
    query = inaccessible_query(bot, chat_id=555)
    assert chat_id_of(query) == 555
    bare = CallbackQuery("2", User(USER_ID, "Ann", is_bot=False), "ci", data="x")
    assert chat_id_of(bare) == USER_ID


async def todays_reminder(bot: Harness) -> dict:
    await subscribe(bot)  # 07:30 Berlin = 06:30 UTC
    bot.clock.set(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    await bot.tick()
    return await bot.expect(REMINDER)


async def test_skip_today_on_an_inaccessible_reminder_is_still_answered(bot):
    reminder = await todays_reminder(bot)
    said = await tap_inaccessible(bot, reminder, "Skip today")
    assert any(first_line("skipped_today") in text for text in said), said


async def test_an_inaccessible_reminder_from_yesterday_points_to_today(bot):
    reminder = await todays_reminder(bot)
    bot.clock.advance(timedelta(days=1))
    said = await tap_inaccessible(bot, reminder, "Skip today")
    assert any(first_line("old_reminder") in text for text in said), said


@pytest.mark.parametrize(
    ("command", "label", "key"),
    [("/stop", "No, keep them", "stop_cancelled"), ("/stop", "Yes, stop", "stopped")],
    ids=["stop-no", "stop-yes"],
)
async def test_stop_buttons_on_an_inaccessible_message_are_still_answered(bot, command, label, key):
    await subscribe(bot)
    question = await bot.say(command)
    said = await tap_inaccessible(bot, question, label)
    assert any(first_line(key) in text for text in said), said


async def test_a_time_button_on_an_inaccessible_question_still_subscribes(bot):
    await bot.emu.send_text(USER_ID, "/start")
    await bot.expect("time zone")
    await bot.emu.send_text(USER_ID, "Berlin")
    question = await bot.expect(opening("ask_time"))
    said = await tap_inaccessible(bot, question, "07:30")
    assert any(opening("subscribed") in text for text in said), said
    assert bot.store.subscriber(USER_ID).remind_at == "07:30"


@pytest.mark.parametrize(
    ("label", "key"),
    [("Change time", "ask_time"), ("Pause", "ask_pause")],
    ids=["time", "pause"],
)
async def test_settings_buttons_on_an_inaccessible_message_are_still_answered(bot, label, key):
    await subscribe(bot)
    screen = await bot.say("/settings")
    said = await tap_inaccessible(bot, screen, label)
    assert any(opening(key) in text for text in said), said


async def test_the_follow_up_toggle_on_an_inaccessible_settings_screen_still_turns_it_on(bot):
    await subscribe(bot)
    screen = await bot.say("/settings")
    # Inaccessible because the person deleted it: Telegram refuses the redraw, as it says.
    bot.emu.fail_next("editMessageText", 400, description="Bad Request: message to edit not found")
    said = await tap_inaccessible(bot, screen, "follow-up on")
    assert bot.store.subscriber(USER_ID).followup
    assert any(opening("followup_on") in text for text in said), said


async def test_the_red_flag_screen_on_an_inaccessible_message_is_still_answered(bot):
    after = await subscribe(bot)
    screen = next(m for m in after if opening("sf_screen") in (m.get("text") or ""))
    said = await tap_inaccessible(bot, screen, texts.t("sf_btn_no"))
    assert any(opening("sf_no_thanks") in text for text in said), said


async def test_an_admin_question_on_an_inaccessible_message_is_still_closed(bot):
    await subscribe(bot)  # someone to broadcast to
    question = await bot.say("/broadcast", ADMIN_ID)
    assert opening("ad_broadcast_ask") in question["text"]
    said = await tap_inaccessible(bot, question, texts.t("ad_btn_cancel"), ADMIN_ID)
    assert any(opening("ad_broadcast_cancelled") in text for text in said), said
