"""The red-flag rules, at and around each threshold."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.safety import (
    GENTLE_DAYS,
    HIGH_PAIN,
    RED_FLAGS,
    RESCREEN_AFTER_HIGH_PAIN,
    SCREEN_EVERY,
    UNANSWERED_WAIT,
    PainSignal,
    assess_pain,
    extend_gentle,
    gentle_until,
    pains_before,
    screen_due,
)


@pytest.mark.parametrize(
    ("pain", "recent", "expected"),
    [
        (8, [], PainSignal.HIGH),
        (10, [9, 9, 10], PainSignal.HIGH),
        (7, [], PainSignal.NONE),
        (0, [], PainSignal.NONE),
        (5, [3, 3], PainSignal.RISING),
        (5, [3, 4], PainSignal.NONE),
        (5, [3], PainSignal.NONE),
        (6, [2, 3, 4, 5], PainSignal.RISING),
        (4, [4, 4, 4], PainSignal.NONE),
        (2, [6, 6], PainSignal.NONE),
        (8, [2, 2], PainSignal.HIGH),
        (7, [5, 5, 5, 5, 5, 5, 5], PainSignal.RISING),
    ],
    ids=[
        "eight-is-high",
        "ten-is-high-even-without-a-rise",
        "seven-alone-is-not",
        "zero",
        "two-above-average-is-rising",
        "one-and-a-half-above-is-not",
        "one-earlier-rating-is-no-baseline",
        "above-the-average-not-just-yesterday",
        "steady",
        "falling",
        "high-wins-over-rising",
        "full-week-of-history",
    ],
)
def test_assess_pain(pain: int, recent: list[int], expected: PainSignal) -> None:
    assert assess_pain(pain, recent) is expected


def test_high_pain_threshold_is_eight() -> None:
    assert HIGH_PAIN == 8
    assert assess_pain(HIGH_PAIN - 1, []) is PainSignal.NONE


def test_assess_pain_accepts_any_sequence() -> None:
    assert assess_pain(6, (3, 4)) is PainSignal.RISING


@pytest.mark.parametrize(
    "signal", [PainSignal.HIGH, PainSignal.RISING], ids=["high", "rising"]
)  # fmt: skip
def test_gentle_until_covers_the_next_three_days(signal: PainSignal) -> None:
    assert GENTLE_DAYS == 3
    assert gentle_until(date(2026, 6, 30), signal) == date(2026, 7, 3)


def test_gentle_until_is_none_without_a_signal() -> None:
    assert gentle_until(date(2026, 6, 30), PainSignal.NONE) is None


NOW = datetime(2026, 6, 8, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (None, True),
        (NOW - SCREEN_EVERY, True),
        (NOW - timedelta(days=30), True),
        (NOW - SCREEN_EVERY + timedelta(seconds=1), False),
        (NOW - timedelta(days=1), False),
    ],
    ids=["never-screened", "exactly-a-week", "a-month", "just-under-a-week", "yesterday"],
)
def test_screen_due(last: datetime | None, expected: bool) -> None:
    assert screen_due(last, NOW) is expected


def test_red_flags_cover_the_urgent_list() -> None:
    text = " ".join(RED_FLAGS).lower()
    for words in ["groin", "inner thighs", "bladder", "bowel", "weakness", "fever",
                  "fall", "accident", "night"]:  # fmt: skip
        assert words in text
    assert len(RED_FLAGS) == 6


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (None, True),
        (NOW - RESCREEN_AFTER_HIGH_PAIN, True),
        (NOW - timedelta(hours=23), False),
    ],
    ids=["never-screened", "a-day-ago", "earlier-today"],
)
def test_high_pain_brings_the_screen_back_after_a_day(last, expected) -> None:
    assert screen_due(last, NOW, high_pain=True) is expected


@pytest.mark.parametrize(
    ("answered", "offered", "high_pain", "expected"),
    [
        (None, NOW - timedelta(minutes=20), False, False),
        (None, NOW - UNANSWERED_WAIT, False, True),
        (NOW - timedelta(days=8), NOW - timedelta(hours=2), False, False),
        (NOW - timedelta(days=8), NOW - timedelta(days=8), False, True),
        (NOW - timedelta(days=2), NOW - timedelta(minutes=20), True, True),
        (NOW - timedelta(hours=2), NOW - timedelta(hours=3), True, False),
    ],
    ids=[
        "first-sent-minutes-ago",
        "first-sent-half-a-day-ago",
        "weekly-sent-this-morning",
        "weekly-answered-when-sent",
        "high-pain-asks-again-anyway",
        "high-pain-answered-today",
    ],
)
def test_unanswered_questions_are_not_sent_again_within_hours(
    answered, offered, high_pain, expected
) -> None:
    assert screen_due(answered, NOW, high_pain=high_pain, offered_utc=offered) is expected


TODAY = date(2026, 6, 8)


def test_pains_before_takes_the_seven_days_before_today_only() -> None:
    pains = [
        (TODAY - timedelta(days=8), 9),  # too old
        (TODAY - timedelta(days=7), 2),
        (TODAY - timedelta(days=1), 3),
        (TODAY, 8),  # today's own rating is not its baseline
    ]
    assert pains_before(pains, TODAY) == [2, 3]


def test_pains_before_with_no_history_is_empty() -> None:
    assert pains_before([], TODAY) == []


@pytest.mark.parametrize(
    ("current", "signal", "expected"),
    [
        (None, PainSignal.NONE, None),
        (None, PainSignal.HIGH, TODAY + timedelta(days=GENTLE_DAYS)),
        (TODAY + timedelta(days=10), PainSignal.RISING, TODAY + timedelta(days=10)),
        (TODAY + timedelta(days=1), PainSignal.RISING, TODAY + timedelta(days=GENTLE_DAYS)),
        (TODAY + timedelta(days=1), PainSignal.NONE, TODAY + timedelta(days=1)),
    ],
    ids=["nothing", "new-signal", "never-shortened", "lengthened", "calm-day-keeps-it"],
)
def test_extend_gentle(current, signal, expected) -> None:
    assert extend_gentle(current, TODAY, signal) == expected
