"""The reminder engine: a periodic tick finds who is due and a bounded pool of workers sends.

The database is the schedule (shared DESIGN.md, decisions 1 and 2). A tick
  1. turns every subscriber whose `next_due_utc` has come into a delivery row per day and
     advances `next_due_utc` on the calendar, in one transaction, so nothing is lost or doubled;
  2. hands pending deliveries that are due to the workers through a bounded queue.
A worker marks the row in flight, sends through the paced rate limiter, then marks it sent,
failed or skipped. What a delivery says is decided by the composer registered for its kind.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application

from bot import schedule
from bot.ratelimit import PREPACED
from bot.store import Delivery, Status, Subscriber

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


Composer = Callable[[Application, Delivery, Subscriber], Awaitable[Outgoing | Skip]]
AfterDue = Callable[[Application, Subscriber, datetime], None]

# Filled by the flows: what each kind of delivery says ("reminder", "followup", ...), and
# extra rows to record when a reminder falls due (a follow-up, the weekly summary).
COMPOSERS: dict[str, Composer] = {}
AFTER_DUE: list[Callable[[Application, Subscriber, datetime, datetime], None]] = []
# Filled by the flows: `async def hook(application, now)` run at the start of every tick
# (closing abandoned check-ins, due practice timers). A failing hook is logged, not fatal.
TICK_HOOKS: list[Callable[[Application, datetime], Awaitable[None]]] = []


def composer(kind: str) -> Callable[[Composer], Composer]:
    def register(func: Composer) -> Composer:
        COMPOSERS[kind] = func
        return func

    return register


@dataclass
class TickReport:
    scheduled: int = 0
    missed: int = 0
    queued: int = 0


class Engine:
    """Owns the workers; `tick()` is what the scheduler job calls every few seconds."""

    def __init__(self, application: Application, *, workers: int = 16, queue_size: int = 1000):
        self.application = application
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

    @property
    def runtime(self):
        return self.application.bot_data["runtime"]

    def start(self) -> None:
        recovered = self.runtime.store.recover_interrupted(self.runtime.clock.now())
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
        for hook in TICK_HOOKS:
            try:
                await hook(self.application, now)
            except Exception:  # one flow's hook must not stop reminders going out
                log.exception("tick.hook_failed hook=%s", getattr(hook, "__name__", hook))
        # A big fan-out is scheduled a batch at a time, and each batch goes to the workers at
        # once: the first reminders leave while later ones are still being written.
        while self._schedule_batch(now, report):
            await self.enqueue_pending(now, report)
            await asyncio.sleep(0)
        await self.enqueue_pending(now, report)
        return report

    def schedule_due(self, now: datetime, report: TickReport, batch: int = SCHEDULE_BATCH) -> None:
        while self._schedule_batch(now, report, batch):
            pass

    def _schedule_batch(
        self, now: datetime, report: TickReport, batch: int = SCHEDULE_BATCH
    ) -> bool:
        """Turns up to `batch` due subscribers into delivery rows, in one transaction."""
        store = self.runtime.store
        grace = self.runtime.settings.grace
        due = store.due_subscribers(now, batch)
        if not due:
            return False
        with store.atomic():
            for subscriber in due:
                self._schedule_one(subscriber, now, grace, report)
        return True

    def _schedule_one(
        self, subscriber: Subscriber, now: datetime, grace: timedelta, report: TickReport
    ) -> None:
        store = self.runtime.store
        zone = schedule.zone(subscriber.zone)
        at = time.fromisoformat(subscriber.remind_at)
        due = subscriber.next_due_utc
        for _ in range(MAX_MISSED_DAYS):
            local_day = schedule.local_date(due, zone)
            if (
                subscriber.status is Status.PAUSED
                and subscriber.paused_until is not None
                and (local_day > subscriber.paused_until)
            ):
                # A pause for some days ends by itself on the first reminder after it.
                store.end_pause(subscriber.chat_id, subscriber.paused_until)
                store.update_subscriber(
                    subscriber.chat_id, now, status=Status.ACTIVE, paused_until=None
                )
            if schedule.is_within_grace(due, now, grace):
                if store.add_delivery(subscriber.chat_id, local_day, "reminder", due):
                    report.scheduled += 1
                    # Only with a new reminder: a day whose reminder was already recorded
                    # (sent, or skipped as missed) gets no follow-up for it.
                    for hook in AFTER_DUE:
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
            if due > now:
                break
        else:
            due = schedule.next_due_utc(at, zone, now)
        store.update_subscriber(subscriber.chat_id, now, next_due_utc=due)

    async def enqueue_pending(self, now: datetime, report: TickReport) -> None:
        self._enqueue(now, report)

    def _enqueue(self, now: datetime, report: TickReport | None = None) -> None:
        room = self.queue.maxsize - self.queue.qsize()
        if room <= 0:
            self._backlog = True
            return
        found = self.runtime.store.pending_deliveries(now, room, self._queued)
        for delivery in found:
            self._queued.add(delivery.id)
            self.queue.put_nowait(delivery)
        if report is not None:
            report.queued += len(found)
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
        runtime = self.runtime
        store, now = runtime.store, runtime.clock.now()
        subscriber = store.subscriber(delivery.chat_id)
        if subscriber is None:
            return  # deleted meanwhile: the cascade removed the row too
        if not schedule.is_within_grace(delivery.due_utc, now, runtime.settings.grace):
            store.finish_delivery(delivery.id, "skipped", now, reason="late: past the grace window")
            return
        compose = COMPOSERS.get(delivery.kind.split(":")[0])
        if compose is None:
            store.finish_delivery(delivery.id, "failed", now, reason="no composer for this kind")
            return
        outgoing = await compose(self.application, delivery, subscriber)
        if isinstance(outgoing, Skip):
            store.finish_delivery(delivery.id, "skipped", now, reason=outgoing.reason)
            log.info("delivery.skipped id=%s kind=%s", delivery.id, delivery.kind)
            return
        limiter = self.application.bot.rate_limiter
        if limiter is not None:
            await limiter.acquire(delivery.chat_id)
        store.mark_in_flight(delivery.id)
        try:
            message = await self.application.bot.send_message(
                delivery.chat_id,
                outgoing.text,
                reply_markup=outgoing.reply_markup,
                rate_limit_args=PREPACED if limiter is not None else None,
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
            self._retry(delivery, timedelta(seconds=_seconds(err.retry_after)), "rate limited")
        except NetworkError:  # timeouts and 5xx: Telegram did not take it, so try again later
            self._retry(delivery, timedelta(seconds=5 * 2**delivery.attempts), "network error")
        else:
            self.sent += 1
            store.finish_delivery(
                delivery.id, "sent", runtime.clock.now(), message_id=message.message_id
            )
            log.info("delivery.sent id=%s kind=%s", delivery.id, delivery.kind)

    def _deactivate(self, delivery: Delivery, reason: str) -> None:
        store, now = self.runtime.store, self.runtime.clock.now()
        with store.atomic():
            store.finish_delivery(delivery.id, "failed", now, reason=reason)
            store.update_subscriber(delivery.chat_id, now, status=Status.BLOCKED, next_due_utc=None)
        self.failed += 1
        log.info("subscriber.blocked chat=%s", delivery.chat_id)

    def _retry(self, delivery: Delivery, wait: timedelta, reason: str) -> None:
        store, now = self.runtime.store, self.runtime.clock.now()
        if delivery.attempts + 1 >= MAX_ATTEMPTS:
            store.finish_delivery(delivery.id, "failed", now, reason=f"gave up: {reason}")
            self.failed += 1
            log.error("delivery.gave_up id=%s reason=%s", delivery.id, reason)
            return
        store.retry_delivery(delivery.id, now + wait, reason)
        log.warning("delivery.retry id=%s in=%ss reason=%s", delivery.id, wait.seconds, reason)


def _seconds(value) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)
