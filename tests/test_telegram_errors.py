"""The one reading of Telegram's refusals and waits (bot/telegram_errors.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram.error import BadRequest, Forbidden

from bot.telegram_errors import is_not_modified, retry_after_seconds


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (BadRequest("Message is not modified: specified new message content is the same"), True),
        (BadRequest("Bad Request: message is not modified"), True),
        (BadRequest("Message to edit not found"), False),
        (Forbidden("Forbidden: bot was blocked by the user, message is not modified"), False),
    ],
    ids=["ptb-form", "raw-form", "gone", "not-a-bad-request"],
)
def test_is_not_modified_reads_only_that_refusal(error, expected):
    assert is_not_modified(error) is expected


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (3, 3.0),
        (2.5, 2.5),
        (timedelta(seconds=7, milliseconds=500), 7.5),
        (timedelta(days=1), 86400.0),
    ],
    ids=["int", "float", "timedelta", "a-day"],
)
def test_retry_after_seconds_keeps_days_and_fractions(value, seconds):
    assert retry_after_seconds(value) == seconds
