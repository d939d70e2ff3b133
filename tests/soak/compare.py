"""Checking the database against the ledger: every check-in, session, skip and reminder the
people saw must be stored once, exactly as they answered it."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from tests.harness import opening
from tests.soak.scenario import DAYS, FIRST_DAY, PEOPLE
from tests.soak.simulation import Soak


@dataclass
class Figures:
    people: int = PEOPLE
    days: int = DAYS
    updates: int = 0
    bot_messages: int = 0
    api_calls: int = 0
    faults: int = 0
    too_many_requests: int = 0
    blocked_sends: int = 0
    reminders_sent: int = 0
    reminders_recorded: int = 0
    checkins: int = 0
    sessions: int = 0
    recoveries: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"soak: {self.people} people x {self.days} days in {self.seconds:.0f} s: "
            f"{self.updates} messages and taps from people, {self.bot_messages} bot messages, "
            f"{self.api_calls} API calls, {self.faults} faults injected "
            f"({self.too_many_requests} x 429, {self.blocked_sends} blocked), "
            f"{self.reminders_sent} reminders sent + {self.reminders_recorded} recorded as "
            f"not sent, {self.checkins} check-ins, {self.sessions} sessions, "
            f"{self.recoveries} recoveries; lost {len(self.lost)}, "
            f"duplicated {len(self.duplicated)}"
        )


def compare(soak: Soak, db: sqlite3.Connection) -> Figures:
    ledger, emu = soak.ledger, soak.emu
    figures = Figures(
        updates=ledger.updates,
        bot_messages=emu.stats["sent"],
        api_calls=emu.stats["calls"],
        faults=emu.stats["errors_injected"],
        too_many_requests=emu.stats["too_many_requests"],
        blocked_sends=emu.stats["blocked"],
        recoveries=ledger.recoveries,
    )
    lost, duplicated = figures.lost, figures.duplicated

    # Check-ins: one row per person and day, holding exactly what they answered.
    rows = db.execute(
        "SELECT chat_id, local_date, status, tension, pain, areas, completion, note, "
        "session_id FROM checkins"
    ).fetchall()
    seen = Counter((chat, day) for chat, day, *_ in rows)
    duplicated += [f"check-in {key}" for key, n in seen.items() if n > 1]
    stored = {(chat, date.fromisoformat(day)): rest for chat, day, *rest in rows}
    for key, answers in ledger.checkins.items():
        row = stored.get(key)
        want = (
            "done",
            answers.tension,
            answers.pain,
            answers.areas,
            answers.completion,
            answers.note,
        )
        got = row and (
            row[0],
            row[1],
            row[2],
            frozenset(json.loads(row[3] or "[]")),
            row[4],
            row[5],
        )
        if got != want:
            lost.append(f"check-in {key}: stored {got}, answered {want}")
        elif (key in ledger.sessions) != (row[6] is not None):
            lost.append(f"check-in {key}: not linked to its session")
    extra = set(stored) - set(ledger.checkins)
    duplicated += [f"check-in nobody finished {key}" for key in extra]
    figures.checkins = len(stored)

    # Sessions: the practised days, each done once, with the tension tapped before.
    rows = db.execute(
        "SELECT chat_id, local_date, kind, status, tension_before FROM sessions"
    ).fetchall()
    done: dict[tuple[int, date], list[tuple]] = {}
    for chat, day, kind, status, before in rows:
        if status == "done":
            done.setdefault((chat, date.fromisoformat(day)), []).append((kind, before))
    duplicated += [f"session {key}" for key, found in done.items() if len(found) > 1]
    for key, before in ledger.sessions.items():
        if done.get(key, [])[:1] != [("short", before)]:
            lost.append(f"session {key}: {done.get(key)}")
    duplicated += [f"session nobody finished {key}" for key in set(done) - set(ledger.sessions)]
    unfinished = [r for r in rows if r[3] != "done"]
    lost += [f"session left {r[3]}: {r[:2]}" for r in unfinished]
    figures.sessions = len(rows)

    # Skips were recorded.
    skips = {
        (c, date.fromisoformat(d))
        for c, d in db.execute("SELECT chat_id, local_date FROM deliveries WHERE kind = 'skip'")
    }
    lost += [f"skip {key}" for key in ledger.skips - skips]

    # Reminders: one row a day while subscribed; sent rows match the messages that arrived.
    rows = db.execute(
        "SELECT chat_id, local_date, status, reason, message_id FROM deliveries "
        "WHERE kind = 'reminder'"
    ).fetchall()
    by_person: dict[int, dict[date, tuple]] = {}
    for chat, day, status, reason, message_id in rows:
        by_person.setdefault(chat, {})[date.fromisoformat(day)] = (status, reason, message_id)
    for person in soak.people:
        days = by_person.get(person.chat_id, {})
        blocked = ledger.blocked_on.get(person.chat_id)
        last = blocked or FIRST_DAY + timedelta(days=DAYS - 1)
        expected = {FIRST_DAY + timedelta(days=n) for n in range((last - FIRST_DAY).days + 1)}
        lost += [f"reminder {person.chat_id} {day}: no row" for day in expected - set(days)]
        duplicated += [
            f"reminder {person.chat_id} {day}: after blocking" for day in set(days) - expected
        ]
        arrived = [
            m for m in emu.messages(person.chat_id) if opening("reminder") in (m.get("text") or "")
        ]
        sent = {m for status, _, m in days.values() if status == "sent"}
        if len(arrived) != len(sent) or {m["message_id"] for m in arrived} != sent:
            duplicated.append(
                f"reminder {person.chat_id}: {len(arrived)} arrived, {len(sent)} sent"
            )
        for day, (status, reason, _) in days.items():
            if status == "sent":
                figures.reminders_sent += 1
            elif status in ("failed", "skipped") and reason:
                figures.reminders_recorded += 1
                if blocked != day and status == "failed":
                    lost.append(f"reminder {person.chat_id} {day}: {status} ({reason})")
            else:
                lost.append(f"reminder {person.chat_id} {day}: left {status}")
    return figures
