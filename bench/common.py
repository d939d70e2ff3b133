"""Shared helpers for the benchmarks under bench/ (this file runs nothing by itself).

- Figures: `Report` prints `name: value unit (goal ...) OK|MISS` lines and a summary line.
- Data: subscribers are generated straight into a real SQLite file through `bot.store.Store`
  (its migrations, then one bulk insert), under bench/out/ (git-ignored, never committed).
- The emulator runs in its OWN process (`EmulatorProcess`, multiprocessing "spawn"), with
  `record_calls=False` and a short history, so the bot process is measured alone; it is
  steered over a pipe (add people, read counters, run a driver coroutine there).
- Memory: resident set size from /proc/self/status (VmRSS, VmHWM).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import logging
import math
import multiprocessing
import os
import platform
import random
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot import schedule  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.store import Store, to_db  # noqa: E402

CONTENT = REPO / "content"
TOKEN = "123456:BENCH-TOKEN"

# Where subscribers live, weighted roughly like a European-led audience; whole-hour, half-hour
# and 45-minute offsets, both hemispheres (DST in opposite seasons).
ZONES: tuple[tuple[str, int], ...] = (
    ("Europe/Berlin", 18), ("Europe/London", 10), ("Europe/Paris", 8), ("Europe/Madrid", 6),
    ("Europe/Rome", 5), ("Europe/Warsaw", 4), ("Europe/Kyiv", 3), ("Europe/Moscow", 4),
    ("America/New_York", 10), ("America/Chicago", 5), ("America/Denver", 2),
    ("America/Los_Angeles", 6), ("America/Sao_Paulo", 4), ("America/St_Johns", 1),
    ("Asia/Kolkata", 4), ("Asia/Kathmandu", 1), ("Asia/Dubai", 2), ("Asia/Tokyo", 2),
    ("Asia/Singapore", 1), ("Australia/Sydney", 2), ("Australia/Adelaide", 1),
    ("Pacific/Auckland", 1),
)  # fmt: skip


# ---------------------------------------------------------------------------- figures
class Report:
    """Collects figures; each printed at once as `name: value unit (goal ...) OK|MISS`."""

    def __init__(self, bench: str) -> None:
        self.bench = bench
        self.goals: list[tuple[str, bool]] = []
        self.started = time.perf_counter()

    def figure(
        self,
        name: str,
        value: float | int | str,
        unit: str = "",
        *,
        goal: str | None = None,
        ok: bool | None = None,
        note: str = "",
    ) -> None:
        shown = _fmt(value)
        line = f"{name}: {shown}{' ' + unit if unit else ''}"
        if goal is not None:
            line += f" (goal {goal})"
        if ok is not None:
            line += " OK" if ok else " MISS"
            self.goals.append((name, ok))
        if note:
            line += f"  [{note}]"
        print(line, flush=True)

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        """A yes/no property (every reminder sent once, no 429...)."""
        self.figure(name, "yes" if ok else "NO", goal="yes", ok=ok, note=detail)

    def summary(self) -> int:
        met = sum(ok for _, ok in self.goals)
        missed = [name for name, ok in self.goals if not ok]
        took = time.perf_counter() - self.started
        tail = f"; MISS: {', '.join(missed)}" if missed else ""
        print(
            f"summary: {self.bench}: {met} of {len(self.goals)} goals met in {took:.0f} s{tail}",
            flush=True,
        )
        return 0  # a missed goal is a figure, not a crash: `make bench` runs them all


def _fmt(value: float | int | str) -> str:
    if isinstance(value, float):
        if abs(value) < 0.005:
            value = 0.0  # not "-0.00"
        if value >= 100:
            return f"{value:.0f}"
        if value >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    return str(value)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[index]


def machine() -> list[str]:
    """The machine in a few lines: cores, CPU model, RAM, versions."""
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 2**20:.1f} GB"
    import telegram

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"machine: {cores} cores (nproc), CPU {model}, RAM {ram}, load average {load} at start",
        f"software: Python {platform.python_version()}, python-telegram-bot {telegram.__version__}"
        f", SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}",
    ]


def print_machine() -> None:
    for line in machine():
        print(line, flush=True)


def cpu_ticks() -> list[int] | None:
    """The machine's CPU time so far by kind (/proc/stat's first line), or None off Linux."""
    try:
        return [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None


def machine_busy(before: list[int] | None) -> str:
    """How the whole machine's CPU went since `before` (cpu_ticks()): a figure from a
    virtual machine whose host takes CPU away ("steal") or where other work runs is not
    comparable with one from a quiet machine."""
    after = cpu_ticks()
    if before is None or after is None:
        return "machine shares unknown"
    spent = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(spent) or 1
    user, nice, system, idle, iowait, _, _, steal = (100 * n / total for n in spent)
    busy, waiting = user + nice + system, idle + iowait
    return f"machine: {busy:.0f}% busy, {waiting:.0f}% idle, {steal:.0f}% steal"


def rss_mb() -> float:
    """Resident memory of this process now, in MB (VmRSS)."""
    return _status_kb("VmRSS") / 1024


def peak_rss_mb() -> float:
    return _status_kb("VmHWM") / 1024


def _status_kb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{key} not in /proc/self/status")


def quiet_logging(name: str) -> None:
    """The production log format and level (INFO), written to bench/out/<name>.log: each
    delivery logs a line, as in production, without flooding the terminal."""
    OUT.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        filename=OUT / f"{name}.log",
        filemode="w",
    )
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


# ---------------------------------------------------------------------------- data
def fresh_db(name: str) -> Path:
    """An empty path under bench/out/ (the old file and its WAL removed)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()
    return path


# The onboarding's time buttons (bot/flows/onboarding.py COMMON_TIMES): most people tap one.
BUTTON_TIMES = ("07:00", "07:30", "08:00", "12:30", "17:30", "18:00", "19:00", "20:00", "21:00")


def realistic_times(n: int, seed: int = 1, button_share: float = 0.7) -> list[tuple[str, str]]:
    """(zone, local HH:MM) for n people: `button_share` tap a time button, the rest type a
    time between 06:00 and 22:59 (on a multiple of 5 minutes half the time)."""
    rng = random.Random(seed)
    names = [name for name, _ in ZONES]
    weights = [weight for _, weight in ZONES]
    zones = rng.choices(names, weights, k=n)
    out = []
    for zone in zones:
        if rng.random() < button_share:
            at = rng.choice(BUTTON_TIMES)
        else:
            minute = rng.randrange(6 * 60, 23 * 60)
            if rng.random() < 0.5:
                minute -= minute % 5
            at = f"{minute // 60:02d}:{minute % 60:02d}"
        out.append((zone, at))
    return out


def zone_for(index: int) -> str:
    """A zone for subscriber number `index`, following the weights in ZONES (deterministic)."""
    total = sum(weight for _, weight in ZONES)
    slot = (index * 7919) % total
    for name, weight in ZONES:
        if slot < weight:
            return name
        slot -= weight
    raise AssertionError("unreachable")


def local_hhmm(due: datetime, zone_name: str) -> str:
    """The local wall-clock time (HH:MM) of a UTC instant: the subscriber's reminder time."""
    return due.astimezone(schedule.zone(zone_name)).strftime("%H:%M")


def due_on(day: date, hhmm: str, zone_name: str) -> datetime:
    """The UTC instant of HH:MM on the local `day` in the zone, as the engine computes it."""
    zone = schedule.zone(zone_name)
    before = datetime.combine(day, dtime(0, 0), tzinfo=zone) - timedelta(minutes=1)
    return schedule.next_due_utc(dtime.fromisoformat(hhmm), zone, before.astimezone(UTC))


Row = tuple[int, str, str, datetime | None]  # chat_id, zone, remind_at, next_due_utc


def generate_subscribers(
    path: Path, rows: Iterable[Row], *, created: datetime, summary_weekday: int = 6
) -> int:
    """Creates the schema with `Store` (real migrations) and bulk-inserts active subscribers.

    One transaction and `executemany`: about a second per 300k rows. Returns the count.
    `summary_weekday` is the weekly summary's day (0 = Monday); benches that count reminders
    pick a day away from the due day, so no weekly summary joins the traffic.
    """
    Store(path).close()  # migrations, WAL, indexes: exactly the bot's own schema
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("BEGIN")
        stamp = to_db(created)
        cursor = connection.executemany(
            "INSERT INTO subscribers (chat_id, status, zone, remind_at, next_due_utc, "
            "summary_weekday, created_utc, updated_utc) VALUES (?, 'active', ?, ?, ?, ?, ?, ?)",
            (
                (chat, zone, at, to_db(due), summary_weekday, stamp, stamp)
                for chat, zone, at, due in rows
            ),
        )
        count = cursor.rowcount
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return count


def count_rows(path: Path, sql: str, params: tuple = ()) -> Any:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, params).fetchone()[0]
    finally:
        connection.close()


def bench_settings(emulator: EmulatorProcess, db_path: Path, **overrides: Any) -> Settings:
    settings = Settings(
        token=emulator.token,
        api_url=emulator.base_url,
        file_url=emulator.base_file_url,
        db_path=db_path,
        content_dir=CONTENT,
        tick_seconds=1.0,
    )
    return replace(settings, **overrides)


# ---------------------------------------------------------------------------- emulator process
class EmulatorProcess:
    """`emulator.Emulator` in a process of its own, steered over a pipe.

    The bot under test then owns its process: its CPU time and memory are its own, and the
    emulator's work (HTTP parsing, HTML checks, flood control) runs on the other core.
    """

    def __init__(self, **emulator_kwargs: Any) -> None:
        kwargs = {"record_calls": False, "history_limit": 2, "token": TOKEN}
        kwargs.update(emulator_kwargs)
        self.kwargs = kwargs
        self.token = kwargs["token"]
        self.base_url = self.base_file_url = ""
        self._conn: Any = None
        self._process: Any = None

    def __enter__(self) -> EmulatorProcess:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._process = context.Process(
            target=_emulator_main, args=(child, self.kwargs), name="emulator", daemon=True
        )
        self._process.start()
        child.close()
        self._conn = parent
        status, self.base_url, self.base_file_url = self._receive()
        assert status == "ready"
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self._process is None:
            return
        with contextlib.suppress(OSError, EOFError):
            self._conn.send(("stop", ()))
            self._conn.recv()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)
        self._process = None

    def _receive(self) -> Any:
        kind, value = self._conn.recv()
        if kind == "error":
            raise RuntimeError(f"emulator process: {value}")
        return value

    def call(self, command: str, *args: Any) -> Any:
        """Runs a command in the emulator process and returns its result (blocking)."""
        self._conn.send((command, args))
        return self._receive()

    async def acall(self, command: str, *args: Any) -> Any:
        """The same, without blocking the bot's event loop."""
        return await asyncio.to_thread(self.call, command, *args)

    # conveniences
    def add_users(self, ids: Iterable[int]) -> None:
        self.call("add_users", ids)

    def stats(self) -> dict[str, Any]:
        return self.call("stats")

    def sent_per_chat(self, ids: Iterable[int]) -> Counter:
        """How many chats received how many messages: {1: 2000} means each got exactly one."""
        return self.call("sent_per_chat", ids)


def _emulator_main(conn: Any, kwargs: dict[str, Any]) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_emulator_serve(conn, kwargs))


async def _emulator_serve(conn: Any, kwargs: dict[str, Any]) -> None:
    from emulator import Emulator

    logging.basicConfig(level=logging.WARNING)
    emulator = Emulator(**kwargs)
    await emulator.start()
    conn.send(("ok", ("ready", emulator.base_url, emulator.base_file_url)))
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue[tuple[str, tuple]] = asyncio.Queue()
    loop.add_reader(conn.fileno(), lambda: inbox.put_nowait(conn.recv()))
    try:
        while True:
            command, args = await inbox.get()
            if command == "stop":
                break
            try:
                result = await _EMULATOR_COMMANDS[command](emulator, *args)
            except Exception as err:  # reported to the bench, which raises it there
                conn.send(("error", f"{command}: {type(err).__name__}: {err}"))
            else:
                conn.send(("ok", result))
    finally:
        loop.remove_reader(conn.fileno())
        await emulator.stop()
        conn.send(("ok", None))


async def _add_users(emulator: Any, ids: Iterable[int]) -> int:
    count = 0
    for user_id in ids:
        emulator.add_user(user_id, "Bench")
        count += 1
    # The people are set: keep them out of the garbage collector's full passes, so the
    # emulator's own pauses (it plays Telegram here) do not bunch up its flood-control clock.
    gc.collect()
    gc.freeze()
    return count


async def _lean_flood_bookkeeping(emulator: Any) -> bool:
    """With time compressed (bench/lateness.py), more than 10,000 chats get a message within a
    real minute; the emulator then rebuilds its per-chat table on every new chat (O(n) each)
    and, not the bot, becomes the bottleneck. Chats whose last send is older than their
    window are forgotten first, a few thousand at a time: the 429 decisions stay the same."""
    check = emulator._check_flood

    def lean(chat: Any, *, paid: bool = False) -> None:
        table = emulator._per_chat
        if len(table) >= 9_000 and chat.obj["id"] not in table:
            now = emulator._clock()
            emulator._per_chat = {
                chat_id: stamps
                for chat_id, stamps in table.items()
                if stamps and stamps[-1] > now - (61.0 if chat_id < 0 else 1.01)
            }
        check(chat, paid=paid)

    emulator._check_flood = lean
    return True


async def _stats(emulator: Any) -> dict[str, Any]:
    stats = dict(emulator.stats)
    stats["methods"] = dict(stats["methods"])
    stats["errors"] = list(emulator.errors)[-20:]
    stats["cpu_seconds"] = time.process_time()
    stats["rss_mb"] = rss_mb()
    return stats


async def _sent_per_chat(emulator: Any, ids: Iterable[int]) -> Counter:
    counts: Counter = Counter()
    for chat_id in ids:
        chat = emulator._chats.get(chat_id)
        counts[chat.sent.total if chat else 0] += 1
    return counts


async def _run(emulator: Any, target: str, *args: Any) -> Any:
    """Runs `module:function(emulator, *args)` inside the emulator process (simulated people)."""
    module_name, _, function = target.partition(":")
    return await getattr(importlib.import_module(module_name), function)(emulator, *args)


_EMULATOR_COMMANDS: dict[str, Callable[..., Any]] = {
    "add_users": _add_users,
    "lean_flood_bookkeeping": _lean_flood_bookkeeping,
    "stats": _stats,
    "sent_per_chat": _sent_per_chat,
    "run": _run,
}


# ---------------------------------------------------------------------------- timing helpers
class CpuWall:
    """Wall and CPU time of this process over a `with` block."""

    def __enter__(self) -> CpuWall:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0


def other_weekday(moment: datetime) -> int:
    """A weekday three days away from `moment`'s, in every zone (no weekly summary due)."""
    return (moment.weekday() + 3) % 7


def minute_floor(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


@contextlib.contextmanager
def timed() -> Iterator[list[float]]:
    holder: list[float] = []
    start = time.perf_counter()
    yield holder
    holder.append(time.perf_counter() - start)
