"""Settings read from the environment (and an optional .env file), checked once at start."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_FILE_URL = "https://api.telegram.org/file/bot"
HTTP_CLIENTS = ("httpx", "aiohttp")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable, never a secret."""


@dataclass(frozen=True, slots=True)
class Settings:
    token: str = field(default="", repr=False)  # repr=False: the token never reaches a log
    api_url: str = DEFAULT_API_URL
    file_url: str = DEFAULT_FILE_URL
    db_path: Path = Path("data/bot.db")
    content_dir: Path = Path("content")
    places_dir: Path | None = None  # the city index (bot/places.py); None: beside the database
    admin_ids: frozenset[int] = frozenset()
    log_level: str = "INFO"
    webhook_url: str = ""
    webhook_secret: str = field(default="", repr=False)
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    grace: timedelta = timedelta(hours=3)
    tick_seconds: float = 1.0
    max_per_second: float | None = 30.0  # Telegram's bulk limit; None turns pacing off (bench)
    # A crowded instant starts this long before it at most (bot/sendwindow.py); 0 turns it off.
    early_window: timedelta = timedelta(minutes=5)
    # Paid broadcasts (Bot API 7.11): reminder fan-outs above the free rate go out at up to
    # `paid_per_second` with allow_paid_broadcast, for Stars; at most `paid_daily_cap` a UTC day.
    paid_broadcast: bool = False
    paid_daily_cap: int = 0
    paid_per_second: float = 1000.0
    http_client: str = "httpx"  # or "aiohttp" (bot/request.py): same calls, less CPU a request
    # Updates of different chats handled at once; each chat's stay in order (bot/concurrency.py).
    # 1 handles one update at a time. Each reply waits on Telegram 2-3 times (~50 ms each from
    # a server): one at a time, that caps a bot at a few updates a second.
    concurrent_updates: int = 32
    health_file: Path | None = None  # the heartbeat /health reads; None: beside the database
    health_port: int | None = None  # serve GET /health here (bot/health.py); None: no server
    replica_url: str = ""  # Litestream replica (s3://..., file path); empty: no replication

    @property
    def health_path(self) -> Path:
        return self.health_file if self.health_file is not None else self.db_path.parent / "health"

    @property
    def places_folder(self) -> Path:
        return self.places_dir if self.places_dir is not None else self.db_path.parent

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Builds settings from an environment mapping; a bad value names its variable."""
        admin_ids = frozenset(
            _int("BOT_ADMIN_IDS", part)
            for part in environ.get("BOT_ADMIN_IDS", "").split(",")
            if part.strip()
        )
        level = environ.get("BOT_LOG_LEVEL", "INFO").upper()
        if not isinstance(logging.getLevelName(level), int):
            raise ConfigError(f"BOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
        grace_hours = _float("BOT_GRACE_HOURS", environ.get("BOT_GRACE_HOURS", "3"))
        tick = _float("BOT_TICK_SECONDS", environ.get("BOT_TICK_SECONDS", "1"))
        http_client = environ.get("BOT_HTTP_CLIENT", "httpx").strip().lower()
        if http_client not in HTTP_CLIENTS:
            raise ConfigError(f"BOT_HTTP_CLIENT must be httpx or aiohttp, not {http_client!r}")
        return cls(
            token=environ.get("BOT_TOKEN", "").strip(),
            api_url=environ.get("TELEGRAM_API_URL", DEFAULT_API_URL),
            file_url=environ.get("TELEGRAM_FILE_URL", DEFAULT_FILE_URL),
            db_path=Path(environ.get("BOT_DB", "data/bot.db")),
            content_dir=Path(environ.get("BOT_CONTENT_DIR", "content")),
            places_dir=Path(environ["BOT_PLACES_DIR"]) if environ.get("BOT_PLACES_DIR") else None,
            admin_ids=admin_ids,
            log_level=level,
            webhook_url=environ.get("BOT_WEBHOOK_URL", ""),
            webhook_secret=environ.get("BOT_WEBHOOK_SECRET", ""),
            webhook_listen=environ.get("BOT_WEBHOOK_LISTEN", "0.0.0.0"),
            webhook_port=_int("BOT_WEBHOOK_PORT", environ.get("BOT_WEBHOOK_PORT", "8443")),
            grace=timedelta(hours=grace_hours),
            tick_seconds=tick,
            http_client=http_client,
            early_window=timedelta(
                minutes=_non_negative("BOT_EARLY_MINUTES", environ.get("BOT_EARLY_MINUTES", "5"))
            ),
            paid_broadcast=_flag("BOT_PAID_BROADCAST", environ.get("BOT_PAID_BROADCAST", "0")),
            paid_daily_cap=_non_negative_int(
                "BOT_PAID_DAILY_CAP", environ.get("BOT_PAID_DAILY_CAP", "0")
            ),
            concurrent_updates=_positive_int(
                "BOT_CONCURRENT_UPDATES", environ.get("BOT_CONCURRENT_UPDATES", "32")
            ),
            health_file=Path(health) if (health := environ.get("BOT_HEALTH_FILE")) else None,
            health_port=_int("BOT_HEALTH_PORT", port)
            if (port := environ.get("BOT_HEALTH_PORT"))
            else None,
            replica_url=environ.get("BOT_REPLICA_URL", "").strip(),
        )

    def require_token(self) -> None:
        """Checks the token's shape before anything goes online; the message never holds it."""
        if not self.token:
            raise ConfigError(
                "BOT_TOKEN is not set: get one from @BotFather, or run `python -m bot demo` "
                "to try the bot locally without one."
            )
        if not token_looks_valid(self.token, strict=self.api_url == DEFAULT_API_URL):
            raise ConfigError(
                "BOT_TOKEN does not look like a bot token (digits, a colon, then 35 letters, "
                "digits, - or _): copy it again from @BotFather."
            )


# Telegram's tokens: the bot's numeric id, a colon, 35 characters of [A-Za-z0-9_-]. Another
# Bot API server (a local one, the emulator) may use shorter secrets in the same alphabet.
_TOKEN = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{35}")
_TOKEN_ANY_LENGTH = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{1,200}")


def token_looks_valid(token: str, *, strict: bool = True) -> bool:
    """Whether `token` has the shape of a bot token; `strict` checks the secret's length too."""
    return bool((_TOKEN if strict else _TOKEN_ANY_LENGTH).fullmatch(token))


def _int(name: str, value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        what = "comma-separated Telegram user ids" if name == "BOT_ADMIN_IDS" else "a whole number"
        raise ConfigError(f"{name} must be {what}") from None


def _positive_int(name: str, value: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number") from None
    if number < 1:
        raise ConfigError(f"{name} must be 1 or more")
    return number


def _float(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number") from None
    if number <= 0:
        raise ConfigError(f"{name} must be greater than zero")
    return number


def _non_negative(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number") from None
    if not number >= 0:  # also refuses nan
        raise ConfigError(f"{name} must be 0 or more")
    return number


def _non_negative_int(name: str, value: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number") from None
    if number < 0:
        raise ConfigError(f"{name} must be 0 or more")
    return number


def _flag(name: str, value: str) -> bool:
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("", "0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be 1 or 0")
