"""May a delivery still go out (bot/delivery_policy.py): one rule for every kind, and the
reasons stored on the row word for word."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from bot.delivery_policy import why_not_send
from bot.models import Status


@dataclass
class Day:
    """A day's facts that records which of them were asked."""

    did_practise: bool = False
    did_start: bool = False
    did_skip: bool = False
    asked: list[str] = field(default_factory=list)

    def practised(self) -> bool:
        self.asked.append("practised")
        return self.did_practise

    def started(self) -> bool:
        self.asked.append("started")
        return self.did_start

    def skipped(self) -> bool:
        self.asked.append("skipped")
        return self.did_skip


KINDS = ["reminder", "snooze", "followup", "weekly", "broadcast"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("status", [s for s in Status if s is not Status.ACTIVE], ids=str)
def test_nothing_goes_to_someone_not_active(kind, status):
    day = Day()
    assert why_not_send(kind, status, on_hold=False, day=day) == f"not sent: subscriber is {status}"
    assert day.asked == []  # no question about the day for someone paused


@pytest.mark.parametrize("kind", KINDS)
def test_an_active_person_with_nothing_against_it_gets_it(kind):
    assert why_not_send(kind, Status.ACTIVE, on_hold=False, day=Day()) is None


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("reminder", "not sent: program on hold after a safety answer"),
        ("followup", "not sent: program on hold after a safety answer"),
        ("weekly", "not sent: program on hold after a safety answer"),
        ("broadcast", "not sent: on hold after a safety answer"),
    ],
)
def test_a_hold_after_a_red_flag_answer_stops_every_kind(kind, reason):
    assert why_not_send(kind, Status.ACTIVE, on_hold=True, day=Day()) == reason


@pytest.mark.parametrize(
    ("day", "reason", "asked"),
    [
        (Day(did_practise=True), "not sent: already practised that day", ["practised"]),
        (Day(did_start=True), "not sent: practice already started", ["practised", "started"]),
        (
            Day(did_skip=True),
            "not sent: the person skipped that day",
            ["practised", "started", "skipped"],
        ),
    ],
    ids=["practised", "started", "skipped"],
)
def test_a_reminder_waits_for_a_day_not_yet_dealt_with(day, reason, asked):
    assert why_not_send("reminder", Status.ACTIVE, on_hold=False, day=day) == reason
    assert day.asked == asked  # asked in order, and no further than needed


def test_the_day_matters_to_reminder_kinds_only():
    assert why_not_send("weekly", Status.ACTIVE, on_hold=False, day=Day(did_skip=True)) is None
    assert why_not_send("broadcast", Status.ACTIVE, on_hold=False, day=Day(True)) is None


def test_a_summary_turned_off_is_not_sent_and_says_so_before_a_hold():
    reason = why_not_send("weekly", Status.ACTIVE, on_hold=True, summary_on=False)
    assert reason == "not sent: weekly summary turned off"
    assert why_not_send("reminder", Status.ACTIVE, on_hold=False, summary_on=False) is None


def test_a_follow_up_turned_off_is_the_last_reason():
    day = Day(did_practise=True)
    assert (
        why_not_send("followup", Status.ACTIVE, on_hold=False, followup_on=False, day=day)
        == "not sent: already practised that day"
    )
    assert (
        why_not_send("followup", Status.ACTIVE, on_hold=False, followup_on=False, day=Day())
        == "not sent: follow-up turned off"
    )
    assert why_not_send("reminder", Status.ACTIVE, on_hold=False, followup_on=False) is None
