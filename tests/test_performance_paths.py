"""The performance work keeps behaviour: aiohttp requests, pacing after stalls, engine refills.

See README "Benchmarks" for why each exists; here each is held to what it must not change.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import random
import time
from collections import deque
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import quote_plus as urllib_quote_plus
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from telegram import (
    Bot,
    CallbackGame,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaPhoto,
    LinkPreviewOptions,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.app import add_startup_hook, build_application, freeze_long_lived, polling
from bot.concurrency import PerChatUpdateProcessor
from bot.config import ConfigError, Settings
from bot.keyboards import button_kind, signature
from bot.ratelimit import PENDING_EXPIRY, PREPACED, WINDOW_MARGIN, PacedRateLimiter
from bot.request import (
    AiohttpRequest,
    ObservedAiohttpRequest,
    ObservedHTTPXRequest,
    _form_of,
    direct_post,
    form_encode,
    plain_keyboard,
    quote_plus,
)
from bot.sender import SCHEDULE_BATCH, Engine, first_tick_delay
from bot.store import Status, from_db, to_db
from tests.harness import Harness
from tests.store_rows import set_columns

# ---------------------------------------------------------------------------- settings


def test_the_http_client_and_update_concurrency_come_from_the_environment():
    settings = Settings.from_env({"BOT_HTTP_CLIENT": " AIOHTTP ", "BOT_CONCURRENT_UPDATES": "8"})
    assert (settings.http_client, settings.concurrent_updates) == ("aiohttp", 8)
    defaults = Settings.from_env({})
    assert (defaults.http_client, defaults.concurrent_updates) == ("httpx", 32)


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"BOT_HTTP_CLIENT": "requests"}, "BOT_HTTP_CLIENT"),
        ({"BOT_CONCURRENT_UPDATES": "0"}, "BOT_CONCURRENT_UPDATES"),
        ({"BOT_CONCURRENT_UPDATES": "many"}, "BOT_CONCURRENT_UPDATES"),
    ],
    ids=["unknown-client", "zero-updates", "not-a-number"],
)
def test_a_bad_performance_setting_names_its_variable(environ, variable):
    with pytest.raises(ConfigError, match=variable):
        Settings.from_env(environ)


def test_the_application_is_wired_as_the_settings_say(settings):
    fast = build_application(replace(settings, http_client="aiohttp", concurrent_updates=4))
    assert isinstance(fast.bot.request, AiohttpRequest)
    assert isinstance(fast.update_processor, PerChatUpdateProcessor)
    assert fast.concurrent_updates == 4
    plain = build_application(replace(settings, http_client="httpx", concurrent_updates=1))
    assert not isinstance(plain.bot.request, AiohttpRequest)
    assert plain.concurrent_updates == 1


# ---------------------------------------------------------------------------- AiohttpRequest


@pytest.fixture
async def aio_bot(emulator):
    bot = Bot(
        emulator.token,
        base_url=emulator.base_url,
        base_file_url=emulator.base_file_url,
        request=AiohttpRequest(read_timeout=2),
        get_updates_request=AiohttpRequest(),
    )
    async with bot:
        yield bot


async def test_aiohttp_sends_what_httpx_sends(aio_bot, emulator):
    emulator.add_user(77)
    message = await aio_bot.send_message(77, "<b>Rest</b> &amp; breathe", parse_mode="HTML")
    assert message.text == "Rest & breathe"
    assert emulator.messages(77)[-1]["entities"][0]["type"] == "bold"
    assert emulator.unknown_params == []


@pytest.mark.parametrize(
    "request_class", [ObservedAiohttpRequest, ObservedHTTPXRequest], ids=["aiohttp", "httpx"]
)
async def test_our_own_keyboards_are_not_parsed_back_from_answers(emulator, request_class):
    """Sends and edits answer with the Message; its keyboard (ours) is dropped before PTB
    parses it, while the person sees it. A tap's update keeps its data and message, not the
    keyboard under it."""
    emulator.add_user(79)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("3", callback_data="ci:1:t:3")]])
    async with Bot(emulator.token, base_url=emulator.base_url, request=request_class(),
                   get_updates_request=request_class()) as bot:  # fmt: skip
        sent = await bot.send_message(
            79, "How <b>tense</b>?", parse_mode="HTML", reply_markup=keyboard
        )
        assert (sent.text, sent.message_id, sent.reply_markup) == ("How tense?", 1, None)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("4", callback_data="ci:1:t:4")]])
        edited = await bot.edit_message_reply_markup(79, sent.message_id, reply_markup=keyboard)
        assert edited.reply_markup is None
        assert emulator.messages(79)[-1]["reply_markup"]["inline_keyboard"][0][0]["text"] == "4"
        await emulator.press_button(79, emulator.messages(79)[-1], "4")
        [update] = await bot.get_updates()
        query = update.callback_query
        assert (query.data, query.message.message_id, query.message.text) == (
            "ci:1:t:4",
            sent.message_id,
            "How tense?",
        )
        assert query.message.reply_markup is None
        # Nor the formatting of our own text under it; the person's own messages keep theirs.
        assert emulator.messages(79)[-1]["entities"]
        assert (query.message.entities, query.message.link_preview_options) == ((), None)
        await emulator.send_text(79, "/checkin")
        [update] = await bot.get_updates(offset=update.update_id + 1)
        assert update.message.entities[0].type == "bot_command"


def test_plain_keyboards_are_what_ptb_would_send():
    keypad = [[InlineKeyboardButton(str(n), callback_data=f"ci:9:t:{n}") for n in range(11)]]
    link = [[InlineKeyboardButton("Read more", url="https://example.org/psoas")]]
    for rows in (keypad, link, keypad + link):
        markup = InlineKeyboardMarkup(rows)
        data = {"chat_id": 1, "reply_markup": markup}
        plain_keyboard(data)
        assert type(data["reply_markup"]) is dict
        assert data["reply_markup"] == markup.to_dict()


@pytest.mark.parametrize(
    "data",
    [
        {"chat_id": 42, "text": "Rest & breathe", "parse_mode": ParseMode.HTML},
        {"chat_id": "42", "message_id": 7, "reply_markup": {"inline_keyboard": [[{"text": "3",
            "callback_data": "ci:1:t:3"}]]}, "link_preview_options": LinkPreviewOptions(True)},
        {"callback_query_id": "9", "text": None, "show_alert": False, "cache_time": 0.5},
        {"chat_id": 1, "commands": [{"command": "help", "description": "Help"}]},
    ],
    ids=["text", "keyboard-and-link-preview", "answer", "list"],
)  # fmt: skip
def test_a_plain_request_has_the_form_ptb_would_send(data):
    ptb = RequestData([RequestParameter.from_input(k, v) for k, v in data.items()])
    assert _form_of(data) == ptb.json_parameters
    assert form_encode(_form_of(data)) == form_encode(ptb.json_parameters)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 11, 23, 6, 0, tzinfo=UTC),
        InputFile(b"day,pain\n", filename="history.csv"),
        [InputMediaPhoto(b"png")],
        {"nested": InputFile(b"x", filename="x.txt")},
        ReplyParameters(message_id=3),
    ],
    ids=["datetime", "file", "media", "file-in-a-dict", "ptb-object"],
)
def test_values_needing_ptbs_encoding_are_left_to_ptb(value):
    assert _form_of({"chat_id": 1, "value": value}) is None


async def test_the_direct_post_is_only_for_a_bot_and_still_reaches_the_emulator(emulator):
    async def not_a_bot(*args, **kwargs):
        return None

    assert direct_post(not_a_bot) is not_a_bot
    emulator.add_user(83)
    async with Bot(emulator.token, base_url=emulator.base_url) as bot:
        post = direct_post(bot._do_post)
        sent = await post("sendMessage", {"chat_id": 83, "text": "<b>Hi</b>", "parse_mode": "HTML"})
        assert sent["text"] == "Hi" and sent["entities"][0]["type"] == "bold"
        when = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # not plain: PTB's own way, same result
        assert await post("sendMessage", {"chat_id": 83, "text": "x", "v": when}) is not None
        with pytest.raises(BadRequest):  # errors come back as PTB's, from its wrapper
            await post("sendMessage", {"chat_id": 83, "text": ""})


def test_unusual_keyboards_are_left_to_ptb():
    game = InlineKeyboardMarkup([[InlineKeyboardButton("Play", callback_game=CallbackGame())]])
    data = {"reply_markup": game}
    plain_keyboard(data)
    assert data["reply_markup"] is game


async def test_aiohttp_uploads_and_downloads_files(aio_bot, emulator):
    emulator.add_user(78)
    sent = await aio_bot.send_document(78, b"day,pain\n1,3\n", filename="history.csv")
    assert sent.document.file_name == "history.csv"
    file = await aio_bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"day,pain\n1,3\n"


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, BadRequest), (403, Forbidden), (502, NetworkError), (500, NetworkError)],
    ids=["400", "403", "502-html", "500"],
)
async def test_aiohttp_errors_map_to_ptbs_exceptions(aio_bot, emulator, status, error):
    emulator.add_user(79)
    emulator.fail_next("sendMessage", status)
    with pytest.raises(error):
        await aio_bot.send_message(79, "hello")


async def test_aiohttp_reads_retry_after_from_a_429(aio_bot, emulator):
    emulator.add_user(80)
    emulator.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await aio_bot.send_message(80, "hello")
    assert caught.value.retry_after in (3, timedelta(seconds=3))


async def test_aiohttp_times_out_like_httpx(aio_bot, emulator):
    emulator.add_user(81)
    emulator.hang_next("sendMessage", 5)
    with pytest.raises(TimedOut):
        await aio_bot.send_message(81, "hello", read_timeout=0.2, write_timeout=0.1)


async def test_an_unreachable_server_is_a_network_error():
    request = AiohttpRequest(connect_timeout=1)
    bot = Bot("1:x", base_url="http://127.0.0.1:9/bot", request=request)
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await bot.get_me()
    finally:
        await request.shutdown()


async def test_a_request_before_initialize_is_refused():
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:9/bot1:x/getMe", "POST")


async def test_the_whole_bot_runs_on_aiohttp_and_concurrent_updates(settings, emulator, clock):
    fast = replace(settings, http_client="aiohttp", concurrent_updates=8)
    application = build_application(fast, clock=clock)
    async with polling(application, poll_timeout=1):
        bot = Harness(application, emulator, clock)
        for person in (4301, 4302, 4303):
            await emulator.send_text(person, "/start")
        for person in (4301, 4302, 4303):
            await bot.expect("time zone", person)
            await emulator.send_text(person, "Berlin")
        for person in (4301, 4302, 4303):
            await bot.expect("What time", person)


async def test_a_bot_run_from_the_command_line_keeps_its_long_lived_objects_out_of_the_gc(
    settings, emulator, clock
):
    """`python -m bot run` adds this hook: a full collection no longer walks PTB, aiohttp and
    the content (~40 ms each time, the tail of update latency)."""
    application = build_application(settings, clock=clock)
    add_startup_hook(application, freeze_long_lived)
    try:
        async with polling(application, poll_timeout=1):
            assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()  # the collector is the test process's


# ---------------------------------------------------------------------------- pacing


def _most_in_window(times: list[float], window: float) -> int:
    best, recent = 0, deque()
    for at in times:
        recent.append(at)
        while recent[0] <= at - window:
            recent.popleft()
        best = max(best, len(recent))
    return best


class Wire:
    """Bulk sends as the sender makes them: a slot first, then the request (recorded when it
    starts, as the server would see it)."""

    def __init__(self, limiter: PacedRateLimiter) -> None:
        self.limiter = limiter
        self.starts: list[float] = []
        self.by_chat: dict[int, list[float]] = {}

    async def send(self, chat: int, delay_after_slot: float = 0.0, arrives_after: float = 0.0):
        await self.limiter.acquire(chat)
        if delay_after_slot:
            await asyncio.sleep(delay_after_slot)  # e.g. a busy loop before the request

        async def request():
            if arrives_after:
                await asyncio.sleep(arrives_after)  # e.g. a new connection's handshake
            now = asyncio.get_running_loop().time()
            self.starts.append(now)
            self.by_chat.setdefault(chat, []).append(now)
            return True

        await self.limiter.process_request(
            request, (), {}, "sendMessage", {"chat_id": chat}, PREPACED
        )


async def test_pacing_holds_after_an_event_loop_stall():
    """A blocked loop makes slots overdue; they must not all leave at once afterwards."""
    wire = Wire(PacedRateLimiter(per_second=100))
    tasks = [asyncio.create_task(wire.send(n)) for n in range(250)]
    while len(wire.starts) < 30:  # pacing under way
        await asyncio.sleep(0)
    # The stimulus, not a wait: the loop blocked (a slow callback), 40 slots fall due meanwhile.
    time.sleep(0.4)
    await asyncio.gather(*tasks)
    assert len(wire.starts) == 250
    assert _most_in_window(sorted(wire.starts), 1.0) <= 100


async def test_a_late_request_does_not_let_the_next_ones_bunch_up():
    """The first request leaves 80 ms after its slot; a second later the window must still
    hold no more than the limit (the 429 seen at the start of a fan-out)."""
    wire = Wire(PacedRateLimiter(per_second=30))
    tasks = [asyncio.create_task(wire.send(0, delay_after_slot=0.08))]
    tasks += [asyncio.create_task(wire.send(n)) for n in range(1, 45)]
    await asyncio.gather(*tasks)
    assert _most_in_window(sorted(wire.starts), 1.0) <= 30


async def test_a_slow_request_counts_from_its_answer():
    """The server sees the first request 60 ms after it left (a new connection): the 31st
    must still arrive more than a second after it."""
    wire = Wire(PacedRateLimiter(per_second=30))
    tasks = [asyncio.create_task(wire.send(0, arrives_after=0.06))]
    tasks += [asyncio.create_task(wire.send(n)) for n in range(1, 45)]
    await asyncio.gather(*tasks)
    assert _most_in_window(sorted(wire.starts), 1.0) <= 30


async def test_one_chat_waits_a_second_between_bulk_sends():
    wire = Wire(PacedRateLimiter(per_second=1000))
    for _ in range(3):
        await wire.send(42)
    gaps = [b - a for a, b in itertools.pairwise(wire.by_chat[42])]
    assert all(gap >= 1.0 for gap in gaps)
    assert all(gap <= 1.0 + 2 * WINDOW_MARGIN + 0.05 for gap in gaps)


async def test_a_slot_never_used_stops_holding_its_place():
    limiter = PacedRateLimiter(per_second=5)
    for n in range(5):
        await limiter.acquire(n)  # five slots taken, no request ever made
    loop = asyncio.get_running_loop()
    assert limiter._window_wait(loop.time()) > 0
    assert limiter._window_wait(loop.time() + PENDING_EXPIRY + 0.1) == 0


async def test_unpaced_limiter_adds_no_wait():
    wire = Wire(PacedRateLimiter(per_second=None))
    loop = asyncio.get_running_loop()
    start = loop.time()
    for n in range(500):
        await wire.send(n)
    # Paced at 100 a second these would take 5 s; unpaced, milliseconds. The bound is loose
    # because a loaded CI machine is slow at anything (0.5 s once failed there).
    assert loop.time() - start < 2.5


# ---------------------------------------------------------------------------- the engine


def _make_due(bot: Harness, people: range, due: datetime) -> None:
    store = bot.store
    for person in people:
        bot.emu.add_user(person)
        store.ensure_subscriber(person, due)
        set_columns(
            store,
            person,
            due,
            status=Status.ACTIVE,
            zone="UTC",
            remind_at=due.strftime("%H:%M"),
            next_due_utc=due,
        )


async def test_a_fan_out_bigger_than_the_queue_needs_one_tick(bot):
    """Workers refill the queue as it drains, instead of waiting for the next tick."""
    people = range(60_000, 60_040)
    _make_due(bot, people, bot.clock.now())
    await bot.runtime.engine.stop()
    small = Engine(bot.application, bot.runtime.engine.wiring, queue_size=4)
    small.start()
    bot.runtime.engine = small
    report = await small.tick()
    await small.idle()
    assert report.scheduled == 40
    assert small.sent == 40
    assert all(len(bot.emu.messages(p)) == 1 for p in people)


async def test_scheduling_in_batches_schedules_everyone_once(bot):
    people = range(61_000, 61_000 + SCHEDULE_BATCH * 2 + 7)
    _make_due(bot, people, bot.clock.now())
    report = await bot.runtime.engine.tick()
    await bot.runtime.engine.idle()
    assert report.scheduled == len(people)
    reminders = [[d for d in bot.store.deliveries(p) if d.kind == "reminder"] for p in people]
    assert all(len(each) == 1 for each in reminders)
    assert bot.runtime.engine.sent == len(people)


@pytest.mark.parametrize(
    ("now", "interval", "delay"),
    [
        (datetime(2026, 1, 1, 6, 0, 0, tzinfo=UTC), 1, 1.05),
        (datetime(2026, 1, 1, 6, 0, 0, 700_000, tzinfo=UTC), 1, 0.35),
        (datetime(2026, 1, 1, 6, 0, 3, 0, tzinfo=UTC), 5, 2.05),
        (datetime(2026, 1, 1, 6, 0, 0, tzinfo=UTC), 3600, 0.1),
        (datetime(2026, 1, 1, 6, 0, 0, tzinfo=UTC), 0.2, 0.1),
    ],
    ids=["on-the-second", "mid-second", "five-seconds", "hourly-not-aligned", "fraction"],
)
def test_the_tick_lands_just_after_whole_seconds(now, interval, delay):
    assert first_tick_delay(now, interval) == pytest.approx(delay)


# ---------------------------------------------------------------------------- store


@pytest.mark.parametrize(
    "moment",
    [datetime(2026, 3, 29, 1, 0, 59, tzinfo=UTC), datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC)],
)
def test_timestamps_read_back_as_written(moment):
    assert from_db(to_db(moment)) == moment
    assert from_db(to_db(moment)).tzinfo is UTC


def test_a_timestamp_is_the_same_text_in_any_zone_and_naive_ones_fail():
    moment = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    berlin = moment.astimezone(ZoneInfo("Europe/Berlin"))
    assert to_db(moment) == to_db(berlin) == "2026-11-23T06:00:00Z"
    assert to_db(moment.replace(microsecond=999_999)) == "2026-11-23T06:00:00Z"  # cut, not rounded
    for naive in (moment.replace(tzinfo=None), berlin.replace(tzinfo=None)):
        with pytest.raises(ValueError, match="naive"):
            to_db(naive)


@pytest.mark.parametrize("text", ["2026-02-30T07:30:00Z", "2026-11-22T7:30:00ZZ", "yesterday"])
def test_a_malformed_timestamp_still_raises_value_error(text):
    with pytest.raises(ValueError):
        from_db(text)


# ---------------------------------------------------------------------------- form encoding


@pytest.mark.parametrize(
    "text",
    ["", " ", "a b&c=d+e%f", "Day 3 — rest ☺️ ▶️ 🧘", "line\nbreak\ttab", "ñandú/Ü?#[]@!$'()*,;"],
)
def test_form_encoding_matches_urllib(text):
    assert quote_plus(text) == urllib_quote_plus(text)
    params = {"chat_id": "42", "text": text, "reply_markup": '{"inline_keyboard": []}'}
    assert form_encode(params) == urlencode(params).encode()


def test_form_encoding_matches_urllib_on_random_text():
    rng = random.Random(3)
    for _ in range(500):
        text = "".join(
            chr(rng.choice([rng.randrange(128), rng.randrange(128, 0xD800)]))
            for _ in range(rng.randrange(30))
        )
        assert quote_plus(text) == urllib_quote_plus(text)


async def test_aiohttp_takes_proxies_from_the_environment_once(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    request = AiohttpRequest()
    await request.initialize()
    try:
        assert request._proxy("https://api.telegram.org/bot1:x/getMe") == (
            "http://proxy.example:3128"
        )
        assert request._proxy("https://internal.example/bot1:x/getMe") is None
        assert request._proxy("http://127.0.0.1:8081/bot1:x/getMe") is None  # no HTTP_PROXY
    finally:
        await request.shutdown()


# ---------------------------------------------------------------------------- lean sends


async def test_lean_sends_and_edits_make_the_same_requests_as_ptbs_methods(bot):
    """send_text, edit_text and edit_keyboard skip only PTB's parsing of the answer: the
    request (the bot's Defaults included) and the keyboard bookkeeping are the same."""
    from bot.flows.replies import edit_keyboard, edit_text, send_text

    ptb, emu, store = bot.application.bot, bot.emu, bot.store
    emu.add_user(81)
    keyboard = {"inline_keyboard": [[{"text": "3", "callback_data": "ci:1:t:3"}]]}

    def last_call() -> tuple[str, dict]:
        name, params = emu.calls[-1]
        return name, {k: v for k, v in params.items() if k != "message_id"}

    theirs = await ptb.send_message(81, "<b>How</b> tense?", reply_markup=keyboard)
    expected = last_call()
    ours = await send_text(ptb, 81, "<b>How</b> tense?", reply_markup=keyboard)
    assert last_call() == expected
    assert expected[1]["parse_mode"] == "HTML" and "link_preview_options" in expected[1]
    assert ours == theirs.message_id + 1
    assert store.keyboard_state(81, ours) is True
    assert emu.messages(81)[-1]["entities"][0]["type"] == "bold"

    await ptb.edit_message_text("Tension: 3/10", 81, theirs.message_id)
    expected = last_call()
    await edit_text(ptb, 81, ours, "Tension: 3/10")
    assert last_call() == expected
    assert "reply_markup" not in expected[1]  # the keyboard goes in the same edit
    assert store.keyboard_state(81, ours) is False
    assert emu.messages(81)[-1].get("reply_markup") is None

    for message_id in (theirs.message_id, ours):
        await ptb.edit_message_text("Again?", 81, message_id, reply_markup=keyboard)
    await ptb.edit_message_reply_markup(81, theirs.message_id)
    expected = last_call()
    await edit_keyboard(ptb, 81, ours, None)
    assert last_call() == expected
    assert store.keyboard_state(81, ours) is False

    with pytest.raises(BadRequest):  # Telegram's refusals still reach the caller
        await edit_text(ptb, 81, 9999, "Gone")


async def test_a_tapped_checkin_answer_costs_three_calls(bot):
    """A tap on the tension keypad: the tap answered, the question edited to show the answer
    with its buttons gone (one edit, not two), and the next question sent."""
    from tests.test_flow_checkin import start_checkin, subscribed

    await subscribed(bot)
    await bot.settle()
    question = await start_checkin(bot)
    before = len(bot.emu.calls)
    await bot.tap(question, "4")
    await bot.expect("pain")
    calls = [(name, params) for name, params in bot.emu.calls[before:] if name != "getUpdates"]
    assert sorted(name for name, _ in calls) == [
        "answerCallbackQuery",
        "editMessageText",
        "sendMessage",
    ]
    [edit] = [params for name, params in calls if name == "editMessageText"]
    assert int(edit["message_id"]) == question["message_id"]
    assert "4/10" in edit["text"] and "reply_markup" not in edit


def test_a_keyboards_signature_is_the_kinds_of_its_buttons_however_they_are_spelt():
    """signature() reads a keypad's kind once per shared stem; it must give what reading each
    button's kind would give, for any data (numbers, empty parts, one word)."""
    rng = random.Random(20)
    words = ["ci", "t", "p", "ob", "sf", "no", "-", "", "12", "-3", "0", "7x"]
    for _ in range(3000):
        data = [
            ":".join(rng.choice(words) for _ in range(rng.randint(1, 5)))
            for _ in range(rng.randint(1, 14))
        ]
        keyboard = {"inline_keyboard": [[{"text": "x", "callback_data": d} for d in data]]}
        expected = ",".join(sorted({button_kind(d) for d in data})) or None
        assert signature(keyboard) == expected, data
    keypad = [[InlineKeyboardButton(str(n), callback_data=f"ci:9:t:{n}") for n in range(11)]]
    back = [InlineKeyboardButton("Back", callback_data="ci:9:p:back")]
    assert signature(InlineKeyboardMarkup([*keypad, back])) == "ci:p,ci:t"
