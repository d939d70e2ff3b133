"""The connection: opening the file, the one timestamp form, and the reads every table uses.

One file, WAL journal, foreign keys on. Every timestamp is UTC text in one fixed-width form
(`2026-11-22T07:30:00Z`) so that string order is time order and indexes serve range queries.
Local dates are ISO dates in the subscriber's own zone.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from sqlite_utils import Database


class StoreError(Exception):
    """The database cannot be opened or written; the message says what to fix."""


def to_db(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetimes never reach the database")
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    # isoformat is C and always four digits of year; strftime took ~40% longer, and an update
    # writes five to ten timestamps.
    return moment.isoformat(timespec="seconds")[:19] + "Z"


def from_db(text: str | None) -> datetime | None:
    if text is None:
        return None
    if len(text) == 20 and text[10] == "T" and text[19] == "Z":
        # The one form to_db writes; fromisoformat reads it ~80x faster than strptime.
        # try, not contextlib.suppress: entering a context manager cost more than the parse.
        try:
            return datetime.fromisoformat(text)
        except ValueError:  # malformed: strptime below gives the usual error
            pass
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def from_db_required(text: str) -> datetime:
    """A NOT NULL column's timestamp: as `from_db`, with no None for callers to rule out."""
    moment = from_db(text)
    if moment is None:
        raise ValueError("a NOT NULL timestamp column held NULL")
    return moment


def date_from_db(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


class Tables:
    """What every group of queries (bot/store/*.py) shares: the open database and the plain
    reads. `Store` (bot/store/__init__.py) is all the groups over one connection."""

    db: Database
    _languages: dict[int, str]  # see SubscriberQueries.language_of; privacy drops entries

    @contextmanager
    def atomic(self) -> Iterator[None]:
        with self.db.atomic():
            yield

    def _one(self, sql: str, params: tuple | dict = ()) -> dict[str, Any] | None:
        # A plain cursor: sqlite-utils' query() wraps every SELECT in a savepoint (two more
        # statements), which the sender and the handlers pay several times per message.
        # Private: raw SQL stays inside the store; everyone else calls a named query.
        cursor = self._rows(sql, params)
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        return None if row is None else dict(row)

    def _single(self, sql: str, params: tuple | dict = ()) -> dict[str, Any]:
        """The row of a query that always has one: an aggregate (COUNT, MAX) or a PRAGMA."""
        row = self._one(sql, params)
        assert row is not None, "an aggregate or a PRAGMA always returns a row"
        return row

    def _rows(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        """A plain read on the hot paths (sender, due query): sqlite3.Row is indexed by name
        in C, where sqlite-utils' query() builds a dict per row inside a savepoint."""
        cursor = self.db.conn.cursor()
        cursor.row_factory = sqlite3.Row
        return cursor.execute(sql, params)


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just wrote."""
    assert cursor.lastrowid is not None, "called after an INSERT"
    return cursor.lastrowid


def to_column(value: Any) -> Any:
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


def open_database(path: Path) -> Database:
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
