"""A whole day with every logger at DEBUG: no text, note, rating, name or token reaches a log.

The capturing handler is configured by the real `configure_logging`, the same call `python -m
bot run` makes, so it filters exactly as the production handler does. PTB itself logs whole
updates and every API call's parameters at DEBUG; those must lose their payload too.
"""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.__main__ import configure_logging
from bot.app import build_application, polling
from tests.harness import Harness, buttons

PERSON = 6161
FIRST_NAME = "Quillonetta"
USERNAME = "quill_private_77"
UNKNOWN_PLACE = "Zorblax Quuxville"
TENSION_BEFORE = "03/10"  # typed at the practice's tension question
WORD_RATING = "seven-ish maybe"  # refused: not a number
TENSION_AFTER = "08 / 10"
PAIN = "２/10"  # fullwidth digit, read through NFKC
NOTE = "Xylophone-owl: my left groin aches <i>after</i> stairs & long sitting"
EDITED_NOTE = "Marmalade-quasar, better by the evening"
LOGGERS = ("", "httpx", "httpcore", "apscheduler")


@pytest.fixture
def production_logging(caplog, emulator) -> Iterator[pytest.LogCaptureFixture]:
    """caplog at DEBUG for every logger, its handler set up by the real configure_logging."""
    saved = {name: logging.getLogger(name).level for name in LOGGERS}
    root_handlers = list(logging.getLogger().handlers)
    filters = list(caplog.handler.filters)  # pytest keeps one capturing handler for all tests
    caplog.set_level(logging.DEBUG)
    configure_logging("DEBUG", secrets=(emulator.token,), handler=caplog.handler)
    # basicConfig adds nothing while pytest's handlers sit on the root logger: caplog's
    # handler is the only one that matters, and it now carries the production filters.
    assert logging.getLogger().handlers == root_handlers
    try:
        yield caplog
    finally:
        caplog.handler.filters = filters
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def forbidden(token: str) -> dict[str, str]:
    return {
        "first name": FIRST_NAME,
        "username": USERNAME,
        "token": token,
        "token secret": token.split(":", 1)[1],
        "typed place": "Zorblax",
        "typed tension before": TENSION_BEFORE,
        "rating in words": WORD_RATING,
        "typed tension": TENSION_AFTER,
        "typed pain": PAIN,
        "note": "Xylophone",
        "edited note": "Marmalade",
    }


async def next_with(bot: Harness, data_prefix: str) -> dict:
    """The next bot message whose buttons include one with callback data `data_prefix`..."""
    while True:
        message = await bot.reply(PERSON)
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        if any(b.get("callback_data", "").startswith(data_prefix) for r in rows for b in r):
            return message


async def edit_of(bot: Harness, message: dict) -> dict:
    while True:
        edit = await bot.emu.next_edit(PERSON)
        if edit["message_id"] == message["message_id"]:
            return edit


async def a_whole_day(bot: Harness) -> None:
    emu = bot.emu
    # Subscribing, with a place that is not found first.
    await emu.send_text(PERSON, "/start")
    await bot.expect("time zone", PERSON)
    await emu.send_text(PERSON, UNKNOWN_PLACE)
    await bot.expect("couldn't find", PERSON)
    await emu.send_text(PERSON, "Berlin")
    ask_time = await bot.expect("What time", PERSON)
    await bot.tap(ask_time, "07:30", PERSON)
    await bot.expect("All set", PERSON)
    screen = await next_with(bot, "sf:")
    await bot.tap(screen, "No", PERSON)
    await bot.expect("Thank you", PERSON)

    # The reminder, then the practice from its button, with a timer that runs out.
    bot.clock.set(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    await bot.tick()
    reminder = await bot.expect("Time for today's practice", PERSON)
    await bot.tap(reminder, "Start now", PERSON)
    ask = await next_with(bot, "pr:tension:")
    await emu.send_text(PERSON, TENSION_BEFORE)
    step = await next_with(bot, "pr:next:")
    while "▶️ Start timer" not in buttons(step):
        await bot.tap(step, "Next »", PERSON)
        step = await edit_of(bot, step)
    await bot.tap(step, "▶️ Start timer", PERSON)
    await edit_of(bot, step)
    bot.clock.advance(timedelta(minutes=3))
    await bot.tick()
    step = await next_with(bot, "pr:next:")  # time's up, with the step's buttons again
    while "Finish ✓" not in buttons(step):
        await bot.tap(step, "Next »", PERSON)
        step = await edit_of(bot, step)
    await bot.tap(step, "Finish ✓", PERSON)
    assert ask["message_id"] < step["message_id"]

    # The check-in: typed ratings (one refused), areas, a note; then today's is edited.
    await next_with(bot, "ci:")
    await emu.send_text(PERSON, WORD_RATING)
    await bot.expect("whole number", PERSON)
    await emu.send_text(PERSON, TENSION_AFTER)
    await bot.expect("pain", PERSON)
    await emu.send_text(PERSON, PAIN)
    areas = await bot.expect("Where do you feel it", PERSON)
    await bot.tap(areas, "Groin, left", PERSON)
    await edit_of(bot, areas)
    await bot.tap(areas, "Done", PERSON)
    await bot.expect("Anything you'd like to add", PERSON)
    await emu.send_text(PERSON, NOTE)
    await bot.expect("Thank you for checking in", PERSON)
    await emu.send_text(PERSON, "/checkin")
    offer = await next_with(bot, "ci:")
    await bot.tap(offer, 0, PERSON)  # edit today's
    tension = await next_with(bot, "ci:")
    await bot.tap(tension, "5", PERSON)
    pain = await next_with(bot, "ci:")
    await bot.tap(pain, "2", PERSON)
    areas = await next_with(bot, "ci:")
    await bot.tap(areas, "Done", PERSON)
    await bot.expect("Anything you'd like to add", PERSON)
    await emu.send_text(PERSON, EDITED_NOTE)
    await bot.expect("Thank you for checking in", PERSON)

    # Looking back, and taking the data away.
    await emu.send_text(PERSON, "/history")
    await bot.expect("📝", PERSON)
    await emu.send_text(PERSON, "/progress")
    while "photo" not in await bot.reply(PERSON):
        pass
    await emu.send_text(PERSON, "/export")
    await bot.expect("spreadsheet", PERSON)
    await bot.expect("PDF report", PERSON)
    await bot.settle(PERSON)


async def test_a_whole_day_at_debug_logs_no_personal_data_or_token(
    settings, emulator, clock, production_logging
):
    caplog = production_logging
    emulator.add_user(PERSON, FIRST_NAME, username=USERNAME, language_code="en")
    application = build_application(settings, clock=clock)
    async with polling(application, poll_timeout=1):
        await a_whole_day(Harness(application, emulator, clock))
        assert not emulator.errors  # (the last poll ends with a 409 at shutdown: expected)

    saved = application.bot_data["runtime"].settings
    assert stat.S_IMODE(saved.db_path.stat().st_mode) == 0o600
    records = caplog.records
    names = {record.name for record in records}
    # The test means something only if PTB's chatty DEBUG lines were really captured.
    assert any(r.getMessage().startswith("Processing update") for r in records)
    assert any("Calling Bot API endpoint `sendMessage`" in r.getMessage() for r in records)
    assert {"telegram.ext.Application", "bot.flows.checkin", "bot.sender"} <= names
    leaks = []
    for record in records:
        shown = caplog.handler.format(record) + repr(record.args)
        leaks += [
            (what, record.name, record.getMessage()[:120])
            for what, value in forbidden(emulator.token).items()
            if value in shown
        ]
    assert leaks == []
    assert not [r for r in records if r.getMessage().startswith("update.failed")]


def test_ptb_payload_lines_keep_their_event_but_not_the_payload(production_logging, emulator):
    """The filters alone, on lines that would otherwise print a note or the token verbatim."""
    caplog = production_logging
    logging.getLogger("telegram.Bot").debug(
        "Calling Bot API endpoint `%s` with parameters `%s`",
        "sendMessage",
        {"chat_id": 1, "text": NOTE},
    )
    logging.getLogger("telegram.ext.Updater").debug(
        "Webhook received data: %s", f'{{"t":"{NOTE}"}}'
    )
    logging.getLogger("telegram.Bot").debug("Getting updates: %s", [7, 8])
    logging.getLogger("telegram.Bot").debug("Set Bot API URL: %s", f"http://x/bot{emulator.token}")
    shown = [caplog.handler.format(r) for r in caplog.records]
    assert shown[0].endswith("Calling Bot API endpoint `sendMessage` with parameters `<dict>`")
    assert shown[1].endswith("Webhook received data: <str>")
    assert shown[2].endswith("Getting updates: [7, 8]")
    assert emulator.token not in shown[3]
    assert not any("Xylophone" in line for line in shown)
