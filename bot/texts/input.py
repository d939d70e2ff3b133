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
