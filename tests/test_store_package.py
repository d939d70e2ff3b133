"""The store as a package (bot/store/): the schema history an existing database depends on,
the values it stores, the names the rest of the bot imports, and named writes only."""

from __future__ import annotations

import ast
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import bot.store
from bot.models import (
    CheckinStatus,
    DeliveryKind,
    DeliveryStatus,
    SessionKind,
    SessionStatus,
    Status,
    broadcast_kind,
)
from bot.store import BroadcastStatus, Store, UploadStatus

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
CHAT = 4242

# Copied from bot/store.py as it was before the split. sqlite-utils records each migration by
# name in _sqlite_migrations: a renamed or reordered one would run again on every database.
MIGRATIONS = [
    "m001_initial",
    "m002_practice_sessions",
    "m002_admin_uploads",
    "m003_open_checkins",
    "m004_screen_offered",
    "m005_keyboards",
    "m006_pain_before",
    "m007_subscriber_language",
]


@pytest.fixture
def store(tmp_path: Path):
    opened = Store(tmp_path / "bot.db")
    yield opened
    opened.close()


def applied(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'bot' ORDER BY id"
        ).fetchall()
    return [name for (name,) in rows]


def schema(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
        ).fetchall()


def test_migrations_keep_their_names_and_order(tmp_path):
    path = tmp_path / "bot.db"
    Store(path).close()
    assert applied(path) == MIGRATIONS


def test_an_existing_database_opens_unchanged(tmp_path):
    path = tmp_path / "bot.db"
    first = Store(path)
    first.ensure_subscriber(CHAT, NOW)
    first.close()
    before = schema(path)
    again = Store(path)
    try:
        assert again.subscriber(CHAT) is not None
    finally:
        again.close()
    assert schema(path) == before
    assert applied(path) == MIGRATIONS  # nothing ran twice, nothing new ran


def test_a_database_from_before_the_last_migration_is_brought_up_to_date(tmp_path):
    path = tmp_path / "bot.db"
    Store(path).close()
    with sqlite3.connect(path) as db:  # as a database written before m007 looks
        db.execute("ALTER TABLE subscribers DROP COLUMN language")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm007_subscriber_language'")
    store = Store(path)
    try:
        store.ensure_subscriber(CHAT, NOW, "ru")
        assert store.subscriber(CHAT).language == "ru"
    finally:
        store.close()
    assert applied(path) == MIGRATIONS


@pytest.mark.parametrize(
    ("enum", "stored"),
    [
        (Status, ["new", "active", "paused", "stopped", "blocked"]),
        (SessionKind, ["daily", "short", "library", "preview"]),
        (SessionStatus, ["active", "done", "stopped", "abandoned"]),
        (DeliveryKind, ["reminder", "snooze", "followup", "weekly", "skip", "broadcast"]),
        (DeliveryStatus, ["pending", "sent", "failed", "skipped"]),
        (CheckinStatus, ["open", "done", "partial"]),
        (UploadStatus, ["pending", "applied", "cancelled", "expired"]),
        (BroadcastStatus, ["draft", "sending", "done", "cancelled"]),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_every_closed_set_stores_the_same_text_as_before(enum, stored):
    # The rows already in people's databases hold these words; an enum renamed by mistake
    # would no longer read them.
    assert [member.value for member in enum] == stored
    assert all(member == member.value and str(member) == member.value for member in enum)


def test_records_read_back_as_enums_from_the_stored_text(store):
    store.ensure_subscriber(CHAT, NOW)
    session = store.open_session(
        CHAT, TODAY, "daily", "Constructive rest", [], NOW, day_number=1, content_version=None
    )
    assert session.kind is SessionKind.DAILY and session.status is SessionStatus.ACTIVE
    store.end_session(session.id, SessionStatus.DONE, NOW)
    assert store.session(session.id).status is SessionStatus.DONE
    store.add_delivery(CHAT, TODAY, DeliveryKind.REMINDER, NOW)
    store.add_delivery(CHAT, TODAY, broadcast_kind(7), NOW)
    reminder, broadcast = store.deliveries(CHAT)
    assert reminder.status is DeliveryStatus.PENDING and reminder.kind == "reminder"
    assert broadcast.kind == "broadcast:7"
    checkin = store.open_checkin(CHAT, TODAY, NOW, step="tension", session_id=session.id)
    assert checkin.status is CheckinStatus.OPEN
    store.close_checkin(checkin.id, NOW, CheckinStatus.PARTIAL)
    assert store.checkin(checkin.id).status is CheckinStatus.PARTIAL
    broadcast_id = store.create_broadcast(1, "News", NOW)
    assert store.broadcast(broadcast_id).status is BroadcastStatus.DRAFT
    upload = store.add_pending_upload(1, "program.md", "base", {"a.md": "x"}, [], NOW)
    store.close_pending_upload(upload, UploadStatus.APPLIED)
    assert store.pending_upload(upload).status is UploadStatus.APPLIED
    raw = store.db.execute(
        "SELECT (SELECT status FROM sessions), (SELECT kind FROM sessions), "
        "(SELECT status FROM checkins), (SELECT status FROM pending_uploads)"
    ).fetchone()
    assert raw == ("done", "daily", "partial", "applied")


def test_each_setting_is_one_named_write(store):
    store.ensure_subscriber(CHAT, NOW)
    store.set_zone(CHAT, NOW, "Europe/Berlin", awaiting="time")
    after_zone = store.subscriber(CHAT)
    assert (after_zone.zone, after_zone.awaiting, after_zone.status) == (
        "Europe/Berlin",
        "time",
        Status.NEW,
    )
    store.set_reminder_time(CHAT, NOW, "07:30")
    assert store.subscriber(CHAT).status is Status.NEW  # choosing alone does not subscribe
    store.set_reminder_time(CHAT, NOW, "07:30", subscribe=True)
    subscribed = store.subscriber(CHAT)
    assert (subscribed.remind_at, subscribed.awaiting, subscribed.status) == (
        "07:30",
        None,
        Status.ACTIVE,
    )
    due = NOW + timedelta(hours=13, minutes=30)
    store.set_next_due(CHAT, NOW, due)
    assert store.subscriber(CHAT).next_due_utc == due
    store.set_next_due(CHAT, NOW, None)
    assert store.subscriber(CHAT).next_due_utc is None
    store.set_followup(CHAT, NOW, True)
    assert store.subscriber(CHAT).followup is True
    store.set_gentle_until(CHAT, NOW, TODAY + timedelta(days=3))
    assert store.subscriber(CHAT).gentle_until == TODAY + timedelta(days=3)
    store.mark_screen_offered(CHAT, NOW)
    assert store.subscriber(CHAT).screen_offered_utc == NOW
    store.hold(CHAT, NOW)
    assert store.subscriber(CHAT).on_hold
    store.end_hold(CHAT, NOW, gentle_until=TODAY + timedelta(days=5))
    held = store.subscriber(CHAT)
    assert not held.on_hold and held.gentle_until == TODAY + timedelta(days=5)
    later = NOW + timedelta(minutes=1)
    store.set_next_due(CHAT, later, due)
    row = store.db.execute(
        "SELECT updated_utc FROM subscribers WHERE chat_id = ?", (CHAT,)
    ).fetchone()
    assert row == ("2026-11-23T18:01:00Z",)


def test_the_weekly_summary_day_reads_none_when_off(store):
    """Off is None in the record; the column (NOT NULL, default Sunday) keeps -1 for it, so a
    database written by an earlier bot reads the same."""
    store.ensure_subscriber(CHAT, NOW)
    assert store.subscriber(CHAT).summary_weekday == 6  # the column's default: Sunday
    store.set_summary_weekday(CHAT, NOW, None)
    assert store.subscriber(CHAT).summary_weekday is None
    stored = store.db.execute("SELECT summary_weekday FROM subscribers").fetchone()
    assert stored == (-1,)  # what earlier bots wrote and read as off
    store.set_summary_weekday(CHAT, NOW, 0)
    assert store.subscriber(CHAT).summary_weekday == 0
    with pytest.raises(ValueError):
        store.set_summary_weekday(CHAT, NOW, 7)
    assert store.subscriber(CHAT).summary_weekday == 0


def python_files(*folders: str) -> list[Path]:
    return [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]


def test_every_name_imported_from_the_store_is_still_there():
    wanted: dict[str, set[str]] = {}
    for path in python_files("bot", "bench", "tests"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "bot.store":
                for alias in node.names:
                    wanted.setdefault(alias.name, set()).add(path.name)
    assert {"Store", "Subscriber", "Status", "Delivery", "to_db"} <= wanted.keys()
    missing = {name: files for name, files in wanted.items() if not hasattr(bot.store, name)}
    assert missing == {}


# Below the named methods: raw SQL and writes by column name stay inside bot/store/.
RAW_ACCESS = {"one", "_one", "update_subscriber", "_update_subscriber"}


def test_no_code_outside_the_store_writes_columns_or_sql_through_it():
    found = []
    for path in python_files("bot", "bench"):
        if path.is_relative_to(ROOT / "bot" / "store"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if call and node.func.attr in RAW_ACCESS:  # a call: `Plural.one` is a field
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.func.attr}")
    assert found == []
