"""What the store returns: frozen values, one per kind of row, with an enum for every closed set.

The enums are `StrEnum`s, so what is stored is the same text as before they existed; each
`from_row` turns a row into a value and is the only place that reads a column by name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from bot.models import (
    BodyArea,
    CheckIn,
    CheckinStatus,
    Completion,
    DeliveryKind,
    DeliveryStatus,
    SessionKind,
    SessionStatus,
    Status,
)
from bot.program import PlannedStep
from bot.store.connection import date_from_db, from_db, from_db_required

__all__ = [
    "AdminStats",
    "AuditEntry",
    "Broadcast",
    "BroadcastStatus",
    "CheckInRow",
    "CheckinStatus",
    "ContentVersion",
    "Delivery",
    "DeliveryKind",
    "DeliveryStatus",
    "PendingUpload",
    "PersonalData",
    "Session",
    "SessionKind",
    "SessionStatus",
    "Status",
    "Subscriber",
    "UploadStatus",
]


# Each row read converts a few stored values to enum members; an Enum call costs ~1 us
# (EnumType.__call__), a dict lookup a tenth of that. An unknown value still goes to the Enum
# call and raises its ValueError, as before.
_BY_VALUE: dict[type[StrEnum], dict[str, Any]] = {}
_E = TypeVar("_E", bound=StrEnum)


def _member(enum: type[_E], value: str) -> _E:
    members = _BY_VALUE.get(enum)
    if members is None:
        members = _BY_VALUE[enum] = {member.value: member for member in enum}
    member = members.get(value)
    return member if member is not None else enum(value)


# Body areas by stored value: a check-in's `areas` keeps only the ones still known.
_AREAS = {area.value: area for area in BodyArea}


class UploadStatus(StrEnum):
    """A checked content upload waits (pending) for the admin's Apply or Cancel; unanswered,
    it expires."""

    PENDING = "pending"
    APPLIED = "applied"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class BroadcastStatus(StrEnum):
    """A broadcast is a draft until sent; while sending its delivery rows are being written,
    done once every row is written (not necessarily sent); or cancelled as a draft."""

    DRAFT = "draft"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Session:
    """One practice session: its steps as snapshotted at the start, and how far it got."""

    id: int
    chat_id: int
    local_date: date
    kind: SessionKind
    title: str
    content_version: int | None
    steps: tuple[PlannedStep, ...]  # as snapshotted at the start (the `plan` column's JSON)
    day_number: int | None
    step: int  # 0-based index of the step shown now
    status: SessionStatus
    timer_due_utc: datetime | None
    tension_before: int | None
    message_id: int | None
    started_utc: datetime
    finished_utc: datetime | None
    steps_began_utc: datetime | None  # None: still at the tension question

    @property
    def active(self) -> bool:
        return self.status is SessionStatus.ACTIVE

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Session:
        return cls(
            id=row["id"],
            chat_id=row["chat_id"],
            local_date=date.fromisoformat(row["local_date"]),
            kind=_member(SessionKind, row["kind"]),
            title=row["title"],
            content_version=row["content_version"],
            steps=tuple(PlannedStep.from_json(step) for step in json.loads(row["plan"])),
            day_number=row["day_number"],
            step=row["step"],
            status=_member(SessionStatus, row["status"]),
            timer_due_utc=from_db(row["timer_due_utc"]),
            tension_before=row["tension_before"],
            message_id=row["message_id"],
            started_utc=from_db_required(row["started_utc"]),
            finished_utc=from_db(row["finished_utc"]),
            steps_began_utc=from_db(row["steps_began_utc"]),
        )


@dataclass(frozen=True, slots=True)
class Subscriber:
    chat_id: int
    status: Status
    zone: str | None
    remind_at: str | None
    next_due_utc: datetime | None
    paused_until: date | None
    awaiting: str | None
    awaiting_data: dict[str, Any]
    followup: bool
    summary_weekday: int | None  # 0 = Monday ... 6 = Sunday; None: no weekly summary
    gentle_until: date | None
    on_hold: bool
    last_screen_utc: datetime | None  # last answered
    screen_offered_utc: datetime | None  # last sent
    created_utc: datetime
    language: str | None = None  # None: not known yet (bot/i18n.py falls back to English)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Subscriber:
        return cls(
            chat_id=row["chat_id"],
            status=_member(Status, row["status"]),
            zone=row["zone"],
            remind_at=row["remind_at"],
            next_due_utc=from_db(row["next_due_utc"]),
            paused_until=date_from_db(row["paused_until"]),
            awaiting=row["awaiting"],
            awaiting_data=json.loads(row["awaiting_data"]) if row["awaiting_data"] else {},
            followup=bool(row["followup"]),
            summary_weekday=summary_weekday_from_db(row["summary_weekday"]),
            gentle_until=date_from_db(row["gentle_until"]),
            on_hold=bool(row["on_hold"]),
            last_screen_utc=from_db(row["last_screen_utc"]),
            screen_offered_utc=from_db(row["screen_offered_utc"]),
            created_utc=from_db_required(row["created_utc"]),
            language=row["language"],
        )


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    chat_id: int
    local_date: date
    kind: str  # a DeliveryKind, or broadcast_kind(id) for a broadcast
    status: DeliveryStatus
    due_utc: datetime
    attempts: int
    reason: str | None
    message_id: int | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Delivery:
        return cls(
            id=row["id"],
            chat_id=row["chat_id"],
            local_date=date.fromisoformat(row["local_date"]),
            kind=row["kind"],
            status=_member(DeliveryStatus, row["status"]),
            due_utc=from_db_required(row["due_utc"]),
            attempts=row["attempts"],
            reason=row["reason"],
            message_id=row["message_id"],
        )


@dataclass(frozen=True, slots=True)
class CheckInRow:
    """A check-in as stored: the answers so far plus where the conversation stands."""

    id: int
    chat_id: int
    session_id: int | None
    local_date: date
    step: str | None  # the question asked next; None once closed
    status: CheckinStatus
    tension_before: int | None
    tension: int | None
    pain: int | None
    areas: tuple[BodyArea, ...] | None  # None: not answered yet; () means "nowhere"
    completion: Completion | None
    note: str | None
    created_utc: datetime
    updated_utc: datetime
    session_done: bool = False  # from a finished session: the practice was done fully

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CheckInRow:
        areas = None
        if row["areas"] is not None:
            areas = tuple(_AREAS[a] for a in json.loads(row["areas"]) if a in _AREAS)
        return cls(
            id=row["id"],
            chat_id=row["chat_id"],
            session_id=row["session_id"],
            local_date=date.fromisoformat(row["local_date"]),
            step=row["step"],
            status=_member(CheckinStatus, row["status"]),
            tension_before=row["tension_before"],
            tension=row["tension"],
            pain=row["pain"],
            areas=areas,
            completion=_member(Completion, row["completion"]) if row["completion"] else None,
            note=row["note"],
            created_utc=from_db_required(row["created_utc"]),
            updated_utc=from_db_required(row["updated_utc"]),
            session_done=bool(row.get("session_done")),
        )

    def as_model(self, *, practised: bool = False) -> CheckIn:
        return CheckIn(
            chat_id=self.chat_id,
            local_date=self.local_date,
            tension=self.tension,
            pain=self.pain,
            areas=self.areas or (),
            completion=self.completion,
            note=self.note,
            tension_before=self.tension_before,
            practised=practised,
            created_utc=self.created_utc,
        )


@dataclass(frozen=True, slots=True)
class ContentVersion:
    id: int
    created_utc: datetime
    admin_id: int | None  # None: loaded at start-up
    checksum: str
    summary: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ContentVersion:
        return cls(
            id=row["id"],
            created_utc=from_db_required(row["created_utc"]),
            admin_id=row["admin_id"],
            checksum=row["checksum"],
            summary=row["summary"],
        )


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at_utc: datetime
    admin_id: int
    action: str
    result: str
    detail: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AuditEntry:
        return cls(
            at_utc=from_db_required(row["at_utc"]),
            admin_id=row["admin_id"],
            action=row["action"],
            result=row["result"],
            detail=row["detail"] or "",
        )


@dataclass(frozen=True, slots=True)
class PendingUpload:
    id: int
    admin_id: int
    file_name: str
    base: str
    files: dict[str, str]
    summary: str
    status: UploadStatus
    created_utc: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PendingUpload:
        return cls(
            id=row["id"],
            admin_id=row["admin_id"],
            file_name=row["file_name"],
            base=row["base"],
            files=json.loads(row["files"]),
            summary=row["summary"],
            status=UploadStatus(row["status"]),
            created_utc=from_db_required(row["created_utc"]),
        )


@dataclass(frozen=True, slots=True)
class Broadcast:
    id: int
    admin_id: int
    text: str
    status: BroadcastStatus
    created_utc: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Broadcast:
        return cls(
            id=row["id"],
            admin_id=row["admin_id"],
            text=row["text"],
            status=BroadcastStatus(row["status"]),
            created_utc=from_db_required(row["created_utc"]),
        )


@dataclass(frozen=True, slots=True)
class AdminStats:
    """Counts and averages across everyone; the admin flow decides what is safe to show."""

    subscribers: dict[str, int]  # by status
    reminders_due: int
    reminders_sent: int
    reminders_on_time: int  # sent within two minutes of the due time
    reminders_checked_in: int  # sent, and the person checked in that (local) day
    checkins: int
    checkin_people: int
    avg_tension: float | None
    avg_pain: float | None


# subscribers.summary_weekday is NOT NULL (m001, default 6 = Sunday), so "no weekly summary" is
# stored as -1 (read back: anything outside 0..6). Only the mapping below knows it; records and
# callers see None. Kept in the column rather than made NULL: SQLite would rebuild the table.
SUMMARY_OFF_IN_DB = -1


def summary_weekday_from_db(value: int) -> int | None:
    return value if 0 <= value <= 6 else None


def summary_weekday_to_db(weekday: int | None) -> int:
    return SUMMARY_OFF_IN_DB if weekday is None else weekday


@dataclass(frozen=True, slots=True)
class PersonalData:
    """How much the bot holds about one person, by kind (what /delete removes)."""

    subscriber: bool
    checkins: int
    notes: int
    sessions: int
    deliveries: int
    safety_screens: int
    pauses: int

    @property
    def is_empty(self) -> bool:
        return not self.subscriber and not (
            self.checkins or self.sessions or self.deliveries or self.safety_screens or self.pauses
        )
