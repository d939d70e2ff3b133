"""The check-in: tension, pain, where it hurts, how the practice went, and a note.

Each answer is written to the day's `checkins` row the moment it is given, and the question
asked next is kept both in `checkins.step` and in the person's `awaiting` step, so a restart or
an abandoned check-in loses nothing. A check-in still open on a later local date is closed as
`partial`: lazily when the person next talks to the check-in, and from the engine's tick.

A check-in read back after a write (the write's own RETURNING, or a read) is there: only
/delete removes it, and one person's updates run one at a time. Were it gone, the handler
would stop, with nothing left to ask or show.

Buttons carry `ci:<check-in id>:<question>:<value>`; a button whose question is not the one
being asked (an old keypad, yesterday's message, another chat's id) changes nothing.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import BadRequest
from telegram.ext import Application

from bot import checkin_rules, safety, schedule, texts, typed
from bot.checkin_rules import AREAS, COMPLETION, NOTE, PAIN, QUESTIONS, TENSION
from bot.errors import RatingError
from bot.flows import onboarding
from bot.flows import safety as safety_flow
from bot.flows.replies import edit_keyboard, message_of, private_chat_of, query_of, send_text
from bot.flows.today import local_today
from bot.models import BodyArea, Completion
from bot.ratings import parse_completion, parse_rating
from bot.runtime import BotContext, runtime_of
from bot.store import CheckInRow, Store, Subscriber
from bot.views.checkin import (
    QUESTION_OF,
    after_pain_keyboard,
    answer_given,
    answered_question_text,
    area_order,
    areas_keyboard,
    closing,
    edit_offer_keyboard,
    question_of,
    summary,
)
from bot.views.telegram_io import strip_buttons, strip_keyboard

log = logging.getLogger(__name__)

STEP_PREFIX = "checkin_"  # the person's awaited step while a check-in question waits

# --- starting ------------------------------------------------------------------------------------


async def begin_checkin(
    context: BotContext,
    chat_id: int,
    *,
    session_id: int | None = None,
    subscriber: Subscriber | None = None,
) -> None:
    """Opens (or reopens) today's check-in and asks the first question, about tension.

    With `session_id`, the session's `tension_before` is copied so the change shows; if that
    session is finished (`done`), "how did the practice go" is answered already (fully) and
    skipped. A stopped session may be passed too: the question is then asked. `subscriber`,
    when the caller has read it fresh, is not read again.
    """
    store, now = context.store, context.clock.now()
    if subscriber is None:
        subscriber = store.subscriber(chat_id) or store.ensure_subscriber(chat_id, now)[0]
    today = local_today(subscriber, now)
    # Read again by ask() only when closing an old check-in may have changed it.
    fresh = None if close_abandoned(context, subscriber, today) else subscriber
    # The row comes back from its own write (RETURNING): fresh, not read again.
    row = store.open_checkin(chat_id, today, now, step=TENSION, session_id=session_id)
    log.info(
        "checkin.begin chat=%s checkin=%s from_session=%s", chat_id, row.id, session_id is not None
    )
    await ask(context, chat_id, row, TENSION, subscriber=fresh)


async def checkin_command(update: Update, context: BotContext) -> None:
    """/checkin: resumes an open check-in, offers to edit today's, or starts one."""
    store, now = context.store, context.clock.now()
    chat_id = private_chat_of(update)
    subscriber = store.subscriber(chat_id)
    if subscriber is None or not subscriber.zone:
        # Not set up yet: onboarding points to /start or re-asks its own question.
        await onboarding.require_subscriber(update, context)
        return
    today = local_today(subscriber, now)
    # Read again only when closing an old check-in may have changed it.
    fresh = None if close_abandoned(context, subscriber, today) else subscriber
    row = store.checkin_for_day(chat_id, today)
    if row is None:
        await begin_checkin(context, chat_id, subscriber=fresh)
    elif row.status == "open":
        step = row.step or TENSION
        await ask(context, chat_id, row, step, lead=texts.t("ci_resume"), subscriber=fresh)
    else:
        await offer_edit(context, chat_id, row)


async def offer_edit(context: BotContext, chat_id: int, row: CheckInRow) -> None:
    """Today's check-in is saved already: asks before opening it again, wherever from."""
    await send_text(
        context.bot,
        chat_id,
        texts.t("ci_done_today", summary=texts.Safe(summary(row))),
        reply_markup=edit_offer_keyboard(row),
    )


# --- asking --------------------------------------------------------------------------------------


async def ask(
    context: BotContext,
    chat_id: int,
    row: CheckInRow,
    question: str,
    *,
    lead: str = "",
    subscriber: Subscriber | None = None,
) -> None:
    """Asks `question`, keeping it as the check-in's next step and the person's awaited answer.

    The previous question's buttons are taken away first, so one set of live buttons shows.
    `lead` (HTML) goes above the question in the same message: a correction and the question
    again arrive as one message, which is easier to read when tired. `row` must be fresh from
    the store; `subscriber` too when given (it saves reading it again).
    """
    store, now = context.store, context.clock.now()
    if subscriber is None:
        subscriber = store.subscriber(chat_id)
    previous = (subscriber.awaiting or "").removeprefix(STEP_PREFIX) if subscriber else ""
    # Moving on: the question just answered shows its answer. Asked again (a correction, or
    # Back): its buttons only go.
    answered = previous in QUESTIONS and next_question(row, previous) == question
    await _tidy_previous(context, subscriber, row if answered else None)
    awaiting = STEP_PREFIX + question
    # Saved before the question shows, so what the person sees is already in the database.
    if row.step == question:  # save_and_continue wrote it with the answer: not written twice
        store.set_awaiting(chat_id, now, awaiting, {"id": row.id})
    else:
        with store.atomic():
            store.save_answer(row.id, now, step=question)
            store.set_awaiting(chat_id, now, awaiting, {"id": row.id})
    text, keyboard = question_of(row, question)
    if lead:
        text = f"{lead}\n\n{text}"
    sent = await send_text(context.bot, chat_id, text, reply_markup=keyboard)
    store.set_awaiting(chat_id, now, awaiting, {"id": row.id, "msg": sent})


async def _tidy_previous(
    context: BotContext, subscriber: Subscriber | None, row: CheckInRow | None = None
) -> None:
    """Removes the buttons of the last question asked, if it was a check-in question; once
    answered, the question shows the answer given (typed or tapped) in their place."""
    if subscriber is None or not (awaiting := subscriber.awaiting or "").startswith(STEP_PREFIX):
        return
    message_id = subscriber.awaiting_data.get("msg")
    if not isinstance(message_id, int):
        return
    question = awaiting.removeprefix(STEP_PREFIX)
    answer = answer_given(row, question) if row is not None else None
    # With an answer, one edit: the new text, and (no keyboard given) the buttons gone with it.
    text = None if answer is None else answered_question_text(question, answer)
    await strip_keyboard(context.bot, subscriber.chat_id, message_id, text=text)


def previous_question(row: CheckInRow, question: str) -> str | None:
    return checkin_rules.previous_question(question, session_done=row.session_done)


def next_question(row: CheckInRow, question: str) -> str | None:
    return checkin_rules.next_question(question, session_done=row.session_done)


# --- answers -------------------------------------------------------------------------------------


async def save_and_continue(
    context: BotContext,
    chat_id: int,
    row: CheckInRow,
    question: str,
    *,
    subscriber: Subscriber | None = None,
    **answer: Any,
) -> None:
    """Writes one answer, says what safety needs saying, then asks the next question.
    `subscriber`, when the caller has read it fresh, is not read again."""
    store, now = context.store, context.clock.now()
    nxt = next_question(row, question)
    if (saved := store.save_answer(row.id, now, step=nxt or question, **answer)) is None:
        return  # see the module docstring
    row = saved
    if question == PAIN and nxt is not None and row.pain is not None:
        # High or rising pain: the reply points to the urgent signs and offers to stop here;
        # the next question waits for "Go on" rather than asking three more at once.
        signal = await safety_flow.reply_to_pain(
            context, chat_id, row.pain, row.local_date, reply_markup=after_pain_keyboard(row)
        )
        if signal is not safety.PainSignal.NONE:
            await _tidy_previous(context, store.subscriber(chat_id), row)  # shows the answer
            # Typed words now answer the next question; its buttons come with "Go on".
            store.set_awaiting(chat_id, now, STEP_PREFIX + nxt, {"id": row.id})
            return
    if nxt is None:
        await finish(context, chat_id, row)
    else:
        await ask(context, chat_id, row, nxt, subscriber=subscriber)


async def finish(context: BotContext, chat_id: int, row: CheckInRow) -> None:
    """Closes the check-in, thanks the person with what was saved, and offers the weekly screen."""
    store, now = context.store, context.clock.now()
    subscriber = store.subscriber(chat_id)
    await _tidy_previous(context, subscriber, row)
    with store.atomic():
        store.close_checkin(row.id, now, "done")
        store.set_awaiting(chat_id, now, None)
    # The subscriber is not read again: the write changed only its awaited answer.
    saved = store.checkin(row.id)
    if saved is None or subscriber is None:  # see the module docstring
        return
    row = saved
    gentle = subscriber.gentle_until is not None and subscriber.gentle_until > row.local_date
    log.info("checkin.done chat=%s checkin=%s", chat_id, row.id)
    await send_text(
        context.bot,
        chat_id,
        texts.t("ci_thanks", summary=texts.Safe(summary(row)), closing=closing(row, gentle=gentle)),
    )
    high = row.pain is not None and row.pain >= safety.HIGH_PAIN
    await safety_flow.offer_screen_if_due(context, chat_id, high_pain=high)


async def after_pain_reply(
    query: CallbackQuery, context: BotContext, row: CheckInRow, value: str
) -> None:
    """The buttons under a high- or rising-pain reply: go on with the check-in, or stop here
    with every answer given so far saved."""
    store, now, chat_id = context.store, context.clock.now(), row.chat_id
    question = row.step
    if row.status != "open" or question is None or question != next_question(row, PAIN):
        await query.answer(texts.t("ci_closed" if row.status != "open" else "ci_already_answered"))
        return
    await query.answer()
    await strip_buttons(query)
    if value == "go":
        await ask(context, chat_id, row, question)
        return
    with store.atomic():
        store.close_checkin(row.id, now, "partial")
        subscriber = store.subscriber(chat_id)
        if subscriber is not None and (subscriber.awaiting or "").startswith(STEP_PREFIX):
            store.set_awaiting(chat_id, now, None)
    log.info("checkin.stopped_here chat=%s checkin=%s", chat_id, row.id)
    if (saved := store.checkin(row.id)) is not None:  # see the module docstring
        await context.bot.send_message(
            chat_id, texts.t("ci_stopped_here", summary=texts.Safe(summary(saved)))
        )


# --- typed answers -------------------------------------------------------------------------------


async def typed_answer(update: Update, context: BotContext, subscriber: Subscriber) -> None:
    """A message while a check-in question waits: a rating, a word, a note, or a kind correction."""
    message = message_of(update)
    store, now = context.store, context.clock.now()
    chat_id = subscriber.chat_id
    today = local_today(subscriber, now)
    # Read again by ask() only when closing an old check-in may have changed it.
    fresh = None if close_abandoned(context, subscriber, today) else subscriber
    checkin_id = subscriber.awaiting_data.get("id")
    row = store.checkin(checkin_id) if isinstance(checkin_id, int) else None
    if row is None or row.chat_id != chat_id or row.status != "open" or row.local_date != today:
        store.set_awaiting(chat_id, now, None)
        key = "ci_old_day" if row is not None and row.local_date < today else "ci_closed"
        await message.reply_text(texts.t(key))
        return
    question = row.step or TENSION
    text = message.text
    if question in (TENSION, PAIN):
        if not text:
            await ask(context, chat_id, row, question, lead=texts.t("ci_not_text"))
            return
        try:
            value = parse_rating(text, scale=question)
        except RatingError as err:
            await ask(context, chat_id, row, question, lead=texts.escape(err.user_message))
            return
        await save_and_continue(
            context, chat_id, row, question, subscriber=fresh, **{question: value}
        )
        return
    if question == COMPLETION and (completion := parse_completion(text)) is not None:
        await save_and_continue(
            context, chat_id, row, COMPLETION, subscriber=fresh, completion=completion
        )
        return
    if question in (AREAS, NOTE) and text and typed.means_skip(text):
        # "skip", «пропустить»: what tapping Done or Skip does, not words to keep as a note.
        if question == AREAS:
            chosen = [a.value for a in sorted(row.areas or (), key=area_order)]
            await save_and_continue(context, chat_id, row, AREAS, subscriber=fresh, areas=chosen)
        else:
            await save_and_continue(context, chat_id, row, NOTE, subscriber=fresh)
        return
    if question in (AREAS, COMPLETION):
        hint = texts.t(f"ci_{question}_use_buttons")
        if text:
            # Words typed where buttons were asked for are still the person's words: kept as
            # (part of) the note rather than lost.
            note = f"{row.note}\n{text}" if row.note else text
            saved = store.save_answer(row.id, now, step=None, note=note)
            hint = texts.t("ci_kept_as_note") + " " + hint
            log.info("checkin.note_kept chat=%s checkin=%s", chat_id, row.id)
        else:
            saved = row
            hint = texts.t("ci_not_text_buttons") + " " + hint
        if saved is not None:  # see the module docstring
            await ask(context, chat_id, saved, question, lead=hint)
        return
    if not text:
        await ask(context, chat_id, row, NOTE, lead=texts.t("ci_note_not_text"))
        return
    # Stored exactly as typed (no strip): it is the person's own words.
    await save_and_continue(context, chat_id, row, NOTE, note=text)


# The conversation steps this module answers (wired in bot/app.py): one per question.
STEPS = {STEP_PREFIX + question: typed_answer for question in QUESTIONS}


# --- buttons -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckinTap:
    """A tap on today's check-in of the person who pressed it."""

    query: CallbackQuery
    message_id: int  # of the message the button is on
    row: CheckInRow
    subscriber: Subscriber
    today: date
    code: str  # the question's code: t, p, a, c, n, or e and x for the offers
    value: str  # what the button says: a rating, an area, "skip", "back", ...


async def checkin_tap(update: Update, context: BotContext) -> CheckinTap | None:
    """The guard of every ci: button: a check-in that is gone or another chat's is an expired
    button; yesterday's loses its buttons and says so. Closes an abandoned check-in on the way.
    The tap is left unanswered for the action."""
    query = query_of(update)
    match, message = context.match, query.message
    if match is None or message is None:  # a button on an inline message: none of ours
        await query.answer(texts.t("button_expired"))
        return None
    store, now = context.store, context.clock.now()
    chat_id = message.chat.id
    row = store.checkin(int(match["id"]))
    subscriber = store.subscriber(chat_id)
    if row is None or row.chat_id != chat_id or subscriber is None:
        await query.answer(texts.t("button_expired"))
        return None
    today = local_today(subscriber, now)
    if close_abandoned(context, subscriber, today):
        subscriber = store.subscriber(chat_id)  # its awaited answer may have been cleared
        if subscriber is None:  # gone only with /delete
            await query.answer(texts.t("button_expired"))
            return None
    if row.local_date != today:
        await query.answer()
        await strip_buttons(query)
        await context.bot.send_message(chat_id, texts.t("ci_old_day"))
        return None
    return CheckinTap(
        query, message.message_id, row, subscriber, today, match["action"], match["value"]
    )


async def question_tap(update: Update, context: BotContext) -> CheckinTap | None:
    """checkin_tap, and for an answer button: the check-in still open and this question the one
    being asked. "Back" is answered here: it asks the previous question again."""
    tap = await checkin_tap(update, context)
    if tap is not None and await _is_current_question(context, tap):
        return tap
    return None


async def _is_current_question(context: BotContext, tap: CheckinTap) -> bool:
    row, query = tap.row, tap.query
    if row.status != "open":
        await query.answer(texts.t("ci_closed"))
        return False
    question = QUESTION_OF.get(tap.code)
    if question is None or question != row.step:
        await query.answer(texts.t("ci_already_answered"))
        return False
    if tap.value == "back":
        await query.answer()
        previous = previous_question(row, question)
        if previous is not None:
            await ask(context, row.chat_id, row, previous, subscriber=tap.subscriber)
        return False
    return True


async def edit_pressed(update: Update, context: BotContext) -> None:
    """ci:<id>:e:edit|keep: answer today's check-in again, or leave it as it is."""
    if (tap := await checkin_tap(update, context)) is None:
        return
    store, now, chat_id = context.store, context.clock.now(), tap.row.chat_id
    await tap.query.answer()
    await strip_buttons(tap.query)
    if tap.value == "edit":
        row = store.open_checkin(chat_id, tap.today, now, step=TENSION)
        log.info("checkin.edit chat=%s checkin=%s", chat_id, row.id)
        await ask(context, chat_id, row, TENSION, subscriber=tap.subscriber)
    else:
        await context.bot.send_message(chat_id, texts.t("ci_left_as_is"))


async def after_pain_pressed(update: Update, context: BotContext) -> None:
    """ci:<id>:x:go|stop, under a high-pain reply; any other value is no current question."""
    if (tap := await checkin_tap(update, context)) is None:
        return
    if tap.value in ("go", "stop"):
        await after_pain_reply(tap.query, context, tap.row, tap.value)
    else:
        await _is_current_question(context, tap)


async def rating_pressed(update: Update, context: BotContext) -> None:
    """ci:<id>:t|p:<0-10>: the tension or pain rating."""
    if (tap := await question_tap(update, context)) is None:
        return
    question = tap.row.step  # tension or pain: question_tap checked it is this button's
    if question is None or not tap.value.isdigit() or not 0 <= int(tap.value) <= 10:
        await tap.query.answer(texts.t("button_expired"))
        return
    await tap.query.answer()
    await save_and_continue(
        context,
        tap.row.chat_id,
        tap.row,
        question,
        subscriber=tap.subscriber,
        **{question: int(tap.value)},
    )


async def areas_pressed(update: Update, context: BotContext) -> None:
    """ci:<id>:a:<area|none|done>: where it hurts."""
    if (tap := await question_tap(update, context)) is not None:
        await area_button(tap, context)


async def completion_pressed(update: Update, context: BotContext) -> None:
    """ci:<id>:c:<full|partial|...>: how the practice went."""
    if (tap := await question_tap(update, context)) is None:
        return
    if tap.value not in {c.value for c in Completion}:
        await tap.query.answer(texts.t("button_expired"))
        return
    await tap.query.answer()
    await save_and_continue(
        context,
        tap.row.chat_id,
        tap.row,
        COMPLETION,
        subscriber=tap.subscriber,
        completion=Completion(tap.value),
    )


async def note_pressed(update: Update, context: BotContext) -> None:
    """ci:<id>:n:skip: no note today."""
    if (tap := await question_tap(update, context)) is None:
        return
    if tap.value != "skip":
        await tap.query.answer(texts.t("button_expired"))
        return
    await tap.query.answer()
    await save_and_continue(context, tap.row.chat_id, tap.row, NOTE, subscriber=tap.subscriber)


async def checkin_other(update: Update, context: BotContext) -> None:
    """A well-formed ci: button with a question code no longer used: the guard's answer."""
    await question_tap(update, context)


async def area_button(tap: CheckinTap, context: BotContext) -> None:
    """Toggles an area (saved at once, the ✓ redrawn by editing the keyboard), Nowhere or Done."""
    query, row, value = tap.query, tap.row, tap.value
    store, now = context.store, context.clock.now()
    chat_id = row.chat_id
    if value in ("none", "done"):
        await query.answer()
        chosen = [] if value == "none" else sorted(row.areas or (), key=area_order)
        await save_and_continue(
            context,
            chat_id,
            row,
            AREAS,
            subscriber=tap.subscriber,
            areas=[a.value for a in chosen],
        )
        return
    if value not in {a.value for a in BodyArea}:
        await query.answer(texts.t("button_expired"))
        return
    await query.answer()
    area = BodyArea(value)
    picked = set(row.areas or ())
    picked ^= {area}
    areas = [a.value for a in sorted(picked, key=area_order)]
    if (saved := store.save_answer(row.id, now, step=None, areas=areas)) is None:
        return  # see the module docstring
    with contextlib.suppress(BadRequest):  # "not modified" after a very fast double tap
        keyboard = areas_keyboard(saved)
        await edit_keyboard(context.bot, chat_id, tap.message_id, keyboard)


# --- abandoned check-ins -------------------------------------------------------------------------


def close_abandoned(context: BotContext, subscriber: Subscriber, today: date) -> int:
    """Closes the person's check-ins left open on an earlier day as partial (answers kept);
    returns how many."""
    if context.store.none_abandoned(subscriber.chat_id, today):
        return 0  # every update asks; only a person's first of the day needs the sweep
    return _close_abandoned(context.store, subscriber, today, context.clock.now())


def _close_abandoned(store: Store, subscriber: Subscriber, today: date, now: datetime) -> int:
    with store.atomic():
        closed = store.close_abandoned(subscriber.chat_id, today, now)
        if closed and (subscriber.awaiting or "").startswith(STEP_PREFIX):
            row = store.checkin(subscriber.awaiting_data.get("id") or 0)
            if row is None or row.status != "open":
                store.set_awaiting(subscriber.chat_id, now, None)
    if closed:
        log.info("checkin.abandoned chat=%s count=%s", subscriber.chat_id, closed)
    return closed


async def close_abandoned_on_tick(application: Application, now: datetime) -> None:
    """Engine tick hook: a check-in still open once the person's local day is over -> partial."""
    store = runtime_of(application).store
    if store is None:
        return
    # No zone is more than a day ahead of UTC, so nothing dated later can be over yet.
    latest = now.date() + timedelta(days=1)
    for chat_id, local_date, zone in store.open_checkins_before(latest):
        today = schedule.local_date(now, schedule.zone(zone or "UTC"))
        if local_date < today:
            subscriber = store.subscriber(chat_id)
            if subscriber is not None:
                _close_abandoned(store, subscriber, today, now)
