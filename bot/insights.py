"""History, streaks, trends and the plain-language facts behind /history, /progress and the
weekly summary.

Pure: no Telegram, no clock. Every date here is a LOCAL calendar date in the person's zone;
the caller converts instants with the person's `ZoneInfo` before calling in. A zone change can
leave a local date twice (flying west) or never (flying east over the date line): nothing here
assumes one check-in per date or a gap-free calendar.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import fmean

from bot import texts
from bot.models import BodyArea, CheckIn, Completion
from bot.safety import HIGH_PAIN
from bot.texts.formats import day_month, month_name, rating, short_date

__all__ = ["day_month", "month_name", "short_date"]  # re-exported for charts and exports

# DOMAIN.md, "Measuring": a change of about 2 points, or 30%, is usually taken as meaningful.
MEANINGFUL_POINTS = 2.0
MEANINGFUL_PERCENT = 30.0
# The 30% route alone would call 1.0 -> 0.7 (a third of a point on a 0-10 scale) meaningful;
# below one point the percentage is noise in weekly averages of whole-number ratings.
MIN_POINTS_FOR_PERCENT = 1.0
_EPSILON = 1e-9  # 6.1 - 4.1 is 1.9999999999999996 in floats; "exactly 2" must count

HISTORY_PAGE_DAYS = 14
# A week whose pain ratings span this much (e.g. 1 to 8) is uneven, whatever its average:
# two meaningful changes' worth of swing is not "steady".
UNEVEN_SPREAD = 2 * MEANINGFUL_POINTS


def _say(key: str, **values: object) -> str:
    """The message `key` in the current language, filled in but not escaped: these lines are
    plain text (the chart and the PDF print them as they are; handlers escape them)."""
    n = values.get("n")
    return texts.template(key, n if isinstance(n, int) else None).format(**values)


def empty_history_line() -> str:
    return _say("in_empty_history")


def empty_period_line() -> str:
    return _say("in_empty_period")


def area_label(area: BodyArea) -> str:
    """The check-in button's words in running text: "Front of hip, left" -> "left front of
    hip", so history, files and the check-in name a place alike."""
    return _say(f"in_place_{area.value}")


def _fmt(value: float) -> str:
    return rating(value)


# --- per-day values ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayValues:
    """One local date's check-ins merged: the latest answer for each question wins."""

    local_date: date
    tension: int | None = None
    pain: int | None = None
    tension_before: int | None = None
    areas: tuple[BodyArea, ...] = ()
    completion: Completion | None = None
    has_note: bool = False
    practised: bool = False


_EARLIEST = datetime.min.replace(tzinfo=UTC)


def daily_values(checkins: Iterable[CheckIn]) -> dict[date, DayValues]:
    """Merge check-ins per local date. Two on one date happen after a flight west; the later
    answer to each question wins (by `created_utc`, then by input order), and an empty later
    answer never erases an earlier one."""
    ordered = sorted(
        enumerate(checkins),
        key=lambda pair: (pair[1].local_date, pair[1].created_utc or _EARLIEST, pair[0]),
    )
    merged: dict[date, DayValues] = {}
    for _, c in ordered:
        prev = merged.get(c.local_date) or DayValues(c.local_date)
        merged[c.local_date] = DayValues(
            local_date=c.local_date,
            tension=c.tension if c.tension is not None else prev.tension,
            pain=c.pain if c.pain is not None else prev.pain,
            tension_before=(
                c.tension_before if c.tension_before is not None else prev.tension_before
            ),
            areas=c.areas or prev.areas,
            completion=c.completion or prev.completion,
            has_note=prev.has_note or bool(c.note and c.note.strip()),
            practised=prev.practised or c.practised,
        )
    return merged


def all_practised_days(checkins: Iterable[CheckIn], practised_days: Set[date]) -> set[date]:
    """Days with a finished session, from the session log and from check-ins that say so."""
    return set(practised_days) | {c.local_date for c in checkins if c.practised}


# --- streaks and counts ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Streaks:
    current: int
    best: int


def streaks(practised_days: Set[date], paused_days: Set[date], today: date) -> Streaks:
    """Runs of practised days up to `today`.

    A paused day neither breaks nor extends a run: it is skipped. A practised day that is also
    paused counts (the person chose to practise). Today not practised yet does not break the
    current run: it counts back from yesterday. Dates after `today` are ignored. A date the
    person never lived through (crossing the date line eastward) is the caller's to pass as
    paused if it should not break a run.
    """
    past = {d for d in practised_days if d <= today}
    if not past:
        return Streaks(0, 0)
    first = min(past)

    current = 0
    d = today
    if d not in past:
        d -= timedelta(days=1)
    while d >= first:
        if d in past:
            current += 1
        elif d not in paused_days:
            break
        d -= timedelta(days=1)

    best = run = 0
    d = first
    while d <= today:
        if d in past:
            run += 1
            best = max(best, run)
        elif d not in paused_days:
            run = 0
        d += timedelta(days=1)
    return Streaks(current=current, best=max(best, current))


def week_start(d: date, first_weekday: int = 0) -> date:
    """First day of the week holding `d` (0 = Monday ... 6 = Sunday). `d` is a local date, so
    the week turns at local midnight in the person's zone."""
    return d - timedelta(days=(d.weekday() - first_weekday) % 7)


# --- averages and change -----------------------------------------------------------------------


def rolling_average(
    points: Sequence[tuple[date, float]], window_days: int = 7
) -> list[tuple[date, float]]:
    """Mean of the values in the `window_days` calendar days ending on each point's date.

    Calendar based, not count based: after a ten-day gap the average is of the few recent
    points, not of old ones. One output per distinct date, in date order; several points on
    one date all count.
    """
    if window_days < 1:
        raise ValueError("window_days must be at least 1")
    ordered = sorted(points, key=lambda p: p[0])
    out: list[tuple[date, float]] = []
    lo = 0
    total = 0.0
    for hi, (d, value) in enumerate(ordered):
        total += value
        oldest = d - timedelta(days=window_days - 1)
        while ordered[lo][0] < oldest:
            total -= ordered[lo][1]
            lo += 1
        if hi + 1 < len(ordered) and ordered[hi + 1][0] == d:
            continue  # emit once per date, after all its points are in
        out.append((d, total / (hi + 1 - lo)))
    return out


@dataclass(frozen=True, slots=True)
class Change:
    """A before/after pair of 0-10 ratings where lower is better (pain, tension)."""

    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def percent(self) -> float | None:
        """Change relative to `before`; None from 0, where any rise is infinite percent."""
        if self.before == 0:
            return None
        return self.delta / self.before * 100

    @property
    def meaningful(self) -> bool:
        """About 2 points, or 30% of a change of at least one point (DOMAIN.md)."""
        size = abs(self.delta)
        if size + _EPSILON >= MEANINGFUL_POINTS:
            return True
        pct = self.percent
        return (
            pct is not None
            and abs(pct) + _EPSILON >= MEANINGFUL_PERCENT
            and size + _EPSILON >= MIN_POINTS_FOR_PERCENT
        )

    @property
    def direction(self) -> str:
        """'better', 'worse' or 'about the same' (anything short of meaningful)."""
        if not self.meaningful:
            return "about the same"
        return "better" if self.delta < 0 else "worse"


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return fmean(present) if present else None


def _metric_mean(days: Iterable[DayValues], metric: str) -> float | None:
    return _mean(getattr(v, metric) for v in days)


def _between(values: dict[date, DayValues], start: date, end: date) -> list[DayValues]:
    return [v for d, v in values.items() if start <= d <= end]


def first_vs_latest_week(checkins: Iterable[CheckIn], today: date) -> dict[str, Change | None]:
    """Average of the first 7 days (from the first rated check-in) against the last 7 days
    ending today, for "tension" and "pain". None until the two weeks no longer overlap, or
    when either week has no rating for that metric."""
    values = {d: v for d, v in daily_values(checkins).items() if d <= today}
    result: dict[str, Change | None] = {}
    latest_start = today - timedelta(days=6)
    for metric in ("tension", "pain"):
        rated = sorted(d for d, v in values.items() if getattr(v, metric) is not None)
        change = None
        if rated:
            first_end = rated[0] + timedelta(days=6)
            if first_end < latest_start:
                before = _metric_mean(_between(values, rated[0], first_end), metric)
                after = _metric_mean(_between(values, latest_start, today), metric)
                if before is not None and after is not None:
                    change = Change(before, after)
        result[metric] = change
    return result


def _session_pairs(checkins: Iterable[CheckIn]) -> list[tuple[int, int]]:
    return [
        (c.tension_before, c.tension)
        for c in checkins
        if c.tension_before is not None and c.tension is not None
    ]


# --- the summary behind /progress --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Summary:
    """Every fact /progress, the alt text and the PDF report show, computed once."""

    today: date
    start: date  # first date of the period shown
    window_days: int | None  # None = all history
    checkin_days: int  # dates in the period with any check-in
    rated_days: int  # dates in the period with a tension or pain rating
    streak: Streaks
    practised_this_week: int
    practised_total: int
    practised_in_period: int
    period_days: int  # days of the period since the person started (the denominator)
    paused_in_period: int  # paused days in the period that were not practised
    avg_tension: float | None
    avg_pain: float | None
    tension_change: Change | None
    pain_change: Change | None
    session_change: float | None
    session_before: float | None
    session_after: float | None
    session_count: int
    covers_start: bool = True  # the period reaches back to the first check-in or session
    has_history: bool = True  # any check-in or session up to today, in or before the period

    @property
    def end(self) -> date:
        return self.today

    @property
    def is_empty(self) -> bool:
        return not self.has_history


def period_start(
    checkins: Iterable[CheckIn], practised_days: Set[date], today: date, window_days: int | None
) -> date:
    """First date of the last `window_days` days, or of all history when None."""
    if window_days is not None:
        if window_days < 1:
            raise ValueError("window_days must be at least 1")
        return today - timedelta(days=window_days - 1)
    known = [c.local_date for c in checkins if c.local_date <= today]
    known += [d for d in practised_days if d <= today]
    return min(known, default=today)


def summarize(
    checkins: Sequence[CheckIn],
    practised_days: Set[date],
    paused_days: Set[date],
    today: date,
    window_days: int | None = 30,
    *,
    first_weekday: int = 0,
) -> Summary:
    """Gather the /progress facts for the last `window_days` days (None = all history).

    Streaks and totals look at all history; averages, changes and the practised count look at
    the period. Days before the first check-in or session are not counted as missed.
    """
    practised = {d for d in all_practised_days(checkins, practised_days) if d <= today}
    start = period_start(checkins, practised, today, window_days)
    in_period = [c for c in checkins if start <= c.local_date <= today]
    values = daily_values(in_period)

    known = [c.local_date for c in checkins if c.local_date <= today] + list(practised)
    since = max(start, min(known, default=today))
    period_days = (today - since).days + 1
    paused_in_period = sum(1 for d in paused_days if since <= d <= today and d not in practised)
    pairs = _session_pairs(in_period)
    changes = first_vs_latest_week(in_period, today)
    return Summary(
        today=today,
        start=start,
        window_days=window_days,
        checkin_days=len(values),
        rated_days=sum(1 for v in values.values() if v.tension is not None or v.pain is not None),
        streak=streaks(practised, paused_days, today),
        practised_this_week=sum(
            1 for d in practised if week_start(today, first_weekday) <= d <= today
        ),
        practised_total=len(practised),
        practised_in_period=sum(1 for d in practised if since <= d <= today),
        period_days=period_days,
        paused_in_period=paused_in_period,
        avg_tension=_metric_mean(values.values(), "tension"),
        avg_pain=_metric_mean(values.values(), "pain"),
        tension_change=changes["tension"],
        pain_change=changes["pain"],
        session_change=fmean(a - b for b, a in pairs) if pairs else None,
        session_before=fmean(b for b, _ in pairs) if pairs else None,
        session_after=fmean(a for _, a in pairs) if pairs else None,
        session_count=len(pairs),
        covers_start=start <= min(known, default=today),
        has_history=bool(known),
    )


def _period_line(s: Summary) -> str:
    n, of = s.practised_in_period, s.period_days
    if n == 0:
        # A count of zero reads as a verdict; say the same thing as an open door.
        return _say("in_period_none")
    if s.window_days is not None and of >= s.window_days:
        line = _say("in_period_window", count=n, n=of)
    elif of == 1:
        line = _say("in_period_first_day", count=n)
    else:
        line = _say("in_period_since", count=n, n=of)
    if s.paused_in_period:
        return _say("in_period_paused", line=line, n=s.paused_in_period)
    return _say("in_period_end", line=line)


def _change_line(metric: str, change: Change, covers_start: bool) -> str:
    """`metric` is "tension" or "pain"."""
    head = _say(
        "in_change" if covers_start else "in_change_shown",
        name=_say(f"in_{metric}"),
        before=_fmt(change.before),
        after=_fmt(change.after),
    )
    if change.direction == "better":
        return _say("in_change_better", head=head)
    if change.direction == "worse":
        return _say(f"in_change_worse_{metric}", head=head)
    return _say("in_change_same", head=head)


def summary_lines(summary: Summary) -> list[str]:
    """The /progress facts in plain, kind words: the same facts the chart shows."""
    s = summary
    if s.is_empty:
        return [empty_history_line()]
    lines = [_period_line(s)]
    if s.streak.current:
        lines.append(_say("in_streak_current", n=s.streak.current, best=s.streak.best))
    elif s.streak.best:
        lines.append(_say("in_streak_best", n=s.streak.best))
    if s.practised_total:
        if s.practised_this_week:
            lines.append(_say("in_total_week", n=s.practised_total, week=s.practised_this_week))
        else:
            lines.append(_say("in_total", n=s.practised_total))
    for metric, change, avg in (
        ("tension", s.tension_change, s.avg_tension),
        ("pain", s.pain_change, s.avg_pain),
    ):
        if change is not None:
            lines.append(_change_line(metric, change, s.covers_start))
        elif avg is not None and s.window_days is not None and s.window_days < 14:
            lines.append(_say(f"in_{metric}_averaged", average=_fmt(avg), n=s.window_days))
        elif avg is not None:
            lines.append(_say(f"in_{metric}_so_far", average=_fmt(avg)))
    if s.session_count and s.session_before is not None and s.session_after is not None:
        lines.append(
            _say(
                "in_sessions",
                before=_fmt(s.session_before),
                after=_fmt(s.session_after),
                n=s.session_count,
            )
        )
    return lines


# --- weekly summary ----------------------------------------------------------------------------


def weekly_summary(
    checkins: Sequence[CheckIn],
    practised_days: Set[date],
    week_start_date: date,
    *,
    paused_days: Set[date] = frozenset(),
) -> list[str]:
    """Kind lines for the weekly message about the 7 days from `week_start_date`, compared
    with the 7 days before. Supportive whatever the numbers."""
    week_end = week_start_date + timedelta(days=6)
    last_start = week_start_date - timedelta(days=7)
    last_end = week_start_date - timedelta(days=1)
    practised = all_practised_days(checkins, practised_days)
    count = sum(1 for d in practised if week_start_date <= d <= week_end)
    paused = sum(1 for d in paused_days if week_start_date <= d <= week_end and d not in practised)

    lines: list[str] = []
    if count:
        lines.append(_say("in_week_practised", n=count))
    elif paused >= 7:
        lines.append(_say("in_week_paused"))
    else:
        lines.append(_say("in_week_break"))

    values = daily_values(checkins)
    this_week = _between(values, week_start_date, week_end)
    last_week = _between(values, last_start, last_end)
    changes: list[tuple[str, Change]] = []
    for metric in ("tension", "pain"):
        now = _metric_mean(this_week, metric)
        if now is None:
            continue
        before = _metric_mean(last_week, metric)
        if before is None:
            lines.append(_say(f"in_week_{metric}", average=_fmt(now)))
        else:
            lines.append(_say(f"in_week_{metric}_vs", average=_fmt(now), before=_fmt(before)))
            changes.append((metric, Change(before, now)))
    if all(v.tension is None and v.pain is None for v in this_week):
        lines.append(_say("in_week_no_ratings"))
    # An average hides the hard days: pains 9, 1 and 8 average 6, but that is no steady week.
    pains = [v.pain for v in this_week if v.pain is not None]
    peak = max(pains, default=None)
    uneven = peak is not None and (peak >= HIGH_PAIN or peak - min(pains) >= UNEVEN_SPREAD)
    if peak is not None and peak >= HIGH_PAIN:
        lines.append(_say("in_week_hard_days", peak=peak))
    elif uneven:
        lines.append(_say("in_week_uneven_pain", low=min(pains), peak=peak))

    better = [metric for metric, c in changes if c.direction == "better"]
    worse = [metric for metric, c in changes if c.direction == "worse"]
    if worse:
        lines.append(_say("in_week_hard"))
        if "pain" in worse:
            lines.append(_say("in_week_pain_rising"))
    elif better:
        eased = "both" if len(better) == 2 else better[0]
        lines.append(_say(f"in_week_eased_{eased}"))
    elif uneven:
        lines.append(_say("in_week_uneven"))
    elif count and pains:
        lines.append(_say("in_week_steady"))
    elif count:
        lines.append(_say("in_week_showed_up"))
    else:
        lines.append(_say("in_week_start"))
    return lines


# --- /history ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoryRow:
    local_date: date
    practised: bool
    paused: bool
    checked_in: bool
    tension: int | None
    pain: int | None
    areas: tuple[BodyArea, ...]
    has_note: bool


def history_page(today: date, page: int, page_days: int = HISTORY_PAGE_DAYS) -> tuple[date, date]:
    """(start, end) of a /history page: page 0 ends today, page 1 is the 14 days before..."""
    if page < 0:
        raise ValueError("page must not be negative")
    end = today - timedelta(days=page * page_days)
    return end - timedelta(days=page_days - 1), end


def history_rows(
    checkins: Iterable[CheckIn],
    practised_days: Set[date],
    paused_days: Set[date],
    start: date,
    end: date,
) -> list[HistoryRow]:
    """One row per local date from `end` back to `start`, newest first; a day with nothing
    recorded still gets its row."""
    checkins = [c for c in checkins if start <= c.local_date <= end]
    values = daily_values(checkins)
    practised = all_practised_days(checkins, practised_days)
    rows = []
    d = end
    while d >= start:
        v = values.get(d)
        rows.append(
            HistoryRow(
                local_date=d,
                practised=d in practised,
                paused=d in paused_days,
                checked_in=v is not None,
                tension=v.tension if v else None,
                pain=v.pain if v else None,
                areas=v.areas if v else (),
                has_note=v.has_note if v else False,
            )
        )
        d -= timedelta(days=1)
    return rows


def format_history_row(row: HistoryRow) -> str:
    """'Mon 16 Nov · practised · tension 4 · pain 3 · lower back · 📝', 'Tue 17 Nov · paused',
    'Wed 18 Nov · —' (a day with nothing recorded, never called missed)."""
    parts = [short_date(row.local_date)]
    if row.practised:
        parts.append(_say("in_row_practised"))
    elif row.paused:
        parts.append(_say("in_row_paused"))
    if row.tension is not None:
        parts.append(_say("in_row_tension", rating=row.tension))
    if row.pain is not None:
        parts.append(_say("in_row_pain", rating=row.pain))
    if row.areas:
        parts.append(", ".join(area_label(a) for a in row.areas))
    if row.has_note:
        parts.append("📝")
    if len(parts) == 1:
        parts.append("—")
    return " · ".join(parts)
