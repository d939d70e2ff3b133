"""Telegram on a bad day (issue 16): 15% of every method's calls answered 500 or 429 and some
answers slow. A practice with a timer, a whole check-in and every command still end with each
update answered, the database equal to what was said, and not one traceback in the log."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from telegram import Bot
from telegram.error import NetworkError, RetryAfter

from bot import texts
from bot.models import BodyArea, Completion
from tests.factories import sessions_of
from tests.harness import USER_ID, Harness, buttons, subscribe

TODAY = date(2026, 11, 23)  # the clock fixture's Monday


async def edit_of(bot: Harness, message: dict) -> dict:
    """The next edit of `message`, skipping edits of other messages."""
    while True:
        edit = await bot.emu.next_edit(USER_ID, timeout=20)
        if edit["message_id"] == message["message_id"]:
            return edit


async def expect(bot: Harness, fragment: str) -> dict:
    """The next bot message holding `fragment`; faults make answers slower, never missing."""
    while True:
        message = await bot.emu.next_message(USER_ID, timeout=20)
        if fragment in (message.get("text") or message.get("caption") or ""):
            return message


async def tap_next(bot: Harness, step: dict, label: str = "Next »") -> dict:
    await bot.tap(step, label)
    return await edit_of(bot, step)


async def answered(bot: Harness, command: str) -> list[dict]:
    """Sends `command` and returns what came back, once everything before the barrier is done."""
    if command == "/help":
        return (
            [await expect(bot, "What I can do")]
            if await bot.emu.send_text(USER_ID, command)
            else []
        )
    await bot.emu.send_text(USER_ID, command)
    await bot.emu.send_text(USER_ID, "/help")  # a barrier: one chat's updates stay in order
    before = []
    while True:
        message = await bot.emu.next_message(USER_ID, timeout=20)
        if "What I can do" in (message.get("text") or ""):
            return before
        before.append(message)


async def test_a_practice_a_checkin_and_every_command_survive_a_bad_day(bot: Harness, caplog):
    caplog.set_level(logging.INFO)
    refused_before = len(bot.emu.errors)  # the admin's menu, refused at start (no chat yet)
    bot.emu.chaos(0.15, slow=0.1, slow_seconds=0.3, seed=16)

    [screen] = await subscribe(bot)
    await bot.tap(screen, "No")
    await expect(bot, "Thank you")

    # A practice with a timer, from its start to Finish.
    await bot.emu.send_text(USER_ID, "/practice constructive rest")
    ask = await expect(bot, "how much tension")
    await bot.tap(ask, "4")
    step = await edit_of(bot, ask)
    while "▶️ Start timer" not in buttons(step):
        step = await tap_next(bot, step)
    await tap_next(bot, step, "▶️ Start timer")
    bot.clock.advance(timedelta(minutes=15))
    await bot.tick()
    step = await expect(bot, "Time's up")
    while "Finish ✓" not in buttons(step):
        step = await tap_next(bot, step)
    await bot.tap(step, "Finish ✓")

    # The check-in that follows, with a rating out of range typed on the way.
    tension = await expect(bot, "tension")
    await bot.tap(tension, "6")
    await expect(bot, "pain")
    correction = await bot.say("11")
    assert "0" in correction["text"] and "10" in correction["text"]
    areas = await bot.say("3")
    assert "Where do you feel it" in areas["text"]
    await bot.tap(areas, "Lower back")
    await edit_of(bot, areas)
    await bot.tap(areas, "Done ✓")
    await expect(bot, "Anything you'd like to add")  # how it went: the finished practice said
    await bot.emu.send_text(USER_ID, "Warm hips afterwards")
    await expect(bot, "Thank you for checking in")

    # Every command in the menu gets an answer.
    for name, _ in texts.COMMANDS:
        assert await answered(bot, f"/{name}"), f"/{name} got no answer"

    bot.emu.chaos(0)
    saved = bot.store.checkin_for_day(USER_ID, TODAY)
    assert (saved.status, saved.tension, saved.pain) == ("done", 6, 3)
    assert saved.areas == (BodyArea.LOWER_BACK,)
    assert saved.completion is Completion.FULL
    assert saved.note == "Warm hips afterwards"
    session = sessions_of(bot.store, USER_ID)[0]
    assert (session.status, session.tension_before) == ("done", 4)

    sorry = texts.t("internal_error")
    assert not [m for m in bot.emu.messages(USER_ID) if m.get("text") == sorry]
    assert bot.emu.stats["errors_injected"] >= 20 and bot.emu.stats["too_many_requests"] >= 5
    assert bot.emu.unknown_methods == []
    refused = [e for e in list(bot.emu.errors)[refused_before:] if e[1] == 400]
    assert refused == [], "no edit that changes nothing, nothing else Telegram would refuse"
    tracebacks = [
        r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR
    ]
    assert tracebacks == []


async def test_the_emulators_bad_day_refuses_without_effect_and_slows_with_effect(emulator):
    """chaos(): a refused call (500 or 429) delivers nothing; a slow one delivers, late."""
    emulator.add_user(USER_ID)
    outcomes: dict[str, int] = {"ok": 0, "500": 0, "429": 0}
    async with Bot(emulator.token, base_url=emulator.base_url) as tg:  # no retries: plain Bot
        emulator.chaos(0.5, slow=0.5, slow_seconds=0.05, seed=3)
        for n in range(40):
            try:
                await tg.send_message(USER_ID, f"m{n}")
                outcomes["ok"] += 1
            except RetryAfter:
                outcomes["429"] += 1
            except NetworkError:
                outcomes["500"] += 1
    emulator.chaos(0)
    assert all(outcomes.values()), outcomes
    assert len(emulator.messages(USER_ID)) == outcomes["ok"]  # refused calls took no effect
