"""The SQLite store: schema migrations and named queries that return values, not rows.

One package, one concern per module, all over one connection:

- `connection.py`: opening the file (WAL, foreign keys, owner-only), the timestamp form, and
  the plain reads every group shares;
- `migrations.py`: the schema, as sqlite-utils migrations whose names never change;
- `records.py`: the frozen values the queries return, with an enum for every closed set;
- one module per group of tables: `subscribers.py` (with pauses, safety answers and the
  language), `deliveries.py`, `sessions.py`, `checkins.py`, `keyboards.py`, `content.py`
  (versions, audit log, uploads), `broadcasts.py`, `privacy.py` (/delete) and `stats.py`.

`Store` joins the groups: callers import it and the values from `bot.store` only. Nothing
outside the package writes SQL or names a column: each change is a named method.
"""

from __future__ import annotations

from pathlib import Path

from bot.models import (
    CheckinStatus,
    DeliveryKind,
    DeliveryStatus,
    SessionKind,
    SessionStatus,
    Status,
    broadcast_kind,
)
from bot.store.broadcasts import BroadcastQueries
from bot.store.checkins import CheckinQueries
from bot.store.connection import StoreError, date_from_db, from_db, open_database, to_db
from bot.store.content import ContentQueries
from bot.store.deliveries import DeliveryQueries
from bot.store.keyboards import KEYBOARD_MEMORY, KeyboardQueries
from bot.store.migrations import migrations
from bot.store.privacy import PrivacyQueries
from bot.store.records import (
    AdminStats,
    AuditEntry,
    Broadcast,
    BroadcastStatus,
    CheckInRow,
    ContentVersion,
    Delivery,
    PendingUpload,
    PersonalData,
    Session,
    Subscriber,
    UploadStatus,
)
from bot.store.sessions import SessionQueries
from bot.store.stats import StatsQueries
from bot.store.subscribers import SubscriberQueries

__all__ = [
    "KEYBOARD_MEMORY",
    "AdminStats",
    "AuditEntry",
    "Broadcast",
    "BroadcastStatus",
    "CheckInRow",
    "CheckinStatus",
    "ContentVersion",
    "Delivery",
    "DeliveryKind",
    "DeliveryStatus",
    "PendingUpload",
    "PersonalData",
    "Session",
    "SessionKind",
    "SessionStatus",
    "Status",
    "Store",
    "StoreError",
    "Subscriber",
    "UploadStatus",
    "broadcast_kind",
    "date_from_db",
    "from_db",
    "migrations",
    "to_db",
]


class Store(
    SubscriberQueries,
    DeliveryQueries,
    SessionQueries,
    CheckinQueries,
    KeyboardQueries,
    ContentQueries,
    BroadcastQueries,
    PrivacyQueries,
    StatsQueries,
):
    """Named queries over the bot's one SQLite file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.db = open_database(self.path)
        migrations.apply(self.db)
        self._languages: dict[int, str] = {}  # see SubscriberQueries.language_of
        self._keyboards_swept = {}  # see KeyboardQueries._prune_due
        self._none_abandoned = {}  # see CheckinQueries.none_abandoned

    def close(self) -> None:
        self.db.close()
