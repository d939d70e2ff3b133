"""Messages for check-ins and safety replies."""

# One line at the moment of high or rising pain, so nobody has to remember /safety then.
_URGENT_POINTER = (
    "<b>Get urgent care now</b> if this pain is new and severe, came after a fall or knock, "
    "or comes with numbness, weakness, fever, or bladder or bowel changes."
)


MESSAGES = {
    # --- the questions -----------------------------------------------------------------------
    "ci_ask_tension": (
        "<b>How are you feeling?</b> 🌿\n\n"
        "How much <b>tension</b> do you feel in your belly, hips and groin right now?\n"
        "0 = none, 5 = moderate, 10 = worst imaginable.\n\n"
        "Tap a number or type it.{was}"
    ),
    "ci_ask_pain": (
        "How much <b>pain</b> do you feel right now?\n"
        "0 = no pain, 5 = moderate, 10 = worst pain imaginable.\n\n"
        "Tap a number or type it.{was}"
    ),
    "ci_ask_areas": (
        "<b>Where do you feel it?</b>\n"
        "Tap every place that hurts or feels tight (tap again to take it off), then Done. "
        "Done with nothing ticked means nowhere in particular.{was}"
    ),
    "ci_areas_nowhere": "nowhere in particular",
    "ci_ask_completion": "<b>How did today's practice go?</b>{was}",
    "ci_ask_note": "Anything you'd like to add? Type a short note in your own words.{was}",
    "ci_note_skip_hint": "\nNothing to add? Tap Skip.",
    "ci_was": "\n<i>Earlier you said: {value}</i>",
    "ci_answered": "\n✓ <b>Your answer: {value}</b>",
    "ci_was_note": (
        "\n<i>Your note so far: “{note}”</i>\nSend a new note to replace it, or tap Keep my note."
    ),
    # --- buttons -------------------------------------------------------------------------------
    "ci_btn_back": "« Back",
    "ci_btn_nowhere": "Nowhere",
    "ci_btn_done": "Done ✓",
    "ci_btn_full": "Did it all",
    "ci_btn_partial": "Did part of it",
    "ci_btn_skipped": "Skipped it today",
    "ci_btn_skip_note": "Skip",
    "ci_btn_keep_note": "Keep my note",
    "ci_btn_edit_today": "Edit today's check-in",
    "ci_btn_leave": "Leave it as it is",
    # --- corrections ---------------------------------------------------------------------------
    "ci_not_text": "I can only read numbers and buttons here. 🙂",
    "ci_not_text_buttons": "I can't read that here, sorry. 🙂",
    "ci_areas_use_buttons": (
        "Please tap the places on the buttons, then Done. Nothing ticked means nowhere."
    ),
    "ci_kept_as_note": "I've kept what you wrote as your note. 📝",
    "ci_completion_use_buttons": "How did the practice go? Please tap one of the buttons.",
    "ci_note_not_text": ("I can only keep a note as text. Type it in words, or tap Skip."),
    "ci_resume": "Let's carry on with your check-in where you left it:",
    # --- callbacks that no longer apply ------------------------------------------------------
    "ci_old_day": (
        "That check-in was from an earlier day. It's saved just as you left it. "
        "Send /checkin to tell me how you are today."
    ),
    "ci_already_answered": "Already saved. Tap « Back on the latest question to change it.",
    "ci_closed": "This check-in is saved. Send /checkin to change today's answers.",
    # --- the end -------------------------------------------------------------------------------
    "ci_done_today": (
        "You've already checked in today, thank you:\n\n{summary}\n\n"
        "Would you like to change anything?"
    ),
    "ci_left_as_is": "Alright, it stays as it is. Rest well. 🌿",
    "ci_thanks": (
        "<b>Thank you for checking in.</b> 🌿 Here's what I saved:\n\n{summary}\n\n{closing}"
    ),
    "ci_line_tension": "Tension: {value}/10",
    "ci_line_tension_change": "Tension: {before} → {after} after today's practice",
    "ci_line_pain": "Pain: {value}/10",
    "ci_line_areas": "Where: {areas}",
    "ci_line_nowhere": "Where: nowhere in particular",
    "ci_line_completion": "Practice: {value}",
    "ci_line_note": "Your note: “{note}”",
    "ci_completion_full": "done fully",
    "ci_completion_partial": "done in part",
    "ci_completion_skipped": "skipped today",
    "ci_closing_better": (
        "Your tension went from {before} to {after} during today's practice. "
        "That's a real change. 🙏"
    ),
    "ci_closing_default": (
        "Every check-in helps you see your progress. Be gentle with yourself today."
    ),
    "ci_closing_skipped": "A day off is fine. Tomorrow is a fresh start.",
    "ci_closing_gentle": (
        "For the next few days I'll keep your practice to gentle rest. Take good care."
    ),
    "ci_btn_go_on": "Go on with the check-in",
    "ci_btn_stop_here": "⏹ Stop here",
    "ci_stopped_here": (
        "Stopped here. What you told me is saved:\n\n{summary}\n\n"
        "Rest now, in whatever position eases the pain. Take good care. 💛"
    ),
    # --- pain signals ----------------------------------------------------------------------
    "sf_pain_high": (
        "I'm sorry you're hurting this much. 💛\n\n" + _URGENT_POINTER + "\n\n"
        "<b>Otherwise:</b> stop anything that hurts, and rest in any position that eases it, "
        "for example lying with your knees bent or your lower legs on a chair.\n"
        "For the next few days your practice will be gentle rest only.\n"
        "If the pain hasn't eased in a day or two, or keeps coming back, please see a doctor "
        "or physiotherapist.\n\n"
        "You can stop here: what you've told me is saved. Or go on with a few more questions."
    ),
    "sf_pain_rising": (
        "Your pain is higher than it has been lately. Thank you for telling me. 💛\n\n"
        + _URGENT_POINTER
        + "\n\n"
        "<b>Otherwise:</b> stop anything that makes it worse, and go back to gentle rest "
        "only. For the next few days your practice will be gentle rest too.\n"
        "If the pain keeps rising, or hasn't settled within a week, please see a doctor or "
        "physiotherapist.\n\n"
        "You can stop here: what you've told me is saved. Or go on with a few more questions."
    ),
    "sf_pain_before_practice": (
        "Your pain is high right now. I'm sorry. 💛\n\n" + _URGENT_POINTER + "\n\n"
        "Today, rest is kinder than practice: try the 5-minute rest instead, in any position "
        "that eases the pain, or stop here. Your pain rating is saved. For the next few days "
        "I'll keep your practice to gentle rest."
    ),
    "sf_btn_rest_instead": "⚡ 5-minute rest instead",
    "sf_btn_go_on_gently": "Go on, gently",
    # --- the red-flag screen ----------------------------------------------------------------
    # sf_screen, sf_urgent and sf_on_hold are in bot/texts/safety.py (signs, numbers).
    "sf_screen_waiting": "Your practice starts as soon as you've answered. 🌿",
    "sf_btn_yes": "Yes, from the first list",
    "sf_btn_soon": "Only from the second list",
    "sf_btn_no": "No, none of these",
    "sf_see_doctor": (
        "Thank you for telling me. 💛 Please book a visit to your doctor this week and tell "
        "them which sign you have. Until then you can keep practising gently; stop anything "
        "that hurts. If any of the first list appears, get urgent care today."
    ),
    "sf_hold_set": (
        "I've paused your daily practice, so no reminders will come for now. "
        "Your history is kept.\n\n"
        "When a doctor has checked you, or you're sure you're safe to continue, tap the "
        "button below."
    ),
    "sf_btn_continue": "I've been checked / I want to continue",
    "sf_continued": (
        "Welcome back. 🌿 Your daily practice is on again. For the first few days I'll keep it "
        "to gentle rest. Stop anything that hurts, and get care at once if any of those "
        "signs come back."
    ),
    "sf_not_on_hold": "Your practice isn't paused. Send /today to carry on.",
    "sf_no_thanks": "Thank you. Good to hear. 🌿 I'll ask again in a week.",
}
