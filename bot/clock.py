"""Where "now" comes from: the wall clock in production, a hand-driven one in tests and the demo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """The real clock; everything that needs the time asks one of these, never datetime.now()."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock(Clock):
    """A clock that moves only when told, so tests cross days and DST without sleeping."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now
