"""Scale: memory and start-up as subscribers grow, beside the usual one-job-per-subscriber bot.

Run: .venv/bin/python bench/scale.py [--quick] [--usual-sizes 100000,200000]

Every figure comes from a fresh process (multiprocessing "spawn"), so resident memory is that
design's alone; the emulator runs in a process of its own.
- Our design: subscribers live in SQLite, one repeating tick job. Start-up = build_application
  + initialize + post_init (store, content, commands, engine) + polling started; memory = VmRSS
  after a few ticks and a city lookup (the index for typed places open). At 100k and 1M.
- The usual design: the same bot plus one `job_queue.run_daily` per subscriber, read from the
  same database at start-up (python-telegram-bot's timer example, made to survive a restart).
  Measured at 100k and 200k; 1M is extrapolated linearly from those two points, and printed
  as extrapolated (its start-up grows faster than linearly, so that is a lower bound).
- One due-query batch at 1M: `store.due_subscribers(now, SCHEDULE_BATCH)` at each due instant of a
  real day, interleaved with the engine's writes (a delivery row + next_due_utc advanced per
  subscriber, one transaction a batch), so WAL growth and checkpoints are part of the timing.
- 3000 reminders due in the same second among 100k subscribers (emulator limits and pacing
  off): all sent by our engine; the usual design with APScheduler's default misfire grace
  (1 s) counts its EVENT_JOB_MISSED.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    CONTENT,
    EmulatorProcess,
    Report,
    count_rows,
    fresh_db,
    generate_subscribers,
    peak_rss_mb,
    percentile,
    print_machine,
    quiet_logging,
    realistic_times,
    rss_mb,
)

from bot import schedule
from bot.sender import SCHEDULE_BATCH
from bot.store import Store

FIRST_CHAT = 20_000_000
BATCH = SCHEDULE_BATCH  # the engine's due-query batch (bot/sender.py)


# ---------------------------------------------------------------------------- data
def make_db(
    name: str, n: int, start: datetime, *, due_now: int = 0, due_at: datetime | None = None
) -> Path:
    """n subscribers with realistic reminder times, next due within the day after `start`;
    the first `due_now` of them are due at `due_at` instead (same second)."""
    path = fresh_db(name)
    cache: dict[tuple[str, str], datetime] = {}

    def next_due(zone: str, at: str) -> datetime:
        key = (zone, at)
        found = cache.get(key)
        if found is None:
            found = cache[key] = schedule.next_due_utc(
                dtime.fromisoformat(at), schedule.zone(zone), start
            )
        return found

    def rows():
        for index, (zone, at) in enumerate(realistic_times(n, seed=7)):
            chat = FIRST_CHAT + index
            if index < due_now and due_at is not None:
                local = due_at.astimezone(schedule.zone(zone))
                yield chat, zone, local.strftime("%H:%M"), due_at
            else:
                yield chat, zone, at, next_due(zone, at)

    generate_subscribers(path, rows(), created=start, summary_weekday=(start.weekday() + 3) % 7)
    return path


# ---------------------------------------------------------------------------- child processes
def _child(conn: Any, kind: str, db: str, emulator: dict[str, str], options: dict) -> None:
    """Entry point of a measuring process: one design, one size, then exit."""
    import logging

    logging.basicConfig(level=logging.WARNING)
    for noisy in ("httpx", "apscheduler", "telegram"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        import bot.app
        import bot.flows  # noqa: F401

        result = asyncio.run(_MEASURES[kind](Path(db), emulator, options))
    except Exception as err:  # the bench prints it rather than hanging on the pipe
        import traceback

        result = {"error": f"{type(err).__name__}: {err}", "trace": traceback.format_exc()}
    conn.send(result)
    conn.close()


def _settings(db: Path, emulator: dict[str, str], **overrides: Any):
    from dataclasses import replace

    from bot.config import Settings

    settings = Settings(
        token=emulator["token"],
        api_url=emulator["base_url"],
        file_url=emulator["base_file_url"],
        db_path=db,
        content_dir=CONTENT,
        tick_seconds=1.0,
    )
    return replace(settings, **overrides)


async def _ours(db: Path, emulator: dict[str, str], options: dict) -> dict:
    from bot.app import add_startup_hook, build_application, freeze_long_lived, polling
    from bot.clock import Clock

    before = rss_mb()
    started = time.perf_counter()
    application = build_application(_settings(db, emulator), clock=Clock())
    add_startup_hook(application, freeze_long_lived)  # as `python -m bot run` does
    hooks = _time_startup_hooks(application)
    async with polling(application, poll_timeout=10):
        startup = time.perf_counter() - started
        await asyncio.sleep(options.get("settle", 3.0))  # a few ticks of the running bot
        # Memory as it is once people type places: the city index open and used (its file
        # is built on the first run, in a child process, as the bot does on a first start).
        places = await application.bot_data["runtime"].places()
        assert places is not None and places.search("Springfield")[0]
        return {
            "startup": startup,
            "rss": rss_mb(),
            "hwm": peak_rss_mb(),
            "rss_before": before,
            "jobs": len(application.job_queue.jobs()),
            "hooks": hooks,
        }


def _time_startup_hooks(application) -> list[tuple[str, float, float]]:
    """Wraps the flows' start-up hooks to record (name, seconds, MB of RSS added) of each."""
    timings: list[tuple[str, float, float]] = []
    hooks = application.bot_data.get("startup_hooks", [])

    def timed(hook):
        async def run(app) -> None:
            t, m = time.perf_counter(), rss_mb()
            await hook(app)
            name = f"{hook.__module__.rsplit('.', 1)[-1]}.{hook.__name__}"
            timings.append((name, time.perf_counter() - t, rss_mb() - m))

        return run

    application.bot_data["startup_hooks"] = [timed(hook) for hook in hooks]
    return timings


def _add_daily_jobs(application, rows, callback) -> int:
    """One run_daily per subscriber, as in PTB's timer example."""
    count = 0
    for chat_id, zone, remind_at in rows:
        at = dtime.fromisoformat(remind_at).replace(tzinfo=schedule.zone(zone))
        application.job_queue.run_daily(callback, time=at, chat_id=chat_id, name=str(chat_id))
        count += 1
    return count


def _subscriber_rows(db: Path, where: str = "", params: tuple = ()) -> list[tuple]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(
            f"SELECT chat_id, zone, remind_at FROM subscribers WHERE status = 'active' {where}",
            params,
        ).fetchall()
    finally:
        connection.close()


async def _remind(context) -> None:
    """The usual design's job: send the day's reminder."""
    from telegram.error import BadRequest

    # Jobs that fall due while memory is measured send to chats the emulator has never seen.
    with contextlib.suppress(BadRequest):
        await context.bot.send_message(context.job.chat_id, "Time for today's practice.")


async def _usual(db: Path, emulator: dict[str, str], options: dict) -> dict:
    from bot.app import add_startup_hook, build_application, polling
    from bot.clock import Clock

    before = rss_mb()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    application = build_application(_settings(db, emulator), clock=Clock())

    async def load_jobs(app) -> None:
        t = time.perf_counter()
        timings["jobs"] = _add_daily_jobs(app, _subscriber_rows(db), _remind)
        timings["add_seconds"] = time.perf_counter() - t

    add_startup_hook(application, load_jobs)
    async with polling(application, poll_timeout=10):
        startup = time.perf_counter() - started
        await asyncio.sleep(options.get("settle", 3.0))
        return {
            "startup": startup,
            "rss": rss_mb(),
            "hwm": peak_rss_mb(),
            "rss_before": before,
            "jobs": len(application.job_queue.jobs()),
            "add_seconds": timings.get("add_seconds", 0.0),
        }


async def _ours_burst(db: Path, emulator: dict[str, str], options: dict) -> dict:
    """Our engine with `burst` subscribers due at options['due_at'] (limits and pacing off)."""
    from bot.app import build_application, polling
    from bot.clock import Clock

    due_at = datetime.fromisoformat(options["due_at"])
    burst = options["burst"]
    application = build_application(_settings(db, emulator, max_per_second=None), clock=Clock())
    async with polling(application, poll_timeout=10):
        ready_before_due = (due_at - datetime.now(UTC)).total_seconds()
        engine = application.bot_data["runtime"].engine
        last = None
        deadline = due_at + timedelta(seconds=options.get("wait", 60))
        while datetime.now(UTC) < deadline:
            if engine.sent + engine.failed >= burst:
                last = datetime.now(UTC)
                break
            await asyncio.sleep(0.02)
        return {
            "sent": engine.sent,
            "failed": engine.failed,
            "last_after_due": (last - due_at).total_seconds() if last else None,
            "ready_before_due": ready_before_due,
        }


async def _usual_burst(db: Path, emulator: dict[str, str], options: dict) -> dict:
    """The usual design with 100k daily jobs, `burst` of them at the same second."""
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED

    from bot.app import add_startup_hook, build_application, polling
    from bot.clock import Clock

    burst = options["burst"]
    counts = {"executed": 0, "missed": 0, "errors": 0, "delivered": 0, "failed": 0}
    failures: dict[str, int] = {}
    application = build_application(_settings(db, emulator, max_per_second=None), clock=Clock())
    burst_ids = set(range(FIRST_CHAT, FIRST_CHAT + burst))
    burst_jobs: set[str] = set()

    async def load_jobs(app) -> None:
        rows = [row for row in _subscriber_rows(db) if row[0] not in burst_ids]
        _add_daily_jobs(app, rows, _remind)

    async def remind_burst(context) -> None:
        try:
            await context.bot.send_message(context.job.chat_id, "Time for today's practice.")
        except Exception as err:
            counts["failed"] += 1
            name = type(err).__name__
            failures[name] = failures.get(name, 0) + 1
        else:
            counts["delivered"] += 1

    def listen(event) -> None:
        if event.job_id not in burst_jobs:
            return
        if event.code == EVENT_JOB_MISSED:
            counts["missed"] += 1
        elif event.code == EVENT_JOB_ERROR:
            counts["errors"] += 1
        else:
            counts["executed"] += 1

    add_startup_hook(application, load_jobs)
    async with polling(application, poll_timeout=10):
        scheduler = application.job_queue.scheduler
        scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR)
        passes: list[float] = []  # APScheduler's synchronous passes over the due jobs
        process_jobs = scheduler._process_jobs

        def timed_pass(*args, **kwargs):
            t = time.perf_counter()
            try:
                return process_jobs(*args, **kwargs)
            finally:
                passes.append(time.perf_counter() - t)

        scheduler._process_jobs = timed_pass
        # The burst's jobs are added once the scheduler runs, due a few seconds ahead, so
        # start-up time cannot be what makes them late.
        due_at = (datetime.now(UTC) + timedelta(seconds=options.get("lead", 8))).replace(
            microsecond=0
        )
        rows = _subscriber_rows(db, f"AND chat_id < {FIRST_CHAT + burst}")
        for chat_id, zone, _ in rows:
            local = due_at.astimezone(schedule.zone(zone))
            at = local.timetz().replace(tzinfo=schedule.zone(zone))
            job = application.job_queue.run_daily(
                remind_burst, time=at, chat_id=chat_id, name=str(chat_id)
            )
            burst_jobs.add(job.job.id)
        margin = (due_at - datetime.now(UTC)).total_seconds()
        loop = asyncio.get_running_loop()
        worst_stall = 0.0
        deadline = due_at + timedelta(seconds=options.get("wait", 60))
        while datetime.now(UTC) < deadline:
            done = counts["missed"] + counts["delivered"] + counts["failed"]
            if done >= burst:
                break
            before = loop.time()
            await asyncio.sleep(0.01)
            worst_stall = max(worst_stall, loop.time() - before - 0.01)
        return {
            **counts,
            "failures": failures,
            "margin": margin,
            "jobs": len(application.job_queue.jobs()),
            "worst_stall": worst_stall,
            "longest_pass": max(passes, default=0.0),
        }


_MEASURES = {"ours": _ours, "usual": _usual, "ours_burst": _ours_burst, "usual_burst": _usual_burst}


def measure(
    kind: str, db: Path, emulator: EmulatorProcess, timeout: float = 1800, **options
) -> dict:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    urls = {
        "token": emulator.token,
        "base_url": emulator.base_url,
        "base_file_url": emulator.base_file_url,
    }
    process = context.Process(target=_child, args=(child, kind, str(db), urls, options))
    process.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise TimeoutError(f"{kind} did not finish within {timeout} s")
        result = parent.recv()
    finally:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
    if "error" in result:
        raise RuntimeError(f"{kind}: {result['error']}\n{result.get('trace', '')}")
    return result


# ---------------------------------------------------------------------------- due-query batch
def due_query_batches(db: Path, max_batches: int, max_seconds: float) -> dict:
    """Times store.due_subscribers(now, BATCH) through a day, with the engine's writes between.

    Also times 1000-row batches (without writes) at the busiest instants, for reference."""
    store = Store(db)
    try:
        instants = [
            row[0]
            for row in store.db.execute(
                "SELECT DISTINCT next_due_utc FROM subscribers WHERE next_due_utc IS NOT NULL "
                "ORDER BY next_due_utc"
            ).fetchall()
        ]
        query_ms: list[float] = []
        batch_ms: list[float] = []
        rows_seen = 0
        checkpoints_before = _wal_frames(store)
        started = time.perf_counter()
        for text in instants:
            now = datetime.fromisoformat(text) + timedelta(seconds=1)
            while True:
                t0 = time.perf_counter()
                due = store.due_subscribers(now, BATCH)
                t1 = time.perf_counter()
                if not due:
                    break
                # What the engine writes for each due subscriber, in one transaction.
                with store.atomic():
                    for subscriber in due:
                        zone = schedule.zone(subscriber.zone)
                        at = dtime.fromisoformat(subscriber.remind_at)
                        store.add_delivery(
                            subscriber.chat_id,
                            schedule.local_date(subscriber.next_due_utc, zone),
                            "reminder",
                            subscriber.next_due_utc,
                        )
                        store.set_next_due(
                            subscriber.chat_id,
                            now,
                            schedule.next_due_utc(at, zone, subscriber.next_due_utc),
                        )
                t2 = time.perf_counter()
                query_ms.append((t1 - t0) * 1000)
                batch_ms.append((t2 - t0) * 1000)
                rows_seen += len(due)
            if len(query_ms) >= max_batches or time.perf_counter() - started > max_seconds:
                break
        busiest = store.db.execute(
            "SELECT next_due_utc FROM subscribers WHERE next_due_utc IS NOT NULL "
            "GROUP BY next_due_utc ORDER BY COUNT(*) DESC LIMIT 50"
        ).fetchall()
        bigger_ms: dict[int, list[float]] = {250: [], 1000: []}
        for size, timings in bigger_ms.items():
            for (text,) in busiest:
                t0 = time.perf_counter()
                store.due_subscribers(datetime.fromisoformat(text), size)
                timings.append((time.perf_counter() - t0) * 1000)
        return {
            "bigger_ms": bigger_ms,
            "batches": len(query_ms),
            "rows": rows_seen,
            "query_ms": query_ms,
            "batch_ms": batch_ms,
            "wal_pages_start": checkpoints_before,
            "seconds": time.perf_counter() - started,
        }
    finally:
        store.close()


def _wal_frames(store: Store) -> int:
    return store.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]


# ---------------------------------------------------------------------------- main
def main(args: argparse.Namespace) -> int:
    quiet_logging("scale")
    report = Report("scale")
    print_machine()
    ours_sizes = [10_000, 100_000] if args.quick else [100_000, 1_000_000]
    usual_sizes = [10_000, 30_000] if args.quick else [int(x) for x in args.usual_sizes.split(",")]
    target = ours_sizes[-1]
    if args.quick:
        print("quick mode: small sizes; goals are for 1M and are not judged", flush=True)
    start = (datetime.now(UTC) + timedelta(minutes=10)).replace(second=0, microsecond=0)

    with EmulatorProcess(rate_limits=False) as emulator:
        emulator.add_users(range(FIRST_CHAT, FIRST_CHAT + 3000))
        dbs: dict[int, Path] = {}
        for n in sorted(set(ours_sizes) | set(usual_sizes)):
            t = time.perf_counter()
            dbs[n] = make_db(f"scale-{n}.db", n, start)
            print(
                f"generated {n} subscribers in {time.perf_counter() - t:.1f} s "
                f"({dbs[n].stat().st_size / 2**20:.0f} MB file)",
                flush=True,
            )

        print("-- our design: subscribers in SQLite, one tick job", flush=True)
        ours: dict[int, dict] = {}
        for n in ours_sizes:
            ours[n] = r = measure("ours", dbs[n], emulator)
            report.figure(
                f"ours.{_k(n)}.rss",
                r["rss"],
                "MB",
                note=f"after imports {r['rss_before']:.0f} MB; peak {r['hwm']:.0f} MB; "
                f"{r['jobs']} scheduler job(s)",
            )
            heavy = [h for h in r["hooks"] if h[1] > 0.05 or h[2] > 5]
            report.figure(
                f"ours.{_k(n)}.startup",
                r["startup"],
                "s",
                note="; ".join(f"{name} {sec:.2f} s +{mb:.0f} MB" for name, sec, mb in heavy),
            )

        print("-- usual design: one run_daily job per subscriber", flush=True)
        usual: dict[int, dict] = {}
        for n in usual_sizes:
            usual[n] = r = measure("usual", dbs[n], emulator)
            report.figure(
                f"usual.{_k(n)}.rss",
                r["rss"],
                "MB",
                note=f"peak {r['hwm']:.0f} MB; {r['jobs']} jobs",
            )
            report.figure(
                f"usual.{_k(n)}.startup",
                r["startup"],
                "s",
                note=f"adding the jobs {r['add_seconds']:.1f} s, the rest is "
                "APScheduler taking them at start",
            )
        a, b = usual_sizes[0], usual_sizes[-1]
        per_job_kb = (usual[b]["rss"] - usual[a]["rss"]) * 1024 / (b - a)
        startup_slope = (usual[b]["startup"] - usual[a]["startup"]) / (b - a)
        report.figure("usual.per_job", per_job_kb, "KB", note=f"from {_k(a)} to {_k(b)} jobs")
        usual_rss_t = usual[b]["rss"] + per_job_kb / 1024 * (target - b)
        usual_start_t = usual[b]["startup"] + startup_slope * (target - b)
        report.figure(
            f"usual.{_k(target)}.rss",
            usual_rss_t,
            "MB",
            note="EXTRAPOLATED linearly from the measured sizes",
        )
        report.figure(
            f"usual.{_k(target)}.startup",
            usual_start_t,
            "s",
            note="EXTRAPOLATED linearly (a lower bound: it grows faster than linearly)",
        )

        growth = (
            (ours[target]["rss"] - ours[ours_sizes[0]]["rss"]) * 1024 / (target - ours_sizes[0])
        )
        report.figure(
            "ours.per_subscriber",
            growth,
            "KB",
            note=f"resident memory added per subscriber, {_k(ours_sizes[0])} to {_k(target)}",
        )
        o = ours[target]
        judged = not args.quick
        report.figure(
            f"ours.{_k(target)}.rss.goal",
            o["rss"],
            "MB",
            goal="<= 100 MB at 1M",
            ok=o["rss"] <= 100 if judged else None,
        )
        report.figure(
            f"ours.{_k(target)}.startup.goal",
            o["startup"],
            "s",
            goal="<= 1 s at 1M",
            ok=o["startup"] <= 1.0 if judged else None,
        )
        report.figure(
            f"ratio.{_k(target)}.memory",
            usual_rss_t / o["rss"],
            "x",
            note="usual (extrapolated) / ours (measured)",
        )
        report.figure(
            f"ratio.{_k(target)}.startup",
            usual_start_t / o["startup"],
            "x",
            note="usual (extrapolated) / ours (measured)",
        )
        common_n = max(set(ours_sizes) & set(usual_sizes), default=None)
        if common_n:
            report.figure(
                f"ratio.{_k(common_n)}.memory",
                usual[common_n]["rss"] / ours[common_n]["rss"],
                "x",
                note="both measured",
            )
            report.figure(
                f"ratio.{_k(common_n)}.startup",
                usual[common_n]["startup"] / ours[common_n]["startup"],
                "x",
                note="both measured",
            )

        print(
            f"-- one due-query batch at {_k(target)} (batch {BATCH}, engine writes between, "
            "WAL checkpoints included)",
            flush=True,
        )
        q = due_query_batches(
            dbs[target], max_batches=400, max_seconds=60 if not args.quick else 10
        )
        report.figure(f"due_query.{_k(target)}.p50", percentile(q["query_ms"], 50), "ms")
        report.figure(
            f"due_query.{_k(target)}.p99",
            percentile(q["query_ms"], 99),
            "ms",
            goal="<= 5 ms",
            ok=percentile(q["query_ms"], 99) <= 5 if judged else None,
            note=f"{q['batches']} batches, {q['rows']} subscribers, "
            f"max {max(q['query_ms']):.1f} ms",
        )
        report.figure(
            f"due_batch_with_writes.{_k(target)}.p99",
            percentile(q["batch_ms"], 99),
            "ms",
            note="query + a delivery row and next_due_utc per subscriber",
        )
        for size, timings in q["bigger_ms"].items():
            report.figure(
                f"due_query_{size}_rows.{_k(target)}.p99",
                percentile(timings, 99),
                "ms",
                note=f"for reference, at the 50 busiest instants: batches of {size} (earlier "
                "engines used 1000, then 250); converting rows to Subscriber objects is half",
            )

        burst, n = 3000, 100_000 if not args.quick else 10_000
        print(
            f"-- {burst} reminders due in the same second among {_k(n)} subscribers "
            "(limits and pacing off)",
            flush=True,
        )
        # Due once the bot is surely up (imports and start-up take a few seconds here).
        due_at = (datetime.now(UTC) + timedelta(seconds=15)).replace(microsecond=0)
        db = make_db("scale-burst.db", n, start, due_now=burst, due_at=due_at)
        before = emulator.stats()["sent"]
        r = measure("ours_burst", db, emulator, burst=burst, due_at=due_at.isoformat(), wait=60)
        sent_rows = count_rows(db, "SELECT COUNT(*) FROM deliveries WHERE status = 'sent'")
        emu_sent = emulator.stats()["sent"] - before
        report.figure(
            "burst.ours.sent",
            sent_rows,
            f"of {burst}",
            goal=f"{burst}",
            ok=sent_rows == burst == emu_sent,
            note=f"emulator received {emu_sent}; last sent "
            f"{r['last_after_due'] or float('nan'):.1f} s after due; the bot "
            f"was ready {r['ready_before_due']:.1f} s before",
        )
        before = emulator.stats()["sent"]
        r = measure("usual_burst", db, emulator, burst=burst, wait=60)
        emu_sent = emulator.stats()["sent"] - before
        lost = burst - r["delivered"]
        report.figure(
            "burst.usual.delivered",
            r["delivered"],
            f"of {burst}",
            note=f"APScheduler (misfire grace 1 s) counted {r['missed']} missed, its pass over "
            f"the due jobs held the loop {r['longest_pass']:.2f} s; {r['failed']} callbacks "
            f"failed {r['failures']}; the loop stalled up to {r['worst_stall']:.1f} s; "
            f"emulator received {emu_sent}; jobs added {r['margin']:.1f} s before due among "
            f"{r['jobs']} jobs",
        )
        report.figure("burst.usual.lost", lost, f"of {burst}", note="not delivered")
    return report.summary()


def _k(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for trying it out")
    parser.add_argument(
        "--usual-sizes",
        default="100000,200000",
        help="subscriber counts for the job-per-user design (two or more)",
    )
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main(parser.parse_args()))
