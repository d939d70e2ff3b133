"""May this delivery still go out? One rule for every kind the engine sends.

A delivery row is written ahead of its send (shared DESIGN.md, decision 2), so the world may
have moved on by the time a worker takes it: the person paused, stopped, answered the red-flag
screen with "yes", or already practised that day. The reason given is stored on the row
(`deliveries.reason`) and read by admins and tests, so its wording is part of the record.

Pure: what it needs to know about the day is asked lazily through `DayFacts`, so a reminder
to someone paused costs no query about their practice.
"""

from __future__ import annotations

from typing import Final, Protocol

from bot.models import Status

# What rides on the daily reminder: sent only on a day the person has not dealt with yet.
REMINDER_KINDS: Final = frozenset({"reminder", "snooze", "followup"})


class DayFacts(Protocol):
    """What happened on the delivery's local day, asked only when the rule needs it."""

    def practised(self) -> bool: ...
    def started(self) -> bool: ...
    def skipped(self) -> bool: ...


def why_not_send(
    kind: str,
    status: Status,
    *,
    on_hold: bool,
    summary_on: bool = True,
    followup_on: bool = True,
    day: DayFacts | None = None,
) -> str | None:
    """The reason a delivery of `kind` must not go out any more, or None to send it.
    `summary_on` matters to the weekly summary only, `followup_on` to the follow-up only,
    `day` to the reminder kinds only."""
    if status is not Status.ACTIVE:
        return f"not sent: subscriber is {status.value}"
    if kind == "weekly" and not summary_on:
        return "not sent: weekly summary turned off"
    if on_hold:
        if kind == "broadcast":
            return "not sent: on hold after a safety answer"
        return "not sent: program on hold after a safety answer"
    if kind in REMINDER_KINDS and day is not None:
        if day.practised():
            return "not sent: already practised that day"
        if day.started():
            return "not sent: practice already started"
        if day.skipped():
            return "not sent: the person skipped that day"
    if kind == "followup" and not followup_on:
        return "not sent: follow-up turned off"
    return None
