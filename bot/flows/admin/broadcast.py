"""/broadcast: an admin's message to every active subscriber, drafted, confirmed, then queued
in batches as delivery rows that the engine sends at a pace leaving room for reminders."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application

from bot import sender, texts
from bot.buttons import AdminButton
from bot.delivery_policy import why_not_send
from bot.flows.admin.shared import admin_tap, audit, close_question
from bot.flows.replies import chat_id_of, message_of, query_of, user_of
from bot.runtime import BotContext, Runtime, runtime_of
from bot.store import Broadcast, Delivery, Subscriber
from bot.views.admin import broadcast_body, confirm_keyboard

log = logging.getLogger(__name__)

BROADCAST_MAX_CHARS = 4096  # Telegram's limit for one message, in UTF-16 units
BROADCAST_BATCH = 1000  # delivery rows written per transaction
BROADCAST_PACE = 25.0  # messages a second a broadcast is planned at; reminders use the rest
AWAITING_BROADCAST = "ad_broadcast"
FIRST_CHAT = -(2**63)  # below every chat id: a broadcast's first batch starts after it


async def broadcast_command(update: Update, context: BotContext) -> None:
    """Asks for the text (or takes it from `/broadcast TEXT`), then shows a preview."""
    message = message_of(update)
    store, now = context.store, context.clock.now()
    subscriber, _ = store.ensure_subscriber(message.chat_id, now)
    _, _, text = (message.text or "").partition(" ")
    if text.strip():
        await _draft_broadcast(update, context, subscriber, text.strip())
        return
    count = store.broadcast_audience()
    if count == 0:
        await message.reply_text(texts.t("ad_broadcast_nobody"))
        return
    if subscriber.awaiting != AWAITING_BROADCAST:
        # Keep the admin's own conversation step (a check-in, say) to return to afterwards.
        keep = {"previous": subscriber.awaiting, "previous_data": subscriber.awaiting_data}
        store.set_awaiting(message.chat_id, now, AWAITING_BROADCAST, keep)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.t("ad_btn_cancel"), callback_data=AdminButton("bc", False, 0).pack()
                )
            ]
        ]
    )
    audit(update, context, "broadcast", "asked for text")
    await message.reply_text(texts.t("ad_broadcast_ask", count=count), reply_markup=keyboard)


async def broadcast_text(update: Update, context: BotContext, subscriber: Subscriber) -> None:
    """The admin typed the broadcast: preview it with Send / Cancel."""
    message = message_of(update)
    if not context.is_admin(user_of(update).id):  # no longer an admin: forget the step
        _restore_awaiting(context, subscriber)
        await message.reply_text(texts.t("free_text_idle"))
        return
    if not message.text:
        await message.reply_text(texts.t("ad_broadcast_not_text"))
        return
    await _draft_broadcast(update, context, subscriber, message.text)


async def _draft_broadcast(
    update: Update, context: BotContext, subscriber: Subscriber, text: str
) -> None:
    message = message_of(update)
    store, now = context.store, context.clock.now()
    length = len(text.encode("utf-16-le")) // 2
    if length > BROADCAST_MAX_CHARS:
        await message.reply_text(
            texts.t("ad_broadcast_too_long", length=length, limit=BROADCAST_MAX_CHARS)
        )
        return
    _restore_awaiting(context, subscriber)
    count = store.broadcast_audience()
    if count == 0:
        await message.reply_text(texts.t("ad_broadcast_nobody"))
        return
    broadcast_id = store.create_broadcast(user_of(update).id, text, now)
    await message.reply_text(broadcast_body(text))  # exactly what subscribers will get
    keyboard = confirm_keyboard(
        texts.t("ad_btn_send", count=count),
        AdminButton("bc", True, broadcast_id).pack(),
        AdminButton("bc", False, broadcast_id).pack(),
    )
    audit(update, context, "broadcast", f"draft {broadcast_id}", f"{length} characters")
    await message.reply_text(
        texts.t("ad_broadcast_preview_note", count=count), reply_markup=keyboard
    )


async def _broadcast_button(
    update: Update, context: BotContext, action: str, broadcast_id: int
) -> None:
    query = query_of(update)
    store = context.store
    if broadcast_id == 0:  # Cancel while the bot waited for the text
        subscriber = store.subscriber(chat_id_of(query))
        if subscriber is not None and subscriber.awaiting == AWAITING_BROADCAST:
            _restore_awaiting(context, subscriber)
        audit(update, context, "broadcast", "cancelled before typing")
        await close_question(query, texts.t("ad_broadcast_cancelled"))
        return
    broadcast = store.broadcast(broadcast_id)
    if broadcast is None or broadcast.admin_id != user_of(update).id:
        await close_question(query, texts.t("ad_broadcast_gone"))
        return
    if action == "no":
        moved = store.move_broadcast(broadcast_id, "draft", "cancelled")
        if moved:
            audit(update, context, "broadcast", f"cancelled {broadcast_id}")
        await close_question(
            query, texts.t("ad_broadcast_cancelled" if moved else "ad_broadcast_gone")
        )
        return
    if not store.move_broadcast(broadcast_id, "draft", "sending"):
        await close_question(query, texts.t("ad_broadcast_gone"))
        return
    count = store.broadcast_audience()
    audit(update, context, "broadcast", f"sending {broadcast_id} to {count}")
    runtime = context.runtime
    after = _queue_batch(runtime, broadcast, FIRST_CHAT, 0)  # a small broadcast: all of it
    if after is None:
        store.move_broadcast(broadcast_id, "sending", "done")
    else:
        # Thousands more: in the background, as updates are handled one at a time. A restart
        # before it ends is picked up at start-up.
        context.application.create_task(
            queue_broadcast(runtime, broadcast, after=after, batch=1),
            update=update,
            name=f"broadcast-{broadcast_id}",
        )
    await close_question(query, texts.t("ad_broadcast_queued", id=broadcast_id, count=count))


async def queue_broadcast(
    runtime: Runtime, broadcast: Broadcast, *, after: int | None = None, batch: int = 0
) -> None:
    """Writes one delivery row per active subscriber, a batch per transaction; the engine
    sends them through the same paced sender as reminders.

    The rows' local date is the broadcast's own UTC date, so a second run (after a restart
    in the middle) finds the rows already there: nobody gets it twice.
    """
    after = FIRST_CHAT if after is None else after
    while True:
        after = _queue_batch(runtime, broadcast, after, batch)
        if after is None:
            break
        batch += 1
        await asyncio.sleep(0)  # let the sender, timers and updates run between batches
    runtime.open_store.move_broadcast(broadcast.id, "sending", "done")
    log.info("broadcast.queued id=%s batches=%s", broadcast.id, batch + 1)


def _queue_batch(runtime: Runtime, broadcast: Broadcast, after: int, batch: int) -> int | None:
    """Later batches are due a little later, at BROADCAST_PACE, so a large broadcast is
    spread out and every row is sent well inside the grace window."""
    due = runtime.clock.now() + timedelta(seconds=batch * BROADCAST_BATCH / BROADCAST_PACE)
    _, after_next = runtime.open_store.queue_broadcast_batch(
        broadcast.id, broadcast.created_utc.date(), due, after_chat=after, size=BROADCAST_BATCH
    )
    return after_next


async def compose_broadcast(
    application: Application, delivery: Delivery, subscriber: Subscriber
) -> sender.Outgoing | sender.Skip:
    _, _, number = delivery.kind.partition(":")
    store = runtime_of(application).open_store
    broadcast = store.broadcast(int(number)) if number.isdigit() else None
    if broadcast is None or broadcast.status not in {"sending", "done"}:
        return sender.Skip("not sent: the broadcast is gone")
    # Paused, stopped, or put on hold after the broadcast was queued.
    reason = why_not_send("broadcast", subscriber.status, on_hold=subscriber.on_hold)
    if reason:
        return sender.Skip(reason)
    return sender.Outgoing(broadcast_body(broadcast.text))


def _restore_awaiting(context: BotContext, subscriber: Subscriber) -> None:
    if subscriber.awaiting != AWAITING_BROADCAST:
        return
    data = subscriber.awaiting_data
    context.store.set_awaiting(
        subscriber.chat_id, context.clock.now(), data.get("previous"), data.get("previous_data")
    )


async def broadcast_pressed(update: Update, context: BotContext) -> None:
    """ad:bc:ok|no:<broadcast id>: sends the drafted broadcast, or drops it."""
    if (tap := await admin_tap(update, context)) is not None:
        await _broadcast_button(update, context, *tap)
