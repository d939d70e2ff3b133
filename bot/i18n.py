"""The language a message is written in, and the translated catalogs it comes from.

English lives in the code (bot/texts/*.py, each a gettext domain); other languages live in
gettext catalogs, `bot/locale/<lang>/LC_MESSAGES/<domain>.po`, which translators edit with
any PO tool (Poedit, Weblate). Each message's key is its context (msgctxt) and its English
text the msgid, so a translator sees the English, and an English change marks the
translation out of date (fuzzy) when `python -m bot messages` updates the catalogs.

The language is a context variable: a handler sets it once per update for the person it
answers (each update runs in its own task, so people never see each other's language), and
code that writes to many people (the reminder fan-out) wraps each message in
`use_language`. Catalogs are compiled in memory on first use: no binaries in the tree, and
an English-only bot never reads one.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "ru")
"""Every language the bot speaks, English first (it is the source of every message)."""

LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}

# Telegram's language_code is an IETF tag ("ru", "uk", "en-GB"). People whose app speaks
# Ukrainian, Belarusian or Kazakh mostly read Russian too; everyone else starts in English.
_FIRST_LANGUAGE = {"ru": "ru", "uk": "ru", "be": "ru", "kk": "ru"}

LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_current: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


def language_for(telegram_code: str | None) -> str:
    """The language to start a person in, from their Telegram app's language_code."""
    base = (telegram_code or "").split("-")[0].lower()
    return _FIRST_LANGUAGE.get(base, DEFAULT_LANGUAGE)


def telegram_codes(language: str) -> list[str]:
    """The Telegram language_codes whose people start in `language` (for the commands menu
    Telegram shows them before they have written: setMyCommands with language_code)."""
    return [code for code, first in _FIRST_LANGUAGE.items() if first == language]


def current_language() -> str:
    return _current.get()


def set_language(language: str | None) -> None:
    """Speak `language` for the rest of this task (one update); unknown ones fall back."""
    _current.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


@contextmanager
def use_language(language: str | None) -> Iterator[None]:
    """Speak `language` inside the block only: for code that writes to several people."""
    token = _current.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


def catalog_path(language: str, domain: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


@cache
def translations(language: str, domain: str) -> NullTranslations:
    """The domain's catalog in `language`, compiled in memory; fuzzy entries are left out,
    so an out-of-date translation shows the English until a translator confirms it."""
    path = catalog_path(language, domain)
    if language == DEFAULT_LANGUAGE or not path.exists():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain=domain)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=domain)


def gettext(domain: str, key: str, english: str) -> str:
    language = _current.get()
    if language == DEFAULT_LANGUAGE:
        # What English's empty catalog would answer: the source text. A check-in update asks
        # for about nine messages; babel's lookup costs more than the rest of t().
        return english
    return str(translations(language, domain).pgettext(key, english))


def ngettext(domain: str, key: str, one: str, other: str, n: int) -> str:
    return str(translations(current_language(), domain).npgettext(key, one, other, n))
