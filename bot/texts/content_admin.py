"""What the admin reads about a content set: why a zip could not be read, and which composed
message is too long for Telegram (also printed by `python -m bot check-content`)."""

from bot.texts import Plural

MESSAGES: dict[str, str | Plural] = {
    # File sizes in the admin's answers.
    "ca_size_mb": "{size} MB",
    "ca_size_kb": "{size} KB",
    "ca_size_bytes": Plural("{n} byte", "{n} bytes"),
    "ca_zip_method": "it uses a compression method I can't read",
    "ca_zip_encrypted": "it is encrypted",
    "ca_zip_checksums": "its sizes or checksums don't match its contents",
    "ca_zip_damaged": "it is damaged or not a zip",
    # The composed messages a subscriber can get, named in a problem report.
    "ca_day": "day {day} of the program",
    "ca_gentle": "the gentle days",
    "ca_short": "the 5-minute version",
    "ca_alone": "{title} on its own",
    "ca_first_message": "the first message of {label}",
    "ca_step": "step {number} of {label}",
    "ca_timer_until": "23:59 (your time)",
    "ca_too_long": (
        "{label} has a line of {longest} characters, and Telegram sends at most {limit} in one "
        "message: add blank lines to break it up, or shorten it"
    ),
}
