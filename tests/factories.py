"""Rows a test needs before it starts, written through the store's own methods.

Tests set up people, sessions and check-ins here rather than with SQL, so a renamed column or
a new rule in the store changes this file, not the tests. Each factory takes the Store and the
moment to record, and returns the record the store returns. Where no store method can make
the row a test needs (data the bot would refuse to write today), the factory says so and is the
one place that knows the schema.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from bot.models import Status
from bot.store import CheckInRow, Session, Store, Subscriber, to_db
from tests.store_rows import set_columns


def add_person(
    store: Store,
    chat_id: int,
    now: datetime,
    *,
    status: Status = Status.ACTIVE,
    zone: str = "Europe/Berlin",
    remind_at: str = "07:30",
) -> Subscriber:
    """A subscriber as onboarding leaves one (onboarding has its own tests)."""
    store.ensure_subscriber(chat_id, now)
    set_columns(store, chat_id, now, status=status, zone=zone, remind_at=remind_at)
    subscriber = store.subscriber(chat_id)
    assert subscriber is not None
    return subscriber


def add_session(
    store: Store,
    chat_id: int,
    local_day: date,
    now: datetime,
    *,
    tension_before: int | None,
    status: str = "done",
    title: str = "Constructive rest",
    kind: str = "daily",
) -> Session:
    """A practice session started and answered at `now`, then ended as `status` ("done",
    "stopped") or left "active"."""
    session = store.open_session(
        chat_id, local_day, kind, title, [], now, day_number=None, content_version=None
    )
    store.begin_steps(session.id, now, tension_before)
    if status != "active":
        store.end_session(session.id, status, now)
    ended = store.session(session.id)
    assert ended is not None
    return ended


def add_checkin(
    store: Store, chat_id: int, local_day: date, now: datetime, *, tension: int, pain: int
) -> CheckInRow:
    """A finished check-in of the day with its two ratings, answered at `now`."""
    checkin = store.open_checkin(chat_id, local_day, now, step="tension")
    store.save_answer(checkin.id, now, step=None, tension=tension, pain=pain)
    store.close_checkin(checkin.id, now)
    done = store.checkin(checkin.id)
    assert done is not None
    return done


def add_unvalidated_content_version(
    store: Store, files: dict[str, str], now: datetime, summary: str = "old"
) -> None:
    """An archived content version that no longer passes the content checks (written by an
    older bot). The store archives only content that passes them, so this one is SQL."""
    store.db.execute(
        "INSERT INTO content_versions (created_utc, admin_id, checksum, summary, files) "
        "VALUES (?, NULL, 'x', ?, ?)",
        (to_db(now), summary, json.dumps(files, ensure_ascii=False)),
    )


def sessions_of(store: Store, chat_id: int) -> list[Session]:
    """Every session of the person, oldest first, as the store's records: the store has no
    query for sessions that are no longer active, and tests read them by field, not column."""
    rows = store.db.query("SELECT id FROM sessions WHERE chat_id = ? ORDER BY id", (chat_id,))
    return [session for row in rows if (session := store.session(row["id"])) is not None]
