"""Red-flag rules: when pain means easing off, and when to ask the urgent questions.

The bot guides practice; it does not diagnose. These rules only decide when to step
back to gentle release and when to remind the person to seek care. Every threshold
lives here so that a therapist can review them in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from enum import Enum
from functools import cache
from importlib import resources
from statistics import fmean

HIGH_PAIN = 7
"""Pain at or above this (0-10) is high whatever the trend.

7 is where the numeric pain scale's "severe" band (7-10) begins, as it is usually read: at 7
the person is told where the urgent signs are and steered to rest before a practice. Waiting
for 8 would leave a person at 7/10 with the ordinary closing and a full practice.
"""
MEANINGFUL_CHANGE = 2
"""About 2 points is the change on the 0-10 scale that is usually taken as meaningful."""
MEANINGFUL_RISE = MEANINGFUL_CHANGE
RECENT_WINDOW_DAYS = 7
"""How many previous days of ratings count as `recent` for the rise rule."""
MIN_RECENT_FOR_RISE = 2
"""A rise needs at least this many earlier ratings: one bad day is not a baseline."""
GENTLE_DAYS = 3
"""Days of gentle release after a high or rising pain signal."""
SCREEN_EVERY = timedelta(days=7)
"""How often the red-flag questions are asked again."""
RESCREEN_AFTER_HIGH_PAIN = timedelta(days=1)
"""After a high or rising pain rating the red-flag questions come back sooner, at most once a
day."""
UNANSWERED_WAIT = timedelta(days=1)
"""Red-flag questions left unanswered are not sent again for this long, whatever the pain: the
buttons of the first ones still work, and the same questions twice a day read as nagging."""

URGENT_SIGNS: tuple[str, ...] = (
    "sign_saddle",
    "sign_bladder",
    "sign_both_legs",
    "sign_leg_worse",
    "sign_fever",
    "sign_fall",
    "sign_sudden",
    "sign_night",
)
"""Signs that need urgent care today, as message keys (the words are in bot/texts/safety.py,
in every language), worded to be answered yes or no. The saddle area and both bladder signs
(retention often comes first) are spelled out: they are the signs of nerve compression that
cannot wait. "Recent" keeps an old accident from forcing a wrong answer."""

SEE_DOCTOR_SIGNS: tuple[str, ...] = (
    "sign_cancer",
    "sign_weight",
    "sign_unwell",
    "sign_lump",
    "sign_belly",
    "sign_leg_unchecked",
)
"""Signs that need a doctor this week, not today (message keys): asked after the urgent ones,
calmly."""

RED_FLAGS = URGENT_SIGNS
"""The urgent signs under their older name."""


class PainSignal(Enum):
    """What today's pain rating says about how hard to practise."""

    NONE = "none"
    HIGH = "high"
    RISING = "rising"


def assess_pain(pain: int, recent: Sequence[int]) -> PainSignal:
    """HIGH at HIGH_PAIN or more; RISING when pain is 2 or more above the recent average.

    `recent` holds the person's pain ratings from the previous RECENT_WINDOW_DAYS days,
    not today's. Comparing with the average rather than yesterday keeps one good day
    from making an ordinary one look like a rise. High wins over rising: it needs the
    same step back, and says more.
    """
    if pain >= HIGH_PAIN:
        return PainSignal.HIGH
    if len(recent) >= MIN_RECENT_FOR_RISE and pain - fmean(recent) >= MEANINGFUL_RISE:
        return PainSignal.RISING
    return PainSignal.NONE


def gentle_until(today: date, signal: PainSignal) -> date | None:
    """The last day of gentle release after a pain signal, or None when there is none.

    Counted from tomorrow: pain is rated after today's practice, so the step back
    covers the next GENTLE_DAYS practices.
    """
    if signal is PainSignal.NONE:
        return None
    return today + timedelta(days=GENTLE_DAYS)


def screen_due(
    last_screen_utc: datetime | None,
    now_utc: datetime,
    *,
    high_pain: bool = False,
    offered_utc: datetime | None = None,
) -> bool:
    """True when the red-flag questions should be asked: never answered, or a week has passed.

    Asked weekly rather than daily: often enough to catch a change, rarely enough that the
    questions are still read. A high or rising pain rating (`high_pain`) brings them back after
    a day: severe pain is when an urgent sign matters most. Questions sent and not yet answered
    (`offered_utc` after the last answer) are never sent again within UNANSWERED_WAIT, not even
    after high pain: their buttons still work, and the high-pain reply itself says which signs
    need urgent care.
    """
    unanswered = offered_utc is not None and (
        last_screen_utc is None or offered_utc > last_screen_utc
    )
    if unanswered and offered_utc is not None and now_utc - offered_utc < UNANSWERED_WAIT:
        return False
    if last_screen_utc is None:
        return True
    every = RESCREEN_AFTER_HIGH_PAIN if high_pain else SCREEN_EVERY
    return now_utc - last_screen_utc >= every


def meaningful_drop(before: int | None, after: int | None) -> bool:
    """True when a rating fell by about 2 points or more: a change the scale treats as real,
    and the least the bot may call the practice's doing."""
    return before is not None and after is not None and before - after >= MEANINGFUL_CHANGE


def pains_before(pains: Sequence[tuple[date, int]], today: date) -> list[int]:
    """The ratings from the RECENT_WINDOW_DAYS days before `today`, for `assess_pain`.

    Today's own ratings are left out: a rating is compared with the days before it,
    and a second check-in the same day must not become its own baseline.
    """
    start = today - timedelta(days=RECENT_WINDOW_DAYS)
    return [pain for day, pain in pains if start <= day < today]


def extend_gentle(current: date | None, today: date, signal: PainSignal) -> date | None:
    """The gentle-release end date after today's signal: never shortened by a later rating."""
    new = gentle_until(today, signal)
    if new is None:
        return current
    return new if current is None or new > current else current


# --- whom to call in an emergency --------------------------------------------------------------

# Countries where 112 reaches the emergency services: the EU and EEA, the rest of Europe that
# adopted it (the UK and Switzerland beside 999/144), Russia and neighbours that use it as
# their single number, and India (112 since 2019).
# fmt: off
_CALL_112 = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",  # EU
    "IS", "LI", "NO", "CH", "GB", "AD", "MC", "SM", "VA", "GI", "FO", "GL", "IM", "JE",
    "GG", "AX", "SJ", "AL", "BA", "ME", "MK", "RS", "MD", "UA", "TR",  # the rest of Europe
    "RU", "GE", "AM", "AZ", "KZ", "IN",
})
# fmt: on
# Countries and territories on the North American 911.
_CALL_911 = frozenset({"US", "CA", "MX", "PR", "GU", "VI", "AS", "MP"})


def emergency_number(zone: str) -> str | None:
    """The number to call in the country of the IANA `zone`: "112", "911", or None when the
    zone's country uses another number (or has none known): then the person is told to call
    their local emergency number, which is never wrong."""
    country = _zone_countries().get(zone)
    if country in _CALL_112:
        return "112"
    if country in _CALL_911:
        return "911"
    return None


@cache
def _zone_countries() -> dict[str, str]:
    """IANA zone -> ISO country, from tzdata's zone.tab (one country per zone, the one the
    zone is named for), with the old names linked to them in tzdata.zi (Europe/Kiev,
    US/Eastern). Zones of no country (Etc/GMT+3, UTC) are left out."""
    countries: dict[str, str] = {}
    for line in _tzdata_file("zone.tab").splitlines():
        if line and not line.startswith("#"):
            country, _, zone, *_ = line.split("\t")
            countries[zone] = country
    for line in _tzdata_file("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            if target in countries:
                countries.setdefault(alias, countries[target])
    return countries


def _tzdata_file(name: str) -> str:
    """A table shipped with the tzdata package, else the system's copy, else nothing."""
    try:
        return resources.files("tzdata").joinpath("zoneinfo", name).read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    try:
        with open(f"/usr/share/zoneinfo/{name}", encoding="utf-8") as system:
            return system.read()
    except OSError:
        return ""
