"""Runs the bot against Telegram (or any Bot API server) until it is told to stop."""

from __future__ import annotations

import logging

from telegram import Update

from bot.app import build_application
from bot.config import Settings

log = logging.getLogger(__name__)


def run_bot(settings: Settings, *, webhook_url: str | None = None) -> int:
    application = build_application(settings)
    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    return 0
