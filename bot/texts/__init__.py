"""Every sentence the bot says, keyed by name, in English here and in other languages in
gettext catalogs (bot/i18n.py).

The catalog is split by flow (bot/texts/<flow>.py, each a MESSAGES dict and a gettext domain)
and merged here. A message that depends on a count is a `Plural`; its translations carry as
many forms as their language needs. Messages use Telegram's HTML parse mode. `t()` escapes
every value it fills in, so whatever a person typed is safe to echo; wrap a value in `Safe`
only when it is HTML we built ourselves.
"""

from __future__ import annotations

import html
from string import Formatter
from typing import Any, NamedTuple

from bot import i18n

PARSE_MODE = "HTML"


class Safe(str):
    """Text that is already valid Telegram HTML and must not be escaped again."""


def escape(value: Any) -> str:
    return value if isinstance(value, Safe) else html.escape(str(value), quote=False)


class Plural(NamedTuple):
    """A message that depends on a number `n`: English forms; catalogs have their own."""

    one: str
    other: str


def template(key: str, n: int | None = None) -> str:
    """The message `key` in the current language, before its values are filled in."""
    english = MESSAGES[key]
    domain = DOMAIN_OF[key]
    if isinstance(english, Plural):
        if n is None:
            raise TypeError(f"message {key!r} depends on a count: pass n=")
        return i18n.ngettext(domain, key, english.one, english.other, n)
    return i18n.gettext(domain, key, english)


def t(key: str, /, **values: Any) -> str:
    """The message `key` with its placeholders filled in, every value escaped.

    A `Plural` message takes its form from the value `n`."""
    n = values.get("n")
    return template(key, n if isinstance(n, int) else None).format(
        **{name: escape(value) for name, value in values.items()}
    )


def placeholders(key: str) -> set[str]:
    english = MESSAGES[key]
    forms = english if isinstance(english, Plural) else (english,)
    return {name for form in forms for _, name, _, _ in Formatter().parse(form) if name}


from bot.texts import (  # noqa: E402
    admin,
    checkin,
    common,
    content_admin,
    content_check,
    content_langs,
    formats,
    history,
    input,
    insights,
    menus,
    onboarding,
    places,
    practice,
    program,
    report,
    safety,
)

SAFETY_NOTE = common.SAFETY_NOTE

DOMAINS = (
    common,
    input,
    onboarding,
    practice,
    checkin,
    history,
    admin,
    menus,
    safety,
    formats,
    insights,
    report,
    places,
    program,
    content_admin,
    content_langs,
    content_check,
)
"""Each module is a gettext domain: bot/locale/<lang>/LC_MESSAGES/<module>.po."""

MESSAGES: dict[str, str | Plural] = {}
DOMAIN_OF: dict[str, str] = {}
for _catalog in DOMAINS:
    _clash = MESSAGES.keys() & _catalog.MESSAGES.keys()
    assert not _clash, f"message keys defined twice: {_clash}"
    MESSAGES.update(_catalog.MESSAGES)
    DOMAIN_OF.update(dict.fromkeys(_catalog.MESSAGES, _catalog.__name__.rsplit(".", 1)[-1]))


# The commands menu and /help come from this one list, so they can never disagree:
# (command, message key of its description).
COMMANDS = menus.COMMANDS


def in_every_language(key: str) -> set[str]:
    """The message in each language: what a reply-keyboard tap sends back as text may come
    from a keyboard shown before the person changed language."""
    forms = set()
    for language in i18n.LANGUAGES:
        with i18n.use_language(language):
            forms.add(t(key))
    return forms


def menu(commands: tuple[tuple[str, str], ...] = COMMANDS) -> list[tuple[str, str]]:
    """(command, description) pairs in the current language, for setMyCommands and /help."""
    return [(name, t(key)) for name, key in commands]
