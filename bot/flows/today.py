"""Glue between the store and the pure program: a person's local day and today's plan."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot import schedule
from bot.content import Library
from bot.program import DayPlan, day_after, plan_for_day
from bot.store import Store, Subscriber

UNLOCK_LOOKBACK_DAYS = 90  # longer than any unlock window an admin would sensibly write


def local_today(subscriber: Subscriber | None, now: datetime) -> date:
    """The person's calendar date now; UTC until they have chosen a zone."""
    zone_name = subscriber.zone if subscriber and subscriber.zone else "UTC"
    return schedule.local_date(now, schedule.zone(zone_name))


def program_day(store: Store, chat_id: int, today: date, library: Library) -> int:
    """1-based program day: days practised before today, plus one (illness skips nothing);
    light days do not cross a phase boundary (program.day_after)."""
    return day_after(library, store.program_days(chat_id, before=today))


def todays_plan(store: Store, library: Library, subscriber: Subscriber, today: date) -> DayPlan:
    pains = store.recent_pains(subscriber.chat_id, today - timedelta(days=UNLOCK_LOOKBACK_DAYS))
    gentle = subscriber.gentle_until is not None and today <= subscriber.gentle_until
    return plan_for_day(
        library,
        program_day(store, subscriber.chat_id, today, library),
        pains=pains,
        today=today,
        gentle=gentle,
    )
