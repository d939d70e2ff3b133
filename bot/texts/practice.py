"""Messages for guided practice sessions, timers and the practice library."""

from bot.texts import Plural

MESSAGES: dict[str, str | Plural] = {
    # --- starting --------------------------------------------------------------------------
    "pr_not_subscribed": (
        "Today's practice comes with a daily reminder, and you don't have one set up. "
        "Send /start to set it up: it takes a minute.\n\n"
        "Meanwhile you can try any practice on its own with /practices."
    ),
    "pr_not_subscribed_stopped": (
        "Your daily reminders are stopped, so today's practice waits for them. Send /start "
        "to turn them on again: your history is still here.\n\n"
        "Meanwhile you can try any practice on its own with /practices."
    ),
    "pr_intro_day": "🌿 <b>Day {day} · {phase}</b>\n{title} · about {minutes} min",
    "pr_intro_gentle": (
        "🌿 <b>Day {day} · a gentle day</b>\n"
        "After your last check-in we're keeping to gentle release for a few days.\n"
        "{title} · about {minutes} min"
    ),
    "pr_intro_short": ("⚡ <b>The 5-minute version · day {day}</b>\n{title} · about {minutes} min"),
    "pr_intro_library": (
        "🌿 <b>{title}</b> · about {minutes} min\nOn its own: your daily program stays where it is."
    ),
    "pr_intro_preview": (
        "👀 <b>Preview</b> · {title} · about {minutes} min\n"
        "What a subscriber sees. Nothing here is recorded as practice."
    ),
    "pr_again_today": "You've already practised today. 🌿 Here it is again, if you'd like.",
    "pr_done_today": (
        "You've done today's practice. 🌿 Well done. Tomorrow brings the next day of your "
        "program.\n\nIf you'd like more today, you can do it again or pick one from the library."
    ),
    "pr_btn_again": "🔁 Do it again",
    "pr_btn_library": "📚 All practices",
    "pr_why_heading": "<b>Why this helps</b>",
    "pr_why_line": "• {title}: {why}",
    "pr_why_single": "{why}",
    "pr_safety_heading": "<b>Take care</b>",
    "pr_safety_line": "• {safety}",
    "pr_sources_differ": "<i>Sources differ.</i> {text}",
    "pr_locked": Plural(
        "This one is usually added to your program once your pain has stayed low for "
        "{n} day. Go very gently, and skip it on a painful day.",
        "This one is usually added to your program once your pain has stayed low for "
        "{n} days. Go very gently, and skip it on a painful day.",
    ),
    "pr_note": "💡 {note}",
    "pr_nothing_to_do": "There's nothing to practise in that plan.",
    # --- the tension tap ---------------------------------------------------------------------
    "pr_ask_tension": (
        "Before you start: <b>how much tension do you feel in your belly, hips and groin "
        "right now?</b>\n{anchors}\n\n{how} After the practice I'll ask "
        "again, so you can see the difference. If your pain is high today, tap the last "
        "button first."
    ),
    "pr_tension_tap_or_type": "Tap a number or type it.",
    "pr_tension_tap": "Tap a number.",
    "pr_btn_skip": "Skip",
    "pr_tension_noted": "Tension now: {value}/10. Thank you.",
    "pr_ask_pain": (
        "<b>How much pain do you feel right now?</b>\n"
        "0 = no pain, 10 = worst pain imaginable. Tap the number."
    ),
    "pr_btn_pain_high": "😣 My pain is {high} or more today",
    "pr_btn_pain_not_high": "« Not that high",
    "pr_pain_noted": "Pain now: {value}/10. Thank you.",
    # --- steps -------------------------------------------------------------------------------
    "pr_step": "<b>Step {number} of {of} · {practice}</b>\n\n{text}",
    "pr_timer_length": "⏱ {length}",
    "pr_length_min": "{minutes} min",
    "pr_length_min_s": "{minutes} min {seconds} s",
    "pr_length_s": "{seconds} s",
    "pr_timer_running": "⏳ Timer running until <b>{until}</b>. Rest; I'll write when it's time.",
    "pr_clock_local": "{time} (your time)",
    "pr_clock_utc": "{time} UTC",
    "pr_timer_ended": "✓ Timer ended.",
    "pr_times_up": (
        "⏰ Time's up. Take your time coming back: there's no rush.\n"
        "Tap <b>Next</b> when you're ready."
    ),
    "pr_resume": "↩️ Picking up where you left off.",
    "pr_resume_other": (
        "↩️ You're in the middle of <b>{title}</b>. Here's where you were. "
        "Tap ⏹ Stop first if you'd rather do something else."
    ),
    "pr_ask_switch": (
        "You're in the middle of <b>{current}</b>.\n"
        "Carry on with it, or switch to <b>{other}</b>? Switching ends {current} here."
    ),
    "pr_btn_keep": "« Carry on with {title}",
    "pr_btn_switch": "Switch to {title}",
    "pr_btn_back": "« Back",
    "pr_btn_next": "Next »",
    "pr_btn_finish": "Finish ✓",
    "pr_btn_stop": "⏹ Stop",
    "pr_btn_timer": "▶️ Start timer",
    "pr_btn_add": "Add {minutes} min",
    "pr_btn_end": "End now",
    # toasts: short, shown over the chat for a moment
    "pr_first_step": "This is the first step.",
    "pr_old_button": "That button is from an earlier step. Your practice carries on below.",
    "pr_session_over": "That practice has ended. Send /today to start again.",
    "pr_timer_started": "Timer started.",
    "pr_timer_added": "{minutes} more minutes.",
    "pr_timer_not_running": "The timer has already ended.",
    "pr_practice_gone": "That practice isn't in the library any more. Send /practices to see them.",
    # --- typing during a session ---------------------------------------------------------------
    "pr_typing_timer": "Your timer is running until {until}. Rest; I'll write when it's time.",
    "pr_typing_step": (
        "You're on {practice}, step {number} of {of}. Tap <b>{forward}</b> when you're ready, "
        "or <b>⏹ Stop</b> to end here."
    ),
    # --- the end ---------------------------------------------------------------------------------
    "pr_finished_day": "Well done. 🌿 Day {day} is done.",
    "pr_finished_short": "Well done. 🌿 Five minutes counts: today is done.",
    "pr_finished_library": "Well done. 🌿 That's {title} done.",
    "pr_finished_preview": "End of the preview. Nothing was recorded.",
    "pr_stopped": (
        "Stopped. That's okay: listening to your body is part of the practice. 🌿\n\n"
        "If something hurt, rest now. If the pain is sharp or doesn't settle, please check "
        "with a doctor or physiotherapist.\n\n"
        "Would you like to tell me how you feel anyway?"
    ),
    "pr_stopped_preview": "Preview stopped. Nothing was recorded.",
    "pr_btn_checkin": "📝 Check in now",
    "pr_btn_stop_yes": "⏹ Yes, stop here",
    "pr_btn_stop_no": "« No, carry on",
    "pr_btn_resume": "▶️ Carry on from step {number}",
    "pr_resume_gone": "That practice can't be picked up again now. Send /today to start one.",
    # --- the library -----------------------------------------------------------------------------
    "pr_library_heading": (
        "<b>All practices</b>\n"
        "Tap one to start it now. Doing one here doesn't change your daily program."
    ),
    "pr_btn_library_about": "ℹ️ What each one is",
    "pr_library_group": "<b>{category}</b>\n{lines}",
    "pr_library_line": "• {title} · {minutes} min: {summary}",
    "pr_unknown_practice": (
        "I don't have a practice called “{name}”. Here's what I have; tap one to start it."
    ),
    "pr_choose_practice": "A few practices match “{name}”. Which one would you like?",
    "pr_category_release": "Release",
    "pr_category_breathing": "Breathing",
    "pr_category_awareness": "Awareness",
    "pr_category_walking": "Walking",
    "pr_category_feet": "Feet",
    "pr_category_stretch": "Stretching",
    "pr_category_strength": "Strength",
    "pr_category_habits": "Everyday habits",
}
