"""The daily reminder engine through the emulator: on time, never twice, never silently missed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_application, polling
from bot.store import Status
from tests.harness import USER_ID, Harness, buttons, opening, subscribe

REMINDER = opening("reminder")


def reminders(bot: Harness, user_id: int = USER_ID) -> list[dict]:
    return [m for m in bot.emu.drain(user_id) if REMINDER in (m.get("text") or "")]


def delivery_rows(bot: Harness, kind: str = "reminder") -> list:
    return [d for d in bot.store.deliveries(USER_ID) if d.kind == kind]


async def test_reminder_arrives_at_the_local_time_with_its_buttons(bot):
    await subscribe(bot)  # 07:30 Berlin = 06:30 UTC
    bot.clock.set(datetime(2026, 11, 23, 6, 29, 59, tzinfo=UTC))
    await bot.tick()
    assert reminders(bot) == []
    bot.clock.set(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    await bot.tick()
    message = await bot.expect(REMINDER)
    assert "Day 1" in message["text"]
    assert buttons(message) == ["▶️ Start now", "⏰ Later", "Skip today", "⚡ 5-minute version"]
    [row] = delivery_rows(bot)
    assert (row.status, row.local_date) == ("sent", date(2026, 11, 23))


async def test_a_second_tick_never_sends_the_same_day_twice(bot):
    await subscribe(bot)
    bot.clock.set(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    await bot.tick()
    await bot.tick()
    bot.clock.advance(timedelta(minutes=5))
    await bot.tick()
    await bot.settle()
    assert len([m for m in bot.emu.messages(USER_ID) if REMINDER in (m.get("text") or "")]) == 1
    assert bot.store.subscriber(USER_ID).next_due_utc == datetime(2026, 11, 24, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "expected_utc"),
    [
        # Berlin springs forward on 29 March 2026: 07:30 CET is 06:30 UTC, 07:30 CEST is 05:30.
        (
            datetime(2026, 3, 27, 12, 0, tzinfo=UTC),
            ["2026-03-28T06:30", "2026-03-29T05:30", "2026-03-30T05:30"],
        ),
        # ...and falls back on 25 October 2026.
        (
            datetime(2026, 10, 23, 12, 0, tzinfo=UTC),
            ["2026-10-24T05:30", "2026-10-25T06:30", "2026-10-26T06:30"],
        ),
    ],
    ids=["spring-forward", "fall-back"],
)
async def test_reminders_follow_the_wall_clock_across_dst(bot, start, expected_utc):
    bot.clock.set(start)
    await subscribe(bot)
    sent_at = []
    for _ in range(3):
        bot.clock.set(bot.store.subscriber(USER_ID).next_due_utc)
        sent_at.append(bot.clock.now().strftime("%Y-%m-%dT%H:%M"))
        await bot.tick()
        await bot.expect(REMINDER)
    assert sent_at == expected_utc


async def test_reminders_missed_during_downtime_inside_grace_are_sent_late(
    settings, emulator, clock
):
    first = build_application(settings, clock=clock)
    async with polling(first, poll_timeout=1):
        await subscribe(Harness(first, emulator, clock))
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))  # 90 minutes late, grace is 3 hours
    second = build_application(settings, clock=clock)
    async with polling(second, poll_timeout=1):
        bot = Harness(second, emulator, clock)
        await bot.tick()
        await bot.expect(REMINDER)
        [row] = delivery_rows(bot)
        assert row.status == "sent"


async def test_reminders_missed_beyond_grace_are_recorded_as_skipped(settings, emulator, clock):
    first = build_application(settings, clock=clock)
    async with polling(first, poll_timeout=1):
        await subscribe(Harness(first, emulator, clock))
    clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))  # down for two and a half days
    second = build_application(settings, clock=clock)
    async with polling(second, poll_timeout=1):
        bot = Harness(second, emulator, clock)
        await bot.tick()
        await bot.settle()
        rows = delivery_rows(bot)
        assert [(r.local_date.day, r.status) for r in rows] == [
            (23, "skipped"),
            (24, "skipped"),
            (25, "skipped"),
        ]
        assert all("offline" in r.reason for r in rows)
        assert reminders(bot) == []
        assert bot.store.subscriber(USER_ID).next_due_utc == datetime(
            2026, 11, 26, 6, 30, tzinfo=UTC
        )


async def test_a_send_interrupted_by_a_crash_is_never_repeated(settings, emulator, clock):
    """A row left in flight by a process that died may have gone out: skipped, with why."""
    first = build_application(settings, clock=clock)
    async with polling(first, poll_timeout=1):
        bot = Harness(first, emulator, clock)
        await subscribe(bot)
        store = bot.store
        store.add_delivery(
            USER_ID, date(2026, 11, 23), "reminder", datetime(2026, 11, 23, 6, 30, tzinfo=UTC)
        )
        [row] = delivery_rows(bot)
        store.mark_in_flight(row.id)  # what the crashed worker had written before its send
    clock.set(datetime(2026, 11, 23, 6, 31, tzinfo=UTC))
    second = build_application(settings, clock=clock)
    async with polling(second, poll_timeout=1):
        bot = Harness(second, emulator, clock)
        await bot.tick()
        await bot.settle()
        [row] = delivery_rows(bot)
        assert row.status == "skipped" and "interrupted" in row.reason
        assert reminders(bot) == []


async def test_blocked_person_is_deactivated_and_welcomed_back(bot):
    await subscribe(bot)
    bot.emu.block(USER_ID)
    bot.clock.set(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    await bot.tick()
    [row] = delivery_rows(bot)
    assert (row.status, row.reason) == ("failed", "blocked: the person blocked the bot")
    subscriber = bot.store.subscriber(USER_ID)
    assert subscriber.status is Status.BLOCKED and subscriber.next_due_utc is None
    bot.clock.advance(timedelta(days=1))
    await bot.tick()
    assert len(delivery_rows(bot)) == 1
    bot.emu.unblock(USER_ID)
    assert "Welcome back" in (await bot.say("/start"))["text"]


async def test_rate_limited_send_waits_and_arrives_once(bot):
    await subscribe(bot)
    bot.emu.fail_next("sendMessage", 429, retry_after=1)
    bot.clock.set(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    await bot.tick()
    await bot.expect(REMINDER)
    [row] = delivery_rows(bot)
    assert row.status == "sent"
    assert bot.emu.stats["too_many_requests"] == 1


@pytest.mark.parametrize("status", [500, 502], ids=["500", "502"])
async def test_server_errors_are_retried_with_backoff(bot, status):
    await subscribe(bot)
    bot.emu.fail_next("sendMessage", status)
    bot.clock.set(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    await bot.tick()
    [row] = delivery_rows(bot)
    assert row.status == "pending" and row.reason == "network error"
    bot.clock.advance(timedelta(seconds=10))
    await bot.tick()
    await bot.expect(REMINDER)
    assert delivery_rows(bot)[0].status == "sent"


async def reminder_now(bot: Harness) -> dict:
    bot.clock.set(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    await bot.tick()
    return await bot.expect(REMINDER)


async def test_snooze_sends_the_reminder_again_later(bot):
    await subscribe(bot)
    message = await reminder_now(bot)
    await bot.tap(message, "⏰ Later")
    edited = await bot.emu.next_edit(USER_ID)
    assert buttons(edited) == ["15 min", "30 min", "1 hour", "« Back"]
    await bot.tap(edited, "30 min")
    assert "08:00" in (await bot.expect("remind you again"))["text"]
    bot.clock.advance(timedelta(minutes=29))
    await bot.tick()
    assert reminders(bot) == []
    bot.clock.advance(timedelta(minutes=1))
    await bot.tick()
    again = await bot.expect("Here's your reminder again")
    assert "▶️ Start now" in buttons(again)


async def test_skip_today_stops_snoozes_and_follow_ups(bot):
    await subscribe(bot)
    await bot.tap(await bot.say("/settings"), "🔔 Turn follow-up on")
    await bot.settle()
    message = await reminder_now(bot)
    await bot.tap(message, "Skip today")
    assert "See you tomorrow" in (await bot.expect("Skipped"))["text"]
    bot.clock.advance(timedelta(hours=4))
    await bot.tick()
    await bot.settle()
    followup = delivery_rows(bot, "followup")
    assert [(d.status, d.reason) for d in followup] == [
        ("skipped", "not sent: the person skipped that day")
    ]


async def test_skip_today_is_answered_even_when_its_buttons_cannot_be_taken_off(bot):
    """Taking the buttons off is best effort (bot/views/telegram_io.py strip_keyboard): a message
    Telegram will not edit (deleted, too old) must not swallow the answer that follows."""
    await subscribe(bot)
    message = await reminder_now(bot)
    bot.emu.fail_next(
        "editMessageReplyMarkup", 400, description="Bad Request: message to edit not found"
    )
    await bot.tap(message, "Skip today")
    assert "See you tomorrow" in (await bot.expect("Skipped"))["text"]
    assert [d.status for d in delivery_rows(bot, "skip")] == ["skipped"]


async def test_follow_up_comes_once_when_opted_in(bot):
    await subscribe(bot)
    await bot.tap(await bot.say("/settings"), "🔔 Turn follow-up on")
    await bot.settle()
    await reminder_now(bot)
    bot.clock.advance(timedelta(hours=3))
    await bot.tick()
    assert "gentle nudge" in (await bot.expect("gentle nudge"))["text"]
    bot.clock.advance(timedelta(hours=3))
    await bot.tick()
    await bot.settle()
    assert len(delivery_rows(bot, "followup")) == 1


async def test_no_follow_up_without_opting_in(bot):
    await subscribe(bot)
    await reminder_now(bot)
    bot.clock.advance(timedelta(hours=4))
    await bot.tick()
    assert delivery_rows(bot, "followup") == []


async def test_yesterdays_reminder_buttons_are_stale(bot):
    await subscribe(bot)
    message = await reminder_now(bot)
    bot.clock.advance(timedelta(days=1))
    await bot.tap(message, "Skip today")
    assert "earlier day" in (await bot.expect("earlier day"))["text"]
    assert delivery_rows(bot, "skip") == []


@pytest.mark.parametrize(
    "data",
    ["rm:skip:999999", "rm:later:abc", "rm:snooze:1:7", "zz:garbage\u0000"],
    ids=["unknown-delivery", "not-a-number", "odd-minutes", "garbage"],
)
async def test_forged_reminder_buttons_are_refused_politely(bot, data):
    await subscribe(bot)
    message = await reminder_now(bot)
    await bot.emu.press(USER_ID, message["message_id"], data, check=False)
    await bot.settle()
    assert delivery_rows(bot, "skip") == []
    assert not bot.emu.unknown_methods


async def test_a_delivery_id_too_big_for_sqlite_is_an_expired_button_not_an_error(bot):
    await subscribe(bot)
    message = await reminder_now(bot)
    forged = "rm:skip:" + "9" * 30
    query_id = await bot.emu.press(USER_ID, message["message_id"], forged, check=False)
    await bot.emu.wait_until(lambda: bot.emu.callback_answers.get(query_id) is not None)
    assert "expired" in bot.emu.callback_answers[query_id].get("text", "")
    assert not [m for m in await bot.settle() if "went wrong" in m["text"]]


async def test_another_persons_reminder_button_touches_nothing(bot):
    await subscribe(bot)
    await reminder_now(bot)
    other = 5151
    await subscribe(bot, user_id=other)
    rows = delivery_rows(bot)
    own_message = bot.emu.messages(other)[-1]
    await bot.emu.press(other, own_message["message_id"], f"rm:skip:{rows[0].id}", check=False)
    await bot.settle(other)
    assert delivery_rows(bot, "skip") == []


async def test_no_reminder_when_the_practice_was_already_started_that_day(bot):
    await subscribe(bot)
    await bot.emu.send_text(USER_ID, "/today")
    await bot.expect("how much tension")
    bot.clock.set(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    await bot.tick()
    [row] = delivery_rows(bot)
    assert (row.status, row.reason) == ("skipped", "not sent: practice already started")


async def test_snoozes_never_run_past_midnight(bot):
    """A snooze after midnight would bring tomorrow's plan under today's buttons."""
    await subscribe(bot)
    await bot.tap(await bot.say("/settings"), "⏰ Change time")
    await bot.expect("What time")
    await bot.emu.send_text(USER_ID, "23:30")
    await bot.expect("Saved")
    await bot.settle()
    bot.emu.drain_edits(USER_ID)  # the answered picker losing its buttons
    bot.clock.set(datetime(2026, 11, 23, 22, 30, tzinfo=UTC))  # 23:30 in Berlin
    await bot.tick()
    message = await bot.expect(REMINDER)
    await bot.tap(message, "⏰ Later")
    assert buttons(await bot.emu.next_edit(USER_ID)) == ["15 min", "« Back"]
    await bot.tap(message, "« Back")
    await bot.emu.next_edit(USER_ID)
    bot.clock.set(datetime(2026, 11, 23, 22, 50, tzinfo=UTC))  # 23:50: nothing fits
    query_id = await bot.emu.press_button(USER_ID, message, "⏰ Later")
    await bot.emu.wait_until(lambda: bot.emu.callback_answers[query_id] is not None)
    assert "too close to midnight" in bot.emu.callback_answers[query_id]["text"]


@pytest.mark.parametrize(
    "time_label, reminder_utc, nudge_utc",
    [
        (
            "19:00",
            datetime(2026, 11, 23, 18, 0, tzinfo=UTC),
            datetime(2026, 11, 23, 20, 0, tzinfo=UTC),
        ),
        (
            "21:00",
            datetime(2026, 11, 23, 20, 0, tzinfo=UTC),
            datetime(2026, 11, 23, 21, 0, tzinfo=UTC),
        ),
    ],
    ids=["19:00 nudged at 21:00", "21:00 nudged at 22:00"],
)
async def test_a_late_reminder_still_gets_the_promised_follow_up(
    bot, time_label, reminder_utc, nudge_utc
):
    """B2: reminders from 18:00 on never got the nudge the settings promised."""
    await subscribe(bot, time_label=time_label)
    await bot.tap(await bot.say("/settings"), "🔔 Turn follow-up on")
    promise = await bot.expect("Follow-up on")
    nudge_local = nudge_utc.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M")
    assert f"haven't started by {nudge_local}" in promise["text"]
    bot.clock.set(reminder_utc)
    await bot.tick()
    await bot.expect(REMINDER)
    bot.clock.set(nudge_utc - timedelta(seconds=1))
    await bot.tick()
    bot.clock.set(nudge_utc)
    await bot.tick()
    assert "gentle nudge" in (await bot.expect("gentle nudge"))["text"]
    assert [d.status for d in delivery_rows(bot, "followup")] == ["sent"]


async def test_a_reminder_near_midnight_says_no_follow_up_will_come(bot):
    await subscribe(bot)
    shown = await bot.say("/settings")
    await bot.tap(shown, "⏰ Change time")
    await bot.expect("What time")
    await bot.say("23:30")
    await bot.tap(await bot.say("/settings"), "🔔 Turn follow-up on")
    assert "none will come" in (await bot.expect("Follow-up on"))["text"]
