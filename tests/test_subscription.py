"""The subscriber's status machine (bot/subscription.py), with plain values and real zones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import subscription
from bot.models import Status
from bot.subscription import KEEP, NewPause, SubscriberChange, Transition

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 3, 10)


@dataclass(frozen=True)
class Person:
    status: Status = Status.ACTIVE
    remind_at: str | None = "07:30"
    next_due_utc: datetime | None = None
    paused_until: date | None = None


@pytest.mark.parametrize(
    ("transition", "allowed"),
    [
        (Transition.PAUSE, {Status.ACTIVE, Status.PAUSED}),
        (Transition.RESUME, {Status.PAUSED}),
        (Transition.STOP, {Status.ACTIVE, Status.PAUSED}),
        (Transition.BLOCK, set(Status)),
        (Transition.END_PAUSE, {Status.PAUSED}),
    ],
    ids=str,
)
def test_each_change_is_allowed_from_these_statuses_only(transition, allowed):
    assert {status for status in Status if subscription.allows(transition, status)} == allowed


def test_someone_setting_up_can_neither_pause_nor_stop():
    for status in subscription.SETTING_UP:
        assert not subscription.allows(Transition.PAUSE, status)
        assert not subscription.allows(Transition.STOP, status)


def test_a_pause_until_resumed_clears_the_next_reminder():
    change = subscription.pause(Person(), TODAY, None, BERLIN)
    assert change == SubscriberChange(
        Status.PAUSED,
        paused_until=None,
        next_due_utc=None,
        close_pauses_after=TODAY - timedelta(days=1),
        new_pause=NewPause(TODAY, None),
    )


def test_a_pause_of_three_days_comes_back_on_the_fourth_morning():
    change = subscription.pause(Person(), TODAY, 3, BERLIN)
    assert change.new_pause == NewPause(TODAY, date(2026, 3, 12))
    assert change.paused_until == date(2026, 3, 12)
    # 07:30 in Berlin (UTC+1 in March before the switch) on the 13th.
    assert change.next_due_utc == datetime(2026, 3, 13, 6, 30, tzinfo=UTC)


def test_a_pause_chosen_after_todays_reminder_starts_with_tomorrows():
    """'3 days' means three reminders missed: today's went out, so tomorrow's is the first."""
    tomorrow_due = datetime(2026, 3, 11, 6, 30, tzinfo=UTC)
    change = subscription.pause(Person(next_due_utc=tomorrow_due), TODAY, 3, BERLIN)
    assert change.new_pause == NewPause(date(2026, 3, 11), date(2026, 3, 13))
    assert change.next_due_utc == datetime(2026, 3, 14, 6, 30, tzinfo=UTC)


def test_a_pause_across_the_spring_switch_keeps_the_local_time():
    change = subscription.pause(Person(), date(2026, 3, 27), 2, BERLIN)
    # Back on the 29th, the day the clocks go forward: 07:30 is now UTC+2.
    assert change.next_due_utc == datetime(2026, 3, 29, 5, 30, tzinfo=UTC)


def test_resume_ends_the_pause_yesterday_and_keeps_the_next_reminder_for_rescheduling():
    change = subscription.resume(TODAY)
    assert change.status is Status.ACTIVE
    assert change.paused_until is None
    assert change.next_due_utc is KEEP
    assert change.close_pauses_after == TODAY - timedelta(days=1)


def test_stop_clears_the_schedule_the_pause_and_the_question_waiting():
    change = subscription.stop(TODAY)
    assert (change.status, change.next_due_utc, change.paused_until) == (Status.STOPPED, None, None)
    assert change.clear_awaiting
    assert change.close_pauses_after == TODAY - timedelta(days=1)


def test_block_clears_the_schedule_and_leaves_the_rest():
    change = subscription.block()
    assert (change.status, change.next_due_utc, change.paused_until) == (Status.BLOCKED, None, KEEP)
    assert not change.clear_awaiting
    assert change.close_pauses_after is None


@pytest.mark.parametrize(
    ("person", "day", "ends"),
    [
        (Person(Status.PAUSED, paused_until=date(2026, 3, 12)), date(2026, 3, 13), True),
        (Person(Status.PAUSED, paused_until=date(2026, 3, 12)), date(2026, 3, 12), False),
        (Person(Status.PAUSED, paused_until=None), date(2026, 3, 13), False),
        (Person(Status.ACTIVE, paused_until=date(2026, 3, 12)), date(2026, 3, 13), False),
    ],
    ids=["after-the-last-day", "on-the-last-day", "until-resumed", "not-paused"],
)
def test_a_timed_pause_ends_on_the_first_reminder_after_it(person, day, ends):
    change = subscription.end_of_pause(person, day)
    if ends:
        assert change == SubscriberChange(
            Status.ACTIVE, paused_until=None, close_pauses_after=person.paused_until
        )
    else:
        assert change is None


def test_a_new_time_still_ahead_today_counts_today():
    now = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)  # 07:00 in Berlin
    due = subscription.next_reminder(time(8, 0), BERLIN, now, reminded_today=False)
    assert due == datetime(2026, 3, 10, 7, 0, tzinfo=UTC)


def test_a_new_time_after_todays_reminder_starts_tomorrow():
    """One reminder a day: today's went out already, so a later time today waits a day."""
    now = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
    due = subscription.next_reminder(time(8, 0), BERLIN, now, reminded_today=True)
    assert due == datetime(2026, 3, 11, 7, 0, tzinfo=UTC)


def test_a_time_already_past_today_is_tomorrow_either_way():
    now = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)
    for reminded in (False, True):
        due = subscription.next_reminder(time(8, 0), BERLIN, now, reminded_today=reminded)
        assert due == datetime(2026, 3, 11, 7, 0, tzinfo=UTC)
