"""Check-ins: one row per person and local date, each answer written as it is given."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.models import CheckIn, CheckinStatus, Completion
from bot.store.connection import Tables, to_column, to_db
from bot.store.records import (
    CheckInRow,
)

NONE_ABANDONED_REMEMBERED = 10_000  # chats whose last empty sweep is remembered (~1 MB)

# A check-in with whether its session (if any) was finished: that answers "how did it go".
_CHECKIN_SELECT = (
    "SELECT c.*, (SELECT s.status = 'done' FROM sessions s WHERE s.id = c.session_id) "
    "AS session_done FROM checkins c "
)
# The same columns, from an UPDATE's RETURNING (which names the table itself, not an alias).
_CHECKIN_RETURNING = (
    " RETURNING *, (SELECT s.status = 'done' FROM sessions s WHERE s.id = checkins.session_id) "
    "AS session_done"
)


class CheckinQueries(Tables):
    _none_abandoned: dict[int, date]  # chat -> the local date it last had none (memory)

    def open_checkin(
        self,
        chat_id: int,
        local_day: date,
        now: datetime,
        *,
        step: str,
        session_id: int | None = None,
    ) -> CheckInRow:
        """Opens the day's check-in, or reopens it (keeping every answer) when there is one.

        One row per person and local date: a second practice or an edit the same day goes
        into the same row. From a session, its `tension_before` is copied, and a finished
        (`done`) session answers "how did the practice go" with `full`.
        """
        tension_before = completion = None
        if session_id is not None:
            row = self._one(
                "SELECT tension_before, status FROM sessions WHERE id = ? AND chat_id = ?",
                (session_id, chat_id),
            )
            if row is None:
                session_id = None
            else:
                tension_before = row["tension_before"]
                completion = Completion.FULL.value if row["status"] == "done" else None
        with self.db.atomic():
            existing = self.checkin_for_day(chat_id, local_day)
            if existing is None:
                # Each write returns the row as written (RETURNING): no read after it.
                written = self._one(
                    "INSERT INTO checkins (chat_id, session_id, local_date, step, status, "
                    "tension_before, completion, created_utc, updated_utc) "
                    "VALUES (?,?,?,?,'open',?,?,?,?)" + _CHECKIN_RETURNING,
                    (
                        chat_id,
                        session_id,
                        local_day.isoformat(),
                        step,
                        tension_before,
                        completion,
                        to_db(now),
                        to_db(now),
                    ),
                )
            else:
                written = self._one(
                    "UPDATE checkins SET step = ?, status = 'open', updated_utc = ?, "
                    "session_id = COALESCE(?, session_id), "
                    "tension_before = COALESCE(?, tension_before), "
                    "completion = COALESCE(?, completion) WHERE id = ?" + _CHECKIN_RETURNING,
                    (step, to_db(now), session_id, tension_before, completion, existing.id),
                )
            assert written is not None, "written in this transaction"
            return CheckInRow.from_row(written)

    def checkin(self, checkin_id: int) -> CheckInRow | None:
        row = self._one(_CHECKIN_SELECT + "WHERE c.id = ?", (checkin_id,))
        return None if row is None else CheckInRow.from_row(row)

    def checkin_for_day(self, chat_id: int, local_day: date) -> CheckInRow | None:
        """The person's check-in for that local date (the newest, should there be two)."""
        row = self._one(
            _CHECKIN_SELECT + "WHERE c.chat_id = ? AND c.local_date = ? ORDER BY c.id DESC LIMIT 1",
            (chat_id, local_day.isoformat()),
        )
        return None if row is None else CheckInRow.from_row(row)

    def save_answer(
        self, checkin_id: int, now: datetime, *, step: str | None, **answers: Any
    ) -> CheckInRow | None:
        """Writes answers (columns tension, pain, areas, completion, note) and the next step.

        Each answer is written as it is given, so a restart or an abandoned check-in loses
        nothing. `step=None` leaves the step as it is; use `close_checkin` to finish. Returns
        the check-in as written (None if it is gone): the statement's own RETURNING, so the
        caller need not read it again with a second statement.
        """
        allowed = {"tension", "pain", "areas", "completion", "note"}
        if not answers.keys() <= allowed:
            raise ValueError(f"not check-in answers: {sorted(answers.keys() - allowed)}")
        values = {name: to_column(value) for name, value in answers.items()}
        if step is not None:
            values["step"] = step
        values["updated_utc"] = to_db(now)
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        row = self._one(
            f"UPDATE checkins SET {assignments} WHERE id = :id" + _CHECKIN_RETURNING,
            {**values, "id": checkin_id},
        )
        return None if row is None else CheckInRow.from_row(row)

    def close_checkin(
        self, checkin_id: int, now: datetime, status: str = CheckinStatus.DONE
    ) -> None:
        self.db.execute(
            "UPDATE checkins SET status = ?, step = NULL, updated_utc = ? WHERE id = ?",
            (status, to_db(now), checkin_id),
        )

    def close_abandoned(self, chat_id: int, today: date, now: datetime) -> int:
        """Closes the person's check-ins still open from before `today` as partial."""
        cursor = self.db.execute(
            "UPDATE checkins SET status = 'partial', step = NULL, updated_utc = ? "
            "WHERE chat_id = ? AND status = 'open' AND local_date < ?",
            (to_db(now), chat_id, today.isoformat()),
        )
        if cursor.rowcount == 0:
            # Remembered only when nothing was closed: that holds even if a caller's
            # transaction rolls back, so a rolled-back close is simply tried again.
            if len(self._none_abandoned) >= NONE_ABANDONED_REMEMBERED:
                self._none_abandoned.clear()  # a bound on memory; the next updates sweep again
            self._none_abandoned[chat_id] = today
        return cursor.rowcount

    def none_abandoned(self, chat_id: int, today: date) -> bool:
        """Whether the person is known to have no check-in open from before `today`, so that
        `close_abandoned` would change nothing (kept in memory).

        A check-in is only ever opened for the person's local today, so one is left behind
        only when their date moves on: `today` changes, and the next update sweeps again. Every
        check-in update asked; this saves a transaction of three statements on all but the
        first update of a person's day. After a restart each chat is swept once more."""
        return self._none_abandoned.get(chat_id) == today

    def open_checkins_before(
        self, latest_day: date, limit: int = 1000
    ) -> list[tuple[int, date, str | None]]:
        """(chat id, local date, zone) of open check-ins dated before `latest_day`.

        The caller decides per person's zone whether the day is over (uses checkins_chat
        only by chat; open check-ins are few, so the scan stays small).
        """
        rows = self.db.query(
            "SELECT c.chat_id, c.local_date, s.zone FROM checkins c "
            "JOIN subscribers s ON s.chat_id = c.chat_id "
            "WHERE c.status = 'open' AND c.local_date < ? ORDER BY c.local_date, c.id LIMIT ?",
            (latest_day.isoformat(), limit),
        )
        return [(r["chat_id"], date.fromisoformat(r["local_date"]), r["zone"]) for r in rows]

    def checkins(self, chat_id: int, since: date | None = None) -> list[CheckIn]:
        """The person's check-ins from local date `since` on (all by default), oldest first,
        with `practised` from that day's sessions. The weekly summary reads two weeks, not
        years, for every subscriber on their summary day (uses checkins_chat)."""
        rows = self.db.query(
            "SELECT c.*, EXISTS (SELECT 1 FROM sessions s WHERE s.chat_id = c.chat_id "
            "AND s.local_date = c.local_date AND s.status = 'done' AND s.kind != 'preview') "
            "AS practised FROM checkins c WHERE c.chat_id = ? AND c.local_date >= ? "
            "ORDER BY c.local_date, c.id",
            (chat_id, since.isoformat() if since else ""),
        )
        return [CheckInRow.from_row(row).as_model(practised=bool(row["practised"])) for row in rows]

    def recent_pains(self, chat_id: int, since: date) -> list[tuple[date, int]]:
        """(local date, pain) of every check-in with a pain rating on or after `since`. Read
        at every pain answer: a plain cursor (see Tables._one), not query()'s savepoint."""
        rows = self._rows(
            "SELECT local_date, pain FROM checkins WHERE chat_id = ? AND local_date >= ? "
            "AND pain IS NOT NULL ORDER BY local_date, id",
            (chat_id, since.isoformat()),
        )
        return [(date.fromisoformat(row["local_date"]), row["pain"]) for row in rows]
