"""Messages for subscribing, settings, pausing, and the daily reminder."""

# The zone question's reply-keyboard buttons are in bot/texts/menus.py (btn_share_location,
# btn_pick_from_list): translated when the keyboard is shown.

from bot.texts import Plural

MESSAGES: dict[str, str | Plural] = {
    # --- time zone ---------------------------------------------------------------------------
    "ask_zone": (
        "Which time zone are you in? Then your reminder comes at <i>your</i> local time.\n\n"
        "• Tap <b>Share my location</b> below (used once, not stored), or\n"
        "• type your city, like <i>Berlin</i> or <i>São Paulo</i>, or\n"
        "• type an offset like <i>UTC+2</i>, or tap <b>Pick from a list</b>."
    ),
    "pick_zone": "Choose the one closest to you:",
    "zone_choices": "I found a few places with that name. Which one is yours?",
    "zone_none_of_these": "None of these",
    "zone_retry": "No problem. Type a nearby bigger city, or an offset like UTC+2.",
    "zone_not_text": (
        "I need a place to set your time zone. Type your city, or use the "
        "<b>Share my location</b> button."
    ),
    "zone_set": "Time zone: <b>{zone}</b> ✅ It's {local_time} there.",
    # --- reminder time -----------------------------------------------------------------------
    "ask_time": (
        "What time would you like your daily practice reminder?\n\n"
        "Tap a time, or type one like <i>7:30</i>, <i>19:45</i> or <i>7 pm</i>."
    ),
    "btn_keep_time": "✅ Keep {time}",
    "time_not_text": "Please tap a time, or type one like 7:30 or 19:45.",
    "subscribed": (
        "All set! 🌿 I'll remind you every day at <b>{time}</b> your time.\n"
        "Next reminder: <b>{next}</b>.\n\n"
        "You can change this any time with /settings, or take a break with /pause."
    ),
    "start_now_button": "▶️ Start today's practice now",
    "already_subscribed": (
        "You're all set. 🌿 Next reminder: <b>{next}</b>.\n"
        "Send /today to practise now, or /settings to change your reminder."
    ),
    "already_paused": "Your reminders are paused. Send /resume when you're ready to start again.",
    "need_setup": "Let's set up your daily reminder first. It takes a minute.",
    # --- settings ----------------------------------------------------------------------------
    "settings": (
        "<b>Your settings</b>\n\n"
        "Reminder time: <b>{time}</b>\n"
        "Time zone: <b>{zone}</b>\n"
        "Status: <b>{status}</b>\n"
        "Next reminder: <b>{next}</b>\n"
        "One gentle follow-up{followup_at} if you haven't started: <b>{followup}</b>"
    ),
    "status_active": "reminders on",
    "status_paused": "paused",
    "status_paused_until": "paused, back on {day}",
    "status_stopped": "stopped",
    "next_none": "none while paused",
    "on": "on",
    "off": "off",
    "btn_change_time": "⏰ Change time",
    "btn_change_zone": "🌍 Change time zone",
    "btn_followup_on": "🔔 Turn follow-up on",
    "btn_followup_off": "🔕 Turn follow-up off",
    "btn_pause": "⏸ Pause",
    "btn_resume": "▶️ Resume",
    "btn_stop": "⏹ Stop reminders",
    "settings_saved": "Saved. Next reminder: <b>{next}</b>.",
    "followup_on": (
        "Follow-up on: if you haven't started by <b>{time}</b>, I'll send one gentle nudge then."
    ),
    "followup_on_none": (
        "Follow-up on, but your reminder is so close to midnight that a nudge would land on "
        "the next day, so none will come. With a reminder before 23:15 you get one."
    ),
    "followup_at": " at {time}",
    "followup_off": "Follow-up off: one reminder a day, nothing more.",
    # --- pause, resume, stop -----------------------------------------------------------------
    "ask_pause": "Take a break for how long? Pausing never counts as a missed day.",
    "pause_days_button": Plural("{n} day", "{n} days"),
    "pause_day_button": "1 day",
    "pause_until_resume": "Until I resume",
    "pause_bad_days": "Please send /pause with a number of days from 1 to 90, like /pause 3.",
    "paused_days": (
        "Paused. ⏸ I'll be back with your reminder on <b>{day}</b>. Rest well.\n"
        "Send /resume any time to start earlier."
    ),
    "paused_open": "Paused. ⏸ No reminders until you send /resume. Take care of yourself.",
    "resumed": "Welcome back! ▶️ Next reminder: <b>{next}</b>.",
    "not_paused": "Your reminders aren't paused. Next reminder: <b>{next}</b>.",
    "ask_stop": (
        "Stop your daily reminders?\n\n"
        "Your history stays, so you can come back any time with /start. "
        "If you'd like everything deleted instead, use /delete."
    ),
    "stop_practice_hint": (
        "To stop the practice you're doing now, tap <b>⏹ Stop</b> under its step. "
        "If something hurts, stop and rest."
    ),
    "stop_yes": "Yes, stop reminders",
    "stop_no": "No, keep them",
    "stopped": (
        "Reminders stopped. Your history is kept. Send /start whenever you'd like to return. 🌿"
    ),
    "stop_cancelled": "Good, your reminders stay on.",
    "not_subscribed": "You don't have reminders set up. Send /start to begin.",
    # --- the reminder itself -----------------------------------------------------------------
    "reminder": (
        "🌿 Time for today's practice.\n\n"
        "<b>Day {day} · {phase}</b>\n"
        "{title} · about {minutes} min\n"
        "{intro}"
        "\n💡 {note}"
    ),
    "reminder_gentle": (
        "🌿 Time for today's practice.\n\n"
        "<b>A gentle day</b>\n"
        "After your last check-in, we're keeping things to gentle release for a few days: "
        "{title} · about {minutes} min\n"
        "\n💡 {note}"
    ),
    "btn_start": "▶️ Start now",
    "btn_later": "⏰ Later",
    "btn_skip": "Skip today",
    "btn_short": "⚡ 5-minute version",
    "btn_back": "« Back",
    "snooze_minutes": "{minutes} min",
    "snooze_hour": "1 hour",
    "snooze_too_late": (
        "It's too close to midnight for a snooze. The 5-minute version is there if you'd like, "
        "or rest and start fresh tomorrow."
    ),
    "snoozed": "Okay, I'll remind you again at <b>{time}</b>. ⏰",
    "snooze_reminder": "⏰ Here's your reminder again. Whenever you're ready:",
    "skipped_today": (
        "Skipped for today. That's okay: rest is part of this too. See you tomorrow. 🌿"
    ),
    "followup": (
        "A gentle nudge: there's still time for today's practice, even the 5-minute "
        "version. No pressure. 🌿"
    ),
    "old_reminder": "That reminder is from an earlier day. Send /today for today's practice.",
}
