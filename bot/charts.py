"""The /progress chart: tension and pain over a period as a PNG, readable on a phone.

Built on `matplotlib.figure.Figure` with the Agg canvas and no pyplot: nothing global is
created or left open, so charts can render in a worker thread while the bot serves others.
Styling is set per artist rather than in `rcParams` for the same reason.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Callable, Iterable, Sequence, Set
from datetime import date, timedelta

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import (
    MO,
    DateLocator,
    DayLocator,
    MonthLocator,
    WeekdayLocator,
    num2date,
)
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from bot import texts
from bot.insights import (
    Summary,
    all_practised_days,
    daily_values,
    empty_history_line,
    empty_period_line,
    rolling_average,
    summary_lines,
)
from bot.models import CheckIn
from bot.texts.formats import day_month, day_month_year, month_name, short_date

# Okabe-Ito, safe for the common colour-vision deficiencies; each series also differs in
# marker and line style so the chart still reads in grayscale.
TENSION_COLOUR = "#0072B2"  # blue
PAIN_COLOUR = "#D55E00"  # vermillion
PRACTISED_COLOUR = "#009E73"  # bluish green
GRID_COLOUR = "#DDDDDD"
TEXT_COLOUR = "#222222"

WIDTH_IN, HEIGHT_IN, DPI = 12, 8, 100  # 1200 x 800 px
ROLLING_DAYS = 7

# Sizes in points at 100 dpi: a phone shows the 1200 px picture about 6.5 cm wide, so a
# 22 pt tick label comes out near the size of the chat's own text.
_TITLE_SIZE = 30
_LABEL_SIZE = 22
_TICK_SIZE = 22
_LEGEND_SIZE = 22
_NOTE_SIZE = 19
_LINE_WIDTH = 5
_PRACTISED_Y = -0.75
_HALF_DAY = np.timedelta64(12, "h")


def _new_figure() -> Figure:
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    # No bbox_inches="tight": it draws the figure twice.
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    return buf.getvalue()


def _marker_size(days: int) -> float:
    if days <= 31:
        return 12.0
    if days <= 120:
        return 8.0
    return 5.0


def _series(points: Sequence[tuple[date, float]]) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([d for d, _ in points], dtype="datetime64[D]")
    y = np.array([v for _, v in points], dtype=float)
    return x, y


def _rolling_series(
    points: Sequence[tuple[date, float]], start: date
) -> tuple[np.ndarray, np.ndarray]:
    """The rolling average from `start` as one line, broken (NaN) where no rating fell inside
    a window: a line across a month without ratings would invent a trend."""
    xs: list[date] = []
    ys: list[float] = []
    previous: date | None = None
    for d, v in rolling_average(points, ROLLING_DAYS):
        if d < start:
            continue
        if previous is not None and (d - previous).days > ROLLING_DAYS:
            xs.append(previous + timedelta(days=1))
            ys.append(float("nan"))
        xs.append(d)
        ys.append(v)
        previous = d
    return np.array(xs, dtype="datetime64[D]"), np.array(ys, dtype=float)


def _isolated(y: np.ndarray) -> list[int]:
    """Indices of values with no value either side (NaN or the end of the line)."""
    present = ~np.isnan(y)
    before = np.concatenate(([False], present[:-1]))
    after = np.concatenate((present[1:], [False]))
    return [int(i) for i in np.flatnonzero(present & ~before & ~after)]


def _say(key: str, **values: object) -> str:
    """Plain text for the picture: filled in, not escaped."""
    return texts.template(key).format(**values)


def _period_label(start: date, end: date) -> str:
    if start == end:
        return day_month_year(end)
    first = day_month(start) if start.year == end.year else day_month_year(start)
    return _say("rp_period", start=first, end=day_month_year(end))


def _tick_label(value: float, _pos: int | None = None) -> str:
    d = num2date(value).date()
    return day_month(d)


def _month_label(value: float, pos: int | None = None) -> str:
    """'Mar', with the year under the first tick and under January, so every tick is
    placed in its year."""
    d = num2date(value).date()
    month = month_name(d)
    return f"{month}\n{d.year}" if d.month == 1 or pos == 0 else month


def _month_year_label(value: float, _pos: int | None = None) -> str:
    """Over two years and more the ticks are months apart: each carries its year."""
    d = num2date(value).date()
    return f"{month_name(d)}\n{d.year}"


def _date_axis(ax: Axes, days: int) -> None:
    """Ticks a thumb can read: days for short periods, months for long ones, named in the
    person's language whatever the process locale."""
    if days <= 10:
        locator: DateLocator = DayLocator()
    elif days <= 45:
        locator = WeekdayLocator(byweekday=MO)
    elif days <= 120:
        locator = WeekdayLocator(byweekday=MO, interval=2)
    else:
        locator = MonthLocator(interval=max(1, math.ceil(days / 30.4 / 7)))
    ax.xaxis.set_major_locator(locator)
    label: Callable[[float, int | None], str]
    if days <= 120:
        label = _tick_label
    elif days <= 400:
        label = _month_label
    else:
        label = _month_year_label
    ax.xaxis.set_major_formatter(FuncFormatter(label))


def _placeholder(message: str) -> bytes:
    fig = _new_figure()
    fig.text(
        0.5,
        0.5,
        textwrap.fill(message, 36, break_on_hyphens=False),
        ha="center",
        va="center",
        fontsize=_TITLE_SIZE + 4,
        color=TEXT_COLOUR,
        linespacing=1.5,
    )
    return _png(fig)


def render_progress_chart(
    checkins: Iterable[CheckIn], practised_days: Set[date], start: date, end: date
) -> bytes:
    """PNG of the daily tension and pain ratings (markers), their 7-day rolling averages
    (thick lines) and the days practised (triangles under the 0 line), from `start` to `end`
    inclusive. With nothing recorded in the period it returns a friendly placeholder."""
    if end < start:
        raise ValueError("end must not be before start")
    # The week before `start` feeds the first rolling averages, so the line starts true.
    lookback = start - timedelta(days=ROLLING_DAYS - 1)
    everything = list(checkins)
    checkins = [c for c in everything if lookback <= c.local_date <= end]
    practised = sorted(d for d in all_practised_days(checkins, practised_days) if start <= d <= end)
    values = sorted(daily_values(checkins).items())
    tension = [(d, float(v.tension)) for d, v in values if v.tension is not None]
    pain = [(d, float(v.pain)) for d, v in values if v.pain is not None]
    rated_in_period = any(d >= start for d, _ in tension + pain)
    if not (rated_in_period or practised):
        earlier = any(c.local_date < start for c in everything) or any(
            d < start for d in practised_days
        )
        return _placeholder(empty_period_line() if earlier else empty_history_line())

    days = (end - start).days + 1
    size = _marker_size(days)
    fig = _new_figure()
    ax = fig.add_axes((0.10, 0.16, 0.84, 0.62))

    for points, colour, marker, dashes in (
        (tension, TENSION_COLOUR, "o", None),
        (pain, PAIN_COLOUR, "s", (5, 2.5)),
    ):
        if not points:
            continue
        x, y = _series([p for p in points if p[0] >= start])
        # One Line2D per series, never one artist per point: a year stays fast.
        ax.plot(
            x,
            y,
            linestyle="none",
            marker=marker,
            markersize=size,
            color=colour,
            alpha=0.45,
            markeredgewidth=0,
        )
        rx, ry = _rolling_series(points, start)
        # A lone average (one check-in, or one after a long gap) is a line of no length:
        # mark it, or a first check-in shows only as two faint dots.
        line = ax.plot(
            rx,
            ry,
            color=colour,
            linewidth=_LINE_WIDTH,
            solid_capstyle="round",
            marker=marker,
            markersize=size,
            markevery=_isolated(ry),
        )[0]
        if dashes:
            line.set_dashes(dashes)
    if practised:
        ax.plot(
            np.array(practised, dtype="datetime64[D]"),
            np.full(len(practised), _PRACTISED_Y),
            linestyle="none",
            marker="^",
            markersize=max(size, 9.0),
            color=PRACTISED_COLOUR,
            markeredgewidth=0,
        )
    if not rated_in_period:
        ax.text(
            0.5,
            0.55,
            _say("rp_chart_no_ratings"),
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=_LABEL_SIZE + 2,
            color=TEXT_COLOUR,
        )

    ax.set_ylim(-1.4, 10.4)
    ax.set_yticks(range(0, 11, 2))
    # matplotlib takes datetime64 on a date axis; its stubs name only floats.
    ax.set_xlim(
        np.datetime64(start) - _HALF_DAY,  # type: ignore[arg-type]
        np.datetime64(end) + _HALF_DAY,  # type: ignore[arg-type]
    )
    _date_axis(ax, days)
    ax.tick_params(labelsize=_TICK_SIZE, colors=TEXT_COLOUR)
    ax.set_ylabel(_say("rp_chart_scale"), fontsize=_LABEL_SIZE, color=TEXT_COLOUR)
    ax.set_xlabel(
        _say("rp_chart_key", days=ROLLING_DAYS),
        fontsize=_NOTE_SIZE,
        color="#555555",
        loc="right",
    )
    ax.grid(axis="y", color=GRID_COLOUR, linewidth=1)
    ax.axhline(-0.2, color=GRID_COLOUR, linewidth=1)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    # Title left, dates right: one line of each fits even for a period over two years.
    fig.text(0.03, 0.915, _say("rp_chart_title"), fontsize=_TITLE_SIZE, weight="bold")
    fig.text(
        0.97, 0.915, _period_label(start, end), ha="right", fontsize=_LABEL_SIZE, color="#444444"
    )
    handles = [
        Line2D([], [], color=TENSION_COLOUR, marker="o", linewidth=_LINE_WIDTH, markersize=12),
        Line2D(
            [],
            [],
            color=PAIN_COLOUR,
            marker="s",
            dashes=(5, 2.5),
            linewidth=_LINE_WIDTH,
            markersize=12,
        ),
        Line2D([], [], color=PRACTISED_COLOUR, marker="^", linestyle="none", markersize=14),
    ]
    fig.legend(
        handles,
        [_say("rp_chart_tension"), _say("rp_chart_pain"), _say("rp_chart_practised")],
        loc="lower left",
        bbox_to_anchor=(0.025, 0.79),
        ncols=3,
        frameon=False,
        fontsize=_LEGEND_SIZE,
        handlelength=3,
    )
    return _png(fig)


def alt_text(summary: Summary) -> str:
    """What the chart shows, in words, for the photo caption and screen readers."""
    if summary.is_empty:
        return empty_history_line()
    head = _say("rp_alt_text", start=short_date(summary.start), end=short_date(summary.end))
    return " ".join([head, *summary_lines(summary)])
