"""next_due_utc and friends against real zones and their 2026 switch dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import schedule
from bot.schedule import (
    GRACE,
    describe_next,
    followup_time,
    is_within_grace,
    local_date,
    local_now,
    next_due_utc,
)

BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# (zone, local time, after, expected UTC instant)
CASES = [
    # Europe/Berlin, spring forward 2026-03-29: 02:00 CET -> 03:00 CEST at 01:00 UTC.
    ("Europe/Berlin", time(7, 30), utc(2026, 3, 28, 12), utc(2026, 3, 29, 5, 30)),
    ("Europe/Berlin", time(7, 30), utc(2026, 3, 29, 5, 30), utc(2026, 3, 30, 5, 30)),
    ("Europe/Berlin", time(2, 30), utc(2026, 3, 28, 12), utc(2026, 3, 29, 1, 0)),
    ("Europe/Berlin", time(2, 0), utc(2026, 3, 28, 12), utc(2026, 3, 29, 1, 0)),
    ("Europe/Berlin", time(2, 30), utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 30)),
    ("Europe/Berlin", time(3, 0), utc(2026, 3, 28, 12), utc(2026, 3, 29, 1, 0)),
    # Europe/Berlin, fall back 2026-10-25: 03:00 CEST -> 02:00 CET at 01:00 UTC.
    ("Europe/Berlin", time(7, 30), utc(2026, 10, 24, 12), utc(2026, 10, 25, 6, 30)),
    ("Europe/Berlin", time(2, 30), utc(2026, 10, 24, 12), utc(2026, 10, 25, 0, 30)),
    ("Europe/Berlin", time(2, 30), utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)),
    ("Europe/Berlin", time(2, 30), utc(2026, 10, 25, 1, 0), utc(2026, 10, 26, 1, 30)),
    # America/New_York, 2026-03-08 02:00 -> 03:00 and 2026-11-01 02:00 -> 01:00.
    ("America/New_York", time(7, 0), utc(2026, 3, 7, 20), utc(2026, 3, 8, 11, 0)),
    ("America/New_York", time(2, 30), utc(2026, 3, 7, 20), utc(2026, 3, 8, 7, 0)),
    ("America/New_York", time(1, 30), utc(2026, 10, 31, 20), utc(2026, 11, 1, 5, 30)),
    ("America/New_York", time(1, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)),
    ("America/New_York", time(7, 0), utc(2026, 10, 31, 20), utc(2026, 11, 1, 12, 0)),
    # Half- and quarter-hour zones without DST.
    ("Asia/Kolkata", time(7, 30), utc(2026, 6, 1, 12), utc(2026, 6, 2, 2, 0)),
    ("Asia/Kathmandu", time(7, 30), utc(2026, 6, 1, 12), utc(2026, 6, 2, 1, 45)),
    # Australia/Lord_Howe moves only 30 minutes: back 02:00 -> 01:30 on 2026-04-05,
    # forward 02:00 -> 02:30 on 2026-10-04.
    ("Australia/Lord_Howe", time(1, 45), utc(2026, 4, 4, 0), utc(2026, 4, 4, 14, 45)),
    ("Australia/Lord_Howe", time(1, 45), utc(2026, 4, 4, 14, 45), utc(2026, 4, 5, 15, 15)),
    ("Australia/Lord_Howe", time(2, 15), utc(2026, 10, 3, 0), utc(2026, 10, 3, 15, 30)),
    ("Australia/Lord_Howe", time(7, 0), utc(2026, 10, 3, 0), utc(2026, 10, 3, 20, 0)),
    # Pacific/Chatham, +13:45 -> +12:45 on 2026-04-05 and back on 2026-09-27, at 02:45/03:45.
    ("Pacific/Chatham", time(3, 0), utc(2026, 4, 4, 0), utc(2026, 4, 4, 13, 15)),
    ("Pacific/Chatham", time(3, 0), utc(2026, 4, 4, 13, 15), utc(2026, 4, 5, 14, 15)),
    ("Pacific/Chatham", time(3, 0), utc(2026, 9, 26, 0), utc(2026, 9, 26, 14, 0)),
    ("Pacific/Chatham", time(7, 30), utc(2026, 9, 26, 0), utc(2026, 9, 26, 17, 45)),
    ("UTC", time(7, 30), utc(2026, 1, 1, 7, 29), utc(2026, 1, 1, 7, 30)),
    ("UTC", time(0, 0), utc(2026, 12, 31, 23, 59), utc(2027, 1, 1, 0, 0)),
]
CASE_IDS = [
    "berlin-spring-day-normal-time",
    "berlin-after-spring-day-instant",
    "berlin-gap-0230-sent-at-jump",
    "berlin-gap-start-0200-sent-at-jump",
    "berlin-day-after-gap-normal-again",
    "berlin-0300-just-after-gap",
    "berlin-fall-day-normal-time",
    "berlin-fold-0230-first-occurrence",
    "berlin-fold-after-first-skips-second",
    "berlin-fold-between-occurrences-skips-second",
    "newyork-spring-day",
    "newyork-gap-0230-sent-at-jump",
    "newyork-fold-0130-first-occurrence",
    "newyork-fold-after-first-skips-second",
    "newyork-fall-day-normal-time",
    "kolkata-plus-0530",
    "kathmandu-plus-0545",
    "lordhowe-fold-first-occurrence",
    "lordhowe-fold-after-first-skips-second",
    "lordhowe-30min-gap-sent-at-jump",
    "lordhowe-spring-day-normal-time",
    "chatham-fold-first-occurrence",
    "chatham-fold-after-first-skips-second",
    "chatham-gap-sent-at-jump",
    "chatham-spring-day-normal-time",
    "utc-same-day",
    "utc-over-new-year",
]


@pytest.mark.parametrize(("zone_name", "at", "after", "expected"), CASES, ids=CASE_IDS)
def test_next_due_utc_in_real_zones(
    zone_name: str, at: time, after: datetime, expected: datetime
) -> None:
    due = next_due_utc(at, ZoneInfo(zone_name), after)
    assert due == expected
    assert due.utcoffset() == timedelta(0)


def test_next_due_utc_is_strictly_after() -> None:
    """Passing the instant just sent gives the next day's, never the same one again."""
    due = next_due_utc(time(7, 30), BERLIN, utc(2026, 6, 1))
    assert next_due_utc(time(7, 30), BERLIN, due) == due + timedelta(days=1)


def test_next_due_utc_one_microsecond_before_is_same_day() -> None:
    due = utc(2026, 6, 1, 5, 30)
    assert next_due_utc(time(7, 30), BERLIN, due - timedelta(microseconds=1)) == due


def test_next_due_utc_accepts_after_in_any_zone() -> None:
    after = datetime(2026, 6, 1, 7, 0, tzinfo=ZoneInfo("America/New_York"))
    assert next_due_utc(time(7, 30), BERLIN, after) == utc(2026, 6, 2, 5, 30)


def test_next_due_utc_rejects_naive_after() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_due_utc(time(7, 30), BERLIN, datetime(2026, 6, 1, 7, 0))


def test_next_due_utc_ignores_fold_and_tzinfo_on_the_time() -> None:
    """The stored time is a wall-clock time; fold=1 must not pick the second occurrence."""
    at = time(2, 30, fold=1, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert next_due_utc(at, BERLIN, utc(2026, 10, 24, 12)) == utc(2026, 10, 25, 0, 30)


@pytest.mark.parametrize(
    "at", [time(7, 30), time(2, 30), time(2, 0), time(0, 0), time(23, 59)],
    ids=["0730", "0230-gap-and-fold", "0200-gap-edge", "midnight", "2359"],
)  # fmt: skip
def test_400_consecutive_reminders_in_berlin_give_one_per_local_date(at: time) -> None:
    """Chaining next_due_utc across both switches neither skips nor repeats a local date."""
    after = utc(2026, 1, 1)
    dates = []
    for _ in range(400):
        after = next_due_utc(at, BERLIN, after)
        dates.append(local_date(after, BERLIN))
    first = dates[0]
    assert dates == [first + timedelta(days=i) for i in range(400)]


def test_zone_returns_the_same_object_each_time() -> None:
    assert schedule.zone("Europe/Berlin") is schedule.zone("Europe/Berlin")
    assert schedule.zone("Asia/Kolkata").key == "Asia/Kolkata"


def test_zone_rejects_unknown_name() -> None:
    with pytest.raises(KeyError):
        schedule.zone("Mars/Olympus_Mons")


@pytest.mark.parametrize(
    ("late", "expected"),
    [
        (timedelta(0), True),
        (timedelta(hours=1), True),
        (GRACE, True),
        (GRACE + timedelta(seconds=1), False),
        (timedelta(seconds=-1), False),
    ],
    ids=["on-time", "one-hour-late", "exactly-grace", "past-grace", "not-yet-due"],
)
def test_is_within_grace(late: timedelta, expected: bool) -> None:
    due = utc(2026, 6, 1, 5, 30)
    assert is_within_grace(due, due + late, GRACE) is expected


def test_is_within_grace_uses_three_hours_by_default() -> None:
    due = utc(2026, 6, 1, 5, 30)
    assert is_within_grace(due, due + timedelta(hours=3))
    assert not is_within_grace(due, due + timedelta(hours=3, minutes=1))


def test_local_date_follows_the_persons_calendar() -> None:
    """23:30 UTC is already tomorrow in Berlin and still today in New York."""
    at = utc(2026, 6, 1, 23, 30)
    assert local_date(at, BERLIN) == date(2026, 6, 2)
    assert local_date(at, ZoneInfo("America/New_York")) == date(2026, 6, 1)


def test_local_now_shows_the_wall_clock() -> None:
    now = local_now(ZoneInfo("Asia/Kathmandu"), utc(2026, 6, 1, 0, 0))
    assert (now.hour, now.minute) == (5, 45)


@pytest.mark.parametrize(
    "call",
    [
        lambda: local_date(datetime(2026, 6, 1), BERLIN),
        lambda: local_now(BERLIN, datetime(2026, 6, 1)),
    ],
    ids=["local_date", "local_now"],
)
def test_local_helpers_reject_naive_datetimes(call) -> None:
    with pytest.raises(ValueError, match="aware"):
        call()


@pytest.mark.parametrize(
    ("now", "due", "expected"),
    [
        (utc(2026, 6, 1, 4), utc(2026, 6, 1, 5, 30), "today at 07:30"),
        (utc(2026, 6, 1, 21), utc(2026, 6, 2, 5, 30), "tomorrow at 07:30"),
        (utc(2026, 6, 1, 21, 30), utc(2026, 6, 2, 5, 30), "tomorrow at 07:30"),
        (utc(2026, 6, 1, 4), utc(2026, 6, 3, 5, 30), "Wednesday at 07:30"),
        (utc(2026, 6, 1, 4), utc(2026, 6, 7, 5, 30), "Sunday at 07:30"),
        (utc(2026, 6, 1, 4), utc(2026, 6, 8, 5, 30), "Monday 8 June at 07:30"),
    ],
    ids=["today", "tomorrow", "tomorrow-seen-late-evening", "weekday",
         "six-days", "a-week-or-more"],
)  # fmt: skip
def test_describe_next(now: datetime, due: datetime, expected: str) -> None:
    assert describe_next(due, BERLIN, now) == expected


def test_describe_next_shows_the_jump_time_for_a_gap_reminder() -> None:
    due = next_due_utc(time(2, 30), BERLIN, utc(2026, 3, 28, 12))
    assert describe_next(due, BERLIN, utc(2026, 3, 28, 12)) == "tomorrow at 03:00"


@pytest.mark.parametrize(
    "reminder, nudge",
    [
        (time(7, 30), time(10, 30)),
        (time(18, 0), time(21, 0)),
        (time(20, 0), time(21, 0)),
        (time(21, 0), time(22, 0)),
        (time(23, 0), time(23, 30)),
        (time(23, 15), time(23, 45)),
        (time(23, 30), None),
    ],
    ids=str,
)
def test_followup_time_comes_the_same_evening_for_late_reminders(reminder, nudge):
    assert followup_time(reminder) == nudge
