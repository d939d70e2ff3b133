"""/stats: figures across everyone, never a row about one person."""

from __future__ import annotations

from datetime import datetime

from bot.store.connection import Tables, to_db
from bot.store.records import (
    AdminStats,
)


class StatsQueries(Tables):
    def admin_stats(self, since: datetime, now: datetime) -> AdminStats:
        """Aggregate figures between `since` and `now`; never a row about one person."""
        counts = {
            row["status"]: row["n"]
            for row in self.db.query(
                "SELECT status, COUNT(*) AS n FROM subscribers GROUP BY status"
            )
        }
        window = (to_db(since), to_db(now))
        # A check-in counts for the rate once, on the day of a reminder that reached the
        # person: check-ins on demand would otherwise push it past 100%.
        reminders = self._single(
            "SELECT COUNT(*) AS due, COALESCE(SUM(status = 'sent'), 0) AS sent, "
            "COALESCE(SUM(status = 'sent' AND "
            "strftime('%s', sent_utc) - strftime('%s', due_utc) <= 120), 0) AS on_time, "
            "COALESCE(SUM(status = 'sent' AND EXISTS (SELECT 1 FROM checkins c "
            "WHERE c.chat_id = d.chat_id AND c.local_date = d.local_date)), 0) AS answered "
            "FROM deliveries d WHERE kind = 'reminder' AND due_utc >= ? AND due_utc <= ?",
            window,
        )
        checkins = self._single(
            "SELECT COUNT(*) AS n, COUNT(DISTINCT chat_id) AS people, "
            "AVG(tension) AS tension, AVG(pain) AS pain FROM checkins "
            "WHERE created_utc >= ? AND created_utc <= ? "
            "AND (tension IS NOT NULL OR pain IS NOT NULL)",
            window,
        )
        return AdminStats(
            subscribers=counts,
            reminders_due=reminders["due"],
            reminders_sent=reminders["sent"],
            reminders_on_time=reminders["on_time"],
            reminders_checked_in=reminders["answered"],
            checkins=checkins["n"],
            checkin_people=checkins["people"],
            avg_tension=checkins["tension"],
            avg_pain=checkins["pain"],
        )
