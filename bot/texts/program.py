"""Titles the program gives a day of practice itself (the content's own titles come with
the content)."""

MESSAGES: dict[str, str] = {
    "pg_gentle_days": "Gentle days",
    "pg_short_on_time": "Short on time",
}
