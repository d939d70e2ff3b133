"""Thin handlers, one module per conversation; `register_all` wires them in a fixed order."""

from __future__ import annotations

from telegram.ext import Application

from bot.flows import (
    admin,
    checkin,
    common,
    history,
    language,
    onboarding,
    practice,
    reminders,
    safety,
)


def register_all(application: Application) -> None:
    # Order matters: PTB gives an update to the first matching handler, so the flows come
    # first and the catch-alls (unknown commands, stickers, stray text, stale buttons) last.
    common.register(application)
    # Admin first: an admin's document is a content upload, whatever step they are in.
    admin.register(application)
    onboarding.register(application)
    language.register(application)
    reminders.register(application)
    checkin.register(application)
    safety.register(application)
    history.register(application)
    practice.register(application)
    common.register_fallbacks(application)
