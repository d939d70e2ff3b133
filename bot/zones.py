"""Finding a person's IANA time zone: from a shared location, a place name or an offset.

A zone name, not an offset, is what we store: only the zone knows when the clocks
change. Offsets are accepted as a last resort and mapped to a fixed or real zone.

Cities come from the index in bot/places.py, passed in by the caller (None while it
is not ready: zone names and offsets still work). timezonefinder's polygons take a
moment to load, once per process, on first use or by `warm_up()`; call these from a
worker thread, not the event loop.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, available_timezones

import timezonefinder
from babel import Locale
from babel.dates import get_timezone_location

from bot import i18n, texts
from bot.errors import ZoneInputError

if TYPE_CHECKING:  # the index is passed in: its SQLite file stays out of the pure rules
    from bot.places import CityMatch, Places

_MAX_TEXT = 100
_MAX_CHOICES = 6

# (what the button names, IANA name) for a pick-list, west to east. A button names zones by
# their CLDR city ("Europe/Paris" -> "Paris", "Париж") or a country by its ISO code ("IN").
_COMMON_ZONES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("America/Los_Angeles",), "America/Los_Angeles"),
    (("America/Denver",), "America/Denver"),
    (("America/Chicago",), "America/Chicago"),
    (("America/New_York",), "America/New_York"),
    (("America/Sao_Paulo",), "America/Sao_Paulo"),
    (("Europe/London",), "Europe/London"),
    (("Africa/Lagos",), "Africa/Lagos"),
    (("Europe/Berlin", "Europe/Paris"), "Europe/Berlin"),
    (("Europe/Athens", "Europe/Kyiv"), "Europe/Athens"),
    (("Asia/Jerusalem",), "Asia/Jerusalem"),
    (("Africa/Johannesburg",), "Africa/Johannesburg"),
    (("Europe/Moscow",), "Europe/Moscow"),
    (("Africa/Nairobi",), "Africa/Nairobi"),
    (("Asia/Dubai",), "Asia/Dubai"),
    (("IN",), "Asia/Kolkata"),
    (("CN",), "Asia/Shanghai"),
    (("Asia/Tokyo",), "Asia/Tokyo"),
    (("Australia/Sydney",), "Australia/Sydney"),
)


def common_zones() -> tuple[tuple[str, str], ...]:
    """(label, IANA name) for the pick-list, west to east, named in the current language:
    "Berlin, Paris" or "Берлин, Париж"."""
    locale = i18n.current_language()
    return tuple(
        (", ".join(_place_name(part, locale) for part in parts), name)
        for parts, name in _COMMON_ZONES
    )


def _place_name(part: str, locale: str) -> str:
    if "/" in part:
        return str(get_timezone_location(part, locale, return_city=True))
    return str(Locale.parse(locale).territories[part])


# Offsets that are not whole hours have no Etc/ zone, so each maps to a real zone that
# uses it: standard time all year unless marked. Marked ones are a zone's summer offset,
# right when typed in its summer; a city name is better for those people.
_PART_HOUR_ZONES = {
    -9 * 60 - 30: "Pacific/Marquesas",
    -3 * 60 - 30: "America/St_Johns",
    -2 * 60 - 30: "America/St_Johns",  # summer
    3 * 60 + 30: "Asia/Tehran",
    4 * 60 + 30: "Asia/Kabul",
    5 * 60 + 30: "Asia/Kolkata",
    5 * 60 + 45: "Asia/Kathmandu",
    6 * 60 + 30: "Asia/Yangon",
    8 * 60 + 45: "Australia/Eucla",
    9 * 60 + 30: "Australia/Darwin",
    10 * 60 + 30: "Australia/Adelaide",  # summer
    12 * 60 + 45: "Pacific/Chatham",
    13 * 60 + 45: "Pacific/Chatham",  # summer
}
_OFFSET = re.compile(r"(?:utc|gmt)?\s*(?:([+-])\s*(\d{1,2})(?:[:.]?(\d{2}))?)?")
_LOOKS_LIKE_OFFSET = re.compile(r"(?:utc|gmt)(?![a-z])|[+-]\s*\d")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_DASHES = str.maketrans({"−": "-", "–": "-", "‐": "-"})


@dataclass(frozen=True, slots=True)
class ZoneLookup:
    """What typed text resolved to: one zone, or cities in different zones to pick from.

    `city` is set when a single city decided the zone, for a confirmation like
    "Paris, France"; it is None for zone names, offsets and countries.
    """

    zone: str | None = None
    choices: tuple[CityMatch, ...] = ()
    city: CityMatch | None = None
    typed: str | None = None  # the name `city` or every choice was found by, not a country


def zone_from_location(latitude: float, longitude: float) -> str:
    """The IANA zone at a shared location, offline.

    At sea timezonefinder answers with a nautical zone such as "Etc/GMT+2": the right
    clock for a boat, so it is returned as is.
    """
    if not (
        math.isfinite(latitude)
        and math.isfinite(longitude)
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
    ):
        raise ZoneInputError(texts.t("zone_bad_location"), "coordinates out of range")
    # The library's module-level functions share one lazily built, thread-safe finder.
    name = timezonefinder.timezone_at(lng=longitude, lat=latitude)
    if name is None:
        raise ZoneInputError(texts.t("zone_bad_location"), "no zone at location")
    return name


def parse_utc_offset(text: str) -> str:
    """A zone for an offset such as "UTC+2", "gmt-5", "+5:30", "+0530" or "UTC".

    Whole hours give a fixed "Etc/GMT-2" zone. Its sign is inverted (POSIX style):
    Etc/GMT-2 is two hours ahead of UTC. Other offsets give a real zone that uses them.
    """
    cleaned = _clean(text)
    match = _OFFSET.fullmatch(cleaned)
    if not cleaned or match is None:
        raise ZoneInputError(texts.t("zone_bad_offset"), "offset not recognised")
    if match[1] is None:
        return "UTC"
    sign = -1 if match[1] == "-" else 1
    hours, minutes = int(match[2]), int(match[3] or 0)
    total = sign * (hours * 60 + minutes)
    if minutes > 59 or not -12 * 60 <= total <= 14 * 60:
        raise ZoneInputError(texts.t("zone_bad_offset"), "offset out of range")
    if minutes == 0:
        return "UTC" if hours == 0 else f"Etc/GMT{-sign * hours:+d}"
    zone = _PART_HOUR_ZONES.get(total)
    if zone is None:
        raise ZoneInputError(texts.t("zone_bad_offset"), "no zone uses this offset")
    return zone


def find_cities(query: str, places: Places, limit: int = 6) -> list[CityMatch]:
    """Cities matching `query`, most populous first; empty when none match.

    Matching ignores case, accents and punctuation ("sao paulo", "st johns"), and
    knows other names ("Wien", "Bombay", "new york"). "Portland, Oregon" or
    "Paris, FR" narrows by country or US state.
    """
    if len(query) > _MAX_TEXT:
        return []
    return places.search(query)[0][:limit]


def resolve_zone_text(text: str | None, places: Places | None) -> ZoneLookup:
    """The zone meant by typed text: an IANA name, a UTC offset, a city or a country.

    Tried in that order, so "europe/berlin" and "UTC+2" never reach the city search.
    Cities all in one zone need no question; otherwise the biggest few are offered by
    name, so someone in Springfield, Illinois finds their own city, not Missouri's. A
    country with several zones offers its biggest city in each.
    Raises ZoneInputError when nothing matches or the offset is impossible; without
    `places` (not built yet, or failed to build) only zone names and offsets match.
    """
    if text is None or len(text) > _MAX_TEXT:
        raise ZoneInputError(texts.t("zone_not_found"), "no text, or too long for a place")
    cleaned = _clean(text)
    if not cleaned:
        raise ZoneInputError(texts.t("zone_not_found"), "empty place")
    iana = _iana_names().get(cleaned.replace(" ", "_"))
    if iana is not None:
        return ZoneLookup(zone=iana)
    if _LOOKS_LIKE_OFFSET.match(cleaned):
        return ZoneLookup(zone=parse_utc_offset(cleaned))
    cities, from_area = places.search(text) if places is not None else ([], False)
    if not cities:
        raise ZoneInputError(texts.t("zone_not_found"), "no place matched")
    if len({city.zone for city in cities}) == 1:
        biggest = cities[0]  # the city confirmed by name: "München, Germany"
        return ZoneLookup(zone=biggest.zone, city=None if from_area else biggest, typed=text)
    # A country ("USA") offers its biggest city per zone; a city's name, each such city.
    choices: dict[object, CityMatch] = {}
    for city in cities:  # most populous first
        key = city.zone if from_area else (city.name, city.region, city.country_code)
        choices.setdefault(key, city)
    return ZoneLookup(
        choices=tuple(choices.values())[:_MAX_CHOICES], typed=None if from_area else text
    )


def zone_label(name: str, now_utc: datetime, place: str | None = None) -> str:
    """A zone as a person can check it: "Europe/Berlin (UTC+02:00 now)"; with the `place` it
    was found from, "Paris, France — Europe/Paris (UTC+01:00 now)".

    Fixed zones show only the offset: "Etc/GMT-2" reads as the opposite of what it
    is, so it shows as "UTC+02:00".
    """
    offset = now_utc.astimezone(ZoneInfo(name)).utcoffset() or timedelta(0)
    offset_text = _offset_text(offset)
    if "/" not in name or name.startswith("Etc/"):
        return offset_text
    # The IANA name in English, which people check it against; in another language the
    # zone's city in that language ("Europe/Moscow" -> «Москва»), as the pick-list names it.
    # Beside a place, that place says it: «Берлин, Германия (сейчас UTC+01:00)».
    language = i18n.current_language()
    english = language == i18n.DEFAULT_LANGUAGE
    shown = name.replace("_", " ") if english else place or _place_name(name, language)
    # "UTC+00:00", not "UTC": "(UTC now)" reads oddly beside "(UTC+01:00 now)".
    label = texts.template("pl_zone_now").format(
        zone=shown, offset=_offset_text(offset, signed=True)
    )
    return f"{place} — {label}" if place and english else label


def warm_up() -> None:
    """Load zone names and location polygons now, not on a person's first try."""
    _iana_names()
    timezonefinder.timezone_at(lng=0.0, lat=0.0)


def _offset_text(offset: timedelta, *, signed: bool = False) -> str:
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "UTC+00:00" if signed else "UTC"
    hours, minutes = divmod(abs(minutes), 60)
    sign = "-" if offset < timedelta(0) else "+"
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def _clean(text: str) -> str:
    """NFKC (fullwidth forms), any dash as "-", lower case, trimmed."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).casefold().strip()


@cache
def _iana_names() -> dict[str, str]:
    """Lower-case IANA name -> its proper spelling, for "europe/berlin".

    Only "Area/Location" names: bare legacy ones such as "EST" have no DST and
    would quietly be an hour off all summer for someone in New York.
    """
    return {name.casefold(): name for name in available_timezones() if "/" in name}


def city_label(city: CityMatch, typed: str | None = None) -> str:
    """What a pick-list shows: "Paris, France" or "Paris, Texas, United States"; the country
    in the person's language (city names stay as indexed, Cyrillic ones included).

    The index names cities in English. When a person speaking another language typed the
    name in their own script (`typed`, «Москва»), that name matched every city offered, so
    it is shown instead; a US state's English name gives way to the zone's city in their
    language, which is what tells two such places apart: «Москва, США · пояс: Бойсе»."""
    country = city.country_name
    language = i18n.current_language()
    if language == i18n.DEFAULT_LANGUAGE:
        return ", ".join(part for part in (city.name, city.region, country) if part)
    country = str(Locale.parse(language).territories.get(city.country_code.upper(), country))
    if typed is None or not _CYRILLIC.search(typed):
        return ", ".join(part for part in (city.name, city.region, country) if part)
    name = " ".join(typed.split())
    label = f"{name[:1].upper()}{name[1:]}, {country}"
    if city.region:
        zone_city = _place_name(city.zone, language)
        label = texts.template("pl_city_zone").format(city=label, zone=zone_city)
    return label
