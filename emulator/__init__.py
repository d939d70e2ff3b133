"""A local Telegram Bot API server for tests and the terminal demo.

PTB talks to it over real HTTP (httpx, multipart, the Updater's long polls), so a test drives
the same code paths as production. It answers like Telegram: the same HTTP statuses (PTB reads
the status, not `ok`), the same descriptions, dates in seconds, and Telegram's validation of
text length, markup, button data and parse modes. A bug that Telegram would reject fails a test
here instead of a user's morning practice. No sleeping: waits ride on one "pulse" event that
fires after every state change, so tests wake the moment the bot acts.
"""

from __future__ import annotations

from emulator.entities import (
    EntityParseError,
    parse_html,
    parse_markdown,
    parse_markdown_v2,
    utf16_len,
)
from emulator.people import People
from emulator.server import Server
from emulator.validation import ApiError

__all__ = [
    "ApiError",
    "Emulator",
    "EntityParseError",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "utf16_len",
]


class Emulator(Server, People):
    """A Bot API server on 127.0.0.1 plus the people who talk to the bot.

    `record_calls=False` and `history_limit` keep memory flat in benchmarks: counters in
    `stats` keep counting, while calls and old messages are not kept."""
