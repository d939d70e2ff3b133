"""Lateness: a day of reminders for 100k subscribers, from due time to the send.

Run: .venv/bin/python bench/lateness.py [--quick] [--n 100000] [--speed 20] [--quiet 200]
     [--model-sizes 100000,1000000] [--skip-real]

Subscribers get realistic reminder times (bench/common.py realistic_times: 70% tap one of the
onboarding's nine time buttons, the rest type a time), in 22 weighted time zones; each falls
due once during the simulated day. The bot runs unchanged against the emulator (own process,
Telegram's limits on: 30 a sliding second, 429 beyond). Lateness = the moment the send
finished (Engine.deliver returned) - the due time. Two parts:

1. The whole day, compressed: the clock runs `speed` times faster than real time and every
   rate is scaled by the same factor (the tick every 1/speed s, the pacer at 30*speed/s, the
   emulator's flood limit at 30*speed a sliding second): 30 messages per simulated second,
   as in production, while any real delay (CPU, HTTP, SQLite, a busy machine) counts `speed`
   times over. When nothing is due, queued or in flight, the clock jumps to the tick that
   will find the next due reminder. Figures in simulated seconds: overall p50/p99, how long
   the busiest second takes, and lateness beyond a perfect sender at exactly 30/s in due
   order (the rate limit's own floor; the bot paces at 30 in any 1.03 s, 29.1/s, the margin
   that keeps it free of 429s, so a long backlog drifts ~3% behind that floor).
2. Due load under the rate limit, in real time (no scaling, nothing amplified): `quiet` due
   seconds of the same day that hold at most 30 reminders with no backlog before them (a
   perfect 30/s sender is done with everything earlier), replayed at 1x with the clock
   jumping between them. The goal (p99 <= 2 s) applies here.

In both, the engine's tick runs just after each whole (simulated) second, TICK_OFFSET later,
as the production tick job does (bot/sender.py first_tick_delay); the bench calls
Engine.tick() itself because the job's timer runs in real seconds.

Part 1 runs twice, side by side: today's engine (BOT_EARLY_MINUTES=0: nothing leaves before
its instant) and the new one (a crowded instant starts early, bot/sendwindow.py). Deviation =
send - chosen time, negative when early; figures of |deviation| and of lateness alone.

3. The rate physics alone (a model, no HTTP, no CPU in the figures): the same day for each of
   `--model-sizes`, with the engine's release rule (bot/sendwindow.py, the same functions) and
   its pacing (30 in any 1.03 s; with paid broadcasts up to 1,000 in any 1.03 s while more
   than 5 s of free sending waits), ticks every second. A million subscribers' day at 30/s
   is 9 hours of sending: too long to replay through HTTP on a shared machine, so 1M is
   modelled; part 1 measures the real engine at 100k to check the model against.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    EmulatorProcess,
    Report,
    bench_settings,
    count_rows,
    fresh_db,
    generate_subscribers,
    percentile,
    print_machine,
    quiet_logging,
    realistic_times,
)

from bot import schedule, sendwindow
from bot.app import build_application, polling
from bot.clock import Clock
from bot.ratelimit import WINDOW_MARGIN
from bot.sender import EARLY_BUFFER_SECONDS, PAID_AFTER_SECONDS, TICK_OFFSET
from bot.store import to_db

FIRST_CHAT = 30_000_000
RATE = 30.0  # Telegram's bulk limit, messages per (simulated) second


class FastClock(Clock):
    """Simulated time: `speed` times real time from a start instant; can jump forward."""

    def __init__(self, start: datetime, speed: float) -> None:
        self.speed = speed
        self._base = start
        self._real = time.monotonic()

    def now(self) -> datetime:
        return self._base + timedelta(seconds=(time.monotonic() - self._real) * self.speed)

    def jump_to(self, moment: datetime) -> None:
        if moment > self.now():
            self._base, self._real = moment, time.monotonic()


def day_of_reminders(n: int, day_start: datetime) -> list[tuple[int, str, str, datetime]]:
    """(chat, zone, HH:MM, due) for n people; the day is [day_start, day_start + 24 h)."""
    rows = []
    for index, (zone, at) in enumerate(realistic_times(n, seed=11)):
        due = schedule.next_due_utc(
            dtime.fromisoformat(at), schedule.zone(zone), day_start - timedelta(seconds=1)
        )
        rows.append((FIRST_CHAT + index, zone, at, due))
    return rows


def ideal_lateness(dues: list[datetime]) -> dict[datetime, list[float]]:
    """Per due instant, the lateness a perfect 30/s sender (due order) gives each reminder."""
    out: dict[datetime, list[float]] = {}
    free = None  # when the perfect sender can send next
    step = 1.0 / RATE
    for due in sorted(dues):
        at = due if free is None or free <= due else free
        out.setdefault(due, []).append((at - due).total_seconds())
        free = at + timedelta(seconds=step)
    return out


async def simulate(
    name: str,
    rows: list,
    counted: set[datetime],
    day_start: datetime,
    speed: float,
    early: timedelta = timedelta(0),
) -> dict:
    """Runs the bot over `rows` (subscribers) until every reminder due at an instant in
    `counted` has been sent; returns lateness per reminder (simulated seconds) and counts."""
    db = fresh_db(f"lateness-{name}.db")
    generate_subscribers(
        db, iter(rows), created=day_start, summary_weekday=(day_start.weekday() + 3) % 7
    )
    expected = sum(1 for row in rows if row[3] in counted)
    clock = FastClock(min(row[3] for row in rows) - timedelta(minutes=5), speed)
    lateness: list[tuple[datetime, float]] = []
    chats = [row[0] for row in rows if row[3] in counted]
    with EmulatorProcess(rate_limits=True, overall_per_second=int(RATE * speed)) as emulator:
        emulator.add_users(chats)
        emulator.call("lean_flood_bookkeeping")
        # The bench drives the ticks itself, in simulated seconds (below); the job sleeps.
        settings = bench_settings(
            emulator,
            db,
            tick_seconds=3600,
            max_per_second=RATE * speed,
            http_client="aiohttp",
            early_window=early,  # in simulated time, as the engine reads the FastClock
        )
        application = build_application(settings, clock=clock)
        real_start = time.perf_counter()
        jumps = ticks = 0
        give_up = max(counted) + settings.grace  # later than this is skipped anyway
        async with polling(application, poll_timeout=10):
            runtime = application.bot_data["runtime"]
            engine, store = runtime.engine, runtime.store
            deliver = engine.deliver

            async def timed_deliver(delivery):
                await deliver(delivery)
                if delivery.due_utc in counted:
                    late = (clock.now() - delivery.due_utc).total_seconds()
                    lateness.append((delivery.due_utc, late))

            engine.deliver = timed_deliver
            # The engine centres an instant with its sending rate per clock second: the clock
            # runs `speed` times faster and the pacer alike, so per simulated second it is 30.
            engine.send_rate = lambda: RATE / (1 + WINDOW_MARGIN)
            last_progress = time.perf_counter()
            offset = timedelta(seconds=TICK_OFFSET)
            next_tick = _next_tick(clock.now())
            while len(lateness) < expected and clock.now() < give_up:
                if time.perf_counter() - last_progress > 30:
                    last_progress = time.perf_counter()
                    print(f"  ... {len(lateness)} sent, simulated {clock.now():%H:%M:%S}",
                          flush=True)  # fmt: skip
                if not engine._queued and engine.queue.empty():
                    # Idle: skip to the tick that will find the next due reminder, or start
                    # the next crowded instant early.
                    following = _next_event(store, early, RATE / (1 + WINDOW_MARGIN))
                    if following is not None and following + offset > next_tick:
                        next_tick = _next_tick(following)
                        clock.jump_to(next_tick)
                        jumps += 1
                wait = (next_tick - clock.now()).total_seconds() / speed
                if wait > 0:
                    await asyncio.sleep(min(wait, 0.002))
                    continue
                # The tick, as the production job runs it: just after each whole second.
                await engine.tick()
                ticks += 1
                next_tick = _next_tick(clock.now())
            pauses = application.bot.rate_limiter.pauses
        real = time.perf_counter() - real_start
        stats = emulator.stats()
    first, last = to_db(min(counted)), to_db(max(counted) + timedelta(seconds=1))
    sent_rows = count_rows(
        db,
        "SELECT COUNT(*) FROM deliveries WHERE status = 'sent' AND due_utc >= ? AND due_utc < ?",
        (first, last),
    )
    print(
        f"{name}: {len(lateness)} of {expected} reminders in {real:.0f} s real at {speed:g}x "
        f"({ticks} ticks, {jumps} idle jumps)",
        flush=True,
    )
    return {
        "lateness": lateness,
        "expected": expected,
        "sent_rows": sent_rows,
        "emulator_sent": stats["sent"],
        "too_many": stats["too_many_requests"],
        "pauses": pauses,
    }


def _next_tick(moment: datetime) -> datetime:
    """The first tick time (a whole second + TICK_OFFSET) at or after `moment`."""
    tick = moment.replace(microsecond=0) + timedelta(seconds=TICK_OFFSET)
    return tick if tick >= moment else tick + timedelta(seconds=1)


def _next_event(store, early: timedelta, rate: float) -> datetime | None:
    """The earliest due subscriber or pending delivery (both indexed), or earlier: when the
    engine will start an instant within `early` after it."""
    row = store.db.execute(
        "SELECT MIN(t) FROM (SELECT MIN(next_due_utc) AS t FROM subscribers "
        "WHERE next_due_utc IS NOT NULL UNION ALL SELECT MIN(send_after_utc) FROM deliveries "
        "WHERE status = 'pending')"
    ).fetchone()
    following = datetime.fromisoformat(row[0]) if row and row[0] else None
    if following is None or early <= timedelta(0):
        return following
    opens = [
        sendwindow.opens_at(due, waiting, rate, early)
        for due, waiting in store.due_counts(following - timedelta(seconds=1), following + early)
    ]
    return min([following, *opens])


def quiet_seconds(rows: list, wanted: int) -> set[datetime]:
    """Due seconds under the rate limit: at most 30 due, and a perfect 30/s sender is done
    with everything earlier by then. `wanted` of them, spread over the day."""
    ideal = ideal_lateness([row[3] for row in rows])
    quiet = [due for due, lates in sorted(ideal.items()) if max(lates) < 1.0]
    if len(quiet) <= wanted:
        return set(quiet)
    step = len(quiet) / wanted
    return {quiet[int(i * step)] for i in range(wanted)}


def check_sent(report: Report, name: str, r: dict) -> None:
    report.check(
        f"lateness.{name}.every_reminder_sent_once",
        len(r["lateness"]) == r["expected"] == r["sent_rows"] == r["emulator_sent"],
        f"{len(r['lateness'])} sent of {r['expected']} (deliveries table {r['sent_rows']}, "
        f"emulator {r['emulator_sent']})",
    )
    report.figure(
        f"lateness.{name}.http_429",
        r["too_many"],
        "responses",
        goal="0",
        ok=r["too_many"] == 0,
        note=f"limiter pauses {r['pauses']}",
    )


def deviation_figures(report: Report, name: str, devs: list[float], goal: float | None) -> None:
    """p50/p99/max of |send - chosen| and of lateness alone; the earliest early send."""
    absolute = [abs(d) for d in devs]
    late = [max(d, 0.0) for d in devs]
    p99 = percentile(absolute, 99)
    report.figure(
        f"{name}.abs_deviation.p99",
        p99,
        "s",
        goal=None if goal is None else f"<= {goal:g} s",
        ok=None if goal is None else p99 <= goal,
        note=f"p50 {percentile(absolute, 50):.1f} s, max {max(absolute):.1f} s",
    )
    report.figure(
        f"{name}.lateness.p99",
        percentile(late, 99),
        "s",
        note=f"p50 {percentile(late, 50):.1f} s, max {max(late):.1f} s",
    )
    early = [d for d in devs if d < 0]
    report.figure(
        f"{name}.early_sends",
        len(early),
        "reminders",
        note=f"earliest {min(early):.1f} s before its time" if early else "none early",
    )


def model_day(
    dues: list[datetime],
    *,
    early: timedelta,
    paid: bool,
    free_rate: float = RATE,
    paid_rate: float = 1000.0,
) -> tuple[list[float], int]:
    """The engine's release rule and pacing alone, ticks every second: deviations (s) of every
    reminder, and how many went as paid broadcasts. Sends leave evenly at the pacer's rate
    (30, or 1,000 while more than PAID_AFTER_SECONDS of free sending waits, in any 1.03 s)."""
    free = free_rate / (1 + WINDOW_MARGIN)
    fast = paid_rate / (1 + WINDOW_MARGIN) if paid else free
    counts: dict[float, int] = {}
    for due in dues:
        key = due.timestamp()
        counts[key] = counts.get(key, 0) + 1
    instants = sorted(counts)
    waiting = dict(counts)  # not yet released
    queue: list[list[float]] = []  # [due, count] released, in order
    head = 0  # first instant with anyone still waiting
    devs: list[float] = []
    paid_sent = 0
    clock = math.floor(instants[0]) - early.total_seconds() - 1
    free_at = clock
    window = early.total_seconds()
    while head < len(instants) or queue:
        backlog = sum(c for _, c in queue)
        rate = fast if paid and backlog > free_rate * PAID_AFTER_SECONDS else free
        # Sends until the next tick.
        end = clock + 1.0
        free_at = max(free_at, clock)
        while queue and free_at < end:
            due, count = queue[0]
            can = min(int(count), max(1, math.ceil((end - free_at) * rate)))
            step = 1.0 / rate
            devs.extend(free_at + i * step - due for i in range(can))
            if rate > free:
                paid_sent += can
            free_at += can * step
            if can == count:
                queue.pop(0)
            else:
                queue[0][1] = count - can
        clock = end
        tick = clock + TICK_OFFSET
        # The tick: everything due, then early releases within the budget.
        while head < len(instants) and instants[head] <= tick:
            due = instants[head]
            if waiting[due]:
                queue.append([due, waiting[due]])
                waiting[due] = 0
            head += 1
        if window > 0:
            centre_rate = fast if paid else free
            budget = int(centre_rate * EARLY_BUFFER_SECONDS) - sum(c for _, c in queue)
            index = head
            while budget > 0 and index < len(instants) and instants[index] <= tick + window:
                due = instants[index]
                left = waiting[due]
                opens = due - min(window, left / (2 * centre_rate))
                if left and tick >= opens:
                    take = min(left, budget)
                    queue.append([due, take])
                    waiting[due] = left - take
                    budget -= take
                index += 1
        if not queue and head < len(instants):
            # Idle: jump close to the next instant's window.
            clock = max(clock, math.floor(instants[head] - window) - 1)
            free_at = clock
    return devs, paid_sent


async def main(args: argparse.Namespace) -> int:
    quiet_logging("lateness")
    report = Report("lateness")
    print_machine()
    n = 20_000 if args.quick else args.n
    quiet_wanted = 20 if args.quick else args.quiet
    early = timedelta(minutes=args.early_minutes)
    day_start = (datetime.now(UTC) + timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    rows = day_of_reminders(n, day_start)
    ideal = ideal_lateness([row[3] for row in rows])
    busiest = max(ideal, key=lambda due: len(ideal[due]))

    for size in [int(x) for x in args.model_sizes.split(",") if x]:
        dues = [row[3] for row in day_of_reminders(size, day_start)] if size != n else None
        dues = dues or [row[3] for row in rows]
        crowd = max(Counter(dues).values())
        print(f"-- model: {size} subscribers (busiest instant {crowd} due)", flush=True)
        for label, window, paid, goal in (
            ("today", timedelta(0), False, None),
            ("early", early, False, 80.0 if size <= 100_000 else None),
            ("early_paid", early, True, 30.0),
        ):
            devs, paid_sent = model_day(dues, early=window, paid=paid)
            assert len(devs) == size  # each reminder sent once
            name = f"lateness.model.{size // 1000}k.{label}"
            deviation_figures(report, name, devs, goal)
            if paid:
                report.figure(
                    f"{name}.paid_messages",
                    paid_sent,
                    "messages",
                    note=f"{paid_sent * 0.1:,.0f} Stars at 0.1 a message",
                )
    if args.skip_real:
        return report.summary()

    day_rows, counted, what = rows, set(ideal), "one day"
    if args.busiest_hours:
        # Only the reminders within this many hours of the busiest instant (the rest stay in
        # the table, due later): the peak at a lower speed, where a busy machine's CPU
        # counts less.
        span = timedelta(hours=args.busiest_hours)
        counted = {due for due in ideal if abs(due - busiest) <= span}
        day_rows = [
            row if row[3] in counted else (*row[:3], row[3] + timedelta(days=2)) for row in rows
        ]
        what = f"{len(counted)} due instants within {args.busiest_hours:g} h of the busiest"
    for label, window in (("today", timedelta(0)), ("early", early)):
        print(f"-- part 1 ({label}): {n} subscribers, {what} at {args.speed:g}x "
              "(all rates scaled alike)", flush=True)  # fmt: skip
        r = await simulate(f"day-{label}", day_rows, counted, day_start, args.speed, window)
        devs = [late for _, late in r["lateness"]]
        by_due: dict[datetime, list[float]] = {}
        for due, late in r["lateness"]:
            by_due.setdefault(due, []).append(late)
        deviation_figures(report, f"lateness.day.{label}", devs, 80.0 if label == "early" else None)
        report.figure(
            f"lateness.day.{label}.busiest_second",
            max(abs(d) for d in by_due[busiest]),
            "s",
            note=f"max |deviation| of the {len(ideal[busiest])} due at {busiest:%H:%M} UTC",
        )
        check_sent(report, f"day.{label}", r)

    if args.skip_quiet:
        return report.summary()
    seconds = quiet_seconds(rows, quiet_wanted)
    print(f"-- part 2: {len(seconds)} due seconds under the rate limit (<= 30 due, no backlog), "
          "replayed in real time", flush=True)  # fmt: skip
    quiet_rows = [
        row if row[3] in seconds else (*row[:3], row[3] + timedelta(days=2)) for row in rows
    ]  # the rest of the day's subscribers stay in the table, due later
    r = await simulate("quiet", quiet_rows, seconds, day_start, 1.0, early)
    late = [x for _, x in r["lateness"]]
    report.figure(
        "lateness.under_limit.p50",
        percentile(late, 50),
        "s",
        note=f"{len(late)} reminders in {len(seconds)} due seconds, real time",
    )
    report.figure(
        "lateness.under_limit.p99",
        percentile(late, 99),
        "s",
        goal="<= 2 s",
        ok=percentile(late, 99) <= 2.0,
        note=f"max {max(late):.2f} s, earliest {min(late):.2f} s",
    )
    check_sent(report, "quiet", r)
    return report.summary()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20k subscribers, 20 quiet seconds")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument(
        "--speed",
        type=float,
        default=20.0,
        help="part 1: simulated seconds per real second (rates scaled alike)",
    )
    parser.add_argument("--quiet", type=int, default=200, help="part 2: due seconds replayed")
    parser.add_argument("--early-minutes", type=float, default=5.0, help="the early window")
    parser.add_argument(
        "--model-sizes", default="100000,1000000", help="part 3: subscribers, comma-separated"
    )
    parser.add_argument("--skip-real", action="store_true", help="the model only")
    parser.add_argument(
        "--busiest-hours", type=float, default=0, help="part 1: only this span around the peak"
    )
    parser.add_argument("--skip-quiet", action="store_true", help="no part 2")
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(asyncio.run(main(parser.parse_args())))
