"""Guided practice: today's session, the 5-minute version, the library; starting, resuming and
showing a session.

A session's steps are snapshotted into its `sessions` row when it starts, and every move (the
tension tap, Next, Back, a timer) is written before a message changes, so a restart or a content
edit never alters a session half-way. One person has at most one active session (the store
enforces it too). A session's own buttons are in bot/flows/practice_session.py, its timers in
bot/flows/timers.py, its rules in bot/session_rules.py, its messages in bot/views/practice.py.
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
from bot.flows import onboarding, safety
from bot.flows.replies import message_of, private_chat_of, query_of
from bot.flows.timers import cancel_timer_job
from bot.flows.today import UNLOCK_LOOKBACK_DAYS, local_today, program_day, todays_plan
from bot.models import SessionKind
from bot.program import DayPlan, short_plan, single_plan, steps_of
from bot.ratings import parse_rating
from bot.runtime import BotContext
from bot.session_rules import PROGRAM_KINDS
from bot.store import Session, Store, Subscriber
from bot.telegram_errors import is_not_modified
from bot.views import practice as views
from bot.views.telegram_io import strip_keyboard

log = logging.getLogger(__name__)

AWAITING = "practice"  # subscribers.awaiting while a session is open: typed tension, or a nudge


# --- entry points ------------------------------------------------------------------------------


async def today_command(update: Update, context: BotContext) -> None:
    """/today: starts today's practice, or resumes the one in progress."""
    await begin_program(context, private_chat_of(update), kind="daily")


async def practices_command(update: Update, context: BotContext) -> None:
    """/practices: the whole library, grouped by category, a button per practice."""
    text, markup = views.library_view(context.library)
    await message_of(update).reply_text(text, reply_markup=markup)


async def practice_command(update: Update, context: BotContext) -> None:
    """/practice NAME: starts one practice outside the program; unknown names get the list."""
    chat_id = private_chat_of(update)
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
        await message_of(update).reply_text(text, reply_markup=views.practice_buttons(found))
        return
    lead = texts.t("pr_unknown_practice", name=name[:60]) if name else None
    text, markup = views.library_view(library, lead=lead)
    await message_of(update).reply_text(text, reply_markup=markup)


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
    if (
        not switch
        and active is not None
        and session_rules.should_ask_switch(active, title=practice.title, today=today)
    ):
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
        content_version=context.runtime.content_version
        if content_version is None
        else content_version,
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
    in_program = kind in PROGRAM_KINDS
    intro = views.render_intro(
        replace(plan, phase_intro="") if said_today else plan,
        kind=kind,
        note=program.note_of_the_day(library, today) if in_program and not said_today else "",
        locked_days=_locked_days(store, library, chat_id, plan, today)
        if kind == "library"
        else None,
        again=again,
        known=store.practices_done(chat_id) if in_program else frozenset(),
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
    await ask_tension(context, session)


async def resume(context: BotContext, session: Session, *, lead: str = "") -> None:
    """Sends where the session stands as a new message; the old one loses its buttons."""
    store, now = context.store, context.clock.now()
    _hold_awaiting(store, session.chat_id, session.id, now)
    await strip_keyboard(context.bot, session.chat_id, session.message_id)
    if session.steps_began_utc is None:
        await ask_tension(context, session, lead=lead)
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
    if (pressed := await _start_button(update, context)) is None:
        return
    action, chat_id = pressed.button.action, pressed.chat_id
    await pressed.query.answer()
    # The reminder (or offer) has done its job: a Skip or Later left on it would contradict
    # the practice now under way. /today always reaches the practice again.
    await strip_keyboard(context.bot, chat_id, pressed.message_id)
    kind = "short" if action == "short" else "daily"
    await begin_program(context, chat_id, kind=kind, again=action == "again")


async def list_pressed(update: Update, context: BotContext) -> None:
    """`pr:list`: the library as a new message."""
    if (pressed := await _start_button(update, context)) is None:
        return
    await pressed.query.answer()
    text, markup = views.library_view(context.library)
    await context.bot.send_message(pressed.chat_id, text, reply_markup=markup)


async def about_pressed(update: Update, context: BotContext) -> None:
    """`pr:about`: the list in full, in place; the buttons stay where they were."""
    if (pressed := await _start_button(update, context)) is None:
        return
    await pressed.query.answer()
    text, markup = views.library_view(context.library, full=True)
    await edit_or_send(context, pressed.chat_id, pressed.message_id, text, markup)


async def open_pressed(update: Update, context: BotContext) -> None:
    """`pr:open:<practice id>`: starts that practice from the library."""
    if (pressed := await _start_button(update, context)) is None:
        return
    if (practice := context.library.practice(pressed.button.value or "")) is None:
        await pressed.query.answer(texts.t("pr_practice_gone"))
        return
    await pressed.query.answer()
    await begin_library(context, pressed.chat_id, practice)


async def swap_pressed(update: Update, context: BotContext) -> None:
    """`pr:swap:<practice id>`: the answer "switch" to "carry on, or switch?"."""
    if (pressed := await _start_button(update, context)) is None:
        return
    if (practice := context.library.practice(pressed.button.value or "")) is None:
        await pressed.query.answer(texts.t("pr_practice_gone"))
        return
    await pressed.query.answer()
    await strip_keyboard(context.bot, pressed.chat_id, pressed.message_id)
    await begin_library(context, pressed.chat_id, practice, switch=True)


async def unknown_button(update: Update, context: BotContext) -> None:
    """Anything else under `pr:` (forged, garbage, or from a version long gone)."""
    await query_of(update).answer(texts.t("button_expired"))


# --- typing during a session -----------------------------------------------------------------


async def typed_during_session(update: Update, context: BotContext, subscriber: Subscriber) -> None:
    """A typed tension number is taken; anything else while a session is open gets a nudge."""
    message = message_of(update)
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
            if (begun := store.session(session.id)) is not None:  # gone only with /delete
                await show_step(context, begun, None)
        return
    due = session.timer_due_utc
    nudge = views.typing_nudge(
        session.steps[session.step],
        last=session_rules.is_last_step(session),
        timer_until=views.clock_text(due, subscriber.zone) if due is not None else None,
    )
    await message.reply_text(nudge)


# --- helpers -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartPressed:
    """A start button that passed `_start_button`: the query, its chat and message, the button."""

    query: CallbackQuery
    chat_id: int
    message_id: int
    button: PracticeButton


async def _start_button(update: Update, context: BotContext) -> StartPressed | None:
    """The pressed start button; a button with no message (inline), or data that only looks
    like one (a final newline), is answered here and None returned."""
    query = query_of(update)
    button = PracticeButton.from_match(context.match)
    if query.message is None or button is None:
        await query.answer(texts.t("button_expired"))
        return None
    return StartPressed(query, query.message.chat.id, query.message.message_id, button)


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


# --- showing a session (bot/flows/practice_session.py too) ------------------------------------


def _step_view(
    context: BotContext, session: Session, *, lead: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    subscriber = context.store.subscriber(session.chat_id)
    return views.session_step(session, zone_name=subscriber.zone if subscriber else None, lead=lead)


async def show_step(
    context: BotContext, session: Session, message_id: int | None, *, lead: str = ""
) -> None:
    """Shows the session's current step, editing `message_id` in place when possible."""
    text, markup = _step_view(context, session, lead=lead)
    shown = await edit_or_send(context, session.chat_id, message_id, text, markup)
    if shown != session.message_id:
        context.store.set_session_message(session.id, shown)


async def ask_tension(context: BotContext, session: Session, *, lead: str = "") -> None:
    """Asks the tension before the steps, as a new message the session keeps track of."""
    text, markup = tension_question(context, session)
    message = await context.bot.send_message(
        session.chat_id, f"{lead}\n\n{text}" if lead else text, reply_markup=markup
    )
    context.store.set_session_message(session.id, message.message_id)


def tension_question(context: BotContext, session: Session) -> tuple[str, InlineKeyboardMarkup]:
    """The tension question for this person now. While a first setup holds typed answers (a "4"
    would become a 04:00 reminder), only taps."""
    subscriber = context.store.subscriber(session.chat_id)
    typed = subscriber is not None and subscriber.awaiting == AWAITING
    return views.tension_question(session.id, typed=typed)


async def edit_or_send(
    context: BotContext,
    chat_id: int,
    message_id: int | None,
    text: str,
    markup: InlineKeyboardMarkup | None,
) -> int:
    """Shows `text` in place of message `message_id`, or as a new message; returns its id."""
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


def release_awaiting(store: Store, chat_id: int, now: datetime) -> None:
    """The session is over: typed messages no longer go to it."""
    subscriber = store.subscriber(chat_id)
    if subscriber is not None and subscriber.awaiting == AWAITING:
        store.set_awaiting(chat_id, now, None)
