"""Errors the person can fix, each carrying a reply that is safe to show them.

The exception's own text (`str(err)`) goes to the logs, so it never holds what the
person typed; `user_message` is the kind, plain reply the handler sends instead.
"""

from __future__ import annotations


class BotError(Exception):
    """Something the person can fix; `user_message` is safe to show."""

    def __init__(self, user_message: str, detail: str = "") -> None:
        super().__init__(detail or user_message)
        self.user_message = user_message


class RatingError(BotError, ValueError): ...


class TimeInputError(BotError, ValueError): ...


class ZoneInputError(BotError, ValueError): ...


class ContentError(BotError): ...
