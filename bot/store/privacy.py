"""The person's data rights: what is held about them (/delete counts it) and deleting it all."""

from __future__ import annotations

from bot.store.connection import Tables
from bot.store.records import (
    PersonalData,
)


class PrivacyQueries(Tables):
    def personal_data(self, chat_id: int) -> PersonalData:
        """What /delete removes, counted for its confirmation message."""
        row = self._single(
            "SELECT "
            "(SELECT COUNT(*) FROM subscribers WHERE chat_id = :c) AS subscriber, "
            "(SELECT COUNT(*) FROM checkins WHERE chat_id = :c) AS checkins, "
            "(SELECT COUNT(*) FROM checkins WHERE chat_id = :c AND TRIM(COALESCE(note, '')) != '')"
            " AS notes, "
            "(SELECT COUNT(*) FROM sessions WHERE chat_id = :c) AS sessions, "
            "(SELECT COUNT(*) FROM deliveries WHERE chat_id = :c) AS deliveries, "
            "(SELECT COUNT(*) FROM safety_screens WHERE chat_id = :c) AS safety_screens, "
            "(SELECT COUNT(*) FROM pauses WHERE chat_id = :c) AS pauses",
            {"c": chat_id},
        )
        return PersonalData(
            subscriber=bool(row["subscriber"]),
            checkins=row["checkins"],
            notes=row["notes"],
            sessions=row["sessions"],
            deliveries=row["deliveries"],
            safety_screens=row["safety_screens"],
            pauses=row["pauses"],
        )

    def delete_person(self, chat_id: int) -> int:
        """Deletes every row holding the person's chat id in one transaction; returns how many.

        The subscriber row cascades to all m001 tables that link to it. Tables added later are
        swept first by their `chat_id` column, so a missing ON DELETE CASCADE can neither block
        the delete nor leave a row behind. `secure_delete` zeroes the freed space and the WAL is
        truncated afterwards, so notes do not linger in the file's free pages.
        """
        tables = [
            row["name"]
            for row in self.db.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'subscribers' "
                "AND name NOT LIKE 'sqlite_%'"
            )
        ]
        linked = [name for name in tables if "chat_id" in self.db[name].columns_dict]
        previous = self._single("PRAGMA secure_delete")["secure_delete"]
        self.db.execute("PRAGMA secure_delete = ON")
        removed = 0
        try:
            with self.db.atomic():
                for name in linked:
                    removed += self.db.execute(
                        f"DELETE FROM [{name}] WHERE chat_id = ?", (chat_id,)
                    ).rowcount
                removed += self.db.execute(
                    "DELETE FROM subscribers WHERE chat_id = ?", (chat_id,)
                ).rowcount
        finally:
            self.db.execute(f"PRAGMA secure_delete = {int(previous)}")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._languages.pop(chat_id, None)
        return removed
