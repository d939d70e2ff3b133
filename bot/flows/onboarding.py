"""Subscribing and settings: /start, time zone, reminder time, /settings, /pause, /resume, /stop.

Every answer is written to the store at once and the next question is stored as the person's
`awaiting` step, so a restart in the middle of setting up resumes at the same question.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import zoneinfo
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatAction
from telegram.ext import Application

from bot import i18n, keyboards, schedule, texts, timeparse, zones
from bot import subscription as status_rules
from bot.buttons import (
    PauseButton,
    PracticeButton,
    SettingsButton,
    StopButton,
    TimeButton,
    ZoneButton,
)
from bot.errors import BotError
from bot.flows import language
from bot.flows.common import more_keyboard
from bot.flows.replies import reply
from bot.flows.today import local_today
from bot.places import CityMatch
from bot.runtime import BotContext
from bot.store import Status, Subscriber
from bot.texts import formats
from bot.views.telegram_io import strip_buttons

log = logging.getLogger(__name__)

COMMON_TIMES = ("07:00", "07:30", "08:00", "12:30", "17:30", "18:00", "19:00", "20:00", "21:00")
MAX_PAUSE_DAYS = 90
SETTING_UP = status_rules.SETTING_UP
SETUP_STEPS = frozenset({"zone", "time"})


# --- /start and the two questions ----------------------------------------------------------


async def start(update: Update, context: BotContext) -> None:
    """Greets the person, then asks for their time zone (or says what is already set).

    Someone coming back after /stop (or after blocking the bot) keeps their time zone and is
    asked only for the time, with their old one a tap away.
    """
    store, now = context.store, context.clock.now()
    chat_id = update.effective_chat.id
    # First contact: the language this update is in (bot/flows/language.py) is theirs now.
    subscriber, created = store.ensure_subscriber(chat_id, now, i18n.current_language())
    message = update.effective_message
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
    keyboard = ReplyKeyboardMarkup(
        [
            [KeyboardButton(texts.t("btn_share_location"), request_location=True)],
            [texts.t("btn_pick_from_list")],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await context.bot.send_message(chat_id, texts.t("ask_zone"), reply_markup=keyboard)


async def zone_answer(update: Update, context: BotContext, subscriber: Subscriber) -> None:
    """Reads a shared location, a city or an offset, then confirms the zone."""
    message = update.effective_message
    place = None  # the city the zone was found from, named in the confirmation
    try:
        if message.location:
            zone = zones.zone_from_location(message.location.latitude, message.location.longitude)
        elif message.text in texts.in_every_language("btn_pick_from_list"):
            picks = [
                InlineKeyboardButton(label, callback_data=ZoneButton(name).pack())
                for label, name in zones.common_zones()
            ]
            buttons = [picks[i : i + 2] for i in range(0, len(picks), 2)]  # two a row: shorter
            await message.reply_text(
                texts.t("pick_zone"), reply_markup=InlineKeyboardMarkup(buttons)
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
    buttons = [
        [
            InlineKeyboardButton(
                zones.city_label(city, typed), callback_data=ZoneButton(city.zone).pack()
            )
        ]
        for city in choices
    ]
    buttons.append(
        [InlineKeyboardButton(texts.t("zone_none_of_these"), callback_data=ZoneButton("").pack())]
    )
    await message.reply_text(texts.t("zone_choices"), reply_markup=InlineKeyboardMarkup(buttons))


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
    current = context.store.subscriber(chat_id).remind_at
    times = [at for at in COMMON_TIMES if at != current]
    rows = [times[i : i + 3] for i in range(0, len(times), 3)]
    buttons = [
        [InlineKeyboardButton(at, callback_data=TimeButton(at).pack()) for at in row]
        for row in rows
    ]
    if current:
        keep = texts.t("btn_keep_time", time=current)
        buttons.insert(0, [InlineKeyboardButton(keep, callback_data=TimeButton(current).pack())])
    keyboard = InlineKeyboardMarkup(buttons)
    await context.bot.send_message(chat_id, texts.t("ask_time"), reply_markup=keyboard)


async def time_answer(update: Update, context: BotContext, subscriber: Subscriber) -> None:
    """Reads a typed reminder time in any usual form."""
    message = update.effective_message
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
        button = InlineKeyboardButton(
            texts.t("start_now_button"), callback_data=PracticeButton("today").pack()
        )
        await context.bot.send_message(
            chat_id,
            texts.t("subscribed", time=subscriber.remind_at, next=next_text(subscriber, now)),
            reply_markup=InlineKeyboardMarkup([[button]]),
        )
        for hook in context.runtime.after_subscribe:
            await hook(context, chat_id)


async def onboarding_button(update: Update, context: BotContext) -> None:
    """Zone and time buttons: ob:z:<zone> and ob:t:<HH:MM>."""
    query = update.callback_query
    await query.answer()
    zone_button = ZoneButton.parse(query.data)
    time_button = TimeButton.parse(query.data)
    assert zone_button or time_button, "wired with the families' patterns (bot/app.py)"
    kind = "z" if zone_button else "t"
    value = zone_button.zone if zone_button else time_button.at if time_button else ""
    store, now = context.store, context.clock.now()
    subscriber, _ = store.ensure_subscriber(query.message.chat.id, now)
    if kind == "z":
        if not value:
            await reply(query, texts.t("zone_retry"))
            return
        if value not in _zone_names():
            return  # forged data: nothing to change
        await set_zone(context, subscriber, value)
    else:
        try:
            at = time.fromisoformat(value)
        except ValueError:
            return
        await set_time(context, subscriber, at)
    # Answered: the question's buttons go, so no later tap can answer it again.
    await keyboards.close(context.bot, store, query.message.chat.id, query.message.message_id, now)


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


# --- next reminder ---------------------------------------------------------------------------


def next_text(subscriber: Subscriber, now: datetime) -> str:
    if subscriber.next_due_utc is None or not subscriber.zone:
        return texts.t("next_none")
    return schedule.describe_next(subscriber.next_due_utc, schedule.zone(subscriber.zone), now)


async def reschedule(context: BotContext, chat_id: int, *, announce: bool = False) -> Subscriber:
    """Recomputes the next reminder after a change; today counts if the time is still ahead."""
    store, now = context.store, context.clock.now()
    subscriber = store.subscriber(chat_id)
    if subscriber.status is Status.ACTIVE and subscriber.zone and subscriber.remind_at:
        due = status_rules.next_reminder(
            time.fromisoformat(subscriber.remind_at),
            schedule.zone(subscriber.zone),
            now,
            reminded_today=store.has_delivery(chat_id, local_today(subscriber, now), "reminder"),
        )
        store.set_next_due(chat_id, now, due)
        subscriber = store.subscriber(chat_id)
    if announce:
        await context.bot.send_message(
            chat_id, texts.t("settings_saved", next=next_text(subscriber, now))
        )
    return subscriber


# --- /settings -------------------------------------------------------------------------------


async def settings_command(update: Update, context: BotContext) -> None:
    """Shows time, zone, status and the next reminder, with buttons to change them."""
    subscriber = await require_subscriber(update, context)
    if subscriber is None:
        return
    await update.effective_message.reply_text(
        settings_text(subscriber, context.clock.now()), reply_markup=settings_keyboard(subscriber)
    )


def settings_text(subscriber: Subscriber, now: datetime) -> str:
    if subscriber.status is Status.PAUSED and subscriber.paused_until:
        back = subscriber.paused_until + timedelta(days=1)
        status = texts.t("status_paused_until", day=_day_label(back))
    else:
        status = texts.t(f"status_{subscriber.status.value}")
    return texts.t(
        "settings",
        time=subscriber.remind_at,
        zone=zones.zone_label(subscriber.zone, now),
        status=status,
        next=next_text(subscriber, now),
        followup=texts.t("on" if subscriber.followup else "off"),
        followup_at=texts.Safe(_followup_at(subscriber)),
    )


def _followup_at(subscriber: Subscriber) -> str:
    if not subscriber.remind_at:
        return ""
    at = schedule.followup_time(time.fromisoformat(subscriber.remind_at))
    return texts.t("followup_at", time=formats.time_label(at)) if at else ""


def followup_text(subscriber: Subscriber) -> str:
    """Says exactly when the nudge comes, so the promise holds for every reminder time."""
    if not subscriber.followup:
        return texts.t("followup_off")
    at = schedule.followup_time(time.fromisoformat(subscriber.remind_at or "00:00"))
    if at is None:
        return texts.t("followup_on_none")
    return texts.t("followup_on", time=formats.time_label(at))


def settings_keyboard(subscriber: Subscriber) -> InlineKeyboardMarkup:
    paused = subscriber.status is Status.PAUSED
    followup = "btn_followup_off" if subscriber.followup else "btn_followup_on"
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.t("btn_change_time"), callback_data=SettingsButton("time").pack()
                ),
                InlineKeyboardButton(
                    texts.t("btn_change_zone"), callback_data=SettingsButton("zone").pack()
                ),
            ],
            [
                InlineKeyboardButton(
                    texts.t(followup), callback_data=SettingsButton("followup").pack()
                )
            ],
            [
                InlineKeyboardButton(
                    texts.t("btn_resume" if paused else "btn_pause"),
                    callback_data=SettingsButton("resume" if paused else "pause").pack(),
                ),
                InlineKeyboardButton(
                    texts.t("btn_stop"), callback_data=SettingsButton("stop").pack()
                ),
            ],
            [
                InlineKeyboardButton(
                    texts.t("btn_language"), callback_data=SettingsButton("language").pack()
                )
            ],
        ]
    )


async def settings_button(update: Update, context: BotContext) -> None:
    """st:time | st:zone | st:followup | st:pause | st:resume | st:stop | st:language"""
    query = update.callback_query
    await query.answer()
    store, now = context.store, context.clock.now()
    chat_id = query.message.chat.id
    subscriber = store.subscriber(chat_id)
    if subscriber is None or subscriber.status in SETTING_UP:
        await reply(query, texts.t("not_subscribed"))
        return
    button = SettingsButton.parse(query.data)
    action = button.action if button else ""
    if action == "time":
        await ask_time(context, chat_id)
    elif action == "zone":
        await ask_zone(context, chat_id)
    elif action == "followup":
        store.set_followup(chat_id, now, not subscriber.followup)
        subscriber = store.subscriber(chat_id)
        await query.edit_message_text(
            settings_text(subscriber, now), reply_markup=settings_keyboard(subscriber)
        )
        await reply(query, followup_text(subscriber))
    elif action == "pause":
        await ask_pause(context, chat_id)
    elif action == "resume":
        await resume(context, chat_id)
    elif action == "stop":
        await ask_stop(context, chat_id)
    elif action == "language":
        await language.ask_language(context, chat_id)


async def require_subscriber(update: Update, context: BotContext) -> Subscriber | None:
    """The person's subscription, or None after saying what to do first (see `subscription`)."""
    return await subscription(context, update.effective_chat.id)


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
    choices = [(texts.t("pause_day_button"), PauseButton(1).pack())] + [
        (texts.t("pause_days_button", n=n), PauseButton(n).pack()) for n in (3, 7, 14)
    ]
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in choices],
            [
                InlineKeyboardButton(
                    texts.t("pause_until_resume"), callback_data=PauseButton(0).pack()
                )
            ],
        ]
    )
    text = f"{lead}\n\n{texts.t('ask_pause')}" if lead else texts.t("ask_pause")
    await context.bot.send_message(chat_id, text, reply_markup=keyboard)


async def pause_button(update: Update, context: BotContext) -> None:
    """pz:<days>, 0 meaning until /resume."""
    query = update.callback_query
    await query.answer()
    subscriber = context.store.subscriber(query.message.chat.id)
    if subscriber is None or subscriber.status in SETTING_UP:
        await reply(query, texts.t("not_subscribed"))
        return
    button = PauseButton.parse(query.data)
    days = button.days if button else 0
    await strip_buttons(query)
    await pause(context, subscriber.chat_id, days if 0 < days <= MAX_PAUSE_DAYS else None)


async def pause(context: BotContext, chat_id: int, days: int | None) -> None:
    """Pauses for `days` days starting today (None: until resumed); paused days never count
    as missed. A timed pause keeps `next_due_utc` at the first reminder after it, so the
    engine resumes by itself."""
    store, now = context.store, context.clock.now()
    subscriber = store.subscriber(chat_id)
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
            chat_id, texts.t("paused_days", day=_day_label(last + timedelta(days=1)))
        )


async def resume_command(update: Update, context: BotContext) -> None:
    """Ends a pause now."""
    subscriber = await require_subscriber(update, context)
    if subscriber is not None:
        await resume(context, subscriber.chat_id)


async def resume(context: BotContext, chat_id: int) -> None:
    store, now = context.store, context.clock.now()
    subscriber = store.subscriber(chat_id)
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
    """Asks before stopping reminders. Someone in the middle of a practice who sends /stop
    may mean the practice (it hurts): they are told where that Stop is."""
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.t("stop_yes"), callback_data=StopButton(True).pack())],
            [InlineKeyboardButton(texts.t("stop_no"), callback_data=StopButton(False).pack())],
        ]
    )
    text = texts.t("ask_stop")
    if context.store.active_session(chat_id) is not None:
        text = f"{texts.t('stop_practice_hint')}\n\n{text}"
    await context.bot.send_message(chat_id, text, reply_markup=keyboard)


async def stop_button(update: Update, context: BotContext) -> None:
    """sp:yes stops reminders; sp:no keeps them."""
    query = update.callback_query
    await query.answer()
    store, now = context.store, context.clock.now()
    chat_id = query.message.chat.id
    await strip_buttons(query)
    subscriber = store.subscriber(chat_id)
    button = StopButton.parse(query.data)
    if (button and not button.confirmed) or subscriber is None or subscriber.status in SETTING_UP:
        await reply(query, texts.t("stop_cancelled"))
        return
    with store.atomic():
        store.apply(chat_id, status_rules.stop(local_today(subscriber, now)), now)
    log.info("stopped chat=%s", chat_id)
    await reply(query, texts.t("stopped"))


def _day_label(day: date) -> str:
    return formats.day_label(day)


async def warm_up_zones(application: Application) -> None:
    # Location polygons take a moment to load: in a thread in the background, so start-up
    # is not held up by them.
    application.bot_data["zones_warm_up"] = asyncio.create_task(asyncio.to_thread(zones.warm_up))
