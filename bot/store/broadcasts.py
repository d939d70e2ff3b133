"""Broadcasts: the admin's message to everyone, queued in batches as delivery rows."""

from __future__ import annotations

from datetime import date, datetime

from bot.models import broadcast_kind
from bot.store.connection import Tables, inserted_id, to_db
from bot.store.records import (
    Broadcast,
)


class BroadcastQueries(Tables):
    # Broadcasts go to active subscribers, except those on hold after answering Yes to the
    # red-flag questions: they were told not to practise, and news of practices says otherwise.
    _AUDIENCE = "status = 'active' AND NOT on_hold"

    def broadcast_audience(self) -> int:
        return self._single(f"SELECT COUNT(*) AS n FROM subscribers WHERE {self._AUDIENCE}")["n"]

    def create_broadcast(self, admin_id: int, text: str, now: datetime) -> int:
        cursor = self.db.execute(
            "INSERT INTO broadcasts (admin_id, text, created_utc) VALUES (?, ?, ?)",
            (admin_id, text, to_db(now)),
        )
        return inserted_id(cursor)

    def broadcast(self, broadcast_id: int) -> Broadcast | None:
        row = self._one("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return None if row is None else Broadcast.from_row(row)

    def broadcasts_with_status(self, status: str) -> list[Broadcast]:
        rows = self.db.query("SELECT * FROM broadcasts WHERE status = ? ORDER BY id", (status,))
        return [Broadcast.from_row(row) for row in rows]

    def latest_sent_broadcast(self) -> Broadcast | None:
        row = self._one(
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
        kind = broadcast_kind(broadcast_id)
        with self.db.atomic():
            batch = self._single(
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
            (broadcast_kind(broadcast_id),),
        )
        return {row["status"]: row["n"] for row in rows}
