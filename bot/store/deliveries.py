"""Deliveries: which subscribers fall due, and the log of every message the engine sends
(bot/sender.py) or decides not to send, one row per person, local date and kind."""

from __future__ import annotations

from datetime import date, datetime

from bot.models import DeliveryStatus
from bot.store.connection import Tables, from_db_required, to_db
from bot.store.records import (
    Delivery,
    Subscriber,
)


class DeliveryQueries(Tables):
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
        return [(from_db_required(due), count) for due, count in rows]

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
        status: str = DeliveryStatus.PENDING,
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
        row = self._one(
            "SELECT 1 FROM deliveries WHERE chat_id = ? AND local_date = ? AND kind = ?",
            (chat_id, local_day.isoformat(), kind),
        )
        return row is not None

    def was_sent(self, chat_id: int, local_day: date, kinds: tuple[str, ...]) -> bool:
        """True if a delivery of one of `kinds` reached the person that day (not one that was
        skipped or failed)."""
        marks = ",".join("?" * len(kinds))
        row = self._one(
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
        row = self._one("SELECT * FROM deliveries WHERE id = ?", (delivery_id,))
        return None if row is None else Delivery.from_row(row)
