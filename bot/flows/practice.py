"""Guided practice: today's session, the 5-minute version, the library, and a session's buttons.

A session's steps are snapshotted into its `sessions` row when it starts, and every move (the
tension tap, Next, Back, a timer) is written before a message changes, so a restart or a content
edit never alters a session half-way. Button data is `pr:<action>:<session id>[:<step>]`: the
step index lets a button from an earlier step, or from another session, be recognised and
change nothing. One person has at most one active session (the store enforces it too).

One handler per button action, each registered in build_application (bot/app.py) with its
pattern from bot/buttons.py; a session's handlers first pass `_current`, the one guard for
"is this button still current". The rules are in bot/session_rules.py, the messages and
keyboards in bot/views/practice.py, the step timers in bot/flows/timers.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError

from bot import program, session_rules, texts
from bot.buttons import PracticeButton
from bot.content import Library, Practice
from bot.contentops import split_message
from bot.errors import RatingError
from bot.flows import checkin, onboarding, safety
from bot.flows.replies import strip_keyboard
from bot.flows.timers import cancel_timer_job, schedule_timer_job
from bot.flows.today import UNLOCK_LOOKBACK_DAYS, local_today, program_day, todays_plan
from bot.models import SessionKind
from bot.program import DayPlan, short_plan, single_plan, steps_of
from bot.ratings import parse_rating
from bot.runtime import BotContext
from bot.session_rules import ADD_MINUTES, PROGRAM_KINDS
from bot.store import Session, Store, Subscriber
from bot.telegram_errors import is_not_modified
from bot.views import practice as views

log = logging.getLogger(__name__)

AWAITING = "practice"  # subscribers.awaiting while a session is open: typed tension, or a nudge


# --- entry points ------------------------------------------------------------------------------


async def today_command(update: Update, context: BotContext) -> None:
    """/today: starts today's practice, or resumes the one in progress."""
    await begin_program(context, update.effective_chat.id, kind="daily")


async def practices_command(update: Update, context: BotContext) -> None:
    """/practices: the whole library, grouped by category, a button per practice."""
    text, markup = views.library_view(context.library)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def practice_command(update: Update, context: BotContext) -> None:
    """/practice NAME: starts one practice outside the program; unknown names get the list."""
    chat_id = update.effective_chat.id
    name = " ".join(context.args or ()).strip()
    library = context.library
    found = program.find_practices(library, name) if name else []
    if name and library is not context.content:
        # An English title finds its practice too, served in the person's language.
        english = context.content
        exact = [p for p in english.practices.values() if p.title.casefold() == name.casefold()]
        found = exact or found or program.find_practices(english, name)
        found = [library.practices[p.id] for p in found]
    if len(found) == 1:
        await begin_library(context, chat_id, found[0])
        return
    if found:
        text = texts.t("pr_choose_practice", name=name[:60])
        await update.effective_message.reply_text(text, reply_markup=views.practice_buttons(found))
        return
    lead = texts.t("pr_unknown_practice", name=name[:60]) if name else None
    text, markup = views.library_view(library, lead=lead)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def begin_program(
    context: BotContext, chat_id: int, *, kind: str, again: bool = False, screened: bool = False
) -> None:
    """Today's practice (`daily`) or its 5-minute version (`short`), for subscribers only.

    Done already today: /today says so and offers it again (`again=True` starts it), so a
    stray /today after the check-in doesn't start the whole practice over. `screened`: the
    red-flag questions were just answered, so they are not asked again.
    """
    store, now = context.store, context.clock.now()
    subscriber = await onboarding.subscription(context, chat_id, not_subscribed="pr_not_subscribed")
    if subscriber is None:
        return
    if subscriber.on_hold:
        await safety.explain_hold(context, chat_id)
        return
    today = local_today(subscriber, now)
    active = store.active_session(chat_id)
    if kind == "daily" and not again and active is None and _practised_today(store, chat_id, today):
        text, markup = views.done_today()
        await context.bot.send_message(chat_id, text, reply_markup=markup)
        return
    # The red-flag questions, when due, come before a new practice and the practice waits for
    # the answer (its buttons start it). Left unanswered they are not asked again within a
    # day (bot/safety.py), so the next /today simply starts the practice.
    if (
        not screened
        and (active is None or active.local_date != today)  # today's own session resumes
        and await safety.offer_screen_if_due(context, chat_id, then=kind)
    ):
        return
    if kind == "short":
        plan = short_plan(context.library, program_day(store, chat_id, today, context.library))
    else:
        plan = todays_plan(store, context.library, subscriber, today)
    await start_session(context, chat_id, plan, kind=kind)


async def begin_library(
    context: BotContext, chat_id: int, practice: Practice, *, switch: bool = False
) -> None:
    """One practice from the library: counts as practice that day, moves no program day.

    With another practice under way today, asks first (carry on, or switch) rather than end
    it unseen; `switch=True` is the answer "switch".
    """
    store, now = context.store, context.clock.now()
    subscriber, _ = store.ensure_subscriber(chat_id, now)
    if subscriber.on_hold:
        await safety.explain_hold(context, chat_id)
        return
    active = store.active_session(chat_id)
    today = local_today(subscriber, now)
    if not switch and session_rules.should_ask_switch(active, title=practice.title, today=today):
        text, markup = views.ask_switch(active.title, active.id, active.step, practice)
        await context.bot.send_message(chat_id, text, reply_markup=markup)
        return
    await start_session(context, chat_id, single_plan(practice), kind="library", switch=switch)


async def start_session(
    context: BotContext,
    chat_id: int,
    plan: DayPlan,
    *,
    kind: str,
    library: Library | None = None,
    content_version: int | None = None,
    switch: bool = False,
) -> None:
    """Starts a session of `plan`: its introduction, then the tension question.

    If the person has a session going already, that one is resumed instead when it is the
    same practice (a double tap) or already under way; otherwise it is set aside, as it is
    with `switch=True` (the person chose to switch). A `preview`
    session (admins) always starts afresh, counts as no practice and moves no program day.
    `library` and `content_version` default to the live content (a preview of an upload passes
    its own).
    """
    kind = SessionKind(kind)  # an unknown kind is a bug: ValueError
    store, now = context.store, context.clock.now()
    library = library or context.library
    subscriber, _ = store.ensure_subscriber(chat_id, now)
    today = local_today(subscriber, now)
    active = store.active_session(chat_id)
    if (
        active is not None
        and not switch
        and session_rules.should_resume(active, kind=kind, title=plan.title, today=today)
    ):
        same = session_rules.is_same_practice(active, kind=kind, title=plan.title)
        await resume(context, active, lead=views.resume_lead(active.title, same=same))
        return
    planned = steps_of(plan)
    if not planned:
        await context.bot.send_message(chat_id, texts.t("pr_nothing_to_do"))
        return
    again = kind in PROGRAM_KINDS and _practised_today(store, chat_id, today)
    # The tip and the phase intro once a day: not again when today's reminder carried them
    # just above, nor under a second practice the same day (the 5-minute rest after high
    # pain, a practice done again).
    said_today = (
        again
        or store.was_sent(chat_id, today, ("reminder", "snooze"))
        or store.started_on(chat_id, today)
    )
    session = store.open_session(
        chat_id,
        today,
        kind,
        plan.title,
        [step.to_json() for step in planned],
        now,
        day_number=plan.day_number if kind != "library" else None,
        content_version=content_version
        if content_version is not None
        else context.runtime.content_version,
    )
    if plan.gentle and kind == "daily":
        store.mark_gentle(session.id)
    if active is not None:
        cancel_timer_job(context.application, active.id)
        await strip_keyboard(context.bot, chat_id, active.message_id)
    log.info(
        "practice.started chat=%s session=%s kind=%s steps=%s",
        chat_id,
        session.id,
        kind,
        len(planned),
    )
    intro = views.render_intro(
        replace(plan, phase_intro="") if said_today else plan,
        kind=kind,
        note=program.note_of_the_day(library, today)
        if kind in PROGRAM_KINDS and not said_today
        else "",
        locked_days=_locked_days(store, library, chat_id, plan, today)
        if kind == "library"
        else None,
        again=again,
        known=store.practices_done(chat_id) if kind in PROGRAM_KINDS else frozenset(),
    )
    _hold_awaiting(store, chat_id, session.id, now)
    try:
        for part in split_message(intro):  # a long introduction goes in several messages
            await context.bot.send_message(chat_id, part)
    except TelegramError:
        # Not shown in full, so not begun: the next try starts afresh with "Take care",
        # rather than resuming at the tension question with the safety text never seen.
        store.abandon_sessions(chat_id)
        raise
    await _ask_tension(context, session)


async def resume(context: BotContext, session: Session, *, lead: str = "") -> None:
    """Sends where the session stands as a new message; the old one loses its buttons."""
    store, now = context.store, context.clock.now()
    _hold_awaiting(store, session.chat_id, session.id, now)
    await strip_keyboard(context.bot, session.chat_id, session.message_id)
    if session.steps_began_utc is None:
        await _ask_tension(context, session, lead=lead)
    else:
        text, markup = _step_view(context, session, lead=lead)
        message = await context.bot.send_message(session.chat_id, text, reply_markup=markup)
        store.set_session_message(session.id, message.message_id)
    log.info(
        "practice.resumed chat=%s session=%s step=%s", session.chat_id, session.id, session.step
    )


# --- buttons that start something ---------------------------------------------------------------


async def today_pressed(update: Update, context: BotContext) -> None:
    """`pr:today|short|again`: today's practice, its 5-minute version, or today's again."""
    query = update.callback_query
    if (button := await _start_button(update, context)) is None:
        return
    chat_id = query.message.chat.id
    await query.answer()
    # The reminder (or offer) has done its job: a Skip or Later left on it would contradict
    # the practice now under way. /today always reaches the practice again.
    await strip_keyboard(context.bot, chat_id, query.message.message_id)
    kind = "short" if button.action == "short" else "daily"
    await begin_program(context, chat_id, kind=kind, again=button.action == "again")


async def list_pressed(update: Update, context: BotContext) -> None:
    """`pr:list`: the library as a new message."""
    query = update.callback_query
    if await _start_button(update, context) is None:
        return
    chat_id = query.message.chat.id
    await query.answer()
    text, markup = views.library_view(context.library)
    await context.bot.send_message(chat_id, text, reply_markup=markup)


async def about_pressed(update: Update, context: BotContext) -> None:
    """`pr:about`: the list in full, in place; the buttons stay where they were."""
    query = update.callback_query
    if await _start_button(update, context) is None:
        return
    chat_id = query.message.chat.id
    await query.answer()
    text, markup = views.library_view(context.library, full=True)
    await _edit_or_send(context, chat_id, query.message.message_id, text, markup)


async def open_pressed(update: Update, context: BotContext) -> None:
    """`pr:open:<practice id>`: starts that practice from the library."""
    query = update.callback_query
    if (button := await _start_button(update, context)) is None:
        return
    chat_id = query.message.chat.id
    if (practice := context.library.practice(button.value or "")) is None:
        await query.answer(texts.t("pr_practice_gone"))
        return
    await query.answer()
    await begin_library(context, chat_id, practice)


async def swap_pressed(update: Update, context: BotContext) -> None:
    """`pr:swap:<practice id>`: the answer "switch" to "carry on, or switch?"."""
    query = update.callback_query
    if (button := await _start_button(update, context)) is None:
        return
    chat_id = query.message.chat.id
    if (practice := context.library.practice(button.value or "")) is None:
        await query.answer(texts.t("pr_practice_gone"))
        return
    await query.answer()
    await strip_keyboard(context.bot, chat_id, query.message.message_id)
    await begin_library(context, chat_id, practice, switch=True)


async def unknown_button(update: Update, context: BotContext) -> None:
    """Anything else under `pr:` (forged, garbage, or from a version long gone)."""
    await update.callback_query.answer(texts.t("button_expired"))


# --- the one guard for a session's buttons ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pressed:
    """A session's button that passed the guard: the query, its chat and the session."""

    query: CallbackQuery
    chat_id: int
    session: Session
    value: str | None  # the step, a rating or "skip"

    @property
    def message_id(self) -> int:
        return self.query.message.message_id


async def _current(
    update: Update, context: BotContext, *, active: bool = True, step: bool = False
) -> Pressed | None:
    """Is this session button still current? The session must exist in this chat, be active
    (unless `active=False`), and be at the button's step (`step=True`); if not, the press is
    answered and None returned, so the handler stops there."""
    query = update.callback_query
    button = PracticeButton.from_match(context.matches[0])
    session = context.store.session(button.session_id) if button and button.session_id else None
    if query.message is None or session is None or session.chat_id != query.message.chat.id:
        await query.answer(texts.t("button_expired"))  # forged, garbage, or another chat's
        return None
    if active and not session.active:
        await query.answer(texts.t("pr_session_over"))
        await strip_keyboard(context.bot, session.chat_id, query.message.message_id)
        return None
    if step and not session_rules.step_button_is_current(session, button.value):
        await query.answer(texts.t("pr_old_button"))
        return None
    return Pressed(query, session.chat_id, session, button.value)


# --- the session's buttons ----------------------------------------------------------------------


async def tension_pressed(update: Update, context: BotContext) -> None:
    """Saves the tension before the practice (or its skip), then shows the first step."""
    if (pressed := await _current(update, context)) is None:
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
    await _show(context, context.store.session(session.id), pressed.message_id, lead=lead)


async def pain_pressed(update: Update, context: BotContext) -> None:
    """The "my pain is high" row under the tension question: asks which number (7-10), then
    offers rest before anything starts; "not that high" goes back to the tension question.

    Only high pain is asked for here, by one optional button, rather than a second 0-10
    question before every practice: the check-in after it asks pain in full.
    """
    if (pressed := await _current(update, context)) is None:
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
        await _edit_or_send(context, chat_id, session.message_id, texts.t("pr_ask_pain"), markup)
        return
    if value == session_rules.SKIP:
        text, markup = _tension_question(context, session)
        await _edit_or_send(context, chat_id, session.message_id, text, markup)
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
    if (pressed := await _current(update, context)) is None:
        return
    if pressed.session.steps_began_utc is not None or pressed.session.message_id is not None:
        await pressed.query.answer(texts.t("pr_old_button"))
        return
    await pressed.query.answer()
    await strip_keyboard(context.bot, pressed.chat_id, pressed.message_id)
    await _ask_tension(context, pressed.session)


async def rest_pressed(update: Update, context: BotContext) -> None:
    """ "5-minute rest instead" after high pain: this practice ends, the short rest begins."""
    if (pressed := await _current(update, context)) is None:
        return
    store, now, chat_id = context.store, context.clock.now(), pressed.chat_id
    session = pressed.session
    if session.message_id is not None or not store.end_session(session.id, "stopped", now):
        await pressed.query.answer(texts.t("pr_old_button"))
        return
    await pressed.query.answer()
    _release_awaiting(store, chat_id, now)
    await strip_keyboard(context.bot, chat_id, pressed.message_id)
    log.info("practice.rest_instead chat=%s session=%s", chat_id, session.id)
    await begin_program(context, chat_id, kind="short", again=True, screened=True)


async def next_pressed(update: Update, context: BotContext) -> None:
    """Shows the next step; on the last one, finishes the session and begins the check-in."""
    if (pressed := await _current(update, context, step=True)) is None:
        return
    session = pressed.session
    if session_rules.is_last_step(session):
        await _finish(pressed, context)
        return
    await _move(pressed, context, session.step + 1)


async def back_pressed(update: Update, context: BotContext) -> None:
    """Shows the step before (the first step has none)."""
    if (pressed := await _current(update, context, step=True)) is None:
        return
    to_step = session_rules.step_before(pressed.session)
    if to_step is None:
        await pressed.query.answer(texts.t("pr_first_step"))
        return
    await _move(pressed, context, to_step)


async def timer_pressed(update: Update, context: BotContext) -> None:
    """Starts the step's timer; "time's up" comes from bot/flows/timers.py."""
    if (pressed := await _current(update, context, step=True)) is None:
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
    await _show(context, context.store.session(session.id), pressed.message_id)


async def add_pressed(update: Update, context: BotContext) -> None:
    """Adds five minutes to the running timer."""
    if (pressed := await _current(update, context, step=True)) is None:
        return
    query, session = pressed.query, pressed.session
    if session.timer_due_utc is None:
        await query.answer(texts.t("pr_timer_not_running"))
        return
    due = session_rules.timer_due_after_adding(session.timer_due_utc, context.clock.now())
    context.store.set_timer(session.id, session.step, due)
    await query.answer(texts.t("pr_timer_added", minutes=ADD_MINUTES))
    schedule_timer_job(context.application, session.id, due)
    await _show(context, context.store.session(session.id), pressed.message_id)


async def end_pressed(update: Update, context: BotContext) -> None:
    """Ends the running timer now; the step stays, with Next."""
    if (pressed := await _current(update, context, step=True)) is None:
        return
    query, session = pressed.query, pressed.session
    if session.timer_due_utc is None or not context.store.claim_timer(
        session.id, session.timer_due_utc
    ):
        await query.answer(texts.t("pr_timer_not_running"))
        return
    await query.answer()
    cancel_timer_job(context.application, session.id)
    await _show(
        context,
        context.store.session(session.id),
        pressed.message_id,
        lead=texts.t("pr_timer_ended"),
    )


async def stop_pressed(update: Update, context: BotContext) -> None:
    """Asks once: a stray tap must not throw away a nearly finished practice."""
    if (pressed := await _current(update, context)) is None:
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
    if (pressed := await _current(update, context)) is None:
        return
    await pressed.query.answer()
    await _show(context, pressed.session, pressed.message_id)


async def stopyes_pressed(update: Update, context: BotContext) -> None:
    """Ends the session early, kindly, with what to do if it hurt and the check-in on offer.
    Works from any step of the active session."""
    if (pressed := await _current(update, context)) is None or not await _end(
        pressed, context, "stopped"
    ):
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
    if (pressed := await _current(update, context)) is None:
        return
    await pressed.query.answer()
    await strip_keyboard(context.bot, pressed.chat_id, pressed.message_id)
    session = context.store.session(pressed.session.id)
    await resume(context, session, lead=texts.t("pr_resume"))


async def resume_pressed(update: Update, context: BotContext) -> None:
    """Carries on a practice stopped earlier today, at the step where it stopped."""
    if (pressed := await _current(update, context, active=False)) is None:
        return
    store, session = context.store, pressed.session
    subscriber = store.subscriber(session.chat_id)
    zoned = subscriber is not None and subscriber.zone
    today = local_today(subscriber, context.clock.now()) if zoned else None
    on_hold = subscriber is not None and subscriber.on_hold
    if not session_rules.may_resume_stopped(
        session, today=today, on_hold=on_hold
    ) or not store.reopen_session(session.id):
        await pressed.query.answer(texts.t("pr_resume_gone"), show_alert=True)
        return
    await pressed.query.answer()
    await strip_keyboard(context.bot, session.chat_id, pressed.message_id)
    log.info("practice.reopened chat=%s session=%s", session.chat_id, session.id)
    await resume(context, store.session(session.id))


async def checkin_pressed(update: Update, context: BotContext) -> None:
    """The check-in offered after Stop."""
    if (pressed := await _current(update, context, active=False)) is None:
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
    await _show(context, context.store.session(session.id), pressed.message_id)


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


async def _end(pressed: Pressed, context: BotContext, status: str) -> bool:
    """Ends the session as `status` (done or stopped), once: a second tap is told it is over."""
    store, now, session = context.store, context.clock.now(), pressed.session
    if not store.end_session(session.id, status, now):
        await pressed.query.answer(texts.t("pr_session_over"))
        return False
    await pressed.query.answer()
    cancel_timer_job(context.application, session.id)
    _release_awaiting(store, pressed.chat_id, now)
    await strip_keyboard(context.bot, pressed.chat_id, pressed.message_id)
    return True


# --- typing during a session -----------------------------------------------------------------


async def typed_during_session(update: Update, context: BotContext, subscriber: Subscriber) -> None:
    """A typed tension number is taken; anything else while a session is open gets a nudge."""
    message = update.effective_message
    store, now, chat_id = context.store, context.clock.now(), subscriber.chat_id
    session = store.active_session(chat_id)
    if session is None or session.id != subscriber.awaiting_data.get("session"):
        store.set_awaiting(chat_id, now, None)
        await message.reply_text(texts.t("free_text_idle" if message.text else "not_text"))
        return
    if session.steps_began_utc is None:
        try:
            value = parse_rating(message.text)
        except RatingError as err:
            await message.reply_text(err.user_message)
            return
        if store.begin_steps(session.id, now, value):
            noted = texts.t("pr_tension_noted", value=value)
            await strip_keyboard(context.bot, chat_id, session.message_id, text=noted)
            await _show(context, store.session(session.id), None)
        return
    due = session.timer_due_utc
    nudge = views.typing_nudge(
        session.steps[session.step],
        last=session_rules.is_last_step(session),
        timer_until=views.clock_text(due, subscriber.zone) if due is not None else None,
    )
    await message.reply_text(nudge)


# --- helpers -----------------------------------------------------------------------------------


async def _start_button(update: Update, context: BotContext) -> PracticeButton | None:
    """The pressed start button; a button with no message (inline), or data that only looks
    like one (a final newline), is answered here and None returned."""
    query = update.callback_query
    button = PracticeButton.from_match(context.matches[0])
    if query.message is None or button is None:
        await query.answer(texts.t("button_expired"))
        return None
    return button


def _practised_today(store: Store, chat_id: int, today: date) -> bool:
    return session_rules.practised_program_today(
        done_before_today=store.program_days_done(chat_id, today),
        done_through_today=store.program_days_done(chat_id, today + timedelta(days=1)),
    )


def _locked_days(
    store: Store, library: Library, chat_id: int, plan: DayPlan, today: date
) -> int | None:
    pains = store.recent_pains(chat_id, today - timedelta(days=UNLOCK_LOOKBACK_DAYS))
    return session_rules.locked_days(library, plan, pains, today)


def _step_view(
    context: BotContext, session: Session, *, lead: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    subscriber = context.store.subscriber(session.chat_id)
    return views.session_step(session, zone_name=subscriber.zone if subscriber else None, lead=lead)


async def _show(
    context: BotContext, session: Session, message_id: int | None, *, lead: str = ""
) -> None:
    """Shows the session's current step, editing `message_id` in place when possible."""
    text, markup = _step_view(context, session, lead=lead)
    shown = await _edit_or_send(context, session.chat_id, message_id, text, markup)
    if shown != session.message_id:
        context.store.set_session_message(session.id, shown)


async def _ask_tension(context: BotContext, session: Session, *, lead: str = "") -> None:
    text, markup = _tension_question(context, session)
    message = await context.bot.send_message(
        session.chat_id, f"{lead}\n\n{text}" if lead else text, reply_markup=markup
    )
    context.store.set_session_message(session.id, message.message_id)


def _tension_question(context: BotContext, session: Session) -> tuple[str, InlineKeyboardMarkup]:
    # While a first setup holds typed answers (a "4" would become a 04:00 reminder), only taps.
    subscriber = context.store.subscriber(session.chat_id)
    typed = subscriber is not None and subscriber.awaiting == AWAITING
    return views.tension_question(session.id, typed=typed)


async def _edit_or_send(
    context: BotContext,
    chat_id: int,
    message_id: int | None,
    text: str,
    markup: InlineKeyboardMarkup | None,
) -> int:
    if message_id is not None:
        try:
            await context.bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )
            return message_id
        except BadRequest as err:
            if is_not_modified(err):
                return message_id
            # Deleted, or too old to edit: a new message carries on.
    message = await context.bot.send_message(chat_id, text, reply_markup=markup)
    return message.message_id


def _hold_awaiting(store: Store, chat_id: int, session_id: int, now: datetime) -> None:
    """Typed messages go to the session (a tension number, or a nudge).

    Only a first setup keeps its question (a practice tried meanwhile uses buttons). A settings
    question left unanswered gives way: a typed tension "4" must not become a 04:00 reminder.
    """
    subscriber = store.subscriber(chat_id)
    if subscriber is None:
        return
    if subscriber.awaiting in onboarding.SETUP_STEPS and subscriber.status in onboarding.SETTING_UP:
        return
    store.set_awaiting(chat_id, now, AWAITING, {"session": session_id})


def _release_awaiting(store: Store, chat_id: int, now: datetime) -> None:
    subscriber = store.subscriber(chat_id)
    if subscriber is not None and subscriber.awaiting == AWAITING:
        store.set_awaiting(chat_id, now, None)
