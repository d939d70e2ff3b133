"""A practice session's buttons: the one guard, then one handler per action.

Every handler here is registered in build_application (bot/app.py) with its action's pattern
from bot/buttons.py and first asks `_current`, the one guard for "is this session button still
current": the session exists in this chat, is active, and (for a step's buttons) is at the
step the button was shown with. Otherwise the press is answered kindly and changes nothing.
The rules are in bot/session_rules.py, the messages in bot/views/practice.py; starting and
showing a session is bot/flows/practice.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import CallbackQuery, Update

from bot import session_rules, texts
from bot.buttons import PracticeButton
from bot.flows import checkin, safety
from bot.flows.practice import (
    ask_tension,
    begin_program,
    edit_or_send,
    release_awaiting,
    resume,
    show_step,
    tension_question,
)
from bot.flows.replies import query_of
from bot.flows.timers import cancel_timer_job, schedule_timer_job
from bot.flows.today import local_today
from bot.runtime import BotContext
from bot.session_rules import ADD_MINUTES
from bot.store import Session
from bot.views import practice as views
from bot.views.telegram_io import strip_keyboard

log = logging.getLogger(__name__)


# --- the one guard for a session's buttons ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pressed:
    """A session's button that passed the guard: the query, its chat and message, the session."""

    query: CallbackQuery
    chat_id: int
    message_id: int  # of the message the button is on
    session: Session
    value: str | None  # the step, a rating or "skip"


async def _still_current(
    update: Update, context: BotContext, *, active: bool = True, step: bool = False
) -> Pressed | None:
    """Is this session button still current? The session must exist in this chat, be active
    (unless `active=False`), and be at the button's step (`step=True`); if not, the press is
    answered and None returned, so the handler stops there."""
    query = query_of(update)
    button = PracticeButton.from_match(context.match)
    session = context.store.session(button.session_id) if button and button.session_id else None
    message = query.message
    if button is None or message is None or session is None or session.chat_id != message.chat.id:
        await query.answer(texts.t("button_expired"))  # forged, garbage, or another chat's
        return None
    if active and not session.active:
        await query.answer(texts.t("pr_session_over"))
        await strip_keyboard(context.bot, session.chat_id, message.message_id)
        return None
    if step and not session_rules.step_button_is_current(session, button.value):
        await query.answer(texts.t("pr_old_button"))
        return None
    return Pressed(query, session.chat_id, message.message_id, session, button.value)


# --- the session's buttons ----------------------------------------------------------------------


async def tension_pressed(update: Update, context: BotContext) -> None:
    """Saves the tension before the practice (or its skip), then shows the first step."""
    if (pressed := await _still_current(update, context)) is None:
        return
    query, session = pressed.query, pressed.session
    valid, value = session_rules.tension_tapped(pressed.value)
    if not valid:
        await query.answer(texts.t("button_expired"))
        return
    if not context.store.begin_steps(session.id, context.clock.now(), value):
        await query.answer(texts.t("pr_old_button"))
        return
    await query.answer()
    log.info(
        "practice.tension chat=%s session=%s skipped=%s", session.chat_id, session.id, value is None
    )
    lead = texts.t("pr_tension_noted", value=value) if value is not None else ""
    await _show_as_saved(context, pressed, lead=lead)


async def pain_pressed(update: Update, context: BotContext) -> None:
    """The "my pain is high" row under the tension question: asks which number (7-10), then
    offers rest before anything starts; "not that high" goes back to the tension question.

    Only high pain is asked for here, by one optional button, rather than a second 0-10
    question before every practice: the check-in after it asks pain in full.
    """
    if (pressed := await _still_current(update, context)) is None:
        return
    query, session, value = pressed.query, pressed.session, pressed.value
    store, chat_id = context.store, pressed.chat_id
    if (
        not session_rules.is_high_pain_value(value)
        or session.steps_began_utc is not None
        or pressed.message_id != session.message_id
    ):
        await query.answer(texts.t("pr_old_button"))
        return
    await query.answer()
    if value is None:
        markup = views.pain_keyboard(session.id)
        await edit_or_send(context, chat_id, session.message_id, texts.t("pr_ask_pain"), markup)
        return
    if value == session_rules.SKIP:
        text, markup = tension_question(context, session)
        await edit_or_send(context, chat_id, session.message_id, text, markup)
        return
    pain = int(value)
    store.set_pain_before(session.id, pain)
    log.info("practice.pain_before chat=%s session=%s", chat_id, session.id)  # never the rating
    # The question becomes a plain record; the steering message below holds the way on.
    await strip_keyboard(
        context.bot, chat_id, session.message_id, text=texts.t("pr_pain_noted", value=pain)
    )
    store.set_session_message(session.id, None)
    today = local_today(store.subscriber(chat_id), context.clock.now())
    await safety.reply_to_pain(
        context,
        chat_id,
        pain,
        today,
        reply_markup=views.high_pain_keyboard(session.id),
        before_practice=True,
    )


async def go_pressed(update: Update, context: BotContext) -> None:
    """ "Go on, gently" after high pain: the tension question again, then the steps."""
    if (pressed := await _still_current(update, context)) is None:
        return
    if pressed.session.steps_began_utc is not None or pressed.session.message_id is not None:
        await pressed.query.answer(texts.t("pr_old_button"))
        return
    await pressed.query.answer()
    await strip_keyboard(context.bot, pressed.chat_id, pressed.message_id)
    await ask_tension(context, pressed.session)


async def rest_pressed(update: Update, context: BotContext) -> None:
    """ "5-minute rest instead" after high pain: this practice ends, the short rest begins."""
    if (pressed := await _still_current(update, context)) is None:
        return
    store, now, chat_id = context.store, context.clock.now(), pressed.chat_id
    session = pressed.session
    if session.message_id is not None or not store.end_session(session.id, "stopped", now):
        await pressed.query.answer(texts.t("pr_old_button"))
        return
    await pressed.query.answer()
    release_awaiting(store, chat_id, now)
    await strip_keyboard(context.bot, chat_id, pressed.message_id)
    log.info("practice.rest_instead chat=%s session=%s", chat_id, session.id)
    await begin_program(context, chat_id, kind="short", again=True, screened=True)


async def next_pressed(update: Update, context: BotContext) -> None:
    """Shows the next step; on the last one, finishes the session and begins the check-in."""
    if (pressed := await _still_current(update, context, step=True)) is None:
        return
    session = pressed.session
    if session_rules.is_last_step(session):
        await _finish(pressed, context)
        return
    await _move(pressed, context, session.step + 1)


async def back_pressed(update: Update, context: BotContext) -> None:
    """Shows the step before (the first step has none)."""
    if (pressed := await _still_current(update, context, step=True)) is None:
        return
    to_step = session_rules.step_before(pressed.session)
    if to_step is None:
        await pressed.query.answer(texts.t("pr_first_step"))
        return
    await _move(pressed, context, to_step)


async def timer_pressed(update: Update, context: BotContext) -> None:
    """Starts the step's timer; "time's up" comes from bot/flows/timers.py."""
    if (pressed := await _still_current(update, context, step=True)) is None:
        return
    query, session = pressed.query, pressed.session
    seconds = session_rules.timer_to_start(session)
    if seconds is None:
        await query.answer(texts.t("pr_old_button"))
        return
    due = session_rules.timer_due(context.clock.now(), seconds)
    context.store.set_timer(session.id, session.step, due)
    await query.answer(texts.t("pr_timer_started"))
    schedule_timer_job(context.application, session.id, due)
    log.info(
        "practice.timer_started chat=%s session=%s seconds=%s", session.chat_id, session.id, seconds
    )
    await _show_as_saved(context, pressed)


async def add_pressed(update: Update, context: BotContext) -> None:
    """Adds five minutes to the running timer."""
    if (pressed := await _still_current(update, context, step=True)) is None:
        return
    query, session = pressed.query, pressed.session
    if session.timer_due_utc is None:
        await query.answer(texts.t("pr_timer_not_running"))
        return
    due = session_rules.timer_due_after_adding(session.timer_due_utc, context.clock.now())
    context.store.set_timer(session.id, session.step, due)
    await query.answer(texts.t("pr_timer_added", minutes=ADD_MINUTES))
    schedule_timer_job(context.application, session.id, due)
    await _show_as_saved(context, pressed)


async def end_pressed(update: Update, context: BotContext) -> None:
    """Ends the running timer now; the step stays, with Next."""
    if (pressed := await _still_current(update, context, step=True)) is None:
        return
    query, session = pressed.query, pressed.session
    if session.timer_due_utc is None or not context.store.claim_timer(
        session.id, session.timer_due_utc
    ):
        await query.answer(texts.t("pr_timer_not_running"))
        return
    await query.answer()
    cancel_timer_job(context.application, session.id)
    await _show_as_saved(context, pressed, lead=texts.t("pr_timer_ended"))


async def stop_pressed(update: Update, context: BotContext) -> None:
    """Asks once: a stray tap must not throw away a nearly finished practice."""
    if (pressed := await _still_current(update, context)) is None:
        return
    await pressed.query.answer()
    session = pressed.session
    await context.bot.edit_message_reply_markup(
        pressed.chat_id,
        pressed.message_id,
        reply_markup=views.stop_keyboard(session.id, session.step),
    )


async def stay_pressed(update: Update, context: BotContext) -> None:
    """ "Carry on" to Stop's question: the step's own buttons come back."""
    if (pressed := await _still_current(update, context)) is None:
        return
    await pressed.query.answer()
    await show_step(context, pressed.session, pressed.message_id)


async def stopyes_pressed(update: Update, context: BotContext) -> None:
    """Ends the session early, kindly, with what to do if it hurt and the check-in on offer.
    Works from any step of the active session."""
    if (pressed := await _still_current(update, context)) is None:
        return
    if not await _end(pressed, context, "stopped"):
        return
    session, chat_id = pressed.session, pressed.chat_id
    log.info("practice.stopped chat=%s session=%s step=%s", chat_id, session.id, session.step)
    if session.message_id != pressed.message_id:
        await strip_keyboard(context.bot, chat_id, session.message_id)
    if session.kind == "preview":
        await context.bot.send_message(chat_id, texts.t("pr_stopped_preview"))
        return
    began = session.steps_began_utc is not None
    resume_at = session.steps[session.step].number if began else None
    markup = views.stopped_keyboard(session.id, resume_at)
    await context.bot.send_message(chat_id, texts.t("pr_stopped"), reply_markup=markup)


async def keep_pressed(update: Update, context: BotContext) -> None:
    """ "Carry on" to "switch practice?": the practice under way again."""
    if (pressed := await _still_current(update, context)) is None:
        return
    await pressed.query.answer()
    await strip_keyboard(context.bot, pressed.chat_id, pressed.message_id)
    if (session := context.store.session(pressed.session.id)) is not None:  # see _show_as_saved
        await resume(context, session, lead=texts.t("pr_resume"))


async def resume_pressed(update: Update, context: BotContext) -> None:
    """Carries on a practice stopped earlier today, at the step where it stopped."""
    if (pressed := await _still_current(update, context, active=False)) is None:
        return
    store, session = context.store, pressed.session
    subscriber = store.subscriber(session.chat_id)
    zoned = subscriber is not None and subscriber.zone
    today = local_today(subscriber, context.clock.now()) if zoned else None
    on_hold = subscriber is not None and subscriber.on_hold
    allowed = session_rules.may_resume_stopped(session, today=today, on_hold=on_hold)
    if not allowed or not store.reopen_session(session.id):
        await pressed.query.answer(texts.t("pr_resume_gone"), show_alert=True)
        return
    await pressed.query.answer()
    await strip_keyboard(context.bot, session.chat_id, pressed.message_id)
    log.info("practice.reopened chat=%s session=%s", session.chat_id, session.id)
    if (reopened := store.session(session.id)) is not None:  # see _show_as_saved
        await resume(context, reopened)


async def checkin_pressed(update: Update, context: BotContext) -> None:
    """The check-in offered after Stop."""
    if (pressed := await _still_current(update, context, active=False)) is None:
        return
    session = pressed.session
    if session.status != "stopped":
        await pressed.query.answer(texts.t("button_expired"))
        return
    await pressed.query.answer()
    await strip_keyboard(context.bot, session.chat_id, pressed.message_id)
    store = context.store
    subscriber = store.subscriber(session.chat_id)
    if subscriber is not None and subscriber.zone:
        saved = store.checkin_for_day(session.chat_id, local_today(subscriber, context.clock.now()))
        if saved is not None and saved.status != "open":
            # Checked in since the stop: ask first, as /checkin does, rather than edit at once.
            await checkin.offer_edit(context, session.chat_id, saved)
            return
    # With the stopped session's id the check-in keeps its tension-before and still asks how
    # much of the practice was done (only a finished session counts as fully done).
    await checkin.begin_checkin(context, session.chat_id, session_id=session.id)


async def _move(pressed: Pressed, context: BotContext, to_step: int) -> None:
    """Next or Back: moves from the button's step only, so a double tap can't skip one."""
    session = pressed.session
    if not context.store.move_session(session.id, from_step=session.step, to_step=to_step):
        await pressed.query.answer(texts.t("pr_old_button"))
        return
    await pressed.query.answer()
    cancel_timer_job(context.application, session.id)
    await _show_as_saved(context, pressed)


async def _finish(pressed: Pressed, context: BotContext) -> None:
    """The last Next: the session is done, and the check-in begins (not after a preview)."""
    if not await _end(pressed, context, "done"):
        return
    session, chat_id = pressed.session, pressed.chat_id
    log.info("practice.done chat=%s session=%s kind=%s", chat_id, session.id, session.kind)
    done = views.finished_text(session.kind, day_number=session.day_number, title=session.title)
    await context.bot.send_message(chat_id, done)
    if session.kind != "preview":
        await checkin.begin_checkin(context, chat_id, session_id=session.id)


async def _show_as_saved(context: BotContext, pressed: Pressed, *, lead: str = "") -> None:
    """Shows the session's step as just written, on the pressed button's message. Only /delete
    removes a session, and one person's updates run one at a time, so it is there; were it
    gone, there would be nothing left to show."""
    session = context.store.session(pressed.session.id)
    if session is not None:
        await show_step(context, session, pressed.message_id, lead=lead)


async def _end(pressed: Pressed, context: BotContext, status: str) -> bool:
    """Ends the session as `status` (done or stopped), once: a second tap is told it is over."""
    store, now, session = context.store, context.clock.now(), pressed.session
    if not store.end_session(session.id, status, now):
        await pressed.query.answer(texts.t("pr_session_over"))
        return False
    await pressed.query.answer()
    cancel_timer_job(context.application, session.id)
    release_awaiting(store, pressed.chat_id, now)
    await strip_keyboard(context.bot, pressed.chat_id, pressed.message_id)
    return True
