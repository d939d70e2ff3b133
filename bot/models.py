"""Values shared across the domain modules: small, frozen and free of Telegram."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class Status(StrEnum):
    """Where a subscriber stands; the changes between them are in bot/subscription.py."""

    NEW = "new"
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"
    BLOCKED = "blocked"


class SessionKind(StrEnum):
    """Which practice a session runs: the program's day, its 5-minute version, one practice
    from the library, or an admin's preview (never counted as practised)."""

    DAILY = "daily"
    SHORT = "short"
    LIBRARY = "library"
    PREVIEW = "preview"


class SessionStatus(StrEnum):
    """A practice session is active until finished (done), stopped by the person, or
    abandoned (another one was started, or a red-flag answer ended it)."""

    ACTIVE = "active"
    DONE = "done"
    STOPPED = "stopped"
    ABANDONED = "abandoned"


class DeliveryKind(StrEnum):
    """What a scheduled message is. A broadcast's kind is `broadcast:<id>` (one per
    broadcast, so the rows stay unique per person and day): see `broadcast_kind`."""

    REMINDER = "reminder"
    SNOOZE = "snooze"  # the reminder again, later the same day
    FOLLOWUP = "followup"
    WEEKLY = "weekly"
    SKIP = "skip"  # never sent: records that the person chose to skip the day
    BROADCAST = "broadcast"


def broadcast_kind(broadcast_id: int) -> str:
    return f"{DeliveryKind.BROADCAST}:{broadcast_id}"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # not sent on purpose; the reason says why


class CheckinStatus(StrEnum):
    """Open while questions remain; done when closed by the person, partial when closed by
    the day ending (or by the person) with answers missing."""

    OPEN = "open"
    DONE = "done"
    PARTIAL = "partial"


class BodyArea(StrEnum):
    """Where it hurts, from the list in the domain brief; sides where they matter."""

    GROIN_LEFT = "groin_left"
    GROIN_RIGHT = "groin_right"
    HIP_FRONT_LEFT = "hip_front_left"
    HIP_FRONT_RIGHT = "hip_front_right"
    DEEP_BELLY = "deep_belly"
    LOWER_BACK = "lower_back"
    BUTTOCK_SACRUM = "buttock_sacrum"
    THIGH_LEFT = "thigh_left"
    THIGH_RIGHT = "thigh_right"
    KNEE_LEG_LEFT = "knee_leg_left"
    KNEE_LEG_RIGHT = "knee_leg_right"


class Completion(StrEnum):
    """How much of the practice the person did."""

    FULL = "full"
    PARTIAL = "partial"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class CheckIn:
    """One day's check-in as the person gave it; any answer may still be missing."""

    chat_id: int
    local_date: date
    tension: int | None = None
    pain: int | None = None
    areas: tuple[BodyArea, ...] = ()
    completion: Completion | None = None
    note: str | None = None
    tension_before: int | None = None  # from the tap before the session's first step
    practised: bool = False  # a practice session was finished that day
    created_utc: datetime | None = None
