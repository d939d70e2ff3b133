"""Settings from the environment: defaults, parsing, and errors that name the variable."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import DEFAULT_API_URL, ConfigError, Settings


def test_defaults_need_only_a_token():
    settings = Settings.from_env({"BOT_TOKEN": "123:abc"})
    assert settings.api_url == DEFAULT_API_URL
    assert settings.db_path == Path("data/bot.db")
    assert settings.content_dir == Path("content")
    assert settings.admin_ids == frozenset()
    assert settings.grace == timedelta(hours=3)


def test_admin_ids_are_parsed_from_a_comma_list():
    settings = Settings.from_env({"BOT_ADMIN_IDS": " 12, 34 ,,56"})
    assert settings.admin_ids == frozenset({12, 34, 56})


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"BOT_ADMIN_IDS": "12,bob"}, "BOT_ADMIN_IDS"),
        ({"BOT_LOG_LEVEL": "LOUD"}, "BOT_LOG_LEVEL"),
        ({"BOT_GRACE_HOURS": "-1"}, "BOT_GRACE_HOURS"),
        ({"BOT_TICK_SECONDS": "soon"}, "BOT_TICK_SECONDS"),
        ({"BOT_WEBHOOK_PORT": "http"}, "BOT_WEBHOOK_PORT"),
        ({"BOT_EARLY_MINUTES": "-1"}, "BOT_EARLY_MINUTES"),
        ({"BOT_EARLY_MINUTES": "soon"}, "BOT_EARLY_MINUTES"),
        ({"BOT_PAID_BROADCAST": "maybe"}, "BOT_PAID_BROADCAST"),
        ({"BOT_PAID_DAILY_CAP": "lots"}, "BOT_PAID_DAILY_CAP"),
        ({"BOT_PAID_DAILY_CAP": "-5"}, "BOT_PAID_DAILY_CAP"),
    ],
    ids=[
        "admin-ids",
        "log-level",
        "grace",
        "tick",
        "port",
        "early-negative",
        "early-word",
        "paid-flag",
        "paid-cap-word",
        "paid-cap-negative",
    ],
)
def test_a_bad_value_names_its_variable(environ, variable):
    with pytest.raises(ConfigError, match=variable):
        Settings.from_env(environ)


def test_the_token_never_shows_in_repr():
    settings = Settings.from_env({"BOT_TOKEN": "123:very-secret", "BOT_WEBHOOK_SECRET": "hush"})
    assert "very-secret" not in repr(settings)
    assert "hush" not in repr(settings)


def test_a_missing_token_is_a_one_line_error():
    with pytest.raises(ConfigError, match="BOT_TOKEN is not set"):
        Settings.from_env({}).require_token()


def test_crowded_instants_start_early_and_paid_broadcasts_are_opt_in():
    settings = Settings.from_env({})
    assert settings.early_window == timedelta(minutes=5)
    assert (settings.paid_broadcast, settings.paid_daily_cap) == (False, 0)
    chosen = Settings.from_env(
        {"BOT_EARLY_MINUTES": "0", "BOT_PAID_BROADCAST": "1", "BOT_PAID_DAILY_CAP": "20000"}
    )
    assert chosen.early_window == timedelta(0)
    assert (chosen.paid_broadcast, chosen.paid_daily_cap) == (True, 20_000)
