"""Test set-ups and reads below the store's named methods: a subscriber's columns written
directly, one row read by SQL, what no record carries (when a delivery went out), and the whole
database at once. The bot itself never does any of these (bot/store/__init__.py); tests use them
to build a state in one line that would otherwise take a conversation, or to check what no
store method returns. Store-level factories (tests/factories.py) are the place for anything a
test builds repeatedly."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from bot.store import Delivery, Store, from_db


def set_columns(store: Store, chat_id: int, now: datetime, **fields: Any) -> None:
    """Writes subscriber columns by name (dates, datetimes, enums converted as the store does)."""
    store._update_subscriber(chat_id, now, **fields)


def fetch_one(store: Store, sql: str, params: tuple | dict = ()) -> dict[str, Any] | None:
    """The first row of a query, as a dict (None if there is none)."""
    return store._one(sql, params)


def sent_at(store: Store, delivery: Delivery) -> datetime | None:
    """When the delivery went out (None: not sent). No record carries it: the bot writes it
    for the log and never reads it back."""
    row = fetch_one(store, "SELECT sent_utc FROM deliveries WHERE id = ?", (delivery.id,))
    return None if row is None else from_db(row["sent_utc"])


def rows_by_owner(store: Store) -> dict[str, dict[int | None, list[tuple]]]:
    """Every row of every table, grouped by the chat it belongs to (None: nobody's): read by
    the schema itself, so a new table or column is covered without a change here."""
    db: sqlite3.Connection = store.db.conn
    tables = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    grouped: dict[str, dict[int | None, list[tuple]]] = {}
    for table in tables:
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
        owner = columns.index("chat_id") if "chat_id" in columns else None
        by_owner: dict[int | None, list[tuple]] = {}
        for row in db.execute(f"SELECT * FROM {table} ORDER BY rowid"):
            by_owner.setdefault(row[owner] if owner is not None else None, []).append(row)
        grouped[table] = by_owner
    return grouped
