"""What /history, /progress and /summary show: pages of days, the period and weekday choices,
the progress caption's head. Pure functions of the person's history, loaded by the handlers
(bot/flows/history.py)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.buttons import HistoryButton
from bot.insights import (
    HISTORY_PAGE_DAYS,
    HistoryRow,
    Summary,
    format_history_row,
    history_page,
    history_rows,
    short_date,
)
from bot.models import CheckIn
from bot.store import Subscriber
from bot.texts import formats

PERIODS: dict[str, int | None] = {"7": 7, "30": 30, "90": 90, "all": None}


@dataclass(frozen=True, slots=True)
class PersonHistory:
    """Everything the views read about one person, loaded once per request."""

    checkins: list[CheckIn]
    practised: set[date]
    paused: set[date]
    today: date  # the person's local date, or a later one their own data already reached
    zone: str
    joined: date  # the local date the person first wrote to the bot
    # Days skipped from the reminder, or with a practice stopped part-way (Store.day_marks).
    marks: dict[date, tuple[str, int, int, str]] = field(default_factory=dict)

    @property
    def since(self) -> date:
        """Where /history starts: days before anyone knew the person are not shown as gaps."""
        first = self.first_date
        return self.joined if first is None else min(first, self.joined)

    @property
    def first_date(self) -> date | None:
        known = [c.local_date for c in self.checkins] + list(self.practised)
        return min(known, default=None)

    @property
    def is_empty(self) -> bool:
        return self.first_date is None


def span(start: date, end: date, today: date) -> tuple[str, str]:
    """'Mon 24 Nov', or 'Mon 24 Nov 2025' for both ends when either lies outside this year."""
    if start.year == end.year == today.year:
        return short_date(start), short_date(end)
    return formats.short_date_year(start), formats.short_date_year(end)


def lines_of(lines: list[str], bullet: str = "") -> texts.Safe:
    return texts.Safe("\n".join(bullet + texts.escape(line) for line in lines))


# --- /history ------------------------------------------------------------------------------------


def history_view(h: PersonHistory, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """The text and Older/Newer buttons of one /history page (page 0 ends today)."""
    start, end = history_page(h.today, page)
    rows = history_rows(h.checkins, h.practised, h.paused, max(start, h.since), end)
    if page == 0:
        key = "hi_history_title_start" if h.since > start else "hi_history_title_latest"
        title = texts.t(key)
    else:
        first, last = span(start, end, h.today)
        title = texts.t("hi_history_title_older", start=first, end=last)
    text = texts.t(
        "hi_history",
        title=texts.Safe(title),
        rows=lines_of([_history_line(row, h.marks.get(row.local_date)) for row in rows]),
        legend=texts.Safe(texts.t("hi_history_legend")),
    )
    buttons = []
    if h.first_date is not None and h.first_date < start:
        buttons.append(
            InlineKeyboardButton(
                texts.t("hi_btn_older"), callback_data=HistoryButton("h", str(page + 1)).pack()
            )
        )
    if page > 0:
        buttons.append(
            InlineKeyboardButton(
                texts.t("hi_btn_newer"), callback_data=HistoryButton("h", str(page - 1)).pack()
            )
        )
    keyboard = [buttons] if buttons else []
    if page_notes(h, page):
        # Notes show as 📝 in the lines; one tap reads them back in full, here in the chat.
        keyboard.append(
            [
                InlineKeyboardButton(
                    texts.t("hi_btn_notes"), callback_data=HistoryButton("n", str(page)).pack()
                )
            ]
        )
    return text, InlineKeyboardMarkup(keyboard) if keyboard else None


def page_notes(h: PersonHistory, page: int) -> list[CheckIn]:
    start, end = history_page(h.today, page)
    return sorted(
        (c for c in h.checkins if start <= c.local_date <= end and c.note and c.note.strip()),
        key=lambda c: c.local_date,
        reverse=True,
    )


def _history_line(row: HistoryRow, mark: tuple[str, int, int, str] | None) -> str:
    """One day's line, telling a skipped day and a practice stopped part-way apart from a
    day with nothing recorded ("—")."""
    line = format_history_row(row)
    if mark is None or row.practised:
        return line
    kind, number, of, title = mark
    said = (
        texts.t("hi_day_skipped")
        if kind == "skipped"
        else texts.t("hi_day_stopped", number=number, of=of, title=title)
    )
    if line.endswith(" · —"):
        return line.removesuffix(" · —") + " · " + said
    date_part, _, rest = line.partition(" · ")
    return f"{date_part} · {said} · {rest}"


def last_page(h: PersonHistory) -> int:
    """The oldest page that still holds a recorded day."""
    if h.first_date is None:
        return 0
    return max(0, (h.today - h.first_date).days // HISTORY_PAGE_DAYS)


# --- /progress and /summary ---------------------------------------------------------------------


def _choice(label: str, data: str, chosen: bool) -> InlineKeyboardButton:
    """A button of a set of choices; the chosen one carries a tick."""
    shown = texts.t("hi_btn_current", label=label) if chosen else label
    return InlineKeyboardButton(shown, callback_data=data)


def period_keyboard(current: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _choice(texts.t(f"hi_btn_{key}"), HistoryButton("p", key).pack(), key == current)
                for key in PERIODS
            ]
        ]
    )


def progress_head(summary: Summary, period: str) -> str:
    start, end = span(summary.start, summary.end, summary.today)
    return texts.t("hi_progress_head", period=texts.t(f"hi_period_{period}"), start=start, end=end)


def visible_length(message_html: str) -> int:
    """Length as Telegram counts it against a limit: after the HTML is parsed, in UTF-16."""
    plain = html.unescape(re.sub(r"<[^>]*>", "", message_html))
    return len(plain.encode("utf-16-le")) // 2


def summary_view(subscriber: Subscriber) -> tuple[str, InlineKeyboardMarkup]:
    current = subscriber.summary_weekday
    if current is not None:
        state = texts.t("hi_summary_on", day=texts.t(f"hi_day_{current}"))
    else:
        state = texts.t("hi_summary_off")
    # CLDR's abbreviations: cutting a name to three letters only works in English.
    days = [
        _choice(formats.weekday_short(n), HistoryButton("wd", str(n)).pack(), n == current)
        for n in range(7)
    ]
    off = _choice(texts.t("hi_btn_summary_off"), HistoryButton("wd", "off").pack(), current is None)
    keyboard = InlineKeyboardMarkup([days[:4], days[4:], [off]])
    if current is None:
        return texts.t("hi_summary_settings_off"), keyboard
    return texts.t("hi_summary_settings", current=state), keyboard
