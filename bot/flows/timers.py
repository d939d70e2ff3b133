"""The practice's step timers (shared DESIGN.md, decision 1).

The due time is stored in `sessions.timer_due_utc`; a one-shot job at that time (as in PTB's
timerbot example), the engine's tick and start-up all call `finish_due_timers`, which claims
each due timer in one write before saying "time's up", so it is said exactly once. The jobs
are a shortcut only: the tick would find a due timer anyway, a little later.
"""

from __future__ import annotations

import logging
from datetime import datetime

from telegram.error import BadRequest, Forbidden, TelegramError, TimedOut
from telegram.ext import Application

from bot import i18n, texts
from bot.runtime import BotContext, runtime_of
from bot.store import Session
from bot.views import practice as views
from bot.views.telegram_io import strip_keyboard

log = logging.getLogger(__name__)


async def finish_due_timers(application: Application, now: datetime | None = None) -> int:
    """Says "time's up" for every running timer that is due; returns how many.

    Called by the one-shot timer jobs, by every engine tick and at start-up. Each timer is
    cleared in the same write that claims it, before the message goes out: it is never said
    twice, even when a job and a tick find it at the same moment.
    """
    runtime = runtime_of(application)
    store = runtime.store
    if store is None:
        return 0
    now = now or runtime.clock.now()
    context = BotContext(application)
    said = 0
    for session in store.due_timers(now):
        due = session.timer_due_utc
        if due is None or not store.claim_timer(session.id, due):
            continue
        # Read again after the claim; gone only if the person deleted their data meanwhile
        # (a job or the tick runs beside their updates): nobody left to tell.
        claimed = store.session(session.id)
        if claimed is None:
            continue
        subscriber = store.subscriber(session.chat_id)
        try:
            # Run by a job or the tick, for many people: each in their own language.
            with i18n.use_language(subscriber.language if subscriber else None):
                await _say_times_up(context, claimed)
            said += 1
        except (Forbidden, BadRequest) as err:
            log.warning(
                "practice.times_up_failed session=%s error=%s", session.id, type(err).__name__
            )
        except TimedOut:  # it may have arrived: never said twice
            log.warning("practice.times_up_failed session=%s timeout", session.id)
        except TelegramError:
            # A 5xx or a refused connection: Telegram did not take it. The timer is set
            # again (same step only), so the next tick says it instead of never.
            store.set_timer(session.id, session.step, session.timer_due_utc)
            log.warning("practice.times_up_retry session=%s network", session.id)
    return said


async def _say_times_up(context: BotContext, session: Session) -> None:
    """The step's message keeps its text without buttons; "time's up" below carries them."""
    chat_id = session.chat_id
    subscriber = context.store.subscriber(chat_id)
    text, _ = views.session_step(session, zone_name=subscriber.zone if subscriber else None)
    await strip_keyboard(context.bot, chat_id, session.message_id, text=text)
    message = await context.bot.send_message(
        chat_id,
        texts.t("pr_times_up"),
        reply_markup=views.step_keyboard(session.id, session.step, len(session.steps), timed=False),
    )
    context.store.set_session_message(session.id, message.message_id)
    log.info("practice.times_up chat=%s session=%s", chat_id, session.id)


async def _timer_job(context: BotContext) -> None:
    await finish_due_timers(context.application)


def schedule_timer_job(application: Application, session_id: int, due: datetime) -> None:
    """A one-shot job at the due time; the tick would catch it anyway, a little later."""
    if application.job_queue is None:
        return
    cancel_timer_job(application, session_id)
    delay = max((due - runtime_of(application).clock.now()).total_seconds(), 0.0)
    application.job_queue.run_once(_timer_job, when=delay, name=f"practice-timer:{session_id}")


def cancel_timer_job(application: Application, session_id: int) -> None:
    """The session moved on or ended: its timer's job, if any, goes."""
    if application.job_queue is None:
        return
    for job in application.job_queue.get_jobs_by_name(f"practice-timer:{session_id}"):
        job.schedule_removal()


async def rebuild_timers(application: Application) -> None:
    """Start-up: every stored timer gets its job again, so a restart mid-rest still ends it."""
    store = runtime_of(application).store
    if store is None:
        return
    timers = store.running_timers()
    for session in timers:
        if session.timer_due_utc is not None:  # always, for a running timer
            schedule_timer_job(application, session.id, session.timer_due_utc)
    if timers:
        log.info("practice.timers_rebuilt count=%s", len(timers))


async def end_timers_on_tick(application: Application, now: datetime) -> None:
    """The engine's tick: timers whose job was lost (or is late) end here."""
    await finish_due_timers(application, now)
