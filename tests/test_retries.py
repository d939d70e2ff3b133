"""One retry mechanism for every request (bot/ratelimit.py): 5xx, timeouts and 429s are tried
again within a short budget; a 429 holds back only its own chat."""

from __future__ import annotations

import asyncio
import logging

import pytest
from telegram import BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError
from telegram.ext import ExtBot

from bot.app import build_application, polling
from bot.config import Settings
from bot.ratelimit import RETRY_BUDGET, PacedRateLimiter
from bot.request import AiohttpRequest
from emulator import Emulator
from tests.harness import CONTENT, USER_ID, Harness

OTHER = 5151


def help_replies(emu: Emulator, chat_id: int) -> list[dict]:
    return [m for m in emu.messages(chat_id) if "What I can do" in (m.get("text") or "")]


@pytest.mark.parametrize("status", [500, 502, 504], ids=["500", "502-html", "504-html"])
async def test_a_reply_that_meets_a_server_error_is_sent_again(bot: Harness, caplog, status):
    bot.emu.fail_next("sendMessage", status)
    with caplog.at_level(logging.INFO):
        assert "What I can do" in (await bot.say("/help"))["text"]
    assert len(help_replies(bot.emu, USER_ID)) == 1
    assert bot.emu.stats["errors_injected"] == 1
    assert any(
        r.getMessage().startswith("request.retry endpoint=sendMessage") for r in caplog.records
    )
    assert not [r for r in caplog.records if r.exc_info], "a retried fault is no traceback"


async def test_a_rate_limited_reply_waits_its_retry_after_and_arrives_once(bot: Harness):
    bot.emu.fail_next("sendMessage", 429, retry_after=1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert "What I can do" in (await bot.say("/help"))["text"]
    assert loop.time() - started >= 1.0
    assert len(help_replies(bot.emu, USER_ID)) == 1


async def test_a_429_for_one_chat_does_not_hold_back_another(bot: Harness):
    bot.emu.fail_next("sendMessage", 429, retry_after=3)
    await bot.emu.send_text(USER_ID, "/help")
    await bot.emu.wait_until(lambda: bot.emu.stats["too_many_requests"] == 1)
    await bot.emu.send_text(OTHER, "/help")
    assert "What I can do" in (await bot.emu.next_message(OTHER, timeout=2))["text"]
    assert help_replies(bot.emu, USER_ID) == []  # still waiting out its own pause
    assert "What I can do" in (await bot.emu.next_message(USER_ID, timeout=6))["text"]


@pytest.fixture
async def quick_bot(emulator: Emulator):
    """A bot whose answers time out after 0.3 s, with the project's limiter (no pacing)."""
    emulator.add_user(USER_ID)
    bot = ExtBot(
        emulator.token,
        base_url=emulator.base_url,
        request=AiohttpRequest(read_timeout=0.3, write_timeout=0.1),
        rate_limiter=PacedRateLimiter(per_second=None),
    )
    async with bot:
        yield bot


async def test_a_timed_out_send_is_retried_and_may_arrive_twice(quick_bot, emulator):
    """The documented choice: a timeout may come after Telegram took the message; one
    possible duplicate is better than a reply lost."""
    emulator.hang_next("sendMessage", 5)
    sent = await quick_bot.send_message(USER_ID, "hello")
    assert sent.text == "hello"
    assert [m["text"] for m in emulator.messages(USER_ID)] == ["hello", "hello"]


async def test_an_edit_retried_after_it_took_effect_counts_as_done(quick_bot, emulator):
    """The retry answers "message is not modified": the first attempt had changed it."""
    first = await quick_bot.send_message(USER_ID, "step 1")
    emulator.hang_next("editMessageText", 5)
    assert await quick_bot.edit_message_text("step 2", USER_ID, first.message_id) is True
    assert emulator.messages(USER_ID)[-1]["text"] == "step 2"
    assert "message is not modified" in emulator.errors[-1][2]  # what the retry met


async def test_retries_stop_within_the_budget(quick_bot, emulator):
    """A person is not answered a minute late: after the budget the error reaches the handler."""
    emulator.fail_next("sendMessage", 500, times=50)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(NetworkError):
        await quick_bot.send_message(USER_ID, "hello")
    assert loop.time() - started <= RETRY_BUDGET
    assert 2 <= emulator.stats["errors_injected"] <= 6


async def test_a_first_not_modified_is_not_swallowed(quick_bot, emulator):
    """Only a retry's "not modified" means success; the first attempt's is the caller's."""
    first = await quick_bot.send_message(USER_ID, "same")
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await quick_bot.edit_message_text("same", USER_ID, first.message_id)


async def test_removing_a_keyboard_that_is_gone_is_not_sent(bot: Harness):
    """Telegram would answer 400 "message is not modified": the call is not made at all."""
    tg = bot.application.bot
    bot.emu.add_user(USER_ID)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Done", callback_data="x")]])
    with_buttons = await tg.send_message(USER_ID, "a question", reply_markup=keyboard)
    plain = await tg.send_message(USER_ID, "a plain line")
    await tg.edit_message_reply_markup(USER_ID, with_buttons.message_id)  # removes them
    for gone in (with_buttons, plain):  # already gone; never had any
        # Answered as Telegram would, so a flow reads a double tap the same way.
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await tg.edit_message_reply_markup(USER_ID, gone.message_id)
    edits = [name for name, _ in bot.emu.calls if name == "editMessageReplyMarkup"]
    assert edits == ["editMessageReplyMarkup"]
    assert not [e for e in bot.emu.errors if "not modified" in e[2]]
    assert tg.rate_limiter.keyboards.skipped == 2


async def test_a_message_the_bot_has_not_seen_is_still_edited(bot: Harness):
    """After a restart the bot does not know a message's buttons: the edit goes out."""
    bot.emu.add_user(USER_ID)
    sent = await bot.application.bot.send_message(USER_ID, "plain")
    fresh = PacedRateLimiter(per_second=None)
    assert not fresh.keyboards.removal_changes_nothing(
        "editMessageReplyMarkup", {"chat_id": USER_ID, "message_id": sent.message_id}
    )


async def test_a_polling_outage_is_logged_once_not_once_per_attempt(bot: Harness, caplog):
    caplog.set_level(logging.INFO)
    bot.emu.fail_next("getUpdates", 502, times=4)  # PTB backs off 1, 1.5, 2.25, 3.4 s
    # The poll already parked ends first (its 1 s timeout): /help goes once the outage has
    # begun, or that poll would fetch it and the outage would never be waited through.
    await bot.emu.wait_until(lambda: ("getUpdates", 502) in {e[:2] for e in bot.emu.errors})
    await bot.emu.send_text(USER_ID, "/help")
    assert "What I can do" in (await bot.emu.next_message(USER_ID, timeout=15))["text"]
    lines = [r.getMessage() for r in caplog.records]
    assert len([line for line in lines if line.startswith("telegram.unreachable")]) == 1
    assert len([line for line in lines if line.startswith("telegram.reachable")]) == 1
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_429_on_polling_pauses_no_chat(bot: Harness):
    """PTB's polling loop waits out its own 429; replies to people are not held back by it."""
    bot.emu.fail_next("getUpdates", 429, retry_after=2)
    bot.emu.fail_next("sendMessage", 500)  # a reply that needs the limiter meanwhile
    await bot.emu.send_text(USER_ID, "/help")
    assert "What I can do" in (await bot.emu.next_message(USER_ID, timeout=10))["text"]
    assert bot.emu.stats["too_many_requests"] == 1
    assert bot.application.bot.rate_limiter.pauses == 0


async def test_an_admin_who_never_wrote_gets_the_menu_when_they_first_write(
    tmp_path, places_dir, clock
):
    """Telegram refuses setMyCommands for a chat that does not exist yet ("chat not found"):
    refused at start without a traceback, set when the admin first writes, then left."""
    admin = 900_777
    async with Emulator() as emu:
        settings = Settings(
            token=emu.token,
            api_url=emu.base_url,
            file_url=emu.base_file_url,
            db_path=tmp_path / "bot.db",
            content_dir=CONTENT,
            places_dir=places_dir,
            admin_ids=frozenset({admin}),
            tick_seconds=3600,
            max_per_second=None,
        )
        application = build_application(settings, clock=clock)
        async with polling(application, poll_timeout=1):
            assert ("setMyCommands", 400, "Bad Request: chat not found") in emu.errors
            scope = BotCommandScopeChat(admin)
            assert await application.bot.get_my_commands(scope=scope) == ()
            for _ in range(2):
                await emu.send_text(admin, "/help")
                assert "What I can do" in (await emu.next_message(admin))["text"]
            menu = [c.command for c in await application.bot.get_my_commands(scope=scope)]
            assert "reload" in menu
            tries = [
                p
                for name, p in emu.calls
                if name == "setMyCommands" and (p.get("scope") or {}).get("type") == "chat"
            ]
            assert len(tries) == 2  # refused at start, set at the first message, then left
