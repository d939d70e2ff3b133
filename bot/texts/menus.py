"""The commands menu (Telegram's and /help's) and choosing the language.

Each command's description is the message `cmd_<name>`, so the menu Telegram shows is in the
person's language too (setMyCommands per language_code, bot/flows/language.py).
"""

# Menu order: what a person needs first comes first. (name, message key) pairs.
COMMANDS: tuple[tuple[str, str], ...] = tuple(
    (name, f"cmd_{name}")
    for name in (
        "start",
        "help",
        "safety",
        "today",
        "practices",
        "practice",
        "checkin",
        "settings",
        "pause",
        "resume",
        "stop",
        "history",
        "progress",
        "summary",
        "export",
        "language",
        "privacy",
        "delete",
    )
)

# The admin's own command menu (set per admin chat; never in COMMANDS).
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = tuple(
    (name, f"cmd_{name}")
    for name in ("reload", "content", "preview", "versions", "rollback", "stats", "broadcast")
)

MESSAGES = {
    # --- the commands menu -----------------------------------------------------------------
    "cmd_start": "Start or set up your daily practice",
    "cmd_help": "What I can do",
    "cmd_safety": "Staying safe: when to stop and see a doctor",
    "cmd_today": "Start or carry on with today's practice",
    "cmd_practices": "All practices, to try any of them",
    "cmd_practice": "Start one practice by name, like /practice swing",
    "cmd_checkin": "Tell me how you feel: tension, pain, where",
    "cmd_settings": "Change your reminder time or time zone",
    "cmd_pause": "Take a break from reminders, like /pause 3",
    "cmd_resume": "Start your reminders again after a pause",
    "cmd_stop": "Stop reminders (your history stays)",
    "cmd_history": "Your last 14 days at a glance",
    "cmd_progress": "Your progress chart, streaks and trends",
    "cmd_summary": "Choose the day of your weekly summary",
    "cmd_export": "Download your data: spreadsheet and PDF report",
    "cmd_language": "Change the language I speak",
    "cmd_privacy": "What I store, why, and who can see it",
    "cmd_delete": "Delete everything I hold about you",
    "cmd_reload": "Admin: check the content folder and apply it",
    "cmd_content": "Admin: the live content as a zip, to edit",
    "cmd_preview": "Admin: try a practice as a subscriber sees it",
    "cmd_versions": "Admin: recent content versions",
    "cmd_rollback": "Admin: restore a content version",
    "cmd_stats": "Admin: figures across all subscribers",
    "cmd_broadcast": "Admin: a message to every active subscriber",
    # --- choosing the language ---------------------------------------------------------------
    # Each button names its language in that language (i18n.LANGUAGE_NAMES), so a person who
    # cannot read this text can still find their own.
    "lang_ask": "Which language shall I speak? Your history and settings stay as they are.",
    "lang_set": "Done: I'll speak English from now on. 🌿",
    "lang_same": "I already speak English with you. 🌿",
    "btn_language": "🌐 Language",
    # --- the time-zone question's keyboard (a tap sends the label as text) -------------------
    "btn_share_location": "📍 Share my location",
    "btn_pick_from_list": "🌍 Pick from a list",
}
