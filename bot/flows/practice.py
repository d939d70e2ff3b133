"""Guided practice: today's session, the 5-minute version, the library, and step timers.

A session's steps are snapshotted into its `sessions` row when it starts, and every move (the
tension tap, Next, Back, a timer) is written before a message changes, so a restart or a content
edit never alters a session half-way. Button data is `pr:<action>:<session id>[:<step>]`: the
step index lets a button from an earlier step, or from another session, be recognised and
change nothing. One person has at most one active session (the store enforces it too).

Timers (shared DESIGN.md, decision 1): the due time is stored in `sessions.timer_due_utc`; a
one-shot job at that time, the engine's tick and start-up all call `finish_due_timers`, which
claims each due timer in one write before saying "time's up", so it is said exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, TelegramError, TimedOut
from telegram.ext import Application

from bot import i18n, program, schedule, texts
from bot.buttons import PracticeButton
from bot.content import Library, Practice
from bot.contentops import split_message
from bot.errors import RatingError
from bot.flows import checkin, onboarding, safety
from bot.flows.today import UNLOCK_LOOKBACK_DAYS, local_today, program_day, todays_plan
from bot.markdown_html import to_telegram_html
from bot.program import DayPlan, PlannedStep, short_plan, single_plan, steps_of
from bot.ratings import anchor_words, parse_rating
from bot.runtime import BotContext, runtime_of
from bot.safety import HIGH_PAIN
from bot.store import Session, Store, Subscriber
from bot.telegram_errors import is_not_modified
from bot.texts import formats
from bot.views.telegram_io import strip_keyboard

log = logging.getLogger(__name__)

AWAITING = "practice"  # subscribers.awaiting while a session is open: typed tension, or a nudge
ADD_MINUTES = 5
KINDS = ("daily", "short", "library", "preview")
PROGRAM_KINDS = ("daily", "short")


# --- entry points ------------------------------------------------------------------------------


async def today_command(update: Update, context: BotContext) -> None:
    """/today: starts today's practice, or resumes the one in progress."""
    await begin_program(context, update.effective_chat.id, kind="daily")


async def practices_command(update: Update, context: BotContext) -> None:
    """/practices: the whole library, grouped by category, a button per practice."""
    text, markup = library_view(context.library)
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
        await update.effective_message.reply_text(text, reply_markup=_practice_buttons(found))
        return
    lead = texts.t("pr_unknown_practice", name=name[:60]) if name else None
    text, markup = library_view(library, lead=lead)
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
    if (
        kind == "daily"
        and not again
        and store.active_session(chat_id) is None
        and _practised_program_today(store, chat_id, today)
    ):
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        texts.t("pr_btn_again"), callback_data=PracticeButton("again").pack()
                    )
                ],
                [
                    InlineKeyboardButton(
                        texts.t("pr_btn_library"), callback_data=PracticeButton("list").pack()
                    )
                ],
            ]
        )
        await context.bot.send_message(chat_id, texts.t("pr_done_today"), reply_markup=keyboard)
        return
    # The red-flag questions, when due, come before a new practice and the practice waits for
    # the answer (its buttons start it). Left unanswered they are not asked again within a
    # day (bot/safety.py), so the next /today simply starts the practice.
    active = store.active_session(chat_id)
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
    if (
        not switch
        and active is not None
        and active.kind != "preview"
        and active.steps_began_utc is not None  # only the tension question asked: nothing lost
        and active.local_date == local_today(subscriber, now)
        and active.title != practice.title
    ):
        await _ask_switch(context, active, practice)
        return
    await start_session(context, chat_id, single_plan(practice), kind="library", switch=switch)


async def _ask_switch(context: BotContext, active: Session, practice: Practice) -> None:
    """Carry on the practice under way, or switch to `practice`? Same row order as Stop's
    question: staying on top, the change below."""
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.t("pr_btn_keep", title=active.title),
                    callback_data=PracticeButton("keep", active.id, str(active.step)).pack(),
                )
            ],
            [
                InlineKeyboardButton(
                    texts.t("pr_btn_switch", title=practice.title),
                    callback_data=PracticeButton("swap", value=practice.id).pack(),
                )
            ],
        ]
    )
    text = texts.t("pr_ask_switch", current=active.title, other=practice.title)
    await context.bot.send_message(active.chat_id, text, reply_markup=keyboard)


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
    if kind not in KINDS:
        raise ValueError(f"unknown session kind: {kind}")
    store, now = context.store, context.clock.now()
    library = library or context.library
    subscriber, _ = store.ensure_subscriber(chat_id, now)
    today = local_today(subscriber, now)
    active = store.active_session(chat_id)
    if active is not None and not switch and _should_resume(active, plan, kind, today):
        same = active.kind == kind and active.title == plan.title
        await resume(context, active, lead=_resume_lead(active, same))
        return
    planned = steps_of(plan)
    if not planned:
        await context.bot.send_message(chat_id, texts.t("pr_nothing_to_do"))
        return
    again = kind in PROGRAM_KINDS and _practised_program_today(store, chat_id, today)
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
        _cancel_timer_job(context.application, active.id)
        await strip_keyboard(context.bot, chat_id, active.message_id)
    log.info(
        "practice.started chat=%s session=%s kind=%s steps=%s",
        chat_id,
        session.id,
        kind,
        len(planned),
    )
    intro = render_intro(
        replace(plan, phase_intro="") if said_today else plan,
        kind=kind,
        note=program.note_of_the_day(library, today)
        if kind in PROGRAM_KINDS and not said_today
        else "",
        locked_days=_locked_days(store, library, subscriber, plan, today)
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
        text, markup = _view(context, session, lead=lead)
        message = await context.bot.send_message(session.chat_id, text, reply_markup=markup)
        store.set_session_message(session.id, message.message_id)
    log.info(
        "practice.resumed chat=%s session=%s step=%s", session.chat_id, session.id, session.step
    )


# --- buttons -----------------------------------------------------------------------------------


async def practice_button(update: Update, context: BotContext) -> None:
    """Every `pr:` button: start (today, short, open, list) and the session's own buttons."""
    query = update.callback_query
    button = PracticeButton.parse(query.data)
    action = button.action if button else ""
    chat_id = query.message.chat.id if query.message else None
    if chat_id is None:
        await query.answer(texts.t("button_expired"))
        return
    if action in ("today", "short", "again"):
        await query.answer()
        # The reminder (or offer) has done its job: a Skip or Later left on it would contradict
        # the practice now under way. /today always reaches the practice again.
        await strip_keyboard(context.bot, chat_id, query.message.message_id)
        kind = "short" if action == "short" else "daily"
        await begin_program(context, chat_id, kind=kind, again=action == "again")
        return
    if action == "list":
        await query.answer()
        text, markup = library_view(context.library)
        await context.bot.send_message(chat_id, text, reply_markup=markup)
        return
    if action == "about":  # the list in full, in place: the buttons stay where they were
        await query.answer()
        text, markup = library_view(context.library, full=True)
        await _edit_or_send(context, chat_id, query.message.message_id, text, markup)
        return
    if button is not None and action == "open":
        practice = context.library.practice(button.value or "")
        if practice is None:
            await query.answer(texts.t("pr_practice_gone"))
            return
        await query.answer()
        await begin_library(context, chat_id, practice)
        return
    if button is not None and action == "swap":
        practice = context.library.practice(button.value or "")
        if practice is None:
            await query.answer(texts.t("pr_practice_gone"))
            return
        await query.answer()
        await strip_keyboard(context.bot, chat_id, query.message.message_id)
        await begin_library(context, chat_id, practice, switch=True)
        return
    session_id = button.session_id if button else None
    session = context.store.session(session_id) if session_id is not None else None
    if session is None or session.chat_id != chat_id:
        await query.answer(texts.t("button_expired"))  # forged, garbage, or another chat's
        return
    extra = button.value if button else None
    if action == "checkin":
        await _checkin_after_stop(update, context, session)
    elif action == "resume":
        await _resume_stopped(update, context, session)
    elif not session.active:
        await query.answer(texts.t("pr_session_over"))
        await strip_keyboard(context.bot, chat_id, query.message.message_id)
    elif action == "keep":
        await query.answer()
        await strip_keyboard(context.bot, chat_id, query.message.message_id)
        await resume(context, context.store.session(session.id), lead=texts.t("pr_resume"))
    elif action == "stop":
        # Asks once: a stray tap must not throw away a nearly finished practice.
        await query.answer()
        await context.bot.edit_message_reply_markup(
            chat_id, query.message.message_id, reply_markup=stop_keyboard(session)
        )
    elif action == "stopyes":
        await _stop(update, context, session)  # Stop works from any step of the active session
    elif action == "stay":
        await query.answer()
        await _show(context, session, query.message.message_id)
    elif action == "tension":
        await _tension_tapped(update, context, session, extra)
    elif action == "pain":
        await _pain_tapped(update, context, session, extra)
    elif action == "rest":
        await _rest_instead(update, context, session)
    elif action == "go":
        await _go_on_gently(update, context, session)
    elif (
        extra is None
        or not extra.isdigit()
        or int(extra) != session.step
        or (session.steps_began_utc is None)
    ):
        await query.answer(texts.t("pr_old_button"))
    else:
        await {
            "next": _next,
            "back": _back,
            "timer": _start_timer,
            "add": _add_time,
            "end": _end_timer,
        }[action](update, context, session)


async def _tension_tapped(
    update: Update, context: BotContext, session: Session, extra: str | None
) -> None:
    query = update.callback_query
    if extra is None or (extra != "skip" and int(extra) > 10):
        await query.answer(texts.t("button_expired"))
        return
    value = None if extra == "skip" else int(extra)
    if not context.store.begin_steps(session.id, context.clock.now(), value):
        await query.answer(texts.t("pr_old_button"))
        return
    await query.answer()
    log.info(
        "practice.tension chat=%s session=%s skipped=%s", session.chat_id, session.id, value is None
    )
    lead = texts.t("pr_tension_noted", value=value) if value is not None else ""
    session = context.store.session(session.id)
    await _show(context, session, query.message.message_id, lead=lead)


async def _pain_tapped(
    update: Update, context: BotContext, session: Session, extra: str | None
) -> None:
    """The "my pain is high" row under the tension question: which number (7-10), then rest
    is offered before anything starts. "Not that high" goes back to the tension question.

    Only high pain is asked for here, by one optional button, rather than a second 0-10
    question before every practice: the check-in after it asks pain in full.
    """
    query = update.callback_query
    store, now, chat_id = context.store, context.clock.now(), session.chat_id
    valid = extra in (None, "skip") or (extra.isdigit() and HIGH_PAIN <= int(extra) <= 10)
    if (
        not valid
        or session.steps_began_utc is not None
        or query.message.message_id != session.message_id
    ):
        await query.answer(texts.t("pr_old_button"))
        return
    await query.answer()
    if extra is None:
        await _edit_or_send(
            context, chat_id, session.message_id, texts.t("pr_ask_pain"), pain_keyboard(session.id)
        )
        return
    if extra == "skip":
        text, markup = _tension_question(context, session)
        await _edit_or_send(context, chat_id, session.message_id, text, markup)
        return
    pain = int(extra)
    store.set_pain_before(session.id, pain)
    log.info("practice.pain_before chat=%s session=%s", chat_id, session.id)  # never the rating
    # The question becomes a plain record; the steering message below holds the way on.
    await strip_keyboard(
        context.bot, chat_id, session.message_id, text=texts.t("pr_pain_noted", value=pain)
    )
    store.set_session_message(session.id, None)
    markup = InlineKeyboardMarkup(
        [
            [_session_button("sf_btn_rest_instead", "rest", session)],
            [_session_button("sf_btn_go_on_gently", "go", session)],
            # This message is already the choice between resting, going on and stopping:
            # its Stop needs no second question.
            [_session_button("pr_btn_stop", "stopyes", session)],
        ]
    )
    today = local_today(store.subscriber(chat_id), now)
    await safety.reply_to_pain(
        context, chat_id, pain, today, reply_markup=markup, before_practice=True
    )


async def _go_on_gently(update: Update, context: BotContext, session: Session) -> None:
    """ "Go on, gently" after high pain: the tension question again, then the steps."""
    query = update.callback_query
    if session.steps_began_utc is not None or session.message_id is not None:
        await query.answer(texts.t("pr_old_button"))
        return
    await query.answer()
    await strip_keyboard(context.bot, session.chat_id, query.message.message_id)
    await _ask_tension(context, session)


async def _rest_instead(update: Update, context: BotContext, session: Session) -> None:
    """ "5-minute rest instead" after high pain: this practice ends, the short rest begins."""
    query = update.callback_query
    store, now, chat_id = context.store, context.clock.now(), session.chat_id
    if session.message_id is not None or not store.end_session(session.id, "stopped", now):
        await query.answer(texts.t("pr_old_button"))
        return
    await query.answer()
    _release_awaiting(store, chat_id, now)
    await strip_keyboard(context.bot, chat_id, query.message.message_id)
    log.info("practice.rest_instead chat=%s session=%s", chat_id, session.id)
    await begin_program(context, chat_id, kind="short", again=True, screened=True)


def _session_button(key: str, action: str, session: Session) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        texts.t(key), callback_data=PracticeButton(action, session.id, "0").pack()
    )


async def _next(update: Update, context: BotContext, session: Session) -> None:
    query = update.callback_query
    if session.step >= len(session.steps) - 1:
        await _finish(update, context, session)
        return
    if not context.store.move_session(session.id, from_step=session.step, to_step=session.step + 1):
        await query.answer(texts.t("pr_old_button"))
        return
    await query.answer()
    _cancel_timer_job(context.application, session.id)
    await _show(context, context.store.session(session.id), query.message.message_id)


async def _back(update: Update, context: BotContext, session: Session) -> None:
    query = update.callback_query
    if session.step == 0:
        await query.answer(texts.t("pr_first_step"))
        return
    if not context.store.move_session(session.id, from_step=session.step, to_step=session.step - 1):
        await query.answer(texts.t("pr_old_button"))
        return
    await query.answer()
    _cancel_timer_job(context.application, session.id)
    await _show(context, context.store.session(session.id), query.message.message_id)


async def _start_timer(update: Update, context: BotContext, session: Session) -> None:
    query = update.callback_query
    seconds = _planned(session)[session.step].timer
    if not seconds or session.timer_due_utc is not None:
        await query.answer(texts.t("pr_old_button"))
        return
    due = context.clock.now() + timedelta(seconds=seconds)
    context.store.set_timer(session.id, session.step, due)
    await query.answer(texts.t("pr_timer_started"))
    _schedule_timer_job(context.application, session.id, due)
    log.info(
        "practice.timer_started chat=%s session=%s seconds=%s", session.chat_id, session.id, seconds
    )
    await _show(context, context.store.session(session.id), query.message.message_id)


async def _add_time(update: Update, context: BotContext, session: Session) -> None:
    query = update.callback_query
    if session.timer_due_utc is None:
        await query.answer(texts.t("pr_timer_not_running"))
        return
    due = max(session.timer_due_utc, context.clock.now()) + timedelta(minutes=ADD_MINUTES)
    context.store.set_timer(session.id, session.step, due)
    await query.answer(texts.t("pr_timer_added", minutes=ADD_MINUTES))
    _schedule_timer_job(context.application, session.id, due)
    await _show(context, context.store.session(session.id), query.message.message_id)


async def _end_timer(update: Update, context: BotContext, session: Session) -> None:
    query = update.callback_query
    if session.timer_due_utc is None or not context.store.claim_timer(
        session.id, session.timer_due_utc
    ):
        await query.answer(texts.t("pr_timer_not_running"))
        return
    await query.answer()
    _cancel_timer_job(context.application, session.id)
    await _show(
        context,
        context.store.session(session.id),
        query.message.message_id,
        lead=texts.t("pr_timer_ended"),
    )


async def _finish(update: Update, context: BotContext, session: Session) -> None:
    """The last Next: the session is done, and the check-in begins (not after a preview)."""
    query = update.callback_query
    store, now, chat_id = context.store, context.clock.now(), session.chat_id
    if not store.end_session(session.id, "done", now):
        await query.answer(texts.t("pr_session_over"))
        return
    await query.answer()
    _cancel_timer_job(context.application, session.id)
    _release_awaiting(store, chat_id, now)
    log.info("practice.done chat=%s session=%s kind=%s", chat_id, session.id, session.kind)
    await strip_keyboard(context.bot, chat_id, query.message.message_id)
    if session.kind == "preview":
        await context.bot.send_message(chat_id, texts.t("pr_finished_preview"))
        return
    if session.kind == "daily":
        done = texts.t("pr_finished_day", day=session.day_number)
    elif session.kind == "short":
        done = texts.t("pr_finished_short")
    else:
        done = texts.t("pr_finished_library", title=session.title)
    await context.bot.send_message(chat_id, done)
    await checkin.begin_checkin(context, chat_id, session_id=session.id)


async def _stop(update: Update, context: BotContext, session: Session) -> None:
    """Ends the session early, kindly, with what to do if it hurt and the check-in on offer."""
    query = update.callback_query
    store, now, chat_id = context.store, context.clock.now(), session.chat_id
    if not store.end_session(session.id, "stopped", now):
        await query.answer(texts.t("pr_session_over"))
        return
    await query.answer()
    _cancel_timer_job(context.application, session.id)
    _release_awaiting(store, chat_id, now)
    log.info("practice.stopped chat=%s session=%s step=%s", chat_id, session.id, session.step)
    await strip_keyboard(context.bot, chat_id, query.message.message_id)
    if session.message_id != query.message.message_id:
        await strip_keyboard(context.bot, chat_id, session.message_id)
    if session.kind == "preview":
        await context.bot.send_message(chat_id, texts.t("pr_stopped_preview"))
        return
    rows = [
        [
            InlineKeyboardButton(
                texts.t("pr_btn_checkin"),
                callback_data=PracticeButton("checkin", session.id).pack(),
            )
        ]
    ]
    if session.steps_began_utc is not None:
        # A stopped practice can be picked up again today, at the step it stopped.
        number = _planned(session)[session.step].number
        rows.insert(
            0,
            [
                InlineKeyboardButton(
                    texts.t("pr_btn_resume", number=number),
                    callback_data=PracticeButton("resume", session.id).pack(),
                )
            ],
        )
    await context.bot.send_message(
        chat_id, texts.t("pr_stopped"), reply_markup=InlineKeyboardMarkup(rows)
    )


def stop_keyboard(session: Session) -> InlineKeyboardMarkup:
    key = (session.id, str(session.step))
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.t("pr_btn_stop_no"), callback_data=PracticeButton("stay", *key).pack()
                )
            ],
            [
                InlineKeyboardButton(
                    texts.t("pr_btn_stop_yes"), callback_data=PracticeButton("stopyes", *key).pack()
                )
            ],
        ]
    )


async def _resume_stopped(update: Update, context: BotContext, session: Session) -> None:
    """Carries on a practice stopped earlier today, at the step where it stopped."""
    query = update.callback_query
    store, now = context.store, context.clock.now()
    subscriber = store.subscriber(session.chat_id)
    today = local_today(subscriber, now) if subscriber is not None and subscriber.zone else None
    if (
        session.status != "stopped"
        or session.local_date != today
        or (subscriber is not None and subscriber.on_hold)
        or not store.reopen_session(session.id)
    ):
        await query.answer(texts.t("pr_resume_gone"), show_alert=True)
        return
    await query.answer()
    await strip_keyboard(context.bot, session.chat_id, query.message.message_id)
    log.info("practice.reopened chat=%s session=%s", session.chat_id, session.id)
    await resume(context, store.session(session.id))


async def _checkin_after_stop(update: Update, context: BotContext, session: Session) -> None:
    query = update.callback_query
    if session.status != "stopped":
        await query.answer(texts.t("button_expired"))
        return
    await query.answer()
    await strip_keyboard(context.bot, session.chat_id, query.message.message_id)
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
            await strip_keyboard(
                context.bot,
                chat_id,
                session.message_id,
                text=texts.t("pr_tension_noted", value=value),
            )
            await _show(context, store.session(session.id), None)
        return
    planned = _planned(session)[session.step]
    if session.timer_due_utc is not None:
        until = _clock_text(context, chat_id, session.timer_due_utc)
        await message.reply_text(texts.t("pr_typing_timer", until=until))
    else:
        await message.reply_text(
            texts.t(
                "pr_typing_step",
                number=planned.number,
                of=planned.of,
                practice=planned.practice_title,
                forward=texts.t(
                    "pr_btn_finish" if session.step >= len(session.steps) - 1 else "pr_btn_next"
                ),
            )
        )


# --- timers ------------------------------------------------------------------------------------


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
        if not store.claim_timer(session.id, session.timer_due_utc):
            continue
        subscriber = store.subscriber(session.chat_id)
        try:
            # Run by a job or the tick, for many people: each in their own language.
            with i18n.use_language(subscriber.language if subscriber else None):
                await _say_times_up(context, store.session(session.id))
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
    chat_id = session.chat_id
    text, _ = _view(context, session)
    await strip_keyboard(context.bot, chat_id, session.message_id, text=text)
    message = await context.bot.send_message(
        chat_id,
        texts.t("pr_times_up"),
        reply_markup=step_keyboard(session.id, session.step, len(session.steps), timed=False),
    )
    context.store.set_session_message(session.id, message.message_id)
    log.info("practice.times_up chat=%s session=%s", chat_id, session.id)


async def _timer_job(context: BotContext) -> None:
    await finish_due_timers(context.application)


def _schedule_timer_job(application: Application, session_id: int, due: datetime) -> None:
    """A one-shot job at the due time; the tick would catch it anyway, a little later."""
    if application.job_queue is None:
        return
    _cancel_timer_job(application, session_id)
    delay = max((due - runtime_of(application).clock.now()).total_seconds(), 0.0)
    application.job_queue.run_once(_timer_job, when=delay, name=f"practice-timer:{session_id}")


def _cancel_timer_job(application: Application, session_id: int) -> None:
    if application.job_queue is None:
        return
    for job in application.job_queue.get_jobs_by_name(f"practice-timer:{session_id}"):
        job.schedule_removal()


async def rebuild_timers(application: Application) -> None:
    """Start-up: every stored timer gets its job again, so a restart mid-rest still ends it."""
    store = runtime_of(application).store
    timers = store.running_timers()
    for session in timers:
        _schedule_timer_job(application, session.id, session.timer_due_utc)
    if timers:
        log.info("practice.timers_rebuilt count=%s", len(timers))


async def end_timers_on_tick(application: Application, now: datetime) -> None:
    await finish_due_timers(application, now)


# --- rendering ----------------------------------------------------------------------------------


def render_intro(
    plan: DayPlan,
    *,
    kind: str,
    note: str = "",
    locked_days: int | None = None,
    again: bool = False,
    known: frozenset[str] | set[str] = frozenset(),
) -> str:
    """The first message of a session: what it is, how long, why it helps, how to stay safe.

    Practices in `known` (done before) skip "why this helps" and "sources differ", which the
    person has read already; every safety line shows every time. A daily message then stays
    near one phone screen.
    """
    values = {"title": plan.title, "minutes": plan.minutes, "day": plan.day_number}
    if kind == "preview":
        head = texts.t("pr_intro_preview", **values)
    elif kind == "library":
        head = texts.t("pr_intro_library", **values)
    elif kind == "short":
        head = texts.t("pr_intro_short", **values)
    elif plan.gentle:
        head = texts.t("pr_intro_gentle", **values)
    else:
        head = texts.t("pr_intro_day", phase=plan.phase_title, **values)
    parts = [texts.t("pr_again_today"), head] if again else [head]
    if plan.phase_intro:
        parts.append(rich(plan.phase_intro))
    practices = [practice for practice, _ in plan.practices]
    if len(practices) == 1 and practices[0].intro:
        # A practice on its own (library, 5-minute version) has room for its introduction;
        # a day of several keeps to one line of "why" each.
        parts.append(rich(practices[0].intro))
    new = [p for p in practices if p.id not in known]
    if len(practices) == 1:
        why = [texts.t("pr_why_single", why=rich(p.why)) for p in new]
    else:
        why = [
            texts.t("pr_why_line", title=p.title, why=rich(program.first_sentence(p.why)))
            for p in new
        ]
    if why:
        parts.append("\n".join([texts.t("pr_why_heading"), *why]))
    safety_lines = [texts.t("pr_safety_line", safety=rich(p.safety)) for p in practices]
    if locked_days:
        safety_lines.append(texts.t("pr_safety_line", safety=texts.t("pr_locked", n=locked_days)))
    parts.append("\n".join([texts.t("pr_safety_heading"), *safety_lines]))
    parts += [
        texts.t("pr_sources_differ", text=rich(p.sources_differ)) for p in new if p.sources_differ
    ]
    if note:
        parts.append(texts.t("pr_note", note=rich(note)))
    return "\n\n".join(parts)


def rich(text: str) -> texts.Safe:
    """Content text with its Markdown (**bold**, _italic_, links, lists) as Telegram HTML."""
    return texts.Safe(to_telegram_html(text))


def render_step(
    steps_: Sequence[PlannedStep],
    index: int,
    *,
    session_id: int,
    timer_until: str | None = None,
    lead: str = "",
) -> tuple[str, InlineKeyboardMarkup]:
    """Step `index` of a session as one message: header, text, timer, and its buttons.

    `timer_until` (e.g. "07:45 (your time)") means the step's timer is running: the buttons
    are then "Add 5 min" and "End now". `lead` is a line shown above the step.
    """
    step = steps_[index]
    text = texts.t(
        "pr_step",
        number=step.number,
        of=step.of,
        practice=step.practice_title,
        text=rich(step.text),
    )
    if step.timer:
        text += "\n\n" + texts.t("pr_timer_length", length=length_text(step.timer))
    if timer_until:
        text += "\n" + texts.t("pr_timer_running", until=timer_until)
        markup = timer_keyboard(session_id, index)
    else:
        markup = step_keyboard(session_id, index, len(steps_), timed=bool(step.timer))
    return (f"{lead}\n\n{text}" if lead else text), markup


def step_keyboard(session_id: int, index: int, total: int, *, timed: bool) -> InlineKeyboardMarkup:
    key = (session_id, str(index))
    forward = texts.t("pr_btn_finish" if index >= total - 1 else "pr_btn_next")
    back = InlineKeyboardButton(
        texts.t("pr_btn_back"), callback_data=PracticeButton("back", *key).pack()
    )
    forward_button = InlineKeyboardButton(
        forward, callback_data=PracticeButton("next", *key).pack()
    )
    # Next is always on the first row and Stop always last, so a second tap on Next never
    # lands on Stop when a step without a timer has one row less. The first step has
    # nothing before it (as in the check-in): no Back that does nothing.
    rows = [[back, forward_button] if index > 0 else [forward_button]]
    if timed:
        rows.append(
            [
                InlineKeyboardButton(
                    texts.t("pr_btn_timer"), callback_data=PracticeButton("timer", *key).pack()
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                texts.t("pr_btn_stop"), callback_data=PracticeButton("stop", *key).pack()
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


def timer_keyboard(session_id: int, index: int) -> InlineKeyboardMarkup:
    key = (session_id, str(index))
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.t("pr_btn_add", minutes=ADD_MINUTES),
                    callback_data=PracticeButton("add", *key).pack(),
                ),
                InlineKeyboardButton(
                    texts.t("pr_btn_end"), callback_data=PracticeButton("end", *key).pack()
                ),
            ],
            # Stop stays one tap away during a long rest too: if something hurts, stop now.
            [
                InlineKeyboardButton(
                    texts.t("pr_btn_stop"), callback_data=PracticeButton("stop", *key).pack()
                )
            ],
        ]
    )


def tension_keyboard(session_id: int) -> InlineKeyboardMarkup:
    def button(value: int) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            str(value), callback_data=PracticeButton("tension", session_id, str(value)).pack()
        )

    return InlineKeyboardMarkup(
        [
            [button(n) for n in range(0, 6)],
            [button(n) for n in range(6, 11)],
            [
                InlineKeyboardButton(
                    texts.t("pr_btn_skip"),
                    callback_data=PracticeButton("tension", session_id, "skip").pack(),
                )
            ],
            # Optional: high pain is met before the practice, not only at the check-in.
            [
                InlineKeyboardButton(
                    texts.t("pr_btn_pain_high", high=HIGH_PAIN),
                    callback_data=PracticeButton("pain", session_id).pack(),
                )
            ],
        ]
    )


def pain_keyboard(session_id: int) -> InlineKeyboardMarkup:
    """High pain only (HIGH_PAIN to 10), and the way back to the tension question."""

    def button(value: int) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            str(value), callback_data=PracticeButton("pain", session_id, str(value)).pack()
        )

    return InlineKeyboardMarkup(
        [
            [button(n) for n in range(HIGH_PAIN, 11)],
            [
                InlineKeyboardButton(
                    texts.t("pr_btn_pain_not_high"),
                    callback_data=PracticeButton("pain", session_id, "skip").pack(),
                )
            ],
        ]
    )


def library_view(
    library: Library, *, lead: str | None = None, full: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    """One button per practice (`pr:open:<id>`). Short at first, for a phone: what each one
    is, by category, comes with one tap (`full`, the `pr:about` button) in the same message."""
    groups = program.by_category(library)
    markup = _practice_buttons([p for _, members in groups for p in members])
    if not full:
        about = InlineKeyboardButton(
            texts.t("pr_btn_library_about"), callback_data=PracticeButton("about").pack()
        )
        markup = InlineKeyboardMarkup([*markup.inline_keyboard, [about]])
        return lead or texts.t("pr_library_heading"), markup
    blocks = [
        texts.t(
            "pr_library_group",
            category=texts.t(f"pr_category_{category}"),
            lines=texts.Safe(
                "\n".join(
                    texts.t("pr_library_line", title=p.title, minutes=p.minutes, summary=p.summary)
                    for p in members
                )
            ),
        )
        for category, members in groups
    ]
    text = "\n\n".join([lead or texts.t("pr_library_heading"), *blocks])
    return text, markup


def length_text(seconds: int) -> str:
    """90 -> '1 min 30 s', 900 -> '15 min', 30 -> '30 s'."""
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return texts.t("pr_length_s", seconds=rest)
    if rest:
        return texts.t("pr_length_min_s", minutes=minutes, seconds=rest)
    return texts.t("pr_length_min", minutes=minutes)


# --- helpers -----------------------------------------------------------------------------------


def _practice_buttons(practices: Sequence[Practice]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(p.title, callback_data=PracticeButton("open", value=p.id).pack())]
            for p in practices
            # An id too long for callback data (64 bytes) is listed only.
            if PracticeButton.parse(PracticeButton("open", value=p.id).pack())
        ]
    )


def _planned(session: Session) -> list[PlannedStep]:
    return [PlannedStep.from_json(step) for step in session.steps]


def _view(
    context: BotContext, session: Session, *, lead: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    until = (
        _clock_text(context, session.chat_id, session.timer_due_utc)
        if session.timer_due_utc is not None
        else None
    )
    return render_step(
        _planned(session), session.step, session_id=session.id, timer_until=until, lead=lead
    )


async def _show(
    context: BotContext, session: Session, message_id: int | None, *, lead: str = ""
) -> None:
    """Shows the session's current step, editing `message_id` in place when possible."""
    text, markup = _view(context, session, lead=lead)
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
    anchors = ", ".join(f"{value} = {word}" for value, word in anchor_words().items())
    # While a first setup holds typed answers (a "4" would become a 04:00 reminder), only taps.
    subscriber = context.store.subscriber(session.chat_id)
    typed = subscriber is not None and subscriber.awaiting == AWAITING
    how = texts.t("pr_tension_tap_or_type" if typed else "pr_tension_tap")
    text = texts.t("pr_ask_tension", anchors=anchors, how=how)
    return text, tension_keyboard(session.id)


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


def _clock_text(context: BotContext, chat_id: int, moment: datetime) -> str:
    subscriber = context.store.subscriber(chat_id)
    if subscriber is not None and subscriber.zone:
        local = schedule.local_now(schedule.zone(subscriber.zone), moment)
        return texts.t("pr_clock_local", time=formats.time_label(local.time()))
    return texts.t("pr_clock_utc", time=formats.time_label(moment.time()))


def _should_resume(active: Session, plan: DayPlan, kind: str, today: date) -> bool:
    """Resume the open session, or set it aside for the one asked for now?"""
    if kind == "preview" or active.kind == "preview" or active.local_date != today:
        return False
    if active.kind == kind and active.title == plan.title:
        return True  # a double tap, or /today twice
    return active.in_progress  # something else asked for: switch only if little is lost


def _resume_lead(active: Session, same: bool) -> str:
    return texts.t("pr_resume") if same else texts.t("pr_resume_other", title=active.title)


def _practised_program_today(store: Store, chat_id: int, today: date) -> bool:
    return store.program_days_done(chat_id, today + timedelta(days=1)) > store.program_days_done(
        chat_id, today
    )


def _locked_days(
    store: Store, library: Library, subscriber: Subscriber, plan: DayPlan, today: date
) -> int | None:
    """For a library practice the program still holds back: the rule's window in days."""
    pains = store.recent_pains(subscriber.chat_id, today - timedelta(days=UNLOCK_LOOKBACK_DAYS))
    for practice, _ in plan.practices:
        rule = program.lock_on(library, practice.id, pains, today)
        if rule is not None:
            return rule.days
    return None


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
