"""Safety replies: easing off after high or rising pain, and the weekly red-flag screen.

The rules (thresholds, when the screen is due) live in the pure `bot.safety`; this module only
says them kindly and records the answers. A "Yes" to the screen always gets the urgent-care
message first, even from an old screen message: someone reporting a red flag is never told that
a button has expired.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import date, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from bot import safety, texts
from bot.app import BotContext
from bot.flows import onboarding
from bot.flows.today import local_today

log = logging.getLogger(__name__)

SCREEN_YES = "sf:yes"
SCREEN_NO = "sf:no"
CONTINUE = "sf:go"


# --- after a pain rating ---------------------------------------------------------------------


async def reply_to_pain(context: BotContext, chat_id: int, pain: int, today: date) -> bool:
    """Answers high or rising pain and steps the program back to gentle release.

    Called right after the pain answer is saved, before the next question. Returns True if
    a safety reply went out.
    """
    store, now = context.store, context.clock.now()
    since = today - timedelta(days=safety.RECENT_WINDOW_DAYS)
    pains = store.recent_pains(chat_id, since)
    signal = safety.assess_pain(pain, safety.pains_before(pains, today))
    if signal is safety.PainSignal.NONE:
        return False
    subscriber = store.subscriber(chat_id)
    until = safety.extend_gentle(subscriber.gentle_until, today, signal)
    store.update_subscriber(chat_id, now, gentle_until=until)
    log.info("safety.pain_reply chat=%s", chat_id)  # never the rating or the signal
    key = "sf_pain_high" if signal is safety.PainSignal.HIGH else "sf_pain_rising"
    await context.bot.send_message(chat_id, texts.t(key))
    return True


# --- the red-flag screen -----------------------------------------------------------------------


def screen_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.t("sf_btn_yes"), callback_data=SCREEN_YES)],
            [InlineKeyboardButton(texts.t("sf_btn_no"), callback_data=SCREEN_NO)],
        ]
    )


def continue_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.t("sf_btn_continue"), callback_data=CONTINUE)]]
    )


async def ask_screen(context: BotContext, chat_id: int) -> None:
    """Sends the red-flag question with Yes/No buttons; it sets no step, so nothing waits on it."""
    await context.bot.send_message(chat_id, texts.t("sf_screen"), reply_markup=screen_keyboard())
    now = context.clock.now()
    context.store.update_subscriber(chat_id, now, screen_offered_utc=now)
    log.info("safety.screen_offered chat=%s", chat_id)


async def offer_screen_if_due(
    context: BotContext, chat_id: int, *, high_pain: bool = False
) -> bool:
    """Asks the red-flag question when it is due (weekly, or sooner after high pain)."""
    subscriber = context.store.subscriber(chat_id)
    if subscriber is None or not safety.screen_due(
        subscriber.last_screen_utc,
        context.clock.now(),
        high_pain=high_pain,
        offered_utc=subscriber.screen_offered_utc,
    ):
        return False
    await ask_screen(context, chat_id)
    return True


async def screen_after_subscribe(context: BotContext, chat_id: int) -> None:
    """onboarding.AFTER_SUBSCRIBE hook: the first red-flag screen follows the welcome."""
    await offer_screen_if_due(context, chat_id)


async def explain_hold(context: BotContext, chat_id: int) -> None:
    """Says the program is paused after a red-flag answer, repeats the urgent-care advice, and
    offers the button that lets the person continue."""
    await context.bot.send_message(chat_id, texts.t("sf_on_hold"), reply_markup=continue_keyboard())


async def safety_button(update: Update, context: BotContext) -> None:
    """sf:yes | sf:no (the red-flag screen) and sf:go (continue after a hold)."""
    query = update.callback_query
    await query.answer()
    store, now = context.store, context.clock.now()
    chat_id = query.message.chat.id
    subscriber = store.subscriber(chat_id)
    if subscriber is None:
        await context.bot.send_message(chat_id, texts.t("button_expired"))
        return
    if query.data == SCREEN_YES:
        # Recorded first, so the hold holds even if a send fails; then the urgent message is
        # the first thing the person sees, before the buttons are tidied or anything else.
        # A practice under way ends with it: no "time's up, next step" after "don't practise".
        with store.atomic():
            store.record_screen(chat_id, now, "yes")
            store.update_subscriber(chat_id, now, on_hold=True)
            session = store.active_session(chat_id)
            store.abandon_sessions(chat_id)
        log.info("safety.screen_answered chat=%s", chat_id)  # never the answer
        await context.bot.send_message(chat_id, texts.t("sf_urgent"))
        await _remove_keyboard(query)
        if session is not None and session.message_id is not None:
            with contextlib.suppress(BadRequest):  # already without buttons
                await context.bot.edit_message_reply_markup(chat_id, session.message_id)
        await context.bot.send_message(
            chat_id, texts.t("sf_hold_set"), reply_markup=continue_keyboard()
        )
    elif query.data == SCREEN_NO:
        store.record_screen(chat_id, now, "no")
        log.info("safety.screen_answered chat=%s", chat_id)
        await _remove_keyboard(query)
        await context.bot.send_message(chat_id, texts.t("sf_no_thanks"))
        if subscriber.on_hold:  # a "No" today does not undo an earlier "Yes": they choose
            await explain_hold(context, chat_id)
    else:
        await _remove_keyboard(query)
        if not subscriber.on_hold:
            await context.bot.send_message(chat_id, texts.t("sf_not_on_hold"))
            return
        today = local_today(subscriber, now)
        # Back after a red flag: the first days are gentle release, as after high pain.
        until = safety.extend_gentle(subscriber.gentle_until, today, safety.PainSignal.HIGH)
        store.update_subscriber(chat_id, now, on_hold=False, gentle_until=until)
        log.info("safety.continued chat=%s", chat_id)
        await context.bot.send_message(chat_id, texts.t("sf_continued"))


async def _remove_keyboard(query) -> None:
    # Already without buttons (a double tap): nothing to tidy.
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(None)


# Module level, so that building several Applications (tests) adds the hook once.
onboarding.AFTER_SUBSCRIBE.append(screen_after_subscribe)


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(safety_button, pattern=r"^sf:(yes|no|go)$"))
