"""/start, /help, the commands menu, and kind answers to unknown commands, stickers and text."""

from __future__ import annotations

from bot import texts
from tests.harness import USER_ID, opening
from tests.test_inaccessible import data_of


async def test_start_greets_with_purpose_and_safety_note(bot):
    welcome = await bot.say("/start")
    assert "psoas" in welcome["text"]
    assert "can't diagnose" in welcome["text"]
    assert "urgent care" in welcome["text"]
    ask_zone = await bot.reply()
    assert "time zone" in ask_zone["text"]


async def test_help_lists_every_menu_command(bot):
    reply = await bot.say("/help")
    for name, _ in texts.COMMANDS:
        assert f"/{name}" in reply["text"]


async def test_commands_menu_is_registered_from_the_same_list(bot):
    params = await bot.emu.wait_for_call("setMyCommands")
    assert [c["command"] for c in params["commands"]] == [name for name, _ in texts.COMMANDS]


async def test_unknown_command_points_to_help(bot):
    reply = await bot.say("/dance")
    assert "/help" in reply["text"]


async def test_sticker_gets_a_friendly_pointer(bot):
    await bot.emu.send_sticker(USER_ID)
    reply = await bot.reply()
    assert "/help" in reply["text"]


async def test_free_text_with_nothing_asked_gets_a_pointer(bot):
    reply = await bot.say("hello there")
    assert "/today" in reply["text"]


async def test_typed_html_is_escaped_when_echoed(bot):
    """Whatever a person typed reaches Telegram escaped: the emulator rejects bad HTML."""
    await bot.say("/start")
    bot.emu.drain(USER_ID)
    reply = await bot.say("<b>Berlin & co</b>")
    assert reply["text"]  # the emulator would have answered 400 to unescaped markup
    assert not bot.emu.unknown_methods


async def test_more_on_a_message_telegram_no_longer_shows_still_sends_the_rest(bot):
    """A tap on an inaccessible message (its chat and id only): the rest goes to its chat."""
    privacy = await bot.say("/privacy")
    label = texts.t("btn_more_privacy")
    query = await bot.emu.press(
        USER_ID, privacy["message_id"], data_of(privacy, label), inaccessible=True
    )
    await bot.expect(opening("hi_privacy_more"))
    assert bot.emu.callback_answers[query] is not None
