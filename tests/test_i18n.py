"""The message catalogs: in step with the English, placeholders kept, plural forms by count."""

from __future__ import annotations

from string import Formatter

import pytest
from babel.messages.pofile import read_po

from bot import i18n, texts
from bot.catalogs import sync
from emulator import parse_html


def test_catalogs_are_in_step_with_the_english_texts():
    changed, _ = sync(check=True)
    assert changed == [], "run `python -m bot messages` and commit bot/locale"


@pytest.mark.parametrize("language", i18n.LANGUAGES[1:])
def test_translations_keep_every_placeholder(language):
    for module in texts.DOMAINS:
        domain = module.__name__.rsplit(".", 1)[-1]
        with i18n.catalog_path(language, domain).open("rb") as po:
            catalog = read_po(po, locale=language)
        for message in catalog:
            if not message.id or not message.string:
                continue
            expected = texts.placeholders(message.context)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for string in strings:
                if not string:
                    continue
                found = {name for _, name, _, _ in Formatter().parse(string) if name}
                assert found <= expected, (domain, message.context, found - expected)


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("ru", "ru"),
        ("uk", "ru"),
        ("be", "ru"),
        ("kk", "ru"),
        ("en-GB", "en"),
        ("de", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_first_language_from_telegram(code, language):
    assert i18n.language_for(code) == language


def test_language_is_per_block_and_unknown_ones_fall_back():
    assert i18n.current_language() == "en"
    with i18n.use_language("ru"):
        assert i18n.current_language() == "ru"
        with i18n.use_language("xx"):
            assert i18n.current_language() == "en"
        assert i18n.current_language() == "ru"
    assert i18n.current_language() == "en"


@pytest.mark.parametrize(
    ("n", "russian"),
    [
        (1, "1 пауза"),
        (2, "2 паузы"),
        (5, "5 пауз"),
        (11, "11 пауз"),
        (21, "21 пауза"),
    ],
)
def test_russian_counts_take_the_form_their_number_needs(n, russian):
    # Russian has three forms (1 and 21 / 2-4 and 22 / 5-20 and 11-14); English has two.
    with i18n.use_language("ru"):
        assert texts.t("hi_delete_pauses", n=n) == russian
    assert texts.t("hi_delete_pauses", n=n) == (f"{n} pause" if n == 1 else f"{n} pauses")


@pytest.mark.parametrize("domain", ["checkin", "history", "admin", "content_check"])
def test_every_message_of_these_domains_has_a_confirmed_russian_translation(domain):
    with i18n.catalog_path("ru", domain).open("rb") as po:
        catalog = read_po(po, locale="ru")
    untranslated = [
        message.context
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert untranslated == []


@pytest.mark.parametrize("domain", ["checkin", "history", "admin"])
def test_russian_messages_are_valid_telegram_html_with_every_value_shown(domain):
    value = "<b>&amp;</b> «Москва» 🌿"
    keys = [key for key, of in texts.DOMAIN_OF.items() if of == domain]
    with i18n.use_language("ru"):
        for key in keys:
            count = {"n": 2} if isinstance(texts.MESSAGES[key], texts.Plural) else {}
            filled = dict.fromkeys(texts.placeholders(key) - count.keys(), value)
            message = texts.t(key, **filled, **count)
            plain, _ = parse_html(message)  # raises as Telegram would on a bad tag or entity
            assert not filled or value in plain, key
