"""Corrections for typed answers (times, places, ratings): what to type instead, kindly."""

MESSAGES = {
    "time_unreadable": "I couldn't read that as a time. Try 7:30, 19:45 or 7 pm.",
    "time_in_words": (
        "I can't read times written in words yet, sorry. Please use numbers, like 7:30 or 7 pm."
    ),
    "time_out_of_range": (
        "That time doesn't exist on a clock: hours go from 0 to 23 and minutes from 0 to 59. "
        "Try 7:30 or 19:45."
    ),
    "time_bad_meridiem": (
        "With am or pm the hour goes from 1 to 12, like 7 am or 7:30 pm. "
        "Or use the 24-hour clock, like 19:30."
    ),
    "zone_not_found": (
        "I couldn't find that place. Try a nearby big city, or an offset like UTC+2."
    ),
    "zone_bad_offset": (
        "I couldn't use that offset. Try one from UTC-12 to UTC+14, like UTC+2 or UTC+5:30, "
        "or type a nearby city."
    ),
    "zone_bad_location": (
        "I couldn't find a time zone for that location. Try typing a nearby city, "
        "or an offset like UTC+2."
    ),
    "rating_invalid": (
        "Please send a whole number from 0 (none) to 10 (worst imaginable), or tap a button."
    ),
    "rating_invalid_pain": (
        "Please send a whole number from 0 (no pain) to 10 (worst pain imaginable), "
        "or tap a button."
    ),
}


# --- What people type: input vocabularies, one entry per language ------------------------------
# Words to read, not sentences to show: they stay out of the gettext catalogs (only MESSAGES is
# a catalog). The parsers accept every language's words whatever the person's language, as
# people mix them; a third language is one more entry in each dict. Words are written folded
# as bot/typed.py folds what people type: lower case, "е" for "ё", single spaces.

NUMBER_WORDS: dict[str, dict[str, int]] = {
    "en": {
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
        "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    },
    # Every gender people use for a number said alone: «одна» (боль), «одно», «две».
    "ru": {
        "ноль": 0, "нуль": 0, "один": 1, "одна": 1, "одно": 1, "два": 2, "две": 2,
        "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8,
        "девять": 9, "десять": 10,
    },
}  # fmt: skip
"""0-10 in words: ratings, and the hour of a time ("seven pm", «семь утра»)."""

CLOCK_HOUR_WORDS: dict[str, dict[str, int]] = {
    "en": {"eleven": 11, "twelve": 12},
    # «час дня» is 13:00: "one" is «час» when it names an hour.
    "ru": {"час": 1, "одиннадцать": 11, "двенадцать": 12},
}
"""Hours in words beyond the rating scale, for times only."""

ZERO_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("none", "no pain", "no tension", "nothing", "nil", "not at all", "no"),
    "ru": (
        "нет", "нет боли", "не болит", "нет напряжения", "никакой", "никакого", "никакая",
        "нисколько", "ничего", "совсем нет",
    ),
}  # fmt: skip
"""The scale's own words for 0 ("0 = none", «0 = нет боли»)."""

OUT_OF_TEN: dict[str, tuple[str, ...]] = {
    "en": ("out of 10", "out of ten"),
    "ru": ("из 10", "из десяти"),
}
"""How a rating is said with its scale ("7 out of 10", «7 из 10»); "7/10" needs no words."""

COMPLETION_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "full": ("all", "full", "fully", "done", "yes", "whole", "did it all", "completely"),
        "partial": ("part", "partly", "partially", "some", "half", "did part of it"),
        "skipped": ("skip", "skipped", "no", "none", "not", "didn't", "did not"),
    },
    "ru": {
        "full": (
            "все", "всю", "полностью", "целиком", "да", "сделал", "сделала", "сделал все",
            "сделала все", "до конца",
        ),
        "partial": (
            "часть", "частично", "немного", "половину", "наполовину", "не все", "не до конца",
            "сделал часть", "сделала часть",
        ),
        "skipped": (
            "нет", "пропустил", "пропустила", "пропустить", "пропуск", "не делал", "не делала",
            "не сделал", "не сделала",
        ),
    },
}  # fmt: skip
"""How much of the practice was done, by Completion value; a whole answer only."""

SKIP_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("skip", "no", "nothing", "none", "nothing to add", "no note"),
    "ru": ("пропустить", "пропусти", "пропуск", "дальше", "нет", "ничего", "нечего добавить"),
}
"""Typed where a Skip button is offered (the note): the same as tapping it."""

TIME_WORDS: dict[str, dict[str, str]] = {
    "en": {"noon": "12:00", "midday": "12:00", "midnight": "00:00"},
    "ru": {"полдень": "12:00", "полночь": "00:00"},
}
"""Times said as one word."""

AT_WORDS: dict[str, tuple[str, ...]] = {"en": ("at",), "ru": ("в", "во")}
"""Said before a time and meaning nothing more: "at 7", «в 7»."""

HOUR_MARKS: dict[str, tuple[str, ...]] = {
    "en": ("h", "o'clock", "oclock"),
    "ru": ("ч", "час", "часа", "часов"),
}
"""Written after the hour, a dot after it or not: "19h30", «8 ч. 30», «8 часов»."""

MINUTE_MARKS: dict[str, tuple[str, ...]] = {
    "en": ("min", "mins", "minutes"),
    "ru": ("мин", "минут", "минуты", "минута"),
}
"""Written after the minutes, a dot after it or not: «8 ч 30 мин.»."""

# Each part of the day maps the hours 1-12 said with it onto the 24-hour clock; None where
# the pair is not said («6 дня»), so it is refused rather than guessed.
_AM = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0)
_PM = (13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 12)
DAY_PARTS: dict[str, dict[str, tuple[int | None, ...]]] = {
    "en": {"am": _AM, "pm": _PM},
    "ru": {
        "утра": (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, None),
        "дня": (13, 14, 15, 16, 17, None, None, None, None, None, None, 12),
        "вечера": (None, None, None, None, 17, 18, 19, 20, 21, 22, 23, 0),
        "ночи": (1, 2, 3, 4, 5, None, None, None, 21, 22, 23, 0),
    },
}  # fmt: skip
"""am/pm and their equivalents: «7 утра» 07:00, «час дня» 13:00, «11 ночи» 23:00."""

PAUSE_UNITS: dict[str, dict[str, int]] = {
    "en": {"day": 1, "days": 1, "d": 1, "week": 7, "weeks": 7, "w": 7},
    # Every case a count takes: «1 день», «3 дня», «5 дней», «на неделю», «2 недели», «5 недель».
    "ru": {
        "день": 1, "дня": 1, "дней": 1, "дн": 1, "д": 1,
        "неделя": 7, "неделю": 7, "недели": 7, "недель": 7, "нед": 7,
    },
}  # fmt: skip
"""Units of a pause length, in days: "/pause 3 days", «/pause 2 недели»."""

PAUSE_COUNT_WORDS: dict[str, dict[str, int]] = {"en": {"a": 1, "an": 1}, "ru": {"одну": 1}}
"""Counts said before a pause unit beyond NUMBER_WORDS: "a week", «одну неделю»."""

PAUSE_FOR: dict[str, tuple[str, ...]] = {"en": ("for",), "ru": ("на",)}
"""Said before a pause length and meaning nothing more: "for 3 days", «на неделю»."""
