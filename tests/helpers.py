"""Shared steps for flow tests: subscribing someone the way a person would."""

from __future__ import annotations

from tests.conftest import USER_ID, Harness


async def subscribe(
    bot: Harness, user_id: int = USER_ID, city: str = "Berlin", time_label: str = "07:30"
) -> list[dict]:
    """Goes through /start, the zone question and a time button; returns what followed
    "All set" (e.g. the safety screen), once the bot has finished answering."""
    await bot.emu.send_text(user_id, "/start")
    await bot.expect("time zone", user_id)
    await bot.emu.send_text(user_id, city)
    ask_time = await bot.expect("What time", user_id)
    await bot.emu.press_button(user_id, ask_time, time_label)
    await bot.expect("All set", user_id)
    after = await bot.settle(user_id)
    bot.emu.drain_edits(user_id)  # the answered time picker losing its buttons
    return after
