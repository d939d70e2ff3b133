"""Every sentence the bot says, keyed by name, so it can speak other languages later.

The catalog is split by flow (bot/texts/<flow>.py, each a MESSAGES dict) and merged here.
Messages use Telegram's HTML parse mode. `t()` escapes every value it fills in, so whatever a
person typed is safe to echo; wrap a value in `Safe` only when it is HTML we built ourselves.
"""

from __future__ import annotations

import html
from string import Formatter
from typing import Any

PARSE_MODE = "HTML"


class Safe(str):
    """Text that is already valid Telegram HTML and must not be escaped again."""


def escape(value: Any) -> str:
    return value if isinstance(value, Safe) else html.escape(str(value), quote=False)


def t(key: str, /, **values: Any) -> str:
    """The message `key` with its placeholders filled in, every value escaped."""
    template = MESSAGES[key]
    return template.format(**{name: escape(value) for name, value in values.items()})


def placeholders(key: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(MESSAGES[key]) if name}


from bot.texts import admin, checkin, common, history, input, onboarding, practice  # noqa: E402

SAFETY_NOTE = common.SAFETY_NOTE
MESSAGES: dict[str, str] = {}
for _catalog in (common, input, onboarding, practice, checkin, history, admin):
    _clash = MESSAGES.keys() & _catalog.MESSAGES.keys()
    assert not _clash, f"message keys defined twice: {_clash}"
    MESSAGES.update(_catalog.MESSAGES)


# The commands menu and /help come from this one list, so they can never disagree.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Start or set up your daily practice"),
    ("help", "What I can do"),
    ("safety", "Staying safe: when to stop and see a doctor"),
    ("today", "Start or carry on with today's practice"),
    ("practices", "All practices, to try any of them"),
    ("practice", "Start one practice by name, like /practice swing"),
    ("checkin", "Tell me how you feel: tension, pain, where"),
    ("settings", "Change your reminder time or time zone"),
    ("pause", "Take a break from reminders, like /pause 3"),
    ("resume", "Start your reminders again after a pause"),
    ("stop", "Stop reminders (your history stays)"),
    ("history", "Your last 14 days at a glance"),
    ("progress", "Your progress chart, streaks and trends"),
    ("summary", "Choose the day of your weekly summary"),
    ("export", "Download your data: spreadsheet and PDF report"),
    ("privacy", "What I store, why, and who can see it"),
    ("delete", "Delete everything I hold about you"),
)
