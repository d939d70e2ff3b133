"""The red-flag rules, at and around each threshold."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot import safety
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
    meaningful_drop,
    pains_before,
    screen_due,
)
from bot.texts.safety import signs

# The signs in English (bot/safety.py lists them by message key).
URGENT_SIGNS = signs(safety.URGENT_SIGNS)
SEE_DOCTOR_SIGNS = signs(safety.SEE_DOCTOR_SIGNS)


@pytest.mark.parametrize(
    ("pain", "recent", "expected"),
    [
        (8, [], PainSignal.HIGH),
        (10, [9, 9, 10], PainSignal.HIGH),
        (7, [], PainSignal.HIGH),
        (6, [], PainSignal.NONE),
        (0, [], PainSignal.NONE),
        (5, [3, 3], PainSignal.RISING),
        (5, [3, 4], PainSignal.NONE),
        (5, [3], PainSignal.NONE),
        (6, [2, 3, 4, 5], PainSignal.RISING),
        (4, [4, 4, 4], PainSignal.NONE),
        (2, [6, 6], PainSignal.NONE),
        (8, [2, 2], PainSignal.HIGH),
        (6, [4, 4, 4, 4, 4, 4, 4], PainSignal.RISING),
    ],
    ids=[
        "eight-is-high",
        "ten-is-high-even-without-a-rise",
        "seven-is-high-the-severe-band",
        "six-alone-is-not",
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


def test_high_pain_threshold_is_seven_where_the_severe_band_begins() -> None:
    assert HIGH_PAIN == 7
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
    """Every urgent sign a clinician would ask about, worded as the review asked."""
    assert RED_FLAGS == safety.URGENT_SIGNS
    text = " ".join(URGENT_SIGNS).lower()
    for words in ["genitals, bottom or inner thighs", "trouble peeing", "can't start",
                  "bladder or bowel", "both legs", "getting worse", "fever",
                  "recent fall, accident or knock", "sudden, severe pain in your belly or back",
                  "night"]:  # fmt: skip
        assert words in text
    assert "groin or inner thighs" not in text  # the old, too narrow saddle wording


def test_see_a_doctor_this_week_signs_are_a_separate_tier() -> None:
    text = " ".join(SEE_DOCTOR_SIGNS).lower()
    for words in ["cancer", "weight", "unwell", "lump in your groin", "vomiting",
                  "blood in your stool", "nobody has checked"]:  # fmt: skip
        assert words in text
    assert not set(SEE_DOCTOR_SIGNS) & set(URGENT_SIGNS)


@pytest.mark.parametrize("sign", URGENT_SIGNS + SEE_DOCTOR_SIGNS)
def test_every_sign_is_short_enough_to_read_at_a_glance(sign: str) -> None:
    assert len(sign) <= 110 and not sign.endswith(".")


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [(6, 4, True), (6, 5, False), (None, 2, False), (5, None, False), (3, 6, False)],
    ids=["two-points", "one-point", "no-before", "no-after", "rise"],
)
def test_meaningful_drop_is_about_two_points(before, after, expected) -> None:
    assert meaningful_drop(before, after) is expected


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
        (NOW - timedelta(days=2), NOW - timedelta(minutes=20), True, False),
        (NOW - timedelta(days=2), NOW - timedelta(days=1), True, True),
        (NOW - timedelta(hours=2), NOW - timedelta(hours=3), True, False),
    ],
    ids=[
        "first-sent-minutes-ago",
        "first-sent-half-a-day-ago",
        "weekly-sent-this-morning",
        "weekly-answered-when-sent",
        "high-pain-never-asks-twice-a-day",
        "high-pain-asks-a-day-after-the-unanswered-one",
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


@pytest.mark.parametrize(
    ("zone", "number"),
    [
        ("Europe/Berlin", "112"),
        ("Europe/Paris", "112"),
        ("Europe/London", "112"),
        ("Europe/Kyiv", "112"),
        ("Europe/Kiev", "112"),  # an old name, linked in tzdata
        ("Europe/Moscow", "112"),
        ("Asia/Yekaterinburg", "112"),
        ("Asia/Vladivostok", "112"),
        ("America/New_York", "911"),
        ("US/Eastern", "911"),
        ("America/Los_Angeles", "911"),
        ("America/Toronto", "911"),
        ("America/Vancouver", "911"),
        ("America/Mexico_City", "911"),
        ("Asia/Tokyo", None),
        ("Australia/Sydney", None),
        ("America/Sao_Paulo", None),
        ("Etc/GMT-3", None),
        ("UTC", None),
        ("Not/AZone", None),
    ],
)
def test_emergency_number_follows_the_zones_country(zone: str, number: str | None) -> None:
    """112 across Europe and all of Russia, 911 in North America, and elsewhere no number:
    the person is told to call their local one, which is never wrong."""
    assert safety.emergency_number(zone) == number
