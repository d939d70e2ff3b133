"""Plain-text facts about a person's history: /progress lines, the weekly summary, /history
rows and the names of body areas. No HTML here: these lines also go into the chart's caption
and the PDF, and the handlers escape them for Telegram."""

from bot.texts import Plural

MESSAGES: dict[str, str | Plural] = {
    # --- body areas: the check-in buttons, and the same places in running text ---------------
    "in_area_groin_left": "Groin, left",
    "in_area_groin_right": "Groin, right",
    "in_area_hip_front_left": "Front of hip, left",
    "in_area_hip_front_right": "Front of hip, right",
    "in_area_deep_belly": "Deep belly",
    "in_area_lower_back": "Lower back",
    "in_area_buttock_sacrum": "Buttock / sacrum",
    "in_area_thigh_left": "Thigh, left",
    "in_area_thigh_right": "Thigh, right",
    "in_area_knee_leg_left": "Knee or lower leg, left",
    "in_area_knee_leg_right": "Knee or lower leg, right",
    "in_place_groin_left": "left groin",
    "in_place_groin_right": "right groin",
    "in_place_hip_front_left": "left front of hip",
    "in_place_hip_front_right": "right front of hip",
    "in_place_deep_belly": "deep belly",
    "in_place_lower_back": "lower back",
    "in_place_buttock_sacrum": "buttock / sacrum",
    "in_place_thigh_left": "left thigh",
    "in_place_thigh_right": "right thigh",
    "in_place_knee_leg_left": "left knee or lower leg",
    "in_place_knee_leg_right": "right knee or lower leg",
    # Words beside 0, 5 and 10 on the rating scale.
    "in_anchor_0": "none",
    "in_anchor_5": "moderate",
    "in_anchor_10": "worst imaginable",
    # --- empty states ---------------------------------------------------------------------------
    "in_empty_history": "Nothing to show yet — your first check-in will start your chart.",
    "in_empty_period": "Nothing recorded in this period — your next check-in will show up here.",
    # --- /progress ------------------------------------------------------------------------------
    "in_period_none": (
        "No practice in this period yet. Whenever you're ready, the rest practice is here."
    ),
    "in_period_window": Plural(
        "You practised {count} of the last {n} day", "You practised {count} of the last {n} days"
    ),
    "in_period_first_day": "You practised {count} of 1 day so far",
    "in_period_since": Plural(
        "You practised {count} of the {n} day since you started",
        "You practised {count} of the {n} days since you started",
    ),
    "in_period_end": "{line}.",
    "in_period_paused": Plural("{line} ({n} day was paused).", "{line} ({n} days were paused)."),
    "in_streak_current": Plural(
        "Current streak: {n} day (best: {best}).", "Current streak: {n} days (best: {best})."
    ),
    "in_streak_best": Plural(
        "Best streak so far: {n} day. Any day is a good day to start the next.",
        "Best streak so far: {n} days. Any day is a good day to start the next.",
    ),
    "in_total": Plural("{n} day of practice in total.", "{n} days of practice in total."),
    "in_total_week": Plural(
        "{n} day of practice in total, {week} of them this week.",
        "{n} days of practice in total, {week} of them this week.",
    ),
    "in_tension": "Tension",
    "in_pain": "Pain",
    "in_change": "{name}: {before} → {after} from your first week to the last 7 days",
    "in_change_shown": "{name}: {before} → {after} from the first week shown to the last 7 days",
    "in_change_better": "{head}, a meaningful change.",
    "in_change_worse_pain": (
        "{head}. Ups and downs are part of it; "
        "if pain keeps rising, check in with a qualified professional."
    ),
    "in_change_worse_tension": (
        "{head}. Ups and downs are part of it; gentle rest practice can help it settle."
    ),
    "in_change_same": "{head}, about the same so far.",
    "in_tension_averaged": Plural(
        "Tension averaged {average} over the last {n} day.",
        "Tension averaged {average} over the last {n} days.",
    ),
    "in_pain_averaged": Plural(
        "Pain averaged {average} over the last {n} day.",
        "Pain averaged {average} over the last {n} days.",
    ),
    "in_tension_so_far": (
        "Tension averages {average} so far; after two weeks of check-ins you'll see how it changes."
    ),
    "in_pain_so_far": (
        "Pain averages {average} so far; after two weeks of check-ins you'll see how it changes."
    ),
    "in_sessions": Plural(
        "Tension before → after a session: {before} → {after} on average ({n} session).",
        "Tension before → after a session: {before} → {after} on average ({n} sessions).",
    ),
    # --- weekly summary -------------------------------------------------------------------------
    "in_week_practised": Plural(
        "This week you practised on {n} day.", "This week you practised on {n} days."
    ),
    "in_week_paused": "Your practice was paused this week. Rest well; it's here when you're back.",
    "in_week_break": "This week was a break from practice, and that's okay.",
    "in_week_tension": "Tension averaged {average} this week.",
    "in_week_pain": "Pain averaged {average} this week.",
    "in_week_tension_vs": "Tension averaged {average} this week (last week {before}).",
    "in_week_pain_vs": "Pain averaged {average} this week (last week {before}).",
    "in_week_no_ratings": "No ratings this week; whenever you check in, they'll show up here.",
    "in_week_hard_days": (
        "Some days were hard: pain reached {peak} this week. On days like that, rest comes "
        "first; if it keeps coming back, please see a doctor or physiotherapist."
    ),
    "in_week_uneven_pain": "Your pain went up and down this week, from {low} to {peak}.",
    "in_week_hard": "Hard weeks happen; the rest practice is there for you tomorrow.",
    "in_week_pain_rising": (
        "If pain keeps rising, it's worth checking with a qualified professional."
    ),
    "in_week_eased_tension": "That's a meaningful easing in tension. Well done staying with it.",
    "in_week_eased_pain": "That's a meaningful easing in pain. Well done staying with it.",
    "in_week_eased_both": (
        "That's a meaningful easing in tension and pain. Well done staying with it."
    ),
    "in_week_uneven": "Uneven weeks happen. Every session still adds up; go gently.",
    "in_week_steady": "Steady weeks count too; every session adds up.",
    "in_week_showed_up": "Every session adds up. Well done showing up.",
    "in_week_start": (
        "Whenever you're ready, a few quiet minutes of rest practice is a good start."
    ),
    # --- /history rows: "Mon 16 Nov · practised · tension 4 · pain 3" --------------------------
    "in_row_practised": "practised",
    "in_row_paused": "paused",
    "in_row_tension": "tension {rating}",
    "in_row_pain": "pain {rating}",
}
