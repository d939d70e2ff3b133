"""/settings, /pause, /resume and /stop: changing a subscription once it is set up.

The rules (what a pause, a resume or a stop changes) are bot/subscription.py's; what is shown
is bot/views/settings.py's. Each /settings button has its own handler (bot/app.py), behind one
guard: only a subscribed person's settings change.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from telegram import Update

from bot import schedule, texts, timeparse
from bot import subscription as status_rules
from bot.flows import language
from bot.flows.onboarding import (
    SETTING_UP,
    ask_time,
    ask_zone,
    existing_subscriber,
    require_subscriber,
    reschedule,
)
from bot.flows.replies import chat_id_of, match_of, message_of, query_of, reply
from bot.flows.today import local_today
from bot.runtime import BotContext
from bot.store import Subscriber
from bot.views import settings as views
from bot.views.settings import next_text
from bot.views.telegram_io import edit_or_send, strip_buttons

log = logging.getLogger(__name__)

MAX_PAUSE_DAYS = 90


# --- /settings -------------------------------------------------------------------------------


async def settings_command(update: Update, context: BotContext) -> None:
    """Shows time, zone, status and the next reminder, with buttons to change them."""
    subscriber = await require_subscriber(update, context)
    if subscriber is None:
        return
    await message_of(update).reply_text(
        views.settings_text(subscriber, context.clock.now()),
        reply_markup=views.settings_keyboard(subscriber),
    )


async def subscriber_tap(update: Update, context: BotContext) -> Subscriber | None:
    """The guard of the /settings, /pause and /stop buttons: the tap answered, and the person's
    subscription, or None after telling them it is not set up (a button from before /stop)."""
    query = query_of(update)
    await query.answer()
    subscriber = context.store.subscriber(chat_id_of(query))
    if subscriber is None or subscriber.status in SETTING_UP:
        await reply(query, texts.t("not_subscribed"))
        return None
    return subscriber


async def change_time_pressed(update: Update, context: BotContext) -> None:
    """st:time: asks the new reminder time."""
    if (subscriber := await subscriber_tap(update, context)) is not None:
        await ask_time(context, subscriber.chat_id)


async def change_zone_pressed(update: Update, context: BotContext) -> None:
    """st:zone: asks the new time zone."""
    if (subscriber := await subscriber_tap(update, context)) is not None:
        await ask_zone(context, subscriber.chat_id)


async def followup_pressed(update: Update, context: BotContext) -> None:
    """st:followup: turns the evening nudge on or off, redraws the screen and says when."""
    if (subscriber := await subscriber_tap(update, context)) is None:
        return
    store, now, chat_id = context.store, context.clock.now(), subscriber.chat_id
    store.set_followup(chat_id, now, not subscriber.followup)
    subscriber = existing_subscriber(context, chat_id)
    query = query_of(update)
    await edit_or_send(
        query, views.settings_text(subscriber, now), views.settings_keyboard(subscriber)
    )
    await reply(query, views.followup_text(subscriber))


async def pause_setting_pressed(update: Update, context: BotContext) -> None:
    """st:pause: asks for how long."""
    if (subscriber := await subscriber_tap(update, context)) is not None:
        await ask_pause(context, subscriber.chat_id)


async def resume_setting_pressed(update: Update, context: BotContext) -> None:
    """st:resume: ends the pause."""
    if (subscriber := await subscriber_tap(update, context)) is not None:
        await resume(context, subscriber.chat_id)


async def stop_setting_pressed(update: Update, context: BotContext) -> None:
    """st:stop: asks before stopping the reminders."""
    if (subscriber := await subscriber_tap(update, context)) is not None:
        await ask_stop(context, subscriber.chat_id)


async def language_setting_pressed(update: Update, context: BotContext) -> None:
    """st:language: the same question as /language."""
    if (subscriber := await subscriber_tap(update, context)) is not None:
        await language.ask_language(context, subscriber.chat_id)


async def settings_other(update: Update, context: BotContext) -> None:
    """Any other st: data (an action no longer offered, forged or garbage): the guard's answer,
    and nothing changes."""
    await subscriber_tap(update, context)


# --- /pause, /resume, /stop ------------------------------------------------------------------


async def pause_command(update: Update, context: BotContext) -> None:
    """/pause shows choices; /pause N (or "/pause 2 weeks", «/pause неделю») pauses for N days."""
    subscriber = await require_subscriber(update, context)
    if subscriber is None:
        return
    if not context.args:
        await ask_pause(context, subscriber.chat_id)
        return
    # "/pause 2 недели" as a whole; else its first word, as "/pause 3 please" always was read.
    said = " ".join(context.args)
    days = timeparse.parse_pause_days(said) or timeparse.parse_pause_days(context.args[0]) or 0
    if not 1 <= days <= MAX_PAUSE_DAYS:
        # The explanation and the choices in one message: a tap is easier than retyping.
        await ask_pause(context, subscriber.chat_id, lead=texts.t("pause_bad_days"))
        return
    await pause(context, subscriber.chat_id, days)


async def ask_pause(context: BotContext, chat_id: int, *, lead: str = "") -> None:
    text, keyboard = views.pause_question(lead)
    await context.bot.send_message(chat_id, text, reply_markup=keyboard)


async def pause_pressed(update: Update, context: BotContext) -> None:
    """pz:<days>, 0 meaning until /resume."""
    if (subscriber := await subscriber_tap(update, context)) is None:
        return
    days = int(match_of(context)["days"])
    await strip_buttons(query_of(update))
    await pause(context, subscriber.chat_id, days if 0 < days <= MAX_PAUSE_DAYS else None)


async def pause(context: BotContext, chat_id: int, days: int | None) -> None:
    """Pauses for `days` days starting today (None: until resumed); paused days never count
    as missed. A timed pause keeps `next_due_utc` at the first reminder after it, so the
    engine resumes by itself."""
    store, now = context.store, context.clock.now()
    subscriber = existing_subscriber(context, chat_id)
    today = local_today(subscriber, now)
    change = status_rules.pause(subscriber, today, days, schedule.zone(subscriber.zone or "UTC"))
    with store.atomic():
        store.apply(chat_id, change, now)
    log.info("paused chat=%s days=%s", chat_id, days)
    last = change.paused_until
    if days is None or not isinstance(last, date):
        await context.bot.send_message(chat_id, texts.t("paused_open"))
    else:
        await context.bot.send_message(
            chat_id, texts.t("paused_days", day=views.day_label(last + timedelta(days=1)))
        )


async def resume_command(update: Update, context: BotContext) -> None:
    """Ends a pause now."""
    subscriber = await require_subscriber(update, context)
    if subscriber is not None:
        await resume(context, subscriber.chat_id)


async def resume(context: BotContext, chat_id: int) -> None:
    store, now = context.store, context.clock.now()
    subscriber = existing_subscriber(context, chat_id)
    if not status_rules.allows(status_rules.Transition.RESUME, subscriber.status):
        await context.bot.send_message(
            chat_id, texts.t("not_paused", next=next_text(subscriber, now))
        )
        return
    with store.atomic():
        store.apply(chat_id, status_rules.resume(local_today(subscriber, now)), now)
    subscriber = await reschedule(context, chat_id)
    log.info("resumed chat=%s", chat_id)
    await context.bot.send_message(chat_id, texts.t("resumed", next=next_text(subscriber, now)))


async def stop_command(update: Update, context: BotContext) -> None:
    """Asks before stopping reminders (history stays)."""
    subscriber = await require_subscriber(update, context)
    if subscriber is not None:
        await ask_stop(context, subscriber.chat_id)


async def ask_stop(context: BotContext, chat_id: int) -> None:
    """Asks before stopping reminders, pointing to the practice's own Stop during one."""
    practising = context.store.active_session(chat_id) is not None
    text, keyboard = views.stop_question(practising)
    await context.bot.send_message(chat_id, text, reply_markup=keyboard)


async def stop_tap(update: Update, context: BotContext) -> Subscriber | None:
    """The guard of the stop question's buttons: answered, the question's buttons gone (either
    answer closes it), and the subscription, or None after saying nothing was stopped."""
    query = query_of(update)
    await query.answer()
    await strip_buttons(query)
    subscriber = context.store.subscriber(chat_id_of(query))
    if subscriber is None or subscriber.status in SETTING_UP:
        await reply(query, texts.t("stop_cancelled"))
        return None
    return subscriber


async def stop_confirmed(update: Update, context: BotContext) -> None:
    """sp:yes stops the reminders; the history stays."""
    if (subscriber := await stop_tap(update, context)) is None:
        return
    store, now, chat_id = context.store, context.clock.now(), subscriber.chat_id
    with store.atomic():
        store.apply(chat_id, status_rules.stop(local_today(subscriber, now)), now)
    log.info("stopped chat=%s", chat_id)
    await reply(query_of(update), texts.t("stopped"))


async def stop_declined(update: Update, context: BotContext) -> None:
    """sp:no keeps the reminders."""
    if await stop_tap(update, context) is not None:
        await reply(query_of(update), texts.t("stop_cancelled"))
