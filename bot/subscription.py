"""The subscriber's status machine: which changes each status allows, and what each writes.

A person is new (setting up), active, paused (for some days or until they resume), stopped
(by /stop) or blocked (Telegram refused a send: they blocked the bot or left). Every change of
status is one function here returning a `SubscriberChange`: the new column values and the rows
of the `pauses` table (history leaves paused days out), written together by the store
(`Store.apply`). The handlers and the engine decide nothing themselves: they ask `allows`,
call the rule, and hand its result to the store.

Pure: takes `today` and `now`, imports neither Telegram nor SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum, StrEnum
from typing import Final, Literal, Protocol
from zoneinfo import ZoneInfo

from bot import schedule
from bot.models import Status


class Keep(Enum):
    """A column a change leaves as it is (None is a value: it clears the column)."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP


class Transition(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    BLOCK = "block"
    END_PAUSE = "end_pause"  # a timed pause runs out, on the first reminder after it


# Which statuses each change may start from. Setting up (new, or back after a stop or a block)
# is finished by choosing a time, not by these changes; a block can happen from anywhere.
ALLOWED_FROM: Final[dict[Transition, frozenset[Status]]] = {
    Transition.PAUSE: frozenset({Status.ACTIVE, Status.PAUSED}),
    Transition.RESUME: frozenset({Status.PAUSED}),
    Transition.STOP: frozenset({Status.ACTIVE, Status.PAUSED}),
    Transition.BLOCK: frozenset(Status),
    Transition.END_PAUSE: frozenset({Status.PAUSED}),
}
# Not yet (or no longer) subscribed: the next reminder time they choose makes them active.
SETTING_UP: Final = frozenset({Status.NEW, Status.STOPPED, Status.BLOCKED})


def allows(transition: Transition, status: Status) -> bool:
    return status in ALLOWED_FROM[transition]


class SubscriberState(Protocol):
    """What the rules read of a subscriber (the store's Subscriber has it)."""

    @property
    def status(self) -> Status: ...
    @property
    def remind_at(self) -> str | None: ...
    @property
    def next_due_utc(self) -> datetime | None: ...
    @property
    def paused_until(self) -> date | None: ...


@dataclass(frozen=True, slots=True)
class NewPause:
    """A row of the pauses table: from `start` to `last` included (None: until resumed)."""

    start: date
    last: date | None


@dataclass(frozen=True, slots=True)
class SubscriberChange:
    """What one change writes, all in one transaction. Pauses still running after
    `close_pauses_after` end on that day (a pause of no days goes); then `new_pause` starts."""

    status: Status
    paused_until: date | Literal[Keep.KEEP] | None = KEEP
    next_due_utc: datetime | Literal[Keep.KEEP] | None = KEEP
    clear_awaiting: bool = False
    close_pauses_after: date | None = None
    new_pause: NewPause | None = None


def pause(
    subscriber: SubscriberState, today: date, days: int | None, zone: ZoneInfo
) -> SubscriberChange:
    """Pauses for `days` days starting today (None: until resumed); paused days never count
    as missed. A timed pause keeps `next_due_utc` at the first reminder after it, so the
    engine resumes by itself."""
    yesterday = today - timedelta(days=1)
    if days is None:
        return SubscriberChange(
            Status.PAUSED,
            paused_until=None,
            next_due_utc=None,
            close_pauses_after=yesterday,
            new_pause=NewPause(today, None),
        )
    assert subscriber.remind_at is not None, "an active or paused subscriber has a time"
    # "3 days" means three reminders missed: once today's has gone out (chosen in the
    # evening), the pause starts with tomorrow's.
    start = today
    if subscriber.status is Status.ACTIVE and subscriber.next_due_utc is not None:
        start = max(today, schedule.local_date(subscriber.next_due_utc, zone))
    last = start + timedelta(days=days - 1)
    first_back = datetime.combine(last + timedelta(days=1), time(0), zone)
    due = schedule.next_due_utc(
        time.fromisoformat(subscriber.remind_at), zone, first_back - timedelta(seconds=1)
    )
    return SubscriberChange(
        Status.PAUSED,
        paused_until=last,
        next_due_utc=due,
        close_pauses_after=yesterday,
        new_pause=NewPause(start, last),
    )


def resume(today: date) -> SubscriberChange:
    """Ends a pause now; the next reminder is then worked out again (`next_reminder`)."""
    return SubscriberChange(
        Status.ACTIVE, paused_until=None, close_pauses_after=today - timedelta(days=1)
    )


def stop(today: date) -> SubscriberChange:
    """No more reminders, and no question left waiting; the history stays."""
    return SubscriberChange(
        Status.STOPPED,
        paused_until=None,
        next_due_utc=None,
        clear_awaiting=True,
        close_pauses_after=today - timedelta(days=1),
    )


def block() -> SubscriberChange:
    """Telegram refused a send for good (blocked, chat gone): nothing more is scheduled."""
    return SubscriberChange(Status.BLOCKED, next_due_utc=None)


def end_of_pause(subscriber: SubscriberState, local_day: date) -> SubscriberChange | None:
    """A pause for some days ends by itself on the first reminder after it: the change to
    make when a reminder for `local_day` falls due, or None while the pause still runs."""
    until = subscriber.paused_until
    if subscriber.status is not Status.PAUSED or until is None or local_day <= until:
        return None
    return SubscriberChange(Status.ACTIVE, paused_until=None, close_pauses_after=until)


def next_reminder(
    remind_at: time, zone: ZoneInfo, now: datetime, *, reminded_today: bool
) -> datetime:
    """The next reminder after a change of time, zone or status: today counts while the
    time is still ahead, unless today's reminder went out already (the new time then starts
    tomorrow: one reminder a day)."""
    due = schedule.next_due_utc(remind_at, zone, now)
    if reminded_today and schedule.local_date(due, zone) == schedule.local_date(now, zone):
        due = schedule.next_due_utc(remind_at, zone, due)
    return due
