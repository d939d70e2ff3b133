"""Runs the bot against Telegram (or any Bot API server) until it is told to stop.

`run_polling` and `run_webhook` stop gracefully on SIGINT and SIGTERM: polling ends, the
scheduler stops, sends already on the wire finish (post_stop), then the database closes.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from telegram import Update

from bot.app import add_startup_hook, build_application, freeze_long_lived
from bot.config import ConfigError, Settings
from bot.store import Store

log = logging.getLogger(__name__)


def run_bot(settings: Settings, *, webhook_url: str | None = None) -> int:
    # Open the database once before going online: a bad path fails here with a clear message
    # (StoreError) instead of after the first calls to Telegram.
    Store(settings.db_path).close()
    application = build_application(settings)
    add_startup_hook(application, freeze_long_lived)
    url = webhook_url or settings.webhook_url
    if not url:
        # bootstrap_retries=-1: an unreachable Telegram at start is waited out with PTB's
        # backoff (1 s, x1.5, up to 30 s) instead of ending the process.
        application.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
        return 0
    if not settings.webhook_secret:
        raise ConfigError(
            "BOT_WEBHOOK_SECRET must be set in webhook mode, so that only Telegram can post updates"
        )
    log.info("webhook.serving port=%s", settings.webhook_port)
    application.run_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=urlsplit(url).path.lstrip("/"),
        webhook_url=url,
        secret_token=settings.webhook_secret,
        allowed_updates=Update.ALL_TYPES,
        bootstrap_retries=-1,
    )
    return 0
