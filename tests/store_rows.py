"""Test set-ups below the store's named methods: a subscriber's columns written directly, and
one row read by SQL. The bot itself never does either (bot/store/__init__.py); tests use these
to build a state in one line that would otherwise take a conversation. Store-level factories
(tests/factories.py) are the place for anything a test builds repeatedly."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.store import Store


def set_columns(store: Store, chat_id: int, now: datetime, **fields: Any) -> None:
    """Writes subscriber columns by name (dates, datetimes, enums converted as the store does)."""
    store._update_subscriber(chat_id, now, **fields)


def fetch_one(store: Store, sql: str, params: tuple | dict = ()) -> dict[str, Any] | None:
    """The first row of a query, as a dict (None if there is none)."""
    return store._one(sql, params)
