"""Thin handlers, one module per conversation; `register_all` wires them in a fixed order."""

from __future__ import annotations

from telegram.ext import Application

from bot.flows import common, onboarding, reminders


def register_all(application: Application) -> None:
    # Order matters: PTB gives an update to the first matching handler, so the flows come
    # first and the catch-alls (unknown commands, stickers, stray text, stale buttons) last.
    common.register(application)
    onboarding.register(application)
    reminders.register(application)
    common.register_fallbacks(application)
