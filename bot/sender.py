"""The reminder engine: a periodic tick finds who is due and a bounded pool of workers sends.

The database is the schedule (shared DESIGN.md, decisions 1 and 2). A tick
  1. turns every subscriber whose `next_due_utc` has come into a delivery row per day and
     advances `next_due_utc` on the calendar, in one transaction, so nothing is lost or doubled;
  2. hands pending deliveries that are due to the workers through a bounded queue.
A worker marks the row in flight, sends through the paced rate limiter, then marks it sent,
failed or skipped. What a delivery says is decided by the composer given for its kind
(EngineWiring, named in bot/app.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Protocol

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application

from bot import i18n, schedule, sendwindow, subscription
from bot.ratelimit import PAID_PREPACED, PREPACED, WINDOW_MARGIN, _Lane
from bot.store import Delivery, Status, Store, Subscriber
from bot.telegram_errors import retry_after_seconds

if TYPE_CHECKING:  # the runtime module imports the engine's store; only its type is needed
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
MAX_MISSED_DAYS = 60  # a bot down for longer records this many skipped days, then moves on
# Due subscribers are turned into delivery rows this many at a time, one transaction each,
# so replies and sends keep flowing during a big fan-out: at 1M subscribers a batch with its
# writes holds the event loop 24 ms at p99 (39 ms for 250; bench/scale.py). 100 a batch
# still schedules thousands a second, far above what Telegram lets a bot send.
SCHEDULE_BATCH = 100
# Reminders fall due on whole minutes, so the tick runs just after each whole second rather
# than at a random phase: a reminder waits ~50 ms for its tick instead of up to a second.
TICK_OFFSET = 0.05
# Early sends of a crowded instant are written only this many seconds of sending ahead of the
# workers: until a person's row is written, a time change or a pause simply moves their
# next_due_utc, so what they chose last is what happens.
EARLY_BUFFER_SECONDS = 2.0
# Paid broadcasts only for a fan-out the free rate would take longer than this to clear, and
# only for what the free lane cannot take: one worker at a time waits for a free slot.
PAID_AFTER_SECONDS = 5.0
# Kinds that ride with a reminder but are read before it: sent just ahead of it.
BEFORE_REMINDER = ("weekly",)


def first_tick_delay(now: datetime, interval: float) -> float:
    """Seconds until the first tick, so that ticks every `interval` seconds land TICK_OFFSET
    after a multiple of `interval` on the clock (when `interval` divides a minute)."""
    if interval <= 0 or 60 % interval:
        return 0.1
    into = (now.second + now.microsecond / 1_000_000) % interval
    return interval - into + TICK_OFFSET


@dataclass(frozen=True, slots=True)
class Outgoing:
    text: str
    reply_markup: InlineKeyboardMarkup | None = None


@dataclass(frozen=True, slots=True)
class Skip:
    reason: str


class Composer(Protocol):
    """What one kind of delivery says ("reminder", "followup", ...), or why it is not sent."""

    def __call__(
        self, application: Application, delivery: Delivery, subscriber: Subscriber, /
    ) -> Awaitable[Outgoing | Skip]: ...


class DueHook(Protocol):
    """Records the rows that ride on a reminder falling due (a follow-up, the weekly summary).
    Runs inside the engine's scheduling transaction: it writes, it does not send."""

    def __call__(
        self, application: Application, subscriber: Subscriber, due: datetime, now: datetime, /
    ) -> None: ...


class TickHook(Protocol):
    """Runs at the start of every tick (closing abandoned check-ins, due practice timers)."""

    def __call__(self, application: Application, now: datetime, /) -> Awaitable[None]: ...


@dataclass(frozen=True, slots=True)
class EngineWiring:
    """The engine's collaborators, named by build_application (bot/app.py): what each kind of
    delivery says, what rides on a reminder falling due, and what runs on every tick, in order.
    A failing tick hook is logged, not fatal."""

    composers: Mapping[str, Composer]
    on_due: tuple[DueHook, ...] = ()
    on_tick: tuple[TickHook, ...] = ()


@dataclass
class TickReport:
    scheduled: int = 0
    missed: int = 0
    early: int = 0  # of `scheduled`, released before their due instant


class Engine:
    """Owns the workers; `tick()` is what the scheduler job calls every few seconds."""

    def __init__(
        self,
        application: Application,
        wiring: EngineWiring,
        *,
        workers: int = 16,
        queue_size: int = 1000,
    ):
        self.application = application
        self.wiring = wiring
        self.queue: asyncio.Queue[Delivery] = asyncio.Queue(maxsize=queue_size)
        self._queued: set[int] = set()
        self._workers: list[asyncio.Task] = []
        self._worker_count = workers
        # More due deliveries than the queue could take: workers refill it as it runs low
        # instead of waiting for the next tick (a tick's worth is 1000 a second at most).
        self._backlog = False
        self._stopping = False
        self.sent = 0
        self.failed = 0
        self._free_waiting = 0  # workers waiting for a free slot now
        # Paid sends counted per UTC day against BOT_PAID_DAILY_CAP (in memory: a restart
        # starts the count again, so the cap bounds a day per process, not across restarts).
        self.paid_day: tuple[str, int] = ("", 0)

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.application.bot_data["runtime"]
        return runtime

    @property
    def store(self) -> Store:
        return self.runtime.open_store  # opened in post_init, before the engine starts

    def start(self) -> None:
        recovered = self.store.recover_interrupted(self.runtime.clock.now())
        if recovered:
            log.warning("deliveries.interrupted count=%s", recovered)
        self._stopping = False
        self._workers = [
            asyncio.create_task(self._work(), name=f"sender-{n}") for n in range(self._worker_count)
        ]

    async def stop(self) -> None:
        """Lets sends already on the wire finish; queued ones stay pending in the database."""
        self._stopping = True
        while not self.queue.empty():
            delivery = self.queue.get_nowait()
            self._queued.discard(delivery.id)
            self.queue.task_done()
        await asyncio.wait_for(self.queue.join(), timeout=30)
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []

    async def idle(self) -> None:
        """Waits until every queued delivery has been handled (tests and benchmarks)."""
        await self.queue.join()

    async def tick(self) -> TickReport:
        now = self.runtime.clock.now()
        report = TickReport()
        for hook in self.wiring.on_tick:
            try:
                await hook(self.application, now)
            except Exception:  # one flow's hook must not stop reminders going out
                log.exception("tick.hook_failed hook=%s", getattr(hook, "__name__", hook))
        # A big fan-out is scheduled a batch at a time, and each batch goes to the workers at
        # once: the first reminders leave while later ones are still being written.
        while self._schedule_batch(now, report):
            self._enqueue(now)
            await asyncio.sleep(0)
        await self._release_early(now, report)
        self._enqueue(now)
        return report

    def send_rate(self) -> float | None:
        """Reminders a second the limiter really lets out (None: pacing off, no crowding)."""
        per_second = self.runtime.settings.max_per_second
        if not per_second:
            return None
        lane = self._paid_lane()
        if lane is not None and self._paid_left(self.runtime.clock.now()) > 0:
            per_second += lane.per_second
        return per_second / (1.0 + WINDOW_MARGIN)

    def _paid_lane(self) -> _Lane | None:
        limiter = self.application.bot.rate_limiter
        if not self.runtime.settings.paid_broadcast:
            return None
        # The PacedRateLimiter's, reached through the KeyboardTracker that wraps it.
        lane: _Lane | None = getattr(limiter, "paid_lane", None)
        return lane

    def _paid_left(self, now: datetime) -> int:
        day, used = self.paid_day
        if day != now.date().isoformat():
            return self.runtime.settings.paid_daily_cap
        return self.runtime.settings.paid_daily_cap - used

    def _take_paid(self, now: datetime) -> bool:
        """True when this send should be a paid broadcast: a big fan-out waiting, the free
        lane already busy, and the day's cap not reached. Counts it against the cap."""
        if self._paid_lane() is None or self._free_waiting < 1:
            return False
        free = self.runtime.settings.max_per_second or 0.0
        if len(self._queued) <= free * PAID_AFTER_SECONDS or self._paid_left(now) <= 0:
            return False
        day, used = self.paid_day
        today = now.date().isoformat()
        self.paid_day = (today, (used if day == today else 0) + 1)
        return True

    async def _release_early(self, now: datetime, report: TickReport) -> None:
        """Starts crowded instants before they fall due, so their sends are centred on them
        (bot/sendwindow.py). Rows are written a little ahead of the workers only, in due order;
        people whose bound (previous local day, pause, the window) is not reached wait."""
        window = self.runtime.settings.early_window
        rate = self.send_rate()
        if window <= timedelta(0) or rate is None or self._backlog:
            return
        budget = int(rate * EARLY_BUFFER_SECONDS) - len(self._queued)
        store, grace = self.store, self.runtime.settings.grace
        for due, waiting in store.due_counts(now, now + window):
            if budget <= 0:
                return
            if now < sendwindow.opens_at(due, waiting, rate, window):
                continue
            after_chat = 0
            while budget > 0:
                found = store.due_at(due, after_chat, min(SCHEDULE_BATCH, budget))
                if not found:
                    break
                with store.atomic():
                    for subscriber in found:
                        after_chat = subscriber.chat_id
                        if _may_release_early(subscriber, now, window):
                            self._schedule_one(subscriber, now, grace, report, send_after=now)
                            report.early += 1
                            budget -= 1
                await asyncio.sleep(0)

    def _schedule_batch(
        self, now: datetime, report: TickReport, batch: int = SCHEDULE_BATCH
    ) -> bool:
        """Turns up to `batch` due subscribers into delivery rows, in one transaction."""
        store = self.store
        grace = self.runtime.settings.grace
        due = store.due_subscribers(now, batch)
        if not due:
            return False
        with store.atomic():
            for subscriber in due:
                self._schedule_one(subscriber, now, grace, report)
        return True

    def _schedule_one(
        self,
        subscriber: Subscriber,
        now: datetime,
        grace: timedelta,
        report: TickReport,
        send_after: datetime | None = None,
    ) -> None:
        """Records the reminders due for one subscriber and advances their next_due_utc.
        With `send_after` (an early release) the first reminder, not yet due, leaves then."""
        store = self.store
        # due_reminders selects only subscribers with a zone, a time and a next due instant.
        if not (subscriber.zone and subscriber.remind_at and subscriber.next_due_utc):
            raise RuntimeError("a due subscriber without a zone, a time or a due instant")
        zone = schedule.zone(subscriber.zone)
        at = time.fromisoformat(subscriber.remind_at)
        due = subscriber.next_due_utc
        for _ in range(MAX_MISSED_DAYS):
            local_day = schedule.local_date(due, zone)
            # A pause for some days ends by itself on the first reminder after it.
            if (change := subscription.end_of_pause(subscriber, local_day)) is not None:
                store.apply(subscriber.chat_id, change, now)
            if send_after is not None or schedule.is_within_grace(due, now, grace):
                if store.add_delivery(
                    subscriber.chat_id, local_day, "reminder", due, send_after=send_after
                ):
                    report.scheduled += 1
                    # Only with a new reminder: a day whose reminder was already recorded
                    # (sent, or skipped as missed) gets no follow-up for it.
                    for hook in self.wiring.on_due:
                        hook(self.application, subscriber, due, now)
            else:
                # Missed while the bot was down, too late to be useful: recorded, not sent.
                store.add_delivery(
                    subscriber.chat_id,
                    local_day,
                    "reminder",
                    due,
                    status="skipped",
                    reason="missed: the bot was offline past the grace window",
                )
                report.missed += 1
            due = schedule.next_due_utc(at, zone, due)
            send_after = None
            if due > now:
                break
        else:
            due = schedule.next_due_utc(at, zone, now)
        store.set_next_due(subscriber.chat_id, now, due)

    def _enqueue(self, now: datetime) -> None:
        room = self.queue.maxsize - self.queue.qsize()
        if room <= 0:
            self._backlog = True
            return
        found = self.store.pending_deliveries(now, room, self._queued)
        for delivery in found:
            self._queued.add(delivery.id)
            self.queue.put_nowait(delivery)
        self._backlog = len(found) >= room

    async def _work(self) -> None:
        while True:
            delivery = await self.queue.get()
            try:
                await self.deliver(delivery)
            except Exception:  # one bad delivery must not stop the worker
                log.exception("delivery.crashed id=%s", delivery.id)
            finally:
                self._queued.discard(delivery.id)
                self.queue.task_done()
            if (
                self._backlog
                and not self._stopping
                and self.queue.qsize() <= self.queue.maxsize // 4
            ):
                try:
                    self._enqueue(self.runtime.clock.now())
                except Exception:  # the next tick tries again
                    self._backlog = False
                    log.exception("deliveries.refill_failed")

    async def deliver(self, delivery: Delivery) -> None:
        subscriber = self.store.subscriber(delivery.chat_id)
        if subscriber is None:
            return  # deleted meanwhile: the cascade removed the row too
        # The workers write to many people: each message in its own person's language.
        with i18n.use_language(subscriber.language):
            await self._deliver(delivery, subscriber)

    async def _deliver(self, delivery: Delivery, subscriber: Subscriber) -> None:
        runtime = self.runtime
        store, now = self.store, runtime.clock.now()
        if now - delivery.due_utc > runtime.settings.grace:  # early is fine: it was released
            store.finish_delivery(delivery.id, "skipped", now, reason="late: past the grace window")
            return
        early = now < delivery.due_utc
        if early and delivery.kind == "reminder" and self._superseded(delivery, subscriber, now):
            return
        if delivery.kind == "reminder":
            await self._send_riders_first(delivery)
        compose = self.wiring.composers.get(delivery.kind.split(":")[0])
        if compose is None:
            store.finish_delivery(delivery.id, "failed", now, reason="no composer for this kind")
            return
        outgoing = await compose(self.application, delivery, subscriber)
        if isinstance(outgoing, Skip):
            store.finish_delivery(delivery.id, "skipped", now, reason=outgoing.reason)
            log.info("delivery.skipped id=%s kind=%s", delivery.id, delivery.kind)
            return
        limiter = self.application.bot.rate_limiter
        paid = limiter is not None and self._take_paid(now)
        if paid:
            await limiter.acquire_paid(delivery.chat_id)
        elif limiter is not None:
            self._free_waiting += 1
            try:
                await limiter.acquire(delivery.chat_id)
            finally:
                self._free_waiting -= 1
        store.mark_in_flight(delivery.id)
        try:
            message = await self.application.bot.send_message(
                delivery.chat_id,
                outgoing.text,
                reply_markup=outgoing.reply_markup,
                allow_paid_broadcast=True if paid else None,
                rate_limit_args=(PAID_PREPACED if paid else PREPACED) if limiter else None,
            )
        except Forbidden:
            self._deactivate(delivery, "blocked: the person blocked the bot")
        except BadRequest as err:
            if "chat not found" in str(err).lower():
                self._deactivate(delivery, "chat not found")
            else:
                self.failed += 1
                store.finish_delivery(
                    delivery.id, "failed", runtime.clock.now(), reason=f"bad request: {err}"
                )
                log.error("delivery.bad_request id=%s", delivery.id)
        except RetryAfter as err:
            wait = timedelta(seconds=retry_after_seconds(err.retry_after))
            self._retry(delivery, wait, "rate limited")
        except NetworkError:  # timeouts and 5xx: Telegram did not take it, so try again later
            self._retry(delivery, timedelta(seconds=5 * 2**delivery.attempts), "network error")
        else:
            self.sent += 1
            store.finish_delivery(
                delivery.id, "sent", runtime.clock.now(), message_id=message.message_id
            )
            log.info("delivery.sent id=%s kind=%s", delivery.id, delivery.kind)

    async def _send_riders_first(self, reminder: Delivery) -> None:
        """Deliveries recorded with this reminder that belong above it (the weekly summary)
        go just before it, so the reminder's Start button stays the newest thing in the chat.
        Due a little after the reminder, they still go by themselves if it is never sent."""
        store = self.store
        riders = store.pending_on_day(reminder.chat_id, reminder.local_date, BEFORE_REMINDER)
        for rider in riders:
            if rider.id in self._queued:
                continue  # a worker has it already
            self._queued.add(rider.id)
            try:
                await self.deliver(rider)
            finally:
                self._queued.discard(rider.id)

    def _superseded(self, delivery: Delivery, subscriber: Subscriber, now: datetime) -> bool:
        """An early reminder recorded for a time the person has since changed, whose new time
        today is still ahead: the row is dropped and the new time scheduled, so it goes out
        then. (Rows released at or after their time are sent as before.)"""
        if subscriber.status is not Status.ACTIVE:
            return False  # the composer records why it is not sent
        chosen = sendwindow.chosen_instant(
            delivery.local_date, subscriber.remind_at, subscriber.zone
        )
        if chosen is None or chosen == delivery.due_utc or chosen <= now:
            return False
        store = self.store
        with store.atomic():
            if not store.drop_pending_delivery(delivery.id):
                return False
            store.set_next_due(delivery.chat_id, now, chosen)
        log.info("delivery.superseded id=%s", delivery.id)
        return True

    def _deactivate(self, delivery: Delivery, reason: str) -> None:
        store, now = self.store, self.runtime.clock.now()
        with store.atomic():
            store.finish_delivery(delivery.id, "failed", now, reason=reason)
            store.apply(delivery.chat_id, subscription.block(), now)
        self.failed += 1
        log.info("subscriber.blocked chat=%s", delivery.chat_id)

    def _retry(self, delivery: Delivery, wait: timedelta, reason: str) -> None:
        store, now = self.store, self.runtime.clock.now()
        if delivery.attempts + 1 >= MAX_ATTEMPTS:
            store.finish_delivery(delivery.id, "failed", now, reason=f"gave up: {reason}")
            self.failed += 1
            log.error("delivery.gave_up id=%s reason=%s", delivery.id, reason)
            return
        store.retry_delivery(delivery.id, now + wait, reason)
        log.warning("delivery.retry id=%s in=%ss reason=%s", delivery.id, wait.seconds, reason)


def _may_release_early(subscriber: Subscriber, now: datetime, window: timedelta) -> bool:
    """Only people whose reminder would go out at its instant: active, or at the end of a
    timed pause; never before their bounds (bot/sendwindow.py earliest_send)."""
    if subscriber.next_due_utc is None or not subscriber.zone or not subscriber.remind_at:
        return False
    if subscriber.status is Status.PAUSED:
        if subscriber.paused_until is None:
            return False
    elif subscriber.status is not Status.ACTIVE:
        return False
    return sendwindow.may_send_early(
        now,
        subscriber.next_due_utc,
        schedule.zone(subscriber.zone),
        window,
        subscriber.paused_until,
    )
