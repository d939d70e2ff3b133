"""When a reminder may leave before its chosen instant, so a crowded minute is centred on it.

Most people tap one of the nine preset times, so thousands fall due in the same second. At
Telegram's ~30 messages a second, waiting for that second to start sending makes every one
of them late, the last by the whole span. Starting K/(2*rate) seconds before the instant
spreads the sends around it instead: deviations of about +-K/(2*rate), not 0..K/rate.

Pure: no Telegram, no store. Every function takes the instants it needs and returns values.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import schedule

MIDNIGHT = time(0)


def lead(waiting: int, rate: float, max_early: timedelta) -> timedelta:
    """How long before a due instant its sends should start: half of the time `waiting`
    reminders take at `rate` a second, at most `max_early`. Quiet instants get (almost) none."""
    if waiting <= 0 or rate <= 0 or max_early <= timedelta(0):
        return timedelta(0)
    return min(max_early, timedelta(seconds=waiting / (2.0 * rate)))


def opens_at(due: datetime, waiting: int, rate: float, max_early: timedelta) -> datetime:
    """When sending for `due` should start, given how many are still waiting for it.

    Counting only those not yet sent keeps this stateless: once an instant opens, its sends
    (at `rate`) shrink `waiting` by `rate` a second while the opening moves later by only
    half a second a second, so an open instant stays open until it falls due."""
    return due - lead(waiting, rate, max_early)


def day_start(local_day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant the person's local day begins: their previous day ends here. On a day
    whose midnight is skipped by DST, the first instant that exists."""
    return schedule.instant_on(local_day, MIDNIGHT, zone)


def earliest_send(
    due: datetime,
    zone: ZoneInfo,
    max_early: timedelta,
    paused_until: date | None = None,
) -> datetime:
    """The earliest a reminder due at `due` may leave: never more than `max_early` before it,
    never before the person's previous local day ends (it says "today's practice", and a
    message before midnight would be read as yesterday's), never before a pause ends
    (`paused_until` is the last paused local date). May be later than `due`: then it is not
    sent early at all, and the usual rules at `due` decide."""
    local_day = due.astimezone(zone).date()
    bounds = [due - max(max_early, timedelta(0)), day_start(local_day, zone)]
    if paused_until is not None:
        bounds.append(day_start(paused_until + timedelta(days=1), zone))
    return max(bounds)


def may_send_early(
    now: datetime,
    due: datetime,
    zone: ZoneInfo,
    max_early: timedelta,
    paused_until: date | None = None,
) -> bool:
    """True when a reminder not yet due may go out at `now`."""
    return now < due and now >= earliest_send(due, zone, max_early, paused_until)


def chosen_instant(
    local_day: date, remind_at: str | None, zone_name: str | None
) -> datetime | None:
    """The instant the person's current settings give for `local_day`. A reminder recorded for
    another instant was recorded before they changed their time or zone (None: no time set)."""
    if not remind_at or not zone_name:
        return None
    return schedule.instant_on(local_day, time.fromisoformat(remind_at), schedule.zone(zone_name))
