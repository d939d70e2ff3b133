"""Odd updates, hostile text, Telegram faults and a full disk: answered kindly, nothing lost."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from bot.store import Status
from tests.harness import USER_ID, Harness, subscribe

NASTY_TEXTS = {
    "emoji": "🧘‍♀️🔥💥" * 20,
    "rtl": "مرحبا \u202eBerlin\u202c שלום",
    "zero-width": "Ber\u200blin\u200d\ufeff",
    "max-length": "x" * 4096,
    "sql": "Berlin'); DROP TABLE subscribers;--",
    "html": "<b>bold</b> <script>alert(1)</script> & &amp; <a href='x'>",
    "markdown": "*bold* _it_ [link](http://x) `code` ||spoiler|| \\",
    "control": "\x00\x01\x07 tab\there",
    "surrogate-ish": "𝕭𝖊𝖗𝖑𝖎𝖓 \U0010ffff",
    "newlines": "line\n" * 200,
}


def no_failures(caplog: pytest.LogCaptureFixture) -> bool:
    return not [r for r in caplog.records if r.getMessage().startswith("update.failed")]


@pytest.mark.parametrize("text", NASTY_TEXTS.values(), ids=NASTY_TEXTS.keys())
async def test_hostile_text_at_every_setup_step_gets_an_answer(bot, caplog, text):
    assert (await bot.say(text))["text"]  # nothing asked yet
    await bot.emu.send_text(USER_ID, "/start")
    await bot.expect("time zone")
    assert (await bot.say(text))["text"]  # at the zone question
    await bot.emu.send_text(USER_ID, "Berlin")
    await bot.expect("What time")
    assert (await bot.say(text))["text"]  # at the time question
    assert bot.store.subscriber(USER_ID).awaiting == "time"
    assert no_failures(caplog)
    assert not bot.emu.errors, "every reply must be valid for Telegram (escaped, not too long)"


async def test_group_commands_get_a_pointer_to_a_private_chat(bot):
    await bot.emu.send_text(USER_ID, "/start", chat_id=-100_200, chat_type="supergroup")
    reply = await bot.emu.next_message(-100_200)
    assert "private" in reply["text"]
    assert bot.store.subscriber(USER_ID) is None  # nothing about the person was stored


async def test_group_chatter_and_channel_posts_are_ignored_without_errors(bot, caplog):
    await bot.emu.send_text(USER_ID, "hello everyone", chat_id=-100_300, chat_type="group")
    bot.emu.add_update(
        {
            "channel_post": {
                "message_id": 1,
                "date": 1_790_000_000,
                "chat": {"id": -100_400, "type": "channel", "title": "News"},
                "text": "/start",
            }
        }
    )
    await bot.settle()
    assert bot.emu.messages(-100_300) == []
    assert bot.emu.messages(-100_400) == []
    assert no_failures(caplog)


async def test_an_edited_message_is_answered_not_reprocessed(bot):
    await bot.emu.send_text(USER_ID, "/start")
    await bot.expect("time zone")
    sent = await bot.emu.send_text(USER_ID, "Berlin")
    await bot.expect("What time")
    await bot.emu.edit_text(USER_ID, sent["message_id"], "Tokyo")
    assert "edited" in (await bot.reply())["text"]
    assert bot.store.subscriber(USER_ID).zone == "Europe/Berlin"


async def test_forwarded_text_is_read_like_typed_text(bot):
    await bot.emu.send_text(USER_ID, "/start")
    await bot.expect("time zone")
    forwarded = {
        "forward_origin": {"type": "hidden_user", "sender_user_name": "Someone", "date": 1},
        "text": "Berlin",
    }
    bot.emu.add_update(
        {
            "message": {
                "message_id": 500,
                "date": 1_790_000_000,
                "chat": {"id": USER_ID, "type": "private", "first_name": "Ann"},
                "from": {"id": USER_ID, "is_bot": False, "first_name": "Ann"},
                **forwarded,
            }
        }
    )
    assert "Europe/Berlin" in (await bot.expect("Time zone"))["text"]


async def test_a_person_without_username_or_language_can_subscribe(bot):
    bot.emu.add_user(7777, "Zé", username=None, language_code=None)
    await subscribe(bot, user_id=7777)
    assert bot.store.subscriber(7777).status is Status.ACTIVE


async def test_get_updates_failures_are_retried_and_nothing_is_lost_or_doubled(bot):
    bot.emu.fail_next("getUpdates", 502)
    for text in ("/help", "/help", "/help"):
        await bot.emu.send_text(USER_ID, text)
    replies = [await bot.reply() for _ in range(3)]
    assert all("What I can do" in reply["text"] for reply in replies)
    await bot.settle()
    assert len([m for m in bot.emu.messages(USER_ID) if "What I can do" in m["text"]]) == 4


async def test_a_share_of_rate_limited_sends_still_delivers_every_reminder_once(bot):
    people = [6000 + n for n in range(12)]
    for person in people:
        await subscribe(bot, user_id=person)
    bot.emu.fail_ratio("sendMessage", 429, 0.3, retry_after=1, seed=7)
    bot.clock.set(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    await bot.tick()
    bot.emu.fail_ratio("sendMessage", 429, 0)
    for person in people:
        reminders = [
            m for m in bot.emu.messages(person) if "Time for today's practice" in m["text"]
        ]
        assert len(reminders) == 1, person
        assert [d.status for d in bot.store.deliveries(person) if d.kind == "reminder"] == ["sent"]
    assert bot.emu.stats["too_many_requests"] >= 1
    assert bot.runtime.engine.failed == 0


@pytest.mark.parametrize("failure", ["read-only", "full"], ids=["read-only", "disk-full"])
async def test_a_storage_failure_gets_a_calm_answer_and_a_clear_log(bot: Harness, caplog, failure):
    """query_only refuses writes as a read-only file does; max_page_count refuses growth as a
    full disk does (the new rows below need more pages than the file has)."""
    await subscribe(bot)
    db = bot.store.db
    if failure == "read-only":
        db.execute("PRAGMA query_only = ON")
    else:
        db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
    replies = []
    with caplog.at_level(logging.ERROR):
        for person in range(8800, 9800):  # new rows until the pages run out
            await bot.emu.send_text(person, "/start")
            replies.append(await bot.emu.next_message(person))
            if "couldn't save" in replies[-1]["text"]:
                break
    assert "couldn't save" in replies[-1]["text"]
    assert any("storage=True" in r.getMessage() for r in caplog.records)
    db.execute("PRAGMA query_only = OFF")
    db.execute("PRAGMA max_page_count = 1073741823")
    assert bot.store.subscriber(USER_ID).status is Status.ACTIVE  # nothing half-written
    await bot.emu.send_text(person, "/start")
    assert "time zone" in (await bot.expect("time zone", person))["text"]
