"""The SQLite store: schema migrations and named queries that return values, not rows.

One file, WAL journal, foreign keys on. Every timestamp is UTC text in one fixed-width form
(`2026-11-22T07:30:00Z`) so that string order is time order and indexes serve range queries.
Local dates are ISO dates in the subscriber's own zone.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from bot.content import ContentInvalid, Library, build_library

log = logging.getLogger(__name__)

migrations = Migrations("bot")


class StoreError(Exception):
    """The database cannot be opened or written; the message says what to fix."""


def to_db(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetimes never reach the database")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_db(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def date_from_db(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


@migrations()
def m001_initial(db: Database) -> None:
    # Raw SQL rather than table.create(): the foreign keys need ON DELETE CASCADE so that
    # deleting a subscriber removes everything linked to them in one statement.
    db.executescript(
        """
        CREATE TABLE subscribers (
            chat_id INTEGER PRIMARY KEY,
            status TEXT NOT NULL DEFAULT 'new',      -- new, active, paused, stopped, blocked
            zone TEXT,
            remind_at TEXT,                          -- local wall-clock time, 'HH:MM'
            next_due_utc TEXT,                       -- NULL unless a reminder is scheduled
            paused_until TEXT,                       -- last paused local date; NULL = until /resume
            awaiting TEXT,                           -- what free text means now (conversation step)
            awaiting_data TEXT,                      -- JSON for that step
            followup INTEGER NOT NULL DEFAULT 0,     -- opted in to one gentle follow-up a day
            summary_weekday INTEGER NOT NULL DEFAULT 6,
            gentle_until TEXT,                       -- program steps back to gentle release
            on_hold INTEGER NOT NULL DEFAULT 0,      -- red-flag answer: program paused
            last_screen_utc TEXT,
            created_utc TEXT NOT NULL,
            updated_utc TEXT NOT NULL
        );
        CREATE INDEX subscribers_due ON subscribers(next_due_utc) WHERE next_due_utc IS NOT NULL;

        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES subscribers(chat_id) ON DELETE CASCADE,
            local_date TEXT NOT NULL,
            kind TEXT NOT NULL,                      -- reminder, followup, weekly, broadcast:N
            status TEXT NOT NULL DEFAULT 'pending',  -- pending, sent, failed, skipped
            due_utc TEXT NOT NULL,
            send_after_utc TEXT NOT NULL,            -- due_utc, or later after a failed try
            in_flight INTEGER NOT NULL DEFAULT 0,    -- set just before the HTTP call
            sent_utc TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            reason TEXT,
            message_id INTEGER,
            UNIQUE (chat_id, local_date, kind)
        );
        CREATE INDEX deliveries_pending ON deliveries(send_after_utc) WHERE status = 'pending';
        CREATE INDEX deliveries_due ON deliveries(due_utc);

        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES subscribers(chat_id) ON DELETE CASCADE,
            local_date TEXT NOT NULL,
            kind TEXT NOT NULL,                      -- daily, short, library
            title TEXT NOT NULL,
            content_version INTEGER,
            plan TEXT NOT NULL,                      -- JSON snapshot of the steps, kept as started
            day_number INTEGER,
            step INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'active',   -- active, done, stopped, abandoned
            timer_due_utc TEXT,
            tension_before INTEGER,
            message_id INTEGER,
            started_utc TEXT NOT NULL,
            finished_utc TEXT
        );
        CREATE INDEX sessions_chat ON sessions(chat_id, local_date);
        CREATE INDEX sessions_timer ON sessions(timer_due_utc) WHERE timer_due_utc IS NOT NULL;

        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES subscribers(chat_id) ON DELETE CASCADE,
            session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
            local_date TEXT NOT NULL,
            step TEXT,                               -- the question asked next; NULL when closed
            status TEXT NOT NULL DEFAULT 'open',     -- open, done, partial
            tension_before INTEGER,
            tension INTEGER,
            pain INTEGER,
            areas TEXT,                              -- JSON list of BodyArea values
            completion TEXT,
            note TEXT,
            created_utc TEXT NOT NULL,
            updated_utc TEXT NOT NULL
        );
        CREATE INDEX checkins_chat ON checkins(chat_id, local_date);

        CREATE TABLE pauses (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES subscribers(chat_id) ON DELETE CASCADE,
            start_date TEXT NOT NULL,
            end_date TEXT                            -- NULL while the pause lasts
        );
        CREATE INDEX pauses_chat ON pauses(chat_id);

        CREATE TABLE safety_screens (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES subscribers(chat_id) ON DELETE CASCADE,
            at_utc TEXT NOT NULL,
            answer TEXT NOT NULL                     -- yes, no
        );

        CREATE TABLE content_versions (
            id INTEGER PRIMARY KEY,
            created_utc TEXT NOT NULL,
            admin_id INTEGER,                        -- NULL when loaded at start-up
            checksum TEXT NOT NULL,
            summary TEXT NOT NULL,
            files TEXT NOT NULL                      -- JSON {relative path: text}
        );

        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at_utc TEXT NOT NULL,
            admin_id INTEGER NOT NULL,
            action TEXT NOT NULL,
            detail TEXT,
            result TEXT NOT NULL
        );

        CREATE TABLE broadcasts (
            id INTEGER PRIMARY KEY,
            admin_id INTEGER NOT NULL,
            text TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'draft',    -- draft, sending, done, cancelled
            created_utc TEXT NOT NULL
        );
        """
    )


class Status(StrEnum):
    NEW = "new"
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"
    BLOCKED = "blocked"


@dataclass(frozen=True, slots=True)
class Subscriber:
    chat_id: int
    status: Status
    zone: str | None
    remind_at: str | None
    next_due_utc: datetime | None
    paused_until: date | None
    awaiting: str | None
    awaiting_data: dict[str, Any]
    followup: bool
    summary_weekday: int
    gentle_until: date | None
    on_hold: bool
    last_screen_utc: datetime | None
    created_utc: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Subscriber:
        return cls(
            chat_id=row["chat_id"],
            status=Status(row["status"]),
            zone=row["zone"],
            remind_at=row["remind_at"],
            next_due_utc=from_db(row["next_due_utc"]),
            paused_until=date_from_db(row["paused_until"]),
            awaiting=row["awaiting"],
            awaiting_data=json.loads(row["awaiting_data"] or "{}"),
            followup=bool(row["followup"]),
            summary_weekday=row["summary_weekday"],
            gentle_until=date_from_db(row["gentle_until"]),
            on_hold=bool(row["on_hold"]),
            last_screen_utc=from_db(row["last_screen_utc"]),
            created_utc=from_db(row["created_utc"]),
        )


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    chat_id: int
    local_date: date
    kind: str
    status: str
    due_utc: datetime
    attempts: int
    reason: str | None
    message_id: int | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Delivery:
        return cls(
            id=row["id"],
            chat_id=row["chat_id"],
            local_date=date.fromisoformat(row["local_date"]),
            kind=row["kind"],
            status=row["status"],
            due_utc=from_db(row["due_utc"]),
            attempts=row["attempts"],
            reason=row["reason"],
            message_id=row["message_id"],
        )


class Store:
    """Named queries over the bot's one SQLite file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.db = _open(self.path)
        migrations.apply(self.db)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        with self.db.atomic():
            yield

    def one(self, sql: str, params: tuple | dict = ()) -> dict[str, Any] | None:
        return next(self.db.query(sql, params), None)

    def schema_version(self) -> list[str]:
        return [m.name for m in migrations.applied(self.db)]

    # --- subscribers -------------------------------------------------------------------------

    def subscriber(self, chat_id: int) -> Subscriber | None:
        row = self.one("SELECT * FROM subscribers WHERE chat_id = ?", (chat_id,))
        return None if row is None else Subscriber.from_row(row)

    def ensure_subscriber(self, chat_id: int, now: datetime) -> tuple[Subscriber, bool]:
        """Returns the subscriber, creating a 'new' one on first contact; the flag says created."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO subscribers (chat_id, created_utc, updated_utc) "
            "VALUES (?, ?, ?)",
            (chat_id, to_db(now), to_db(now)),
        )
        created = cursor.rowcount == 1
        return self.subscriber(chat_id), created

    def update_subscriber(self, chat_id: int, now: datetime, **fields: Any) -> None:
        """Writes the given columns; dates, datetimes, enums and dicts are converted here."""
        values = {name: _to_column(value) for name, value in fields.items()}
        values["updated_utc"] = to_db(now)
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        self.db.execute(
            f"UPDATE subscribers SET {assignments} WHERE chat_id = :chat_id",
            {**values, "chat_id": chat_id},
        )

    def set_awaiting(
        self, chat_id: int, now: datetime, step: str | None, data: dict[str, Any] | None = None
    ) -> None:
        self.update_subscriber(chat_id, now, awaiting=step, awaiting_data=data or {})

    # --- deliveries --------------------------------------------------------------------------

    def due_subscribers(self, now: datetime, limit: int) -> list[Subscriber]:
        """Active subscribers whose reminder time has come, oldest first (uses subscribers_due)."""
        rows = self.db.query(
            "SELECT * FROM subscribers WHERE next_due_utc IS NOT NULL AND next_due_utc <= ? "
            "ORDER BY next_due_utc LIMIT ?",
            (to_db(now), limit),
        )
        return [Subscriber.from_row(row) for row in rows]

    def add_delivery(
        self,
        chat_id: int,
        local_day: date,
        kind: str,
        due: datetime,
        *,
        status: str = "pending",
        reason: str | None = None,
        replace: bool = False,
    ) -> bool:
        """Records a delivery once per (chat, local date, kind); True if this call wrote it.

        With `replace`, an existing row is set pending again at the new time (a second snooze).
        """
        values = (chat_id, local_day.isoformat(), kind, status, to_db(due), to_db(due), reason)
        if replace:
            self.db.execute(
                "INSERT INTO deliveries (chat_id, local_date, kind, status, due_utc, "
                "send_after_utc, reason) VALUES (?,?,?,?,?,?,?) "
                "ON CONFLICT (chat_id, local_date, kind) DO UPDATE SET status = excluded.status, "
                "due_utc = excluded.due_utc, send_after_utc = excluded.send_after_utc, "
                "reason = excluded.reason, in_flight = 0, attempts = 0, sent_utc = NULL",
                values,
            )
            return True
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO deliveries (chat_id, local_date, kind, status, due_utc, "
            "send_after_utc, reason) VALUES (?,?,?,?,?,?,?)",
            values,
        )
        return cursor.rowcount == 1

    def pending_deliveries(self, now: datetime, limit: int, exclude: set[int]) -> list[Delivery]:
        rows = self.db.query(
            "SELECT * FROM deliveries WHERE status = 'pending' AND send_after_utc <= ? "
            "AND in_flight = 0 ORDER BY send_after_utc LIMIT ?",
            (to_db(now), limit + len(exclude)),
        )
        found = [Delivery.from_row(row) for row in rows if row["id"] not in exclude]
        return found[:limit]

    def mark_in_flight(self, delivery_id: int) -> None:
        """Written just before the HTTP call: after a crash, such a row is never sent again."""
        self.db.execute(
            "UPDATE deliveries SET in_flight = 1, attempts = attempts + 1 WHERE id = ?",
            (delivery_id,),
        )

    def finish_delivery(
        self,
        delivery_id: int,
        status: str,
        now: datetime,
        *,
        reason: str | None = None,
        message_id: int | None = None,
    ) -> None:
        self.db.execute(
            "UPDATE deliveries SET status = ?, in_flight = 0, reason = ?, message_id = ?, "
            "sent_utc = CASE WHEN ? = 'sent' THEN ? ELSE sent_utc END WHERE id = ?",
            (status, reason, message_id, status, to_db(now), delivery_id),
        )

    def retry_delivery(self, delivery_id: int, at: datetime, reason: str) -> None:
        self.db.execute(
            "UPDATE deliveries SET in_flight = 0, send_after_utc = ?, reason = ? WHERE id = ?",
            (to_db(at), reason, delivery_id),
        )

    def recover_interrupted(self, now: datetime) -> int:
        """Deliveries caught mid-send by a crash may have gone out: recorded, never re-sent."""
        cursor = self.db.execute(
            "UPDATE deliveries SET status = 'skipped', in_flight = 0, "
            "reason = 'interrupted: the bot stopped during the send; it may have arrived' "
            "WHERE status = 'pending' AND in_flight = 1"
        )
        return cursor.rowcount

    def deliveries(self, chat_id: int) -> list[Delivery]:
        rows = self.db.query(
            "SELECT * FROM deliveries WHERE chat_id = ? ORDER BY due_utc, id", (chat_id,)
        )
        return [Delivery.from_row(row) for row in rows]

    def has_delivery(self, chat_id: int, local_day: date, kind: str) -> bool:
        row = self.one(
            "SELECT 1 FROM deliveries WHERE chat_id = ? AND local_date = ? AND kind = ?",
            (chat_id, local_day.isoformat(), kind),
        )
        return row is not None

    def delivery(self, delivery_id: int) -> Delivery | None:
        row = self.one("SELECT * FROM deliveries WHERE id = ?", (delivery_id,))
        return None if row is None else Delivery.from_row(row)

    # --- practice sessions -------------------------------------------------------------------

    def practised_dates(self, chat_id: int) -> list[date]:
        """Local dates with a finished practice session (daily, short or library), oldest first."""
        rows = self.db.query(
            "SELECT DISTINCT local_date FROM sessions WHERE chat_id = ? AND status = 'done' "
            "AND kind != 'preview' ORDER BY local_date",
            (chat_id,),
        )
        return [date.fromisoformat(row["local_date"]) for row in rows]

    def program_days_done(self, chat_id: int, before: date) -> int:
        """Days before `before` on which the person finished a program (daily or short) session."""
        row = self.one(
            "SELECT COUNT(DISTINCT local_date) AS n FROM sessions WHERE chat_id = ? "
            "AND status = 'done' AND kind IN ('daily', 'short') AND local_date < ?",
            (chat_id, before.isoformat()),
        )
        return row["n"]

    def started_on(self, chat_id: int, local_day: date) -> bool:
        """True if the person opened any practice session on that local date."""
        row = self.one(
            "SELECT 1 FROM sessions WHERE chat_id = ? AND local_date = ? "
            "AND kind != 'preview' LIMIT 1",
            (chat_id, local_day.isoformat()),
        )
        return row is not None

    def practised_on(self, chat_id: int, local_day: date) -> bool:
        row = self.one(
            "SELECT 1 FROM sessions WHERE chat_id = ? AND local_date = ? AND status = 'done' "
            "AND kind != 'preview' LIMIT 1",
            (chat_id, local_day.isoformat()),
        )
        return row is not None

    # --- check-ins ---------------------------------------------------------------------------

    def recent_pains(self, chat_id: int, since: date) -> list[tuple[date, int]]:
        """(local date, pain) of every check-in with a pain rating on or after `since`."""
        rows = self.db.query(
            "SELECT local_date, pain FROM checkins WHERE chat_id = ? AND local_date >= ? "
            "AND pain IS NOT NULL ORDER BY local_date, id",
            (chat_id, since.isoformat()),
        )
        return [(date.fromisoformat(row["local_date"]), row["pain"]) for row in rows]

    # --- pauses --------------------------------------------------------------------------------

    def start_pause(self, chat_id: int, start: date, end: date | None) -> None:
        self.db.execute(
            "INSERT INTO pauses (chat_id, start_date, end_date) VALUES (?, ?, ?)",
            (chat_id, start.isoformat(), end.isoformat() if end else None),
        )

    def end_pause(self, chat_id: int, last_paused_day: date) -> None:
        """Closes open or future-ending pauses at `last_paused_day`; a pause of no days goes."""
        self.db.execute(
            "UPDATE pauses SET end_date = ? "
            "WHERE chat_id = ? AND (end_date IS NULL OR end_date > ?)",
            (last_paused_day.isoformat(), chat_id, last_paused_day.isoformat()),
        )
        self.db.execute(
            "DELETE FROM pauses WHERE chat_id = ? AND end_date < start_date", (chat_id,)
        )

    def paused_dates(self, chat_id: int, until: date) -> set[date]:
        """Every local date the person was paused, up to `until` (open pauses run to it)."""
        days: set[date] = set()
        for row in self.db.query(
            "SELECT start_date, end_date FROM pauses WHERE chat_id = ?", (chat_id,)
        ):
            day = date.fromisoformat(row["start_date"])
            end = min(date.fromisoformat(row["end_date"]) if row["end_date"] else until, until)
            while day <= end:
                days.add(day)
                day += timedelta(days=1)
        return days

    # --- content versions and audit log ------------------------------------------------------

    def archive_content(
        self, library: Library, summary: list[str], *, admin_id: int | None, now: datetime
    ) -> int:
        """Archives a content set unless it is the newest one already; returns its version id."""
        latest = self.one("SELECT id, checksum FROM content_versions ORDER BY id DESC LIMIT 1")
        if latest is not None and latest["checksum"] == library.checksum:
            return latest["id"]
        cursor = self.db.execute(
            "INSERT INTO content_versions (created_utc, admin_id, checksum, summary, files) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                to_db(now),
                admin_id,
                library.checksum,
                "\n".join(summary) or "no changes",
                json.dumps(dict(library.files), ensure_ascii=False),
            ),
        )
        return cursor.lastrowid

    def content_version(self, version_id: int) -> Library | None:
        row = self.one("SELECT files FROM content_versions WHERE id = ?", (version_id,))
        return None if row is None else build_library(json.loads(row["files"]))

    def latest_content(self) -> tuple[Library, int] | None:
        """The newest archived content set that still validates, with its version id."""
        for row in self.db.query("SELECT id, files FROM content_versions ORDER BY id DESC"):
            try:
                return build_library(json.loads(row["files"])), row["id"]
            except ContentInvalid:
                continue
        return None

    def record_audit(
        self, admin_id: int, action: str, result: str, now: datetime, detail: str = ""
    ) -> None:
        self.db.execute(
            "INSERT INTO audit_log (at_utc, admin_id, action, detail, result) VALUES (?,?,?,?,?)",
            (to_db(now), admin_id, action, detail, result),
        )


def _to_column(value: Any) -> Any:
    if isinstance(value, datetime):
        return to_db(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def _open(path: Path) -> Database:
    """Opens (creating if needed) the database file with owner-only permissions, WAL and FKs."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Health data: nobody but the bot's own user may read the file.
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db = Database(connection)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 5000")
        db.execute("CREATE TABLE IF NOT EXISTS _probe (x)")  # fails now if read-only, not later
        db.execute("DROP TABLE _probe")
    except (OSError, sqlite3.Error) as err:
        raise StoreError(
            f"Cannot open the database at {path}: {err}. Set BOT_DB to a writable file path."
        ) from err
    return db
