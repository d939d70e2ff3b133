from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.insights import (
    Change,
    HistoryRow,
    Streaks,
    area_label,
    daily_values,
    empty_history_line,
    first_vs_latest_week,
    format_history_row,
    history_page,
    history_rows,
    rolling_average,
    short_date,
    streaks,
    summarize,
    summary_lines,
    week_start,
    weekly_summary,
)
from bot.models import BodyArea, CheckIn
from bot.ratings import AREA_LABELS as RATING_LABELS

TODAY = date(2026, 11, 16)  # a Monday
SHAMING = ("missed", "broke", "broken", "failed", "lost", "only ", "should have", "0 days")


def days_back(*offsets: int) -> set[date]:
    return {TODAY - timedelta(days=n) for n in offsets}


def checkin(d: date, tension: int | None = None, pain: int | None = None, **kw) -> CheckIn:
    return CheckIn(chat_id=1, local_date=d, tension=tension, pain=pain, **kw)


def year_of_checkins(today: date = TODAY, seed: int = 7) -> tuple[list[CheckIn], set[date]]:
    rng = random.Random(seed)
    checkins, practised = [], set()
    for i in range(365):
        d = today - timedelta(days=364 - i)
        if rng.random() < 0.85:
            t = max(0, min(10, round(7 - i / 70 + rng.gauss(0, 1))))
            p = max(0, min(10, round(6 - i / 80 + rng.gauss(0, 1))))
            checkins.append(checkin(d, t, p, tension_before=min(10, t + 1)))
        if rng.random() < 0.7:
            practised.add(d)
    return checkins, practised


def assert_kind(lines: list[str]) -> None:
    text = " ".join(lines).lower()
    for word in SHAMING:
        assert word not in text, (word, lines)


# --- streaks -----------------------------------------------------------------------------------


def test_streak_counts_back_from_today():
    assert streaks(days_back(0, 1, 2), set(), TODAY) == Streaks(current=3, best=3)


def test_streak_today_not_yet_practised_does_not_break():
    """Before today's practice the run still stands; it counts from yesterday."""
    assert streaks(days_back(1, 2, 3), set(), TODAY) == Streaks(current=3, best=3)


def test_streak_gap_of_two_days_ends_current_run_but_keeps_best():
    practised = days_back(2, 3) | days_back(*range(10, 15))
    assert streaks(practised, set(), TODAY) == Streaks(current=0, best=5)


def test_streak_paused_days_neither_break_nor_extend():
    practised = days_back(0, 1, 5, 6)
    paused = days_back(2, 3, 4)
    assert streaks(practised, paused, TODAY) == Streaks(current=4, best=4)


def test_streak_paused_today_and_yesterday_keeps_run_from_before():
    assert streaks(days_back(2, 3), days_back(0, 1), TODAY) == Streaks(current=2, best=2)


def test_streak_practising_on_a_paused_day_counts():
    assert streaks(days_back(0, 1), days_back(0), TODAY) == Streaks(current=2, best=2)


def test_streak_ignores_future_dates():
    """A date ahead of today (a zone change east) does not inflate today's numbers."""
    practised = days_back(0) | {TODAY + timedelta(days=1)}
    assert streaks(practised, set(), TODAY) == Streaks(current=1, best=1)


def test_streak_empty_history_is_zero():
    assert streaks(set(), set(), TODAY) == Streaks(0, 0)
    assert streaks(set(), days_back(0, 1, 2), TODAY) == Streaks(0, 0)


def test_streak_best_can_be_in_the_past():
    practised = days_back(0) | days_back(*range(20, 29))
    assert streaks(practised, set(), TODAY) == Streaks(current=1, best=9)


def test_streak_over_a_year_of_daily_practice():
    practised = days_back(*range(365))
    assert streaks(practised, set(), TODAY) == Streaks(current=365, best=365)


def test_streak_across_flight_west_with_a_repeated_local_date():
    """Tokyo -> Honolulu: 10 Nov happens twice; a set of dates just holds it once."""
    tokyo, honolulu = ZoneInfo("Asia/Tokyo"), ZoneInfo("Pacific/Honolulu")
    instants = [
        (datetime(2026, 11, 9, 20, tzinfo=tokyo), tokyo),
        (datetime(2026, 11, 10, 20, tzinfo=tokyo), tokyo),
        (datetime(2026, 11, 10, 9, tzinfo=honolulu), honolulu),
        (datetime(2026, 11, 11, 9, tzinfo=honolulu), honolulu),
    ]
    days = [when.astimezone(zone).date() for when, zone in instants]
    assert days.count(date(2026, 11, 10)) == 2
    assert streaks(set(days), set(), date(2026, 11, 11)) == Streaks(3, 3)


def test_streak_across_date_line_east_survives_when_caller_pauses_the_skipped_date():
    """Honolulu -> Tokyo skips a local date; the caller passes it as paused."""
    honolulu, tokyo = ZoneInfo("Pacific/Honolulu"), ZoneInfo("Asia/Tokyo")
    before = datetime(2026, 11, 9, 9, tzinfo=honolulu)
    after = before.astimezone(UTC) + timedelta(hours=24)
    practised = {before.date(), after.astimezone(tokyo).date()}
    assert practised == {date(2026, 11, 9), date(2026, 11, 11)}
    today = date(2026, 11, 11)
    assert streaks(practised, set(), today).current == 1
    assert streaks(practised, {date(2026, 11, 10)}, today) == Streaks(2, 2)


# --- windows and weeks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "first_weekday", "expected"),
    [
        (date(2026, 11, 16), 0, date(2026, 11, 16)),  # Monday
        (date(2026, 11, 22), 0, date(2026, 11, 16)),  # Sunday
        (date(2026, 11, 22), 6, date(2026, 11, 22)),  # Sunday weeks
        (date(2026, 11, 21), 6, date(2026, 11, 15)),
        (date(2027, 1, 1), 0, date(2026, 12, 28)),  # across the new year
    ],
    ids=["monday", "sunday", "sunday-week-start", "saturday-sunday-weeks", "new-year"],
)
def test_week_start(day, first_weekday, expected):
    assert week_start(day, first_weekday) == expected


def test_week_turns_at_local_midnight_not_utc():
    """Sunday 23:30 in Auckland is already Monday there but still Sunday in UTC."""
    auckland = ZoneInfo("Pacific/Auckland")
    when = datetime(2026, 11, 15, 11, 30, tzinfo=UTC)
    local = when.astimezone(auckland).date()
    assert week_start(local) == date(2026, 11, 16)
    assert week_start(when.date()) == date(2026, 11, 9)


def test_week_start_across_dst_change_is_calendar_based():
    berlin = ZoneInfo("Europe/Berlin")
    sunday_night = datetime(2026, 10, 25, 23, 30, tzinfo=berlin)  # fall-back day
    assert week_start(sunday_night.date()) == date(2026, 10, 19)
    assert week_start((sunday_night + timedelta(hours=1)).date()) == date(2026, 10, 26)


# --- rolling average ---------------------------------------------------------------------------


def test_rolling_average_uses_calendar_days_not_counts():
    points = [(date(2026, 11, 1), 8.0), (date(2026, 11, 2), 6.0), (date(2026, 11, 12), 2.0)]
    assert rolling_average(points, 7) == [
        (date(2026, 11, 1), 8.0),
        (date(2026, 11, 2), 7.0),
        (date(2026, 11, 12), 2.0),  # the old points left the window
    ]


def test_rolling_average_window_edge_is_inclusive_of_seven_days():
    points = [(date(2026, 11, 1), 10.0), (date(2026, 11, 7), 0.0), (date(2026, 11, 8), 0.0)]
    result = dict(rolling_average(points, 7))
    assert result[date(2026, 11, 7)] == 5.0
    assert result[date(2026, 11, 8)] == 0.0


def test_rolling_average_emits_once_per_date_with_duplicates():
    points = [(date(2026, 11, 2), 4.0), (date(2026, 11, 1), 2.0), (date(2026, 11, 2), 6.0)]
    assert rolling_average(points) == [(date(2026, 11, 1), 2.0), (date(2026, 11, 2), 4.0)]


def test_rolling_average_of_nothing_is_empty():
    assert rolling_average([]) == []


def test_rolling_average_rejects_zero_window():
    with pytest.raises(ValueError):
        rolling_average([(TODAY, 1.0)], 0)


# --- change ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "meaningful", "direction"),
    [
        (6.0, 4.0, True, "better"),  # exactly 2 points
        (6.1, 4.1, True, "better"),  # 2 points with float noise
        (4.0, 6.0, True, "worse"),
        (6.0, 4.1, True, "better"),  # 1.9 points but 31.7%
        (9.0, 7.1, False, "about the same"),  # 1.9 points, 21%
        (5.0, 3.5, True, "better"),  # exactly 30%, 1.5 points
        (5.0, 3.6, False, "about the same"),  # 28%, 1.4 points
        (10.0, 7.1, True, "better"),  # 2.9 points
        (3.0, 2.0, True, "better"),  # 33%, 1 point
        (2.0, 1.4, False, "about the same"),  # 30% but only 0.6 of a point
        (0.0, 1.0, False, "about the same"),  # from 0: percent undefined, 1 point
        (0.0, 2.0, True, "worse"),  # from 0: 2 points
        (4.0, 4.0, False, "about the same"),
    ],
    ids=[
        "exactly-2-points",
        "2-points-float-noise",
        "2-points-worse",
        "1.9-points-32-percent",
        "1.9-points-21-percent",
        "exactly-30-percent",
        "28-percent",
        "2.9-points",
        "33-percent-of-3",
        "30-percent-below-one-point",
        "from-0-by-1",
        "from-0-by-2",
        "no-change",
    ],
)
def test_change_meaningful_thresholds(before, after, meaningful, direction):
    change = Change(before, after)
    assert change.meaningful is meaningful
    assert change.direction == direction


def test_change_percent_is_none_from_zero():
    assert Change(0, 3).percent is None
    assert Change(0, 3).delta == 3


def test_change_percent_and_delta():
    change = Change(8.0, 6.0)
    assert change.delta == -2.0
    assert change.percent == pytest.approx(-25.0)


# --- first vs latest week, sessions ------------------------------------------------------------


def test_first_vs_latest_week_compares_first_seven_days_to_last_seven():
    first = [checkin(TODAY - timedelta(days=29 - i), 6, 7) for i in range(7)]
    latest = [checkin(TODAY - timedelta(days=i), 4, 3) for i in range(7)]
    result = first_vs_latest_week(first + latest, TODAY)
    assert result["tension"] == Change(6.0, 4.0)
    assert result["pain"] == Change(7.0, 3.0)


def test_first_vs_latest_week_is_none_until_weeks_do_not_overlap():
    checkins = [checkin(TODAY - timedelta(days=i), 5, 5) for i in range(13)]
    assert first_vs_latest_week(checkins, TODAY) == {"tension": None, "pain": None}
    checkins.append(checkin(TODAY - timedelta(days=13), 5, 5))
    assert first_vs_latest_week(checkins, TODAY)["pain"] == Change(5.0, 5.0)


def test_first_vs_latest_week_none_when_latest_week_has_no_rating():
    checkins = [checkin(TODAY - timedelta(days=30), 5, 5)]
    assert first_vs_latest_week(checkins, TODAY) == {"tension": None, "pain": None}


def test_first_vs_latest_week_per_metric():
    checkins = [checkin(TODAY - timedelta(days=20), tension=5), checkin(TODAY, 3, 4)]
    result = first_vs_latest_week(checkins, TODAY)
    assert result == {"tension": Change(5.0, 3.0), "pain": None}


# --- merging a day's check-ins -----------------------------------------------------------------


def test_daily_values_later_answer_wins_and_blank_does_not_erase():
    early = datetime(2026, 11, 10, 7, tzinfo=UTC)
    checkins = [
        checkin(TODAY, 5, None, created_utc=early + timedelta(hours=20), note="  "),
        checkin(TODAY, 7, 6, created_utc=early, note="morning", areas=(BodyArea.DEEP_BELLY,)),
    ]
    day = daily_values(checkins)[TODAY]
    assert (day.tension, day.pain, day.areas) == (5, 6, (BodyArea.DEEP_BELLY,))
    assert day.has_note


# --- summary -----------------------------------------------------------------------------------


def test_summary_of_empty_history_is_kind():
    summary = summarize([], set(), set(), TODAY, 30)
    assert summary.is_empty
    assert summary_lines(summary) == [empty_history_line()]


def test_summary_of_one_checkin():
    summary = summarize([checkin(TODAY, 5, 4, practised=True)], set(), set(), TODAY, 30)
    assert summary.streak == Streaks(1, 1)
    assert summary.practised_in_period == 1
    assert summary.period_days == 1
    assert summary.tension_change is None
    lines = summary_lines(summary)
    assert lines[0] == "You practised 1 of 1 day so far."
    assert "Current streak: 1 day (best: 1)." in lines
    assert any("Pain averages 4.0 so far" in line for line in lines)
    assert_kind(lines)


def test_summary_of_a_quiet_period_after_older_history_is_not_empty_and_is_kind():
    old = [checkin(TODAY - timedelta(days=60 + i), 5, 5, practised=True) for i in range(5)]
    summary = summarize(old, set(), set(), TODAY, 30)
    assert not summary.is_empty
    lines = summary_lines(summary)
    assert lines[0] == (
        "No practice in this period yet. Whenever you're ready, the rest practice is here."
    )
    assert "Best streak so far: 5 days. Any day is a good day to start the next." in lines
    assert "5 days of practice in total." in lines
    assert_kind(lines)


def test_summary_does_not_count_days_before_the_start_as_missed():
    checkins = [checkin(TODAY - timedelta(days=i), 5, 5) for i in range(10)]
    practised = days_back(*range(0, 10, 2))
    summary = summarize(checkins, practised, set(), TODAY, 30)
    assert (summary.practised_in_period, summary.period_days) == (5, 10)
    assert summary_lines(summary)[0] == "You practised 5 of the 10 days since you started."


def test_summary_practised_18_of_the_last_30_days():
    practised = days_back(*range(18)) | days_back(40)
    summary = summarize([], practised, set(), TODAY, 30)
    assert summary_lines(summary)[0] == "You practised 18 of the last 30 days."
    assert summary.practised_total == 19
    assert summary.practised_this_week == 1  # today is a Monday


def test_summary_mentions_paused_days_without_blame():
    practised = days_back(*range(5)) | days_back(*range(10, 40))
    summary = summarize([], practised, days_back(5, 6, 7, 8, 9), TODAY, 30)
    assert summary.streak.current == 35
    assert summary_lines(summary)[0] == "You practised 25 of the last 30 days (5 days were paused)."


def test_summary_with_no_current_streak_is_encouraging():
    summary = summarize([], days_back(10, 11, 12), set(), TODAY, 30)
    lines = summary_lines(summary)
    assert "Best streak so far: 3 days. Any day is a good day to start the next." in lines
    assert_kind(lines)


def test_summary_reports_meaningful_change_and_session_effect():
    first = [
        checkin(TODAY - timedelta(days=29 - i), 6, 6, tension_before=7, practised=True)
        for i in range(7)
    ]
    latest = [
        checkin(TODAY - timedelta(days=i), 4, 4, tension_before=5, practised=True) for i in range(7)
    ]
    summary = summarize(first + latest, set(), set(), TODAY, None)
    lines = summary_lines(summary)
    assert "Pain: 6.0 → 4.0 from your first week to the last 7 days, a meaningful change." in lines
    assert "Tension before → after a session: 6.0 → 5.0 on average (14 sessions)." in lines
    assert summary.session_change == -1.0


def test_summary_names_the_first_week_shown_when_window_starts_later():
    checkins = [checkin(TODAY - timedelta(days=i), 4, 4) for i in range(60)]
    lines = summary_lines(summarize(checkins, set(), set(), TODAY, 30))
    assert any("from the first week shown to the last 7 days, about the same" in x for x in lines)


def test_summary_when_pain_worsens_stays_kind_and_points_to_help():
    first = [checkin(TODAY - timedelta(days=20 - i), 3, 2) for i in range(7)]
    latest = [checkin(TODAY - timedelta(days=i), 3, 6) for i in range(7)]
    lines = summary_lines(summarize(first + latest, set(), set(), TODAY, 30))
    pain = next(line for line in lines if line.startswith("Pain:"))
    assert "qualified professional" in pain
    assert_kind(lines)


def test_summary_of_seven_day_window_gives_averages():
    checkins, practised = year_of_checkins()
    lines = summary_lines(summarize(checkins, practised, set(), TODAY, 7))
    assert any(line.startswith("Pain averaged") and "last 7 days" in line for line in lines)


def test_summary_of_a_year():
    checkins, practised = year_of_checkins()
    summary = summarize(checkins, practised, set(), TODAY, None)
    assert summary.start == TODAY - timedelta(days=364)
    assert summary.period_days == 365
    assert summary.pain_change is not None and summary.pain_change.direction == "better"
    assert summary.streak.best >= summary.streak.current
    lines = summary_lines(summary)
    assert lines[0].startswith("You practised ")
    assert_kind(lines)


def test_summary_survives_duplicated_and_missing_dates():
    """A zone change leaves one date twice and skips another."""
    d = TODAY - timedelta(days=3)
    checkins = [
        checkin(d, 5, 5, created_utc=datetime(2026, 11, 13, 11, tzinfo=UTC), practised=True),
        checkin(d, 3, 4, created_utc=datetime(2026, 11, 13, 20, tzinfo=UTC)),
        checkin(TODAY - timedelta(days=1), 4, 4, practised=True),
        checkin(TODAY, 2, 2),  # TODAY - 2 never happened locally
    ]
    summary = summarize(checkins, set(), set(), TODAY, 30)
    assert summary.checkin_days == 3
    assert summary.avg_pain == pytest.approx((4 + 4 + 2) / 3)
    assert summary_lines(summary)


def test_summary_rejects_bad_window():
    with pytest.raises(ValueError):
        summarize([], set(), set(), TODAY, 0)


# --- weekly summary ----------------------------------------------------------------------------


def week(start: date, tension: int, pain: int, practised: bool = True) -> list[CheckIn]:
    return [
        checkin(start + timedelta(days=i), tension, pain, practised=practised) for i in range(7)
    ]


def test_weekly_summary_better_week():
    monday = date(2026, 11, 9)
    checkins = week(monday - timedelta(days=7), 6, 6) + week(monday, 4, 3)
    lines = weekly_summary(checkins, set(), monday)
    assert lines[0] == "This week you practised on 7 days."
    assert "Tension averaged 4.0 this week (last week 6.0)." in lines
    assert "Pain averaged 3.0 this week (last week 6.0)." in lines
    assert lines[-1] == "That's a meaningful easing in tension and pain. Well done staying with it."


def test_weekly_summary_harder_week_is_supportive():
    monday = date(2026, 11, 9)
    checkins = week(monday - timedelta(days=7), 2, 2) + week(monday, 5, 5, practised=False)
    lines = weekly_summary(checkins, set(), monday)
    assert lines[0] == "This week was a break from practice, and that's okay."
    assert "Hard weeks happen; the rest practice is there for you tomorrow." in lines
    assert any("qualified professional" in line for line in lines)
    assert_kind(lines)


def test_weekly_summary_steady_week():
    monday = date(2026, 11, 9)
    checkins = week(monday - timedelta(days=7), 4, 4) + week(monday, 4, 4)
    lines = weekly_summary(checkins, {monday}, monday)
    assert lines[-1] == "Steady weeks count too; every session adds up."


def test_weekly_summary_of_pains_nine_one_and_eight_is_not_steady():
    """Issue 15: an average of 6 hid two days at 8 and 9."""
    monday = date(2026, 11, 9)
    last = week(monday - timedelta(days=7), 5, 6)
    this = [checkin(monday + timedelta(days=i), 5, pain) for i, pain in enumerate((9, 1, 8))]
    lines = weekly_summary(last + this, {monday}, monday)
    assert not any("Steady" in line or "steady" in line for line in lines)
    assert any("pain reached 9" in line and "doctor or physiotherapist" in line for line in lines)
    assert_kind(lines)


def test_weekly_summary_uneven_week_below_high_pain_says_so():
    monday = date(2026, 11, 9)
    last = week(monday - timedelta(days=7), 4, 3)
    this = [checkin(monday + timedelta(days=i), 4, pain) for i, pain in enumerate((1, 5, 3))]
    lines = weekly_summary(last + this, {monday}, monday)
    assert "Your pain went up and down this week, from 1 to 5." in lines
    assert lines[-1] == "Uneven weeks happen. Every session still adds up; go gently."


def test_weekly_summary_practice_without_ratings_is_not_called_steady():
    monday = date(2026, 11, 9)
    lines = weekly_summary([], {monday}, monday)
    assert lines[-1] == "Every session adds up. Well done showing up."


def test_weekly_summary_empty_week():
    lines = weekly_summary([], set(), date(2026, 11, 9))
    assert lines == [
        "This week was a break from practice, and that's okay.",
        "No ratings this week; whenever you check in, they'll show up here.",
        "Whenever you're ready, a few quiet minutes of rest practice is a good start.",
    ]
    assert_kind(lines)


def test_weekly_summary_paused_week():
    monday = date(2026, 11, 9)
    paused = {monday + timedelta(days=i) for i in range(7)}
    lines = weekly_summary([], set(), monday, paused_days=paused)
    assert lines[0].startswith("Your practice was paused this week.")


def test_weekly_summary_first_week_has_no_comparison():
    monday = date(2026, 11, 9)
    lines = weekly_summary([checkin(monday, 5, 4)], {monday}, monday)
    assert lines[:3] == [
        "This week you practised on 1 day.",
        "Tension averaged 5.0 this week.",
        "Pain averaged 4.0 this week.",
    ]


def test_weekly_summary_ignores_days_outside_the_week():
    monday = date(2026, 11, 9)
    practised = {monday - timedelta(days=1), monday + timedelta(days=7), monday}
    assert weekly_summary([], practised, monday)[0] == "This week you practised on 1 day."


# --- history -----------------------------------------------------------------------------------


def test_history_page_ranges():
    assert history_page(TODAY, 0) == (TODAY - timedelta(days=13), TODAY)
    assert history_page(TODAY, 1) == (TODAY - timedelta(days=27), TODAY - timedelta(days=14))
    with pytest.raises(ValueError):
        history_page(TODAY, -1)


def test_history_rows_one_per_date_newest_first():
    start, end = history_page(TODAY, 0)
    checkins = [
        checkin(TODAY, 4, 3, areas=(BodyArea.LOWER_BACK,), note="ok", practised=True),
        checkin(TODAY - timedelta(days=20), 9, 9),  # outside the page
    ]
    rows = history_rows(checkins, days_back(2), days_back(1), start, end)
    assert [r.local_date for r in rows] == [TODAY - timedelta(days=i) for i in range(14)]
    assert rows[0] == HistoryRow(TODAY, True, False, True, 4, 3, (BodyArea.LOWER_BACK,), True)
    assert rows[1].paused and not rows[1].practised
    assert rows[2].practised and not rows[2].checked_in


def test_history_rows_merge_a_repeated_date():
    rows = history_rows([checkin(TODAY, 5, 5), checkin(TODAY, 3)], set(), set(), TODAY, TODAY)
    assert len(rows) == 1
    assert (rows[0].tension, rows[0].pain) == (3, 5)


def test_format_history_row_full_day():
    row = HistoryRow(date(2026, 11, 16), True, False, True, 4, 3, (BodyArea.LOWER_BACK,), True)
    assert (
        format_history_row(row) == "Mon 16 Nov · practised · tension 4 · pain 3 · lower back · 📝"
    )


def test_format_history_row_paused_and_empty_day():
    paused = HistoryRow(date(2026, 11, 17), False, True, False, None, None, (), False)
    empty = HistoryRow(date(2026, 11, 18), False, False, False, None, None, (), False)
    assert format_history_row(paused) == "Tue 17 Nov · paused"
    assert format_history_row(empty) == "Wed 18 Nov · —"


def test_format_history_row_areas_and_zero_ratings():
    row = HistoryRow(
        date(2026, 11, 19),
        False,
        False,
        True,
        0,
        0,
        (BodyArea.GROIN_LEFT, BodyArea.HIP_FRONT_RIGHT),
        False,
    )
    assert format_history_row(row) == (
        "Thu 19 Nov · tension 0 · pain 0 · left groin, right front of hip"
    )


def test_short_date_does_not_depend_on_locale():
    assert short_date(date(2026, 3, 1)) == "Sun 1 Mar"


@pytest.mark.parametrize(
    ("area", "label"),
    [
        (BodyArea.HIP_FRONT_LEFT, "left front of hip"),
        (BodyArea.KNEE_LEG_RIGHT, "right knee or lower leg"),
        (BodyArea.BUTTOCK_SACRUM, "buttock / sacrum"),
        (BodyArea.LOWER_BACK, "lower back"),
    ],
    ids=["sided", "sided-long", "slash", "single"],
)
def test_area_labels_use_the_checkin_buttons_words(area, label):
    """History, files and the check-in summary name a place with the same words."""
    assert area_label(area) == label
    assert label.removeprefix("left ").removeprefix("right ") in RATING_LABELS[area].lower()
