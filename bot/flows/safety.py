"""Safety replies: easing off after high or rising pain, and the weekly red-flag screen.

The rules (thresholds, when the screen is due) live in the pure `bot.safety`; this module only
says them kindly and records the answers. A "Yes" to the screen always gets the urgent-care
message first, even from an old screen message: someone reporting a red flag is never told that
a button has expired.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from telegram import InlineKeyboardMarkup, Update

from bot import safety, texts
from bot.flows.replies import chat_id_of, match_of, message_of, private_chat_of, query_of
from bot.flows.today import local_today
from bot.runtime import BotContext
from bot.store import Subscriber
from bot.texts.safety import safety_message
from bot.views.safety import continue_keyboard, screen_keyboard
from bot.views.telegram_io import strip_buttons, strip_keyboard

log = logging.getLogger(__name__)

# A screen asked before a practice carries the practice it holds back (`sf:no:daily`), so the
# answer starts it: nothing to remember in the store, and a restart loses nothing.
PRACTICE_KINDS = ("daily", "short")


# --- after a pain rating ---------------------------------------------------------------------


async def reply_to_pain(
    context: BotContext,
    chat_id: int,
    pain: int,
    today: date,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
    before_practice: bool = False,
) -> safety.PainSignal:
    """Answers high or rising pain and steps the program back to gentle release.

    Called right after a pain answer is saved. The reply points to the urgent signs at once,
    and the red-flag screen is brought forward (at most once a day) for rising pain as for
    high pain. Returns the signal (NONE: nothing was sent).
    """
    store, now = context.store, context.clock.now()
    since = today - timedelta(days=safety.RECENT_WINDOW_DAYS)
    pains = store.recent_pains(chat_id, since)
    signal = safety.assess_pain(pain, safety.pains_before(pains, today))
    if before_practice and signal is not safety.PainSignal.HIGH:
        # Before a practice only high pain steers to rest; a rise is answered at the check-in.
        return safety.PainSignal.NONE
    if signal is safety.PainSignal.NONE:
        return signal
    subscriber = store.subscriber(chat_id)
    # A row gone meanwhile still gets the pain reply below: safety first.
    current = subscriber.gentle_until if subscriber is not None else None
    until = safety.extend_gentle(current, today, signal)
    store.set_gentle_until(chat_id, now, until)
    log.info("safety.pain_reply chat=%s", chat_id)  # never the rating or the signal
    if before_practice:
        key = "sf_pain_before_practice"
    else:
        key = "sf_pain_high" if signal is safety.PainSignal.HIGH else "sf_pain_rising"
    await context.bot.send_message(chat_id, texts.t(key), reply_markup=reply_markup)
    await offer_screen_if_due(context, chat_id, high_pain=True)
    return signal


# --- the red-flag screen -----------------------------------------------------------------------


async def ask_screen(context: BotContext, chat_id: int, *, then: str | None = None) -> None:
    """Sends the red-flag questions with their buttons. With `then` (a practice kind) that
    practice waits for the answer: "No" or "only the second list" starts it."""
    text = safety_message("sf_screen", _zone(context, chat_id))
    if then in PRACTICE_KINDS:
        text += "\n\n" + texts.t("sf_screen_waiting")
    await context.bot.send_message(chat_id, text, reply_markup=screen_keyboard(then))
    now = context.clock.now()
    context.store.mark_screen_offered(chat_id, now)
    log.info("safety.screen_offered chat=%s", chat_id)


async def offer_screen_if_due(
    context: BotContext, chat_id: int, *, high_pain: bool = False, then: str | None = None
) -> bool:
    """Asks the red-flag question when it is due (weekly, or sooner after high pain); True if
    it went out. With `then`, that practice waits for the answer."""
    subscriber = context.store.subscriber(chat_id)
    if subscriber is None or not safety.screen_due(
        subscriber.last_screen_utc,
        context.clock.now(),
        high_pain=high_pain,
        offered_utc=subscriber.screen_offered_utc,
    ):
        return False
    await ask_screen(context, chat_id, then=then)
    return True


async def screen_after_subscribe(context: BotContext, chat_id: int) -> None:
    """Runs after a person subscribes (Runtime.after_subscribe): the first red-flag screen
    follows the welcome."""
    await offer_screen_if_due(context, chat_id)


async def explain_hold(context: BotContext, chat_id: int) -> None:
    """Says the program is paused after a red-flag answer, repeats the urgent-care advice, and
    offers the button that lets the person continue."""
    text = safety_message("sf_on_hold", _zone(context, chat_id))
    await context.bot.send_message(chat_id, text, reply_markup=continue_keyboard())


def _zone(context: BotContext, chat_id: int) -> str | None:
    """The person's time zone, which says whom to call in an emergency (None: not set yet)."""
    subscriber = context.store.subscriber(chat_id)
    return subscriber.zone if subscriber else None


async def screen_tap(update: Update, context: BotContext) -> Subscriber | None:
    """The guard of the red-flag screen's buttons: the tap answered, and the person's row, or
    None after saying the button has expired. However old the screen, an answer reaches its
    action (bot/keyboards.ALWAYS_CURRENT): "Yes" must get the urgent advice."""
    query = query_of(update)
    await query.answer()
    chat_id = chat_id_of(query)
    subscriber = context.store.subscriber(chat_id)
    if subscriber is None:
        await context.bot.send_message(chat_id, texts.t("button_expired"))
    return subscriber


async def red_flag_pressed(update: Update, context: BotContext) -> None:
    """sf:yes: the urgent advice first, then practice is held until they choose to continue."""
    if (subscriber := await screen_tap(update, context)) is None:
        return
    store, now, chat_id = context.store, context.clock.now(), subscriber.chat_id
    # Recorded first, so the hold holds even if a send fails; then the urgent message is
    # the first thing the person sees, before the buttons are tidied or anything else.
    # A practice under way ends with it: no "time's up, next step" after "don't practise".
    with store.atomic():
        store.record_screen(chat_id, now, "yes")
        store.hold(chat_id, now)
        session = store.active_session(chat_id)
        store.abandon_sessions(chat_id)
    log.info("safety.screen_answered chat=%s", chat_id)  # never the answer
    await context.bot.send_message(chat_id, safety_message("sf_urgent", subscriber.zone))
    await strip_buttons(query_of(update))
    if session is not None:
        await strip_keyboard(context.bot, chat_id, session.message_id)
    await context.bot.send_message(
        chat_id, texts.t("sf_hold_set"), reply_markup=continue_keyboard()
    )


async def no_red_flag_pressed(update: Update, context: BotContext) -> None:
    """sf:no and sf:soon (optionally `:daily`/`:short`, the practice waiting on the answer):
    thanks, and the practice goes ahead unless an earlier "Yes" still holds it."""
    if (subscriber := await screen_tap(update, context)) is None:
        return
    store, now, chat_id = context.store, context.clock.now(), subscriber.chat_id
    match = match_of(context)
    action, then = match["action"], match["then"] or ""
    store.record_screen(chat_id, now, action)
    log.info("safety.screen_answered chat=%s", chat_id)
    await strip_buttons(query_of(update))
    thanks = "sf_no_thanks" if action == "no" else "sf_see_doctor"
    await context.bot.send_message(chat_id, texts.t(thanks))
    if subscriber.on_hold:  # a "No" today does not undo an earlier "Yes": they choose
        await explain_hold(context, chat_id)
    elif then in PRACTICE_KINDS:
        # Imported here: the practice flow imports this module to ask the screen.
        from bot.flows.practice import begin_program

        await begin_program(context, chat_id, kind=then, screened=True)


async def continue_pressed(update: Update, context: BotContext) -> None:
    """sf:go: practice again after a hold, starting gently."""
    if (subscriber := await screen_tap(update, context)) is None:
        return
    store, now, chat_id = context.store, context.clock.now(), subscriber.chat_id
    await strip_buttons(query_of(update))
    if not subscriber.on_hold:
        await context.bot.send_message(chat_id, texts.t("sf_not_on_hold"))
        return
    today = local_today(subscriber, now)
    # Back after a red flag: the first days are gentle release, as after high pain.
    until = safety.extend_gentle(subscriber.gentle_until, today, safety.PainSignal.HIGH)
    store.end_hold(chat_id, now, gentle_until=until)
    log.info("safety.continued chat=%s", chat_id)
    await context.bot.send_message(chat_id, texts.t("sf_continued"))


async def safety_command(update: Update, context: BotContext) -> None:
    """/safety: the disclaimer, the urgent and see-a-doctor signs, and when to ask first."""
    zone = _zone(context, private_chat_of(update))
    await message_of(update).reply_text(safety_message("safety_info", zone))
