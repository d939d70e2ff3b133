"""Messages shared by every flow: greeting, help, and kind answers to the unexpected."""

SAFETY_NOTE = (
    "<b>Please read this first.</b> I guide gentle practice; I can't diagnose or treat. "
    "This is guidance, not medical advice, and it doesn't replace a check-up.\n"
    "Stop any exercise that causes sharp pain, cramping, or pain that grows while you do it. "
    "If pain lasts, gets worse, or limits walking or standing, see a doctor or "
    "physiotherapist. Get urgent care for numbness around your genitals, bottom or inner "
    "thighs, new trouble peeing or leaking, pain or weakness in both legs, a fever with back "
    "pain, or sudden severe pain. Send /safety any time for the full list."
)

MESSAGES = {
    # --- general -------------------------------------------------------------------------------
    # Short on a phone: what the bot does and the safety note; the rest is one tap away.
    "welcome": (
        "Hello{name_part}! 🌿 I'm your psoas coach. Each day at a time you choose, I'll guide "
        "a gentle practice of about 15-20 minutes, then ask how you feel.\n\n" + SAFETY_NOTE
    ),
    "welcome_more": (
        "The psoas is a deep muscle that links your spine to your legs; when it stays tight, "
        "it can pull on your back, hips and groin.\n\n"
        "The practice is mostly resting on the floor and easy movement. Your answers build a "
        "picture of your progress that you can look at any time with /progress."
    ),
    "btn_more_welcome": "About the psoas and the practice",
    "btn_more_privacy": "More details",
    "welcome_back": (
        "Welcome back{name_part}! 🌿 Your history is still here. "
        "Let's set up your daily reminder again."
    ),
    "welcome_back_zone": (
        "Welcome back{name_part}! 🌿 Your history is still here. "
        "Let's turn your daily reminder on again. Your time zone stays <b>{zone}</b>; "
        "you can change it in /settings afterwards."
    ),
    "help": (
        "<b>What I can do</b>\n\n"
        "{commands}\n\n"
        "Tap a command or type it. If something feels wrong, stop and rest: "
        "your body comes first.\n\n"
        "<i>This is guidance, not medical advice, and it doesn't replace a check-up. "
        "/safety lists the signs that need a doctor.</i>"
    ),
    "unknown_command": ("I don't know that command, sorry. Send /help to see what I can do."),
    "not_text": (
        "That's nice, but I can only read text and buttons here. Send /help to see what I can do."
    ),
    "free_text_idle": (
        "I'm not sure what to do with that message. Send /today for today's practice, "
        "/checkin to tell me how you feel, or /help for everything else."
    ),
    "private_only": "I work in private chats only. Please message me directly.",
    "internal_error": (
        "Sorry, something went wrong on my side. What you told me before this is saved. "
        "Please try again in a moment."
    ),
    "save_failed": (
        "Sorry, I couldn't save that just now. Nothing was lost. Please send it again in a moment."
    ),
    "stale_button": (
        "That button is from an older message and no longer works. Here's where you are now:"
    ),
    "safety_note": SAFETY_NOTE,
    "edited_message": (
        "I noticed you edited a message. I keep answers as first sent, so please send "
        "a correction as a new message."
    ),
    "button_superseded": "That button belongs to an earlier message, so it changes nothing now. 🌿",
    "button_expired": "That button has expired. Send /today or /help to carry on.",
}
