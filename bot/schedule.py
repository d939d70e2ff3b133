"""When a person's daily reminder is due, in their own time zone.

Pure: every function takes `now` or `after` and returns values, so the sender and the
tests decide what "now" is. The database stores the UTC instant; the local wall-clock
time and the IANA zone are what the person chose.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.texts import formats

GRACE = timedelta(hours=3)
"""How late a missed reminder may still go out (after a restart); later ones are skipped."""


_zones: dict[str, ZoneInfo] = {}


def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name, kept for the life of the process.

    zoneinfo's own cache holds only a few zones strongly, so with many subscribers in
    many zones it rebuilds them; a plain dict is about 11x faster per tick. Unknown
    names raise zoneinfo's ZoneInfoNotFoundError and are not cached.
    """
    found = _zones.get(name)
    if found is None:
        found = _zones.setdefault(name, ZoneInfo(name))
    return found


def next_due_utc(local_time: time, zone: ZoneInfo, after: datetime) -> datetime:
    """First instant after `after` when the clock in `zone` shows `local_time`, stepped on
    the calendar (DST days last 23 or 25 hours). A time inside the spring-forward
    gap goes out when the clocks jump, not skipped: a skipped day is a missed
    practice. A time repeated at fall-back goes out once, at its first occurrence.

    Strictly after: passing the instant just sent gives the next day's, so the sender
    can advance a row with its own `next_due_utc`. Returns an aware UTC datetime.
    """
    _require_aware(after, "after")
    wall = local_time.replace(tzinfo=None, fold=0)
    day = after.astimezone(zone).date()
    while True:
        # Each local date's instant falls on that date, so dates before `after`'s own
        # can never be later than it; at most two steps forward are ever needed.
        due = _instant_on(day, wall, zone)
        if due > after:
            return due
        day += timedelta(days=1)


def instant_on(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant the clock in `zone` shows `at` on `day`: its first occurrence, or the
    moment the clocks jump if DST skips it."""
    return _instant_on(day, at.replace(tzinfo=None, fold=0), zone)


def _instant_on(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of `wall` on `day`: its first occurrence, or the jump if it is missing."""
    local = datetime.combine(day, wall, tzinfo=zone)  # fold=0: the first occurrence
    due = local.astimezone(UTC)
    if due.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return due
    # The wall time does not exist (spring-forward gap). fold=1 reads it with the offset
    # after the jump, giving an instant before the jump; fold=0 one after it. The jump
    # lies between, and zoneinfo does not expose it, so find it to the second.
    before = local.replace(fold=1).astimezone(UTC)
    return _first_instant_with_offset_of(before, due, zone)


def _first_instant_with_offset_of(lo: datetime, hi: datetime, zone: ZoneInfo) -> datetime:
    """Bisect (lo, hi] for the first whole second whose UTC offset in `zone` equals hi's."""
    target = hi.astimezone(zone).utcoffset()
    lo_s, hi_s = int(lo.timestamp()), int(hi.timestamp())
    while hi_s - lo_s > 1:
        mid = (lo_s + hi_s) // 2
        if datetime.fromtimestamp(mid, zone).utcoffset() == target:
            hi_s = mid
        else:
            lo_s = mid
    return datetime.fromtimestamp(hi_s, UTC)


def is_within_grace(due_utc: datetime, now_utc: datetime, grace: timedelta = GRACE) -> bool:
    """True when a reminder that fell due at `due_utc` may still be sent at `now_utc`.

    A reminder missed while the bot was down still helps a few hours late; sent the
    next morning it would arrive beside that day's own, so it is skipped instead.
    Not yet due is not within grace.
    """
    late = now_utc - due_utc
    return timedelta(0) <= late <= grace


def local_now(zone: ZoneInfo, now_utc: datetime) -> datetime:
    """`now_utc` on the person's wall clock. Naive input is refused, not read as server time."""
    _require_aware(now_utc, "now_utc")
    return now_utc.astimezone(zone)


def local_date(at_utc: datetime, zone: ZoneInfo) -> date:
    """The person's calendar date at `at_utc`: check-ins and deliveries belong to it."""
    _require_aware(at_utc, "at_utc")
    return at_utc.astimezone(zone).date()


def describe_next(due_utc: datetime, zone: ZoneInfo, now_utc: datetime) -> str:
    """When the next reminder comes, as the person would say it: "tomorrow at 07:30".

    Relative to their local date, not to 24-hour spans: 07:30 seen at 23:00 is
    "tomorrow" even though it is under nine hours away.
    """
    due = local_now(zone, due_utc)
    days = (due.date() - local_date(now_utc, zone)).days
    # Names from Babel in the person's language, never strftime("%A"): that follows the
    # process locale.
    return formats.next_reminder(due.date(), due.time(), days)


def _require_aware(value: datetime, name: str) -> None:
    """Naive datetimes would silently be read in the server's zone; refuse them."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


FOLLOWUP_AFTER = timedelta(hours=3)
FOLLOWUP_QUIET_FROM = time(21, 0)  # after this, a nudge comes sooner rather than at night
FOLLOWUP_SOONEST = timedelta(hours=1)
FOLLOWUP_LAST = time(23, 45)


def followup_time(reminder: time) -> time | None:
    """The wall-clock time of the optional follow-up for a reminder at `reminder`, or None.

    Three hours later, but never later in the evening than 21:00 unless the reminder itself is
    late; then one hour after it (a reminder at 21:00 gets its nudge at 22:00), and for a
    reminder close to midnight half an hour after it. A reminder after 23:15 gets none: the
    nudge would land on the next day, next to that day's reminder.
    """
    start = datetime.combine(date(2000, 1, 1), reminder)
    at = start + FOLLOWUP_AFTER
    if at.time() > FOLLOWUP_QUIET_FROM or at.date() != start.date():
        at = max(datetime.combine(start.date(), FOLLOWUP_QUIET_FROM), start + FOLLOWUP_SOONEST)
    if at.date() != start.date() or at.time() > FOLLOWUP_LAST:
        at = start + timedelta(minutes=30)
    if at.date() != start.date() or at.time() > FOLLOWUP_LAST:
        return None
    return at.time()
