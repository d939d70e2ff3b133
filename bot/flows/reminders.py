"""The daily reminder and its buttons: Start now, Later (snooze), Skip today, 5-minute version.

The sender decides when; this module decides what a reminder, a snoozed reminder and the
optional follow-up say, and whether they should still go out at all.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application

from bot import schedule, sender, texts
from bot.buttons import PracticeButton, ReminderButton
from bot.delivery_policy import why_not_send
from bot.flows.replies import reply
from bot.flows.today import local_today, todays_plan
from bot.program import note_of_the_day
from bot.runtime import BotContext, runtime_of
from bot.store import Delivery, Store, Subscriber
from bot.texts import formats
from bot.views.telegram_io import strip_buttons

log = logging.getLogger(__name__)

SNOOZE_MINUTES = (15, 30, 60)


def reminder_keyboard(delivery_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.t("btn_start"), callback_data=PracticeButton("today").pack()
                )
            ],
            [
                InlineKeyboardButton(
                    texts.t("btn_later"),
                    callback_data=ReminderButton("later", delivery_id).pack(),
                ),
                InlineKeyboardButton(
                    texts.t("btn_skip"),
                    callback_data=ReminderButton("skip", delivery_id).pack(),
                ),
            ],
            [
                InlineKeyboardButton(
                    texts.t("btn_short"), callback_data=PracticeButton("short").pack()
                )
            ],
        ]
    )


def snooze_choices(local_now: datetime) -> tuple[int, ...]:
    """The snoozes that still end today: one past midnight would bring tomorrow's plan."""
    return tuple(
        minutes
        for minutes in SNOOZE_MINUTES
        if (local_now + timedelta(minutes=minutes)).date() == local_now.date()
    )


def snooze_keyboard(delivery_id: int, choices: tuple[int, ...]) -> InlineKeyboardMarkup:
    def label(minutes: int) -> str:
        if minutes == 60:
            return texts.t("snooze_hour")
        return texts.t("snooze_minutes", minutes=minutes)

    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label(m), callback_data=ReminderButton("snooze", delivery_id, m).pack()
                )
                for m in choices
            ],
            [
                InlineKeyboardButton(
                    texts.t("btn_back"), callback_data=ReminderButton("back", delivery_id).pack()
                )
            ],
        ]
    )


def reminder_text(application: Application, subscriber: Subscriber, now: datetime) -> str:
    runtime = runtime_of(application)
    today = local_today(subscriber, now)
    library = runtime.library_in()  # the subscriber's language, set by the fan-out
    plan = todays_plan(runtime.store, library, subscriber, today)
    note = note_of_the_day(library, today)
    if plan.gentle:
        return texts.t("reminder_gentle", title=plan.title, minutes=plan.minutes, note=note)
    intro = f"{plan.phase_intro}\n" if plan.phase_intro else ""
    return texts.t(
        "reminder",
        day=plan.day_number,
        phase=plan.phase_title,
        title=plan.title,
        minutes=plan.minutes,
        intro=intro,
        note=note,
    )


class _DayInStore:
    """The delivery's day as the store knows it, asked only when the rule needs it."""

    def __init__(self, store: Store, chat_id: int, day: date) -> None:
        self.store, self.chat_id, self.day = store, chat_id, day

    def practised(self) -> bool:
        return self.store.practised_on(self.chat_id, self.day)

    def started(self) -> bool:
        return self.store.started_on(self.chat_id, self.day)

    def skipped(self) -> bool:
        return self.store.has_delivery(self.chat_id, self.day, "skip")


def _why_not(application: Application, delivery: Delivery, subscriber: Subscriber) -> str | None:
    """The reason a reminder-like message should not go out any more (bot/delivery_policy.py)."""
    store = runtime_of(application).store
    return why_not_send(
        delivery.kind,
        subscriber.status,
        on_hold=subscriber.on_hold,
        followup_on=subscriber.followup,
        day=_DayInStore(store, subscriber.chat_id, delivery.local_date),
    )


async def compose_reminder(
    application: Application, delivery: Delivery, subscriber: Subscriber
) -> sender.Outgoing | sender.Skip:
    """The day's reminder, and the same again after a snooze with a line in front."""
    reason = _why_not(application, delivery, subscriber)
    if reason:
        return sender.Skip(reason)
    text = reminder_text(application, subscriber, runtime_of(application).clock.now())
    if delivery.kind == "snooze":
        text = texts.t("snooze_reminder") + "\n\n" + text
    return sender.Outgoing(text, reminder_keyboard(delivery.id))


async def compose_followup(
    application: Application, delivery: Delivery, subscriber: Subscriber
) -> sender.Outgoing | sender.Skip:
    reason = _why_not(application, delivery, subscriber)
    if reason:
        return sender.Skip(reason)
    return sender.Outgoing(texts.t("followup"), reminder_keyboard(delivery.id))


def plan_followup(
    application: Application, subscriber: Subscriber, due: datetime, now: datetime
) -> None:
    """With the day's reminder, records the one optional follow-up a few hours later."""
    if not subscriber.followup:
        return
    zone = schedule.zone(subscriber.zone)
    local_due = schedule.local_now(zone, due)
    wall = schedule.followup_time(local_due.time().replace(second=0, microsecond=0))
    if wall is None:
        return  # so close to midnight that it would land on the next day (settings say so)
    at = schedule.next_due_utc(wall, zone, due)
    if schedule.local_date(at, zone) == local_due.date():
        runtime_of(application).store.add_delivery(
            subscriber.chat_id, local_due.date(), "followup", at
        )


async def reminder_button(update: Update, context: BotContext) -> None:
    """rm:later|back|skip:<delivery id> and rm:snooze:<delivery id>:<minutes>."""
    query = update.callback_query
    button = ReminderButton.parse(query.data)
    assert button is not None, "wired with the family's pattern (bot/app.py)"
    store, now = context.store, context.clock.now()
    chat_id = query.message.chat.id
    delivery = store.delivery(button.delivery_id)
    subscriber = store.subscriber(chat_id)
    if delivery is None or delivery.chat_id != chat_id or subscriber is None:
        await query.answer(texts.t("button_expired"))
        return
    today = local_today(subscriber, now)
    if delivery.local_date != today:
        await query.answer()
        await strip_buttons(query)
        await reply(query, texts.t("old_reminder"))
        return
    action = button.action
    local_now = schedule.local_now(schedule.zone(subscriber.zone), now)
    choices = snooze_choices(local_now)
    if action == "later" and not choices:
        await query.answer(texts.t("snooze_too_late"), show_alert=True)
        return
    await query.answer()
    if action == "later":
        await query.edit_message_reply_markup(snooze_keyboard(delivery.id, choices))
    elif action == "back":
        await query.edit_message_reply_markup(reminder_keyboard(delivery.id))
    elif action == "snooze":
        minutes = button.minutes or 0
        if minutes not in choices:  # forged, or it got too late meanwhile
            await query.edit_message_reply_markup(reminder_keyboard(delivery.id))
            return
        at = now + timedelta(minutes=minutes)
        store.add_delivery(chat_id, today, "snooze", at, replace=True)
        await strip_buttons(query)
        local = formats.time_label(schedule.local_now(schedule.zone(subscriber.zone), at).time())
        await reply(query, texts.t("snoozed", time=local))
        log.info("reminder.snoozed chat=%s minutes=%s", chat_id, minutes)
    elif action == "skip":
        store.add_delivery(
            chat_id, today, "skip", now, status="skipped", reason="the person chose to skip today"
        )
        await strip_buttons(query)
        await reply(query, texts.t("skipped_today"))
        log.info("reminder.skipped chat=%s", chat_id)
