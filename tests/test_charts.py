from __future__ import annotations

import struct
import threading
import time
import zlib
from datetime import date, timedelta

import pytest
from matplotlib.dates import date2num
from matplotlib.figure import Figure

from bot.charts import _date_axis, alt_text, render_progress_chart
from bot.insights import empty_history_line, summarize, summary_lines
from bot.models import CheckIn

TODAY = date(2026, 11, 16)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, checking its CRC on the way."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    body = data[16 : 16 + length]
    (crc,) = struct.unpack(">I", data[16 + length : 20 + length])
    assert zlib.crc32(kind + body) == crc
    width, height = struct.unpack(">II", body[:8])
    return width, height


def series(days: int, today: date = TODAY, shift: int = 0) -> tuple[list[CheckIn], set[date]]:
    checkins, practised = [], set()
    for i in range(days):
        d = today - timedelta(days=days - 1 - i)
        checkins.append(
            CheckIn(1, d, tension=(i + shift) % 11, pain=(3 * i + shift) % 11, tension_before=7)
        )
        if i % 3:
            practised.add(d)
    return checkins, practised


def test_chart_is_a_phone_sized_png():
    checkins, practised = series(30)
    png = render_progress_chart(checkins, practised, TODAY - timedelta(days=29), TODAY)
    assert png.startswith(PNG_SIGNATURE)
    assert png.endswith(b"IEND\xaeB`\x82")
    assert png_size(png) == (1200, 800)
    assert len(png) > 10_000


def test_chart_differs_for_different_data():
    start = TODAY - timedelta(days=29)
    one = render_progress_chart(*series(30), start, TODAY)
    other = render_progress_chart(*series(30, shift=4), start, TODAY)
    assert one != other


def test_chart_is_deterministic_for_the_same_data():
    start = TODAY - timedelta(days=29)
    assert render_progress_chart(*series(30), start, TODAY) == render_progress_chart(
        *series(30), start, TODAY
    )


def test_empty_chart_is_a_placeholder_png():
    png = render_progress_chart([], set(), TODAY - timedelta(days=29), TODAY)
    assert png_size(png) == (1200, 800)
    data = render_progress_chart(*series(30), TODAY - timedelta(days=29), TODAY)
    assert png != data


def test_data_only_before_the_period_gives_a_different_placeholder():
    """A returning person is not told their first check-in will start the chart."""
    checkins, practised = series(10, today=TODAY - timedelta(days=60))
    start = TODAY - timedelta(days=6)
    returning = render_progress_chart(checkins, practised, start, TODAY)
    assert png_size(returning) == (1200, 800)
    assert returning != render_progress_chart([], set(), start, TODAY)


def test_data_after_the_period_is_ignored():
    checkins, practised = series(10, today=TODAY + timedelta(days=30))
    start = TODAY - timedelta(days=6)
    assert render_progress_chart(checkins, practised, start, TODAY) == render_progress_chart(
        [], set(), start, TODAY
    )


def test_chart_with_practice_but_no_ratings():
    png = render_progress_chart([], {TODAY, TODAY - timedelta(days=2)}, TODAY - timedelta(6), TODAY)
    assert png_size(png) == (1200, 800)


@pytest.mark.parametrize("days", [1, 7, 30, 90, 365, 800], ids=lambda n: f"{n}-days")
def test_chart_renders_every_period(days):
    checkins, practised = series(days)
    png = render_progress_chart(checkins, practised, TODAY - timedelta(days=days - 1), TODAY)
    assert png_size(png) == (1200, 800)


def test_chart_with_gaps_duplicates_and_missing_ratings():
    checkins = [
        CheckIn(1, TODAY - timedelta(days=40), tension=8),
        CheckIn(1, TODAY - timedelta(days=3), pain=5),
        CheckIn(1, TODAY - timedelta(days=3), tension=4),
        CheckIn(1, TODAY, tension=None, pain=None, practised=True),
    ]
    png = render_progress_chart(checkins, set(), TODAY - timedelta(days=89), TODAY)
    assert png_size(png) == (1200, 800)


def test_chart_rejects_end_before_start():
    with pytest.raises(ValueError):
        render_progress_chart([], set(), TODAY, TODAY - timedelta(days=1))


def test_year_of_points_renders_quickly():
    """Goal: well under 300 ms; the bound here is loose for slow CI machines."""
    checkins, practised = series(365)
    start = TODAY - timedelta(days=364)
    render_progress_chart(checkins, practised, start, TODAY)  # warm the font cache
    began = time.perf_counter()
    render_progress_chart(checkins, practised, start, TODAY)
    assert time.perf_counter() - began < 1.5


def test_charts_render_in_parallel_threads():
    """No pyplot state: two threads drawing at once get the same bytes as one alone."""
    start = TODAY - timedelta(days=29)
    expected = {s: render_progress_chart(*series(30, shift=s), start, TODAY) for s in range(4)}
    results: dict[int, bytes] = {}

    def draw(shift: int) -> None:
        results[shift] = render_progress_chart(*series(30, shift=shift), start, TODAY)

    threads = [threading.Thread(target=draw, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected


def test_alt_text_holds_the_same_facts_as_the_summary():
    checkins, practised = series(30)
    summary = summarize(checkins, practised, set(), TODAY, 30)
    text = alt_text(summary)
    assert text.startswith("Chart of your tension and pain (0 to 10) from Sun 18 Oct to Mon 16 Nov")
    for line in summary_lines(summary):
        assert line in text


def test_alt_text_for_empty_history():
    assert alt_text(summarize([], set(), set(), TODAY, 30)) == empty_history_line()


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (365, ["Jan\n2026", "Mar", "May", "Jul", "Sep", "Nov"]),
        (800, ["Oct\n2024", "Feb\n2025", "Jun\n2025", "Oct\n2025", "Feb\n2026"]),
    ],
    ids=["a-year", "over-two-years"],
)
def test_month_ticks_name_their_year_where_it_could_be_mistaken(days, expected):
    """Over a year, months repeat: the year shows under the first tick and January; over
    two years, under every tick."""
    ax = Figure().add_subplot()
    ax.set_xlim(date2num(TODAY - timedelta(days=days - 1)), date2num(TODAY))
    _date_axis(ax, days)
    ticks = ax.xaxis.get_major_locator()()
    labels = ax.xaxis.get_major_formatter().format_ticks(ticks)
    assert labels[: len(expected)] == expected
