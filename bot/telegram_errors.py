"""Which errors are part of normal life, and which are bugs that earn a traceback.

Apart from bot/errors.py so that the pure modules raising BotError import nothing from
Telegram (tests/test_imports.py).
"""

from __future__ import annotations

from datetime import timedelta

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
)

from bot.errors import BotError

# Telegram's refusals that are part of normal life, by a fragment of their description (the
# Bot API has no error codes finer than the HTTP status): each has an event name for the log.
_EXPECTED_BAD_REQUESTS = (
    ("not modified", "telegram.not_modified"),  # a double tap: the first one changed it
    ("message to edit not found", "telegram.message_gone"),  # deleted by the person
    ("message to delete not found", "telegram.message_gone"),
    ("message can't be edited", "telegram.message_gone"),  # older than 48 hours
    ("message can't be deleted", "telegram.message_gone"),
    ("query is too old", "telegram.query_expired"),  # a tap answered after 15 s or a restart
    ("query id is invalid", "telegram.query_expired"),
    ("chat not found", "telegram.chat_not_found"),  # an account deleted, a chat never opened
)


def is_not_modified(error: BaseException) -> bool:
    """Telegram refused an edit that would change nothing: a double tap, whose first tap did
    the change. The edit's purpose is met."""
    return isinstance(error, BadRequest) and "not modified" in str(error).lower()


def retry_after_seconds(retry_after: timedelta | float) -> float:
    """A RetryAfter's wait in seconds: PTB gives a timedelta with PTB_TIMEDELTA set, else a
    number (int or float)."""
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after)


def expected_condition(error: BaseException | None) -> str | None:
    """The event name of an error that is part of normal life (bad typed input, a stale
    button, a blocked bot, Telegram down after the retries), or None for a bug: only bugs
    earn a traceback in the log."""
    if isinstance(error, BotError):
        return "input.rejected"
    if isinstance(error, BadRequest):
        text = str(error).lower()
        return next((event for fragment, event in _EXPECTED_BAD_REQUESTS if fragment in text), None)
    if isinstance(error, Forbidden):
        return "telegram.blocked"
    if isinstance(error, NetworkError | RetryAfter):
        return "telegram.unavailable"  # still failing after bot/ratelimit.py's retries
    if isinstance(error, Conflict):
        return "telegram.conflict"  # another copy of the bot polls with the same token
    if isinstance(error, ChatMigrated):
        return "telegram.chat_migrated"
    return None
