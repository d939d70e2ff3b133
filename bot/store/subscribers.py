"""Subscribers: who they are, where they stand, their pauses, safety answers and language.

A subscriber changes by named writes only: `apply` for a change of status (bot/subscription.py)
and one small method per setting, so no caller names a column.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from bot.models import Status
from bot.store.connection import Tables, from_db_required, to_column, to_db
from bot.store.records import Subscriber, summary_weekday_to_db
from bot.subscription import KEEP, SubscriberChange


class SubscriberQueries(Tables):
    def subscriber(self, chat_id: int) -> Subscriber | None:
        cursor = self._rows("SELECT * FROM subscribers WHERE chat_id = ?", (chat_id,))
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        return None if row is None else Subscriber.from_row(row)

    def ensure_subscriber(
        self, chat_id: int, now: datetime, language: str | None = None
    ) -> tuple[Subscriber, bool]:
        """Returns the subscriber, creating a 'new' one on first contact; the flag says created.

        `language` is stored only when the row is created: a stored choice is never replaced."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO subscribers (chat_id, created_utc, updated_utc, language) "
            "VALUES (?, ?, ?, ?)",
            (chat_id, to_db(now), to_db(now), language),
        )
        created = cursor.rowcount == 1
        subscriber = self.subscriber(chat_id)
        assert subscriber is not None, "written or found just now"
        return subscriber, created

    def _update_subscriber(self, chat_id: int, now: datetime, **fields: Any) -> None:
        """Writes the given columns; dates, datetimes, enums and dicts are converted here.
        Private: the column names come from this module's named writes, never from a caller."""
        values = {name: to_column(value) for name, value in fields.items()}
        values["updated_utc"] = to_db(now)
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        self.db.execute(
            f"UPDATE subscribers SET {assignments} WHERE chat_id = :chat_id",
            {**values, "chat_id": chat_id},
        )

    def apply(self, chat_id: int, change: SubscriberChange, now: datetime) -> None:
        """Writes a change of status (bot/subscription.py): pauses first, then the columns.
        Call it inside `atomic()` with anything else that belongs to the same change."""
        if change.close_pauses_after is not None:
            self.end_pause(chat_id, change.close_pauses_after)
        if change.new_pause is not None:
            self.start_pause(chat_id, change.new_pause.start, change.new_pause.last)
        fields: dict[str, Any] = {"status": change.status}
        if change.paused_until is not KEEP:
            fields["paused_until"] = change.paused_until
        if change.next_due_utc is not KEEP:
            fields["next_due_utc"] = change.next_due_utc
        if change.clear_awaiting:
            fields["awaiting"] = None
        self._update_subscriber(chat_id, now, **fields)

    def awaiting_step(self, chat_id: int) -> str | None:
        """The step the person's typed answers go to; None when none is awaited or there is
        no such person. Read after every typed answer to see whether it was taken: one column,
        where the whole row costs ~5x as much to read and convert."""
        row = self._one("SELECT awaiting FROM subscribers WHERE chat_id = ?", (chat_id,))
        return None if row is None else row["awaiting"]

    def set_awaiting(
        self, chat_id: int, now: datetime, step: str | None, data: dict[str, Any] | None = None
    ) -> None:
        """The step the person's typed answers go to, with its data (ids, the message asked).
        Written about 1.5 times an update: one fixed statement, as _update_subscriber would
        build it."""
        self.db.execute(
            "UPDATE subscribers SET awaiting = ?, awaiting_data = ?, updated_utc = ? "
            "WHERE chat_id = ?",
            (step, to_column(data or {}), to_db(now), chat_id),
        )

    # --- one named write per setting: the flows, the engine and the demo call these ---------

    def set_zone(self, chat_id: int, now: datetime, zone: str, *, awaiting: str | None) -> None:
        """The person's time zone (an IANA name), with the question to ask next, if any."""
        self._update_subscriber(chat_id, now, zone=zone, awaiting=awaiting)

    def set_reminder_time(
        self, chat_id: int, now: datetime, remind_at: str, *, subscribe: bool = False
    ) -> None:
        """The daily reminder's local time ('HH:MM'), answering the time question. With
        `subscribe`, choosing it finishes setting up: the person becomes active."""
        fields: dict[str, Any] = {"remind_at": remind_at, "awaiting": None}
        if subscribe:
            fields["status"] = Status.ACTIVE
        self._update_subscriber(chat_id, now, **fields)

    def set_next_due(self, chat_id: int, now: datetime, due: datetime | None) -> None:
        """When the next reminder falls due (None: none is scheduled). On the engine's hot
        path, so one fixed statement."""
        self.db.execute(
            "UPDATE subscribers SET next_due_utc = ?, updated_utc = ? WHERE chat_id = ?",
            (to_db(due), to_db(now), chat_id),
        )

    def set_followup(self, chat_id: int, now: datetime, on: bool) -> None:
        """Whether the person wants the one gentle follow-up a day."""
        self._update_subscriber(chat_id, now, followup=on)

    def set_gentle_until(self, chat_id: int, now: datetime, until: date | None) -> None:
        """The last day the program steps back to gentle release (None: not stepping back)."""
        self._update_subscriber(chat_id, now, gentle_until=until)

    def mark_screen_offered(self, chat_id: int, now: datetime) -> None:
        """The red-flag questions were sent now (answered or not: bot/safety.py, screen_due)."""
        self._update_subscriber(chat_id, now, screen_offered_utc=now)

    def hold(self, chat_id: int, now: datetime) -> None:
        """A red-flag answer: the program is on hold until the person chooses to go on."""
        self._update_subscriber(chat_id, now, on_hold=True)

    def end_hold(self, chat_id: int, now: datetime, *, gentle_until: date | None) -> None:
        """The person goes on after a red flag, gently until `gentle_until`."""
        self._update_subscriber(chat_id, now, on_hold=False, gentle_until=gentle_until)

    def record_screen(self, chat_id: int, now: datetime, answer: str) -> None:
        """Keeps a red-flag screen answer ('yes' or 'no') and when it was given."""
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO safety_screens (chat_id, at_utc, answer) VALUES (?, ?, ?)",
                (chat_id, to_db(now), answer),
            )
            self._update_subscriber(chat_id, now, last_screen_utc=now)

    def safety_screens(self, chat_id: int) -> list[tuple[datetime, str]]:
        rows = self.db.query(
            "SELECT at_utc, answer FROM safety_screens WHERE chat_id = ? ORDER BY id", (chat_id,)
        )
        return [(from_db_required(r["at_utc"]), r["answer"]) for r in rows]

    # --- pauses --------------------------------------------------------------------------------

    def start_pause(self, chat_id: int, start: date, end: date | None) -> None:
        self.db.execute(
            "INSERT INTO pauses (chat_id, start_date, end_date) VALUES (?, ?, ?)",
            (chat_id, start.isoformat(), end.isoformat() if end else None),
        )

    def end_pause(self, chat_id: int, last_paused_day: date) -> None:
        """Closes open or future-ending pauses at `last_paused_day`; a pause of no days goes."""
        self.db.execute(
            "UPDATE pauses SET end_date = ? "
            "WHERE chat_id = ? AND (end_date IS NULL OR end_date > ?)",
            (last_paused_day.isoformat(), chat_id, last_paused_day.isoformat()),
        )
        self.db.execute(
            "DELETE FROM pauses WHERE chat_id = ? AND end_date < start_date", (chat_id,)
        )

    def paused_dates(self, chat_id: int, until: date) -> set[date]:
        """Every local date the person was paused, up to `until` (open pauses run to it)."""
        days: set[date] = set()
        for row in self.db.query(
            "SELECT start_date, end_date FROM pauses WHERE chat_id = ?", (chat_id,)
        ):
            day = date.fromisoformat(row["start_date"])
            end = min(date.fromisoformat(row["end_date"]) if row["end_date"] else until, until)
            while day <= end:
                days.add(day)
                day += timedelta(days=1)
        return days

    # --- the weekly summary's day ----------------------------------------------------------

    def set_summary_weekday(self, chat_id: int, now: datetime, weekday: int | None) -> None:
        """The weekly summary's day, 0 = Monday ... 6 = Sunday; None turns it off."""
        if weekday is not None and not 0 <= weekday <= 6:
            raise ValueError("weekday must be 0..6 or None")
        self._update_subscriber(chat_id, now, summary_weekday=summary_weekday_to_db(weekday))

    # --- the person's language (bot/i18n.py) -------------------------------------------------

    # Asked on every update, so stored languages are kept in memory after the first read.
    # Only this block changes a stored language, so the copy cannot go stale. Bounded: a bot with
    # millions of people keeps the recent ones (a dropped one costs one indexed read).
    _LANGUAGES_KEPT = 100_000

    def language_of(self, chat_id: int, first_contact: str) -> str:
        """The person's language; on their first update with none stored, `first_contact`
        (from their Telegram app) is stored and used. Nothing is stored before they have a
        subscriber row (`ensure_subscriber` stores it with the row)."""
        language = self._languages.get(chat_id)
        if language is not None:
            return language
        row = self._one("SELECT language FROM subscribers WHERE chat_id = ?", (chat_id,))
        if row is None:
            return first_contact
        language = row["language"]
        if language is None:
            language = first_contact
            self.db.execute(
                "UPDATE subscribers SET language = ? WHERE chat_id = ? AND language IS NULL",
                (language, chat_id),
            )
        self._remember_language(chat_id, language)
        return language

    def set_language(self, chat_id: int, language: str, now: datetime) -> None:
        """The person's own choice (/language): replaces whatever was stored."""
        self._update_subscriber(chat_id, now, language=language)
        self._remember_language(chat_id, language)

    def _remember_language(self, chat_id: int, language: str) -> None:
        if len(self._languages) >= self._LANGUAGES_KEPT:
            self._languages.clear()
        self._languages[chat_id] = language
