"""/history, /progress, the weekly summary, /summary, /export, /delete and /privacy, driven
through the emulator against the real SQLite file."""

from __future__ import annotations

import csv
import io
import struct
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.flows.history import chart_start
from bot.models import Completion
from bot.views.history import visible_length
from tests.harness import USER_ID, Harness, buttons, subscribe
from tests.test_exports import page_count, pdf_text
from tests.test_inaccessible import data_of

TODAY = date(2026, 11, 23)  # the clock fixture: Monday 23 Nov 2026, 07:00 in Berlin
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OTHER_USER = 5151


# --- helpers -----------------------------------------------------------------------------------


def write_days_through_store(
    bot: Harness,
    days: Iterable[date],
    *,
    user_id: int = USER_ID,
    zone: str = "Europe/Berlin",
    practised: bool = True,
    ratings: Callable[[int], tuple[int, int]] = lambda i: (5, 4),
    note: Callable[[int], str | None] = lambda i: None,
) -> None:
    """Test data without a chat: for each local date a finished session (when `practised`)
    and a closed check-in, written through the same Store methods the flows use."""
    store = bot.store
    for i, day in enumerate(sorted(days)):
        at = datetime.combine(day, time(19, 0), ZoneInfo(zone)).astimezone(UTC)
        tension, pain = ratings(i)
        session_id = None
        if practised:
            session = store.open_session(
                user_id,
                day,
                "daily",
                "Constructive rest",
                [],
                at,
                day_number=None,
                content_version=None,
            )
            store.begin_steps(session.id, at, min(10, tension + 2))
            store.end_session(session.id, "done", at)
            session_id = session.id
        row = store.open_checkin(user_id, day, at, step="tension", session_id=session_id)
        store.save_answer(
            row.id,
            at,
            step=None,
            tension=tension,
            pain=pain,
            areas=["lower_back"],
            completion=Completion.FULL if practised else Completion.SKIPPED,
            note=note(i),
        )
        store.close_checkin(row.id, at)


async def check_in_by_hand(bot: Harness, *, tension="4", pain="3", note="felt looser") -> None:
    """One check-in as a person gives it: typed ratings, an area, "Did it all", a note."""
    await bot.emu.send_text(USER_ID, "/checkin")
    await bot.expect("tension do you feel")
    await bot.emu.send_text(USER_ID, tension)
    await bot.expect("pain do you feel")
    await bot.emu.send_text(USER_ID, pain)
    areas = await bot.expect("Where do you feel it")
    await bot.tap(areas, "Lower back")
    await edit_of(bot, areas)
    await bot.tap(areas, "Done")
    completion = await bot.expect("How did today's practice go")
    await bot.tap(completion, "Did it all")
    await bot.expect("Anything you'd like to add")
    await bot.emu.send_text(USER_ID, note)
    await bot.expect("Thank you for checking in")
    await bot.settle()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def assert_real_chart(message: dict) -> None:
    """The bytes the bot uploaded are a real PNG of phone-readable size."""
    assert message.get("photo"), message
    data = message["_content"]
    assert png_size(data) == (1200, 800)
    assert 15_000 < len(data) < 1_000_000


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


async def next_photo(bot: Harness, user_id: int = USER_ID) -> dict:
    while True:
        message = await bot.emu.next_message(user_id)
        if message.get("photo"):
            return message


async def edit_of(bot: Harness, message: dict) -> dict:
    """The next edit of `message`, skipping edits of other messages (old keypads)."""
    while True:
        edit = await bot.emu.next_edit(USER_ID)
        if edit["message_id"] == message["message_id"]:
            return edit


async def answer_of(bot: Harness, query_id: str) -> dict:
    await bot.emu.wait_until(lambda: bot.emu.callback_answers.get(query_id) is not None)
    return bot.emu.callback_answers[query_id]


def history_lines(message: dict) -> list[str]:
    return [line for line in message["text"].splitlines() if " · " in line]


def rows_holding(bot: Harness, value: int) -> list[tuple[str, str]]:
    """(table, column) of every cell in the database equal to `value`, or text holding it."""
    db = bot.store.db
    found = []
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        for column in [r[1] for r in db.execute(f"PRAGMA table_info([{table}])")]:
            hits = db.execute(
                f"SELECT COUNT(*) FROM [{table}] WHERE [{column}] = ? "
                f"OR (typeof([{column}]) = 'text' AND instr([{column}], ?) > 0)",
                (value, str(value)),
            ).fetchone()[0]
            if hits:
                found.append((table, column))
    return found


# --- no subscription, empty history ------------------------------------------------------------


@pytest.mark.parametrize("command", ["/history", "/progress", "/export"])
async def test_data_commands_without_a_subscription_answer_kindly(bot, command):
    reply = await bot.say(command)
    assert "photo" not in reply and "document" not in reply
    assert "/start" in reply["text"] or "nothing to export" in reply["text"]
    assert bot.store.subscriber(USER_ID) is None  # asking creates no data


async def test_progress_with_empty_history_explains_instead_of_a_blank_chart(bot):
    await subscribe(bot)
    reply = await bot.say("/progress")
    assert "photo" not in reply
    assert reply["text"] == texts.t("hi_progress_empty")


async def test_history_and_export_with_empty_history_are_kind(bot):
    await subscribe(bot)
    assert (await bot.say("/history"))["text"] == texts.t("hi_history_empty")
    assert (await bot.say("/export"))["text"] == texts.t("hi_export_empty")


# --- one check-in, through the real check-in flow ----------------------------------------------


async def test_one_checkin_shows_in_history_with_note_marker(bot):
    await subscribe(bot)
    await check_in_by_hand(bot)
    reply = await bot.say("/history")
    assert reply["text"].startswith("Your days so far")  # no blank days before they came
    assert history_lines(reply) == ["Mon 23 Nov · practised · tension 4 · pain 3 · lower back · 📝"]
    assert buttons(reply) == ["📝 Read my notes"]  # nothing older to page to


async def test_history_shows_days_without_records_as_a_dash_never_as_missed(bot):
    await subscribe(bot)
    write_days_through_store(bot, [TODAY - timedelta(days=3), TODAY], practised=False)
    lines = history_lines(await bot.say("/history"))
    assert lines == [
        "Mon 23 Nov · tension 5 · pain 4 · lower back",
        "Sun 22 Nov · —",
        "Sat 21 Nov · —",
        "Fri 20 Nov · tension 5 · pain 4 · lower back",
    ]


async def test_one_checkin_progress_is_a_real_png_with_its_facts_in_the_caption(bot):
    await subscribe(bot)
    await check_in_by_hand(bot)
    await bot.emu.send_text(USER_ID, "/progress")
    photo = await next_photo(bot)
    assert_real_chart(photo)
    caption = photo["caption"]
    assert "from Sun 25 Oct to Mon 23 Nov" in caption
    assert "You practised 1 of 1 day so far." in caption
    assert "Tension averages 4.0 so far" in caption
    assert "Pain averages 3.0 so far" in caption
    assert buttons(photo) == ["7 days", "✓ 30 days", "90 days", "All"]
    assert bot.emu.wait_for_call  # the upload went through the real HTTP path
    assert not bot.emu.unknown_methods


# --- a year of check-ins -----------------------------------------------------------------------


def a_year(bot: Harness) -> list[date]:
    days = [TODAY - timedelta(days=i) for i in range(365)]
    write_days_through_store(
        bot,
        days,
        ratings=lambda i: (max(1, 8 - i // 50), max(0, 7 - i // 60)),
        note=lambda i: "fine" if i % 10 == 0 else None,
    )
    return days


@pytest.mark.parametrize("period", ["7 days", "30 days", "90 days", "All"])
async def test_each_period_button_changes_the_chart_in_place_with_the_same_facts_in_words(
    bot, period
):
    """UX 11: each range tap used to send a new photo, so four taps left four charts."""
    await subscribe(bot)
    a_year(bot)
    await bot.emu.send_text(USER_ID, "/progress")
    first = await next_photo(bot)
    assert_real_chart(first)
    before = first["_content"]
    await bot.tap(first, period)
    chart = await edit_of(bot, first)
    assert_real_chart(chart)
    assert f"✓ {period}" in buttons(chart)
    if period != "30 days":
        assert chart["_content"] != before  # a new picture, not only new buttons
    caption = chart["caption"]
    assert len(caption) <= 1024
    assert "Current streak: 365 days (best: 365)." in caption
    assert "365 days of practice in total, 1 of them this week." in caption
    assert "Tension before → after a session" in caption
    if period == "All":
        assert "from Mon 24 Nov 2025 to Mon 23 Nov 2026" in caption
        assert "You practised 365 of the 365 days since you started." in caption
        assert "Tension: 8.0 → 1.0 from your first week to the last 7 days" in caption
    await bot.settle()
    photos = [m for m in bot.emu.messages(USER_ID) if m.get("photo")]
    assert len(photos) == 1  # no pile of charts


def test_a_chart_starts_where_the_data_does_but_spans_a_week_at_least():
    """UX 11: the 90-day chart of a 6-day history was about 95% empty space."""
    six_days = SimpleNamespace(
        checkins=[SimpleNamespace(local_date=TODAY - timedelta(days=i)) for i in range(6)],
        practised={TODAY - timedelta(days=10)},
        today=TODAY,
    )
    assert chart_start(TODAY - timedelta(days=89), six_days) == TODAY - timedelta(days=10)
    two_days = SimpleNamespace(
        checkins=[SimpleNamespace(local_date=TODAY)], practised=set(), today=TODAY
    )
    assert chart_start(TODAY - timedelta(days=89), two_days) == TODAY - timedelta(days=6)
    assert chart_start(TODAY - timedelta(days=6), six_days) == TODAY - timedelta(days=6)


async def test_history_pages_older_and_newer_in_place(bot):
    await subscribe(bot)
    a_year(bot)
    latest = await bot.say("/history")
    assert buttons(latest) == ["« Older", "📝 Read my notes"]
    assert history_lines(latest)[0].startswith("Mon 23 Nov · practised · tension 1 · pain 1")
    await bot.tap(latest, "« Older")
    older = await edit_of(bot, latest)
    assert older["message_id"] == latest["message_id"]
    assert older["text"].startswith("Your days from Tue 27 Oct to Mon 9 Nov")
    assert history_lines(older)[0].startswith("Mon 9 Nov")
    assert buttons(older) == ["« Older", "Newer »", "📝 Read my notes"]
    await bot.tap(older, "Newer »")
    back = await edit_of(bot, latest)
    assert back["text"] == latest["text"]


async def test_older_on_a_history_telegram_no_longer_shows_pages_that_message(bot):
    """A tap on an inaccessible message (its chat and id only) still edits that message."""
    await subscribe(bot)
    a_year(bot)
    latest = await bot.say("/history")
    await bot.emu.press(
        USER_ID, latest["message_id"], data_of(latest, "« Older"), inaccessible=True
    )
    older = await edit_of(bot, latest)
    assert older["text"].startswith("Your days from Tue 27 Oct to Mon 9 Nov")


async def test_history_stops_at_the_first_recorded_day(bot):
    await subscribe(bot)
    write_days_through_store(bot, [TODAY - timedelta(days=20)])
    latest = await bot.say("/history")
    await bot.tap(latest, "« Older")
    oldest = await edit_of(bot, latest)
    assert buttons(oldest) == ["Newer »"]
    assert "Tue 3 Nov · practised · tension 5 · pain 4 · lower back" in oldest["text"]


@pytest.mark.parametrize(
    "data",
    ["hi:h:9999", "hi:h:-1", "hi:h:x", "hi:p:365", "hi:wd:9", "hi:del:abc", "hi:", "hi:zzz"],
    ids=[
        "page-too-far",
        "negative-page",
        "page-not-a-number",
        "unknown-period",
        "weekday-out-of-range",
        "delete-stamp-garbage",
        "empty",
        "garbage",
    ],
)
async def test_forged_history_buttons_are_answered_and_change_nothing(bot, data):
    await subscribe(bot)
    write_days_through_store(bot, [TODAY])
    message = await bot.say("/history")
    query_id = await bot.emu.press(USER_ID, message["message_id"], data, check=False)
    answer = await answer_of(bot, query_id)
    assert answer.get("text")
    reply = await bot.say("/privacy")  # the bot is still fine and said nothing else first
    assert reply["text"].startswith("Your data and privacy")
    assert bot.store.personal_data(USER_ID).checkins == 1


async def test_stale_history_button_after_delete_says_expired(bot):
    await subscribe(bot)
    write_days_through_store(bot, [TODAY - timedelta(days=30)])
    message = await bot.say("/history")
    bot.store.delete_person(USER_ID)
    query_id = await bot.emu.press(USER_ID, message["message_id"], "hi:h:1")
    assert (await answer_of(bot, query_id))["text"] == texts.t("button_expired")


async def test_paused_days_show_as_paused_and_never_break_the_streak(bot):
    await subscribe(bot)
    write_days_through_store(bot, [TODAY - timedelta(days=i) for i in range(1, 6)])
    await bot.say("/pause 3")
    bot.clock.advance(timedelta(days=2))
    reply = await bot.say("/history")
    lines = history_lines(reply)
    assert lines[:3] == ["Wed 25 Nov · paused", "Tue 24 Nov · paused", "Mon 23 Nov · paused"]
    await bot.emu.send_text(USER_ID, "/progress")
    caption = (await next_photo(bot))["caption"]
    assert "Current streak: 5 days (best: 5)." in caption
    assert "(3 days were paused)" in caption


async def test_a_zone_change_in_the_middle_neither_crashes_nor_counts_a_day_twice(bot):
    """Checked in on Monday in Berlin; flew to Tokyo, where it is already Tuesday, checked
    in again; then on to Los Angeles, where it is Monday again."""
    await subscribe(bot)
    write_days_through_store(bot, [TODAY - timedelta(days=i) for i in range(1, 4)])
    await check_in_by_hand(bot, tension="6", pain="5")
    bot.clock.set(datetime(2026, 11, 23, 16, 0, tzinfo=UTC))  # 17:00 Berlin, 01:00 Tue Tokyo
    for city in ("Tokyo", "Los Angeles"):
        settings = await bot.say("/settings")
        await bot.tap(settings, "Change time zone")
        await bot.expect("time zone")
        await bot.emu.send_text(USER_ID, city)
        reply = await bot.reply()
        if buttons(reply):  # several places of that name: pick the one meant
            await bot.tap(reply, city)
            await bot.expect("Time zone:")
        await bot.settle()
        if city == "Tokyo":
            await check_in_by_hand(bot, tension="2", pain="1")
    assert bot.store.subscriber(USER_ID).zone == "America/Los_Angeles"

    lines = history_lines(await bot.say("/history"))
    assert lines[0] == "Tue 24 Nov · practised · tension 2 · pain 1 · lower back · 📝"
    assert lines[1] == "Mon 23 Nov · practised · tension 6 · pain 5 · lower back · 📝"
    dates = [line.split(" · ")[0] for line in lines]
    assert dates == ["Tue 24 Nov", "Mon 23 Nov", "Sun 22 Nov", "Sat 21 Nov", "Fri 20 Nov"]

    await bot.emu.send_text(USER_ID, "/progress")
    photo = await next_photo(bot)
    assert_real_chart(photo)
    assert "You practised 5 of the 5 days since you started." in photo["caption"]
    assert "Current streak: 5 days" in photo["caption"]

    await bot.emu.send_text(USER_ID, "/export")
    table = await bot.expect("spreadsheet")
    dates = [row["date"] for row in read_csv(table["_content"])]
    assert dates == ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"]


# --- /export -----------------------------------------------------------------------------------


async def test_export_sends_a_csv_that_round_trips_and_a_pdf_with_the_persons_figures(bot):
    await subscribe(bot)
    write_days_through_store(bot, [TODAY - timedelta(days=i) for i in range(1, 20)])
    await check_in_by_hand(bot, note='=cmd "quoted", <b>not bold</b>')
    await bot.emu.send_text(USER_ID, "/export")
    table = await bot.expect("spreadsheet")
    report = await bot.expect("PDF report")
    assert table["document"]["file_name"] == "psoas-checkins-2026-11-23.csv"
    assert report["document"]["file_name"] == "psoas-report-2026-11-23.pdf"

    rows = read_csv(table["_content"])
    assert len(rows) == 20
    assert rows[0]["date"] == "2026-11-04"
    assert rows[-1] == {
        "date": "2026-11-23",
        "practised": "yes",  # "Did it all" is a practised day, session or not
        "tension_before": "",
        "tension": "4",
        "pain": "3",
        "areas": "lower back",
        "completion": "full",
        "note": '\'=cmd "quoted", <b>not bold</b>',
        "recorded_at": "2026-11-23T07:00+01:00",
    }

    pdf = report["_content"]
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert page_count(pdf) >= 1  # the summary page, then any notes in full
    text = pdf_text(pdf)
    assert "Psoas practice report — Ann" in text
    assert "4 Nov 2026 – 23 Nov 2026" in text
    assert "Mon 23 Nov" in text and "Tue 10 Nov" in text and "Mon 9 Nov" not in text
    assert "• You practised 20 of the 20 days since you started." in text
    assert "• Current streak: 20 days (best: 20)." in text
    assert "• Averages over the period: tension 5.0, pain 4.0 (20 rated days)." in text


async def test_export_of_a_year_is_365_rows_and_one_page(bot):
    await subscribe(bot)
    days = a_year(bot)
    await bot.emu.send_text(USER_ID, "/export")
    table = await bot.expect("spreadsheet")
    report = await bot.expect("PDF report")
    rows = read_csv(table["_content"])
    assert [row["date"] for row in rows] == [d.isoformat() for d in sorted(days)]
    assert sum(1 for row in rows if row["note"] == "fine") == 37
    # One page of chart, table and summary; the 37 notes follow in full.
    assert "Notes in full" in pdf_text(report["_content"])


# --- the weekly summary ------------------------------------------------------------------------


def deliveries_of(bot: Harness, kind: str) -> list:
    return [d for d in bot.store.deliveries(USER_ID) if d.kind == kind]


async def reach_reminder(bot: Harness, when: datetime) -> None:
    """Jumps to a reminder time, lets it go out, then the minute after (the weekly summary)."""
    bot.clock.set(when)
    await bot.tick()
    bot.clock.advance(timedelta(minutes=1))
    await bot.tick()


async def test_weekly_summary_comes_on_sunday_with_the_reminder_and_compares_weeks(bot):
    await subscribe(bot)
    last_week = [date(2026, 11, 15) + timedelta(days=i) for i in range(7)]
    this_week = [date(2026, 11, 22) + timedelta(days=i) for i in (0, 1, 2, 4, 6)]
    write_days_through_store(bot, last_week, ratings=lambda i: (6, 5))
    write_days_through_store(bot, this_week, ratings=lambda i: (3, 4))
    bot.emu.drain(USER_ID)
    await reach_reminder(bot, datetime(2026, 11, 29, 6, 30, tzinfo=UTC))  # Sun 07:30 Berlin
    weekly = await bot.expect("Your week")
    assert weekly["text"].splitlines() == [
        "🗓 Your week, Sun 22 Nov to Sat 28 Nov",
        "",
        "This week you practised on 5 days.",
        "Tension averaged 3.0 this week (last week 6.0).",
        "Pain averaged 4.0 this week (last week 5.0).",
        "That's a meaningful easing in tension. Well done staying with it.",
    ]
    assert buttons(weekly) == ["📈 See my chart"]
    [delivery] = deliveries_of(bot, "weekly")
    assert delivery.status == "sent" and delivery.local_date == date(2026, 11, 29)
    await bot.tap(weekly, "See my chart")
    chart = await next_photo(bot)
    assert_real_chart(chart)
    assert "✓ 7 days" in buttons(chart)


async def test_weekly_summary_arrives_above_the_reminder_so_start_stays_last(bot):
    """UX 10: the summary no longer pushes the reminder's Start button up."""
    await subscribe(bot)
    write_days_through_store(bot, [date(2026, 11, 23), date(2026, 11, 24)])
    bot.emu.drain(USER_ID)
    bot.clock.set(datetime(2026, 11, 29, 6, 30, tzinfo=UTC))  # Sun 07:30 Berlin
    await bot.tick()  # the reminder's own tick: no minute more
    weekly = await bot.expect("Your week")
    reminder = await bot.reply()
    assert any("Start" in label for label in buttons(reminder)), reminder["text"]
    assert bot.emu.messages(USER_ID)[-1]["message_id"] == reminder["message_id"]
    [delivery] = deliveries_of(bot, "weekly")
    assert delivery.status == "sent" and weekly["message_id"] < reminder["message_id"]


async def test_no_weekly_summary_on_other_days(bot):
    await subscribe(bot)
    write_days_through_store(bot, [TODAY])
    await reach_reminder(bot, datetime(2026, 11, 28, 6, 30, tzinfo=UTC))  # Saturday
    assert deliveries_of(bot, "weekly") == []


async def test_weekly_summary_after_two_quiet_weeks_is_skipped_with_a_reason(bot):
    await subscribe(bot)
    write_days_through_store(bot, [date(2026, 11, 1)])
    await reach_reminder(bot, datetime(2026, 11, 29, 6, 30, tzinfo=UTC))
    [delivery] = deliveries_of(bot, "weekly")
    assert delivery.status == "skipped"
    assert delivery.reason == "not sent: nothing recorded in the last two weeks"


async def test_a_quiet_week_after_an_active_one_gets_a_gentle_summary(bot):
    await subscribe(bot)
    write_days_through_store(bot, [date(2026, 11, 16), date(2026, 11, 18)])
    await reach_reminder(bot, datetime(2026, 11, 29, 6, 30, tzinfo=UTC))
    weekly = await bot.expect("Your week")
    assert "This week was a break from practice, and that's okay." in weekly["text"]
    assert "No ratings this week" in weekly["text"]


async def test_summary_day_can_be_changed_and_turned_off(bot):
    await subscribe(bot)
    write_days_through_store(bot, [date(2026, 11, 24), date(2026, 11, 25)])
    menu = await bot.say("/summary")
    assert "Now: on Sundays." in menu["text"]
    assert "✓ Sun" in buttons(menu)
    await bot.tap(menu, "Wed")
    edited = await edit_of(bot, menu)
    assert "Now: on Wednesdays." in edited["text"] and "✓ Wed" in buttons(edited)
    assert bot.store.subscriber(USER_ID).summary_weekday == 2
    await reach_reminder(bot, datetime(2026, 11, 25, 6, 30, tzinfo=UTC))  # Wednesday
    weekly = await bot.expect("Your week")
    assert "Wed 18 Nov to Tue 24 Nov" in weekly["text"]

    await bot.tap(edited, "Turn off")
    off = await edit_of(bot, menu)
    assert "Now: off. Choose a day to turn it on." in off["text"]  # UX 10: not "or turn it off"
    await reach_reminder(bot, datetime(2026, 12, 2, 6, 30, tzinfo=UTC))  # the next Wednesday
    assert len(deliveries_of(bot, "weekly")) == 1


async def test_summary_needs_a_subscription(bot):
    reply = await bot.say("/summary")
    assert reply["text"] == texts.t("not_subscribed")


# --- /delete and /privacy ----------------------------------------------------------------------


async def a_full_life(bot: Harness) -> None:
    """Settings, check-ins with notes, sessions, delivery records, a safety answer, a pause."""
    after = await subscribe(bot)
    screen = next(m for m in after if buttons(m))
    await bot.tap(screen, "No")
    await bot.settle()
    write_days_through_store(
        bot, [TODAY - timedelta(days=i) for i in range(2, 6)], note=lambda i: f"NOTE-{i}-secret"
    )
    bot.clock.set(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    await bot.tick()  # today's reminder: a delivery record
    await bot.say("/pause 1")
    await bot.settle()


async def test_delete_confirmation_says_exactly_what_goes(bot):
    await a_full_life(bot)
    reply = await bot.say("/delete")
    data = bot.store.personal_data(USER_ID)
    assert (data.checkins, data.notes, data.sessions, data.safety_screens) == (4, 4, 4, 1)
    assert data.deliveries >= 1 and data.pauses == 1
    text = reply["text"]
    assert "• your settings and reminder schedule" in text
    assert "• 4 check-ins with your ratings and body areas" in text
    assert "• 4 notes you wrote" in text
    assert "• 4 practice sessions" in text
    assert "• 1 answer to the safety questions" in text
    assert "• 1 pause" in text
    reminders = "1 reminder" if data.deliveries == 1 else f"{data.deliveries} reminders"
    assert reminders in text
    assert buttons(reply) == ["Yes, delete everything", "No, keep my data"]


async def test_delete_yes_leaves_no_row_with_their_id_anywhere(bot):
    await a_full_life(bot)
    await subscribe(bot, user_id=OTHER_USER)
    write_days_through_store(bot, [TODAY], user_id=OTHER_USER, note=lambda i: "other's note")
    assert rows_holding(bot, USER_ID)  # the scan finds what is there

    confirm = await bot.say("/delete")
    await bot.tap(confirm, "Yes")
    assert (await edit_of(bot, confirm))["text"] == texts.t("hi_delete_done")
    goodbye = await bot.expect("Everything is deleted")
    assert "/start" in goodbye["text"]

    assert rows_holding(bot, USER_ID) == []
    assert bot.store.personal_data(USER_ID).is_empty
    other = bot.store.personal_data(OTHER_USER)
    assert other.subscriber and other.checkins == 1 and other.notes == 1
    # Nor in the file's free pages or the write-ahead log.
    files = [bot.store.path, bot.store.path.with_name(bot.store.path.name + "-wal")]
    raw = b"".join(path.read_bytes() for path in files if path.exists())
    assert b"-secret" not in raw
    assert b"other's note" in raw


async def test_after_delete_start_begins_as_new(bot):
    await a_full_life(bot)
    confirm = await bot.say("/delete")
    await bot.tap(confirm, "Yes")
    await bot.expect("Everything is deleted")
    assert (await bot.say("/history"))["text"] == texts.t("hi_not_started")
    welcome = await bot.say("/start")
    assert "I'm your psoas coach" in welcome["text"]
    assert "Welcome back" not in welcome["text"]


async def test_delete_no_keeps_everything(bot):
    await a_full_life(bot)
    before = bot.store.personal_data(USER_ID)
    confirm = await bot.say("/delete")
    await bot.tap(confirm, "No")
    kept = await edit_of(bot, confirm)
    assert kept["text"] == texts.t("hi_delete_kept") and buttons(kept) == []
    assert bot.store.personal_data(USER_ID) == before


async def test_an_old_delete_confirmation_expires_instead_of_deleting_newer_data(bot):
    await a_full_life(bot)
    confirm = await bot.say("/delete")
    bot.clock.advance(timedelta(minutes=16))
    await bot.tap(confirm, "Yes")
    expired = await edit_of(bot, confirm)
    assert expired["text"] == texts.t("hi_delete_expired")
    assert bot.store.personal_data(USER_ID).checkins == 4


async def test_delete_twice_says_nothing_is_left(bot):
    await a_full_life(bot)
    first = await bot.say("/delete")
    second = await bot.say("/delete")
    await bot.tap(second, "Yes")  # the first asking was superseded by the second
    await bot.expect("Everything is deleted")
    await bot.tap(first, "Yes")
    assert (await edit_of(bot, first))["text"] == texts.t("hi_delete_nothing")


async def test_delete_with_nothing_stored(bot):
    reply = await bot.say("/delete")
    assert reply["text"] == texts.t("hi_delete_nothing")
    assert buttons(reply) == []


async def test_privacy_says_what_why_who_and_how(bot):
    reply = await bot.say("/privacy")
    text = reply["text"]
    assert len(text) < 700  # short on a phone; the rest one tap away
    for part in ("Who can see it", "people who run this bot", "totals only", "/export", "/delete"):
        assert part in text
    assert "Only you" not in text  # UX 13: the operators hold the database, backups too
    await bot.tap(reply, "More details")
    more = await bot.reply()
    for part in ("What I store", "How long", "Until you delete it", "backup copies"):
        assert part in more["text"]


async def test_progress_in_the_middle_of_a_checkin_keeps_the_checkin_going(bot):
    await subscribe(bot)
    write_days_through_store(bot, [TODAY - timedelta(days=1)])
    await bot.emu.send_text(USER_ID, "/checkin")
    await bot.expect("tension do you feel")
    await bot.emu.send_text(USER_ID, "/progress")
    assert_real_chart(await next_photo(bot))
    await bot.emu.send_text(USER_ID, "6")
    await bot.expect("pain do you feel")
    assert bot.store.checkin_for_day(USER_ID, TODAY).tension == 6


@pytest.mark.parametrize(
    ("message_html", "length"),
    [("plain", 5), ("<b>bold</b> &amp; more", 11), ("😊 ok", 5), ("", 0)],
    ids=["plain", "tags-and-entities", "emoji-is-two-utf16-units", "empty"],
)
def test_caption_length_is_counted_as_telegram_counts_it(message_html, length):
    assert visible_length(message_html) == length


async def test_history_tells_skipped_and_stopped_part_way_apart_from_nothing_recorded(bot):
    """UX 5: an explicit "Skip today" and a practice stopped at step 3 both showed "—"."""
    from tests.test_flow_practice import first_step, start, stop, subscribed, tap_next

    await subscribed(bot)  # Monday 23 November: skipped from the reminder
    bot.store.add_delivery(
        USER_ID,
        date(2026, 11, 23),
        "skip",
        bot.clock.now(),
        status="skipped",
        reason="the person chose to skip today",
    )
    bot.clock.set(datetime(2026, 11, 24, 6, 0, tzinfo=UTC))  # Tuesday: stopped at step 3
    _, ask = await start(bot)
    step = await tap_next(bot, await tap_next(bot, await first_step(bot, ask)))
    await stop(bot, step)
    await bot.expect("Stopped")
    lines = history_lines(await bot.say("/history"))
    assert lines[0].startswith("Tue 24 Nov · stopped at step 3 of 4")
    assert lines[1] == "Mon 23 Nov · skipped"


async def test_notes_can_be_read_back_in_the_chat_in_full(bot):
    """UX 5: notes showed only as 📝; reading them needed the export."""
    await subscribe(bot)
    long_note = "The stairs & the <hip> were hard. " * 150  # ~5,000 characters
    write_days_through_store(
        bot,
        [TODAY, TODAY - timedelta(days=1)],
        note=lambda i: "Felt calmer 😌" if i == 0 else long_note,
    )
    shown = await bot.say("/history")
    assert "📝 Read my notes" in buttons(shown)
    await bot.tap(shown, "📝 Read my notes")
    first = await bot.expect("Your notes")
    parts = [first["text"]] + [m["text"] for m in await bot.settle()]
    assert all(len(part) <= 4096 for part in parts)
    whole = "".join(parts)
    assert "Felt calmer 😌" in whole
    # A note longer than a message goes on in the next one, under its date again.
    rejoined = whole.replace("\n\nMon 23 Nov\n", "").replace("Mon 23 Nov\n", "")
    assert rejoined.count("The stairs & the <hip> were hard.") == 150
