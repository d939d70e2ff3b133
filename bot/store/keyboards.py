"""Which inline keyboards are still current (bot/keyboards.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.store.connection import Tables, to_db

# How long a closed keyboard is remembered: a button older than that is let through as unknown.
KEYBOARD_MEMORY = timedelta(days=60)


class KeyboardQueries(Tables):
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
        row = self._one(
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
