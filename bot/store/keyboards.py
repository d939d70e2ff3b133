"""Which inline keyboards are still current (bot/keyboards.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.store.connection import Tables, to_db

# How long a closed keyboard is remembered: a button older than that is let through as unknown.
KEYBOARD_MEMORY = timedelta(days=60)
PRUNE_EVERY = timedelta(hours=6)  # how often one chat's expired rows are swept
SWEPT_REMEMBERED = 10_000  # chats whose last sweep is remembered (~1 MB)


class KeyboardQueries(Tables):
    _keyboards_swept: dict[int, datetime]  # chat -> its last sweep of expired rows (memory)

    def keyboard_shown(
        self, chat_id: int, message_id: int, signature: str, now: datetime
    ) -> list[int]:
        """Records a message's keyboard as current. An older current keyboard with the same
        signature (the same question asked again) is superseded; returns those message ids."""
        stamp = to_db(now)
        with self.db.atomic():
            # Nearly every update shows a keyboard, so two statements in one transaction: the
            # UPDATE finds (and closes) superseded ones itself, where a SELECT and an UPDATE
            # read the index twice; when nothing is superseded it writes nothing.
            older = [
                row[0]
                for row in self.db.execute(
                    "UPDATE keyboards SET live = 0, updated_utc = ? WHERE chat_id = ? "
                    "AND live = 1 AND signature = ? AND message_id != ? RETURNING message_id",
                    (stamp, chat_id, signature, message_id),
                ).fetchall()
            ]
            self.db.execute(
                "INSERT OR REPLACE INTO keyboards "
                "(chat_id, message_id, signature, live, updated_utc) VALUES (?, ?, ?, 1, ?)",
                (chat_id, message_id, signature, stamp),
            )
            if self._prune_due(chat_id, now):
                # Closed rows only need to outlive the buttons a person might still scroll
                # to: swept once a PRUNE_EVERY per chat, not on every keyboard shown.
                self.db.execute(
                    "DELETE FROM keyboards WHERE chat_id = ? AND live = 0 AND updated_utc < ?",
                    (chat_id, to_db(now - KEYBOARD_MEMORY)),
                )
        return sorted(older)

    def _prune_due(self, chat_id: int, now: datetime) -> bool:
        """Whether this chat's expired keyboard rows are due a sweep. Kept in memory: after a
        restart each chat is swept once more, which costs one DELETE and loses nothing."""
        swept = self._keyboards_swept
        last = swept.get(chat_id)
        if last is not None and timedelta(0) <= now - last < PRUNE_EVERY:
            return False
        if len(swept) >= SWEPT_REMEMBERED:
            swept.clear()  # a bound on memory; the next sweeps simply come sooner
        swept[chat_id] = now
        return True

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
        """Current keyboards in the chat holding buttons of `kind` (e.g. 'ob:t'), oldest first.
        Read at every typed answer: a plain cursor (see Tables._one), not query()'s savepoint."""
        return [
            row["message_id"]
            for row in self._rows(
                "SELECT message_id, signature FROM keyboards WHERE chat_id = ? AND live = 1 "
                "ORDER BY message_id",
                (chat_id,),
            )
            if kind in row["signature"].split(",")
        ]
