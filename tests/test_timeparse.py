"""parse_local_time reads the ways people write a time, and refuses kindly."""

from __future__ import annotations

from datetime import time

import pytest

from bot.errors import BotError, TimeInputError
from bot.timeparse import format_time, parse_local_time, parse_pause_days

GOOD = {
    "7:30": time(7, 30),
    "07.30": time(7, 30),
    "7:30 pm": time(19, 30),
    "7:30pm": time(19, 30),
    "7.30 PM": time(19, 30),
    "7:30 p.m.": time(19, 30),
    "7:30 a.m.": time(7, 30),
    "19:45": time(19, 45),
    "7": time(7, 0),
    "07": time(7, 0),
    "7 am": time(7, 0),
    "7am": time(7, 0),
    "12 am": time(0, 0),
    "12:15 am": time(0, 15),
    "12 pm": time(12, 0),
    "12:30 PM": time(12, 30),
    "0:00": time(0, 0),
    "00:00": time(0, 0),
    "23:59": time(23, 59),
    "1930": time(19, 30),
    "0730": time(7, 30),
    "730": time(7, 30),
    "19h30": time(19, 30),
    "19h": time(19, 0),
    "7 30": time(7, 30),
    "  7:30  ": time(7, 30),
    "７:３０": time(7, 30),
    "１９：４５": time(19, 45),
    "noon": time(12, 0),
    "Midnight": time(0, 0),
}

UNREADABLE = "couldn't read that as a time"
IMPOSSIBLE = "doesn't exist on a clock"
WORDS = "in words"
AM_PM = "With am or pm"

# What the person typed -> (test id, the part of the reply that explains what went wrong).
BAD = {
    "": ("empty", UNREADABLE),
    "   ": ("blank", UNREADABLE),
    "25:00": ("hour-25", IMPOSSIBLE),
    "24:00": ("hour-24", IMPOSSIBLE),
    "7:60": ("minute-60", IMPOSSIBLE),
    "7:5": ("one-digit-minute", UNREADABLE),
    "half seven": ("words", WORDS),
    "⏰": ("emoji", UNREADABLE),
    "13 pm": ("13-pm", AM_PM),
    "0 am": ("0-am", AM_PM),
    "-1": ("negative", UNREADABLE),
    "7:30:00": ("seconds", UNREADABLE),
    "193": ("three-digits-bad-minute", IMPOSSIBLE),
    "12345": ("five-digits", UNREADABLE),
    "7:30 xm": ("bad-suffix", UNREADABLE),
    "7:30 pm" + " " * 40 + "x": ("too-long", UNREADABLE),
    "tomorrow": ("word", WORDS),
}


@pytest.mark.parametrize(("text", "expected"), GOOD.items(), ids=list(GOOD))
def test_parse_local_time_reads(text: str, expected: time) -> None:
    assert parse_local_time(text) == expected


@pytest.mark.parametrize(
    ("text", "explains"),
    [(text, why) for text, (_, why) in BAD.items()],
    ids=[test_id for test_id, _ in BAD.values()],
)
def test_parse_local_time_rejects_and_says_why(text: str, explains: str) -> None:
    with pytest.raises(TimeInputError) as caught:
        parse_local_time(text)
    assert explains in caught.value.user_message
    assert "7:30" in caught.value.user_message  # and always an example of what works


def test_parse_local_time_rejects_none_from_a_sticker() -> None:
    with pytest.raises(TimeInputError):
        parse_local_time(None)


def test_time_error_is_a_value_error_and_a_bot_error() -> None:
    with pytest.raises(ValueError):
        parse_local_time("25:00")
    with pytest.raises(BotError):
        parse_local_time("25:00")


def test_time_error_never_carries_the_persons_text() -> None:
    """The exception text reaches the logs, so it must not echo the input."""
    secret = "my name is Ada 99:99"
    with pytest.raises(TimeInputError) as caught:
        parse_local_time(secret)
    assert "Ada" not in str(caught.value)
    assert all("Ada" not in str(arg) for arg in caught.value.args)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(time(7, 30), "07:30"), (time(0, 0), "00:00"), (time(19, 5), "19:05")],
    ids=["morning", "midnight", "evening"],
)
def test_format_time_is_24_hour_with_leading_zero(value: time, expected: str) -> None:
    assert format_time(value) == expected


@pytest.mark.parametrize("text", ["07:30", "19:45", "00:05"], ids=["0730", "1945", "0005"])
def test_format_time_round_trips(text: str) -> None:
    assert format_time(parse_local_time(text)) == text


# --- Russian, read whatever the person's language ------------------------------------------

RUSSIAN = {
    "7 утра": time(7, 0),
    "7:30 утра": time(7, 30),
    "в 7": time(7, 0),
    "В 7 утра": time(7, 0),
    "во 2 ночи": time(2, 0),
    "19:30": time(19, 30),
    "19.30": time(19, 30),
    "в 19:30": time(19, 30),
    "7 вечера": time(19, 0),
    "9 вечера": time(21, 0),
    "9:15 вечера": time(21, 15),
    "12 вечера": time(0, 0),
    "11 ночи": time(23, 0),
    "12 ночи": time(0, 0),
    "полдень": time(12, 0),
    "в полдень": time(12, 0),
    "Полночь": time(0, 0),
    "час дня": time(13, 0),
    "в час дня": time(13, 0),
    "3 часа дня": time(15, 0),
    "12 дня": time(12, 0),
    "8 ч": time(8, 0),
    "8ч": time(8, 0),
    "8ч30": time(8, 30),
    "8 ч 30": time(8, 30),
    "8 ч. 30 мин.": time(8, 30),
    "8 часов": time(8, 0),
    "8 часов утра": time(8, 0),
    "20 часов 15 минут": time(20, 15),
    "семь утра": time(7, 0),
    "Семь вечера": time(19, 0),
    "двенадцать дня": time(12, 0),
    "at 7 pm": time(19, 0),
    "seven pm": time(19, 0),
}


@pytest.mark.parametrize(("text", "expected"), RUSSIAN.items(), ids=list(RUSSIAN))
def test_parse_local_time_reads_russian(text: str, expected: time) -> None:
    assert parse_local_time(text) == expected


RUSSIAN_BAD = {
    "25:00": ("hour-25", IMPOSSIBLE),
    "13 утра": ("13-utra", AM_PM),
    "6 дня": ("6-dnya-not-said", AM_PM),
    "0 вечера": ("0-vechera", AM_PM),
    "завтра": ("tomorrow", WORDS),
    "половина восьмого": ("half-past-in-words", WORDS),
    "в": ("preposition-only", UNREADABLE),
    "7 утра вечера": ("two-parts", WORDS),
}


@pytest.mark.parametrize(
    ("text", "explains"),
    [(text, why) for text, (_, why) in RUSSIAN_BAD.items()],
    ids=[test_id for test_id, _ in RUSSIAN_BAD.values()],
)
def test_parse_local_time_refuses_russian_it_cannot_read(text: str, explains: str) -> None:
    with pytest.raises(TimeInputError) as caught:
        parse_local_time(text)
    assert explains in caught.value.user_message


# --- pause lengths (/pause N) ----------------------------------------------------------------

PAUSES = {
    "3": 3,
    "3 days": 3,
    "3d": 3,
    "1 day": 1,
    "a week": 7,
    "week": 7,
    "2 weeks": 14,
    "for 2 weeks": 14,
    "3 дня": 3,
    "5 дней": 5,
    "1 день": 1,
    "день": 1,
    "неделя": 7,
    "Неделю": 7,
    "на неделю": 7,
    "одну неделю": 7,
    "2 недели": 14,
    "две недели": 14,
    "на 3 дня": 3,
}


@pytest.mark.parametrize(("text", "days"), PAUSES.items(), ids=list(PAUSES))
def test_parse_pause_days_reads(text: str, days: int) -> None:
    assert parse_pause_days(text) == days


@pytest.mark.parametrize(
    "text",
    [None, "", "месяц", "a month", "two", "abc", "неделюю", "3 weeks 2", "1000", "x" * 40],
    ids=["none", "empty", "month-ru", "month-en", "count-alone", "word", "typo", "trailing",
         "four-digits", "too-long"],
)  # fmt: skip
def test_parse_pause_days_leaves_what_is_no_length_to_the_choices(text) -> None:
    assert parse_pause_days(text) is None
