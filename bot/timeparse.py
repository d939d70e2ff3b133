"""Reading the reminder time a person types, in the many ways people write a time."""

from __future__ import annotations

import re
import unicodedata
from datetime import time

from bot import texts
from bot.errors import TimeInputError

# Hour, then optional minutes after ":", ".", "h" or a space, or glued on ("1930");
# then optional am/pm. "19h" alone is the French way of writing 19:00.
_TIME = re.compile(r"(\d{1,2})(?:[:.h ]?(\d{2})|h)?\s*(am|pm)?")
_MERIDIEM = re.compile(r"(?<![a-z])([ap])\.?\s?m\.?$")  # "p.m.", "p. m.", "pm." -> "pm"
_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
_WORDY = re.compile(r"[^\W\d_]{3,}")  # "half seven", "seven thirty": letters, not am/pm


def parse_local_time(text: str | None) -> time:
    """The wall-clock time in `text` ("7:30", "7.30 pm", "19h30", "1930", "7 am").

    Without am/pm the hour is on the 24-hour clock, so "7" is 07:00; "12 am" is
    midnight and "12 pm" noon, as on a 12-hour clock. Width and digit forms are
    normalised (NFKC) so "７:３０" from a CJK keyboard reads as 7:30.
    Raises TimeInputError with a reply that shows what to type instead.
    """
    if text is None or len(text) > 40:
        raise TimeInputError(texts.t("time_unreadable"), "no text, or too long for a time")
    cleaned = _normalise(text)
    if cleaned in _WORDS:
        return _WORDS[cleaned]
    match = _TIME.fullmatch(cleaned)
    if match is None:
        key = "time_in_words" if _WORDY.search(cleaned) else "time_unreadable"
        raise TimeInputError(texts.t(key), "time not recognised")
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3]:
        if not 1 <= hour <= 12:
            raise TimeInputError(texts.t("time_bad_meridiem"), "hour out of range for am/pm")
        hour = hour % 12 + (12 if match[3] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise TimeInputError(texts.t("time_out_of_range"), "hour or minute out of range")
    return time(hour, minute)


def format_time(value: time) -> str:
    """24-hour "07:30": unambiguous in every country, and what the buttons show."""
    return f"{value.hour:02d}:{value.minute:02d}"


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    return _MERIDIEM.sub(r"\1m", text)
