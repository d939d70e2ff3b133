"""A person's own data, shown back and handed over: /history, /progress, the weekly summary,
/summary (its day), /export, /delete and /privacy.

Every date is a local date in the person's zone. Check-ins keep the local date they were
given on, so after a zone change the newest can lie a day ahead of "today" in the new zone:
the views then end on that date rather than hiding it. Charts and PDFs are drawn in a helper
process (bot/render.py): a year of data takes a tenth of a second of CPU, which would hold up
everyone else's updates if drawn here.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import date, datetime, timedelta

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatAction
from telegram.ext import Application

from bot import schedule, sender, texts
from bot.buttons import HistoryButton
from bot.delivery_policy import why_not_send
from bot.flows.common import more_keyboard
from bot.flows.onboarding import require_subscriber
from bot.flows.replies import (
    chat_id_of,
    message_of,
    private_chat_of,
    query_of,
    reply,
    shown_message,
)
from bot.flows.today import local_today
from bot.insights import (
    short_date,
    summarize,
    summary_lines,
    weekly_summary,
)
from bot.models import CheckIn, Completion
from bot.runtime import BotContext, runtime_of
from bot.store import Delivery, PersonalData, Store, Subscriber
from bot.subscription import SETTING_UP
from bot.views.history import (
    PERIODS,
    PersonHistory,
    history_view,
    last_page,
    lines_of,
    page_notes,
    period_keyboard,
    progress_head,
    summary_view,
    visible_length,
)
from bot.views.telegram_io import edit_or_send, strip_buttons

log = logging.getLogger(__name__)

DEFAULT_PERIOD = "30"
CAPTION_LIMIT = 1024  # Telegram's limit for a photo caption, after the HTML is parsed
# Zones span UTC-12 to UTC+14: a check-in's local date can lie up to two days past "today".
MAX_DAYS_AHEAD = 2
# The weekly summary rides with the reminder: the sender puts it just above the reminder
# (bot/sender.BEFORE_REMINDER); due a minute later, it still goes if the reminder never does.
WEEKLY_AFTER_REMINDER = timedelta(minutes=1)
# A Yes on an old /delete confirmation must not delete data recorded since it was shown.
DELETE_CONFIRM_FOR = timedelta(minutes=15)
PRACTICE_DONE = frozenset({Completion.FULL, Completion.PARTIAL})


# --- what the views are built from (bot/views/history.py) --------------------------------------


def person_checkins(store: Store, chat_id: int, since: date | None = None) -> list[CheckIn]:
    """The person's check-ins (from `since` on, if given). One that says the practice was done
    (fully or in part) marks the day practised even without a session in the bot: people also
    practise from memory, and "Did it all" must never be answered with "no practice yet"."""
    return [
        replace(c, practised=True) if not c.practised and c.completion in PRACTICE_DONE else c
        for c in store.checkins(chat_id, since)
    ]


def load_history(store: Store, subscriber: Subscriber, now: datetime) -> PersonHistory:
    chat_id = subscriber.chat_id
    today = local_today(subscriber, now)
    checkins = person_checkins(store, chat_id)
    practised = set(store.practised_dates(chat_id))
    latest = max([c.local_date for c in checkins] + list(practised), default=today)
    today = max(today, min(latest, today + timedelta(days=MAX_DAYS_AHEAD)))
    return PersonHistory(
        checkins=checkins,
        practised=practised,
        paused=store.paused_dates(chat_id, today),
        today=today,
        zone=subscriber.zone or "UTC",
        joined=schedule.local_date(subscriber.created_utc, schedule.zone(subscriber.zone or "UTC")),
        marks=store.day_marks(chat_id),
    )


async def _reply(context: BotContext, chat_id: int, key: str, **values: object) -> None:
    await context.bot.send_message(chat_id, texts.t(key, **values))


# --- /history ----------------------------------------------------------------------------------


async def _notes_of_page(update: Update, context: BotContext, page: int) -> None:
    """hi:n:<page>: the notes of that fortnight, in full, newest first."""
    query = query_of(update)
    subscriber = context.store.subscriber(chat_id_of(query))
    if subscriber is None:
        await query.answer(texts.t("button_expired"))
        return
    notes = page_notes(load_history(context.store, subscriber, context.clock.now()), page)
    await query.answer()
    if not notes:
        await reply(query, texts.t("hi_notes_none"))
        return
    # Whole notes per message, as many as fit; a note longer than a message is split by
    # its own characters before escaping, so no tag or entity is ever cut.
    chunks = [texts.t("hi_notes_title")]
    for c in notes:
        note = (c.note or "").strip()  # page_notes: only check-ins with a note
        for start in range(0, len(note), NOTE_PART):
            line = texts.t(
                "hi_note_line", day=short_date(c.local_date), note=note[start : start + NOTE_PART]
            )
            if len(chunks[-1]) + len(line) + 2 > MESSAGE_LIMIT:
                chunks.append(line)
            else:
                chunks[-1] += "\n\n" + line
    for chunk in chunks:
        await reply(query, chunk)


async def history_command(update: Update, context: BotContext) -> None:
    """Shows the last 14 days, one line a day, with a button to page back."""
    chat_id = private_chat_of(update)
    subscriber = context.store.subscriber(chat_id)
    if subscriber is None:
        await _reply(context, chat_id, "hi_not_started")
        return
    h = load_history(context.store, subscriber, context.clock.now())
    if h.is_empty and not h.marks:  # a skipped or stopped day is worth showing too
        await _reply(context, chat_id, "hi_history_empty")
        return
    text, markup = history_view(h, 0)
    await message_of(update).reply_text(text, reply_markup=markup)


async def _history_page(update: Update, context: BotContext, page: int) -> None:
    """hi:h:<page>: edits the /history message in place to show another fortnight."""
    query = query_of(update)
    subscriber = context.store.subscriber(chat_id_of(query))
    if subscriber is None:
        await query.answer(texts.t("button_expired"))
        return
    h = load_history(context.store, subscriber, context.clock.now())
    if h.is_empty or page > last_page(h):
        await query.answer(texts.t("hi_no_older"))
        return
    await query.answer()
    text, markup = history_view(h, page)
    # A double tap changes nothing; a forged tap on a chart gets the page as a new message.
    await edit_or_send(query, text, markup)


# --- /progress ---------------------------------------------------------------------------------


async def send_progress(
    context: BotContext, chat_id: int, period: str, replacing: Message | None = None
) -> str:
    """Sends the chart for `period` with the same facts in words: "sent", "edited", or ""
    when there is nothing to show.
    With `replacing` (the chart whose range button was tapped), that message changes in
    place, so range taps never pile up charts."""
    subscriber = context.store.subscriber(chat_id)
    if subscriber is None:
        await _reply(context, chat_id, "hi_not_started")
        return ""
    h = load_history(context.store, subscriber, context.clock.now())
    if h.is_empty:
        await _reply(context, chat_id, "hi_progress_empty")
        return ""
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
    summary = summarize(h.checkins, h.practised, h.paused, h.today, PERIODS[period])
    png = await context.runtime.renderer.progress_png(
        h.checkins, h.practised, chart_start(summary.start, h), h.today
    )
    head = progress_head(summary, period)
    facts = lines_of(summary_lines(summary), "• ")
    caption = texts.t("hi_progress_caption", head=texts.Safe(head), facts=facts)
    keyboard = period_keyboard(period)
    fits = visible_length(caption) <= CAPTION_LIMIT
    if fits and replacing is not None and replacing.photo:
        await context.bot.edit_message_media(
            InputMediaPhoto(png, caption=caption),
            chat_id=chat_id,
            message_id=replacing.message_id,
            reply_markup=keyboard,
        )
        log.info("progress.edited chat=%s period=%s", chat_id, period)
        return "edited"
    if fits:
        await context.bot.send_photo(chat_id, png, caption=caption, reply_markup=keyboard)
    else:  # screen readers get the facts either way: right under the chart
        await context.bot.send_photo(chat_id, png, caption=head)
        await context.bot.send_message(
            chat_id, texts.t("hi_progress_more", facts=facts), reply_markup=keyboard
        )
    log.info("progress.sent chat=%s period=%s points=%s", chat_id, period, len(h.checkins))
    return "sent"


MESSAGE_LIMIT = 4000  # Telegram takes 4096 characters a message; room for the tags
NOTE_PART = 3000  # escaped, a note part may grow ("&" -> "&amp;"); still within a message

# The chart spans at least a week; a longer period starts where the data does, so 90 days of
# a 6-day history is not 95% empty space (the caption still names the period chosen).
MIN_CHART_DAYS = 7


def chart_start(period_start: date, h: PersonHistory) -> date:
    recorded = [c.local_date for c in h.checkins] + list(h.practised)
    first = min(recorded, default=period_start)
    return min(max(period_start, first), h.today - timedelta(days=MIN_CHART_DAYS - 1))


async def progress_command(update: Update, context: BotContext) -> None:
    """Sends the last 30 days as a chart, its facts in words, and period buttons."""
    await send_progress(context, private_chat_of(update), DEFAULT_PERIOD)


async def _progress_period(update: Update, context: BotContext, period: str) -> None:
    """hi:p:<7|30|90|all>: the chart changes in place to that period. When its facts are too
    long for a caption (a new chart and a message), the old one keeps its picture but loses
    its buttons, so only the newest chart has them."""
    query = query_of(update)
    await query.answer()
    shown = shown_message(query)
    done = await send_progress(context, chat_id_of(query), period, replacing=shown)
    if done == "sent" and shown is not None and shown.photo:
        await strip_buttons(query)


# --- weekly summary ----------------------------------------------------------------------------


def plan_weekly(
    application: Application, subscriber: Subscriber, due: datetime, now: datetime
) -> None:
    """With the reminder on the person's summary day, records the weekly summary."""
    if subscriber.summary_weekday is None or not subscriber.zone:
        return
    day = schedule.local_date(due, schedule.zone(subscriber.zone))
    store = runtime_of(application).store
    if store is not None and day.weekday() == subscriber.summary_weekday:
        store.add_delivery(subscriber.chat_id, day, "weekly", due + WEEKLY_AFTER_REMINDER)


async def compose_weekly(
    application: Application, delivery: Delivery, subscriber: Subscriber
) -> sender.Outgoing | sender.Skip:
    """The seven days before the summary day, against the seven before those. Sent even
    after a quiet week (kindly); skipped after two quiet weeks, when it would only nag."""
    reason = why_not_send(
        "weekly",
        subscriber.status,
        on_hold=subscriber.on_hold,
        summary_on=subscriber.summary_weekday is not None,
    )
    if reason:
        return sender.Skip(reason)
    store = runtime_of(application).store
    if store is None:  # composed by the engine, which runs only with the store open
        raise RuntimeError("the weekly summary needs the store")
    chat_id = subscriber.chat_id
    week_start = delivery.local_date - timedelta(days=7)
    week_end = delivery.local_date - timedelta(days=1)
    fortnight = week_start - timedelta(days=7)
    checkins = person_checkins(store, chat_id, since=fortnight)
    practised = {d for d in store.practised_dates(chat_id) if d >= fortnight}
    if not any(fortnight <= c.local_date <= week_end for c in checkins) and not any(
        fortnight <= d <= week_end for d in practised
    ):
        return sender.Skip("not sent: nothing recorded in the last two weeks")
    lines = weekly_summary(
        checkins, practised, week_start, paused_days=store.paused_dates(chat_id, week_end)
    )
    text = texts.t(
        "hi_weekly", start=short_date(week_start), end=short_date(week_end), lines=lines_of(lines)
    )
    button = InlineKeyboardButton(
        texts.t("hi_btn_weekly_chart"), callback_data=HistoryButton("p", "7").pack()
    )
    return sender.Outgoing(text, InlineKeyboardMarkup([[button]]))


async def summary_command(update: Update, context: BotContext) -> None:
    """Shows the weekly summary's day with buttons to change it or turn it off."""
    subscriber = await require_subscriber(update, context)
    if subscriber is None:
        return
    text, keyboard = summary_view(subscriber)
    await message_of(update).reply_text(text, reply_markup=keyboard)


async def _summary_day(update: Update, context: BotContext, value: str) -> None:
    """hi:wd:<0-6|off>: saves the day and updates the message in place."""
    query = query_of(update)
    store, now = context.store, context.clock.now()
    chat_id = chat_id_of(query)
    subscriber = store.subscriber(chat_id)
    if subscriber is None or subscriber.status in SETTING_UP:
        await query.answer()
        await reply(query, texts.t("not_subscribed"))
        return
    await query.answer(texts.t("hi_summary_saved"))
    store.set_summary_weekday(chat_id, now, None if value == "off" else int(value))
    if (saved := store.subscriber(chat_id)) is None:  # gone only with /delete
        return
    text, keyboard = summary_view(saved)
    await edit_or_send(query, text, keyboard)
    log.info("summary.day chat=%s day=%s", chat_id, value)


# --- /export -----------------------------------------------------------------------------------


async def export_command(update: Update, context: BotContext) -> None:
    """Sends the person's check-ins as a CSV file and a PDF report."""
    chat_id = private_chat_of(update)
    subscriber = context.store.subscriber(chat_id)
    h = None if subscriber is None else load_history(context.store, subscriber, context.clock.now())
    if h is None or h.is_empty:
        await _reply(context, chat_id, "hi_export_empty")
        return
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
    # The name is read from this update for the PDF title only; it is never stored.
    name = update.effective_user.first_name if update.effective_user else None
    summary = summarize(h.checkins, h.practised, h.paused, h.today, PERIODS["all"])
    table, report = await context.runtime.renderer.export_files(
        h.checkins, summary, h.practised, h.zone, name
    )
    day = h.today.isoformat()
    await context.bot.send_document(
        chat_id, table, filename=f"psoas-checkins-{day}.csv", caption=texts.t("hi_export_csv")
    )
    await context.bot.send_document(
        chat_id, report, filename=f"psoas-report-{day}.pdf", caption=texts.t("hi_export_pdf")
    )
    log.info("export.sent chat=%s checkins=%s", chat_id, len(h.checkins))


# --- /delete and /privacy ----------------------------------------------------------------------


def delete_items(data: PersonalData) -> list[str]:
    """What goes, one line per kind; kinds the person has none of are left out."""
    items = [texts.t("hi_delete_settings")] if data.subscriber else []
    for key, n in (
        ("hi_delete_checkins", data.checkins),
        ("hi_delete_notes", data.notes),
        ("hi_delete_sessions", data.sessions),
        ("hi_delete_deliveries", data.deliveries),
        ("hi_delete_screens", data.safety_screens),
        ("hi_delete_pauses", data.pauses),
    ):
        if n:
            items.append(texts.t(key, n=n))
    return items


async def delete_command(update: Update, context: BotContext) -> None:
    """Says exactly what would be deleted and asks Yes or No."""
    chat_id = private_chat_of(update)
    data = context.store.personal_data(chat_id)
    if data.is_empty:
        await _reply(context, chat_id, "hi_delete_nothing")
        return
    stamp = int(context.clock.now().timestamp())
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.t("hi_btn_delete_yes"),
                    callback_data=HistoryButton("del", str(stamp)).pack(),
                )
            ],
            [
                InlineKeyboardButton(
                    texts.t("hi_btn_delete_no"), callback_data=HistoryButton("keep").pack()
                )
            ],
        ]
    )
    items = "\n".join(f"• {texts.escape(item)}" for item in delete_items(data))
    await message_of(update).reply_text(
        texts.t("hi_delete_confirm", items=texts.Safe(items)), reply_markup=keyboard
    )


async def _delete_answer(update: Update, context: BotContext, stamp: int | None) -> None:
    """hi:del:<time shown> deletes everything; hi:keep keeps it. A Yes older than a quarter
    of an hour asks again, since newer data was not in the list the person saw."""
    query = query_of(update)
    await query.answer()
    chat_id = chat_id_of(query)
    if stamp is None:
        await edit_or_send(query, texts.t("hi_delete_kept"))
        return
    age = context.clock.now().timestamp() - stamp  # seconds; a forged stamp is just old
    if not -60 <= age <= DELETE_CONFIRM_FOR.total_seconds():
        await edit_or_send(query, texts.t("hi_delete_expired"))
        return
    if context.store.personal_data(chat_id).is_empty:
        await edit_or_send(query, texts.t("hi_delete_nothing"))
        return
    removed = context.store.delete_person(chat_id)
    log.info("data.deleted rows=%s", removed)  # no chat id: the log must not link them either
    await edit_or_send(query, texts.t("hi_delete_done"))
    await context.bot.send_message(
        chat_id, texts.t("hi_delete_goodbye"), reply_markup=ReplyKeyboardRemove()
    )


async def privacy_command(update: Update, context: BotContext) -> None:
    """What is stored, why, who sees it, and how to take it or delete it."""
    await message_of(update).reply_text(
        texts.t("hi_privacy"), reply_markup=more_keyboard("privacy")
    )


# --- buttons -----------------------------------------------------------------------------------


async def history_tap(update: Update, context: BotContext) -> re.Match[str] | None:
    """The guard of the hi: buttons, returning the data's match of the handler's pattern: one
    on a message Telegram no longer shows the bot (deleted, too old) is answered as expired,
    since each of them edits or answers under its message."""
    query = query_of(update)
    if query.message is None or context.match is None:
        await query.answer(texts.t("button_expired"))
        return None
    return context.match


async def page_pressed(update: Update, context: BotContext) -> None:
    """hi:h:<page>: another fortnight of /history."""
    if (match := await history_tap(update, context)) is not None:
        await _history_page(update, context, int(match["page"]))


async def notes_pressed(update: Update, context: BotContext) -> None:
    """hi:n:<page>: that fortnight's notes in full."""
    if (match := await history_tap(update, context)) is not None:
        await _notes_of_page(update, context, int(match["page"]))


async def period_pressed(update: Update, context: BotContext) -> None:
    """hi:p:<7|30|90|all>: /progress over another period."""
    if (match := await history_tap(update, context)) is not None:
        await _progress_period(update, context, match["period"])


async def summary_day_pressed(update: Update, context: BotContext) -> None:
    """hi:wd:<weekday|off>: the weekly summary's day, or none."""
    if (match := await history_tap(update, context)) is not None:
        await _summary_day(update, context, match["day"])


async def delete_pressed(update: Update, context: BotContext) -> None:
    """hi:del:<stamp>: yes, delete everything (if asked recently enough)."""
    if (match := await history_tap(update, context)) is not None:
        await _delete_answer(update, context, int(match["stamp"]))


async def keep_pressed(update: Update, context: BotContext) -> None:
    """hi:keep: no, keep my data."""
    if await history_tap(update, context) is not None:
        await _delete_answer(update, context, None)
