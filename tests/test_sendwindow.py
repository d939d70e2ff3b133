"""The early-send window: crowded instants start before they fall due, within every bound."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.sendwindow import (
    chosen_instant,
    day_start,
    earliest_send,
    lead,
    may_send_early,
    opens_at,
)

BERLIN = ZoneInfo("Europe/Berlin")
HAVANA = ZoneInfo("America/Havana")
FIVE_MIN = timedelta(minutes=5)
RATE = 30.0


def test_a_quiet_instant_starts_at_most_half_a_second_early():
    assert lead(30, RATE, FIVE_MIN) == timedelta(seconds=0.5)
    assert lead(1, RATE, FIVE_MIN) < timedelta(seconds=0.02)


def test_a_crowded_instant_starts_half_its_sending_time_early():
    """4,641 due at 30/s take 154.7 s: starting 77.35 s early centres them on the instant."""
    assert lead(4641, RATE, FIVE_MIN) == timedelta(seconds=4641 / 60)


def test_the_lead_never_exceeds_the_configured_window():
    assert lead(46_000, RATE, FIVE_MIN) == FIVE_MIN
    assert lead(46_000, 1000.0, FIVE_MIN) == timedelta(seconds=23)


@pytest.mark.parametrize(
    ("waiting", "rate", "window"),
    [(0, RATE, FIVE_MIN), (100, RATE, timedelta(0)), (100, 0.0, FIVE_MIN)],
    ids=["nobody-waiting", "window-off", "no-rate"],
)
def test_no_lead_when_nothing_to_spread(waiting, rate, window):
    assert lead(waiting, rate, window) == timedelta(0)


def test_an_open_instant_stays_open_while_its_sends_go_out():
    """Counting only those still waiting keeps the rule stateless: once open, open until due."""
    due = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    waiting = 4641
    now = opens_at(due, waiting, RATE, FIVE_MIN)
    assert now == due - timedelta(seconds=4641 / 60)
    while now < due:
        assert now >= opens_at(due, waiting, RATE, FIVE_MIN)
        now += timedelta(seconds=1)
        waiting -= int(RATE)


def test_earliest_send_is_the_window_on_an_ordinary_morning():
    due = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 07:00 in Berlin
    assert earliest_send(due, BERLIN, FIVE_MIN) == due - FIVE_MIN


def test_never_before_the_previous_local_day_ends():
    """00:02 in Berlin: the window would start at 23:57 the day before; midnight bounds it."""
    due = datetime(2026, 11, 23, 23, 2, tzinfo=UTC)  # 00:02 on 24 November in Berlin
    midnight = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)
    assert earliest_send(due, BERLIN, FIVE_MIN) == midnight
    assert not may_send_early(midnight - timedelta(seconds=1), due, BERLIN, FIVE_MIN)
    assert may_send_early(midnight, due, BERLIN, FIVE_MIN)


def test_a_reminder_at_midnight_is_never_sent_early():
    due = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # 00:00 on 24 November in Berlin
    assert earliest_send(due, BERLIN, FIVE_MIN) == due
    assert not may_send_early(due - timedelta(seconds=1), due, BERLIN, FIVE_MIN)


def test_not_yet_early_is_not_early_once_due():
    due = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    assert not may_send_early(due, due, BERLIN, FIVE_MIN)
    assert not may_send_early(due - FIVE_MIN - timedelta(seconds=1), due, BERLIN, FIVE_MIN)
    assert may_send_early(due - FIVE_MIN, due, BERLIN, FIVE_MIN)


def test_spring_forward_the_window_reaches_back_across_the_jump_within_the_day():
    """Berlin, 29 March 2026: 03:01 CEST is 01:01 UTC; five minutes before is 01:56 CET,
    still the same local day."""
    due = datetime(2026, 3, 29, 1, 1, tzinfo=UTC)
    earliest = earliest_send(due, BERLIN, FIVE_MIN)
    assert earliest == datetime(2026, 3, 29, 0, 56, tzinfo=UTC)
    assert earliest.astimezone(BERLIN).date() == date(2026, 3, 29)


def test_fall_back_the_window_is_counted_in_real_seconds():
    """Berlin, 25 October 2026: 02:30 happens twice; the reminder goes at the first (00:30
    UTC), and the window is five real minutes before it."""
    due = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert earliest_send(due, BERLIN, FIVE_MIN) == datetime(2026, 10, 25, 0, 25, tzinfo=UTC)


def test_a_day_whose_midnight_does_not_exist_starts_when_the_clocks_jump():
    """Havana springs from 00:00 to 01:00 on 8 March 2026: the day starts at 01:00 CDT
    (05:00 UTC); a reminder at 01:03 may go no earlier than that."""
    assert day_start(date(2026, 3, 8), HAVANA) == datetime(2026, 3, 8, 5, 0, tzinfo=UTC)
    due = datetime(2026, 3, 8, 5, 3, tzinfo=UTC)
    assert due.astimezone(HAVANA).strftime("%H:%M") == "01:03"
    assert earliest_send(due, HAVANA, FIVE_MIN) == datetime(2026, 3, 8, 5, 0, tzinfo=UTC)


def test_a_pause_ending_inside_the_window_bounds_it():
    """Paused to the 23rd (the last paused day): the pause ends at midnight, inside the
    window of a 00:03 reminder on the 24th."""
    due = datetime(2026, 11, 23, 23, 3, tzinfo=UTC)  # 00:03 on the 24th in Berlin
    pause_end = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)
    assert earliest_send(due, BERLIN, FIVE_MIN, paused_until=date(2026, 11, 23)) == pause_end
    assert not may_send_early(pause_end - timedelta(seconds=1), due, BERLIN, FIVE_MIN,
                              paused_until=date(2026, 11, 23))  # fmt: skip


def test_a_reminder_on_a_paused_day_is_never_sent_early():
    due = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)  # 07:00 on the 24th, paused to the 24th
    earliest = earliest_send(due, BERLIN, FIVE_MIN, paused_until=date(2026, 11, 24))
    assert earliest > due
    assert not may_send_early(due - timedelta(seconds=10), due, BERLIN, FIVE_MIN,
                              paused_until=date(2026, 11, 24))  # fmt: skip


def test_a_time_changed_inside_the_window_gives_another_instant():
    day = date(2026, 11, 23)
    recorded = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 07:00 Berlin
    assert chosen_instant(day, "07:00", "Europe/Berlin") == recorded
    assert chosen_instant(day, "08:00", "Europe/Berlin") == recorded + timedelta(hours=1)
    assert chosen_instant(day, "07:00", "Europe/London") == recorded + timedelta(hours=1)
    assert chosen_instant(day, None, "Europe/Berlin") is None
