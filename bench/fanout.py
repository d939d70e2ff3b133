"""Fan-out: N subscribers due in the same minute, through the real Engine, sender and store.

Run: .venv/bin/python bench/fanout.py [--quick] [--n 2000] [--fast-n 20000] [--profile]

Part 1: the emulator (own process) enforces Telegram's limits (30 a sliding second overall,
1 a second per chat, 429 with retry_after beyond); the bot paces at settings.max_per_second.
Sustained rate from the first send to the last (>= 60 s at N=2000), 429 answers, and every
reminder sent exactly once (deliveries table: all 'sent'; emulator: each chat got one).
Part 2: limits off, pacing off (max_per_second=None): the most messages a second one bot
process pushes through the same path, and its CPU time per message (time.process_time of
this process, the emulator excluded).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import pstats
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    OUT,
    EmulatorProcess,
    Report,
    bench_settings,
    count_rows,
    fresh_db,
    generate_subscribers,
    local_hhmm,
    minute_floor,
    other_weekday,
    print_machine,
    quiet_logging,
    zone_for,
)

from bot.app import add_startup_hook, build_application, freeze_long_lived, polling
from bot.clock import Clock

FIRST_CHAT = 10_000_000


def chat_ids(n: int) -> range:
    return range(FIRST_CHAT, FIRST_CHAT + n)


def make_db(name: str, n: int, due: datetime) -> Path:
    path = fresh_db(name)
    rows = (
        (chat, zone, local_hhmm(due, zone), due)
        for chat in chat_ids(n)
        for zone in (zone_for(chat),)
    )
    generate_subscribers(path, rows, created=due, summary_weekday=other_weekday(due))
    return path


class SendLog:
    """Wall time at which each delivery finished, from a wrapper around Engine.deliver."""

    def __init__(self, engine) -> None:
        self.times: list[float] = []
        deliver = engine.deliver

        async def timed_deliver(delivery):
            await deliver(delivery)
            self.times.append(time.perf_counter())

        engine.deliver = timed_deliver

    async def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.perf_counter() + timeout
        while len(self.times) < count:
            if time.perf_counter() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True


async def run(
    n: int, *, limits: bool, per_second: float | None, http: str, profile: bool = False
) -> dict:
    due = minute_floor(datetime.now(UTC))
    db = make_db("fanout-limits.db" if limits else "fanout-fast.db", n, due)
    with EmulatorProcess(rate_limits=limits) as emulator:
        emulator.add_users(chat_ids(n))
        settings = bench_settings(
            emulator, db, max_per_second=per_second, tick_seconds=1.0, http_client=http
        )
        application = build_application(settings, clock=Clock())
        add_startup_hook(application, freeze_long_lived)  # as `python -m bot run` does
        profiler = cProfile.Profile(time.process_time) if profile else None
        async with polling(application, poll_timeout=10):
            runtime = application.bot_data["runtime"]
            log = SendLog(runtime.engine)
            cpu0, wall0 = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            timeout = n / (per_second or 200) + 120
            finished = await log.wait_for(n, timeout)
            if profiler:
                profiler.disable()
            cpu = time.process_time() - cpu0
            wall = time.perf_counter() - wall0
            engine = runtime.engine
            sent, failed = engine.sent, engine.failed
            pauses = application.bot.rate_limiter.pauses
        stats = emulator.stats()
        per_chat = emulator.sent_per_chat(chat_ids(n))
    if profiler:
        out = OUT / ("fanout-limits.prof" if limits else "fanout-fast.prof")
        profiler.dump_stats(out)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    times = sorted(log.times)
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    statuses = dict(
        (status, count_rows(db, "SELECT COUNT(*) FROM deliveries WHERE status = ?", (status,)))
        for status in ("sent", "pending", "failed", "skipped")
    )
    return {
        "n": n,
        "finished": finished,
        "sent": sent,
        "failed": failed,
        "span": span,
        "rate": (len(times) - 1) / span if len(times) > 1 else 0.0,
        "first_after": times[0] - wall0 if times else float("nan"),
        "cpu": cpu,
        "wall": wall,
        "too_many": stats["too_many_requests"],
        "errors": [e for e in stats["errors"] if e[1] == 429],
        "emu_sent": stats["sent"],
        "emu_cpu": stats["cpu_seconds"],
        "pauses": pauses,
        "per_chat": per_chat,
        "deliveries": statuses,
        "delivery_rows": count_rows(db, "SELECT COUNT(*) FROM deliveries"),
        "max_1s": max_in_window(times, 1.0),
    }


def max_in_window(times: list[float], window: float) -> int:
    """Most sends that finished inside any `window` seconds (as the bot saw them)."""
    best, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def main(args: argparse.Namespace) -> int:
    quiet_logging("fanout")
    report = Report("fanout")
    print_machine()
    n, fast_n = (600, 5000) if args.quick else (args.n, args.fast_n)
    if args.quick:
        print("quick mode: smaller N; the >= 60 s window is not reached", flush=True)

    if not args.fast_only:
        print(
            f"-- part 1: {n} subscribers due in the same minute, Telegram's limits enforced "
            f"by the emulator, bot paced at 30/s",
            flush=True,
        )
        r = await run(n, limits=True, per_second=30.0, http="httpx", profile=args.profile)
        report.figure(
            "fanout.limited.duration",
            r["span"],
            "s",
            note=f"first send {r['first_after']:.2f} s after start",
        )
        report.figure(
            "fanout.limited.rate",
            r["rate"],
            "msg/s",
            goal=">= 29 msg/s over >= 60 s",
            ok=r["rate"] >= 29 and (r["span"] >= 60 or args.quick),
        )
        report.figure(
            "fanout.limited.max_in_1s",
            r["max_1s"],
            "sends",
            goal="<= 30",
            ok=r["max_1s"] <= 30,
            note="most sends finishing within any 1 s, seen from the bot",
        )
        report.figure(
            "fanout.limited.http_429",
            r["too_many"],
            "responses",
            goal="0",
            ok=r["too_many"] == 0,
            note=f"limiter pauses {r['pauses']}"
            + (f"; last errors {r['errors'][-3:]}" if r["errors"] else ""),
        )
        once = (
            r["deliveries"]["sent"] == n
            and r["delivery_rows"] == n
            and r["per_chat"] == {1: n}
            and r["emu_sent"] == n
        )
        report.check(
            "fanout.limited.each_sent_once",
            once,
            f"deliveries {r['deliveries']}, rows {r['delivery_rows']}, "
            f"emulator per-chat counts {dict(r['per_chat'])}",
        )
        report.figure(
            "fanout.limited.cpu_per_msg",
            1000 * r["cpu"] / max(r["sent"], 1),
            "ms",
            note="bot process CPU while paced, incl. idle polling",
        )

    clients = ("aiohttp", "httpx") if args.http == "both" else (args.http,)
    for http in () if args.limited_only else clients:
        label = f"fanout.unpaced.{http}"
        print(
            f"-- part 2: {fast_n} subscribers due at once, emulator limits off, pacing off "
            f"(max_per_second=None), BOT_HTTP_CLIENT={http}",
            flush=True,
        )
        r = await run(fast_n, limits=False, per_second=None, http=http, profile=args.profile)
        judged = http == "aiohttp"
        report.figure(
            f"{label}.rate",
            r["rate"],
            "msg/s",
            goal=">= 1000 msg/s" if judged else None,
            ok=r["rate"] >= 1000 if judged else None,
            note=f"{r['sent']} sent in {r['span']:.2f} s from the first to the last; "
            f"{r['sent'] / r['wall']:.0f} msg/s counting the scheduling before",
        )
        cpu_ms = 1000 * r["cpu"] / max(r["sent"], 1)
        report.figure(
            f"{label}.cpu_per_msg",
            cpu_ms,
            "ms",
            note=f"bot CPU {r['cpu']:.1f} s over {r['wall']:.1f} s wall, so one core "
            f"fully busy would send {1000 / cpu_ms:.0f}/s; emulator process "
            f"CPU {r['emu_cpu']:.1f} s",
        )
        once = r["deliveries"]["sent"] == fast_n and r["per_chat"] == {1: fast_n}
        report.check(
            f"{label}.each_sent_once",
            once,
            f"deliveries {r['deliveries']}, emulator per-chat {dict(r['per_chat'])}",
        )
    return report.summary()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small N, for trying it out")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--fast-n", type=int, default=20000)
    parser.add_argument("--fast-only", action="store_true", help="skip part 1")
    parser.add_argument("--limited-only", action="store_true", help="skip part 2")
    parser.add_argument(
        "--http",
        default="both",
        choices=("both", "httpx", "aiohttp"),
        help="HTTP client(s) for part 2; part 1 uses the default (httpx)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the bot process")
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(asyncio.run(main(parser.parse_args())))
