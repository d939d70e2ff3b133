"""Each button action has its own handler (bot/app.py); what none of them matches falls to its
family's catch-all, or to the last one, and gets the same calm answer as before the split:
a known prefix with an unknown action, malformed data, or an action the person may not take.
"""

from __future__ import annotations

import pytest

from bot import texts
from tests.harness import USER_ID, Harness, opening, subscribe

EXPIRED = "button_expired"
SILENT = None  # answered (the spinner stops) with no words: nothing changed, nothing to say


async def tap_latest(bot: Harness, data: str) -> tuple[dict, list[dict]]:
    """Taps `data` on the person's latest bot message; the callback answer, once given, and
    the messages the tap brought."""
    message = bot.emu.messages(USER_ID)[-1]
    query_id = await bot.emu.press(USER_ID, message["message_id"], data, check=False)
    await bot.emu.wait_until(lambda: bot.emu.callback_answers[query_id] is not None)
    said = await bot.settle(USER_ID)
    answer = bot.emu.callback_answers[query_id]
    assert answer is not None
    return answer, said


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ("st:selfdestruct", SILENT),  # an action no longer offered: the settings guard only
        ("st:", SILENT),
        ("ci:999999:zz:1", EXPIRED),  # well-formed, unknown code: the check-in guard
        ("ci:abc:p:5", EXPIRED),  # malformed: the ci: catch-all
        ("ci:1:p:5:6", EXPIRED),
        ("hi:zz", EXPIRED),  # the hi: catch-all
        ("hi:h:", EXPIRED),
        ("ad:up:ok:1", EXPIRED),  # not an admin: the admin guard
        ("ad:up:maybe:1", EXPIRED),  # the ad: catch-all
        ("rm:skip:abc", EXPIRED),  # no rm: action matches: the last catch-all
        ("sp:maybe", EXPIRED),
        ("sf:maybe", EXPIRED),
        ("pz:x", EXPIRED),
        ("zz:1", EXPIRED),
    ],
    ids=lambda value: str(value),
)
async def test_data_no_action_handler_takes_gets_the_familys_calm_answer(bot, data, key):
    await subscribe(bot)
    answer, said = await tap_latest(bot, data)
    assert said == []
    assert answer.get("text") == (None if key is None else texts.t(key))
    assert not answer.get("show_alert")


async def test_a_settings_button_before_subscribing_points_to_start(bot):
    """The settings guard, in front of every /settings action: no subscription, no change."""
    await bot.emu.send_text(USER_ID, "/help")
    await bot.reply()
    answer, said = await tap_latest(bot, "st:followup")
    assert answer.get("text") is None
    assert [m["text"] for m in said] == [opening("not_subscribed")]
    assert bot.store.subscriber(USER_ID) is None or not bot.store.subscriber(USER_ID).followup


async def test_each_settings_action_reaches_its_own_handler(bot):
    """st:followup turns the nudge on and says when; st:pause asks for how long."""
    await subscribe(bot)
    before = bot.store.subscriber(USER_ID).followup
    _, said = await tap_latest(bot, "st:followup")
    assert bot.store.subscriber(USER_ID).followup is not before
    assert len(said) == 1  # when the nudge comes (the settings screen is edited in place)
    _, said = await tap_latest(bot, "st:pause")
    assert [m["text"] for m in said] == [opening("ask_pause")]
