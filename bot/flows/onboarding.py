"""Subscribing: /start, the time zone and the reminder time (/settings, /pause, /resume and
/stop are in bot/flows/settings.py).

Every answer is written to the store at once and the next question is stored as the person's
`awaiting` step, so a restart in the middle of setting up resumes at the same question.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import zoneinfo
from collections.abc import Sequence
from datetime import time

from telegram import (
    Message,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatAction
from telegram.ext import Application

from bot import i18n, keyboards, schedule, texts, timeparse, zones
from bot import subscription as status_rules
from bot.errors import BotError
from bot.flows.common import more_keyboard
from bot.flows.replies import chat_id_of, match_of, message_of, private_chat_of, query_of, reply
from bot.flows.today import local_today
from bot.places import CityMatch
from bot.runtime import BotContext
from bot.store import Status, Subscriber
from bot.texts import formats
from bot.views import settings as views
from bot.views.settings import next_text

log = logging.getLogger(__name__)

COMMON_TIMES = ("07:00", "07:30", "08:00", "12:30", "17:30", "18:00", "19:00", "20:00", "21:00")
SETTING_UP = status_rules.SETTING_UP
SETUP_STEPS = frozenset({"zone", "time"})


# --- /start and the two questions ----------------------------------------------------------


async def start(update: Update, context: BotContext) -> None:
    """Greets the person, then asks for their time zone (or says what is already set).

    Someone coming back after /stop (or after blocking the bot) keeps their time zone and is
    asked only for the time, with their old one a tap away.
    """
    store, now = context.store, context.clock.now()
    chat_id = private_chat_of(update)
    # First contact: the language this update is in (bot/flows/language.py) is theirs now.
    subscriber, created = store.ensure_subscriber(chat_id, now, i18n.current_language())
    message = message_of(update)
    first_name = update.effective_user.first_name if update.effective_user else ""
    name_part = f", {first_name}" if first_name else ""
    log.info("start chat=%s new=%s status=%s", chat_id, created, subscriber.status.value)
    returning = subscriber.status in {Status.STOPPED, Status.BLOCKED}
    if returning and subscriber.zone:
        zone = zones.zone_label(subscriber.zone, now)
        await message.reply_text(texts.t("welcome_back_zone", name_part=name_part, zone=zone))
    elif returning:
        await message.reply_text(texts.t("welcome_back", name_part=name_part))
    elif subscriber.status is Status.NEW:
        # Greet once: not again when /start is sent in the middle of setting up, but also when
        # the person tried a practice first (their step is then the practice's, not setup's).
        if subscriber.awaiting not in SETUP_STEPS:
            await message.reply_text(
                texts.t("welcome", name_part=name_part), reply_markup=more_keyboard("welcome")
            )
    elif subscriber.status is Status.PAUSED:
        await message.reply_text(texts.t("already_paused"))
        return
    else:
        await message.reply_text(texts.t("already_subscribed", next=next_text(subscriber, now)))
        return
    if subscriber.zone and (returning or subscriber.awaiting == "time"):
        await ask_time(context, chat_id)
    else:
        await ask_zone(context, chat_id)


async def ask_zone(context: BotContext, chat_id: int) -> None:
    context.store.set_awaiting(chat_id, context.clock.now(), "zone")
    await context.bot.send_message(
        chat_id, texts.t("ask_zone"), reply_markup=views.location_keyboard()
    )


async def zone_answer(update: Update, context: BotContext, subscriber: Subscriber) -> None:
    """Reads a shared location, a city or an offset, then confirms the zone."""
    message = message_of(update)
    place = None  # the city the zone was found from, named in the confirmation
    try:
        if message.location:
            zone = zones.zone_from_location(message.location.latitude, message.location.longitude)
        elif message.text and message.text in texts.in_every_language("btn_pick_from_list"):
            await message.reply_text(
                texts.t("pick_zone"), reply_markup=views.common_zones_keyboard()
            )
            return
        elif message.text:
            if not context.runtime.places_ready:  # a first start builds the city index (~3 s)
                await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
            lookup = zones.resolve_zone_text(message.text, await context.runtime.places())
            if lookup.zone is None:
                await offer_choices(message, lookup.choices, lookup.typed)
                return
            zone = lookup.zone
            place = zones.city_label(lookup.city, lookup.typed) if lookup.city else None
        else:
            await message.reply_text(texts.t("zone_not_text"))
            return
    except BotError as err:
        await message.reply_text(err.user_message)
        return
    await set_zone(context, subscriber, zone, place=place)


async def offer_choices(message: Message, choices: Sequence[CityMatch], typed: str | None) -> None:
    keyboard = views.city_choices_keyboard(choices, typed)
    await message.reply_text(texts.t("zone_choices"), reply_markup=keyboard)


async def set_zone(
    context: BotContext, subscriber: Subscriber, zone_name: str, *, place: str | None = None
) -> None:
    """Saves the zone and confirms it, with the city it was found from (`place`) if one."""
    store, now = context.store, context.clock.now()
    chat_id = subscriber.chat_id
    local_time = formats.time_label(schedule.local_now(schedule.zone(zone_name), now).time())
    setting_up = subscriber.status in SETTING_UP
    store.set_zone(chat_id, now, zone_name, awaiting="time" if setting_up else None)
    await context.bot.send_message(
        chat_id,
        texts.t(
            "zone_set",
            zone=zones.zone_label(zone_name, now, place),
            local_time=local_time,
        ),
        reply_markup=ReplyKeyboardRemove(),
    )
    log.info("zone.set chat=%s", chat_id)
    if setting_up:
        await ask_time(context, chat_id)
    else:
        await reschedule(context, chat_id, announce=True)


async def ask_time(context: BotContext, chat_id: int) -> None:
    """The time question; someone who had a time already can keep it with one tap (a mistaken
    "Change time" is then no dead end)."""
    context.store.set_awaiting(chat_id, context.clock.now(), "time")
    subscriber = context.store.subscriber(chat_id)
    current = subscriber.remind_at if subscriber is not None else None
    keyboard = views.time_keyboard(COMMON_TIMES, current)
    await context.bot.send_message(chat_id, texts.t("ask_time"), reply_markup=keyboard)


async def time_answer(update: Update, context: BotContext, subscriber: Subscriber) -> None:
    """Reads a typed reminder time in any usual form."""
    message = message_of(update)
    if not message.text:
        await message.reply_text(texts.t("time_not_text"))
        return
    try:
        at = timeparse.parse_local_time(message.text)
    except BotError as err:
        await message.reply_text(err.user_message)
        return
    await set_time(context, subscriber, at)


async def set_time(context: BotContext, subscriber: Subscriber, at: time) -> None:
    store, now = context.store, context.clock.now()
    chat_id = subscriber.chat_id
    if not subscriber.zone:  # a stale time button from before the zone question
        await ask_zone(context, chat_id)
        return
    setting_up = subscriber.status in SETTING_UP
    store.set_reminder_time(chat_id, now, timeparse.format_time(at), subscribe=setting_up)
    subscriber = await reschedule(context, chat_id, announce=not setting_up)
    if setting_up:
        log.info("subscribed chat=%s", chat_id)
        await context.bot.send_message(
            chat_id,
            texts.t("subscribed", time=subscriber.remind_at, next=next_text(subscriber, now)),
            reply_markup=views.start_now_keyboard(),
        )
        for hook in context.runtime.after_subscribe:
            await hook(context, chat_id)


async def setup_tap(update: Update, context: BotContext) -> Subscriber:
    """The guard of the zone and time buttons: answered, and a row to save the choice on (a
    button from before /start still works)."""
    query = query_of(update)
    await query.answer()
    subscriber, _ = context.store.ensure_subscriber(chat_id_of(query), context.clock.now())
    return subscriber


async def zone_pressed(update: Update, context: BotContext) -> None:
    """ob:z:<zone>: saves the zone; an empty one is "none of these", asked again."""
    subscriber = await setup_tap(update, context)
    zone = match_of(context)["zone"]
    if not zone:
        await reply(query_of(update), texts.t("zone_retry"))
        return
    if zone not in _zone_names():
        return  # forged data: nothing to change
    await set_zone(context, subscriber, zone)
    await _close_question(update, context)


async def time_pressed(update: Update, context: BotContext) -> None:
    """ob:t:<HH:MM>: saves the reminder time."""
    subscriber = await setup_tap(update, context)
    try:
        at = time.fromisoformat(match_of(context)["at"])
    except ValueError:  # 25:99 fits the grammar
        return
    await set_time(context, subscriber, at)
    await _close_question(update, context)


async def _close_question(update: Update, context: BotContext) -> None:
    """Answered: the question's buttons go, so no later tap can answer it again."""
    message = query_of(update).message
    if message is None:  # a button on an inline message: no question of ours to close
        return
    await keyboards.close(
        context.bot, context.store, message.chat.id, message.message_id, context.clock.now()
    )


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


# --- next reminder ---------------------------------------------------------------------------


async def reschedule(context: BotContext, chat_id: int, *, announce: bool = False) -> Subscriber:
    """Recomputes the next reminder after a change; today counts if the time is still ahead."""
    store, now = context.store, context.clock.now()
    subscriber = existing_subscriber(context, chat_id)
    if subscriber.status is Status.ACTIVE and subscriber.zone and subscriber.remind_at:
        due = status_rules.next_reminder(
            time.fromisoformat(subscriber.remind_at),
            schedule.zone(subscriber.zone),
            now,
            reminded_today=store.has_delivery(chat_id, local_today(subscriber, now), "reminder"),
        )
        store.set_next_due(chat_id, now, due)
        subscriber = existing_subscriber(context, chat_id)
    if announce:
        await context.bot.send_message(
            chat_id, texts.t("settings_saved", next=next_text(subscriber, now))
        )
    return subscriber


async def require_subscriber(update: Update, context: BotContext) -> Subscriber | None:
    """The person's subscription, or None after saying what to do first (see `subscription`)."""
    return await subscription(context, private_chat_of(update))


def existing_subscriber(context: BotContext, chat_id: int) -> Subscriber:
    """The person's row, for code that runs after this update's guard found or made it."""
    subscriber = context.store.subscriber(chat_id)
    if subscriber is None:  # only if the row went in the middle of the update
        raise LookupError("the subscriber row went during the update")
    return subscriber


async def subscription(
    context: BotContext, chat_id: int, *, not_subscribed: str = "not_subscribed"
) -> Subscriber | None:
    """The person's subscription; otherwise a pointer to /start, or back to the setup question
    they were answering (a command in the middle of setting up must not lose their place)."""
    subscriber = context.store.subscriber(chat_id)
    if subscriber is None or subscriber.status in SETTING_UP or not subscriber.remind_at:
        if subscriber is not None and subscriber.awaiting in SETUP_STEPS:
            await context.bot.send_message(chat_id, texts.t("need_setup"))
            await (ask_time if subscriber.awaiting == "time" else ask_zone)(context, chat_id)
        else:
            key = not_subscribed
            if subscriber is not None and subscriber.status is Status.STOPPED:
                # Someone who stopped reminders has set them up before: say so, not "set up".
                key = f"{key}_stopped" if f"{key}_stopped" in texts.MESSAGES else key
            await context.bot.send_message(chat_id, texts.t(key))
        return None
    return subscriber


async def warm_up_zones(application: Application) -> None:
    # Location polygons take a moment to load: in a thread in the background, so start-up
    # is not held up by them.
    application.bot_data["zones_warm_up"] = asyncio.create_task(asyncio.to_thread(zones.warm_up))
