"""The soak scenario's numbers: how many people for how many days, their zones and reminder
times, which faults Telegram injects and how often, and what people write in their notes.

The short version runs by default (40 people, 7 days); `SOAK_FULL=1` runs 300 people for 30
days."""

from __future__ import annotations

import os
from datetime import date, timedelta

FULL = os.environ.get("SOAK_FULL") == "1"
PEOPLE, DAYS = (300, 30) if FULL else (40, 7)
FIRST_DAY = date(2026, 11, 23)  # a Monday
# (zone, reminder time): two fan-outs a day, at 06:30 and 12:00 UTC; every local date is the
# UTC date, so a day of the simulation is one local day for everyone.
ZONES = (
    ("Europe/Berlin", "07:30"),
    ("UTC", "06:30"),
    ("Asia/Tokyo", "21:00"),
    ("America/New_York", "07:00"),
)
SLOTS = (timedelta(hours=6, minutes=30), timedelta(hours=12))
RATIO_429 = 0.05  # of reminder sends
BAD_GATEWAYS = 2  # reminder sends answered 502 per fan-out
ANSWER_FAILURES = 0.05  # of button answers (answerCallbackQuery) answered 502
BLOCKING = 2  # people who block the bot on the second day
WAIT = 60.0 if FULL else 20.0  # seconds a person waits for the bot before the test fails
# People acting at the same moment. Every emulator event wakes each waiting person to look at
# their chat, so a few dozen keep the bot busy without the looking crowding out the bot.
AT_ONCE = 40

NOTES = (
    "Felt lighter after the rest",
    "<b>not bold</b> & <i>not italic</i>",
    "Robert'); DROP TABLE checkins;--",
    "*stars* _underscores_ `ticks`",
    "Короче, лучше 🙂",
    "مرحبا \u202eevil\u202c",
    "zero\u200bwidth",
    "🧘‍♀️" * 40,
    "a long day\nand a longer night\n\nbut the rest helped",
)
PLANS = {"practice": 55, "checkin": 15, "skip": 10, "nothing": 20}  # weights of a day's plan
TYPED_COMPLETION = {"full": "all", "partial": "partly", "skipped": "skipped"}
WENT_WRONG = "something went wrong"
