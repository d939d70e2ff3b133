"""Forged and stale button data for every flow: answered politely, nobody else's data touched.

A modified client can send any callback data from a message in its own chat: another person's
session, check-in or delivery id, the id of something deleted, garbage bytes, over-long data.
Telegram also sends taps on old messages with an "inaccessible" message (date 0, no text).
Each tap below must be answered (the spinner stops), leave every other person's rows exactly
as they were, and raise nothing (no `update.failed` in the log).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.harness import Harness, buttons, subscribe
from tests.store_rows import rows_by_owner

VICTIM, ATTACKER, GONE = 7101, 7102, 7103
SCENE_DAY = date(2026, 11, 23)  # the scene's local day in Berlin


@dataclass(frozen=True)
class Ids:
    """Row ids the forged data points at."""

    delivery: int
    session: int
    checkin: int
    step: int


@dataclass(frozen=True)
class World:
    victim: Ids
    attacker: Ids
    gone: Ids


# --- setting the scene -------------------------------------------------------------------------


async def screen_no(bot: Harness, person: int) -> None:
    [screen] = await subscribe(bot, person)
    await bot.tap(screen, "No", person)
    await bot.expect("Thank you", person)


async def next_with(bot: Harness, person: int, prefix: str) -> dict:
    """The next bot message carrying a button whose data starts with `prefix`."""
    while True:
        message = await bot.reply(person)
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        if any(b.get("callback_data", "").startswith(prefix) for row in rows for b in row):
            return message


async def edit_of(bot: Harness, person: int, message: dict) -> dict:
    while True:
        edit = await bot.emu.next_edit(person)
        if edit["message_id"] == message["message_id"]:
            return edit


async def practise_to_a_running_timer(bot: Harness, person: int) -> int:
    """Starts today's practice from the reminder and starts the first timer; returns its step."""
    reminder = await bot.expect("Time for today's practice", person)
    await bot.tap(reminder, "▶️ Start now", person)
    ask = await next_with(bot, person, "pr:tension:")
    await bot.tap(ask, "4", person)
    step = await edit_of(bot, person, ask)
    while "▶️ Start timer" not in buttons(step):
        await bot.tap(step, "Next »", person)
        step = await edit_of(bot, person, step)
    await bot.tap(step, "▶️ Start timer", person)
    await edit_of(bot, person, step)
    return bot.store.active_session(person).step


async def checkin_to_the_pain_question(bot: Harness, person: int) -> int:
    await bot.emu.send_text(person, "/checkin")
    tension = await next_with(bot, person, "ci:")
    await bot.tap(tension, "6", person)
    await bot.expect("pain", person)
    return checkin_id(bot, person)


def checkin_id(bot: Harness, person: int) -> int:
    checkin = bot.store.checkin_for_day(person, SCENE_DAY)
    assert checkin is not None, "checked in just now"
    return checkin.id


def ids_of(bot: Harness, person: int, step: int) -> Ids:
    active = bot.store.active_session(person)
    assert active is not None, "its timer is running"
    return Ids(
        delivery=bot.store.deliveries(person)[0].id,  # the reminder, due first
        session=active.id,
        checkin=checkin_id(bot, person),
        step=step,
    )


async def set_the_scene(bot: Harness) -> World:
    """Three people with a reminder, a running timer and an open check-in each; the third then
    deletes everything, so their ids point at nothing."""
    for person in (VICTIM, ATTACKER, GONE):
        await screen_no(bot, person)
    bot.clock.set(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))  # 07:30 in Berlin, on SCENE_DAY
    await bot.tick()
    world = {}
    for person in (VICTIM, ATTACKER, GONE):
        step = await practise_to_a_running_timer(bot, person)
        await checkin_to_the_pain_question(bot, person)
        world[person] = ids_of(bot, person, step)
    await bot.emu.send_text(GONE, "/delete")
    confirm = await next_with(bot, GONE, "hi:del:")
    await bot.tap(confirm, 0, GONE)
    await bot.expect("deleted", GONE)
    assert bot.store.subscriber(GONE) is None
    return World(world[VICTIM], world[ATTACKER], world[GONE])


@pytest.fixture
async def world(bot: Harness) -> World:
    return await set_the_scene(bot)


# --- looking at the database -------------------------------------------------------------------


def others(snapshot: dict, person: int) -> dict:
    return {
        table: {k: v for k, v in rows.items() if k != person} for table, rows in snapshot.items()
    }


def own(snapshot: dict, person: int) -> dict:
    return {table: rows.get(person, []) for table, rows in snapshot.items()}


# --- pressing -----------------------------------------------------------------------------------


async def press(bot: Harness, person: int, data: str, *, inaccessible: bool = False) -> str:
    """Taps `data` on the person's latest bot message; returns the query id."""
    message = bot.emu.messages(person)[-1]
    return await bot.emu.press(
        person, message["message_id"], data, check=False, inaccessible=inaccessible
    )


def failures(records) -> list[str]:
    return [r.getMessage() for r in records if r.getMessage().startswith("update.failed")]


# Forged data, by flow prefix. `{v}` is the victim's, `{g}` the deleted person's, `{a}` the
# attacker's own ids (delivery d, session s, check-in c, timer step n).
FORGED = {
    # onboarding and settings
    "ob-unknown-zone": "ob:z:Mars/Olympus_Mons",
    "ob-zone-path": "ob:z:../../etc/passwd",
    "ob-time-25h": "ob:t:25:99",
    "ob-time-other-digits": "ob:t:٠٧:٣٠",
    "st-unknown": "st:selfdestruct",
    "st-empty": "st:",
    "pz-letters": "pz:x",
    "pz-negative": "pz:-3",
    "sp-maybe": "sp:maybe",
    # reminders
    "rm-victims-later": "rm:later:{v.delivery}",
    "rm-victims-skip": "rm:skip:{v.delivery}",
    "rm-victims-snooze": "rm:snooze:{v.delivery}:15",
    "rm-deleted-skip": "rm:skip:{g.delivery}",
    "rm-huge-id": "rm:skip:" + "9" * 30,
    "rm-own-snooze-odd-minutes": "rm:snooze:{a.delivery}:99999",
    "rm-letters": "rm:skip:abc",
    # practice
    "pr-victims-next": "pr:next:{v.session}:{v.step}",
    "pr-victims-back": "pr:back:{v.session}:{v.step}",
    "pr-victims-stop": "pr:stop:{v.session}:{v.step}",
    "pr-victims-add": "pr:add:{v.session}:{v.step}",
    "pr-victims-end": "pr:end:{v.session}:{v.step}",
    "pr-victims-checkin": "pr:checkin:{v.session}",
    "pr-victims-tension": "pr:tension:{v.session}:5",
    "pr-deleted-next": "pr:next:{g.session}:{g.step}",
    "pr-deleted-stop": "pr:stop:{g.session}:0",
    "pr-own-tension-99": "pr:tension:{a.session}:99",
    "pr-own-step-999": "pr:next:{a.session}:999",
    "pr-huge-id": "pr:next:" + "9" * 40 + ":0",
    "pr-open-path": "pr:open:../../content/program",
    "pr-open-unknown": "pr:open:no-such-practice",
    # check-in
    "ci-victims-tension": "ci:{v.checkin}:p:5",
    "ci-victims-edit": "ci:{v.checkin}:e:edit",
    "ci-victims-back": "ci:{v.checkin}:p:back",
    "ci-victims-area": "ci:{v.checkin}:a:lower_back",
    "ci-deleted": "ci:{g.checkin}:p:5",
    "ci-letters": "ci:abc:p:5",
    "ci-huge-id": "ci:" + "9" * 30 + ":p:5",
    "ci-own-pain-11": "ci:{a.checkin}:p:11",
    "ci-own-pain-minus": "ci:{a.checkin}:p:-1",
    "ci-own-unknown-question": "ci:{a.checkin}:z:1",
    "ci-own-unknown-area": "ci:{a.checkin}:a:spleen",
    "ci-too-many-parts": "ci:{a.checkin}:p:5:6:7",
    # safety, history, admin
    "sf-maybe": "sf:maybe",
    "hi-page-far": "hi:h:9999",
    "hi-delete-old-stamp": "hi:del:1",
    "hi-delete-future-stamp": "hi:del:999999999999",
    "hi-period-365": "hi:p:365",
    "hi-weekday-9": "hi:wd:9",
    "ad-apply-upload": "ad:up:ok:1",
    "ad-rollback": "ad:rb:ok:1",
    "ad-broadcast": "ad:bc:ok:1",
    # no prefix at all
    "empty": "",
    "control-bytes": "\x00\x01\x02\x7f",
    "emoji": "🧘" * 16,
    "over-long": "ci:" + "x" * 200,
    "sql": "ci:1 OR 1=1:p:5",
}


async def tap_and_check(bot: Harness, caplog, data: str, *, inaccessible: bool = False) -> list:
    """One tap by the attacker; the problems it caused (empty when it was refused politely)."""
    before = rows_by_owner(bot.store)
    errors, logged = len(bot.emu.errors), len(caplog.records)
    query_id = await press(bot, ATTACKER, data, inaccessible=inaccessible)
    await bot.emu.wait_until(lambda: bot.emu.callback_answers[query_id] is not None)
    await bot.settle(ATTACKER)  # everything the tap set off is done
    after = rows_by_owner(bot.store)
    problems = []
    if others(after, ATTACKER) != others(before, ATTACKER):
        problems.append("someone else's rows changed")
    if failures(caplog.records[logged:]):
        problems.append("update.failed")
    refused = [e for e in list(bot.emu.errors)[errors:] if "not modified" not in e[2]]
    if refused:  # ("not modified": a repeated edit, which the flows let pass)
        problems.append(f"Telegram refused a reply: {refused}")
    if bot.store.subscriber(GONE) is not None:
        problems.append("a deleted person came back")
    return problems


async def test_forged_button_data_is_refused_politely_and_touches_nobody_else(bot, world, caplog):
    problems = {}
    for name, template in FORGED.items():
        data = template.format(v=world.victim, g=world.gone, a=world.attacker)
        before = own(rows_by_owner(bot.store), ATTACKER)
        found = await tap_and_check(bot, caplog, data)
        after = own(rows_by_owner(bot.store), ATTACKER)
        if (after["sessions"], after["checkins"]) != (before["sessions"], before["checkins"]):
            found.append("the attacker's own session or check-in changed")
        if found:
            problems[name] = found
    assert problems == {}
    assert bot.store.session(world.victim.session).timer_due_utc is not None  # still running


OWN_STALE = {
    "reminder-skip": "rm:skip:{a.delivery}",
    "reminder-later": "rm:later:{a.delivery}",
    "reminder-snooze": "rm:snooze:{a.delivery}:30",
    "practice-next": "pr:next:{a.session}:{a.step}",
    "practice-stop": "pr:stop:{a.session}:{a.step}",
    "practice-today": "pr:today",
    "checkin-pain": "ci:{a.checkin}:p:5",
    "checkin-edit": "ci:{a.checkin}:e:edit",
    "settings-followup": "st:followup",
    "settings-time": "st:time",
    "pause": "pz:3",
    "stop-no": "sp:no",
    "zone": "ob:z:Europe/Paris",
    "zone-retry": "ob:z:",
    "safety-no": "sf:no",
    "safety-continue": "sf:go",
    "history-older": "hi:h:1",
    "progress": "hi:p:7",
    "delete-keep": "hi:keep",
    "admin": "ad:up:ok:1",
    "garbage": "\x00garbage",
}


async def test_taps_on_old_inaccessible_messages_are_answered_without_errors(bot, world, caplog):
    """Telegram sends a tap on an old message with the message's chat and id only (date 0);
    yesterday's buttons must still get a calm answer."""
    bot.clock.advance(timedelta(days=1))
    problems = {}
    for name, template in OWN_STALE.items():
        data = template.format(a=world.attacker)
        if found := await tap_and_check(bot, caplog, data, inaccessible=True):
            problems[name] = found
    assert problems == {}


@pytest.mark.parametrize(
    ("opening", "label", "reply"),
    [
        (None, "Skip today", "Skipped for today"),
        ("/pause", "3 days", "Paused"),
        ("/stop", "No, keep them", "your reminders stay on"),
    ],
    ids=["skip-today", "pause", "stop-no"],
)
async def test_a_double_tap_is_done_once_and_never_apologised_for(
    bot, caplog, opening, label, reply
):
    """The second tap finds the buttons gone already ("message is not modified")."""
    await screen_no(bot, ATTACKER)
    if opening is None:
        bot.clock.set(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
        await bot.tick()
        message = await bot.expect("Time for today's practice", ATTACKER)
    else:
        await bot.emu.send_text(ATTACKER, opening)
        message = await bot.reply(ATTACKER)
    data = next(
        b["callback_data"]
        for row in message["reply_markup"]["inline_keyboard"]
        for b in row
        if label in b["text"]
    )
    first = await bot.emu.press(ATTACKER, message["message_id"], data)
    second = await bot.emu.press(ATTACKER, message["message_id"], data, check=False)
    said = [m["text"] for m in await bot.settle(ATTACKER)]
    assert all(bot.emu.callback_answers[q] is not None for q in (first, second))
    assert len([text for text in said if reply.lower() in text.lower()]) == 1, said
    assert not [text for text in said if "went wrong" in text]
    assert failures(caplog.records) == []


@pytest.mark.parametrize(
    ("status", "description"),
    [
        (400, "Bad Request: query is too old and response timeout expired or query ID is invalid"),
        (502, None),
    ],
    ids=["query-too-old", "bad-gateway"],
)
async def test_a_tap_whose_answer_telegram_refuses_is_still_handled(
    bot, caplog, status, description
):
    """After a restart or a long pause Telegram refuses late answers; the answer only stops
    the spinner, so the tap itself must still count."""
    await screen_no(bot, ATTACKER)
    await bot.emu.send_text(ATTACKER, "/checkin")
    tension = await next_with(bot, ATTACKER, "ci:")
    bot.emu.fail_next("answerCallbackQuery", status, description=description)
    await bot.tap(tension, "6", ATTACKER)
    assert "pain" in (await bot.reply(ATTACKER))["text"]
    assert bot.store.checkin(checkin_id(bot, ATTACKER)).tension == 6
    assert failures(caplog.records) == []
