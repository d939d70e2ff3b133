"""Updates: 100 people checking in at once, end to end through the real bot and SQLite.

Run: .venv/bin/python bench/updates.py [--quick] [--users 100] [--seconds 20]
     [--paced-only [--floor]] [--profile out.pstats] [--sql]

The people live in the emulator's process (bench/common.py EmulatorProcess, limits off) and
go through the check-in flow (bot/flows/checkin.py) again and again: /checkin, the tension
keypad (a button, or the number typed), pain typed or tapped (0-3: no safety follow-up),
"Nowhere", "Fully", "Skip the note", then /checkin again and "Edit today's" to start over.
Each action is one update; its latency runs from the moment the update is queued at the
emulator (getUpdates returns it) to the moment the bot's answer message reaches the emulator
(after the bot stored the answer in SQLite). In the paced load people start spread over the
first pause; the first 2 s of each load (first /checkin of everyone, new connections) are
left out of the percentiles and reported apart. The bot runs in this process, alone, with
pacing off (max_per_second=None): the emulator enforces no limits, and 300 answers a second
are far above the 30 a second Telegram allows for bulk sends anyway. Besides latency and CPU
an update it reports the Bot API calls the bot made per update, by method.

Loads: `saturated` (nobody waits between actions: the most updates a second the bot
handles) and `paced` (each person waits 0.27 s on average between actions, an offered load
of about 350 updates a second: the goals apply there), both with BOT_HTTP_CLIENT=aiohttp and
the default BOT_CONCURRENT_UPDATES (bot/concurrency.py: chats at once, each chat in order).
`paced_floor` is the paced load on PTB alone (bare_application): the same calls a step
through the same HTTP client, none of the bot's own work. It is the least CPU an update can
cost while PTB parses the updates and makes the calls, on this machine. For comparison, the
paced load again with PTB's default client (httpx) and with one update at a time
(BOT_CONCURRENT_UPDATES=1, as the bot was before). Each CPU figure says how busy the whole
machine was meanwhile: on a virtual machine the host's "steal" slows everything.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import random
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    EmulatorProcess,
    Report,
    bench_settings,
    count_rows,
    cpu_ticks,
    fresh_db,
    generate_subscribers,
    machine_busy,
    percentile,
    print_machine,
    quiet_logging,
)

from bot.app import add_startup_hook, build_application, freeze_long_lived, polling
from bot.clock import Clock
from bot.store import to_db

FIRST_USER = 40_000_000
WARMUP = 2.0  # seconds at the start of a load left out of the latency percentiles
NOT_ANSWERS = {"getUpdates", "getMe", "deleteWebhook", "setMyCommands", "setWebhook", "close"}


# ---------------------------------------------------------------------------- in the emulator
def _choose(message: dict[str, Any], rng: random.Random) -> tuple[str, str]:
    """The next action for a person who just got `message`: ("press", data) or ("text", s)."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    datas = [button.get("callback_data", "") for row in rows for button in row]
    for data in datas:
        parts = data.split(":")
        if parts[0] == "ci" and len(parts) == 4:
            prefix = ":".join(parts[:3])
            code = parts[2]
            if code in ("t", "p"):
                value = str(rng.randint(3, 8) if code == "t" else rng.randint(0, 3))
                return ("text", value) if rng.random() < 0.5 else ("press", f"{prefix}:{value}")
            choice = {"a": "none", "c": "full", "n": "skip", "e": "edit"}.get(code)
            if choice and f"{prefix}:{choice}" in datas:
                return "press", f"{prefix}:{choice}"
    if "sf:no" in datas:
        return "press", "sf:no"
    return "text", "/checkin"


def _notifying_feeds(emulator: Any, users: list[int]) -> dict[int, Any]:
    """Each person's feed of bot messages wakes only that person: the emulator's own
    next_message wakes every waiter on every call, which with 100 people would make the
    simulated people, not the bot, the bottleneck."""
    from emulator.state import _Feed

    class NotifyingFeed(_Feed):
        __slots__ = ("event",)

        def __init__(self, limit: int | None) -> None:
            super().__init__(limit)
            self.event = asyncio.Event()

        def append(self, item: dict[str, Any]) -> None:
            super().append(item)
            self.event.set()

    feeds = {}
    for user_id in users:
        chat = emulator._chats[user_id]
        chat.sent = feeds[user_id] = NotifyingFeed(chat.limit)
    return feeds


async def _next(feed: Any, timeout: float) -> dict[str, Any]:
    async def arrived() -> None:
        while feed.cursor >= feed.total:
            feed.event.clear()
            await feed.event.wait()

    await asyncio.wait_for(arrived(), timeout)
    return feed.take(1)[0]


async def drive(
    emulator: Any, users: list[int], seconds: float, think: float, seed: int
) -> dict[str, Any]:
    """Runs the people for `seconds`; returns latencies (s) and counts. In the emulator."""
    loop = asyncio.get_running_loop()
    feeds = _notifying_feeds(emulator, users)
    stop_at = loop.time() + seconds
    latencies: list[float] = []
    starts: list[float] = []  # when each action was made, seconds into the run
    counts = {"actions": 0, "extra_messages": 0, "timeouts": 0, "typed": 0, "pressed": 0}
    started = time.perf_counter()

    async def person(user_id: int, rng: random.Random) -> None:
        message: dict[str, Any] = {}
        if think:  # people arrive spread over a pause, not all in the same millisecond
            await asyncio.sleep(rng.uniform(0, 2 * think))
        while loop.time() < stop_at:
            kind, value = _choose(message, rng)
            t0 = time.perf_counter()
            if kind == "text":
                await emulator.send_text(user_id, value)
                counts["typed"] += 1
            else:
                await emulator.press(user_id, message["message_id"], value)
                counts["pressed"] += 1
            try:
                message = await _next(feeds[user_id], timeout=30)
            except TimeoutError:
                counts["timeouts"] += 1
                message = {}
                continue
            latencies.append(time.perf_counter() - t0)
            starts.append(t0 - started)
            counts["actions"] += 1
            extra = feeds[user_id].take(100)  # a second message would be a flow surprise
            if extra:
                counts["extra_messages"] += len(extra)
                message = extra[-1]
            if think:
                await asyncio.sleep(rng.expovariate(1.0 / think))

    master = random.Random(seed)
    await asyncio.gather(*(person(u, random.Random(master.random())) for u in users))
    return {
        "latencies": latencies,
        "starts": starts,
        "counts": counts,
        "seconds": time.perf_counter() - started,
    }


# ---------------------------------------------------------------------------- in the bot process
def bare_application(emulator: Any, concurrent: int) -> Any:
    """PTB alone, for the floor: the same people and the same Bot API calls a step as the
    bot makes (a tap: answer it, edit the tapped message, send the next question; a typed
    answer: take the keyboard off the question, send the next), through the same HTTP client
    and request building (bot/request.py, the limiter's direct_post with pacing off), with no
    store, no texts, no keyboard ledger and two handlers. What the bot costs above this is
    ours; this much is PTB's and the HTTP client's."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
    from telegram.ext import ApplicationBuilder, CallbackQueryHandler, MessageHandler, filters

    from bot.concurrency import PerChatUpdateProcessor
    from bot.ratelimit import PacedRateLimiter
    from bot.request import AiohttpRequest

    buttons = [InlineKeyboardButton(str(v), callback_data=f"ci:1:t:{v}") for v in range(11)]
    keypad = InlineKeyboardMarkup([buttons[:6], buttons[6:]])  # 0-10, as the bot's keypad
    asked: dict[int, int] = {}  # chat -> message id of the question on screen

    async def typed(update: Update, context: Any) -> None:
        chat = update.effective_chat.id  # type: ignore[union-attr]
        if chat in asked:
            await context.bot.edit_message_reply_markup(chat, asked[chat], reply_markup=None)
        sent = await context.bot.send_message(chat, "Pain now, 0 to 10?", reply_markup=keypad)
        asked[chat] = sent.message_id

    async def tapped(update: Update, context: Any) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        chat = query.message.chat.id
        await query.answer()
        await context.bot.edit_message_text("Tension: 5", chat, query.message.message_id)
        sent = await context.bot.send_message(chat, "Pain now, 0 to 10?", reply_markup=keypad)
        asked[chat] = sent.message_id

    application = (
        ApplicationBuilder()
        .token(emulator.token)
        .base_url(emulator.base_url)
        .base_file_url(emulator.base_file_url)
        .request(AiohttpRequest(connection_pool_size=8))
        .get_updates_request(AiohttpRequest(connection_pool_size=2, read_timeout=40))
        .concurrent_updates(PerChatUpdateProcessor(concurrent))
        .rate_limiter(PacedRateLimiter(per_second=None))
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, typed))
    application.add_handler(CallbackQueryHandler(tapped))
    return application


def make_db(n: int, now: datetime) -> Path:
    path = fresh_db("updates.db")
    later = now + timedelta(hours=12)  # no reminder falls due during the bench
    rows = ((FIRST_USER + i, "Europe/Berlin", "07:30", later) for i in range(n))
    generate_subscribers(path, rows, created=now, summary_weekday=(now.weekday() + 3) % 7)
    # A safety screen answered today: no weekly screen question interrupts the check-ins.
    import sqlite3

    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE subscribers SET last_screen_utc = ?", (to_db(now),))
    return path


async def run(
    users: int,
    seconds: float,
    think: float,
    label: str,
    report: Report,
    goals: bool,
    http: str = "aiohttp",
    concurrent: int | None = None,
    profile: str = "",
    floor: bool = False,
    sql: bool = False,
) -> None:
    now = datetime.now(UTC)
    db = make_db(users, now)
    ids = list(range(FIRST_USER, FIRST_USER + users))
    with EmulatorProcess(rate_limits=False, history_limit=8) as emulator:
        emulator.add_users(ids)
        settings = bench_settings(emulator, db, max_per_second=None, http_client=http)
        if concurrent is not None:
            settings = replace(settings, concurrent_updates=concurrent)
        if floor:
            application = bare_application(emulator, settings.concurrent_updates)
        else:
            application = build_application(settings, clock=Clock())
            add_startup_hook(application, freeze_long_lived)  # as `python -m bot run` does
        async with polling(application, poll_timeout=10):
            await asyncio.sleep(0.5)  # the first tick and the first long poll
            emulator_cpu0 = (await emulator.acall("stats"))["cpu_seconds"]
            statements = _count_statements(application) if sql else None
            profiler = cProfile.Profile(time.process_time) if profile else None
            cpu0, ticks0 = time.process_time(), cpu_ticks()
            if profiler is not None:  # where the bot's CPU goes (cProfile adds its own cost)
                profiler.enable()
            result = await emulator.acall("run", "updates:drive", ids, seconds, think, 7)
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(profile)
            cpu = time.process_time() - cpu0
            shares = machine_busy(ticks0)
        stats = emulator.stats()
    emulator_cpu = stats["cpu_seconds"] - emulator_cpu0
    # The first WARMUP seconds (everyone's first /checkin, new connections) are left out of
    # the percentiles and shown apart.
    timed = list(zip(result["starts"], result["latencies"], strict=True))
    lat = [late for start, late in timed if start >= WARMUP] or result["latencies"]
    warm = [late for start, late in timed if start < WARMUP]
    counts = result["counts"]
    # Handled a second once running: updates made after the warm-up, over that time.
    steady = [start for start, _ in timed if start >= WARMUP]
    rate = len(steady) / (max(steady) - WARMUP) if len(steady) > 1 else 0.0
    checkins = count_rows(db, "SELECT COUNT(*) FROM checkins")
    answered = count_rows(db, "SELECT COUNT(*) FROM checkins WHERE tension IS NOT NULL")
    print(
        f"{label} (BOT_HTTP_CLIENT={http}, BOT_CONCURRENT_UPDATES="
        f"{settings.concurrent_updates}): {counts['actions']} updates in {result['seconds']:.1f} s "
        f"({counts['typed']} typed, {counts['pressed']} button presses); "
        f"{stats['methods'].get('sendMessage', 0)} messages sent, "
        f"{stats['methods'].get('editMessageReplyMarkup', 0)} keyboards edited; "
        f"{checkins} check-in rows, {answered} with a tension rating",
        flush=True,
    )
    report.figure(
        f"updates.{label}.rate",
        rate,
        "updates/s",
        goal=">= 300 updates/s" if goals else None,
        ok=rate >= 300 if goals else None,
        note=f"{users} people"
        + (f", ~{think:g} s between actions" if think else ", no pause between actions"),
    )
    p99 = percentile(lat, 99) * 1000
    report.figure(f"updates.{label}.latency.p50", percentile(lat, 50) * 1000, "ms")
    report.figure(
        f"updates.{label}.latency.p99",
        p99,
        "ms",
        goal="<= 50 ms" if goals else None,
        ok=p99 <= 50 if goals else None,
        note=f"max {max(lat) * 1000:.0f} ms; the first {WARMUP:g} s left out: {len(warm)} "
        f"updates, max {max(warm, default=0) * 1000:.0f} ms",
    )
    report.figure(
        f"updates.{label}.cpu_per_update",
        1000 * cpu / max(counts["actions"], 1),
        "ms",
        note=f"bot process CPU {cpu:.1f} s; the emulator and the people's "
        f"process {emulator_cpu:.1f} s, over {result['seconds']:.1f} s; {shares}",
    )
    # Calls the bot made to answer people (polling and start-up left out), per update.
    answering = {m: n for m, n in stats["methods"].items() if m not in NOT_ANSWERS}
    report.figure(
        f"updates.{label}.api_calls_per_update",
        sum(answering.values()) / max(counts["actions"], 1),
        "calls",
        note=", ".join(f"{m} {n}" for m, n in sorted(answering.items())),
    )
    if statements is not None:
        _print_statements(statements, counts["actions"])
    clean = counts["timeouts"] == 0 and counts["extra_messages"] == 0
    report.check(
        f"updates.{label}.every_update_answered_once",
        clean,
        f"timeouts {counts['timeouts']}, unexpected extra messages {counts['extra_messages']}",
    )


def _count_statements(application: Any) -> dict[str, int]:
    """Counts the SQL statements the bot's store runs from now on, by shape: sqlite3 hands
    the trace the statement with its values filled in, so they are blanked (no health data
    printed, and one line per statement rather than per value)."""
    import re

    from bot.runtime import runtime_of

    values = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")

    statements: dict[str, int] = {}
    store = runtime_of(application).store
    if store is not None:

        def traced(sql: str) -> None:
            shape = values.sub("?", " ".join(sql.split()))[:110]
            statements[shape] = statements.get(shape, 0) + 1

        store.db.conn.set_trace_callback(traced)
    return statements


def _print_statements(statements: dict[str, int], updates: int) -> None:
    total = sum(statements.values())
    print(f"SQL statements: {total} over {updates} updates, "
          f"{total / max(updates, 1):.2f} an update; the most run:")  # fmt: skip
    for shape, n in sorted(statements.items(), key=lambda item: -item[1])[:15]:
        print(f"  {n / max(updates, 1):5.2f}  {shape}")


async def main(args: argparse.Namespace) -> int:
    quiet_logging("updates")
    report = Report("updates")
    print_machine()
    seconds = 5.0 if args.quick else args.seconds
    print(f"-- {args.users} people checking in, {seconds:g} s per load", flush=True)
    if args.paced_only or args.profile:
        await run(args.users, seconds, args.think, "paced", report, True, profile=args.profile,
                  sql=args.sql)  # fmt: skip
        if args.floor:
            await run(args.users, seconds, args.think, "paced_floor", report, False, floor=True,
                      profile=args.profile and args.profile + ".floor")  # fmt: skip
        return report.summary()
    await run(args.users, seconds, 0.0, "saturated", report, goals=False)
    await run(args.users, seconds, args.think, "paced", report, goals=True)
    await run(args.users, seconds, args.think, "paced_floor", report, False, floor=True)
    if not args.quick:
        # For comparison: PTB's default HTTP client, and one update at a time (as before).
        await run(args.users, seconds, args.think, "paced_httpx", report, False, http="httpx")
        await run(args.users, seconds, args.think, "paced_one_at_a_time", report, False,
                  concurrent=1)  # fmt: skip
    return report.summary()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 s per load")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--think",
        type=float,
        default=0.27,
        help="mean pause between a person's actions in the paced load (s)",
    )
    parser.add_argument("--paced-only", action="store_true", help="only the paced load")
    parser.add_argument("--profile", default="", help="cProfile the paced load into this file")
    parser.add_argument(
        "--sql", action="store_true", help="count the SQL statements of the paced load"
    )
    parser.add_argument(
        "--floor", action="store_true", help="with --paced-only: the floor load too"
    )
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(asyncio.run(main(parser.parse_args())))
