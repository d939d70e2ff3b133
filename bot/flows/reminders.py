"""The daily reminder and its buttons: Start now, Later (snooze), Skip today, 5-minute version.

The sender decides when; this module decides what a reminder, a snoozed reminder and the
optional follow-up say, and whether they should still go out at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from telegram import CallbackQuery, Update
from telegram.ext import Application

from bot import schedule, sender, texts
from bot.delivery_policy import why_not_send
from bot.flows.replies import chat_id_of, match_of, query_of, reply
from bot.flows.today import local_today, todays_plan
from bot.program import note_of_the_day
from bot.runtime import BotContext, runtime_of
from bot.store import Delivery, Store, Subscriber
from bot.texts import formats
from bot.views.reminders import reminder_keyboard, snooze_keyboard
from bot.views.telegram_io import strip_buttons

log = logging.getLogger(__name__)

SNOOZE_MINUTES = (15, 30, 60)


def snooze_choices(local_now: datetime) -> tuple[int, ...]:
    """The snoozes that still end today: one past midnight would bring tomorrow's plan."""
    return tuple(
        minutes
        for minutes in SNOOZE_MINUTES
        if (local_now + timedelta(minutes=minutes)).date() == local_now.date()
    )


def reminder_text(application: Application, subscriber: Subscriber, now: datetime) -> str:
    runtime = runtime_of(application)
    today = local_today(subscriber, now)
    library = runtime.library_in()  # the subscriber's language, set by the fan-out
    plan = todays_plan(runtime.open_store, library, subscriber, today)
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
    store = runtime_of(application).open_store
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
    zone = schedule.zone(subscriber.zone or "UTC")  # UTC until chosen, as local_today
    local_due = schedule.local_now(zone, due)
    wall = schedule.followup_time(local_due.time().replace(second=0, microsecond=0))
    if wall is None:
        return  # so close to midnight that it would land on the next day (settings say so)
    at = schedule.next_due_utc(wall, zone, due)
    if schedule.local_date(at, zone) == local_due.date():
        runtime_of(application).open_store.add_delivery(
            subscriber.chat_id, local_due.date(), "followup", at
        )


@dataclass(frozen=True, slots=True)
class ReminderTap:
    """A tap on a reminder that is still today's and the person's own."""

    query: CallbackQuery
    delivery: Delivery
    subscriber: Subscriber
    today: date
    choices: tuple[int, ...]  # the snooze lengths still possible today


async def reminder_tap(update: Update, context: BotContext) -> ReminderTap | None:
    """The guard of the reminder's buttons: a delivery that is gone or another chat's is an
    expired button; yesterday's reminder loses its buttons and says so. The tap is left
    unanswered for the action, which may answer it with an alert."""
    query = query_of(update)
    store, now = context.store, context.clock.now()
    chat_id = chat_id_of(query)
    delivery = store.delivery(int(match_of(context)["id"]))
    subscriber = store.subscriber(chat_id)
    if delivery is None or delivery.chat_id != chat_id or subscriber is None:
        await query.answer(texts.t("button_expired"))
        return None
    today = local_today(subscriber, now)
    if delivery.local_date != today:
        await query.answer()
        await strip_buttons(query)
        await reply(query, texts.t("old_reminder"))
        return None
    local_now = schedule.local_now(schedule.zone(subscriber.zone or "UTC"), now)
    return ReminderTap(query, delivery, subscriber, today, snooze_choices(local_now))


async def later_pressed(update: Update, context: BotContext) -> None:
    """rm:later: offers the snooze lengths still possible today."""
    tap = await reminder_tap(update, context)
    if tap is None:
        return
    if not tap.choices:
        await tap.query.answer(texts.t("snooze_too_late"), show_alert=True)
        return
    await tap.query.answer()
    await tap.query.edit_message_reply_markup(snooze_keyboard(tap.delivery.id, tap.choices))


async def back_pressed(update: Update, context: BotContext) -> None:
    """rm:back: the reminder's own buttons again."""
    tap = await reminder_tap(update, context)
    if tap is None:
        return
    await tap.query.answer()
    await tap.query.edit_message_reply_markup(reminder_keyboard(tap.delivery.id))


async def snooze_pressed(update: Update, context: BotContext) -> None:
    """rm:snooze:<id>:<minutes>: the reminder again that much later."""
    tap = await reminder_tap(update, context)
    if tap is None:
        return
    query, chat_id, now = tap.query, tap.subscriber.chat_id, context.clock.now()
    await query.answer()
    minutes = int(match_of(context)["minutes"] or 0)
    if minutes not in tap.choices:  # forged, or it got too late meanwhile
        await query.edit_message_reply_markup(reminder_keyboard(tap.delivery.id))
        return
    at = now + timedelta(minutes=minutes)
    context.store.add_delivery(chat_id, tap.today, "snooze", at, replace=True)
    await strip_buttons(query)
    zone = schedule.zone(tap.subscriber.zone or "UTC")
    local = formats.time_label(schedule.local_now(zone, at).time())
    await reply(query, texts.t("snoozed", time=local))
    log.info("reminder.snoozed chat=%s minutes=%s", chat_id, minutes)


async def skip_pressed(update: Update, context: BotContext) -> None:
    """rm:skip: today is skipped, recorded as the person's choice."""
    tap = await reminder_tap(update, context)
    if tap is None:
        return
    query, chat_id = tap.query, tap.subscriber.chat_id
    await query.answer()
    context.store.add_delivery(
        chat_id,
        tap.today,
        "skip",
        context.clock.now(),
        status="skipped",
        reason="the person chose to skip today",
    )
    await strip_buttons(query)
    await reply(query, texts.t("skipped_today"))
    log.info("reminder.skipped chat=%s", chat_id)
