"""/stats: how the bot is doing this week, in counts and shares, never one person's answers."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update

from bot import texts
from bot.flows.admin.shared import audit
from bot.flows.replies import message_of
from bot.runtime import BotContext
from bot.store import Status
from bot.texts import formats
from bot.views.admin import share

log = logging.getLogger(__name__)

STATS_WINDOW = timedelta(days=7)
STATS_MIN_CHECKINS = 5  # below either threshold no averages are shown: with so few people,
STATS_MIN_PEOPLE = 5  # an average would be one person's answers in disguise


async def stats_command(update: Update, context: BotContext) -> None:
    """Aggregate figures for the last seven days; averages only when enough people answered."""
    now = context.clock.now()
    stats = context.store.admin_stats(now - STATS_WINDOW, now)
    enough = stats.checkins >= STATS_MIN_CHECKINS and stats.checkin_people >= STATS_MIN_PEOPLE
    not_enough = texts.t("ad_stats_not_enough", people=STATS_MIN_PEOPLE)

    def average(value: float | None) -> str:
        if not enough:
            return not_enough
        return texts.t("ad_stats_none") if value is None else f"{formats.rating(value)} / 10"

    latest = context.store.latest_sent_broadcast()
    broadcast = ""
    if latest is not None:
        progress = context.store.broadcast_progress(latest.id)
        broadcast = texts.t(
            "ad_stats_broadcast",
            id=latest.id,
            sent=progress.get("sent", 0),
            pending=progress.get("pending", 0),
            other=progress.get("failed", 0) + progress.get("skipped", 0),
        )
    counts = stats.subscribers
    audit(update, context, "stats", "shown")
    await message_of(update).reply_text(
        texts.t(
            "ad_stats",
            now=now.strftime("%Y-%m-%d %H:%M"),
            active=counts.get(Status.ACTIVE, 0),
            paused=counts.get(Status.PAUSED, 0),
            stopped=counts.get(Status.STOPPED, 0),
            blocked=counts.get(Status.BLOCKED, 0),
            new=counts.get(Status.NEW, 0),
            sent=stats.reminders_sent,
            due=stats.reminders_due,
            on_time=share(stats.reminders_on_time, stats.reminders_sent),
            checkins=stats.checkins,
            rate=share(stats.reminders_checked_in, stats.reminders_sent),
            tension=average(stats.avg_tension),
            pain=average(stats.avg_pain),
            broadcast=texts.Safe(broadcast),
        )
    )
