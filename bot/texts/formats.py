"""Dates, times and numbers in the current language, through Babel (CLDR data).

Weekday and month names, their grammatical case ("8 декабря") and the decimal mark come
from CLDR, never from hand tables or strftime (which follows the server's locale). The
patterns are messages like any other (Babel / CLDR date patterns: EEEE weekday, EEE its
short form, d day, MMMM month, MMM its short form, LLL the month on its own, y year, HH:mm
time, 'words' in single quotes), so a translator sets the order and punctuation their
readers expect, and a new language needs no code.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal, format_percent

from bot import i18n

MESSAGES: dict[str, str] = {
    # "Tuesday 8 December": a whole day, in a sentence.
    "fmt_day": "EEEE d MMMM",
    # "Tue 8 Dec": a day in a list or a table.
    "fmt_short_date": "EEE d MMM",
    # "Tue 8 Dec 2026": a short date whose year is not this one.
    "fmt_short_date_year": "EEE d MMM y",
    # "8 Dec": day and month.
    "fmt_day_month": "d MMM",
    # "8 Dec 2026": day, month and year.
    "fmt_day_month_year": "d MMM y",
    # "Dec": a month alone (a chart's axis).
    "fmt_month": "LLL",
    # "Tuesday": a weekday alone.
    "fmt_weekday": "EEEE",
    # "Tue": a weekday on a small button.
    "fmt_weekday_short": "EEE",
    # "07:30": a clock time, 24 hours.
    "fmt_time": "HH:mm",
    # When the next reminder comes: date patterns too, words in 'single quotes'.
    "fmt_next_today": "'today at' HH:mm",
    "fmt_next_tomorrow": "'tomorrow at' HH:mm",
    "fmt_next_this_week": "EEEE 'at' HH:mm",
    "fmt_next_later": "EEEE d MMMM 'at' HH:mm",
}


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def _pattern(key: str) -> str:
    # Imported here: bot.texts imports this module while it builds its catalog.
    from bot.texts import template

    return template(key)


def _format(d: date, key: str) -> str:
    return format_date(d, _pattern(key), locale=_locale(i18n.current_language()))


def day_label(d: date) -> str:
    """'Tuesday 8 December' ('вторник, 8 декабря')."""
    return _format(d, "fmt_day")


def short_date(d: date) -> str:
    """'Tue 8 Dec' ('вт, 8 дек.')."""
    return _format(d, "fmt_short_date")


def short_date_year(d: date) -> str:
    """'Tue 8 Dec 2026' ('вт, 8 дек. 2026 г.')."""
    return _format(d, "fmt_short_date_year")


def day_month(d: date) -> str:
    """'8 Dec' ('8 дек.')."""
    return _format(d, "fmt_day_month")


def day_month_year(d: date) -> str:
    """'8 Dec 2026' ('8 дек. 2026 г.')."""
    return _format(d, "fmt_day_month_year")


def month_name(d: date) -> str:
    """'Dec' ('дек.'), the month on its own."""
    return _format(d, "fmt_month")


def weekday_name(weekday: int) -> str:
    """'Monday' for 0 ... 'Sunday' for 6 ('понедельник' ...)."""
    # 2024-01-01 was a Monday: any week would do.
    return _format(date(2024, 1, 1 + weekday), "fmt_weekday")


def weekday_short(weekday: int) -> str:
    """'Mon' for 0 ... 'Sun' for 6 ('пн' ...): a weekday on a small button."""
    return _format(date(2024, 1, 1 + weekday), "fmt_weekday_short")


def time_label(at: time) -> str:
    """'07:30', 24 hours in every language the bot speaks today."""
    return format_time(at, _pattern("fmt_time"), locale=_locale(i18n.current_language()))


def next_reminder(at: date, clock: time, days_ahead: int) -> str:
    """'today at 07:30', 'tomorrow at 07:30', 'Wednesday at 07:30' within the week, else
    'Wednesday 16 December at 07:30'."""
    if days_ahead == 0:
        key = "fmt_next_today"
    elif days_ahead == 1:
        key = "fmt_next_tomorrow"
    elif days_ahead < 7:
        key = "fmt_next_this_week"
    else:
        key = "fmt_next_later"
    moment = datetime.combine(at, clock)  # naive: a wall-clock time, no zone to convert
    return format_datetime(moment, _pattern(key), locale=_locale(i18n.current_language()))


def number(value: float, digits: int = 0) -> str:
    """`value` with `digits` decimals and the language's decimal mark: '4.5' ('4,5')."""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    # Rounded by Python first, as f"{value:.1f}" always did: Babel rounds the decimal text
    # half-even, so an average of 4.35 (4.3499... in binary) would come out 4.4, not 4.3.
    rounded = Decimal(f"{value:.{digits}f}")
    return format_decimal(rounded, pattern, locale=_locale(i18n.current_language()))


def percent(part: int, whole: int) -> str:
    """`part` of `whole` as a whole percentage: '45%' ('45 %')."""
    rounded = Decimal(f"{100 * part / whole:.0f}") / 100
    return format_percent(rounded, locale=_locale(i18n.current_language()))


def rating(value: float) -> str:
    """An average on the 0-10 scale, one decimal: '4.5' ('4,5')."""
    return number(value, 1)
