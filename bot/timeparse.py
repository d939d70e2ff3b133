"""Reading the reminder time a person types, in the many ways people write a time, in any of
the bot's languages (the words: bot/texts/input.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import time

from bot import texts, typed
from bot.errors import TimeInputError
from bot.texts import input as input_words


def _either(words: Iterable[str]) -> str:
    """A regex alternative of `words`, longest first so "часов" wins over "час"."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


# Hour, then optional minutes after ":", "." or a space, or glued on ("1930").
_TIME = re.compile(r"(\d{1,2})(?:[:. ]?(\d{2}))?")
_MERIDIEM = re.compile(r"(?<![a-z])([ap])\.?\s?m\.?$")  # "p.m.", "p. m.", "pm." -> "pm"
_WORDY = re.compile(r"[^\W\d_]{3,}")  # "half seven", «завтра»: letters, not am/pm

_TIME_WORDS = {
    word: time.fromisoformat(at) for word, at in typed.merged(input_words.TIME_WORDS).items()
}
_DAY_PARTS = typed.merged(input_words.DAY_PARTS)
_HOUR_WORDS = typed.merged(input_words.NUMBER_WORDS) | typed.merged(input_words.CLOCK_HOUR_WORDS)
_AT = re.compile(rf"^(?:{_either(typed.union(input_words.AT_WORDS))})\s+")
_DAY_PART = re.compile(rf"\s*({_either(_DAY_PARTS)})$")
_HOUR_WORD = re.compile(rf"^({_either(_HOUR_WORDS)})(?=\s|$)")
# "19h30", «8ч30», «8 ч 30 мин»: the marks become the plain "19:30" and "8".
_HOUR_MARK = rf"\s*(?:{_either(typed.union(input_words.HOUR_MARKS))})\.?"
_HOUR_MARK_THEN_MINUTES = re.compile(rf"(\d){_HOUR_MARK}\s*(?=\d)")
_HOUR_MARK_AT_END = re.compile(rf"(\d){_HOUR_MARK}$")
_MINUTE_MARK_AT_END = re.compile(
    rf"(\d)\s*(?:{_either(typed.union(input_words.MINUTE_MARKS))})\.?$"
)


def parse_local_time(text: str | None) -> time:
    """The wall-clock time in `text` ("7:30", "7.30 pm", "19h30", "1930", "7 am", «7 утра»,
    «в 19:30», «час дня», «8ч30», «полдень»).

    Without am/pm (or «утра», «вечера»...) the hour is on the 24-hour clock, so "7" is 07:00;
    "12 am" is midnight and "12 pm" noon, as on a 12-hour clock; «11 ночи» is 23:00. Width and
    digit forms are normalised (NFKC) so "７:３０" from a CJK keyboard reads as 7:30.
    Raises TimeInputError with a reply that shows what to type instead.
    """
    if text is None or len(text) > 40:
        raise TimeInputError(texts.t("time_unreadable"), "no text, or too long for a time")
    cleaned = _AT.sub("", _normalise(text))
    if cleaned in _TIME_WORDS:
        return _TIME_WORDS[cleaned]
    part = _DAY_PART.search(cleaned)
    if part is not None:
        cleaned = cleaned[: part.start()]
    hour_word = _HOUR_WORD.match(cleaned)
    if hour_word is not None:
        cleaned = f"{_HOUR_WORDS[hour_word[1]]}{cleaned[hour_word.end() :]}"
    cleaned = _HOUR_MARK_THEN_MINUTES.sub(r"\1:", _MINUTE_MARK_AT_END.sub(r"\1", cleaned))
    cleaned = _HOUR_MARK_AT_END.sub(r"\1", cleaned)
    match = _TIME.fullmatch(cleaned)
    if match is None:
        key = "time_in_words" if _WORDY.search(cleaned) else "time_unreadable"
        raise TimeInputError(texts.t(key), "time not recognised")
    hour, minute = int(match[1]), int(match[2] or 0)
    if part is not None:
        on_the_clock = _DAY_PARTS[part[1]][hour - 1] if 1 <= hour <= 12 else None
        if on_the_clock is None:
            raise TimeInputError(texts.t("time_bad_meridiem"), "hour out of range for its part")
        hour = on_the_clock
    if hour > 23 or minute > 59:
        raise TimeInputError(texts.t("time_out_of_range"), "hour or minute out of range")
    return time(hour, minute)


def format_time(value: time) -> str:
    """24-hour "07:30": unambiguous in every country, and what the buttons show."""
    return f"{value.hour:02d}:{value.minute:02d}"


def _normalise(text: str) -> str:
    return _MERIDIEM.sub(r"\1m", typed.fold(text))


_PAUSE_UNITS = typed.merged(input_words.PAUSE_UNITS)
_PAUSE_COUNTS = typed.merged(input_words.NUMBER_WORDS) | typed.merged(input_words.PAUSE_COUNT_WORDS)
_PAUSE_FOR = re.compile(rf"^(?:{_either(typed.union(input_words.PAUSE_FOR))})\s+")
_PAUSE = re.compile(rf"(\d{{1,3}}|{_either(_PAUSE_COUNTS)})?\s*({_either(_PAUSE_UNITS)})?")


def parse_pause_days(text: str | None) -> int | None:
    """How many days a typed pause length means: "3", "3 days", "a week", "2 weeks",
    «3 дня», «неделю», «на 2 недели»; None when it is not a length (the caller offers the
    choices). A month is not read: 28 to 31 days is a guess the person should make.
    """
    if not text or len(text) > 30:
        return None
    said = _PAUSE_FOR.sub("", typed.fold(text))
    match = _PAUSE.fullmatch(said)
    if match is None or not said or (match[1] is None and match[2] is None):
        return None
    count, unit = match[1], match[2]
    number = 1 if count is None else int(count) if count.isdigit() else _PAUSE_COUNTS[count]
    if unit is None and not (count or "").isdigit():
        return None  # "two" alone: two what?
    return number * (_PAUSE_UNITS[unit] if unit is not None else 1)
