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
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from bot.content import ContentInvalid, Library, build_library
from bot.models import BodyArea, CheckIn, Completion, Status  # Status: re-exported
from bot.subscription import KEEP, SubscriberChange

log = logging.getLogger(__name__)

migrations = Migrations("bot")
# How long a closed keyboard is remembered: a button older than that is let through as unknown.
KEYBOARD_MEMORY = timedelta(days=60)


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
    if len(text) == 20 and text[10] == "T" and text[19] == "Z":
        # The one form to_db writes; fromisoformat reads it ~80x faster than strptime.
        with suppress(ValueError):  # malformed: strptime below gives the usual error
            return datetime.fromisoformat(text)
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


# --- practice sessions: schema and values ------------------------------------------------------


@migrations()
def m002_practice_sessions(db: Database) -> None:
    # steps_began_utc: NULL while the "how tense are you now" question is still open.
    # The partial unique index makes "one active session per person" a rule of the database,
    # not only of the handlers; older duplicates (none in practice) are abandoned first.
    db.executescript(
        """
        ALTER TABLE sessions ADD COLUMN steps_began_utc TEXT;
        UPDATE sessions SET status = 'abandoned', timer_due_utc = NULL
            WHERE status = 'active' AND id NOT IN (
                SELECT MAX(id) FROM sessions WHERE status = 'active' GROUP BY chat_id);
        CREATE UNIQUE INDEX sessions_one_active ON sessions(chat_id) WHERE status = 'active';
        """
    )


@dataclass(frozen=True, slots=True)
class Session:
    """One practice session: its steps as snapshotted at the start, and how far it got."""

    id: int
    chat_id: int
    local_date: date
    kind: str  # daily, short, library, preview
    title: str
    content_version: int | None
    steps: tuple[dict[str, Any], ...]  # PlannedStep.to_json() each, as started
    day_number: int | None
    step: int  # 0-based index of the step shown now
    status: str  # active, done, stopped, abandoned
    timer_due_utc: datetime | None
    tension_before: int | None
    message_id: int | None
    started_utc: datetime
    finished_utc: datetime | None
    steps_began_utc: datetime | None  # None: still at the tension question

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def in_progress(self) -> bool:
        """Past the first step or timing one: switching to another practice would lose it."""
        return self.step > 0 or self.timer_due_utc is not None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Session:
        return cls(
            id=row["id"],
            chat_id=row["chat_id"],
            local_date=date.fromisoformat(row["local_date"]),
            kind=row["kind"],
            title=row["title"],
            content_version=row["content_version"],
            steps=tuple(json.loads(row["plan"])),
            day_number=row["day_number"],
            step=row["step"],
            status=row["status"],
            timer_due_utc=from_db(row["timer_due_utc"]),
            tension_before=row["tension_before"],
            message_id=row["message_id"],
            started_utc=from_db(row["started_utc"]),
            finished_utc=from_db(row["finished_utc"]),
            steps_began_utc=from_db(row["steps_began_utc"]),
        )


@migrations()
def m002_admin_uploads(db: Database) -> None:
    # An upload waits here between its check and the admin's Apply tap, so a restart in
    # between loses nothing. The index serves /stats' figures for the last seven days.
    db.executescript(
        """
        CREATE TABLE pending_uploads (
            id INTEGER PRIMARY KEY,
            admin_id INTEGER NOT NULL,
            file_name TEXT NOT NULL,
            base TEXT NOT NULL,                      -- fingerprint of the folder it was checked on
            files TEXT NOT NULL,                     -- JSON {relative path: text}: the whole set
            summary TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',  -- pending, applied, cancelled, expired
            created_utc TEXT NOT NULL
        );
        CREATE INDEX checkins_by_created ON checkins(created_utc);
        """
    )


@migrations()
def m003_open_checkins(db: Database) -> None:
    # The engine's tick looks for check-ins left open on an earlier day every second; a
    # partial index keeps that to the few open rows instead of a scan of every check-in.
    db.execute("CREATE INDEX checkins_open ON checkins(local_date) WHERE status = 'open'")


@migrations()
def m004_screen_offered(db: Database) -> None:
    # When the red-flag question was last sent, answered or not: an unanswered one is not
    # sent again minutes later (bot/safety.py, screen_due).
    db.execute("ALTER TABLE subscribers ADD COLUMN screen_offered_utc TEXT")


@migrations()
def m005_keyboards(db: Database) -> None:
    # Which inline keyboards are still current (bot/keyboards.py): a button on a message whose
    # question was answered or asked again changes nothing. Kept on disk so a restart does not
    # bring stale buttons back to life.
    db.executescript(
        """
        CREATE TABLE keyboards (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            signature TEXT NOT NULL,          -- the kinds of button on it, e.g. 'ob:t'
            live INTEGER NOT NULL DEFAULT 1,  -- 0 once answered, removed or superseded
            updated_utc TEXT NOT NULL,
            PRIMARY KEY (chat_id, message_id)
        );
        """
    )


@migrations()
def m006_pain_before(db: Database) -> None:
    # Pain is asked before a practice too (a person at 9/10 is steered to rest); the answer
    # belongs to the session, beside tension_before, and is kept even if they stop there.
    db.execute("ALTER TABLE sessions ADD COLUMN pain_before INTEGER")
    # A gentle day's session: like the 5-minute version, it may not carry a person across a
    # phase boundary (bot/program.py, day_after).
    db.execute("ALTER TABLE sessions ADD COLUMN gentle INTEGER NOT NULL DEFAULT 0")


@migrations()
def m007_subscriber_language(db: Database) -> None:
    # The language the person reads (bot/i18n.py): taken from their Telegram app on first
    # contact, then only changed by them (/language). NULL for rows from before: filled on
    # their next update.
    db.execute("ALTER TABLE subscribers ADD COLUMN language TEXT")


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
    last_screen_utc: datetime | None  # last answered
    screen_offered_utc: datetime | None  # last sent
    created_utc: datetime
    language: str | None = None  # None: not known yet (bot/i18n.py falls back to English)

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
            awaiting_data=json.loads(row["awaiting_data"]) if row["awaiting_data"] else {},
            followup=bool(row["followup"]),
            summary_weekday=row["summary_weekday"],
            gentle_until=date_from_db(row["gentle_until"]),
            on_hold=bool(row["on_hold"]),
            last_screen_utc=from_db(row["last_screen_utc"]),
            screen_offered_utc=from_db(row["screen_offered_utc"]),
            created_utc=from_db(row["created_utc"]),
            language=row["language"],
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


# A check-in with whether its session (if any) was finished: that answers "how did it go".
_CHECKIN_SELECT = (
    "SELECT c.*, (SELECT s.status = 'done' FROM sessions s WHERE s.id = c.session_id) "
    "AS session_done FROM checkins c "
)


@dataclass(frozen=True, slots=True)
class CheckInRow:
    """A check-in as stored: the answers so far plus where the conversation stands."""

    id: int
    chat_id: int
    session_id: int | None
    local_date: date
    step: str | None  # the question asked next; None once closed
    status: str  # open, done, partial
    tension_before: int | None
    tension: int | None
    pain: int | None
    areas: tuple[BodyArea, ...] | None  # None: not answered yet; () means "nowhere"
    completion: Completion | None
    note: str | None
    created_utc: datetime
    updated_utc: datetime
    session_done: bool = False  # from a finished session: the practice was done fully

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CheckInRow:
        areas = None
        if row["areas"] is not None:
            known = {a.value for a in BodyArea}
            areas = tuple(BodyArea(a) for a in json.loads(row["areas"]) if a in known)
        return cls(
            id=row["id"],
            chat_id=row["chat_id"],
            session_id=row["session_id"],
            local_date=date.fromisoformat(row["local_date"]),
            step=row["step"],
            status=row["status"],
            tension_before=row["tension_before"],
            tension=row["tension"],
            pain=row["pain"],
            areas=areas,
            completion=Completion(row["completion"]) if row["completion"] else None,
            note=row["note"],
            created_utc=from_db(row["created_utc"]),
            updated_utc=from_db(row["updated_utc"]),
            session_done=bool(row.get("session_done")),
        )

    def as_model(self, *, practised: bool = False) -> CheckIn:
        return CheckIn(
            chat_id=self.chat_id,
            local_date=self.local_date,
            tension=self.tension,
            pain=self.pain,
            areas=self.areas or (),
            completion=self.completion,
            note=self.note,
            tension_before=self.tension_before,
            practised=practised,
            created_utc=self.created_utc,
        )


class Store:
    """Named queries over the bot's one SQLite file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.db = _open(self.path)
        migrations.apply(self.db)
        self._languages: dict[int, str] = {}  # see language_of

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        with self.db.atomic():
            yield

    def one(self, sql: str, params: tuple | dict = ()) -> dict[str, Any] | None:
        # A plain cursor: sqlite-utils' query() wraps every SELECT in a savepoint (two more
        # statements), which the sender and the handlers pay several times per message.
        cursor = self._rows(sql, params)
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        return None if row is None else dict(row)

    # --- subscribers -------------------------------------------------------------------------

    def subscriber(self, chat_id: int) -> Subscriber | None:
        cursor = self._rows("SELECT * FROM subscribers WHERE chat_id = ?", (chat_id,))
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        return None if row is None else Subscriber.from_row(row)

    def _rows(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        """A plain read on the hot paths (sender, due query): sqlite3.Row is indexed by name
        in C, where sqlite-utils' query() builds a dict per row inside a savepoint."""
        cursor = self.db.conn.cursor()
        cursor.row_factory = sqlite3.Row
        return cursor.execute(sql, params)

    def ensure_subscriber(
        self, chat_id: int, now: datetime, language: str | None = None
    ) -> tuple[Subscriber, bool]:
        """Returns the subscriber, creating a 'new' one on first contact; the flag says created.

        `language` is stored only when the row is created: a stored choice is never replaced."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO subscribers (chat_id, created_utc, updated_utc, language) "
            "VALUES (?, ?, ?, ?)",
            (chat_id, to_db(now), to_db(now), language),
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

    def apply(self, chat_id: int, change: SubscriberChange, now: datetime) -> None:
        """Writes a change of status (bot/subscription.py): pauses first, then the columns.
        Call it inside `atomic()` with anything else that belongs to the same change."""
        if change.close_pauses_after is not None:
            self.end_pause(chat_id, change.close_pauses_after)
        if change.new_pause is not None:
            self.start_pause(chat_id, change.new_pause.start, change.new_pause.last)
        fields: dict[str, Any] = {"status": change.status}
        if change.paused_until is not KEEP:
            fields["paused_until"] = change.paused_until
        if change.next_due_utc is not KEEP:
            fields["next_due_utc"] = change.next_due_utc
        if change.clear_awaiting:
            fields["awaiting"] = None
        self.update_subscriber(chat_id, now, **fields)

    def set_awaiting(
        self, chat_id: int, now: datetime, step: str | None, data: dict[str, Any] | None = None
    ) -> None:
        self.update_subscriber(chat_id, now, awaiting=step, awaiting_data=data or {})

    # --- deliveries --------------------------------------------------------------------------

    def due_subscribers(self, now: datetime, limit: int) -> list[Subscriber]:
        """Active subscribers whose reminder time has come, oldest first (uses subscribers_due)."""
        rows = self._rows(
            "SELECT * FROM subscribers WHERE next_due_utc IS NOT NULL AND next_due_utc <= ? "
            "ORDER BY next_due_utc LIMIT ?",
            (to_db(now), limit),
        )
        return [Subscriber.from_row(row) for row in rows]

    def due_counts(self, after: datetime, until: datetime) -> list[tuple[datetime, int]]:
        """How many subscribers fall due at each instant in (after, until], earliest first: the
        engine starts a crowded instant early. Counts entries of subscribers_due only."""
        rows = self.db.execute(
            "SELECT next_due_utc, COUNT(*) FROM subscribers WHERE next_due_utc > ? "
            "AND next_due_utc <= ? GROUP BY next_due_utc ORDER BY next_due_utc",
            (to_db(after), to_db(until)),
        )
        return [(from_db(due), count) for due, count in rows]

    def due_at(self, due: datetime, after_chat: int, limit: int) -> list[Subscriber]:
        """Subscribers due exactly at `due`, by chat id from `after_chat` on (subscribers_due
        holds the rowid, so this is a range of one index, however many are due)."""
        rows = self._rows(
            "SELECT * FROM subscribers WHERE next_due_utc = ? AND chat_id > ? "
            "ORDER BY chat_id LIMIT ?",
            (to_db(due), after_chat, limit),
        )
        return [Subscriber.from_row(row) for row in rows]

    def drop_pending_delivery(self, delivery_id: int) -> bool:
        """Removes a delivery that never went out (superseded by a new time); True if removed."""
        cursor = self.db.execute(
            "DELETE FROM deliveries WHERE id = ? AND status = 'pending' AND in_flight = 0",
            (delivery_id,),
        )
        return cursor.rowcount == 1

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
        send_after: datetime | None = None,
    ) -> bool:
        """Records a delivery once per (chat, local date, kind); True if this call wrote it.

        With `replace`, an existing row is set pending again at the new time (a second snooze).
        `send_after` earlier than `due`: sent early, in a crowded instant's window.
        """
        after = to_db(send_after or due)
        values = (chat_id, local_day.isoformat(), kind, status, to_db(due), after, reason)
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
        rows = self._rows(
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

    def was_sent(self, chat_id: int, local_day: date, kinds: tuple[str, ...]) -> bool:
        """True if a delivery of one of `kinds` reached the person that day (not one that was
        skipped or failed)."""
        marks = ",".join("?" * len(kinds))
        row = self.one(
            "SELECT 1 FROM deliveries WHERE chat_id = ? AND local_date = ? AND status = 'sent' "
            f"AND kind IN ({marks}) LIMIT 1",
            (chat_id, local_day.isoformat(), *kinds),
        )
        return row is not None

    def pending_on_day(
        self, chat_id: int, local_day: date, kinds: tuple[str, ...]
    ) -> list[Delivery]:
        """One person's deliveries of `kinds` for that day still waiting to go."""
        marks = ",".join("?" * len(kinds))
        rows = self._rows(
            "SELECT * FROM deliveries WHERE chat_id = ? AND local_date = ? "
            f"AND status = 'pending' AND in_flight = 0 AND kind IN ({marks}) ORDER BY id",
            (chat_id, local_day.isoformat(), *kinds),
        )
        return [Delivery.from_row(row) for row in rows]

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

    def practices_done(self, chat_id: int) -> set[str]:
        """Ids of every practice in the person's finished sessions (their snapshotted steps)."""
        rows = self.db.query(
            "SELECT DISTINCT json_extract(step.value, '$.practice_id') AS id "
            "FROM sessions, json_each(sessions.plan) AS step WHERE sessions.chat_id = ? "
            "AND sessions.status = 'done' AND sessions.kind != 'preview'",
            (chat_id,),
        )
        return {row["id"] for row in rows}

    def open_session(
        self,
        chat_id: int,
        local_day: date,
        kind: str,
        title: str,
        steps: list[dict[str, Any]],
        now: datetime,
        *,
        day_number: int | None,
        content_version: int | None,
    ) -> Session:
        """Starts a session; the person's other active one is abandoned in the same write."""
        with self.db.atomic():
            self.abandon_sessions(chat_id)
            cursor = self.db.execute(
                "INSERT INTO sessions (chat_id, local_date, kind, title, content_version, plan, "
                "day_number, started_utc) VALUES (?,?,?,?,?,?,?,?)",
                (
                    chat_id,
                    local_day.isoformat(),
                    kind,
                    title,
                    content_version,
                    json.dumps(steps, ensure_ascii=False),
                    day_number,
                    to_db(now),
                ),
            )
        return self.session(cursor.lastrowid)

    def session(self, session_id: int) -> Session | None:
        row = self.one("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return None if row is None else Session.from_row(row)

    def active_session(self, chat_id: int) -> Session | None:
        row = self.one("SELECT * FROM sessions WHERE chat_id = ? AND status = 'active'", (chat_id,))
        return None if row is None else Session.from_row(row)

    def abandon_sessions(self, chat_id: int) -> int:
        cursor = self.db.execute(
            "UPDATE sessions SET status = 'abandoned', timer_due_utc = NULL "
            "WHERE chat_id = ? AND status = 'active'",
            (chat_id,),
        )
        return cursor.rowcount

    def begin_steps(self, session_id: int, now: datetime, tension_before: int | None) -> bool:
        """Records the tension tap (None: skipped) once; False if it was answered already."""
        cursor = self.db.execute(
            "UPDATE sessions SET tension_before = ?, steps_began_utc = ? "
            "WHERE id = ? AND status = 'active' AND steps_began_utc IS NULL",
            (tension_before, to_db(now), session_id),
        )
        return cursor.rowcount == 1

    def mark_gentle(self, session_id: int) -> None:
        self.db.execute("UPDATE sessions SET gentle = 1 WHERE id = ?", (session_id,))

    def program_days(self, chat_id: int, before: date) -> list[bool]:
        """Each day before `before` with a finished program session, oldest first: True for a
        full day, False for a light one (only the 5-minute version or a gentle day)."""
        rows = self.db.execute(
            "SELECT local_date, MAX(kind = 'daily' AND gentle = 0) AS full FROM sessions "
            "WHERE chat_id = ? AND status = 'done' AND kind IN ('daily', 'short') "
            "AND local_date < ? GROUP BY local_date ORDER BY local_date",
            (chat_id, before.isoformat()),
        ).fetchall()
        return [bool(full) for _, full in rows]

    def set_pain_before(self, session_id: int, pain: int | None) -> None:
        """Records the pain rated before a practice (None: skipped)."""
        self.db.execute("UPDATE sessions SET pain_before = ? WHERE id = ?", (pain, session_id))

    def pain_before(self, session_id: int) -> int | None:
        row = self.one("SELECT pain_before FROM sessions WHERE id = ?", (session_id,))
        return None if row is None else row["pain_before"]

    def move_session(self, session_id: int, *, from_step: int, to_step: int) -> bool:
        """Moves to another step only from `from_step`: a double tap can't skip a step."""
        cursor = self.db.execute(
            "UPDATE sessions SET step = ?, timer_due_utc = NULL "
            "WHERE id = ? AND status = 'active' AND step = ?",
            (to_step, session_id, from_step),
        )
        return cursor.rowcount == 1

    def set_session_message(self, session_id: int, message_id: int) -> None:
        """The message that shows the session now (edited in place by Next and Back)."""
        self.db.execute("UPDATE sessions SET message_id = ? WHERE id = ?", (message_id, session_id))

    def set_timer(self, session_id: int, step: int, due: datetime | None) -> bool:
        """Starts, extends (a later `due`) or ends (None) the timer of step `step`."""
        cursor = self.db.execute(
            "UPDATE sessions SET timer_due_utc = ? WHERE id = ? AND status = 'active' AND step = ?",
            (to_db(due), session_id, step),
        )
        return cursor.rowcount == 1

    def claim_timer(self, session_id: int, due: datetime) -> bool:
        """Clears a due timer; only the caller that gets True says "time's up" (never twice)."""
        cursor = self.db.execute(
            "UPDATE sessions SET timer_due_utc = NULL "
            "WHERE id = ? AND status = 'active' AND timer_due_utc = ?",
            (session_id, to_db(due)),
        )
        return cursor.rowcount == 1

    def due_timers(self, now: datetime, limit: int = 500) -> list[Session]:
        """Active sessions whose timer has run out, oldest first (uses sessions_timer)."""
        rows = self.db.query(
            "SELECT * FROM sessions WHERE timer_due_utc IS NOT NULL AND timer_due_utc <= ? "
            "AND status = 'active' ORDER BY timer_due_utc LIMIT ?",
            (to_db(now), limit),
        )
        return [Session.from_row(row) for row in rows]

    def running_timers(self) -> list[Session]:
        """Every session with a timer set: rebuilt as one-shot jobs at start-up."""
        rows = self.db.query(
            "SELECT * FROM sessions WHERE timer_due_utc IS NOT NULL AND status = 'active' "
            "ORDER BY timer_due_utc"
        )
        return [Session.from_row(row) for row in rows]

    def end_session(self, session_id: int, status: str, now: datetime) -> bool:
        """Closes an active session as 'done' (finished_utc set) or 'stopped'; once only."""
        if status not in {"done", "stopped"}:
            raise ValueError(f"not an end status: {status}")
        cursor = self.db.execute(
            "UPDATE sessions SET status = ?, timer_due_utc = NULL, "
            "finished_utc = CASE WHEN ? = 'done' THEN ? ELSE finished_utc END "
            "WHERE id = ? AND status = 'active'",
            (status, status, to_db(now), session_id),
        )
        return cursor.rowcount == 1

    def day_marks(self, chat_id: int) -> dict[date, tuple[str, int, int, str]]:
        """What /history says about days without a finished practice: ('skipped', 0, 0, '')
        for a day skipped from the reminder, ('stopped', step, of, practice title) for the
        furthest a stopped practice got that day."""
        marks: dict[date, tuple[str, int, int, str]] = {}
        for row in self.db.query(
            "SELECT local_date FROM deliveries WHERE chat_id = ? AND kind = 'skip'", (chat_id,)
        ):
            marks[date.fromisoformat(row["local_date"])] = ("skipped", 0, 0, "")
        for row in self.db.query(
            "SELECT local_date, step, plan FROM sessions WHERE chat_id = ? AND status = 'stopped' "
            "AND steps_began_utc IS NOT NULL ORDER BY id",
            (chat_id,),
        ):
            plan = json.loads(row["plan"])
            if not 0 <= row["step"] < len(plan):
                continue
            step = plan[row["step"]]
            marks[date.fromisoformat(row["local_date"])] = (
                "stopped",
                step["number"],
                step["of"],
                step["practice_title"],
            )
        return marks

    def reopen_session(self, session_id: int) -> bool:
        """A stopped session carries on where it stopped (its timer, if any, starts again by
        hand); once only, and never beside another active session."""
        cursor = self.db.execute(
            "UPDATE sessions SET status = 'active' WHERE id = ? AND status = 'stopped' "
            "AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.chat_id = sessions.chat_id "
            "AND s.status = 'active')",
            (session_id,),
        )
        return cursor.rowcount == 1

    # --- check-ins ---------------------------------------------------------------------------

    def open_checkin(
        self,
        chat_id: int,
        local_day: date,
        now: datetime,
        *,
        step: str,
        session_id: int | None = None,
    ) -> CheckInRow:
        """Opens the day's check-in, or reopens it (keeping every answer) when there is one.

        One row per person and local date: a second practice or an edit the same day goes
        into the same row. From a session, its `tension_before` is copied, and a finished
        (`done`) session answers "how did the practice go" with `full`.
        """
        tension_before = completion = None
        if session_id is not None:
            row = self.one(
                "SELECT tension_before, status FROM sessions WHERE id = ? AND chat_id = ?",
                (session_id, chat_id),
            )
            if row is None:
                session_id = None
            else:
                tension_before = row["tension_before"]
                completion = Completion.FULL.value if row["status"] == "done" else None
        with self.db.atomic():
            existing = self.checkin_for_day(chat_id, local_day)
            if existing is None:
                cursor = self.db.execute(
                    "INSERT INTO checkins (chat_id, session_id, local_date, step, status, "
                    "tension_before, completion, created_utc, updated_utc) "
                    "VALUES (?,?,?,?,'open',?,?,?,?)",
                    (
                        chat_id,
                        session_id,
                        local_day.isoformat(),
                        step,
                        tension_before,
                        completion,
                        to_db(now),
                        to_db(now),
                    ),
                )
                return self.checkin(cursor.lastrowid)
            self.db.execute(
                "UPDATE checkins SET step = ?, status = 'open', updated_utc = ?, "
                "session_id = COALESCE(?, session_id), "
                "tension_before = COALESCE(?, tension_before), "
                "completion = COALESCE(?, completion) WHERE id = ?",
                (step, to_db(now), session_id, tension_before, completion, existing.id),
            )
            return self.checkin(existing.id)

    def checkin(self, checkin_id: int) -> CheckInRow | None:
        row = self.one(_CHECKIN_SELECT + "WHERE c.id = ?", (checkin_id,))
        return None if row is None else CheckInRow.from_row(row)

    def checkin_for_day(self, chat_id: int, local_day: date) -> CheckInRow | None:
        """The person's check-in for that local date (the newest, should there be two)."""
        row = self.one(
            _CHECKIN_SELECT + "WHERE c.chat_id = ? AND c.local_date = ? ORDER BY c.id DESC LIMIT 1",
            (chat_id, local_day.isoformat()),
        )
        return None if row is None else CheckInRow.from_row(row)

    def save_answer(
        self, checkin_id: int, now: datetime, *, step: str | None, **answers: Any
    ) -> None:
        """Writes answers (columns tension, pain, areas, completion, note) and the next step.

        Each answer is written as it is given, so a restart or an abandoned check-in loses
        nothing. `step=None` leaves the step as it is; use `close_checkin` to finish.
        """
        allowed = {"tension", "pain", "areas", "completion", "note"}
        if not answers.keys() <= allowed:
            raise ValueError(f"not check-in answers: {sorted(answers.keys() - allowed)}")
        values = {name: _to_column(value) for name, value in answers.items()}
        if step is not None:
            values["step"] = step
        values["updated_utc"] = to_db(now)
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        self.db.execute(
            f"UPDATE checkins SET {assignments} WHERE id = :id", {**values, "id": checkin_id}
        )

    def close_checkin(self, checkin_id: int, now: datetime, status: str = "done") -> None:
        self.db.execute(
            "UPDATE checkins SET status = ?, step = NULL, updated_utc = ? WHERE id = ?",
            (status, to_db(now), checkin_id),
        )

    def close_abandoned(self, chat_id: int, today: date, now: datetime) -> int:
        """Closes the person's check-ins still open from before `today` as partial."""
        cursor = self.db.execute(
            "UPDATE checkins SET status = 'partial', step = NULL, updated_utc = ? "
            "WHERE chat_id = ? AND status = 'open' AND local_date < ?",
            (to_db(now), chat_id, today.isoformat()),
        )
        return cursor.rowcount

    def open_checkins_before(
        self, latest_day: date, limit: int = 1000
    ) -> list[tuple[int, date, str | None]]:
        """(chat id, local date, zone) of open check-ins dated before `latest_day`.

        The caller decides per person's zone whether the day is over (uses checkins_chat
        only by chat; open check-ins are few, so the scan stays small).
        """
        rows = self.db.query(
            "SELECT c.chat_id, c.local_date, s.zone FROM checkins c "
            "JOIN subscribers s ON s.chat_id = c.chat_id "
            "WHERE c.status = 'open' AND c.local_date < ? ORDER BY c.local_date, c.id LIMIT ?",
            (latest_day.isoformat(), limit),
        )
        return [(r["chat_id"], date.fromisoformat(r["local_date"]), r["zone"]) for r in rows]

    def checkins(self, chat_id: int, since: date | None = None) -> list[CheckIn]:
        """The person's check-ins from local date `since` on (all by default), oldest first,
        with `practised` from that day's sessions. The weekly summary reads two weeks, not
        years, for every subscriber on their summary day (uses checkins_chat)."""
        rows = self.db.query(
            "SELECT c.*, EXISTS (SELECT 1 FROM sessions s WHERE s.chat_id = c.chat_id "
            "AND s.local_date = c.local_date AND s.status = 'done' AND s.kind != 'preview') "
            "AS practised FROM checkins c WHERE c.chat_id = ? AND c.local_date >= ? "
            "ORDER BY c.local_date, c.id",
            (chat_id, since.isoformat() if since else ""),
        )
        return [CheckInRow.from_row(row).as_model(practised=bool(row["practised"])) for row in rows]

    def record_screen(self, chat_id: int, now: datetime, answer: str) -> None:
        """Keeps a red-flag screen answer ('yes' or 'no') and when it was given."""
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO safety_screens (chat_id, at_utc, answer) VALUES (?, ?, ?)",
                (chat_id, to_db(now), answer),
            )
            self.update_subscriber(chat_id, now, last_screen_utc=now)

    def safety_screens(self, chat_id: int) -> list[tuple[datetime, str]]:
        rows = self.db.query(
            "SELECT at_utc, answer FROM safety_screens WHERE chat_id = ? ORDER BY id", (chat_id,)
        )
        return [(from_db(r["at_utc"]), r["answer"]) for r in rows]

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

    # --- history and data rights -------------------------------------------------------------

    def set_summary_weekday(self, chat_id: int, now: datetime, weekday: int | None) -> None:
        """The weekly summary's day, 0 = Monday ... 6 = Sunday; None turns it off."""
        if weekday is not None and not 0 <= weekday <= 6:
            raise ValueError("weekday must be 0..6 or None")
        self.update_subscriber(
            chat_id, now, summary_weekday=SUMMARY_OFF if weekday is None else weekday
        )

    def personal_data(self, chat_id: int) -> PersonalData:
        """What /delete removes, counted for its confirmation message."""
        row = self.one(
            "SELECT "
            "(SELECT COUNT(*) FROM subscribers WHERE chat_id = :c) AS subscriber, "
            "(SELECT COUNT(*) FROM checkins WHERE chat_id = :c) AS checkins, "
            "(SELECT COUNT(*) FROM checkins WHERE chat_id = :c AND TRIM(COALESCE(note, '')) != '')"
            " AS notes, "
            "(SELECT COUNT(*) FROM sessions WHERE chat_id = :c) AS sessions, "
            "(SELECT COUNT(*) FROM deliveries WHERE chat_id = :c) AS deliveries, "
            "(SELECT COUNT(*) FROM safety_screens WHERE chat_id = :c) AS safety_screens, "
            "(SELECT COUNT(*) FROM pauses WHERE chat_id = :c) AS pauses",
            {"c": chat_id},
        )
        return PersonalData(
            subscriber=bool(row["subscriber"]),
            checkins=row["checkins"],
            notes=row["notes"],
            sessions=row["sessions"],
            deliveries=row["deliveries"],
            safety_screens=row["safety_screens"],
            pauses=row["pauses"],
        )

    def delete_person(self, chat_id: int) -> int:
        """Deletes every row holding the person's chat id in one transaction; returns how many.

        The subscriber row cascades to all m001 tables that link to it. Tables added later are
        swept first by their `chat_id` column, so a missing ON DELETE CASCADE can neither block
        the delete nor leave a row behind. `secure_delete` zeroes the freed space and the WAL is
        truncated afterwards, so notes do not linger in the file's free pages.
        """
        tables = [
            row["name"]
            for row in self.db.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'subscribers' "
                "AND name NOT LIKE 'sqlite_%'"
            )
        ]
        linked = [name for name in tables if "chat_id" in self.db[name].columns_dict]
        previous = self.one("PRAGMA secure_delete")["secure_delete"]
        self.db.execute("PRAGMA secure_delete = ON")
        removed = 0
        try:
            with self.db.atomic():
                for name in linked:
                    removed += self.db.execute(
                        f"DELETE FROM [{name}] WHERE chat_id = ?", (chat_id,)
                    ).rowcount
                removed += self.db.execute(
                    "DELETE FROM subscribers WHERE chat_id = ?", (chat_id,)
                ).rowcount
        finally:
            self.db.execute(f"PRAGMA secure_delete = {int(previous)}")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._languages.pop(chat_id, None)
        return removed

    # --- the person's language (bot/i18n.py) -------------------------------------------------

    # Asked on every update, so stored languages are kept in memory after the first read.
    # Only this block changes a stored language, so the copy cannot go stale. Bounded: a bot with
    # millions of people keeps the recent ones (a dropped one costs one indexed read).
    _LANGUAGES_KEPT = 100_000

    def language_of(self, chat_id: int, first_contact: str) -> str:
        """The person's language; on their first update with none stored, `first_contact`
        (from their Telegram app) is stored and used. Nothing is stored before they have a
        subscriber row (`ensure_subscriber` stores it with the row)."""
        language = self._languages.get(chat_id)
        if language is not None:
            return language
        row = self.one("SELECT language FROM subscribers WHERE chat_id = ?", (chat_id,))
        if row is None:
            return first_contact
        language = row["language"]
        if language is None:
            language = first_contact
            self.db.execute(
                "UPDATE subscribers SET language = ? WHERE chat_id = ? AND language IS NULL",
                (language, chat_id),
            )
        self._remember_language(chat_id, language)
        return language

    def set_language(self, chat_id: int, language: str, now: datetime) -> None:
        """The person's own choice (/language): replaces whatever was stored."""
        self.update_subscriber(chat_id, now, language=language)
        self._remember_language(chat_id, language)

    def _remember_language(self, chat_id: int, language: str) -> None:
        if len(self._languages) >= self._LANGUAGES_KEPT:
            self._languages.clear()
        self._languages[chat_id] = language

    # --- inline keyboards still current (bot/keyboards.py) ------------------------------------

    def keyboard_shown(
        self, chat_id: int, message_id: int, signature: str, now: datetime
    ) -> list[int]:
        """Records a message's keyboard as current. An older current keyboard with the same
        signature (the same question asked again) is superseded; returns those message ids."""
        with self.db.atomic():
            # Nearly every update shows a keyboard: a plain read, and the UPDATE only when
            # something is superseded (rarely): a read and two writes in the usual case.
            cursor = self._rows(
                "SELECT message_id FROM keyboards WHERE chat_id = ? AND live = 1 "
                "AND signature = ? AND message_id != ?",
                (chat_id, signature, message_id),
            )
            older = [row["message_id"] for row in cursor]
            if older:
                self.db.execute(
                    "UPDATE keyboards SET live = 0, updated_utc = ? WHERE chat_id = ? "
                    "AND live = 1 AND signature = ? AND message_id != ?",
                    (to_db(now), chat_id, signature, message_id),
                )
            self.db.execute(
                "INSERT OR REPLACE INTO keyboards "
                "(chat_id, message_id, signature, live, updated_utc) VALUES (?, ?, ?, 1, ?)",
                (chat_id, message_id, signature, to_db(now)),
            )
            # Closed rows only need to outlive the buttons a person might still scroll to.
            self.db.execute(
                "DELETE FROM keyboards WHERE chat_id = ? AND live = 0 AND updated_utc < ?",
                (chat_id, to_db(now - KEYBOARD_MEMORY)),
            )
        return older

    def keyboard_closed(self, chat_id: int, message_id: int, now: datetime) -> None:
        """The message's keyboard is gone (answered, removed by an edit, or deleted)."""
        self.db.execute(
            "UPDATE keyboards SET live = 0, updated_utc = ? WHERE chat_id = ? AND message_id = ?",
            (to_db(now), chat_id, message_id),
        )

    def keyboard_state(self, chat_id: int, message_id: int) -> bool | None:
        """True while current, False once closed, None for a message never recorded (sent
        before keyboards were tracked, or its record expired)."""
        row = self.one(
            "SELECT live FROM keyboards WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return None if row is None else bool(row["live"])

    def live_keyboards(self, chat_id: int, kind: str) -> list[int]:
        """Current keyboards in the chat holding buttons of `kind` (e.g. 'ob:t'), oldest first."""
        return [
            row["message_id"]
            for row in self.db.query(
                "SELECT message_id, signature FROM keyboards WHERE chat_id = ? AND live = 1 "
                "ORDER BY message_id",
                (chat_id,),
            )
            if kind in row["signature"].split(",")
        ]

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

    def content_versions(self, limit: int = 10) -> list[ContentVersion]:
        """The newest archived versions first, without their files."""
        rows = self.db.query(_VERSION_SELECT + "ORDER BY id DESC LIMIT ?", (limit,))
        return [ContentVersion.from_row(row) for row in rows]

    def content_version_info(self, version_id: int) -> ContentVersion | None:
        row = self.one(_VERSION_SELECT + "WHERE id = ?", (version_id,))
        return None if row is None else ContentVersion.from_row(row)

    def audit_entries(self, limit: int = 50) -> list[AuditEntry]:
        rows = self.db.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))
        return [AuditEntry.from_row(row) for row in rows]

    def add_pending_upload(
        self,
        admin_id: int,
        file_name: str,
        base: str,
        files: dict[str, str],
        summary: list[str],
        now: datetime,
    ) -> int:
        cursor = self.db.execute(
            "INSERT INTO pending_uploads (admin_id, file_name, base, files, summary, created_utc) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                admin_id,
                file_name,
                base,
                json.dumps(dict(files), ensure_ascii=False),
                "\n".join(summary),
                to_db(now),
            ),
        )
        return cursor.lastrowid

    def pending_upload(self, upload_id: int) -> PendingUpload | None:
        row = self.one("SELECT * FROM pending_uploads WHERE id = ?", (upload_id,))
        return None if row is None else PendingUpload.from_row(row)

    def expire_pending_uploads(self, before: datetime) -> int:
        """Uploads never applied nor cancelled by `before` are dropped (their files freed)."""
        cursor = self.db.execute(
            "UPDATE pending_uploads SET status = 'expired', files = '{}' "
            "WHERE status = 'pending' AND created_utc < ?",
            (to_db(before),),
        )
        return cursor.rowcount

    def close_pending_upload(self, upload_id: int, status: str) -> bool:
        """Moves a pending upload to applied or cancelled; False if it was not pending."""
        cursor = self.db.execute(
            "UPDATE pending_uploads SET status = ?, files = '{}' "
            "WHERE id = ? AND status = 'pending'",
            (status, upload_id),
        )
        return cursor.rowcount == 1

    def admin_stats(self, since: datetime, now: datetime) -> AdminStats:
        """Aggregate figures between `since` and `now`; never a row about one person."""
        counts = {
            row["status"]: row["n"]
            for row in self.db.query(
                "SELECT status, COUNT(*) AS n FROM subscribers GROUP BY status"
            )
        }
        window = (to_db(since), to_db(now))
        # A check-in counts for the rate once, on the day of a reminder that reached the
        # person: check-ins on demand would otherwise push it past 100%.
        reminders = self.one(
            "SELECT COUNT(*) AS due, COALESCE(SUM(status = 'sent'), 0) AS sent, "
            "COALESCE(SUM(status = 'sent' AND "
            "strftime('%s', sent_utc) - strftime('%s', due_utc) <= 120), 0) AS on_time, "
            "COALESCE(SUM(status = 'sent' AND EXISTS (SELECT 1 FROM checkins c "
            "WHERE c.chat_id = d.chat_id AND c.local_date = d.local_date)), 0) AS answered "
            "FROM deliveries d WHERE kind = 'reminder' AND due_utc >= ? AND due_utc <= ?",
            window,
        )
        checkins = self.one(
            "SELECT COUNT(*) AS n, COUNT(DISTINCT chat_id) AS people, "
            "AVG(tension) AS tension, AVG(pain) AS pain FROM checkins "
            "WHERE created_utc >= ? AND created_utc <= ? "
            "AND (tension IS NOT NULL OR pain IS NOT NULL)",
            window,
        )
        return AdminStats(
            subscribers=counts,
            reminders_due=reminders["due"],
            reminders_sent=reminders["sent"],
            reminders_on_time=reminders["on_time"],
            reminders_checked_in=reminders["answered"],
            checkins=checkins["n"],
            checkin_people=checkins["people"],
            avg_tension=checkins["tension"],
            avg_pain=checkins["pain"],
        )

    # Broadcasts go to active subscribers, except those on hold after answering Yes to the
    # red-flag questions: they were told not to practise, and news of practices says otherwise.
    _AUDIENCE = "status = 'active' AND NOT on_hold"

    def broadcast_audience(self) -> int:
        return self.one(f"SELECT COUNT(*) AS n FROM subscribers WHERE {self._AUDIENCE}")["n"]

    def create_broadcast(self, admin_id: int, text: str, now: datetime) -> int:
        cursor = self.db.execute(
            "INSERT INTO broadcasts (admin_id, text, created_utc) VALUES (?, ?, ?)",
            (admin_id, text, to_db(now)),
        )
        return cursor.lastrowid

    def broadcast(self, broadcast_id: int) -> Broadcast | None:
        row = self.one("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return None if row is None else Broadcast.from_row(row)

    def broadcasts_with_status(self, status: str) -> list[Broadcast]:
        rows = self.db.query("SELECT * FROM broadcasts WHERE status = ? ORDER BY id", (status,))
        return [Broadcast.from_row(row) for row in rows]

    def latest_sent_broadcast(self) -> Broadcast | None:
        row = self.one(
            "SELECT * FROM broadcasts WHERE status IN ('sending', 'done') ORDER BY id DESC LIMIT 1"
        )
        return None if row is None else Broadcast.from_row(row)

    def move_broadcast(self, broadcast_id: int, from_status: str, to_status: str) -> bool:
        """Compare-and-set on the status: a second tap on Send finds it moved already."""
        cursor = self.db.execute(
            "UPDATE broadcasts SET status = ? WHERE id = ? AND status = ?",
            (to_status, broadcast_id, from_status),
        )
        return cursor.rowcount == 1

    def queue_broadcast_batch(
        self, broadcast_id: int, local_day: date, due: datetime, *, after_chat: int, size: int
    ) -> tuple[int, int | None]:
        """A delivery row for each of the next `size` people in the audience after `after_chat`,
        in one transaction; returns (rows written, chat id to continue after, None when done).

        The rows are unique per (chat, date, kind), so running a batch twice (a restart in
        the middle) never sends anyone the broadcast twice.
        """
        kind = f"broadcast:{broadcast_id}"
        with self.db.atomic():
            batch = self.one(
                "SELECT MAX(chat_id) AS last, COUNT(*) AS n FROM (SELECT chat_id FROM subscribers "
                f"WHERE {self._AUDIENCE} AND chat_id > ? ORDER BY chat_id LIMIT ?)",
                (after_chat, size),
            )
            if not batch["n"]:
                return 0, None
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO deliveries (chat_id, local_date, kind, status, due_utc, "
                "send_after_utc) SELECT chat_id, ?, ?, 'pending', ?, ? FROM subscribers "
                f"WHERE {self._AUDIENCE} AND chat_id > ? AND chat_id <= ?",
                (local_day.isoformat(), kind, to_db(due), to_db(due), after_chat, batch["last"]),
            )
        return cursor.rowcount, batch["last"] if batch["n"] == size else None

    def broadcast_progress(self, broadcast_id: int) -> dict[str, int]:
        """Delivery rows of a broadcast by status (pending, sent, failed, skipped)."""
        rows = self.db.query(
            "SELECT status, COUNT(*) AS n FROM deliveries WHERE kind = ? GROUP BY status",
            (f"broadcast:{broadcast_id}",),
        )
        return {row["status"]: row["n"] for row in rows}


# --- content versions and audit log: values -------------------------------------------------

# A version without its files: the listing never loads whole content sets.
_VERSION_SELECT = "SELECT id, created_utc, admin_id, checksum, summary FROM content_versions "


@dataclass(frozen=True, slots=True)
class ContentVersion:
    id: int
    created_utc: datetime
    admin_id: int | None  # None: loaded at start-up
    checksum: str
    summary: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ContentVersion:
        return cls(
            id=row["id"],
            created_utc=from_db(row["created_utc"]),
            admin_id=row["admin_id"],
            checksum=row["checksum"],
            summary=row["summary"],
        )


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at_utc: datetime
    admin_id: int
    action: str
    result: str
    detail: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AuditEntry:
        return cls(
            at_utc=from_db(row["at_utc"]),
            admin_id=row["admin_id"],
            action=row["action"],
            result=row["result"],
            detail=row["detail"] or "",
        )


@dataclass(frozen=True, slots=True)
class PendingUpload:
    id: int
    admin_id: int
    file_name: str
    base: str
    files: dict[str, str]
    summary: str
    status: str
    created_utc: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PendingUpload:
        return cls(
            id=row["id"],
            admin_id=row["admin_id"],
            file_name=row["file_name"],
            base=row["base"],
            files=json.loads(row["files"]),
            summary=row["summary"],
            status=row["status"],
            created_utc=from_db(row["created_utc"]),
        )


@dataclass(frozen=True, slots=True)
class Broadcast:
    id: int
    admin_id: int
    text: str
    status: str  # draft, sending (rows being written), done (every row written), cancelled
    created_utc: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Broadcast:
        return cls(
            id=row["id"],
            admin_id=row["admin_id"],
            text=row["text"],
            status=row["status"],
            created_utc=from_db(row["created_utc"]),
        )


@dataclass(frozen=True, slots=True)
class AdminStats:
    """Counts and averages across everyone; the admin flow decides what is safe to show."""

    subscribers: dict[str, int]  # by status
    reminders_due: int
    reminders_sent: int
    reminders_on_time: int  # sent within two minutes of the due time
    reminders_checked_in: int  # sent, and the person checked in that (local) day
    checkins: int
    checkin_people: int
    avg_tension: float | None
    avg_pain: float | None


# --- history and data rights: values ---------------------------------------------------------

# subscribers.summary_weekday is NOT NULL (m001); a value outside 0..6 means "no weekly summary".
SUMMARY_OFF = -1


@dataclass(frozen=True, slots=True)
class PersonalData:
    """How much the bot holds about one person, by kind (what /delete removes)."""

    subscriber: bool
    checkins: int
    notes: int
    sessions: int
    deliveries: int
    safety_screens: int
    pauses: int

    @property
    def is_empty(self) -> bool:
        return not self.subscriber and not (
            self.checkins or self.sessions or self.deliveries or self.safety_screens or self.pauses
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
        db.execute("PRAGMA secure_delete = ON")  # deleted health data leaves no bytes behind
        db.execute("CREATE TABLE IF NOT EXISTS _probe (x)")  # fails now if read-only, not later
        db.execute("DROP TABLE _probe")
    except (OSError, sqlite3.Error) as err:
        raise StoreError(
            f"Cannot open the database at {path}: {err}. Set BOT_DB to a writable file path."
        ) from err
    return db
