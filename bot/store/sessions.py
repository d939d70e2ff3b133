"""Practice sessions: one active per person (a rule of the database), its steps snapshotted
at the start, its timer, and the days practised that the program counts."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from bot.models import SessionStatus
from bot.store.connection import Tables, inserted_id, to_db
from bot.store.records import (
    Session,
)


class SessionQueries(Tables):
    def practised_dates(self, chat_id: int) -> list[date]:
        """Local dates with a finished practice session (daily, short or library), oldest first."""
        rows = self.db.query(
            "SELECT DISTINCT local_date FROM sessions WHERE chat_id = ? AND status = 'done' "
            "AND kind != 'preview' ORDER BY local_date",
            (chat_id,),
        )
        return [date.fromisoformat(row["local_date"]) for row in rows]

    def program_days_done(self, chat_id: int, before: date) -> int:
        """Days before `before` on which the person finished a program (daily or short) session."""
        row = self._single(
            "SELECT COUNT(DISTINCT local_date) AS n FROM sessions WHERE chat_id = ? "
            "AND status = 'done' AND kind IN ('daily', 'short') AND local_date < ?",
            (chat_id, before.isoformat()),
        )
        return row["n"]

    def started_on(self, chat_id: int, local_day: date) -> bool:
        """True if the person opened any practice session on that local date."""
        row = self._one(
            "SELECT 1 FROM sessions WHERE chat_id = ? AND local_date = ? "
            "AND kind != 'preview' LIMIT 1",
            (chat_id, local_day.isoformat()),
        )
        return row is not None

    def practised_on(self, chat_id: int, local_day: date) -> bool:
        row = self._one(
            "SELECT 1 FROM sessions WHERE chat_id = ? AND local_date = ? AND status = 'done' "
            "AND kind != 'preview' LIMIT 1",
            (chat_id, local_day.isoformat()),
        )
        return row is not None

    def practices_done(self, chat_id: int) -> set[str]:
        """Ids of every practice in the person's finished sessions (their snapshotted steps)."""
        rows = self.db.query(
            "SELECT DISTINCT json_extract(step.value, '$.practice_id') AS id "
            "FROM sessions, json_each(sessions.plan) AS step WHERE sessions.chat_id = ? "
            "AND sessions.status = 'done' AND sessions.kind != 'preview'",
            (chat_id,),
        )
        return {row["id"] for row in rows}

    def open_session(
        self,
        chat_id: int,
        local_day: date,
        kind: str,
        title: str,
        steps: list[dict[str, Any]],
        now: datetime,
        *,
        day_number: int | None,
        content_version: int | None,
    ) -> Session:
        """Starts a session; the person's other active one is abandoned in the same write."""
        with self.db.atomic():
            self.abandon_sessions(chat_id)
            cursor = self.db.execute(
                "INSERT INTO sessions (chat_id, local_date, kind, title, content_version, plan, "
                "day_number, started_utc) VALUES (?,?,?,?,?,?,?,?)",
                (
                    chat_id,
                    local_day.isoformat(),
                    kind,
                    title,
                    content_version,
                    json.dumps(steps, ensure_ascii=False),
                    day_number,
                    to_db(now),
                ),
            )
        session = self.session(inserted_id(cursor))
        assert session is not None, "just written"
        return session

    def session(self, session_id: int) -> Session | None:
        row = self._one("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return None if row is None else Session.from_row(row)

    def active_session(self, chat_id: int) -> Session | None:
        row = self._one(
            "SELECT * FROM sessions WHERE chat_id = ? AND status = 'active'", (chat_id,)
        )
        return None if row is None else Session.from_row(row)

    def abandon_sessions(self, chat_id: int) -> int:
        cursor = self.db.execute(
            "UPDATE sessions SET status = 'abandoned', timer_due_utc = NULL "
            "WHERE chat_id = ? AND status = 'active'",
            (chat_id,),
        )
        return cursor.rowcount

    def begin_steps(self, session_id: int, now: datetime, tension_before: int | None) -> bool:
        """Records the tension tap (None: skipped) once; False if it was answered already."""
        cursor = self.db.execute(
            "UPDATE sessions SET tension_before = ?, steps_began_utc = ? "
            "WHERE id = ? AND status = 'active' AND steps_began_utc IS NULL",
            (tension_before, to_db(now), session_id),
        )
        return cursor.rowcount == 1

    def mark_gentle(self, session_id: int) -> None:
        self.db.execute("UPDATE sessions SET gentle = 1 WHERE id = ?", (session_id,))

    def program_days(self, chat_id: int, before: date) -> list[bool]:
        """Each day before `before` with a finished program session, oldest first: True for a
        full day, False for a light one (only the 5-minute version or a gentle day)."""
        rows = self.db.execute(
            "SELECT local_date, MAX(kind = 'daily' AND gentle = 0) AS full FROM sessions "
            "WHERE chat_id = ? AND status = 'done' AND kind IN ('daily', 'short') "
            "AND local_date < ? GROUP BY local_date ORDER BY local_date",
            (chat_id, before.isoformat()),
        ).fetchall()
        return [bool(full) for _, full in rows]

    def set_pain_before(self, session_id: int, pain: int | None) -> None:
        """Records the pain rated before a practice (None: skipped)."""
        self.db.execute("UPDATE sessions SET pain_before = ? WHERE id = ?", (pain, session_id))

    def pain_before(self, session_id: int) -> int | None:
        row = self._one("SELECT pain_before FROM sessions WHERE id = ?", (session_id,))
        return None if row is None else row["pain_before"]

    def move_session(self, session_id: int, *, from_step: int, to_step: int) -> bool:
        """Moves to another step only from `from_step`: a double tap can't skip a step."""
        cursor = self.db.execute(
            "UPDATE sessions SET step = ?, timer_due_utc = NULL "
            "WHERE id = ? AND status = 'active' AND step = ?",
            (to_step, session_id, from_step),
        )
        return cursor.rowcount == 1

    def set_session_message(self, session_id: int, message_id: int | None) -> None:
        """The message that shows the session now (edited in place by Next and Back); None
        once no message shows it."""
        self.db.execute("UPDATE sessions SET message_id = ? WHERE id = ?", (message_id, session_id))

    def set_timer(self, session_id: int, step: int, due: datetime | None) -> bool:
        """Starts, extends (a later `due`) or ends (None) the timer of step `step`."""
        cursor = self.db.execute(
            "UPDATE sessions SET timer_due_utc = ? WHERE id = ? AND status = 'active' AND step = ?",
            (to_db(due), session_id, step),
        )
        return cursor.rowcount == 1

    def claim_timer(self, session_id: int, due: datetime) -> bool:
        """Clears a due timer; only the caller that gets True says "time's up" (never twice)."""
        cursor = self.db.execute(
            "UPDATE sessions SET timer_due_utc = NULL "
            "WHERE id = ? AND status = 'active' AND timer_due_utc = ?",
            (session_id, to_db(due)),
        )
        return cursor.rowcount == 1

    def due_timers(self, now: datetime, limit: int = 500) -> list[Session]:
        """Active sessions whose timer has run out, oldest first (uses sessions_timer)."""
        rows = self.db.query(
            "SELECT * FROM sessions WHERE timer_due_utc IS NOT NULL AND timer_due_utc <= ? "
            "AND status = 'active' ORDER BY timer_due_utc LIMIT ?",
            (to_db(now), limit),
        )
        return [Session.from_row(row) for row in rows]

    def running_timers(self) -> list[Session]:
        """Every session with a timer set: rebuilt as one-shot jobs at start-up."""
        rows = self.db.query(
            "SELECT * FROM sessions WHERE timer_due_utc IS NOT NULL AND status = 'active' "
            "ORDER BY timer_due_utc"
        )
        return [Session.from_row(row) for row in rows]

    def end_session(self, session_id: int, status: str, now: datetime) -> bool:
        """Closes an active session as 'done' (finished_utc set) or 'stopped'; once only."""
        if status not in {SessionStatus.DONE, SessionStatus.STOPPED}:
            raise ValueError(f"not an end status: {status}")
        cursor = self.db.execute(
            "UPDATE sessions SET status = ?, timer_due_utc = NULL, "
            "finished_utc = CASE WHEN ? = 'done' THEN ? ELSE finished_utc END "
            "WHERE id = ? AND status = 'active'",
            (status, status, to_db(now), session_id),
        )
        return cursor.rowcount == 1

    def day_marks(self, chat_id: int) -> dict[date, tuple[str, int, int, str]]:
        """What /history says about days without a finished practice: ('skipped', 0, 0, '')
        for a day skipped from the reminder, ('stopped', step, of, practice title) for the
        furthest a stopped practice got that day."""
        marks: dict[date, tuple[str, int, int, str]] = {}
        for row in self.db.query(
            "SELECT local_date FROM deliveries WHERE chat_id = ? AND kind = 'skip'", (chat_id,)
        ):
            marks[date.fromisoformat(row["local_date"])] = ("skipped", 0, 0, "")
        for row in self.db.query(
            "SELECT local_date, step, plan FROM sessions WHERE chat_id = ? AND status = 'stopped' "
            "AND steps_began_utc IS NOT NULL ORDER BY id",
            (chat_id,),
        ):
            plan = json.loads(row["plan"])
            if not 0 <= row["step"] < len(plan):
                continue
            step = plan[row["step"]]
            marks[date.fromisoformat(row["local_date"])] = (
                "stopped",
                step["number"],
                step["of"],
                step["practice_title"],
            )
        return marks

    def reopen_session(self, session_id: int) -> bool:
        """A stopped session carries on where it stopped (its timer, if any, starts again by
        hand); once only, and never beside another active session."""
        cursor = self.db.execute(
            "UPDATE sessions SET status = 'active' WHERE id = ? AND status = 'stopped' "
            "AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.chat_id = sessions.chat_id "
            "AND s.status = 'active')",
            (session_id,),
        )
        return cursor.rowcount == 1
