"""The emulator answers a real PTB Bot and Application the way Telegram does."""

from __future__ import annotations

import asyncio
import datetime as dtm
import struct
import zlib
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from emulator import Emulator, parse_html, parse_markdown_v2, utf16_len

USER = 42
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Go on", callback_data="go"),
            InlineKeyboardButton("Stop", callback_data="stop"),
        ]
    ]
)


def png(width: int, height: int) -> bytes:
    """A PNG header is enough: the emulator reads the size from IHDR."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + chunk + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator()
    await emulator.start()
    emulator.add_user(USER, "Ann")
    yield emulator
    await emulator.stop()


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    async with Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as client:
        yield client


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echoes text back."""
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets with the arguments and a keyboard."""
    await update.effective_message.reply_text(f"hi {' '.join(context.args)}", reply_markup=KEYBOARD)


async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers the tap, then edits the message to show the choice."""
    query = update.callback_query
    assert await query.answer() is True
    await query.edit_message_text(f"chose {query.data}")


@pytest.fixture
async def app(emu: Emulator) -> AsyncIterator[Application]:
    application = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.add_handler(CallbackQueryHandler(tapped))
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


# ---- the wire protocol with a real Application


async def test_text_reaches_message_handler_and_reply_arrives(emu: Emulator, app: Application):
    sent = await emu.send_text(USER, "hello")
    reply = await emu.next_message(USER)
    assert reply["text"] == "echo: hello"
    assert reply["from"]["is_bot"] is True
    assert reply["message_id"] == sent["message_id"] + 1  # ids are shared per chat
    assert isinstance(reply["date"], int) and reply["date"] < 10**10  # seconds, not ms
    assert [name for name, _ in emu.calls[:2]] == ["getMe", "deleteWebhook"]


async def test_command_gets_bot_command_entity_and_reaches_command_handler(
    emu: Emulator, app: Application
):
    sent = await emu.send_text(USER, "/start@psoas_coach_bot morning")
    assert sent["entities"] == [{"type": "bot_command", "offset": 0, "length": 22}]
    reply = await emu.next_message(USER)
    assert reply["text"] == "hi morning"
    assert reply["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "go"


async def test_press_reaches_callback_handler_which_answers_and_edits(
    emu: Emulator, app: Application
):
    await emu.send_text(USER, "/start")
    menu = await emu.next_message(USER)
    query_id = await emu.press_button(USER, menu, "Go")
    edited = await emu.next_edit(USER)
    assert edited["text"] == "chose go"
    assert "reply_markup" not in edited  # an edit without markup drops the keyboard
    assert emu.callback_answers[query_id] == {}
    assert emu.messages(USER)[0]["text"] == "chose go"  # edited in place
    with pytest.raises(AssertionError, match="has no button"):
        await emu.press(USER, menu["message_id"], "go")  # the button is gone now


async def test_pressing_a_missing_message_fails_the_test(emu: Emulator):
    with pytest.raises(AssertionError, match="no bot message 7"):
        await emu.press(USER, 7, "go")


async def test_next_message_times_out_with_a_report(emu: Emulator):
    with pytest.raises(AssertionError, match="no new bot message in chat 42"):
        await emu.next_message(USER, timeout=0.05)


# ---- answers and validation, through a real Bot


async def test_get_me_describes_the_bot(bot: Bot):
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "psoas_coach_bot")
    assert me.can_join_groups is True


async def test_wrong_token_is_unauthorized(emu: Emulator):
    other = Bot("999:WRONG", base_url=emu.base_url, base_file_url=emu.base_file_url)
    with pytest.raises(InvalidToken):
        async with other:  # initialize() calls getMe; a failure shuts the client down
            pass


async def test_edit_returns_message_and_updates_it_in_place(emu: Emulator, bot: Bot):
    sent = await bot.send_message(USER, "one", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text("two", USER, sent.message_id, reply_markup=KEYBOARD)
    assert edited.text == "two" and edited.edit_date is not None
    assert emu.messages(USER)[0]["text"] == "two"
    assert (await emu.next_edit(USER))["text"] == "two"
    markup_only = await bot.edit_message_reply_markup(USER, sent.message_id)
    assert markup_only.reply_markup is None


async def test_reply_keyboard_is_kept_but_not_echoed(emu: Emulator, bot: Bot):
    keyboard = ReplyKeyboardMarkup([[KeyboardButton("Share location", request_location=True)]])
    sent = await bot.send_message(USER, "where are you?", reply_markup=keyboard)
    assert sent.reply_markup is None  # Telegram returns only inline keyboards
    stored = emu.messages(USER)[0]["reply_markup"]
    assert stored["keyboard"][0][0]["request_location"] is True
    await bot.edit_message_text("where?", USER, sent.message_id)
    assert "reply_markup" in emu.messages(USER)[0]


async def test_identical_edit_is_not_modified(bot: Bot):
    sent = await bot.send_message(USER, "same", reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("same", USER, sent.message_id, reply_markup=KEYBOARD)


async def test_edit_message_media_replaces_the_photo_and_caption_in_place(emu: Emulator, bot: Bot):
    sent = await bot.send_photo(USER, png(20, 10), caption="old", reply_markup=KEYBOARD)
    edited = await bot.edit_message_media(
        InputMediaPhoto(png(30, 20), caption="<b>new</b>", parse_mode=ParseMode.HTML),
        chat_id=USER,
        message_id=sent.message_id,
        reply_markup=KEYBOARD,
    )
    assert edited.message_id == sent.message_id and edited.caption == "new"
    assert edited.photo[-1].width == 30 and edited.reply_markup == KEYBOARD
    assert emu.messages(USER)[0]["_content"] == png(30, 20)
    without = await bot.edit_message_media(
        InputMediaPhoto(png(40, 20)), chat_id=USER, message_id=sent.message_id
    )
    assert without.caption is None and without.reply_markup is None  # as Telegram: both go


async def test_edit_message_media_without_media_is_refused_as_telegram_does(bot: Bot):
    sent = await bot.send_message(USER, "text")
    with pytest.raises(BadRequest, match=r"(?i)can't parse InputMedia: Media is not specified"):
        await bot._post(
            "editMessageMedia",
            {"chat_id": USER, "message_id": sent.message_id, "media": {"type": "photo"}},
        )


async def test_editing_a_missing_message_is_refused(bot: Bot):
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", USER, 999)


async def test_unknown_chat_is_not_found(bot: Bot):
    with pytest.raises(BadRequest, match=r"(?i)Chat not found"):
        await bot.send_message(777, "hello")


@pytest.mark.parametrize("text", ["", "   \n"], ids=["empty", "blank"])
async def test_empty_text_is_refused(bot: Bot, text: str):
    with pytest.raises(BadRequest, match=r"(?i)Message text is empty"):
        await bot.send_message(USER, text)


async def test_text_over_4096_is_too_long(bot: Bot):
    await bot.send_message(USER, "x" * 4096)
    with pytest.raises(BadRequest, match=r"(?i)Message is too long"):
        await bot.send_message(USER, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)Message is too long"):  # an emoji counts 2
        await bot.send_message(USER, "🧘" * 2049)
    with pytest.raises(BadRequest, match=r"(?i)Message is too long"):  # counted after the tags go
        await bot.send_message(USER, "<b>" + "x" * 4097 + "</b>", parse_mode=ParseMode.HTML)
    await bot.send_message(USER, "<b>" + "x" * 4096 + "</b>", parse_mode=ParseMode.HTML)


async def test_caption_over_1024_is_too_long(bot: Bot):
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(USER, png(10, 10), caption="x" * 1025)


async def test_callback_data_over_64_bytes_is_refused(bot: Bot):
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="x" * 64)]])
    await bot.send_message(USER, "fits", reply_markup=ok)
    wide = InlineKeyboardMarkup([[InlineKeyboardButton("é", callback_data="é" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "66 bytes", reply_markup=wide)


async def test_text_only_inline_button_is_refused(emu: Emulator, bot: Bot):
    markup = '{"inline_keyboard": [[{"text": "no action"}]]}'
    with pytest.raises(BadRequest, match=r"(?i)Text buttons are unallowed"):
        await bot.send_message(USER, "x", api_kwargs={"reply_markup": markup})


@pytest.mark.parametrize(
    "text",
    ["<b>unclosed", "<foo>x</foo>", "1 < 2", "AT&T", "<b>x</i>", "</b>", "<br>", "<span>x</span>"],
    ids=[
        "unclosed",
        "unknown-tag",
        "bare-lt",
        "bare-amp",
        "mismatch",
        "stray-end",
        "br",
        "span-without-class",
    ],
)
async def test_bad_html_cannot_be_parsed(bot: Bot, text: str):
    with pytest.raises(BadRequest, match=r"(?i)Can't parse entities"):
        await bot.send_message(USER, text, parse_mode=ParseMode.HTML)


async def test_good_html_becomes_text_and_entities(emu: Emulator, bot: Bot):
    sent = await bot.send_message(
        USER,
        '<b>Day 1</b> &amp; <a href="https://example.org">more</a> &lt;3',
        parse_mode=ParseMode.HTML,
    )
    assert sent.text == "Day 1 & more <3"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 5),
        ("text_link", 8, 4),
    ]


async def test_markdown_v2_needs_reserved_characters_escaped(bot: Bot):
    with pytest.raises(BadRequest, match=r"(?i)Character '\.' is reserved"):
        await bot.send_message(USER, "Version 1.0", parse_mode=ParseMode.MARKDOWN_V2)
    sent = await bot.send_message(USER, "*Version* 1\\.0", parse_mode=ParseMode.MARKDOWN_V2)
    assert sent.text == "Version 1.0" and sent.entities[0].type == "bold"


def test_parsers_count_utf16_offsets():
    assert utf16_len("🧘a") == 3
    assert parse_html("🧘<i>a</i>")[1] == [{"type": "italic", "offset": 2, "length": 1}]
    assert parse_markdown_v2("🧘_a_")[1] == [{"type": "italic", "offset": 2, "length": 1}]


# ---- faults


async def test_blocked_user_is_forbidden_until_unblocked(emu: Emulator, bot: Bot):
    emu.block(USER)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(USER, "hello")
    emu.unblock(USER)
    await bot.send_message(USER, "hello again")
    assert [m["text"] for m in emu.messages(USER)] == ["hello again"]


async def test_injected_429_is_retry_after(emu: Emulator, bot: Bot, monkeypatch):
    """Without PTB_TIMEDELTA, PTB 22.8 warns while building RetryAfter: a warning-as-error
    would replace the exception, so the project opts in to timedelta."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    emu.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "hello")
    assert caught.value.retry_after == dtm.timedelta(seconds=3)
    assert emu.stats["too_many_requests"] == 1 and emu.stats["errors_injected"] == 1
    assert emu.messages(USER) == []  # a refused call did not deliver
    await bot.send_message(USER, "hello")


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_server_errors_are_network_errors(emu: Emulator, bot: Bot, status: int):
    emu.fail_next("sendMessage", status)
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "hello")


async def test_fail_ratio_is_deterministic(emu: Emulator, bot: Bot):
    emu.fail_ratio("sendChatAction", 500, 0.5, seed=1)
    outcomes = []
    for _ in range(20):
        try:
            outcomes.append(await bot.send_chat_action(USER, "typing"))
        except NetworkError:
            outcomes.append(False)
    assert 0 < outcomes.count(False) < 20
    emu.fail_ratio("sendChatAction", 500, 0)
    assert await bot.send_chat_action(USER, "typing") is True


async def test_hung_answer_times_out_although_the_message_arrived(emu: Emulator, bot: Bot):
    emu.hang_next("sendMessage", 30)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "hello", read_timeout=0.2)
    assert [m["text"] for m in emu.messages(USER)] == ["hello"]


async def test_unknown_method_is_recorded_and_answered_404(emu: Emulator, bot: Bot):
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("fooBar")
    assert emu.unknown_methods == ["fooBar"]


async def test_unknown_parameter_is_ignored_but_recorded(emu: Emulator, bot: Bot):
    await bot.send_message(USER, "hello", api_kwargs={"colour": "blue"})
    assert emu.unknown_params == [("sendMessage", "colour")]


async def test_overall_rate_limit_refuses_the_31st_send_in_a_second(monkeypatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    now = [100.0]
    async with Emulator(rate_limits=True, clock=lambda: now[0]) as emu:
        for user in range(1, 32):
            emu.add_user(user)
        async with Bot(emu.token, base_url=emu.base_url) as client:
            for user in range(1, 31):
                await client.send_message(user, "hi")
            with pytest.raises(RetryAfter):
                await client.send_message(31, "hi")
            now[0] += 1.0  # the window slides on
            await client.send_message(31, "hi")
        assert emu.stats["too_many_requests"] == 1 and emu.stats["sent"] == 31


async def test_paid_broadcasts_pass_the_free_limit_up_to_the_paid_one(monkeypatch):
    """allow_paid_broadcast: up to 1000 a second (here 40) in all, paid and free together."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    now = [100.0]
    async with Emulator(rate_limits=True, paid_per_second=40, clock=lambda: now[0]) as emu:
        for user in range(1, 42):
            emu.add_user(user)
        async with Bot(emu.token, base_url=emu.base_url) as client:
            for user in range(1, 31):
                await client.send_message(user, "hi")
            with pytest.raises(RetryAfter):
                await client.send_message(31, "hi")  # the free limit holds without the flag
            for user in range(31, 41):
                await client.send_message(user, "hi", allow_paid_broadcast=True)
            with pytest.raises(RetryAfter):
                await client.send_message(41, "hi", allow_paid_broadcast=True)
            now[0] += 1.0
            await client.send_message(41, "hi", allow_paid_broadcast=True)
        assert (emu.stats["sent"], emu.stats["paid_sent"]) == (41, 11)
        assert emu.stats["too_many_requests"] == 2


async def test_second_send_to_one_chat_within_a_second_is_refused(monkeypatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    now = [100.0]
    async with Emulator(rate_limits=True, clock=lambda: now[0]) as emu:
        emu.add_user(USER)
        async with Bot(emu.token, base_url=emu.base_url) as client:
            await client.send_message(USER, "one")
            now[0] += 0.5
            with pytest.raises(RetryAfter) as caught:
                await client.send_message(USER, "two")
            assert caught.value.retry_after == dtm.timedelta(seconds=1)


# ---- getUpdates


async def test_get_updates_offset_drops_confirmed_updates(emu: Emulator, bot: Bot):
    await emu.send_text(USER, "one")
    await emu.send_text(USER, "two")
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [1, 2]
    assert await bot.get_updates(offset=3) == ()
    await emu.send_text(USER, "three")
    assert [u.message.text for u in await bot.get_updates()] == ["three"]


# Well under the polls' own 60 s, so a poll that ran out its timeout instead of answering
# fails; and far above what answering takes, even on a loaded machine (2 s once was not).
QUICK = 20


async def test_long_poll_returns_when_an_update_arrives(emu: Emulator, bot: Bot):
    poll = asyncio.create_task(bot.get_updates(timeout=60, read_timeout=70))
    await emu.wait_for_call("getUpdates", after=1)
    await emu.send_text(USER, "wake up")
    updates = await asyncio.wait_for(poll, QUICK)
    assert updates[0].message.text == "wake up"


async def test_a_second_instance_ends_the_first_poll_with_conflict(emu: Emulator, bot: Bot):
    first = asyncio.create_task(bot.get_updates(timeout=60, read_timeout=70))
    await emu.wait_for_call("getUpdates", after=1)
    async with Bot(emu.token, base_url=emu.base_url) as twin:  # PTB polls on one connection
        second = asyncio.create_task(twin.get_updates(timeout=60, read_timeout=70))
        with pytest.raises(Conflict):
            await asyncio.wait_for(first, QUICK)
        await emu.send_text(USER, "hi")
        assert len(await asyncio.wait_for(second, QUICK)) == 1


async def test_stop_releases_a_parked_long_poll(emu: Emulator, bot: Bot):
    poll = asyncio.create_task(bot.get_updates(timeout=60, read_timeout=70))
    await emu.wait_for_call("getUpdates", after=1)
    await asyncio.wait_for(emu.stop(), QUICK)
    assert await asyncio.wait_for(poll, QUICK) == ()


async def test_raw_update_and_default_allowed_updates(emu: Emulator, bot: Bot):
    emu.add_update({"chat_member": {"chat": {"id": -5, "type": "group", "title": "G"}}})
    emu.add_update(
        {
            "channel_post": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": -100, "type": "channel", "title": "C"},
                "text": "news",
            }
        }
    )
    updates = await bot.get_updates()
    assert [u.channel_post.text for u in updates] == ["news"]  # chat_member is opt-in
    await bot.send_message(-100, "reply to channel")


# ---- files and other params


async def test_user_document_downloads_through_get_file(emu: Emulator, bot: Bot):
    sent = await emu.send_document(USER, "notes.txt", b"tension 3", "text/plain")
    file = await bot.get_file(sent["document"]["file_id"])
    assert await file.download_as_bytearray() == bytearray(b"tension 3")


async def test_bot_photo_and_document_keep_their_bytes(emu: Emulator, bot: Bot):
    photo = await bot.send_photo(USER, png(640, 480), caption="chart")
    assert (photo.photo[-1].width, photo.photo[-1].height) == (640, 480)
    document = await bot.send_document(USER, b"%PDF-1.4", filename="report.pdf")
    assert document.document.file_name == "report.pdf"
    stored = emu.messages(USER)
    assert stored[0]["_content"] == png(640, 480) and stored[0]["caption"] == "chart"
    assert stored[1]["_content"] == b"%PDF-1.4"
    again = await bot.send_photo(USER, photo.photo[-1].file_id)  # resend by file_id
    assert again.photo[-1].file_id == photo.photo[-1].file_id


async def test_user_content_kinds_reach_the_bot(emu: Emulator, bot: Bot):
    await emu.send_sticker(USER)
    await emu.send_photo(USER)
    await emu.send_location(USER, 52.5, 13.4)
    await emu.edit_text(USER, (await emu.send_text(USER, "typo"))["message_id"], "fixed")
    updates = await bot.get_updates()
    assert updates[0].message.sticker.emoji == "😀"
    assert updates[1].message.photo[-1].width == 800
    assert updates[2].message.location.latitude == 52.5
    assert updates[3].message.text == "typo"  # queued before the edit
    assert updates[4].edited_message.text == "fixed"


async def test_json_get_and_case_insensitive_method_names(emu: Emulator):
    url = f"{emu.base_url}{emu.token}"
    async with httpx.AsyncClient() as client:
        by_json = await client.post(f"{url}/SENDMESSAGE", json={"chat_id": USER, "text": "42"})
        by_query = await client.get(f"{url}/sendMessage", params={"chat_id": USER, "text": "hi"})
    assert by_json.json()["result"]["text"] == "42"  # a numeric-looking text stays text
    assert by_query.json()["ok"] is True


async def test_commands_and_callback_answers(emu: Emulator, bot: Bot):
    assert await bot.set_my_commands([("today", "Today's practice")]) is True
    assert emu.commands == [{"command": "today", "description": "Today's practice"}]
    assert [c.command for c in await bot.get_my_commands()] == ["today"]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Today", "capital letters are refused")])
    sent = await bot.send_message(USER, "pick", reply_markup=KEYBOARD)
    query_id = await emu.press(USER, sent.message_id, "stop")
    assert await bot.answer_callback_query(query_id, text="ok") is True
    with pytest.raises(BadRequest, match=r"(?i)Query is too old"):
        await bot.answer_callback_query(query_id)


async def test_delete_and_wait_until(emu: Emulator, bot: Bot):
    sent = await bot.send_message(USER, "bye")
    assert await bot.delete_message(USER, sent.message_id) is True
    await emu.wait_until(lambda: emu.messages(USER)[0].get("_deleted") is True)
    with pytest.raises(BadRequest, match=r"(?i)Message to delete not found"):
        await bot.delete_message(USER, sent.message_id)
    assert emu.drain(USER) == emu.messages(USER)
    assert emu.drain(USER) == []
