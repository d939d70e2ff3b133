"""Messages for history, progress, exports and data rights."""

from bot.texts import Plural

MESSAGES: dict[str, str | Plural] = {
    # --- shared ----------------------------------------------------------------------------------
    "hi_not_started": (
        "I don't have anything from you yet. Send /start to set up your daily practice; "
        "your history will build up from your first check-in. 🌿"
    ),
    "hi_day_0": "Monday",
    "hi_day_1": "Tuesday",
    "hi_day_2": "Wednesday",
    "hi_day_3": "Thursday",
    "hi_day_4": "Friday",
    "hi_day_5": "Saturday",
    "hi_day_6": "Sunday",
    # --- /history ------------------------------------------------------------------------------
    "hi_history": "<b>{title}</b>\n\n{rows}\n\n{legend}",
    "hi_history_title_latest": "Your last 14 days",
    "hi_history_title_start": "Your days so far",
    "hi_history_title_older": "Your days from {start} to {end}",
    "hi_history_legend": (
        "📝 means you wrote a note; — means nothing was recorded that day. "
        "Send /progress for your chart."
    ),
    "hi_day_skipped": "skipped",
    "hi_btn_notes": "📝 Read my notes",
    "hi_notes_title": "<b>Your notes</b>",
    "hi_note_line": "<b>{day}</b>\n{note}",
    "hi_notes_none": "There are no notes in those days any more.",
    "hi_day_stopped": "stopped at step {number} of {of} ({title})",
    "hi_history_empty": (
        "Nothing here yet. After your first practice or check-in, your days will show up here, "
        "one line each. 🌿"
    ),
    "hi_btn_older": "« Older",
    "hi_btn_newer": "Newer »",
    "hi_no_older": "That's as far back as your history goes.",
    # --- /progress -----------------------------------------------------------------------------
    "hi_progress_caption": "{head}\n\n{facts}",
    "hi_progress_head": (
        "📈 <b>{period}</b>: your tension and pain from {start} to {end} "
        "(0 = none, 10 = worst). Dots are daily ratings, lines the 7-day average, "
        "▲ the days you practised."
    ),
    "hi_progress_more": "In words:\n\n{facts}",
    "hi_progress_empty": (
        "Your chart will appear here after your first check-in. 🌿 "
        "Send /checkin after a practice to tell me how you feel; each answer adds a point."
    ),
    "hi_period_7": "Last 7 days",
    "hi_period_30": "Last 30 days",
    "hi_period_90": "Last 90 days",
    "hi_period_all": "All your history",
    "hi_btn_7": "7 days",
    "hi_btn_30": "30 days",
    "hi_btn_90": "90 days",
    "hi_btn_all": "All",
    "hi_btn_current": "✓ {label}",
    # --- weekly summary ------------------------------------------------------------------------
    "hi_weekly": "🗓 <b>Your week</b>, {start} to {end}\n\n{lines}",
    "hi_btn_weekly_chart": "📈 See my chart",
    "hi_summary_settings": (
        "<b>Weekly summary</b>\n\n"
        "Once a week, with your reminder, I send a short look back at the last seven days: "
        "days practised, average tension and pain, and how they compare with the week before.\n\n"
        "Now: <b>{current}</b>. Choose a day, or turn it off."
    ),
    "hi_summary_settings_off": (
        "<b>Weekly summary</b>\n\n"
        "Once a week, with your reminder, I send a short look back at the last seven days: "
        "days practised, average tension and pain, and how they compare with the week before.\n\n"
        "Now: <b>off</b>. Choose a day to turn it on."
    ),
    "hi_summary_on": "on {day}s",
    "hi_summary_off": "off",
    "hi_btn_summary_off": "Turn off",
    "hi_summary_saved": "Saved.",
    # --- /export -------------------------------------------------------------------------------
    "hi_export_empty": (
        "There's nothing to export yet. Once you've checked in after a practice, /export "
        "gives you a spreadsheet of your answers and a PDF report. 🌿"
    ),
    "hi_export_csv": (
        "Your check-ins, one row each, with dates in your time zone. "
        "It opens in any spreadsheet program."
    ),
    "hi_export_pdf": (
        "A PDF report: your chart, your last two weeks and a summary on one page, then "
        "your notes in full. Ready to share with a therapist or doctor if you wish."
    ),
    # --- /delete -------------------------------------------------------------------------------
    "hi_delete_confirm": (
        "<b>Delete everything I hold about you?</b>\n\n"
        "This removes from my database, at once:\n"
        "{items}\n\n"
        "Afterwards it holds nothing linked to you (backup copies are replaced over time). "
        "If you'd like a copy first, send /export "
        "before you answer. This can't be undone."
    ),
    "hi_delete_settings": "your settings and reminder schedule (time zone, reminder time, "
    "weekly summary day)",
    # The person's counts: every form takes {n}, so a language whose 'one' form covers 21
    # and 31 (Russian) can use it.
    "hi_delete_checkins": Plural(
        "{n} check-in with your ratings and body areas",
        "{n} check-ins with your ratings and body areas",
    ),
    "hi_delete_notes": Plural(
        "{n} note you wrote",
        "{n} notes you wrote",
    ),
    "hi_delete_sessions": Plural(
        "{n} practice session",
        "{n} practice sessions",
    ),
    "hi_delete_deliveries": Plural(
        "the record of {n} reminder or message I sent you",
        "the records of {n} reminders and messages I sent you",
    ),
    "hi_delete_screens": Plural(
        "{n} answer to the safety questions",
        "{n} answers to the safety questions",
    ),
    "hi_delete_pauses": Plural(
        "{n} pause",
        "{n} pauses",
    ),
    "hi_btn_delete_yes": "Yes, delete everything",
    "hi_btn_delete_no": "No, keep my data",
    "hi_delete_kept": "Nothing was deleted. Your data stays as it was. 🌿",
    "hi_delete_done": "Deleted.",
    "hi_delete_goodbye": (
        "Everything is deleted from my database. 🌿 Backup copies that the people running "
        "the bot keep may still hold it until they are replaced.\n\n"
        "Thank you for practising with me. Take good care of yourself. "
        "If you ever want to start again, send /start and we'll begin fresh."
    ),
    "hi_delete_nothing": "I don't hold any data about you, so there's nothing to delete. 🌿",
    "hi_delete_expired": (
        "That confirmation has expired, so nothing was deleted. "
        "Send /delete again if you still want to delete your data."
    ),
    # --- /privacy ------------------------------------------------------------------------------
    "hi_privacy": (
        "<b>Your data and privacy</b>\n\n"
        "I keep your settings, check-ins (ratings, where it hurts, notes), practice sessions "
        "and safety answers: to remind you, keep you safe and show your progress. Not your "
        "name or phone number.\n\n"
        "<b>Who can see it</b>: you, and the people who run this bot, who hold the database. "
        "They look at totals only, never your ratings or notes. Nothing is sold or shared.\n\n"
        "<b>Your choices</b>\n"
        "/export: your data as a spreadsheet (CSV) and a PDF report.\n"
        "/delete: delete everything I hold, at once.\n"
        "/stop: stop reminders but keep your history."
    ),
    "hi_privacy_more": (
        "<b>What I store</b>\n"
        "• Your settings: time zone, reminder time, pauses and weekly summary day.\n"
        "• Your check-ins: tension and pain ratings, where it hurts, and any notes you write.\n"
        "• Your practice sessions: which practice, on which day, and how far you got.\n"
        "• A record of each reminder I send, so none goes out twice.\n"
        "• Your answers to the safety questions.\n"
        "A location you share is used once to find your time zone and then forgotten. "
        "Technical logs note your chat number, never what you write. Our chat itself is "
        "kept by Telegram; you can clear it in the app.\n\n"
        "<b>How long</b>\n"
        "Until you delete it. Stopping reminders keeps your history, so you can come back "
        "to it. /delete removes everything from the bot's database at once; backup copies "
        "that the people running the bot keep may still hold it until they are replaced."
    ),
}
