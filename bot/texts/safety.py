"""The red-flag signs, whom to call in an emergency, and the safety messages built from them.

Each sign is a message of its own (its key is listed, in order, in bot/safety.py), so the same
translation serves /safety and the red-flag screen. The lists and the emergency sentence are
put together when a message is sent, in the person's language and for their time zone.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot import safety

_URGENT_STEPS = (
    "call your doctor's urgent line or go to an emergency department, and tell them which "
    "sign you have."
)

MESSAGES = {
    # --- signs that need urgent care today (bot/safety.URGENT_SIGNS) -----------------------
    # Worded to be answered yes or no, under 110 characters, no full stop.
    "sign_saddle": "Numbness or tingling around your genitals, bottom or inner thighs",
    "sign_bladder": (
        "New trouble peeing (you can't start, or can't feel when you need to go), "
        "or leaking from your bladder or bowel"
    ),
    "sign_both_legs": "Pain, numbness or weakness in both legs",
    "sign_leg_worse": (
        "Weakness in a leg that is getting worse, or a foot that slaps or catches as you walk"
    ),
    "sign_fever": "A fever with back pain, or feeling very unwell",
    "sign_fall": "New pain after a recent fall, accident or knock",
    "sign_sudden": "Sudden, severe pain in your belly or back",
    "sign_night": "Severe pain at night that rest does not ease",
    # --- signs that need a doctor this week (bot/safety.SEE_DOCTOR_SIGNS) -------------------
    "sign_cancer": "You have had cancer, and this pain is new",
    "sign_weight": "You are losing weight without trying",
    "sign_unwell": "You feel generally unwell, or have had a temperature",
    "sign_lump": "You have found a lump in your groin",
    "sign_belly": "You have belly pain with vomiting, or blood in your stool",
    "sign_leg_unchecked": "A leg is weak or numb, and nobody has checked it yet",
    # --- whom to call: the number fits the person's time zone (bot/safety.emergency_number);
    # before a zone is set, both common numbers are named.
    "em_info_unknown": "In an emergency, call 112 (Europe) or 911 (US).",
    "em_info_number": "In an emergency, call {number}.",
    "em_info_local": "In an emergency, call your local emergency number.",
    "em_now_unknown": (
        "If it feels like an emergency, call your local emergency number (112 in Europe, "
        "911 in the US) now."
    ),
    "em_now_number": "If it feels like an emergency, call {number} now.",
    "em_now_local": "If it feels like an emergency, call your local emergency number now.",
    # --- /safety ---------------------------------------------------------------------------
    "safety_info": (
        "<b>Staying safe</b> 💛\n\n"
        "I guide gentle practice. This is guidance, not medical advice, and it doesn't replace "
        "a check-up.\n\n"
        "<b>Stop and get urgent care today</b> if you have:\n{urgent_list}\n{emergency}\n\n"
        "<b>See a doctor this week</b> if:\n{see_doctor_list}\n\n"
        "<b>Ask your doctor, midwife or physio first</b> if you're pregnant, had surgery on "
        "your belly, hip or back lately (a caesarean too), have a hip replacement or "
        "osteoporosis. Hard to get down to the floor? A firm bed works. Kneeling hurts, or your "
        "balance is poor? Skip those steps or keep support within reach. Prescribed shoes or "
        "insoles, numb or diabetic feet? Keep them and ask before changing.\n\n"
        "<b>Feelings can come up</b> when you rest still. You can open your eyes, sit up or "
        "stop at any time. If it's a lot, talk to someone you trust or a professional.\n\n"
        "Stop any practice at sharp pain, cramping, or pain that grows."
    ),
    # --- the red-flag screen and its answers -------------------------------------------------
    "sf_screen": (
        "<b>A quick safety check</b> (I ask this now and then, to keep you safe)\n\n"
        "<b>Do you have any of these right now?</b>\n{urgent_list}\n\n"
        "<b>Or any of these?</b>\n{see_doctor_list}\n\n"
        "Tap the first button if even one sign of the first list is true for you."
    ),
    "sf_urgent": (
        "<b>Thank you for telling me. Please don't practise now.</b>\n\n"
        "These signs need urgent medical care today.\n"
        "<b>What to do now:</b> " + _URGENT_STEPS + "\n\n{emergency}"
    ),
    "sf_on_hold": (
        "Your daily practice is paused because you told me about a sign that needs a "
        "doctor. 💛\n\n"
        "If you haven't been checked yet, please get urgent medical care today: "
        + _URGENT_STEPS
        + "\n{emergency}\n\n"
        "When you've been checked, or you're sure you're safe to continue, tap the button below."
    ),
}


def signs(keys: Sequence[str]) -> tuple[str, ...]:
    """The signs in the current language, in the order bot/safety.py lists them."""
    from bot.texts import t  # bot.texts imports this module to build its catalog

    return tuple(t(key) for key in keys)


def sign_list(keys: Sequence[str]) -> str:
    return "\n".join(f"• {sign}" for sign in signs(keys))


def emergency(moment: str, zone: str | None) -> str:
    """Whom to call, for the person's zone: `moment` is "info" (the /safety list) or "now"
    (a red flag was just reported). No zone yet: the two common numbers, as before."""
    from bot.texts import t

    if zone is None:
        return t(f"em_{moment}_unknown")
    number = safety.emergency_number(zone)
    return t(f"em_{moment}_number", number=number) if number else t(f"em_{moment}_local")


def safety_message(key: str, zone: str | None) -> str:
    """A safety message (`safety_info`, `sf_screen`, `sf_urgent`, `sf_on_hold`) with its
    lists and emergency sentence filled in."""
    from bot.texts import Safe, placeholders, t

    values = {
        "urgent_list": Safe(sign_list(safety.URGENT_SIGNS)),
        "see_doctor_list": Safe(sign_list(safety.SEE_DOCTOR_SIGNS)),
        "emergency": Safe(emergency("info" if key == "safety_info" else "now", zone)),
    }
    return t(key, **{name: values[name] for name in placeholders(key)})
